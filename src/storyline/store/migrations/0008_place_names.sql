-- The search filter `place=` matches a resolved place by name, case-insensitively, or by ISO
-- country code. The country had an index; the name had none, so every filtered search read all
-- of article_places (570k rows at 100k articles) to find one city's articles.
CREATE INDEX IF NOT EXISTS article_places_name ON article_places (name COLLATE NOCASE);
