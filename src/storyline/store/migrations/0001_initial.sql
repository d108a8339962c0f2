-- storyline schema, version 1.
--
-- Applied by storyline.store.sqlite inside one BEGIN IMMEDIATE transaction, statement by
-- statement (never executescript, which would commit half-way). Never edit a released migration:
-- add 0002_*.sql instead.

-- One row per distinct cleaned text. ``seq`` is the insertion order (the rowid, so it is also the
-- FTS rowid); ``id`` is the content hash from storyline.model.article_id. ``data`` is
-- Article.to_dict() as JSON *without* "text" (kept once, in its own column).
CREATE TABLE articles (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL UNIQUE,
    source_uri   TEXT    NOT NULL,
    title        TEXT,
    language     TEXT,
    published    TEXT,
    source       TEXT,
    url          TEXT,
    agencies     TEXT    NOT NULL DEFAULT '[]',
    text         TEXT    NOT NULL,
    data         TEXT    NOT NULL,
    signature    BLOB,
    duplicate_of TEXT    REFERENCES articles (id),
    similarity   REAL,
    added        TEXT    NOT NULL
);
CREATE INDEX articles_language ON articles (language, seq);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Every place a text was seen, the first (original) one included: a wire story run by five
-- outlets is one article with five rows here. UNIQUE (article_id, source_uri) makes re-ingest a
-- no-op under concurrency (INSERT ... ON CONFLICT DO NOTHING); a source_uri may map to more than
-- one article when the page changed between ingests (get(source_uri) returns the newest).
CREATE TABLE article_copies (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id  TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source_uri  TEXT NOT NULL,
    source      TEXT,
    published   TEXT,
    url         TEXT,
    added       TEXT NOT NULL,
    UNIQUE (article_id, source_uri)
);
CREATE INDEX article_copies_source_uri ON article_copies (source_uri);

-- Raw documents already processed, keyed by their content hash, failures included: lets ingest
-- skip unchanged inputs without cleaning them and report what failed.
CREATE TABLE documents (
    source_uri    TEXT NOT NULL,
    document_hash TEXT NOT NULL,
    article_id    TEXT REFERENCES articles (id) ON DELETE SET NULL,
    status        TEXT NOT NULL,
    message       TEXT,
    seen_at       TEXT NOT NULL,
    PRIMARY KEY (source_uri, document_hash)
);
CREATE INDEX documents_status ON documents (status);

-- MinHash LSH index: one row per (band, article). The band number is hashed into band_hash
-- (storyline.clean.dedup.Signature.bands), so one column lookup finds all candidates.
CREATE TABLE minhash_bands (
    band_hash  INTEGER NOT NULL,
    article_id TEXT    NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    band_no    INTEGER NOT NULL,
    PRIMARY KEY (band_hash, article_id)
) WITHOUT ROWID;
CREATE INDEX minhash_bands_article ON minhash_bands (article_id);

-- Full-text index over *search keys* of title and text (storyline.store.base.search_key: folds
-- umlauts/ae, diacritics, sch/sh/š, ß/ss in Python), maintained by add(). Contentless: the
-- original text lives in articles; snippets are built from it in Python. rowid = articles.seq.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    text,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);
