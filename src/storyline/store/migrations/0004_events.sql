-- storyline schema, version 4: events and storylines (issue 5).
--
-- The linker's evidence (scored article pairs) and its result (which event every article is in,
-- which storyline every event is in), plus the history of merges and splits. Memberships and
-- pairs are the state: events, storylines and their summaries are derived from them and are
-- rewritten for whatever a linking run touched. ``storyline relink`` empties all of it and links
-- every article again.

-- Every article the linker has seen, in the order it saw them (``arrival``), and its event.
CREATE TABLE event_articles (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL,
    arrival    INTEGER NOT NULL
);
CREATE INDEX event_articles_event ON event_articles (event_id, arrival);

-- Candidate pairs the comparison model scored (a < b): ``score`` is same_event (1.0 for a
-- near-duplicate, ``near`` = 1). Low scores are kept: they are evidence against a merge.
CREATE TABLE link_pairs (
    a     TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    b     TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    score REAL NOT NULL,
    near  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX link_pairs_b ON link_pairs (b);

-- One row per live event. ``seq`` is the order events were opened (older events keep their ID
-- in a merge). Days are ISO dates of the event time (not publication), null when unknown.
-- ``summary`` is JSON: title, places, entities, languages, outlets, key_points.
CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    seq          INTEGER NOT NULL,
    title        TEXT,
    first_day    TEXT,
    last_day     TEXT,
    n_articles   INTEGER NOT NULL,
    storyline_id TEXT,
    summary      TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX events_day ON events (first_day);
CREATE INDEX events_storyline ON events (storyline_id);

-- Places and entities of each event, for `storyline events --place/--entity`.
CREATE TABLE event_keys (
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,   -- 'entity' (registry id) or 'place' (folded name)
    key      TEXT NOT NULL,
    PRIMARY KEY (event_id, kind, key)
) WITHOUT ROWID;
CREATE INDEX event_keys_key ON event_keys (kind, key);

CREATE TABLE storylines (
    id         TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    title      TEXT,
    first_day  TEXT,
    last_day   TEXT,
    n_events   INTEGER NOT NULL,
    n_articles INTEGER NOT NULL,
    summary    TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- An old event or storyline ID that was merged away, and where it went.
CREATE TABLE link_redirects (
    kind   TEXT NOT NULL,   -- 'event' or 'storyline'
    old_id TEXT NOT NULL,
    new_id TEXT NOT NULL,
    PRIMARY KEY (kind, old_id)
) WITHOUT ROWID;

-- What changed when: new events, merges and splits of events and storylines.
CREATE TABLE link_changes (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,   -- event_new, event_merge, event_split, story_new, story_merge, story_split
    target_id  TEXT NOT NULL,   -- the event / storyline that exists after the change
    other_ids  TEXT NOT NULL,   -- JSON list: merged-away / split-off IDs
    article_id TEXT             -- the article whose arrival caused it (events)
);
CREATE INDEX link_changes_target ON link_changes (target_id);
