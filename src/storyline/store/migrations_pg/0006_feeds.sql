-- storyline PostgreSQL schema, version 6: feeds, feed items, per-URL fetch state and per-host
-- counters (mirrors migrations/0006_feeds.sql, which explains every table).
--
-- ``feeds.seq`` is an identity column here (SQLite computes max + 1 under its write lock). It is
-- deliberately not a second unique index: ``add_feed`` inserts with a bare ON CONFLICT DO NOTHING,
-- and keeping the unique keys to ``id`` and ``url`` (both derived from the URL) means two
-- sessions adding the same feed at once never fail on a key that is not the conflict target.

CREATE TABLE feeds (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    seq                BIGINT GENERATED ALWAYS AS IDENTITY,
    url                TEXT COLLATE "C" NOT NULL UNIQUE,
    name               TEXT COLLATE "C",
    kind               TEXT COLLATE "C",
    title              TEXT COLLATE "C",
    added              TEXT COLLATE "C" NOT NULL,
    last_checked       TEXT COLLATE "C",
    last_ok            TEXT COLLATE "C",
    last_error         TEXT COLLATE "C",
    last_error_at      TEXT COLLATE "C",
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    checks             INTEGER NOT NULL DEFAULT 0,
    etag               TEXT COLLATE "C",
    last_modified      TEXT COLLATE "C"
);

CREATE TABLE feed_items (
    feed_id    TEXT COLLATE "C" NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_key   TEXT COLLATE "C" NOT NULL,
    url        TEXT COLLATE "C" NOT NULL,
    title      TEXT COLLATE "C",
    published  TEXT COLLATE "C",
    status     TEXT COLLATE "C" NOT NULL,
    article_id TEXT COLLATE "C",
    message    TEXT COLLATE "C",
    attempts   INTEGER NOT NULL DEFAULT 1,
    first_seen TEXT COLLATE "C" NOT NULL,
    last_tried TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (feed_id, item_key)
);
CREATE INDEX feed_items_first_seen ON feed_items (feed_id, first_seen);

CREATE TABLE fetches (
    url           TEXT COLLATE "C" PRIMARY KEY,
    final_url     TEXT COLLATE "C",
    status        TEXT COLLATE "C" NOT NULL,
    http_status   INTEGER,
    etag          TEXT COLLATE "C",
    last_modified TEXT COLLATE "C",
    fetched_at    TEXT COLLATE "C" NOT NULL,
    article_id    TEXT COLLATE "C"
);

CREATE TABLE hosts (
    host          TEXT COLLATE "C" PRIMARY KEY,
    requests      BIGINT NOT NULL DEFAULT 0,
    failures      BIGINT NOT NULL DEFAULT 0,
    last_ok       TEXT COLLATE "C",
    last_error    TEXT COLLATE "C",
    last_error_at TEXT COLLATE "C"
);
