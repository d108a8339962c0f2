-- storyline schema, version 3: per-article comparison features (issue 4).
--
-- What `storyline compare` needs of one article, computed once: the sentence-embedding vectors
-- (text, title, lead; float32, little-endian, L2-normalised) as a blob, and the rest of the
-- feature bundle (folded entity keys, places, dates, MinHash...) as JSON. Derived data: it can
-- always be recomputed from the article and its analysis, so ON DELETE CASCADE is enough.
-- ``kind`` names the bundle type and encoder ("compare:use"), so bundles of another encoder are
-- never mixed; ``version`` is the feature version (storyline.compare.features.FEATURES_VERSION)
-- plus the analysis version it was built from: older ones are recomputed on use.
CREATE TABLE article_features (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    version    TEXT NOT NULL,
    dim        INTEGER NOT NULL,
    vectors    BLOB NOT NULL,
    data       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (article_id, kind)
) WITHOUT ROWID;
