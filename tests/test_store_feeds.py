"""Feeds, feed items, per-URL fetch state and per-host counters (schema 6), on every backend.

Every test takes ``store_url`` and so runs on SQLite and on PostgreSQL (where a throwaway cluster
can start; skipped otherwise). The concurrency test opens two stores on the same database (two
connections) and writes the same rows from two threads at once: the database's upserts, not
application locks, must keep the counts right.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from test_store import MUELLER_BODY, MUELLER_TITLE, make_article

from storyline.errors import NotFound, StoreError
from storyline.store import Store, open_store
from storyline.store.base import (
    FEED_ITEM_KEYS,
    FEED_KEYS,
    FETCH_KEYS,
    HOST_KEYS,
    feed_id,
)

URL = "https://news.example.org/rss.xml"
OTHER = "https://other.example.net/sitemap.xml"
T0, T1, T2, T3 = (f"2026-12-03T12:4{i}:00Z" for i in range(4))


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A fresh store on each backend."""
    s = open_store(store_url)
    yield s
    s.close()


def _latest_version(store_url: str) -> int:
    if store_url.startswith("postgresql"):
        from storyline.store.postgres import migrations as pg_migrations

        return pg_migrations()[-1][0]
    from storyline.store.sqlite import migrations

    return migrations()[-1][0]


# -- feeds -------------------------------------------------------------------------------------


def test_add_feed_is_idempotent_and_updates_only_a_given_name(store: Store) -> None:
    feed = store.add_feed(URL)
    assert tuple(feed) == FEED_KEYS
    assert feed["id"] == feed_id(URL) and len(feed["id"]) == 12
    assert feed["url"] == URL and feed["name"] is None
    assert feed["added"].endswith("Z") and feed["checks"] == 0
    assert feed["consecutive_errors"] == 0
    assert (feed["items_seen"], feed["articles"], feed["failed_items"]) == (0, 0, 0)

    store.record_feed_check(feed["id"], checked_at=T1, ok=True, etag='"v1"')
    again = store.add_feed(f"  {URL} ")  # same URL: the feed and its history stay
    assert again["id"] == feed["id"] and again["checks"] == 1 and again["etag"] == '"v1"'
    assert again["added"] == feed["added"]
    assert store.add_feed(URL, name="Example News")["name"] == "Example News"
    assert store.add_feed(URL)["name"] == "Example News"  # no name given: kept
    assert store.add_feed(URL, name="Renamed")["name"] == "Renamed"
    assert len(store.feeds()) == 1

    store.add_feed(OTHER, name="Other")
    store.add_feed("https://a.example.com/feed")  # sorts first by URL and id, added last
    assert [f["url"] for f in store.feeds()] == [URL, OTHER, "https://a.example.com/feed"]
    assert all(tuple(f) == FEED_KEYS for f in store.feeds())

    with pytest.raises(StoreError, match="needs a URL"):
        store.add_feed("   ")


def test_feed_by_id_prefix_and_url(store: Store) -> None:
    feed = store.add_feed(URL)
    fid = feed["id"]
    assert store.feed(fid) == feed
    assert store.feed(fid[:4])["id"] == fid
    assert store.feed(fid[:6].upper())["id"] == fid  # ids are hex: case does not matter
    assert store.feed(URL)["id"] == fid
    assert store.feed(f" {URL}\n")["id"] == fid
    for ref in ("nope", fid[:3], "https://news.example.org/other.xml", "0000ffff", "x\x00y"):
        with pytest.raises(NotFound, match="no feed") as info:
            store.feed(ref)
        assert repr(ref.strip()) in str(info.value)
    with pytest.raises(NotFound):
        store.remove_feed("nope")


def test_ambiguous_feed_prefix(store: Store) -> None:
    # find two URLs whose ids share their first 4 hex digits (a few hundred tries)
    seen: dict[str, str] = {}
    n = 0
    while True:
        url = f"https://example.org/feed/{n}"
        prefix = feed_id(url)[:4]
        if prefix in seen:
            break
        seen[prefix] = url
        n += 1
    store.add_feed(seen[prefix])
    store.add_feed(url)
    with pytest.raises(StoreError, match="ambiguous feed id prefix") as info:
        store.feed(prefix)
    assert not isinstance(info.value, NotFound)
    assert store.feed(feed_id(url)[:12])["url"] == url


def test_record_feed_check_sequences(store: Store) -> None:
    fid = store.add_feed(URL)["id"]
    store.record_feed_check(
        fid,
        checked_at=T0,
        ok=True,
        kind="rss",
        title="Example",
        etag='"e1"',
        last_modified="Wed, 02 Dec 2026 10:00:00 GMT",
    )
    f = store.feed(fid)
    assert (f["kind"], f["title"], f["checks"], f["last_checked"], f["last_ok"]) == (
        "rss",
        "Example",
        1,
        T0,
        T0,
    )
    assert (f["etag"], f["last_modified"]) == ('"e1"', "Wed, 02 Dec 2026 10:00:00 GMT")
    assert f["last_error"] is None and f["consecutive_errors"] == 0

    # failures count up and keep the validators (and kind/title: none given)
    store.record_feed_check(fid, checked_at=T1, ok=False, error="timeout")
    store.record_feed_check(fid, checked_at=T2, ok=False, error="HTTP 503")
    f = store.feed(fid)
    assert (f["checks"], f["consecutive_errors"], f["last_checked"]) == (3, 2, T2)
    assert (f["last_error"], f["last_error_at"], f["last_ok"]) == ("HTTP 503", T2, T0)
    assert (f["etag"], f["kind"], f["title"]) == ('"e1"', "rss", "Example")

    # a success resets the error streak and replaces the validators, even with none
    store.record_feed_check(fid, checked_at=T3, ok=True, kind="atom")
    f = store.feed(fid)
    assert (f["checks"], f["consecutive_errors"], f["last_ok"], f["last_checked"]) == (
        4,
        0,
        T3,
        T3,
    )
    assert (f["etag"], f["last_modified"]) == (None, None)
    assert (f["kind"], f["title"]) == ("atom", "Example")
    assert (f["last_error"], f["last_error_at"]) == ("HTTP 503", T2)  # history is kept

    with pytest.raises(NotFound, match="no feed with id 'ffffffffffff'"):
        store.record_feed_check("ffffffffffff", checked_at=T0, ok=True)


# -- feed items --------------------------------------------------------------------------------


def test_feed_items_done_logic(store: Store) -> None:
    fid = store.add_feed(URL)["id"]
    assert store.feed_items_done(fid, []) == set()
    assert store.feed_items_done(fid, ["a", "b"]) == set()
    store.record_feed_item(fid, "stored", "https://x/1", status="stored", at=T0, article_id="a1")
    store.record_feed_item(fid, "skipped", "https://x/2", status="skipped", at=T0)
    store.record_feed_item(fid, "failed", "https://x/3", status="failed", at=T0, message="404")
    keys = ["stored", "skipped", "failed", "unknown"]
    assert store.feed_items_done(fid, keys) == {"stored", "skipped"}
    store.record_feed_item(fid, "failed", "https://x/3", status="failed", at=T1)
    assert store.feed_items_done(fid, keys) == {"stored", "skipped"}  # 2 attempts < 3
    assert store.feed_items_done(fid, keys, max_attempts=2) == {"stored", "skipped", "failed"}
    store.record_feed_item(fid, "failed", "https://x/3", status="failed", at=T2)
    assert store.feed_items_done(fid, keys) == {"stored", "skipped", "failed"}
    assert store.feed_items_done(fid, keys, max_attempts=5) == {"stored", "skipped"}
    # items of another feed with the same key are not this feed's
    other = store.add_feed(OTHER)["id"]
    assert store.feed_items_done(other, keys) == set()
    assert store.feed_items_done("ffffffffffff", keys) == set()

    f = store.feed(fid)
    assert (f["items_seen"], f["articles"], f["failed_items"]) == (3, 1, 1)

    with pytest.raises(StoreError, match="unknown feed item status 'ok'"):
        store.record_feed_item(fid, "k", "https://x/4", status="ok", at=T0)
    with pytest.raises(NotFound, match="no feed with id 'ffffffffffff'"):
        store.record_feed_item("ffffffffffff", "k", "https://x/4", status="stored", at=T0)


def test_feed_items_done_with_thousands_of_keys(store: Store) -> None:
    fid = store.add_feed(URL)["id"]
    keys = [f"https://news.example.org/2026/12/{i:05d}.html" for i in range(2000)]
    for i, key in enumerate(keys[:1200:3]):  # 400 items in three states
        status = ("stored", "skipped", "failed")[i % 3]
        store.record_feed_item(fid, key, key, status=status, at=T0)
    expected = {k for i, k in enumerate(keys[:1200:3]) if i % 3 != 2}
    done = store.feed_items_done(fid, keys + keys[:10])  # duplicates in the request are fine
    assert done == expected and len(done) == 267


def test_record_feed_item_upsert_keeps_first_seen(store: Store) -> None:
    fid = store.add_feed(URL)["id"]
    store.record_feed_item(
        fid,
        "guid-1",
        "https://x/1",
        status="failed",
        at=T0,
        title="First title",
        published="2026-12-02",
        message="timeout",
    )
    (item,) = store.feed_items(fid)
    assert tuple(item) == FEED_ITEM_KEYS
    assert item == {
        "key": "guid-1",
        "url": "https://x/1",
        "title": "First title",
        "published": "2026-12-02",
        "status": "failed",
        "article_id": None,
        "message": "timeout",
        "attempts": 1,
        "first_seen": T0,
        "last_tried": T0,
    }
    store.record_feed_item(
        fid, "guid-1", "https://x/1?amp", status="stored", at=T2, article_id="abc123"
    )
    (item,) = store.feed_items(fid)
    assert item == {
        "key": "guid-1",
        "url": "https://x/1?amp",
        "title": "First title",
        "published": "2026-12-02",
        "status": "stored",
        "article_id": "abc123",
        "message": None,
        "attempts": 2,
        "first_seen": T0,
        "last_tried": T2,
    }
    store.record_feed_item(fid, "guid-1", "https://x/1", status="stored", at=T3, title="New")
    (item,) = store.feed_items(fid)
    assert (item["title"], item["attempts"], item["first_seen"], item["article_id"]) == (
        "New",
        3,
        T0,
        None,
    )


def test_feed_items_order_and_pages(store: Store) -> None:
    fid = store.add_feed(URL)["id"]
    store.record_feed_item(fid, "b", "https://x/b", status="stored", at=T1)
    store.record_feed_item(fid, "a", "https://x/a", status="stored", at=T1)
    store.record_feed_item(fid, "old", "https://x/old", status="skipped", at=T0)
    store.record_feed_item(fid, "new", "https://x/new", status="failed", at=T2)
    store.record_feed_item(fid, "old", "https://x/old", status="stored", at=T3)  # retried later
    assert [i["key"] for i in store.feed_items(fid)] == ["new", "a", "b", "old"]
    assert [i["key"] for i in store.feed_items(fid, limit=2, offset=1)] == ["a", "b"]
    assert store.feed_items(fid, limit=0) == []
    assert store.feed_items("ffffffffffff") == []
    with pytest.raises(StoreError, match="limit"):
        store.feed_items(fid, limit=-1)
    # what the next poll retries: failed items with attempts left
    assert [i["key"] for i in store.feed_items(fid, retryable=3)] == ["new"]
    for at in (T2, T3):
        store.record_feed_item(fid, "new", "https://x/new", status="failed", at=at)
    assert store.feed_items(fid, retryable=3) == []


def test_remove_feed_cascades_items_but_keeps_articles(store: Store) -> None:
    article = make_article(MUELLER_TITLE, MUELLER_BODY, "https://news.example.org/a.html")
    out = store.add(article)
    fid = store.add_feed(URL, name="Example")["id"]
    other = store.add_feed(OTHER)["id"]
    store.record_feed_item(
        fid, "a", article.source_uri, status="stored", at=T0, article_id=out.article_id
    )
    store.record_feed_item(fid, "b", "https://x/b", status="failed", at=T0)
    store.record_feed_item(other, "a", article.source_uri, status="stored", at=T0)
    removed = store.remove_feed(fid[:5])
    assert removed["id"] == fid and removed["name"] == "Example"
    assert (removed["items_seen"], removed["articles"], removed["failed_items"]) == (2, 1, 1)
    assert [f["id"] for f in store.feeds()] == [other]
    with pytest.raises(NotFound):
        store.feed(fid)
    assert store.feed_items(fid) == []
    assert store.feed_items_done(fid, ["a", "b"]) == set()
    assert store.get(out.article_id).id == out.article_id  # the article stays
    assert store.count() == 1
    assert store.feed(other)["items_seen"] == 1  # the other feed's items stay
    # the same URL can be added again, starting afresh
    again = store.add_feed(URL)
    assert again["id"] == fid and again["items_seen"] == 0 and again["name"] is None
    assert [f["id"] for f in store.feeds()] == [other, fid]  # added again: listed last


# -- fetch state and hosts ---------------------------------------------------------------------


def test_record_fetch_and_not_modified_keeps_validators(store: Store) -> None:
    page = "https://news.example.org/a.html"
    assert store.fetch_state(page) is None
    store.record_fetch(
        page,
        status="ok",
        fetched_at=T0,
        final_url=page + "?x",
        http_status=200,
        etag='"a1"',
        last_modified="Wed, 02 Dec 2026 10:00:00 GMT",
        article_id="abc",
    )
    state = store.fetch_state(page)
    assert state is not None and tuple(state) == FETCH_KEYS
    assert state == {
        "url": page,
        "final_url": page + "?x",
        "status": "ok",
        "http_status": 200,
        "etag": '"a1"',
        "last_modified": "Wed, 02 Dec 2026 10:00:00 GMT",
        "fetched_at": T0,
        "article_id": "abc",
    }

    store.record_fetch(page, status="not_modified", fetched_at=T1, http_status=304)
    state = store.fetch_state(page)
    assert state is not None
    assert (state["status"], state["http_status"], state["fetched_at"]) == ("not_modified", 304, T1)
    assert (state["etag"], state["last_modified"], state["article_id"]) == (
        '"a1"',
        "Wed, 02 Dec 2026 10:00:00 GMT",
        "abc",
    )
    assert state["final_url"] == page + "?x"

    store.record_fetch(page, status="not_modified", fetched_at=T2, http_status=304, etag='"a2"')
    state = store.fetch_state(page)
    assert state is not None and state["etag"] == '"a2"'
    assert state["last_modified"] == "Wed, 02 Dec 2026 10:00:00 GMT"

    # any other fetch replaces the whole record
    store.record_fetch(page, status="http_error", fetched_at=T3, http_status=500)
    assert store.fetch_state(page) == {
        "url": page,
        "final_url": None,
        "status": "http_error",
        "http_status": 500,
        "etag": None,
        "last_modified": None,
        "fetched_at": T3,
        "article_id": None,
    }
    assert store.fetch_state(page + "#other") is None


def test_record_host_accumulates(store: Store) -> None:
    assert store.hosts() == []
    store.record_host("news.example.org", requests=10, failures=1, ok_at=T0)
    store.record_host(
        "News.Example.org", requests=5, failures=2, error="HTTP 503", error_at=T1
    )  # same host: host names are case-insensitive
    store.record_host("a.example.com:8080", requests=1, ok_at=T1)
    store.record_host("news.example.org", requests=3, ok_at=T2)
    hosts = store.hosts()
    assert [h["host"] for h in hosts] == ["a.example.com:8080", "news.example.org"]
    assert all(tuple(h) == HOST_KEYS for h in hosts)
    assert hosts[1] == {
        "host": "news.example.org",
        "requests": 18,
        "failures": 3,
        "last_ok": T2,
        "last_error": "HTTP 503",
        "last_error_at": T1,
    }
    assert hosts[0]["requests"] == 1 and hosts[0]["failures"] == 0
    for bad in ({"requests": -1}, {"failures": 1.5}):
        with pytest.raises(StoreError, match="whole number"):
            store.record_host("x", **bad)
    with pytest.raises(StoreError, match="host"):
        store.record_host(" ")


# -- concurrency, readonly stores, migrations --------------------------------------------------


def test_two_stores_write_the_same_rows_at_once(store_url: str) -> None:
    """Two connections upsert the same feed, items, fetches and host from two threads at once:
    no duplicates, no lost increments, no errors."""
    n = 40
    with open_store(store_url) as setup:
        fid = setup.add_feed(URL)["id"]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            with open_store(store_url) as s:
                barrier.wait(timeout=30)
                for i in range(n):
                    s.add_feed(URL)
                    s.add_feed(OTHER)  # new for both: inserted once
                    s.record_feed_item(fid, f"k{i}", f"https://x/{i}", status="failed", at=T0)
                    s.record_host("news.example.org", requests=2, failures=i % 2, ok_at=T1)
                    s.record_fetch(f"https://x/{i}", status="ok", fetched_at=T1, etag=f"w{worker}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with open_store(store_url) as s:
        assert [f["url"] for f in s.feeds()] == [URL, OTHER]
        items = s.feed_items(fid, limit=1000)
        assert len(items) == n and {i["attempts"] for i in items} == {2}
        assert s.feed(fid)["items_seen"] == n
        assert s.feed_items_done(fid, [f"k{i}" for i in range(n)], max_attempts=2) == {
            f"k{i}" for i in range(n)
        }
        (host,) = s.hosts()
        assert (host["requests"], host["failures"]) == (2 * 2 * n, 2 * (n // 2))
        state = s.fetch_state("https://x/0")
        assert state is not None and state["etag"] in ("w0", "w1")


def test_readonly_store_answers_the_read_methods(store_url: str) -> None:
    with open_store(store_url) as s:
        fid = s.add_feed(URL, name="Example")["id"]
        s.record_feed_item(fid, "a", "https://x/a", status="stored", at=T0)
        s.record_fetch("https://x/a", status="ok", fetched_at=T0, etag='"e"')
        s.record_host("x", requests=1)
    with open_store(store_url, readonly=True) as ro:
        assert [f["name"] for f in ro.feeds()] == ["Example"]
        assert ro.feed(fid[:4])["items_seen"] == 1
        assert [i["key"] for i in ro.feed_items(fid)] == ["a"]
        assert ro.feed_items_done(fid, ["a", "b"]) == {"a"}
        assert (ro.fetch_state("https://x/a") or {})["etag"] == '"e"'
        assert [h["host"] for h in ro.hosts()] == ["x"]
        writes: list[Callable[[], Any]] = [
            lambda: ro.add_feed(OTHER),
            lambda: ro.remove_feed(fid),
            lambda: ro.record_feed_check(fid, checked_at=T1, ok=True),
            lambda: ro.record_feed_item(fid, "b", "https://x/b", status="stored", at=T1),
            lambda: ro.record_fetch("https://x/b", status="ok", fetched_at=T1),
            lambda: ro.record_host("x", requests=1),
        ]
        for write in writes:
            with pytest.raises(StoreError, match="read-only"):
                write()
    with open_store(store_url) as s:
        assert len(s.feeds()) == 1 and s.hosts()[0]["requests"] == 1


def test_schema_5_database_is_migrated_to_6(
    store_url: str, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database made by the storyline before feeds (schema 5), with an article in it, gains
    the feed tables on the next open and keeps its data."""
    if backend == "postgres":
        from storyline.store import postgres as module
    else:
        from storyline.store import sqlite as module  # type: ignore[no-redef]
    known = module.migrations()
    assert [v for v, _, _ in known][:6] == [1, 2, 3, 4, 5, 6] and known[5][1] == "feeds"
    with monkeypatch.context() as patch:
        patch.setattr(module, "migrations", lambda: known[:5])
        with open_store(store_url) as old:
            assert old.schema_version() == 5  # type: ignore[attr-defined]
            out = old.add(make_article(MUELLER_TITLE, MUELLER_BODY))
    if backend == "sqlite":
        with sqlite3.connect(store_url) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        conn.close()
        assert "feeds" not in tables and "articles" in tables
    with open_store(store_url) as s:
        assert s.schema_version() == _latest_version(store_url) >= 6  # type: ignore[attr-defined]
        assert s.get(out.article_id).title == MUELLER_TITLE
        assert s.add_feed(URL)["items_seen"] == 0
    if backend == "sqlite":
        with sqlite3.connect(store_url) as conn:
            rows = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        conn.close()
        assert (6, "feeds") in rows and [r[0] for r in rows] == list(range(1, len(rows) + 1))
    else:
        import psycopg

        with psycopg.connect(store_url, autocommit=True) as conn:
            rows = conn.execute("SELECT version, name FROM schema_migrations").fetchall()
        assert (6, "feeds") in rows


def test_feed_tables_exist_in_a_fresh_sqlite_file(tmp_path: Path) -> None:
    """The SQLite schema as written: foreign keys cascade, item keys are the primary key."""
    db = tmp_path / "fresh.db"
    open_store(db).close()
    with sqlite3.connect(db) as conn:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(feed_items)")]
        fks = conn.execute("PRAGMA foreign_key_list(feed_items)").fetchall()
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(feed_items)")}
    conn.close()
    assert cols[:3] == ["feed_id", "item_key", "url"]
    assert [(f[2], f[3], f[4], f[6]) for f in fks] == [("feeds", "feed_id", "id", "CASCADE")]
    assert "feed_items_first_seen" in indexes
