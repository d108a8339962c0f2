-- storyline schema, version 6: feeds, feed items, per-URL fetch state and per-host counters.
--
-- What `storyline` needs to follow RSS/Atom feeds and sitemaps across runs: which feeds to
-- watch and how their last checks went, which entries of each feed were already handled (so a
-- restarted watcher neither fetches an article twice nor retries a broken one forever), the last
-- fetch of every URL (its validators make the next request conditional) and politeness counters
-- per host. Timestamps are ISO-8601 UTC text ("2026-12-03T12:40:00Z"), as everywhere else.

-- One row per watched feed. ``id`` is the first 12 hex digits of sha256(url), so every process
-- derives the same id for the same URL without asking the database. ``seq`` is the order feeds
-- were added (what ``feeds()`` lists by): given as max + 1, which is safe because every SQLite
-- write holds the write lock. ``kind`` (rss, atom, sitemap, sitemap_index) and ``title`` are
-- learnt on the first successful check; ``etag`` / ``last_modified`` are the validators of the
-- last successful check, sent back on the next one.
CREATE TABLE feeds (
    id                 TEXT    PRIMARY KEY,
    seq                INTEGER NOT NULL,
    url                TEXT    NOT NULL UNIQUE,
    name               TEXT,
    kind               TEXT,
    title              TEXT,
    added              TEXT    NOT NULL,
    last_checked       TEXT,
    last_ok            TEXT,
    last_error         TEXT,
    last_error_at      TEXT,
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    checks             INTEGER NOT NULL DEFAULT 0,
    etag               TEXT,
    last_modified      TEXT
);

-- Every entry a feed listed that the watcher handled, keyed by the entry's guid (or URL).
-- ``status`` is stored | failed | skipped (checked by the store, not by a CHECK constraint, so a
-- later status needs no table rebuild); ``attempts`` counts tries, so failures are retried a few
-- times and then left alone. Items go with their feed; the articles they produced stay.
CREATE TABLE feed_items (
    feed_id    TEXT    NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_key   TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    title      TEXT,
    published  TEXT,
    status     TEXT    NOT NULL,
    article_id TEXT,
    message    TEXT,
    attempts   INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT    NOT NULL,
    last_tried TEXT    NOT NULL,
    PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;
CREATE INDEX feed_items_first_seen ON feed_items (feed_id, first_seen);

-- The last fetch of each URL (feeds and articles alike): its validators make the next request
-- conditional, and a restarted run knows what it already fetched.
CREATE TABLE fetches (
    url           TEXT PRIMARY KEY,
    final_url     TEXT,
    status        TEXT NOT NULL,
    http_status   INTEGER,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TEXT NOT NULL,
    article_id    TEXT
) WITHOUT ROWID;

-- Per-host counters summed over runs (each run adds its increments), and the last outcome.
CREATE TABLE hosts (
    host          TEXT    PRIMARY KEY,
    requests      INTEGER NOT NULL DEFAULT 0,
    failures      INTEGER NOT NULL DEFAULT 0,
    last_ok       TEXT,
    last_error    TEXT,
    last_error_at TEXT
) WITHOUT ROWID;
