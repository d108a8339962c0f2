"""The storage contract: add/get round trips, dedup outcomes, search, errors, concurrency.

Tests taking ``store`` / ``store_url`` run on every backend (SQLite, and PostgreSQL where a
throwaway cluster can start; see ``conftest.py``). Tests taking ``db`` (a file path) check what
only SQLite has: files, permissions, WAL, locks, ``sqlite:`` URLs. PostgreSQL-only behaviour is in
``test_store_postgres.py``.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storyline.clean.dedup import signature
from storyline.errors import NotFound, StoreError
from storyline.model import Article, Block, RemovedLine, article_id, compose_text
from storyline.store import AddOutcome, SQLiteStore, Store, open_store
from storyline.store.base import fts5_query, make_snippet, parse_query, search_key
from storyline.store.sqlite import migrations

# -- fixtures ----------------------------------------------------------------------------------

LUKA_TITLE = "Lukaschenko droht Nachbarländern mit Gegenmaßnahmen"
LUKA_BODY = [
    "Der belarussische Machthaber Alexander Lukaschenko hat den Nachbarländern Polen und Litauen "
    "mit Gegenmaßnahmen gedroht, sollten diese ihre Grenzübergänge weiter schließen.",
    "Das sagte Lukaschenko am Dienstag in Minsk bei einem Treffen mit Vertretern der Armee. "
    "Die Europäische Union wies die Drohungen zurück und verlangte eine Erklärung.",
    "Ein Sprecher der Regierung in Warschau sprach von einer erneuten Provokation. Polen werde "
    "die Straßenverbindungen so lange wie nötig geschlossen halten.",
    "Beobachter erwarten, dass sich die Spannungen an der Grenze in den kommenden Wochen weiter "
    "verschärfen. Bereits im Sommer waren tausende Migranten an der Grenze gestrandet.",
]
MUELLER_TITLE = "Gerd Müller wird Ehrenbürger seiner Heimatstadt"
MUELLER_BODY = [
    "Der frühere Entwicklungsminister Gerd Müller ist am Samstag zum Ehrenbürger von "
    "Kempten ernannt worden. Oberbürgermeister Thomas Kiechle würdigte seinen Einsatz.",
    "Müller war von 2013 bis 2021 Bundesminister für wirtschaftliche Zusammenarbeit und "
    "leitet seitdem die Organisation der Vereinten Nationen für industrielle Entwicklung.",
]
EN_TITLE = "Lukashenko threatens neighbours with countermeasures"
EN_BODY = [
    "Belarusian ruler Alexander Lukashenko has threatened Poland and Lithuania with "
    "countermeasures if they keep closing border crossings, state media reported on Tuesday.",
]


def make_article(
    title: str,
    body: list[str],
    source_uri: str = "file:///news/a.html",
    **fields: Any,
) -> Article:
    """An Article as the cleaner would produce it: text composed, id derived from the text."""
    blocks = [Block(p) for p in body]
    lead = fields.pop("lead", None)
    text = compose_text(title, lead, fields.get("key_points", []), blocks)
    return Article(
        id=article_id(text),
        source_uri=source_uri,
        text=text,
        title=title,
        lead=lead,
        body=blocks,
        **fields,
    )


def full_article(source_uri: str = "file:///news/full.html") -> Article:
    """An article with every field set, including nested blocks and removed lines."""
    return make_article(
        LUKA_TITLE,
        LUKA_BODY,
        source_uri,
        language="de",
        byline="Von Anna Beispiel, dpa",
        source="Beispiel-Zeitung",
        agencies=["dpa", "AFP"],
        dateline="Minsk",
        published="2024-05-14",
        lead="Minsk droht, Warschau bleibt hart.",
        key_points=["Drohung gegen Polen und Litauen", "EU weist Drohung zurück"],
        captions=["Alexander Lukaschenko (Archivbild)"],
        credits=["Foto: Beispiel/dpa"],
        removed=[RemovedLine("Artikel teilen", "share"), RemovedLine("WERBUNG", "advertisement")],
        url="https://example.org/politik/lukaschenko",
        metadata={"warc_record": "urn:uuid:1234", "nested": {"a": [1, 2]}, "ümlaut": "ja"},
    )


def wire_variant(article: Article, title: str, source_uri: str, drop_last: bool = True) -> Article:
    """The same agency copy at another outlet: another headline, the last sentence cut."""
    body = [b.text for b in article.body]
    if drop_last:
        body[-1] = body[-1].rsplit(". ", 1)[0] + "."
    return make_article(title, body, source_uri, language=article.language)


def long_body(seed: int, paragraphs: int = 6) -> list[str]:
    """Distinct filler paragraphs, long enough for stable MinHash estimates."""
    words = [
        "Regierung", "Bericht", "Gemeinde", "Haushalt", "Streit", "Wahl", "Gericht", "Polizei",
        "Schule", "Klinik", "Hafen", "Messe", "Verband", "Studie", "Kosten", "Mieten",
    ]  # fmt: skip
    out = []
    for p in range(paragraphs):
        sentence = [words[(seed * 7 + p * 3 + i * i) % len(words)] for i in range(25)]
        out.append(f"Absatz {seed}-{p}: " + " ".join(sentence) + f" Nummer {seed * 100 + p}.")
    return out


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """An SQLite file (for the SQLite-only tests)."""
    return tmp_path / "store.db"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store on each backend."""
    s = open_store(store_url)
    yield s
    s.close()


# -- add / get ---------------------------------------------------------------------------------


def test_full_article_round_trips(store: Store) -> None:
    article = full_article()
    outcome = store.add(article)
    assert outcome == AddOutcome("new", article.id)
    loaded = store.get(article.id)
    assert loaded == article
    assert loaded.to_dict() == article.to_dict()
    assert Article.from_dict(loaded.to_dict()) == article
    assert isinstance(loaded.body[0], Block) and isinstance(loaded.removed[0], RemovedLine)


def test_minimal_article_round_trips(store: Store) -> None:
    article = Article(id=article_id("x"), source_uri="-", text="x")
    store.add(article)
    assert store.get(article.id) == article


def test_exists_and_copy(store: Store) -> None:
    a = full_article("file:///news/a.html")
    assert store.add(a).status == "new"
    assert store.add(a).status == "exists"  # same text, same source: re-ingest
    b = make_article(
        LUKA_TITLE,
        LUKA_BODY,
        "https://other.example/lukaschenko",
        lead="Minsk droht, Warschau bleibt hart.",
        key_points=a.key_points,
        source="Other Outlet",
        published="2024-05-15",
        url="https://other.example/lukaschenko",
    )
    assert b.id == a.id
    assert store.add(b) == AddOutcome("copy", a.id)
    assert store.add(b).status == "exists"
    assert store.count() == 1
    copies = store.copies(a.id)
    assert [c["source_uri"] for c in copies] == [a.source_uri, b.source_uri]
    assert copies[1]["source"] == "Other Outlet" and copies[1]["published"] == "2024-05-15"
    assert store.articles()[0]["copies"] == 2
    # the stored article keeps the first source's metadata
    assert store.get(a.id).source == "Beispiel-Zeitung"
    assert store.get(b.source_uri).id == a.id
    stats = store.stats()
    assert stats["articles"] == 1 and stats["copies"] == 1


def test_near_duplicate_groups_are_stable(store: Store) -> None:
    original = make_article(LUKA_TITLE, LUKA_BODY + long_body(1), "a", language="de")
    copy1 = wire_variant(original, "Minsk droht Polen und Litauen", "b")
    # copy2 is closer to copy1 than to the original; it still joins the original's group
    copy2 = make_article(
        "Minsk droht Polen und Litauen",
        [*[b.text for b in copy1.body][:-1], "Ein Zusatz der dritten Redaktion am Ende."],
        "c",
    )
    unrelated = make_article(MUELLER_TITLE, MUELLER_BODY + long_body(2), "d", language="de")
    assert store.add(original).status == "new"
    out1 = store.add(copy1)
    assert out1.status == "near_duplicate" and out1.duplicate_of == original.id
    assert out1.similarity is not None and 0.8 <= out1.similarity < 1.0
    out2 = store.add(copy2)
    assert out2.status == "near_duplicate" and out2.duplicate_of == original.id
    assert store.add(unrelated).status == "new"
    assert store.count() == 4  # near duplicates are stored as their own articles
    assert store.duplicates(original.id) == [copy1.id, copy2.id]
    assert store.duplicates(copy2.id) == [original.id, copy1.id]
    assert store.duplicates(unrelated.id) == []
    assert store.get(copy1.id).text == copy1.text
    summaries = {s["id"]: s for s in store.articles()}
    assert summaries[copy1.id]["duplicate_of"] == original.id
    assert summaries[original.id]["duplicate_of"] is None
    # re-adding a near duplicate reports exists, with its group
    assert store.add(copy1) == AddOutcome("exists", copy1.id, original.id)
    assert store.stats()["near_duplicates"] == 2


def test_translation_is_not_a_near_duplicate(store: Store) -> None:
    assert store.add(make_article(LUKA_TITLE, LUKA_BODY, "de")).status == "new"
    assert store.add(make_article(EN_TITLE, EN_BODY, "en")).status == "new"


def test_precomputed_signature_is_used(store: Store) -> None:
    a = make_article(MUELLER_TITLE, MUELLER_BODY)
    b = make_article("Andere Überschrift", ["Ganz anderer Text über etwas anderes."], "b")
    store.add(a)
    # a signature claiming b is a's text makes it a near duplicate: proof it was not recomputed
    outcome = store.add(b, signature=signature(a.text))
    assert outcome.status == "near_duplicate" and outcome.similarity == 1.0


def test_get_by_prefix_source_and_errors(store: Store) -> None:
    a = full_article()
    store.add(a)
    assert store.get(a.id[:4]).id == a.id
    assert store.get(a.id.upper()[:8]).id == a.id
    assert store.get(a.source_uri).id == a.id
    with pytest.raises(StoreError, match="too short"):
        store.get(a.id[:3])
    with pytest.raises(NotFound):
        store.get("0000000000000000" if not a.id.startswith("0000") else "ffffffffffffffff")
    with pytest.raises(NotFound, match="nothing-here"):
        store.get("file:///nothing-here")
    for suffix in ("1", "2"):
        text = f"Kollision {suffix}"
        store.add(Article(id="abcd00000000000" + suffix, source_uri=suffix, text=text))
    with pytest.raises(StoreError, match="ambiguous id prefix 'abcd'"):
        store.get("abcd")
    assert store.get("abcd000000000002").text == "Kollision 2"
    with pytest.raises(NotFound):
        store.copies("ffff0000")


def test_documents_and_stats(store: Store) -> None:
    a = make_article(MUELLER_TITLE, MUELLER_BODY, language="de")
    assert store.seen_document("a.html", "h1") is None
    out = store.add(a, document_hash="h1")  # recorded in the same transaction
    assert store.seen_document(a.source_uri, "h1") == a.id
    store.record_document(a.source_uri, "h1", out.article_id, out.status)  # idempotent
    store.record_document("broken.html", "h2", None, "failed", "no article text found")
    assert store.seen_document("broken.html", "h2") is None  # failures are retried
    assert store.seen_document(a.source_uri, "other-hash") is None
    store.add(make_article(EN_TITLE, EN_BODY, "en.html", language="en"))
    store.add(Article(id=article_id("ohne Sprache"), source_uri="x", text="ohne Sprache"))
    assert store.stats() == {
        "articles": 3,
        "copies": 0,
        "near_duplicates": 0,
        "documents": 2,
        "failed": 1,
        "languages": {"de": 1, "en": 1, "und": 1},
        "events": 0,
        "storylines": 0,
        "feeds": 0,
    }


def test_articles_pagination_and_filters(store: Store) -> None:
    ids = []
    for i in range(7):
        a = make_article(
            f"Meldung {i}",
            long_body(10 + i, 2),
            f"m{i}",
            language="de" if i % 2 else "en",
            published=f"2024-05-0{i + 1}" if i < 6 else None,
            agencies=["dpa"],
        )
        store.add(a)
        ids.append(a.id)
    page1 = store.articles(limit=3)
    page2 = store.articles(limit=3, offset=3)
    page3 = store.articles(limit=3, offset=6)
    assert [r["id"] for r in page1 + page2 + page3] == ids  # insertion order, stable pages
    assert set(page1[0]) == {
        "id", "source_uri", "title", "language", "published", "source", "agencies", "copies",
        "duplicate_of", "added",
    }  # fmt: skip
    assert page1[0]["agencies"] == ["dpa"] and page1[0]["copies"] == 1
    assert [r["id"] for r in store.articles(language="de")] == ids[1::2]
    assert [r["published"] for r in store.articles(since="2024-05-05")] == [
        "2024-05-05",
        "2024-05-06",
    ]
    with pytest.raises(StoreError, match="invalid date"):
        store.articles(since="yesterday")
    with pytest.raises(StoreError, match="limit"):
        store.articles(limit=-1)
    assert store.count() == 7
    assert [a.id for a in store.iter_articles(batch=2)] == ids


# -- search ------------------------------------------------------------------------------------


@pytest.fixture
def news(store: Store) -> Store:
    store.add(make_article(LUKA_TITLE, LUKA_BODY, "luka", language="de"))
    store.add(make_article(MUELLER_TITLE, MUELLER_BODY, "mueller", language="de"))
    store.add(make_article(EN_TITLE, EN_BODY, "en", language="en"))
    store.add(
        make_article(
            "Straßensperre in Łódź",
            ["Die Polizei in Łódź hat wegen eines Erdoğan-Besuchs die Straße gesperrt."],
            "lodz",
        )
    )
    return store


def uris(rows: list[dict[str, Any]]) -> set[str]:
    return {r["source_uri"] for r in rows}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Lukaschenko", {"luka", "en"}),
        ("Lukašenko", {"luka", "en"}),
        ("lukashenko", {"luka", "en"}),
        ("LUKASCHENKO", {"luka", "en"}),
        ("Müller", {"mueller"}),
        ("Mueller", {"mueller"}),
        ("muller", {"mueller"}),
        ("Strasse", {"lodz"}),
        ("Straße", {"lodz"}),
        ("Lodz", {"lodz"}),
        ("Erdogan", {"lodz"}),
        ("Gegenmassnahmen", {"luka"}),
        ("Lukaschenko Minsk", {"luka"}),  # AND
        ("Lukaschenko Müller", set()),
        ("Minsk OR Kempten", {"luka", "mueller"}),
        ('"Polen und Litauen"', {"luka"}),  # phrase
        ('"Litauen und Polen"', set()),
        ("Ehrenbürg*", {"mueller"}),  # prefix
        ("Ehrenbürg", set()),
    ],
)
def test_search_folding_phrases_and_operators(
    news: Store, backend: str, query: str, expected: set[str]
) -> None:
    if backend == "postgres":
        expected = STEMMED.get(query, expected)
    assert uris(news.search(query)) == expected


#: where PostgreSQL's stemming (german config) finds more than SQLite's exact words:
#: "Ehrenbürg" and "Ehrenbürger" have the same stem
STEMMED = {"Ehrenbürg": {"mueller"}}


def test_search_result_shape_and_snippet(news: Store) -> None:
    (hit,) = news.search("Mueller Kempten")
    assert hit["source_uri"] == "mueller" and hit["title"] == MUELLER_TITLE
    assert "[Müller]" in hit["snippet"] and "[Kempten]" in hit["snippet"]
    assert isinstance(hit["score"], float)
    assert {"id", "copies", "duplicate_of", "added", "agencies"} <= set(hit)


@pytest.mark.parametrize(
    "query",
    [
        '"foo AND (',
        ")(",
        "NEAR(a b",
        "title:Lukaschenko",
        "^Minsk",
        '"',
        '""',
        "Lukaschenko OR",
        "OR Lukaschenko",
        "AND AND",
        "-Minsk",
        "*",
        "a*b*",
        "Minsk NOT Polen",
        "'; DROP TABLE articles; --",
        "\x00\u200b",
        "Lukaschenko" * 50,
    ],
)
def test_search_never_crashes_on_garbage(news: Store, query: str) -> None:
    try:
        rows = news.search(query)
    except StoreError as exc:
        assert "no words" in str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(rows, list)
    assert news.count() == 4


def test_search_garbage_keeps_its_words(news: Store) -> None:
    assert uris(news.search("(Lukaschenko) AND: ^Minsk")) == {"luka"}
    assert uris(news.search("title:Lukaschenko")) == set()  # no column syntax: "title" is a word
    assert uris(news.search('Minsk "Polen und')) == {"luka"}  # unbalanced quote -> phrase


def test_empty_query_is_a_clear_error(news: Store) -> None:
    with pytest.raises(StoreError, match="no words to search for"):
        news.search("  ( ) ")


def test_search_ranking_and_pagination(store: Store) -> None:
    for i in range(12):
        body = [*long_body(40 + i, 2), "Der Hafen von Hamburg meldet Rekordumschlag." * (1 + i % 3)]
        store.add(make_article(f"Hafenbericht {i}", body, f"h{i}"))
    everything = store.search("Hamburg", limit=100)
    assert len(everything) == 12
    scores = [r["score"] for r in everything]
    assert scores == sorted(scores, reverse=True)
    pages = store.search("Hamburg", limit=5) + store.search("Hamburg", limit=5, offset=5)
    pages += store.search("Hamburg", limit=5, offset=10)
    assert [r["id"] for r in pages] == [r["id"] for r in everything]


def test_query_helpers() -> None:
    assert search_key("Lukašenko Lukaschenko Müller Mueller Straße") == (
        "lukashenko lukashenko muller muller strasse"
    )
    assert fts5_query(parse_query('a OR b "c d" e*')) == '("a" OR "b") AND "c d" AND "e" *'
    assert parse_query("AND OR ( ) :") == []
    snippet = make_snippet(
        "Titel ohne Punkt\n\nErst kam nichts.\n\nDann sagte Herr Mueller etwas.",
        parse_query("Müller"),
    )
    assert snippet == "Titel ohne Punkt · Erst kam nichts. Dann sagte Herr [Mueller] etwas."
    long_text = " ".join(f"w{i}" for i in range(100)) + " Müller am Ende."
    assert make_snippet(long_text, parse_query("mueller"), width=10) == (
        "… w93 w94 w95 w96 w97 w98 w99 [Müller] am Ende."
    )


# -- migrations and errors ---------------------------------------------------------------------


def test_migrations_are_idempotent(db: Path) -> None:
    latest = migrations()[-1][0]
    for _ in range(3):
        with SQLiteStore(db) as s:
            assert s.schema_version() == latest
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert [r[0] for r in rows] == list(range(1, latest + 1))
    assert rows[0][1] == "initial"
    assert mode == "wal"


def test_newer_schema_is_refused(db: Path) -> None:
    open_store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    conn.close()
    latest = migrations()[-1][0]
    with pytest.raises(
        StoreError,
        match=rf"schema version 999 is newer than this storyline \({latest}\); upgrade storyline",
    ):
        open_store(db)
    with pytest.raises(StoreError, match="newer"):
        open_store(db, readonly=True)


def test_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_bytes(b"this is not sqlite\n" * 100)
    for readonly in (False, True):
        with pytest.raises(StoreError, match=r"notes\.db is not a storyline database") as info:
            open_store(bogus, readonly=readonly)
        assert "\n" not in str(info.value)


def test_foreign_sqlite_database_is_not_touched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.close()
    with pytest.raises(StoreError, match=r"not a storyline database .*customers"):
        open_store(other)
    with sqlite3.connect(other) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert tables == {"customers"}


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"directory .*nope does not exist"):
        open_store(tmp_path / "nope" / "x.db")
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "missing.db", readonly=True)


def test_readonly_store_reads_but_refuses_writes(store_url: str) -> None:
    with open_store(store_url) as s:
        s.add(make_article(MUELLER_TITLE, MUELLER_BODY))
    with open_store(store_url, readonly=True) as ro:
        assert ro.count() == 1
        assert uris(ro.search("Müller")) == {"file:///news/a.html"}
        with pytest.raises(StoreError, match="read-only"):
            ro.add(make_article(EN_TITLE, EN_BODY))
        with pytest.raises(StoreError, match="read-only"):
            ro.record_document("x", "y", None, "failed")


def test_readonly_file_error(db: Path) -> None:
    open_store(db).close()
    db.chmod(0o444)
    try:
        if os.access(db, os.W_OK):
            pytest.skip("running as root: chmod does not make the file read-only")
        with pytest.raises(StoreError, match=rf"database {db} is read-only"):
            open_store(db)
        with open_store(db, readonly=True) as ro:
            assert ro.count() == 0
    finally:
        db.chmod(0o644)


def test_readonly_directory_error(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # root ignores permissions, so simulate an unwritable directory at the access() check
    real_access = os.access
    monkeypatch.setattr(
        "storyline.store.sqlite.os.access",
        lambda p, mode: False if Path(p) == db.parent else real_access(p, mode),
    )
    with pytest.raises(StoreError, match=rf"database {db} is read-only: directory"):
        open_store(db)


def test_readonly_open_in_readonly_directory_falls_back_to_immutable(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without write access to the directory, SQLite cannot create the -shm file a WAL database
    # needs even for reading. Root can always create it, so simulate that failure.
    with open_store(db) as s:
        s.add(make_article(MUELLER_TITLE, MUELLER_BODY))
    real_connect = SQLiteStore._raw_connect
    targets: list[str] = []

    def connect(self: SQLiteStore, target: str, *, uri: bool) -> sqlite3.Connection:
        targets.append(target)
        if "immutable=1" not in target:
            raise StoreError("cannot open database: unable to open database file")
        return real_connect(self, target, uri=uri)

    real_access = os.access
    monkeypatch.setattr(SQLiteStore, "_raw_connect", connect)
    monkeypatch.setattr(
        "storyline.store.sqlite.os.access",
        lambda p, mode: False if Path(p) == db.parent else real_access(p, mode),
    )
    with open_store(db, readonly=True) as ro:
        assert ro.count() == 1
    assert "mode=ro" in targets[0] and targets[-1].endswith("mode=ro&immutable=1")


def test_locked_beyond_timeout(db: Path) -> None:
    open_store(db).close()
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with SQLiteStore(db, timeout=0.2) as s:
            assert s.count() == 0  # WAL: reading works while another process writes
            with pytest.raises(StoreError, match=rf"database {db} is locked"):
                s.add(make_article(MUELLER_TITLE, MUELLER_BODY))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_closed_store(store_url: str) -> None:
    s = open_store(store_url)
    s.close()
    s.close()
    with pytest.raises(StoreError, match="closed"):
        s.count()


def test_open_store_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STORYLINE_DB", raising=False)
    with open_store() as s:
        assert isinstance(s, SQLiteStore) and Path(s.path).name == "storyline.db"
    assert (tmp_path / "storyline.db").exists()
    monkeypatch.setenv("STORYLINE_DB", str(tmp_path / "env.db"))
    open_store().close()
    assert (tmp_path / "env.db").exists()
    open_store("sqlite:///rel.db").close()
    assert (tmp_path / "rel.db").exists()
    open_store(f"sqlite:///{tmp_path / 'abs.db'}").close()
    assert (tmp_path / "abs.db").exists()
    with open_store("sqlite:///:memory:") as mem:
        assert mem.count() == 0
    with pytest.raises(StoreError, match="unsupported store URL"):
        open_store("mysql://localhost/news")


# -- concurrency -------------------------------------------------------------------------------


def _concurrent_worker(path: str, barrier: Any, results: Any) -> None:
    try:
        barrier.wait(timeout=30)  # both processes open the fresh database at the same moment
        statuses = []
        with open_store(path) as s:
            for i in range(50):
                a = make_article(f"Meldung {i}", long_body(100 + i, 2), f"file:///wire/{i}.txt")
                statuses.append(s.add(a, document_hash=f"h{i}").status)
        results.put(statuses)
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")
        raise


def test_two_processes_add_the_same_articles(store_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_concurrent_worker, args=(store_url, barrier, results)) for _ in "ab"
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [o for o in outcomes if isinstance(o, str)] == []  # no exception in either process
    assert [p.exitcode for p in procs] == [0, 0]
    with open_store(store_url) as s:
        assert s.count() == 50
        assert s.stats()["copies"] == 0 and s.stats()["documents"] == 50
        assert s.schema_version() == migrations()[-1][0]
    # every article was new in exactly one process and already there for the other
    for i in range(50):
        assert sorted(o[i] for o in outcomes) == ["exists", "new"]


def test_reader_iterates_while_writer_adds(store_url: str) -> None:
    with open_store(store_url) as w:
        for i in range(30):
            w.add(make_article(f"Alt {i}", long_body(300 + i, 1), f"old{i}"))
    errors: list[BaseException] = []

    def write() -> None:
        try:
            with open_store(store_url) as writer:
                for i in range(60):
                    writer.add(make_article(f"Neu {i}", long_body(500 + i, 1), f"new{i}"))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    with open_store(store_url, readonly=True) as reader:
        thread = threading.Thread(target=write)
        thread.start()
        seen = [a.source_uri for a in reader.iter_articles(batch=7)]
        thread.join()
        assert not errors
        assert seen[:30] == [f"old{i}" for i in range(30)]
        assert len(seen) == len(set(seen))  # no article twice
        assert reader.count() == 90
        assert [a.source_uri for a in reader.iter_articles()][30:] == [f"new{i}" for i in range(60)]


def test_store_shared_by_threads(store_url: str) -> None:
    with open_store(store_url) as s:

        def add_range(start: int) -> None:
            for i in range(start, start + 20):
                s.add(make_article(f"T{i}", long_body(700 + i, 1), f"t{i}"))
                s.count()

        threads = [threading.Thread(target=add_range, args=(k * 20,)) for k in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert s.count() == 60
