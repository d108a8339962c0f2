-- Mirrors SQLite's 0008_place_names: the search filter `place=` compares lower(name), so the
-- index is on that expression.
CREATE INDEX IF NOT EXISTS article_places_name ON article_places (lower(name));
