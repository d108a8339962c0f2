"""Feed status on the web UI and ``POST /feeds`` (issue "Follow the news"), through TestClient.

The GET tests build a store whose feeds, checks, items and host counters are written directly
through the store methods, so every state a page must show (ok, failing several times in a row,
never checked, recovered) exists without the network. ``POST /feeds`` is tested unchecked, and
checked against a loopback site (``httpsite.LocalSite``) serving an RSS feed and an HTML page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpsite import LocalSite

from storyline.fetch.types import FetchPolicy
from storyline.store import open_store
from storyline.store.base import FEED_ITEM_KEYS, FEED_KEYS, HOST_KEYS, feed_id
from storyline.web import create_app

TOKEN = "feed-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

DAILY = "https://daily.example.org/rss.xml"
BROKEN = "https://broken.example.net/feed.atom"
FRESH = "https://fresh.example.com/sitemap.xml"
EVIL = "https://evil.example.com/rss"
SCRIPT = "<script>alert('x')</script>"
T = [f"2026-12-03T12:{m:02d}:00Z" for m in range(60)]

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local Gazette</title><link>{origin}/</link>
<item><title>Bridge opens</title><link>{origin}/a1</link><guid>a1</guid>
<pubDate>Tue, 03 Nov 2026 08:00:00 GMT</pubDate></item>
<item><title>Council meets</title><link>{origin}/a2</link><guid>a2</guid></item>
</channel></rss>
"""


def _fill(db: Path) -> None:
    """Four feeds in four states, items of every status, two hosts."""
    with open_store(db) as s:
        daily = s.add_feed(DAILY, name="Daily News")["id"]
        s.record_feed_check(daily, checked_at=T[1], ok=False, error="timed out")
        s.record_feed_check(daily, checked_at=T[2], ok=True, kind="rss", title="The Daily")
        for n in range(7):  # 7 items: two pages of 5 and 2
            s.record_feed_item(
                daily, f"k{n}", f"https://daily.example.org/a{n}", status="stored",
                at=T[10 + n], title=f"Story {n}", article_id=f"art{n:04d}",
            )  # fmt: skip
        s.record_feed_item(
            daily, "bad", "https://daily.example.org/bad", status="failed", at=T[30],
            title="Broken page", message="HTTP 500 from the server",
        )  # fmt: skip
        s.record_feed_item(
            daily, "old", "javascript:alert(1)", status="skipped", at=T[31],
            title="Too old", message="published before the feed was followed",
        )  # fmt: skip
        broken = s.add_feed(BROKEN, name="Broken Wire")["id"]
        for minute in (3, 4, 5):
            s.record_feed_check(broken, checked_at=T[minute], ok=False, error="HTTP 503")
        s.add_feed(FRESH)  # never checked, no name
        evil = s.add_feed(EVIL, name=SCRIPT)["id"]
        s.record_feed_check(evil, checked_at=T[6], ok=False, error=f"bad XML {SCRIPT}")
        s.record_host("daily.example.org", requests=9, failures=1, ok_at=T[2],
                      error="timed out", error_at=T[1])  # fmt: skip
        s.record_host("broken.example.net", requests=3, failures=3, error="HTTP 503",
                      error_at=T[5])  # fmt: skip


@pytest.fixture(scope="module")
def feeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("feeds") / "feeds.db"
    _fill(db)
    return db


@pytest.fixture(scope="module")
def client(feeds_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(feeds_db, token=TOKEN)) as c:
        yield c


@pytest.fixture
def writable(tmp_path: Path) -> Iterator[TestClient]:
    db = tmp_path / "w.db"
    open_store(db).close()
    # the local test site is on 127.0.0.1: allow it (a real server refuses private addresses)
    policy = FetchPolicy(per_host_delay=0.0)
    with TestClient(create_app(db, token=TOKEN, max_body=2_000, fetch_policy=policy)) as c:
        yield c


def test_server_refuses_to_fetch_private_addresses(tmp_path: Path, site: LocalSite) -> None:
    db = tmp_path / "p.db"
    open_store(db).close()
    with TestClient(create_app(db, token=TOKEN)) as c:
        r = c.post("/feeds", json={"url": site.url("/rss.xml")}, headers=AUTH)
        assert r.status_code == 400
        assert "not a public address" in r.json()["error"]["message"]
        r = c.post("/articles", json={"url": site.url("/page")}, headers=AUTH)
        assert r.status_code == 400
        assert "not a public address" in r.json()["error"]["message"]
    assert site.requests == []


def _json(client: TestClient, url: str, status: int = 200, **kw: Any) -> Any:
    r = client.get(url, **kw)
    assert r.status_code == status, (url, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def _html(client: TestClient, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, (url, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def _error(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text[:300]
    body = resp.json()["error"]
    assert body["status"] == status and body["message"] and body["title"]
    return body


# -- GET /feeds --------------------------------------------------------------------------------


def test_feeds_json_lists_feeds_with_health_and_hosts(client: TestClient) -> None:
    data = _json(client, "/feeds.json")
    assert set(data) == {"feeds", "hosts"}
    assert _json(client, "/feeds", headers={"Accept": "application/json"}) == data
    by_url = {f["url"]: f for f in data["feeds"]}
    assert list(by_url) == [DAILY, BROKEN, FRESH, EVIL]  # the order they were added
    assert all(tuple(f)[: len(FEED_KEYS)] == FEED_KEYS and "health" in f for f in data["feeds"])
    assert [by_url[u]["health"] for u in by_url] == ["ok", "failing", "never checked", "failing"]
    daily = by_url[DAILY]
    assert (daily["items_seen"], daily["articles"], daily["failed_items"]) == (9, 7, 1)
    assert daily["kind"] == "rss" and daily["last_ok"] == T[2] and daily["consecutive_errors"] == 0
    assert by_url[BROKEN]["consecutive_errors"] == 3 and by_url[BROKEN]["last_error"] == "HTTP 503"
    assert [h["host"] for h in data["hosts"]] == ["broken.example.net", "daily.example.org"]
    assert all(tuple(h) == HOST_KEYS for h in data["hosts"])


def test_feeds_page_shows_status_errors_and_hosts(client: TestClient) -> None:
    page = _html(client, "/feeds")
    for text in ("Daily News", "Broken Wire", FRESH, "daily.example.org", "broken.example.net"):
        assert text in page
    assert 'href="/feeds"' in page  # the nav link
    assert page.count('class="health ok"') == 1 and page.count('class="health failing"') == 2
    assert 'class="health never-checked"' in page
    # failing three times: the error in red with its streak; the recovered one is muted
    assert "(3× in a row)" in page and 'class="error-text"><time' in page
    assert "recovered; last error" in page and "timed out" in page
    assert f'href="/feeds/{feed_id(DAILY)}"' in page


def test_feed_names_and_errors_are_escaped(client: TestClient) -> None:
    for url in ("/feeds", f"/feeds/{feed_id(EVIL)}"):
        page = _html(client, url)
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(" in page
    item_page = _html(client, f"/feeds/{feed_id(DAILY)}")
    assert 'href="javascript:' not in item_page  # an item URL from the feed is not a link


def test_empty_state_tells_how_to_add_a_feed(writable: TestClient) -> None:
    page = _html(writable, "/feeds")
    assert "No feeds followed yet" in page
    assert "storyline feeds add" in page and "POST" in page and "/feeds" in page
    assert _json(writable, "/feeds.json") == {"feeds": [], "hosts": []}


# -- GET /feeds/{ref} --------------------------------------------------------------------------


def test_feed_json_pages_through_its_items(client: TestClient) -> None:
    fid = feed_id(DAILY)
    first = _json(client, f"/feeds/{fid}.json?limit=5")
    assert set(first) == {"feed", "host", "items", "limit", "offset", "next", "previous"}
    assert first["feed"]["id"] == fid and first["feed"]["health"] == "ok"
    assert first["host"]["host"] == "daily.example.org" and first["host"]["requests"] == 9
    assert all(tuple(i) == FEED_ITEM_KEYS for i in first["items"])
    assert [i["key"] for i in first["items"]] == ["old", "bad", "k6", "k5", "k4"]  # newest first
    assert (first["next"], first["previous"]) == (5, None)
    second = _json(client, f"/feeds/{fid}.json?limit=5&offset=5")
    assert [i["key"] for i in second["items"]] == ["k3", "k2", "k1", "k0"]
    assert (second["next"], second["previous"]) == (None, 0)
    by_accept = _json(client, f"/feeds/{fid}?limit=5", headers={"Accept": "application/json"})
    assert by_accept == first
    # the other ways to name a feed: an id prefix, its URL-free name
    assert _json(client, f"/feeds/{fid[:6]}.json")["feed"]["id"] == fid
    assert _json(client, "/feeds/daily news.json")["feed"]["id"] == fid
    assert _json(client, f"/feeds/{feed_id(FRESH)}.json")["host"] is None


def test_feed_page_links_items_and_shows_failures(client: TestClient) -> None:
    fid = feed_id(DAILY)
    page = _html(client, f"/feeds/{fid}?limit=5")
    assert "Daily News" in page and "The Daily" in page and DAILY in page
    assert 'href="/articles/art0006"' in page  # a stored item links to its article
    assert "HTTP 500 from the server" in page and "published before the feed" in page
    assert 'class="item-status failed"' in page and 'class="item-status skipped"' in page
    assert 'rel="next"' in page and "offset=5" in page
    never = _html(client, f"/feeds/{feed_id(FRESH)}")
    assert "never checked" in never and "No items yet" in never


def test_unknown_feed_is_404_in_the_error_shape(client: TestClient) -> None:
    body = _error(client.get("/feeds/ffffffffffff.json"), 404)
    assert "ffffffffffff" in body["message"]
    page = client.get("/feeds/nosuchfeed")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    _error(client.get(f"/feeds/{feed_id(DAILY)}.json?limit=0"), 400)


# -- POST /feeds -------------------------------------------------------------------------------


def test_post_feed_unchecked_then_again(writable: TestClient) -> None:
    body = {"url": "https://example.org/rss.xml", "name": "Example", "check": False}
    r = writable.post("/feeds", json=body, headers=AUTH)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["id"] == feed_id(body["url"]) and made["name"] == "Example"
    assert made["health"] == "never checked" and made["checks"] == 0
    assert r.headers["location"] == f"/feeds/{made['id']}"
    again = writable.post("/feeds", json={**body, "name": "Renamed"}, headers=AUTH)
    assert again.status_code == 200 and again.json()["name"] == "Renamed"
    listed = _json(writable, "/feeds.json")["feeds"]
    assert [(f["id"], f["name"]) for f in listed] == [(made["id"], "Renamed")]
    assert "Renamed" in _html(writable, r.headers["location"])


def test_post_feed_checks_a_real_feed(writable: TestClient, site: LocalSite) -> None:
    site.add("/rss.xml", RSS.format(origin=site.origin), content_type="application/rss+xml")
    r = writable.post("/feeds", json={"url": site.url("/rss.xml")}, headers=AUTH)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["kind"] == "rss" and made["items"] == 2 and made["discovered_from"] is None
    assert "/rss.xml" in site.paths()
    assert _json(writable, f"/feeds/{made['id']}.json")["feed"]["url"] == site.url("/rss.xml")


def test_post_feed_refuses_what_is_not_a_feed(writable: TestClient, site: LocalSite) -> None:
    site.add("/page", "<!doctype html><html><head><title>Hi</title></head><body>no feed</body>")
    r = writable.post("/feeds", json={"url": site.url("/page")}, headers=AUTH)
    assert "names no RSS/Atom feed" in _error(r, 400)["message"]
    r = writable.post("/feeds", json={"url": site.url("/missing.xml")}, headers=AUTH)
    assert "cannot follow it" in _error(r, 400)["message"]
    r = writable.post("/feeds", json={"url": "ftp://example.org/x", "check": False}, headers=AUTH)
    assert "http://" in _error(r, 400)["message"]
    assert _json(writable, "/feeds.json")["feeds"] == []


def test_post_feed_bad_bodies(writable: TestClient) -> None:
    cases = [
        (b"{not json", "application/json"),
        (b'["https://example.org/rss"]', "application/json"),
        (b'{"name": "no url"}', "application/json"),
        (b'{"url": "https://example.org/rss", "check": "no"}', "application/json"),
        (b'{"url": "https://example.org/rss", "name": 5}', "application/json"),
        (b'{"url": "https://example.org/rss", "chek": false}', "application/json"),
        (b"\xff\xfe not utf-8", "application/json"),
        (b"url=https://example.org/rss", "application/x-www-form-urlencoded"),
    ]
    for raw, ctype in cases:
        r = writable.post("/feeds", content=raw, headers={**AUTH, "Content-Type": ctype})
        _error(r, 400)
    huge = b'{"url": "https://example.org/' + b"x" * 3_000 + b'"}'
    r = writable.post("/feeds", content=huge, headers={**AUTH, "Content-Type": "application/json"})
    _error(r, 413)
    assert _json(writable, "/feeds.json")["feeds"] == []


def test_post_feed_needs_the_token(writable: TestClient, feeds_db: Path) -> None:
    body = {"url": "https://example.org/rss.xml", "check": False}
    r = writable.post("/feeds", json=body)
    _error(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    wrong = writable.post("/feeds", json=body, headers={"Authorization": "Bearer nope"})
    assert _error(wrong, 401)["message"] == "wrong token"
    with TestClient(create_app(feeds_db)) as c:  # no token configured: writes are off
        _error(c.post("/feeds", json=body, headers=AUTH), 403)
    with TestClient(create_app(feeds_db, token=TOKEN, read_only=True)) as c:
        _error(c.post("/feeds", json=body, headers=AUTH), 403)
        _error(c.delete(f"/feeds/{feed_id(DAILY)}", headers=AUTH), 403)
        assert len(_json(c, "/feeds.json")["feeds"]) == 4
    assert _json(writable, "/feeds.json")["feeds"] == []


# -- DELETE /feeds/{ref} -----------------------------------------------------------------------


def test_delete_feed(writable: TestClient) -> None:
    body = {"url": "https://example.org/rss.xml", "name": "Example", "check": False}
    fid = writable.post("/feeds", json=body, headers=AUTH).json()["id"]
    _error(writable.delete(f"/feeds/{fid}"), 401)
    r = writable.delete("/feeds/Example", headers=AUTH)
    assert r.status_code == 200 and r.json()["id"] == fid
    _error(writable.delete(f"/feeds/{fid}", headers=AUTH), 404)
    _error(writable.get(f"/feeds/{fid}.json"), 404)


def test_openapi_lists_the_feed_routes(client: TestClient) -> None:
    paths = _json(client, "/openapi.json")["paths"]
    assert {"get"} <= set(paths["/feeds"]) and "post" in paths["/feeds"]
    assert {"get", "delete"} <= set(paths["/feeds/{ref}"])
    assert "POST /feeds" in _html(client, "/docs")
