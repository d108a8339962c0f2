-- Mirrors SQLite's 0010_published_language (its search lists a date range from this index);
-- PostgreSQL's planner can use it the same way for date-filtered searches.
CREATE INDEX IF NOT EXISTS articles_published_language ON articles (published, language);
