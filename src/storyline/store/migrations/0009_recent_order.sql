-- The event and storyline listings (the overview page, /events, /stories) show the latest first:
-- ORDER BY day IS NULL, day DESC, ... . No index had that order, so every listing sorted all
-- events with their summaries (69 ms for 12 events at 20k events). Indexes on exactly those
-- expressions let SQLite read the first rows in order and stop.
CREATE INDEX IF NOT EXISTS events_recent ON events (first_day IS NULL, first_day DESC, seq DESC);
CREATE INDEX IF NOT EXISTS storylines_recent
    ON storylines (last_day IS NULL, last_day DESC, n_articles DESC, seq);
