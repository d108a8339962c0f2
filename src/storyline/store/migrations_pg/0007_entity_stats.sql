-- Mirrors SQLite's 0007_entity_stats, which keeps per-entity totals in trigger-maintained
-- tables so its listing stops aggregating every mention. PostgreSQL keeps the plain aggregate
-- (a parallel hash aggregate): shared total rows, updated by every concurrent ingest process
-- that mentions a popular entity, would serialise those writers on a few hot rows and could
-- deadlock two of them. The version number stays in step with SQLite's.
COMMENT ON TABLE entity_mentions IS
    'Which article mentions which entity; the registry listing aggregates it (see 0007).';
