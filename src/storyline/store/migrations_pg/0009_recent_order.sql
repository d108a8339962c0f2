-- Mirrors SQLite's 0009_recent_order: indexes in the listings' order (latest first), so
-- /events and /stories read their first rows instead of sorting every event.
CREATE INDEX IF NOT EXISTS events_recent
    ON events ((first_day IS NULL), first_day DESC, seq DESC);
CREATE INDEX IF NOT EXISTS storylines_recent
    ON storylines ((last_day IS NULL), last_day DESC, n_articles DESC, seq);
