-- storyline PostgreSQL schema, version 2: the analysis stage (mirrors migrations/0002_analysis.sql,
-- which explains every table).

CREATE TABLE analyses (
    article_id         TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version            TEXT COLLATE "C" NOT NULL,
    language           TEXT COLLATE "C",
    published          TEXT COLLATE "C",
    published_inferred TEXT COLLATE "C",
    event_type         TEXT COLLATE "C",
    event_when         TEXT COLLATE "C",
    event_where        TEXT COLLATE "C",
    event_country      TEXT COLLATE "C",
    data               TEXT COLLATE "C" NOT NULL,
    analysed_at        TEXT COLLATE "C" NOT NULL
);
CREATE INDEX analyses_version ON analyses (version);
CREATE INDEX analyses_event_type ON analyses (event_type);

CREATE TABLE entities (
    id    TEXT COLLATE "C" PRIMARY KEY,
    label TEXT COLLATE "C" NOT NULL,
    key   TEXT COLLATE "C" NOT NULL,
    name  TEXT COLLATE "C" NOT NULL,
    UNIQUE (label, key)
);
CREATE INDEX entities_key ON entities (key);

CREATE TABLE entity_aliases (
    entity_id  TEXT COLLATE "C" NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    alias      TEXT COLLATE "C" NOT NULL,
    alias_key  TEXT COLLATE "C" NOT NULL,
    language   TEXT COLLATE "C" NOT NULL DEFAULT 'und',
    mentions   INTEGER NOT NULL,
    PRIMARY KEY (entity_id, article_id, alias)
);
CREATE INDEX entity_aliases_article ON entity_aliases (article_id);
CREATE INDEX entity_aliases_key ON entity_aliases (alias_key);

CREATE TABLE entity_mentions (
    entity_id  TEXT COLLATE "C" NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    mentions   INTEGER NOT NULL,
    day        TEXT COLLATE "C",
    PRIMARY KEY (entity_id, article_id)
);
CREATE INDEX entity_mentions_article ON entity_mentions (article_id);
CREATE INDEX entity_mentions_day ON entity_mentions (entity_id, day);

CREATE TABLE article_places (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    name       TEXT COLLATE "C" NOT NULL,
    country    TEXT COLLATE "C",
    kind       TEXT COLLATE "C" NOT NULL,
    lat        DOUBLE PRECISION,
    lon        DOUBLE PRECISION,
    mentions   INTEGER NOT NULL,
    dateline   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, name, kind)
);
CREATE INDEX article_places_country ON article_places (country);
