-- storyline schema, version 2: the analysis stage (issue 3).
--
-- One analysis per article (replaced when re-analysed), plus the corpus-wide entity registry and
-- the per-article places the map reads. Everything here is derived from ``articles`` and can be
-- rebuilt with ``storyline analyse --all``; ON DELETE CASCADE keeps it consistent.

-- ``data`` is storyline.analyse.types.Analysis.to_dict() as JSON. ``version`` is the analyser
-- version that produced it (storyline.analyse.analyser.ANALYSIS_VERSION): older ones are redone.
-- ``published`` is the document creation time the analysis used (declared or --published);
-- ``published_inferred`` what the text itself supports when none was declared.
CREATE TABLE analyses (
    article_id         TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version            TEXT NOT NULL,
    language           TEXT,
    published          TEXT,
    published_inferred TEXT,
    event_type         TEXT,
    event_when         TEXT,
    event_where        TEXT,
    event_country      TEXT,
    data               TEXT NOT NULL,
    analysed_at        TEXT NOT NULL
);
CREATE INDEX analyses_version ON analyses (version);
CREATE INDEX analyses_event_type ON analyses (event_type);

-- The entity registry. ``id`` is derived from (label, key) -- key = storyline.analyse.names.fold
-- of the canonical name -- so it is stable across runs and databases: the same person gets the
-- same id wherever storyline sees them. ``name`` is the canonical form seen most often.
CREATE TABLE entities (
    id         TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    key        TEXT NOT NULL,
    name       TEXT NOT NULL,
    UNIQUE (label, key)
);
CREATE INDEX entities_key ON entities (key);

-- Every surface form an entity was seen under, per article and language ("Putins", "Putin",
-- "Wladimir Putin", "Vladimir Putin"): the registry's aliases and languages are sums over this.
-- Kept per article so that re-analysing an article replaces its rows instead of adding to them.
-- ``alias_key`` is the folded alias: ``storyline entity Lukashenko`` finds "Lukaschenkos".
CREATE TABLE entity_aliases (
    entity_id  TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    alias      TEXT NOT NULL,
    alias_key  TEXT NOT NULL,
    language   TEXT NOT NULL DEFAULT 'und',
    mentions   INTEGER NOT NULL,
    PRIMARY KEY (entity_id, article_id, alias)
) WITHOUT ROWID;
CREATE INDEX entity_aliases_article ON entity_aliases (article_id);
CREATE INDEX entity_aliases_key ON entity_aliases (alias_key);

-- Which article mentions which entity, how often, and on which day (the article's publication
-- day, inferred when not declared, else NULL): mention counts over time come from here.
CREATE TABLE entity_mentions (
    entity_id  TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    mentions   INTEGER NOT NULL,
    day        TEXT,
    PRIMARY KEY (entity_id, article_id)
) WITHOUT ROWID;
CREATE INDEX entity_mentions_article ON entity_mentions (article_id);
CREATE INDEX entity_mentions_day ON entity_mentions (entity_id, day);

-- Resolved places per article (for the map and for geographic comparison).
CREATE TABLE article_places (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    country    TEXT,
    kind       TEXT NOT NULL,
    lat        REAL,
    lon        REAL,
    mentions   INTEGER NOT NULL,
    dateline   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, name, kind)
) WITHOUT ROWID;
CREATE INDEX article_places_country ON article_places (country);
