-- storyline PostgreSQL schema, version 1 (mirrors migrations/0001_initial.sql).
--
-- Applied by storyline.store.postgres in one transaction, under a transaction-level advisory
-- lock, so two processes opening a fresh database migrate it exactly once. Never edit a released
-- migration: add 0002_*.sql instead (with the same number as its SQLite twin).
--
-- Every text column is COLLATE "C": SQLite compares text byte by byte, and so must this backend
-- for ORDER BY (same order of ties) and for id-prefix lookups (`id >= 'abcd' AND id < 'abcdg'`).

-- One row per distinct cleaned text. ``seq`` is the insertion order; ``id`` the content hash.
-- ``data`` is Article.to_dict() as JSON *without* "text" (kept once, in its own column).
-- ``fts`` is the full-text index of the *search keys* of title (weight A) and text (weight B),
-- built with ``fts_config`` (german for German articles, english for English, simple otherwise);
-- storyline.store.postgres_search explains why the text is folded and split in Python first.
CREATE TABLE articles (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           TEXT COLLATE "C" NOT NULL UNIQUE,
    source_uri   TEXT COLLATE "C" NOT NULL,
    title        TEXT COLLATE "C",
    language     TEXT COLLATE "C",
    published    TEXT COLLATE "C",
    source       TEXT COLLATE "C",
    url          TEXT COLLATE "C",
    agencies     TEXT COLLATE "C" NOT NULL DEFAULT '[]',
    text         TEXT COLLATE "C" NOT NULL,
    data         TEXT COLLATE "C" NOT NULL,
    signature    BYTEA,
    duplicate_of TEXT COLLATE "C" REFERENCES articles (id),
    similarity   DOUBLE PRECISION,
    added        TEXT COLLATE "C" NOT NULL,
    fts_config   TEXT COLLATE "C" NOT NULL DEFAULT 'simple',
    fts          TSVECTOR NOT NULL DEFAULT ''
);
CREATE INDEX articles_language ON articles (language, seq);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX articles_fts ON articles USING gin (fts);

-- Every place a text was seen, the first (original) one included. UNIQUE (article_id,
-- source_uri) makes re-ingest a no-op under concurrency (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE article_copies (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id  TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source_uri  TEXT COLLATE "C" NOT NULL,
    source      TEXT COLLATE "C",
    published   TEXT COLLATE "C",
    url         TEXT COLLATE "C",
    added       TEXT COLLATE "C" NOT NULL,
    UNIQUE (article_id, source_uri)
);
CREATE INDEX article_copies_source_uri ON article_copies (source_uri);

-- Raw documents already processed, keyed by their content hash, failures included.
CREATE TABLE documents (
    source_uri    TEXT COLLATE "C" NOT NULL,
    document_hash TEXT COLLATE "C" NOT NULL,
    article_id    TEXT COLLATE "C" REFERENCES articles (id) ON DELETE SET NULL,
    status        TEXT COLLATE "C" NOT NULL,
    message       TEXT COLLATE "C",
    seen_at       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (source_uri, document_hash)
);
CREATE INDEX documents_status ON documents (status);

-- MinHash LSH index: one row per (band, article); band_hash already includes the band number.
-- add() takes a transaction-level advisory lock per band hash before reading this table, so two
-- processes adding texts that share a band are checked one after the other.
CREATE TABLE minhash_bands (
    band_hash  BIGINT NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    band_no    INTEGER NOT NULL,
    PRIMARY KEY (band_hash, article_id)
);
CREATE INDEX minhash_bands_article ON minhash_bands (article_id);
