-- storyline PostgreSQL schema, version 3: per-article comparison features (mirrors
-- migrations/0003_features.sql). ``vectors`` is float32 little-endian, as in SQLite.
CREATE TABLE article_features (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind       TEXT COLLATE "C" NOT NULL,
    version    TEXT COLLATE "C" NOT NULL,
    dim        INTEGER NOT NULL,
    vectors    BYTEA NOT NULL,
    data       TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (article_id, kind)
);
