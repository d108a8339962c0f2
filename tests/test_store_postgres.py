"""PostgreSQL-only behaviour: stemming per language, concurrent ingest and migrations, URLs, errors.

The storage contract itself runs on both backends in ``test_store.py`` and
``test_store_analysis.py``. Tests here that need a server use the session's throwaway cluster
(``conftest.pg_url``) and skip, saying why, where PostgreSQL cannot start; the tests of URLs and
of a missing psycopg need no server.
"""

from __future__ import annotations

import json
import multiprocessing
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_store import long_body, make_article, uris, wire_variant

from storyline import api
from storyline.errors import LinkConflict, StoreError
from storyline.model import Article
from storyline.store import Store, open_store
from storyline.store.base import LinkUpdate, SearchFilters, parse_query
from storyline.store.postgres_search import ALL_CONFIGS, tsquery_text
from storyline.store.sqlite import migrations as sqlite_migrations

try:  # optional: tests that need it skip through conftest.pg_url, the others still run
    import psycopg
    from psycopg import conninfo
except ImportError:
    psycopg = conninfo = None  # type: ignore[assignment]

SCENARIO = Path(__file__).resolve().parent / "fixtures" / "events"


@pytest.fixture
def pg(pg_database: str) -> Iterator[Store]:
    s = open_store(pg_database)
    yield s
    s.close()


def _pg_migrations() -> tuple[tuple[int, str, str], ...]:
    pytest.importorskip("psycopg")
    from storyline.store.postgres import migrations

    return migrations()


def _is_postgres(store: Store) -> bool:
    return type(store).__name__ == "PostgresStore"


def _sql(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement on ``url`` outside the store (what another tool would see)."""
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql, params)
        return cur.fetchall() if cur.description else []


def _url_with(url: str, **changes: str) -> str:
    """``url`` with some of its parts replaced (``password``, ``dbname``)."""
    params = {
        "user": "",
        "host": "",
        "port": "5432",
        "dbname": "",
        **conninfo.conninfo_to_dict(url),
    }
    params.update(changes)
    auth = f"{params['user']}:{params.get('password', '')}"
    return f"postgresql://{auth}@{params['host']}:{params['port']}/{params['dbname']}"


# -- full-text search: configurations per language ---------------------------------------------


def test_german_articles_are_stemmed(pg: Store, pg_database: str) -> None:
    pg.add(
        make_article("Neue Häuser am Hafen", ["Die Stadt baut neue Häuser."], "de1", language="de")
    )
    pg.add(
        make_article(
            "Ein Haus brennt", ["In der Altstadt brannte ein Haus aus."], "de2", language="de"
        )
    )
    pg.add(
        make_article("Houses", ["The city builds houses; one house burned."], "en", language="en")
    )
    pg.add(make_article("Maisons", ["La ville construit des maisons."], "fr", language="fr"))
    pg.add(make_article("Häuser ohne Sprache", ["Häuser, unbekannte Sprache."], "und"))
    configs = dict(_sql(pg_database, "SELECT source_uri, fts_config FROM articles"))
    assert configs == {
        "de1": "german",
        "de2": "german",
        "en": "english",
        "fr": "simple",
        "und": "simple",
    }
    # the german config gives "Häuser" and "Haus" one stem (SQLite finds exact words only)
    assert uris(pg.search("Haus")) == {"de1", "de2"}
    assert uris(pg.search("Häuser")) == {"de1", "de2", "und"}  # "und" is unstemmed: exact word
    assert uris(pg.search("Haeuser")) == {"de1", "de2", "und"}  # umlaut spellings still fold
    # words that matched through their stem are highlighted like exact ones
    (hit,) = [r for r in pg.search("Haus") if r["source_uri"] == "de1"]
    assert "[Häuser]" in hit["snippet"]
    assert uris(pg.search("house")) == {"en"}  # english stems; not the German "Haus"
    assert uris(pg.search("maison")) == set()  # other languages: simple, no stemming
    assert uris(pg.search("maisons")) == {"fr"}
    assert uris(pg.search('"neue Häuser"')) == {"de1"}
    assert uris(pg.search("Häus*")) == {"de1", "de2", "und"}


def test_stop_words_are_ignored_in_stemmed_articles(pg: Store) -> None:
    pg.add(
        make_article(
            "Polen und Litauen", ["Polen und Litauen schließen die Grenze."], "de", language="de"
        )
    )
    pg.add(make_article("Polen und Litauen", ["Ohne Sprachangabe: Polen und Litauen."], "x"))
    assert uris(pg.search("und")) == {"x"}  # a German stop word is not indexed in German text
    assert uris(pg.search("und Grenze")) == {"de"}  # ... and ignored in a query against it
    assert uris(pg.search('"Polen und Litauen"')) == {"de", "x"}
    assert uris(pg.search('"Litauen und Polen"')) == set()


@pytest.mark.parametrize(
    "query",
    [
        "O'Neill",
        "C:\\temp\\x",
        "a''b \\' ''",
        "x" * 3000,
        "½ ² ³",
        "北京 上海",
        "foo:* | !bar",
        "Straße*",
    ],
)
def test_every_parsed_query_compiles(pg: Store, pg_database: str, query: str) -> None:
    text = tsquery_text(parse_query(query))
    for config in ALL_CONFIGS:
        _sql(pg_database, f"SELECT to_tsquery('{config}', %s)", (text,))
    assert isinstance(pg.search(query), list)


def test_tsquery_text_writes_the_operators() -> None:
    assert tsquery_text(parse_query('a OR b "c d" e*')) == "('a' | 'b') & ('c' <-> 'd') & 'e':*"


# -- concurrency ------------------------------------------------------------------------------


def _original(i: int) -> Article:
    return make_article(f"Bericht {i}", long_body(200 + i, 6), f"orig/{i}", language="de")


def _variant(i: int) -> Article:
    return wire_variant(_original(i), f"Andere Zeile {i}", f"variant/{i}")


def _shared(i: int) -> Article:
    return make_article(f"Meldung {i}", long_body(100 + i, 2), f"file:///wire/{i}.txt")


def _ingest_worker(url: str, role: str, n: int, barrier: Any, results: Any) -> None:
    """One ingest process: the same shared articles as the other, and its own near copies."""
    try:
        barrier.wait(timeout=60)
        out = []
        with open_store(url) as s:
            for i in range(n):
                out.append(s.add(_shared(i), document_hash=f"h{i}").status)
                s.add(_original(i) if role == "a" else _variant(i))
        results.put(out)
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")
        raise


def test_two_processes_ingest_the_same_articles_and_near_copies(pg_database: str) -> None:
    n = 30
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_ingest_worker, args=(pg_database, role, n, barrier, results))
        for role in "ab"
    ]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [o for o in outcomes if isinstance(o, str)] == []
    assert [p.exitcode for p in procs] == [0, 0]
    for i in range(n):  # each shared article new in exactly one process
        assert sorted(o[i] for o in outcomes) == ["exists", "new"]
    with open_store(pg_database) as s:
        assert s.count() == 3 * n
        stats = s.stats()
        assert stats["copies"] == 0 and stats["documents"] == n
        # a text and its near copy, added at the same moment by two processes, form one group
        assert stats["near_duplicates"] == n
        for i in range(n):
            assert s.duplicates(_original(i).id) == [_variant(i).id]
    rows = _sql(pg_database, "SELECT id, count(*) FROM articles GROUP BY id HAVING count(*) > 1")
    assert rows == []


def _open_worker(url: str, barrier: Any, results: Any) -> None:
    try:
        barrier.wait(timeout=60)
        with open_store(url) as s:
            results.put(s.schema_version())  # type: ignore[attr-defined]
    except BaseException as exc:
        results.put(f"{type(exc).__name__}: {exc}")
        raise


def test_processes_opening_a_fresh_database_migrate_it_once(pg_database: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_open_worker, args=(pg_database, barrier, results)) for _ in range(4)
    ]
    for p in procs:
        p.start()
    versions = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    latest = _pg_migrations()[-1][0]
    assert versions == [latest] * 4
    for _ in range(2):  # and opening it again changes nothing
        open_store(pg_database).close()
    rows = _sql(pg_database, "SELECT version, name FROM schema_migrations ORDER BY version")
    assert [r[0] for r in rows] == list(range(1, latest + 1))
    assert rows[0][1] == "initial"


def test_migrations_mirror_the_sqlite_ones() -> None:
    assert [m[:2] for m in _pg_migrations()] == [m[:2] for m in sqlite_migrations()]


def test_articles_committed_late_are_iterated_at_the_end(pg: Store, pg_database: str) -> None:
    """A row numbered before rows already read, committed after them, is not skipped."""
    first, late, third = (
        make_article(f"Teil {i}", long_body(900 + i, 1), f"p{i}") for i in range(3)
    )
    pg.add(first)
    with psycopg.connect(pg_database) as other:  # another writer, slower to commit
        data = late.to_dict()
        data.pop("text")
        other.execute(
            "INSERT INTO articles (id, source_uri, text, data, added) VALUES (%s, %s, %s, %s, 'x')",
            (late.id, late.source_uri, late.text, json.dumps(data)),
        )
        pg.add(third)
        it = pg.iter_articles(batch=10)
        assert next(it).id == first.id
        other.commit()
    assert [a.id for a in it] == [third.id, late.id]
    assert [a.id for a in pg.iter_articles()] == [first.id, late.id, third.id]


def test_two_linkers_one_wins(pg_database: str) -> None:
    with open_store(pg_database) as s:
        articles = [make_article(f"L{i}", long_body(950 + i, 1), f"l{i}") for i in range(2)]
        for a in articles:
            s.add(a)
    stores = [open_store(pg_database) for _ in range(2)]
    try:
        snaps = [s.link_snapshot() for s in stores]
        barrier = threading.Barrier(2)
        outcome: list[str] = []

        def link(k: int) -> None:
            update = LinkUpdate(
                [(articles[k].id, f"ev{k}", 1)], [], [], [], [], [], [],
                [("event_new", f"ev{k}", [], articles[k].id)], {}, based_on=snaps[k].version,
            )  # fmt: skip
            barrier.wait(timeout=30)
            try:
                stores[k].save_links(update)
                outcome.append("saved")
            except LinkConflict:
                outcome.append("conflict")

        threads = [threading.Thread(target=link, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcome) == ["conflict", "saved"]
        assert len(stores[0].link_snapshot().members) == 1  # the loser wrote nothing
    finally:
        for s in stores:
            s.close()


# -- the whole pipeline on both backends --------------------------------------------------------


def _timeless(value: Any) -> Any:
    """``value`` without the wall-clock fields that differ between two ingests."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k not in ("added", "at")}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def _everything(s: Store) -> dict[str, Any]:
    ids = [a["id"] for a in s.articles()]
    events = s.events(limit=100)
    stories = s.storylines(limit=100)
    entities = s.entities(limit=100)
    snap = s.link_snapshot()
    return _timeless(
        {
            "stats": s.stats(),
            "articles": s.articles(),
            "full": [s.get(i).to_dict() for i in ids],
            "copies": [s.copies(i) for i in ids],
            "duplicates": [s.duplicates(i) for i in ids],
            "analyses": [s.get_analysis(i).to_dict() for i in ids],  # type: ignore[union-attr]
            "entities": entities,
            "entity": [s.entity(e["id"]) for e in entities],
            "events": events,
            "event": [s.event(e["id"]) for e in events],
            "event_of": [s.event_of(i) for i in ids],
            "storylines": stories,
            "storyline": [s.storyline(x["id"]) for x in stories],
            "pairs": s.pair_scores(ids),
            "snapshot": [sorted(snap.members), sorted(snap.pairs), snap.event_seq, snap.version],
            "newest": s.search("", filters=SearchFilters(language="de")),
            "found": sorted(r["id"] for r in s.search("Solberg OR Elefant")),
            "iterated": [a.id for a in s.iter_articles(batch=2)],
        }
    )


def test_backends_agree_on_a_linked_corpus(pg_database: str, tmp_path: Path) -> None:
    """Ingest, analyse and link the same pages into SQLite and PostgreSQL: every read agrees
    (wall-clock timestamps aside)."""
    files = sorted(SCENARIO.glob("*.txt"))
    sqlite_db = tmp_path / "same.db"
    for db in (sqlite_db, pg_database):
        report = api.ingest(files, db=db)
        assert report.linking and report.linking["linked"] == len(files)
    with open_store(sqlite_db) as lite, open_store(pg_database) as pg:
        expected = _everything(lite)
        assert expected["events"] and expected["entities"] and expected["storylines"]
        assert _everything(pg) == expected
    api.relink(db=pg_database)  # clear_links, then every article again
    with open_store(pg_database) as pg:
        assert _timeless(pg.events(limit=100)) == expected["events"]


# -- opening: URLs, modes, errors ----------------------------------------------------------------


def test_url_schemes_and_environment(pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rest = pg_database.split("://", 1)[1]
    for scheme in ("postgresql", "postgres", "postgresql+psycopg", "PostgreSQL"):
        with open_store(f"{scheme}://{rest}") as s:
            assert _is_postgres(s) and s.count() == 0
    monkeypatch.setenv("STORYLINE_DB", pg_database)
    with open_store() as s:
        assert _is_postgres(s)
        password = conninfo.conninfo_to_dict(pg_database).get("password")
        assert not password or (password not in s.path and password not in repr(s))


def test_other_drivers_are_refused() -> None:
    with pytest.raises(StoreError, match="unsupported PostgreSQL driver 'asyncpg'"):
        open_store("postgresql+asyncpg://u@localhost/news")


def test_missing_psycopg_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # "import psycopg" raises ImportError
    for name in [m for m in sys.modules if m.startswith("storyline.store.postgres")]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(StoreError, match=r"pip install 'storyline\[postgres\]'"):
        open_store("postgresql://user@localhost/news")


def test_readonly_opens_a_read_only_session(pg_database: str) -> None:
    with pytest.raises(StoreError, match=r"not a storyline database.*opened read-only"):
        open_store(pg_database, readonly=True)
    open_store(pg_database).close()
    with open_store(pg_database, readonly=True) as ro:
        with ro._read("test") as conn:  # type: ignore[attr-defined]
            assert conn.execute("SHOW default_transaction_read_only").fetchone() == ("on",)
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                conn.execute("INSERT INTO link_lock VALUES (2)")
        with pytest.raises(StoreError, match="read-only"):
            ro.clear_links()


def test_newer_schema_is_refused(pg_database: str) -> None:
    open_store(pg_database).close()
    _sql(pg_database, "INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    latest = _pg_migrations()[-1][0]
    with pytest.raises(
        StoreError, match=rf"schema version 999 is newer than this storyline \({latest}\)"
    ):
        open_store(pg_database)
    with pytest.raises(StoreError, match="newer"):
        open_store(pg_database, readonly=True)


def test_foreign_database_is_not_touched(pg_database: str) -> None:
    _sql(pg_database, "CREATE TABLE customers (id integer)")
    with pytest.raises(StoreError, match=r"not a storyline database .*customers"):
        open_store(pg_database)
    tables = _sql(pg_database, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert tables == [("customers",)]


def test_connection_errors_are_one_line_without_password(pg_url: str) -> None:
    params = conninfo.conninfo_to_dict(pg_url)
    if "password" not in params or "host" not in params:
        pytest.skip("needs a server with password authentication over TCP (the test cluster)")
    shown = f"postgresql://{params['user']}@{params['host']}:{params['port']}"
    cases = {
        _url_with(pg_url, password="wrong-pass-123"): "password authentication failed",
        _url_with(pg_url, dbname="nope"): 'database "nope" does not exist',
    }
    for url, reason in cases.items():
        with pytest.raises(StoreError) as info:
            open_store(url)
        msg = str(info.value)
        assert "\n" not in msg and reason in msg and shown in msg
        assert "wrong-pass-123" not in msg and params["password"] not in msg


def test_unreachable_server_is_one_line_error() -> None:
    pytest.importorskip("psycopg")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket is closed
    with pytest.raises(StoreError) as info:
        open_store(f"postgresql://someone:topsecret@127.0.0.1:{port}/news")
    msg = str(info.value)
    assert msg.startswith(
        f"cannot connect to PostgreSQL database postgresql://someone@127.0.0.1:{port}/news: "
    )
    assert "refused" in msg.lower() and "\n" not in msg and "topsecret" not in msg
    with pytest.raises(StoreError, match="invalid PostgreSQL URL") as info:
        open_store("postgresql://u:hunter2@localhost/db?bogus=1")
    assert "hunter2" not in str(info.value)


def test_urls_are_shown_without_password() -> None:
    from storyline.store import redact_url

    assert redact_url("postgresql://u:pw@h:5432/db") == "postgresql://u@h:5432/db"
    assert redact_url("postgres://u:pw@h/db?password=x&sslmode=require") == (
        "postgres://u@h/db?password=***&sslmode=require"
    )
    assert redact_url("news.db") == "news.db"
    with pytest.raises(StoreError) as info:
        open_store("mysql://u:hunter2@localhost/news")
    assert "hunter2" not in str(info.value)
