-- Per-entity totals (mentions, articles, first and last day) for the entity registry listing.
-- ``storyline entities`` and /entities sorted every entity by a sum over all of entity_mentions
-- (5 s at 100k articles); this keeps the sums as rows, in step with entity_mentions through
-- triggers, so writers stay as they are and the listing reads one index in rank order.
-- (PostgreSQL aggregates in parallel and keeps the plain query: shared counters updated by
-- concurrent ingest processes would serialise them on the most mentioned entities.)
CREATE TABLE entity_stats (
    entity_id  TEXT    PRIMARY KEY REFERENCES entities (id) ON DELETE CASCADE,
    mentions   INTEGER NOT NULL,
    articles   INTEGER NOT NULL,
    first_seen TEXT,
    last_seen  TEXT
) WITHOUT ROWID;
CREATE INDEX entity_stats_rank ON entity_stats (mentions DESC);

INSERT INTO entity_stats (entity_id, mentions, articles, first_seen, last_seen)
    SELECT entity_id, sum(mentions), count(*), min(day), max(day)
    FROM entity_mentions GROUP BY entity_id;

-- min()/max() of two values are NULL when either is: coalesce keeps the known one, as the
-- aggregate min(day)/max(day) ignore NULL days
CREATE TRIGGER entity_mentions_stats_insert AFTER INSERT ON entity_mentions BEGIN
    INSERT INTO entity_stats (entity_id, mentions, articles, first_seen, last_seen)
        VALUES (NEW.entity_id, NEW.mentions, 1, NEW.day, NEW.day)
    ON CONFLICT (entity_id) DO UPDATE SET
        mentions = mentions + excluded.mentions,
        articles = articles + 1,
        first_seen = coalesce(min(first_seen, excluded.first_seen), first_seen, excluded.first_seen),
        last_seen = coalesce(max(last_seen, excluded.last_seen), last_seen, excluded.last_seen);
END;

-- first/last day come back from the (entity_id, day) index: one seek each
CREATE TRIGGER entity_mentions_stats_delete AFTER DELETE ON entity_mentions BEGIN
    UPDATE entity_stats SET
        mentions = mentions - OLD.mentions,
        articles = articles - 1,
        first_seen = (SELECT min(day) FROM entity_mentions WHERE entity_id = OLD.entity_id),
        last_seen = (SELECT max(day) FROM entity_mentions WHERE entity_id = OLD.entity_id)
    WHERE entity_id = OLD.entity_id;
    DELETE FROM entity_stats WHERE entity_id = OLD.entity_id AND articles <= 0;
END;

CREATE TRIGGER entity_mentions_stats_update AFTER UPDATE ON entity_mentions BEGIN
    UPDATE entity_stats SET
        mentions = mentions - OLD.mentions + NEW.mentions,
        first_seen = (SELECT min(day) FROM entity_mentions WHERE entity_id = NEW.entity_id),
        last_seen = (SELECT max(day) FROM entity_mentions WHERE entity_id = NEW.entity_id)
    WHERE entity_id = NEW.entity_id;
END;

-- The languages an entity was seen in (the registry lists them per entity): a distinct over all
-- of a popular entity's aliases cost 50 ms per listing page; this keeps one row per language.
CREATE TABLE entity_languages (
    entity_id TEXT    NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    language  TEXT    NOT NULL,
    aliases   INTEGER NOT NULL,
    PRIMARY KEY (entity_id, language)
) WITHOUT ROWID;

INSERT INTO entity_languages (entity_id, language, aliases)
    SELECT entity_id, language, count(*) FROM entity_aliases GROUP BY entity_id, language;

CREATE TRIGGER entity_aliases_languages_insert AFTER INSERT ON entity_aliases BEGIN
    INSERT INTO entity_languages (entity_id, language, aliases)
        VALUES (NEW.entity_id, NEW.language, 1)
    ON CONFLICT (entity_id, language) DO UPDATE SET aliases = aliases + 1;
END;

CREATE TRIGGER entity_aliases_languages_delete AFTER DELETE ON entity_aliases BEGIN
    UPDATE entity_languages SET aliases = aliases - 1
        WHERE entity_id = OLD.entity_id AND language = OLD.language;
    DELETE FROM entity_languages
        WHERE entity_id = OLD.entity_id AND language = OLD.language AND aliases <= 0;
END;
