"""The HTTP API and HTML pages (issue 6), in process through FastAPI's TestClient.

Every endpoint is called as HTML and as JSON (suffix and Accept header), with the error cases a
client can cause: unknown ids and paths (404), bad parameters (400), writes without or with a
wrong token (401/403), bodies that are too big (413), bad bodies (400). Reads use the shared
corpus store; writes work on a copy.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storyline.cli import app as cli_app
from storyline.cli_serve import check_exposure, is_loopback
from storyline.errors import InputError
from storyline.fetch.types import FetchPolicy
from storyline.web import create_app

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def client(corpus_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(corpus_db, token=TOKEN)) as c:
        yield c


@pytest.fixture
def writable(tmp_path: Path, corpus_db: Path) -> Iterator[TestClient]:
    db = tmp_path / "w.db"
    shutil.copy(corpus_db, db)
    # posted URLs point at a local test server: let the server fetch loopback addresses
    policy = FetchPolicy(per_host_delay=0.0)
    with TestClient(create_app(db, token=TOKEN, max_body=200_000, fetch_policy=policy)) as c:
        yield c


def _json(client: TestClient, url: str, status: int = 200, **kw: Any) -> Any:
    r = client.get(url, **kw)
    assert r.status_code == status, (url, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def _error(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text[:300]
    body = resp.json()["error"]
    assert body["status"] == status and body["message"] and body["title"]
    return body


def _ids(client: TestClient) -> dict[str, str]:
    events = _json(client, "/events.json")["items"]
    biggest = max(events, key=lambda e: e["articles"])
    stories = _json(client, "/stories.json")["items"]
    longest = max(stories, key=lambda s: s["events"])
    event = _json(client, f"/events/{biggest['id']}.json")
    return {
        "event": biggest["id"],
        "story": longest["id"],
        "article": event["reports"][0]["id"],
        "entity": event["entities"][0]["id"],
    }


# -- reads ----------------------------------------------------------------------------------


def test_every_page_answers_html_and_json(client: TestClient) -> None:
    ids = _ids(client)
    pages = [
        "/", "/stories", f"/stories/{ids['story']}", "/events", f"/events/{ids['event']}",
        "/articles", f"/articles/{ids['article']}", "/entities", f"/entities/{ids['entity']}",
        "/map", "/search?q=Elbe", "/compare", "/docs",
    ]  # fmt: skip
    for page in pages:
        r = client.get(page)
        assert r.status_code == 200, (page, r.text[:300])
        assert r.headers["content-type"].startswith("text/html")
        assert "<script>" not in r.text  # our only script is an external file
        if page in ("/compare", "/docs"):
            continue
        path, _, query = page.partition("?")
        suffixed = ("/index" if path == "/" else path) + ".json" + ("?" + query if query else "")
        by_suffix = _json(client, suffixed)
        by_accept = _json(client, page, headers={"Accept": "application/json"})
        assert by_suffix == by_accept, page


def test_overview_counts_and_languages(client: TestClient) -> None:
    data = _json(client, "/index.json")
    assert data["stats"]["articles"] >= 30
    assert data["stats"]["events"] >= 6 and data["stats"]["storylines"] >= 1
    assert set(data["stats"]["languages"]) >= {"de", "en"}
    assert data["events"] and data["storylines"]


def test_story_page_is_a_timeline_in_time_order(client: TestClient) -> None:
    ids = _ids(client)
    story = _json(client, f"/stories/{ids['story']}.json")
    days = [e["first_day"] for e in story["timeline"] if e["first_day"]]
    assert days == sorted(days) and len(story["timeline"]) >= 2
    xs = [p["x"] for p in story["chart"]["points"]]
    assert xs == sorted(xs)
    html = client.get(f"/stories/{ids['story']}").text
    assert 'class="timeline-svg"' in html and html.count('class="tl-item"') == len(
        story["timeline"]
    )


def test_event_page_sides_agreement_and_folded_copies(client: TestClient) -> None:
    ids = _ids(client)
    event = _json(client, f"/events/{ids['event']}.json")
    assert len(event["reports"]) == event["n_articles"] >= 3
    assert len({r["language"] for r in event["reports"]}) >= 2  # both languages side by side
    agreement = event["agreement"]
    assert agreement["voices"] == len(event["voices"]) >= 2
    assert agreement["agree"], "the reports of one event share something"
    folded = [r for r in event["reports"] if r["folded"]]
    # every folded copy belongs to a voice with more than one article
    for rep in folded:
        assert len(event["voices"][rep["voice"]]["articles"]) > 1
    assert all(0.0 <= p["score"] <= 1.0 for p in event["pairs"])
    html = client.get(f"/events/{ids['event']}").text
    assert html.count('class="report"') == len(event["reports"]) - len(folded)


def test_article_page_highlights_and_shows_removed_lines(client: TestClient) -> None:
    ids = _ids(client)
    art = _json(client, f"/articles/{ids['article']}.json")
    assert "".join(r["text"] for r in art["runs"]) == art["text"]
    kinds = {r["kind"] for r in art["runs"]}
    assert {"entity", "place"} <= kinds
    assert art["event_id"] == ids["event"]
    html = client.get(f"/articles/{ids['article']}").text
    assert 'class="hl entity' in html and 'class="hl place"' in html
    if art["removed"]:
        assert '<details class="removed">' in html and art["removed"][0]["reason"] in html


def test_entity_page_chart_and_events(client: TestClient) -> None:
    ids = _ids(client)
    ent = _json(client, f"/entities/{ids['entity']}.json")
    assert ent["aliases"] and ent["events"]
    assert sum(b["value"] for b in ent["chart"]["bars"]) + ent["chart"]["undated"] == sum(
        t["mentions"] for t in ent["timeline"]
    )
    by_name = _json(client, f"/entities/{ent['name']}.json")
    assert by_name["id"] == ent["id"]


def test_map_has_located_markers(client: TestClient) -> None:
    data = _json(client, "/map.json")
    assert data["markers"]
    for m in data["markers"]:
        assert -180 <= m["x"] <= 180 and -90 <= m["y"] <= 90
        assert m["x"] == pytest.approx(m["lon"]) and m["y"] == pytest.approx(-m["lat"])
    assert "countries" not in data  # outlines are drawn by the page, not sent as data
    html = client.get("/map").text
    assert html.count('class="marker"') == len(data["markers"])


def test_search_with_filters(client: TestClient) -> None:
    everything = _json(client, "/search.json?q=Elbe&limit=50")["items"]
    assert everything and all("snippet" in r for r in everything)
    english = _json(client, "/search.json?q=Elbe&lang=en&limit=50")["items"]
    assert english and all(r["language"] == "en" for r in english)
    assert len(english) < len(everything)
    dated = _json(client, "/search.json?q=Elbe&from=2026-01-01&to=2026-12-31&limit=50")["items"]
    assert all("2026-01-01" <= r["published"] <= "2026-12-31" for r in dated)
    person = _json(client, "/search.json?entity=Katrin+Hollmann&limit=50")["items"]
    assert person, "a filter alone lists matching articles"
    place = _json(client, "/search.json?q=Elbe&place=Pirna&limit=50")["items"]
    assert place and len(place) <= len(everything)
    nowhere = _json(client, "/search.json?q=Elbe&place=Atlantis")["items"]
    assert nowhere == []
    empty = _json(client, "/search.json")
    assert empty["empty"] is True and empty["items"] == []
    html = client.get("/search?q=Elbe").text
    assert "<mark>" in html


def test_pagination(client: TestClient) -> None:
    first = _json(client, "/articles.json?limit=5")
    assert len(first["items"]) == 5 and first["next"] == 5 and first["previous"] is None
    second = _json(client, "/articles.json?limit=5&offset=5")
    assert second["previous"] == 0
    assert {a["id"] for a in first["items"]}.isdisjoint(a["id"] for a in second["items"])
    last = _json(client, "/articles.json?limit=200")
    assert last["next"] is None


def test_not_found_and_bad_parameters(client: TestClient) -> None:
    for url in ("/events/evnothere000.json", "/stories/stnothere000.json",
                "/articles/ffffffffffff.json", "/entities/Nobody%20Atall.json", "/nope.json"):  # fmt: skip
        _error(client.get(url), 404)
    html = client.get("/events/evnothere000")
    assert html.status_code == 404 and "text/html" in html.headers["content-type"]
    for url in ("/articles.json?limit=0", "/articles.json?limit=abc", "/events.json?offset=-1",
                "/events.json?since=yesterday", "/search.json?q=x&from=2026-13-01",
                "/entities.json?label=XYZ", "/search.json?q=%21%21%21", "/compare.json?a=x"):  # fmt: skip
        _error(client.get(url), 400)
    _error(client.get("/search.json", params={"q": "x" * 600}), 400)


def test_compare_explains_two_articles(client: TestClient) -> None:
    event = _json(client, f"/events/{_ids(client)['event']}.json")
    a, b = event["reports"][0]["id"], event["reports"][1]["id"]
    data = _json(client, f"/compare.json?a={a}&b={b}")
    assert set(data["scores"]) >= {"geography", "entities", "time", "narrative", "overall"}
    assert 0 <= data["same_event"] <= 1 and data["explanation"]
    assert data["a"]["id"] == a
    assert "Same event" in client.get(f"/compare?a={a}&b={b}").text or data["same_event"] < 0.5


def test_openapi_and_docs(client: TestClient) -> None:
    spec = _json(client, "/openapi.json")
    for path in ("/", "/events", "/events/{ref}", "/search", "/map", "/compare", "/articles"):
        assert path in spec["paths"], path
    assert "post" in spec["paths"]["/articles"] and "post" in spec["paths"]["/relink"]
    assert 'id="api-docs"' in client.get("/docs").text


def test_security_headers_and_static_assets(client: TestClient) -> None:
    r = client.get("/")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    for asset in ("/static/style.css", "/static/app.js", "/static/world.json"):
        assert client.get(asset).status_code == 200, asset


# -- writes -----------------------------------------------------------------------------------

_PAGE = (
    "Brückenbau in Görlitz beginnt\n\n"
    "GÖRLITZ. Die Stadt Görlitz hat am Montag mit dem Bau einer neuen Fußgängerbrücke über die "
    "Neiße begonnen. Bürgermeisterin Agnes Kowalczyk sagte, die Brücke solle im Herbst 2027 "
    "fertig sein. Ein Kommentar im Forum lautete <script>alert('x')</script> und wurde "
    "gelöscht.\n\nDie Baukosten liegen bei 4,2 Millionen Euro."
)


def test_writes_need_the_token(writable: TestClient) -> None:
    body = {"text": _PAGE, "published": "2026-11-02"}
    _error(writable.post("/articles", json=body), 401)
    r = writable.post("/articles", json=body, headers={"Authorization": "Bearer wrong"})
    assert _error(r, 401)["message"] == "wrong token"
    assert r.headers["www-authenticate"] == "Bearer"
    _error(writable.post("/relink"), 401)


def test_no_token_configured_means_no_writes(corpus_db: Path) -> None:
    with TestClient(create_app(corpus_db)) as c:
        _error(c.post("/articles", json={"text": _PAGE}), 403)
    with TestClient(create_app(corpus_db, token=TOKEN, read_only=True)) as c:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        _error(c.post("/articles", json={"text": _PAGE}, headers=auth), 403)


def test_post_article_ingests_links_and_escapes(writable: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    before = _json(writable, "/index.json")["stats"]["articles"]
    r = writable.post("/articles", json={"text": _PAGE, "published": "2026-11-02"}, headers=auth)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["new"] == 1 and made["article_id"] and made["event_id"]
    again = writable.post(
        "/articles", json={"text": _PAGE, "published": "2026-11-02"}, headers=auth
    )
    assert again.status_code == 200 and again.json()["already_stored"] == 1
    assert _json(writable, "/index.json")["stats"]["articles"] == before + 1
    page = writable.get(f"/articles/{made['article_id']}").text
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    plain = writable.post(
        "/articles", content=_PAGE.replace("Montag", "Dienstag").encode(),
        headers={**auth, "Content-Type": "text/plain; charset=utf-8"},
    )  # fmt: skip
    assert plain.status_code == 201, plain.text


def test_post_article_bad_bodies(writable: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    cases = [
        (b"{not json", "application/json"),
        (b'["a list"]', "application/json"),
        (b'{"text": "a", "html": "b"}', "application/json"),
        (b'{"text": "   "}', "application/json"),
        (b'{"text": "x", "published": "someday"}', "application/json"),
        (b"\x00\x01\x02binary", "text/plain"),
        (b"\xff\xfe\xfa not utf-8", "text/plain"),
        (b"hello", "image/png"),
        (b'{"url": "ftp://example.org/x"}', "application/json"),
    ]
    for body, ctype in cases:
        r = writable.post("/articles", content=body, headers={**auth, "Content-Type": ctype})
        _error(r, 400)
    huge = b"x" * 300_000
    r = writable.post("/articles", content=huge, headers={**auth, "Content-Type": "text/plain"})
    _error(r, 413)


def test_post_url_fetches_the_page(writable: TestClient, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text(
        "<html><head><title>Neue Brücke in Görlitz</title></head><body><article>"
        f"<h1>Neue Brücke in Görlitz</h1><p>{_PAGE.split(chr(10))[2]}</p>"
        "<p>Die Baukosten liegen bei 4,2 Millionen Euro, teilte die Stadt mit.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/page.html"
        r = writable.post(
            "/articles", json={"url": url}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert r.status_code == 201, r.text
        art = _json(writable, f"/articles/{r.json()['article_id']}.json")
        assert art["source_uri"] == url and "Görlitz" in (art["title"] or "")
        missing = writable.post(
            "/articles", json={"url": url + ".gone"}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        _error(missing, 400)
    finally:
        server.shutdown()


def test_relink_with_token(writable: TestClient) -> None:
    before = {e["id"] for e in _json(writable, "/events.json?limit=200")["items"]}
    r = writable.post("/relink", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    after = _json(writable, "/events.json?limit=200")["items"]
    assert len(after) == len(before)


# -- serving ----------------------------------------------------------------------------------


def test_exposure_rules() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    check_exposure("127.0.0.1", None, False)
    check_exposure("0.0.0.0", "t", False)
    check_exposure("0.0.0.0", None, True)
    with pytest.raises(InputError, match="--public-read-only"):
        check_exposure("0.0.0.0", None, False)


def test_serve_refuses_a_public_address_without_token(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.delenv("STORYLINE_TOKEN", raising=False)
    result = CliRunner().invoke(
        cli_app, ["serve", "--db", str(tmp_path / "x.db"), "--host", "0.0.0.0"]
    )
    assert result.exit_code == 2
    assert "without a token" in result.output


def test_cli_search_filters_match_the_api(corpus_db: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["search", "Elbe", "--lang", "en", "--db", str(corpus_db), "--json"]
    )
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.output)
    assert rows and all(r["language"] == "en" for r in rows)
    bad = runner.invoke(cli_app, ["search", "Elbe", "--from", "soon", "--db", str(corpus_db)])
    assert bad.exit_code == 2 and "not a date" in bad.output
    none = runner.invoke(cli_app, ["search", "--db", str(corpus_db)])
    assert none.exit_code == 2


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Elbe", "place": "Pirna"},
        {"q": "Elbe", "place": "pirna"},  # names match whatever their case
        {"q": "Elbe", "place": "de"},  # an ISO country code
        {"q": "Elbe", "entity": "Katrin Hollmann"},
        {"q": "Elbe", "entity": "Katrin Hollmann", "place": "DE", "lang": "de"},
        {"q": "Elbe", "since": "2026-01-01", "until": "2026-12-31"},
        {"q": "Elbe", "since": "2026-01-01", "lang": "de"},
        {"q": "Elbe", "until": "2026-06-30", "lang": "en", "place": "DE"},
    ],
)
def test_search_filter_plans_agree(
    corpus_db: Path, monkeypatch: pytest.MonkeyPatch, params: dict[str, str]
) -> None:
    """An entity, place or date filter is checked per match or listed once, whichever the
    counts make cheaper: both plans return the same page."""
    from storyline import api
    from storyline.store.sqlite import SQLiteStore

    def run(**costs: float) -> list[tuple[str, float | None]]:
        for name, value in costs.items():
            monkeypatch.setattr(SQLiteStore, name, value)
        hits = api.search(
            params["q"], db=corpus_db, limit=50, entity=params.get("entity"),
            place=params.get("place"), language=params.get("lang"),
            since=params.get("since"), until=params.get("until"),
        )  # fmt: skip
        return [(h["id"], h["score"]) for h in hits]

    per_match = run(_PROBE_COST=0.0, _ROW_COST=0.0)
    listed = run(_PROBE_COST=1e9, _ROW_COST=1e9)
    assert per_match == listed
    assert per_match, f"the corpus has matches for {params}"


def test_search_by_filters_alone_lists_every_match_newest_first(corpus_db: Path) -> None:
    """Filters without words: the filter's articles (listed once, not tested one by one),
    newest first; a language filter narrows them."""
    from storyline import api
    from storyline.store import open_store

    with open_store(corpus_db, readonly=True) as store:
        person = store.entity("Katrin Hollmann")
        mentioned = {r["id"] for r in person["recent"]}
        german = {a["id"] for a in store.articles(language="de", limit=200)}
    assert 0 < len(mentioned) < 20  # "recent" lists them all
    hits = api.search("", db=corpus_db, entity="Katrin Hollmann", limit=50)
    assert {h["id"] for h in hits} == mentioned
    days = [h["published"] or "" for h in hits]
    assert days == sorted(days, reverse=True)
    de = api.search("", db=corpus_db, entity="Katrin Hollmann", language="de", limit=50)
    assert {h["id"] for h in de} == mentioned & german
