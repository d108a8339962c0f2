-- storyline PostgreSQL schema, version 4: events and storylines (mirrors
-- migrations/0004_events.sql, which explains every table).

CREATE TABLE event_articles (
    article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    event_id   TEXT COLLATE "C" NOT NULL,
    arrival    BIGINT NOT NULL
);
CREATE INDEX event_articles_event ON event_articles (event_id, arrival);

CREATE TABLE link_pairs (
    a     TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    b     TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    score DOUBLE PRECISION NOT NULL,
    near  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (a, b)
);
CREATE INDEX link_pairs_b ON link_pairs (b);

CREATE TABLE events (
    id           TEXT COLLATE "C" PRIMARY KEY,
    seq          BIGINT NOT NULL,
    title        TEXT COLLATE "C",
    first_day    TEXT COLLATE "C",
    last_day     TEXT COLLATE "C",
    n_articles   INTEGER NOT NULL,
    storyline_id TEXT COLLATE "C",
    summary      TEXT COLLATE "C" NOT NULL,
    updated_at   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX events_day ON events (first_day);
CREATE INDEX events_storyline ON events (storyline_id);

CREATE TABLE event_keys (
    event_id TEXT COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    kind     TEXT COLLATE "C" NOT NULL,
    key      TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (event_id, kind, key)
);
CREATE INDEX event_keys_key ON event_keys (kind, key);

CREATE TABLE storylines (
    id         TEXT COLLATE "C" PRIMARY KEY,
    seq        BIGINT NOT NULL,
    title      TEXT COLLATE "C",
    first_day  TEXT COLLATE "C",
    last_day   TEXT COLLATE "C",
    n_events   INTEGER NOT NULL,
    n_articles INTEGER NOT NULL,
    summary    TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE link_redirects (
    kind   TEXT COLLATE "C" NOT NULL,
    old_id TEXT COLLATE "C" NOT NULL,
    new_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, old_id)
);

CREATE TABLE link_changes (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         TEXT COLLATE "C" NOT NULL,
    kind       TEXT COLLATE "C" NOT NULL,
    target_id  TEXT COLLATE "C" NOT NULL,
    other_ids  TEXT COLLATE "C" NOT NULL,
    article_id TEXT COLLATE "C"
);
CREATE INDEX link_changes_target ON link_changes (target_id);

-- PostgreSQL only: the row save_links() and clear_links() lock (SELECT ... FOR UPDATE) before
-- they check the linker state's version, so a check and the writes it allows are one atomic
-- step even with several linkers (SQLite gets that from BEGIN IMMEDIATE).
CREATE TABLE link_lock (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);
INSERT INTO link_lock (id) VALUES (1);
