"""Following outlets end to end: a served feed polled over and over, ``storyline ingest URL``
and the ``feeds`` / ``watch`` commands.

Every page is served by ``httpsite.LocalSite`` on loopback addresses; the articles are our
own (short invented stories below, or the example corpus). The hostile hosts, feed dates,
retries and interrupted polls are in ``test_watch_cases.py``, which imports the helpers here.

Analysis (German NER) is the slow part, so only the tests about events analyse, and they
analyse a handful of articles; the others pass ``analyse=False`` or ``--no-analyse``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path

import pytest
from httpsite import LocalSite
from typer.testing import CliRunner

from storyline import api_feeds
from storyline.cli import app
from storyline.feeds.watch import poll
from storyline.fetch import FetchPolicy
from storyline.fetch.http import Fetcher
from storyline.store import Store, open_store

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "html"
RSS_TYPE = "application/rss+xml"

#: quick to give up, no politeness pauses: every host here is ours
FAST = FetchPolicy(
    connect_timeout=0.5,
    read_timeout=0.5,
    total_timeout=1.5,
    retries=1,
    backoff=0.05,
    max_wait=1.0,
    max_bytes=1_000_000,
    per_host_delay=0.0,
)

runner = CliRunner()

#: short invented news stories, each distinct enough not to be a near-duplicate of another
STORIES: list[tuple[str, list[str]]] = [
    (
        "Neue Fähre verbindet Konstanz und Meersburg",
        [
            "Konstanz (lok) - Eine neue Elektrofähre verkehrt seit dieser Woche zwischen Konstanz "
            "und Meersburg. Die Stadtwerke haben das Schiff nach zwei Jahren Bauzeit in Dienst "
            "gestellt.",
            "Die Fähre bietet Platz für sechzig Autos und dreihundert Fahrgäste. Sie wird mit "
            "Strom aus dem eigenen Solarpark am Hafen geladen, wie ein Sprecher erklärte.",
            "Die alte Dieselfähre geht an einen Verein, der sie als Museumsschiff erhalten will.",
        ],
    ),
    (
        "Stadtbibliothek Freiburg öffnet künftig auch sonntags",
        [
            "Freiburg (lok) - Die Stadtbibliothek Freiburg öffnet ab dem kommenden Monat auch am "
            "Sonntagnachmittag. Der Gemeinderat hat dafür zusätzliche Stellen bewilligt.",
            "Vor allem Familien und Studierende hätten sich längere Öffnungszeiten gewünscht, "
            "sagte die Leiterin der Bibliothek. Die Ausleihe läuft sonntags über Automaten.",
            "Ein Jahr lang soll getestet werden, wie viele Menschen das Angebot nutzen.",
        ],
    ),
    (
        "Brand in Lagerhalle bei Ulm: Feuerwehr die ganze Nacht im Einsatz",
        [
            "Ulm (lok) - Ein Großbrand in einer Lagerhalle im Donautal hat die Feuerwehr die "
            "ganze Nacht beschäftigt. Mehr als hundert Einsatzkräfte waren vor Ort.",
            "Verletzt wurde niemand. Die Polizei schätzt den Schaden auf mehrere Millionen Euro "
            "und ermittelt zur Ursache. Anwohner sollten Fenster und Türen geschlossen halten.",
            "Die Bundesstraße neben dem Gelände blieb bis zum Morgen gesperrt.",
        ],
    ),
    (
        "Winzer an der Mosel melden eine kleine, aber gute Ernte",
        [
            "Bernkastel-Kues (lok) - Die Winzer an der Mosel haben ihre Lese abgeschlossen. Die "
            "Menge liegt deutlich unter dem Vorjahr, die Qualität gilt als sehr gut.",
            "Spätfrost im Frühjahr und ein trockener Sommer hätten die Erträge gedrückt, "
            "sagte der Präsident des Weinbauverbands. Manche Betriebe verloren ein Drittel.",
            "Die Preise für Fassweine dürften deshalb steigen, erwartet der Verband.",
        ],
    ),
    (
        "Harbour cranes in Bristol to be restored as museum pieces",
        [
            "BRISTOL - Four historic harbour cranes on the city's waterfront will be restored "
            "and opened to visitors, the city council said on its website.",
            "The cranes, built in the 1950s, have stood idle for decades. Volunteers will guide "
            "tours, and one crane will lift cargo again on open days.",
            "Work is expected to take eighteen months and is paid for by a heritage grant.",
        ],
    ),
    (
        "Schulneubau in Kassel wird teurer als geplant",
        [
            "Kassel (lok) - Der Neubau der Gesamtschule im Stadtteil Wehlheiden kostet rund vier "
            "Millionen Euro mehr als veranschlagt. Das geht aus einer Vorlage für den Bauausschuss "
            "hervor.",
            "Als Gründe nennt die Stadt gestiegene Preise für Holz und Dämmstoffe sowie Mängel "
            "im Baugrund, die erst bei den Erdarbeiten entdeckt wurden.",
            "Der Umzug der Schülerinnen und Schüler verschiebt sich um ein Halbjahr.",
        ],
    ),
    (
        "Radweg entlang der Lahn ist wieder durchgehend befahrbar",
        [
            "Gießen (lok) - Nach der Sanierung einer Brücke ist der Lahntalradweg zwischen Gießen "
            "und Wetzlar wieder ohne Umleitung befahrbar. Die Arbeiten dauerten acht Monate.",
            "Der Landkreis hat die alte Holzbrücke durch eine breitere Konstruktion aus Stahl "
            "ersetzt, auf der auch Lastenräder bequem aneinander vorbeikommen.",
            "Tourismusverbände hoffen auf mehr Gäste in der kommenden Radsaison.",
        ],
    ),
    (
        "Night trains between Vienna and Amsterdam to run daily",
        [
            "VIENNA - The night train between Vienna and Amsterdam will run every day from next "
            "spring instead of four times a week, the Austrian railway operator announced.",
            "New sleeping cars with private compartments and showers will be used on the route, "
            "which passes through Munich, Frankfurt and Cologne.",
            "Demand has grown strongly since the service was relaunched, the operator said.",
        ],
    ),
]

#: the stories above written in English (the others are German)
ENGLISH_STORIES = frozenset({4, 7})


def story_page(i: int, *, date: str | None = None) -> str:
    """Invented story ``i`` as an article page; ``date`` (ISO) as its published time."""
    title, paras = STORIES[i]
    lang = "en" if i in ENGLISH_STORIES else "de"
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paras)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{meta}</head><body><article>"
        f"<h1>{escape(title)}</h1>{body}</article></body></html>"
    )


def corpus_page(name: str) -> bytes:
    """A page of the example corpus (``examples/corpus/html``), as served by its outlet."""
    return (CORPUS / name).read_bytes()


@dataclass(frozen=True)
class Entry:
    """One feed item: the page's URL and what the feed says about it."""

    url: str
    title: str = "Meldung"
    published: datetime | None = None
    guid: str | None = None


def rss(entries: Sequence[Entry], *, title: str = "Lokalnachrichten") -> str:
    """An RSS 2.0 feed listing ``entries`` in order."""
    items = []
    for e in entries:
        parts = [f"<title>{escape(e.title)}</title>", f"<link>{escape(e.url)}</link>"]
        if e.published is not None:
            parts.append(f"<pubDate>{format_datetime(e.published, usegmt=True)}</pubDate>")
        if e.guid is not None:
            parts.append(f'<guid isPermaLink="false">{escape(e.guid)}</guid>')
        items.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.invalid/</link>"
        f"<description>Test</description>\n" + "\n".join(items) + "\n</channel></rss>"
    )


def serve_feed(
    site: LocalSite, path: str, entries: Sequence[Entry], *, etag: str | None = None
) -> str:
    """Serve an RSS feed of ``entries`` at ``path``; returns its URL."""
    site.add(path, rss(entries), content_type=RSS_TYPE, etag=etag)
    return site.url(path)


def serve_stories(site: LocalSite, paths: Sequence[str], first: int = 0) -> list[Entry]:
    """Serve invented stories ``first``, ``first + 1``, ... at ``paths``; their feed entries."""
    entries = []
    for n, path in enumerate(paths, first):
        site.add(path, story_page(n))
        entries.append(Entry(site.url(path), STORIES[n][0]))
    return entries


def article_of(store: Store, url: str) -> str:
    """The id of the article the page at ``url`` became (from its recorded fetch)."""
    state = store.fetch_state(url)
    assert state is not None and state["article_id"], f"{url} was not stored: {state}"
    return str(state["article_id"])


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def one_line(text: str) -> str:
    """Terminal output with the console's wrapping undone."""
    return " ".join(text.split())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "s.db")
    yield s
    s.close()


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as f:
        yield f


# -- the watch test ----------------------------------------------------------------------------

#: the rail strike reported by two outlets (German and English): one event in examples/truth.json
RAIL_DE = "/koeln/bahnstreik-koeln-hauptbahnhof.html"
RAIL_EN = "/wire/german-rail-strike.html"
PHOTOS = "/kultur/leipzig-fotografinnen.html"
DEBRIS = "/panorama/saas-fee-stranded.html"


def test_watch_brings_new_items_links_them_and_survives_a_restart(
    tmp_path: Path, site: LocalSite
) -> None:
    pages = {
        RAIL_DE: "rheinische-rundschau-bahnstreik-koeln.html",
        PHOTOS: "abendpost-leipzig-fotografinnen-ausstellung.html",
        RAIL_EN: "continental-wire-german-rail-strike.html",
        DEBRIS: "danube-daily-saas-fee-stranded.html",
    }
    for path, name in pages.items():
        site.add(path, corpus_page(name))
    entries = [Entry(site.url(path), f"item {path}") for path in pages]
    feed_url = serve_feed(site, "/rss.xml", entries[:2], etag='"v1"')
    db = tmp_path / "watch.db"
    store = open_store(db)
    store.add_feed(feed_url, name="Outlet")

    with Fetcher(FAST) as fetcher:  # one fetcher across polls, as `storyline watch` keeps it
        first = poll(store, fetcher=fetcher)
        assert first.to_dict()["articles"] == 2 and not first.interrupted
        assert (first.feeds[0].status, first.feeds[0].new, first.feeds[0].stored) == ("ok", 2, 2)
        assert store.stats()["articles"] == 2
        assert first.ingest.linking and first.ingest.linking["linked"] == 2

        # the outlet publishes two more: the same strike by a wire service, and another story
        site.clear_log()
        site.replace("/rss.xml", rss(entries), etag='"v2"')
        second = poll(store, fetcher=fetcher)

    assert site.paths() == ["/rss.xml", RAIL_EN, DEBRIS]  # only the new pages
    assert site.requests[0].headers["if-none-match"] == '"v1"'
    feed = second.feeds[0]
    assert (feed.status, feed.items, feed.new, feed.stored, feed.failed) == ("ok", 4, 2, 2, 0)
    assert second.to_dict()["articles"] == 2
    assert store.stats()["articles"] == 4
    rail_de, rail_en = article_of(store, site.url(RAIL_DE)), article_of(store, site.url(RAIL_EN))
    debris, photos = article_of(store, site.url(DEBRIS)), article_of(store, site.url(PHOTOS))
    strike = store.event_of(rail_de)
    assert strike is not None and store.event_of(rail_en) == strike
    assert store.event_of(debris) not in (None, strike)
    assert store.event_of(photos) not in (None, strike, store.event_of(debris))
    wire = store.get(rail_en)
    assert wire.title == "Germany's train drivers walk out, stranding millions of commuters"
    assert wire.url == site.url(RAIL_EN) and wire.metadata["fetched"]
    assert store.feed(feed_url)["articles"] == 4
    store.close()

    # restart: a new process would open the store again and make a new fetcher
    site.clear_log()
    third = api_feeds.poll(db=db, policy=FAST)
    assert site.paths() == ["/robots.txt", "/rss.xml"]
    assert site.requests[1].headers["if-none-match"] == '"v2"'
    assert third.feeds[0].status == "not_modified" and third.feeds[0].new == 0
    assert third.to_dict()["articles"] == 0 and third.feed_errors == 0
    with open_store(db) as again:
        assert again.stats()["articles"] == 4
        assert again.event_of(rail_en) == strike
        assert again.feed(feed_url)["consecutive_errors"] == 0


# -- storyline ingest URL --------------------------------------------------------------------


def test_ingest_url_records_the_fetch_and_asks_conditionally_the_second_time(
    tmp_path: Path, site: LocalSite
) -> None:
    site.add("/article.html", story_page(0, date="2026-11-20T09:30:00+01:00"), etag='"a1"')
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add("/private/article.html", story_page(1))
    db = str(tmp_path / "s.db")
    url = site.url("/article.html")
    flags = ("--db", db, "--json", "--no-analyse", "--delay", "0", "--timeout", "1")

    code, out, err = cli("ingest", url, *flags)
    assert code == 0, err
    report = json.loads(out)
    assert (report["new"], report["failed"]) == (1, 0)
    with open_store(db) as store:
        article = store.get(report["article_ids"][0])
        assert article.source_uri == url and article.title == STORIES[0][0]
        assert article.published == "2026-11-20"
        assert article.url == url  # where it was fetched from (after redirects)
        fetched = datetime.strptime(article.metadata["fetched"], "%Y-%m-%dT%H:%M:%SZ")
        assert abs(datetime.now(UTC) - fetched.replace(tzinfo=UTC)).total_seconds() < 60
        assert store.fetch_state(url)["etag"] == '"a1"'  # type: ignore[index]

    site.clear_log()
    code, out, err = cli("ingest", url, *flags)
    assert code == 0, err
    again = json.loads(out)
    assert (again["new"], again["already_stored"], again["failed"]) == (0, 1, 0)
    assert again["article_ids"] == report["article_ids"]
    assert site.paths() == ["/robots.txt", "/article.html"]
    assert site.requests[1].headers["if-none-match"] == '"a1"'
    with open_store(db) as store:
        state = store.fetch_state(url)
        assert state is not None
        assert (state["status"], state["http_status"]) == ("not_modified", 304)
        assert state["article_id"] == report["article_ids"][0]
        assert store.stats()["articles"] == 1

    forbidden = site.url("/private/article.html")
    code, out, err = cli("ingest", forbidden, *flags)
    assert code == 2  # as for a file that could not be read: nothing stored, one failure
    failed = json.loads(out)
    assert (failed["new"], failed["failed"]) == (0, 1)
    assert failed["failures"] == [
        {
            "source_uri": forbidden,
            "message": f"robots.txt of 127.0.0.1:{site.port} forbids /private/article.html",
        }
    ]
    assert "/private/article.html" not in site.paths()
    assert "Traceback" not in err

    code, _, err = cli("ingest", forbidden, "--db", db, "--no-analyse", "--delay", "0")
    assert code == 2
    assert "failed" in err and "forbids /private/article.html" in one_line(err)


# -- the feeds and watch commands --------------------------------------------------------------


HOMEPAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Lokalblatt</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="Alle Meldungen" href="/feeds/alle.xml">
</head><body><h1>Lokalblatt</h1><p>Willkommen.</p></body></html>"""

PLAIN_PAGE = """<!DOCTYPE html><html><head><title>Impressum</title></head>
<body><p>Verantwortlich: die Redaktion.</p></body></html>"""


def test_feeds_commands(tmp_path: Path, site: LocalSite) -> None:
    db = str(tmp_path / "s.db")
    entries = serve_stories(site, ["/a.html"])
    site.add("/", HOMEPAGE)
    feed_url = serve_feed(site, "/feeds/alle.xml", entries)
    site.add("/impressum", PLAIN_PAGE)

    code, out, err = cli("feeds", "add", site.url("/"), "--name", "Lokalblatt", "--db", db)
    assert code == 0, err
    assert f"found the feed of {site.url('/')}:" in one_line(out)
    assert "following Lokalblatt (rss, 1 items now)" in one_line(out)
    assert site.paths() == ["/robots.txt", "/", "/feeds/alle.xml"]
    code, out, _ = cli("feeds", "list", "--db", db, "--json")
    assert code == 0
    listed = json.loads(out)
    (row,) = listed["feeds"]
    assert row["url"] == feed_url and row["name"] == "Lokalblatt"
    assert listed["hosts"] == []  # nothing polled yet: no host counters

    code, out, err = cli("feeds", "add", site.url("/impressum"), "--db", db)
    assert code == 2
    assert out == "" and "Traceback" not in err
    assert one_line(err) == (
        f"error: {site.url('/impressum')}: this is an HTML page that names no RSS/Atom feed; "
        "give the feed's or sitemap's URL"
    )
    code, _, err = cli("feeds", "add", "ftp://example.org/feed", "--db", db)
    assert code == 2 and "must start with http:// or https://" in one_line(err)
    assert len(json.loads(cli("feeds", "list", "--db", db, "--json")[1])["feeds"]) == 1

    code, out, err = cli("feeds", "list", "--db", db)
    assert code == 0 and "Lokalblatt" in out and row["id"] in out

    code, out, err = cli("feeds", "show", row["id"], "--db", db)
    assert code == 0, err
    # the check of `feeds add` counts as the first successful visit
    assert "Lokalblatt" in out and feed_url in one_line(out) and "rss; 1 checks" in out
    code, _, err = cli("feeds", "show", "nosuchfeed", "--db", db)
    assert code == 2 and "nosuchfeed" in err and "Traceback" not in err

    code, out, err = cli("feeds", "remove", "lokalblatt", "--db", db)  # by name, any case
    assert code == 0, err
    assert "no longer following Lokalblatt" in out
    assert json.loads(cli("feeds", "list", "--db", db, "--json")[1])["feeds"] == []
    code, out, _ = cli("feeds", "list", "--db", db)
    assert code == 0 and "no feeds followed yet: storyline feeds add URL" in one_line(out)


def test_watch_command(tmp_path: Path, site: LocalSite) -> None:
    db = str(tmp_path / "s.db")
    no_feeds = "error: no feeds followed yet: add one with `storyline feeds add URL`"
    code, out, err = cli("watch", "--once", "--db", db)  # no store yet
    assert code == 2 and out == "" and "Traceback" not in err
    assert one_line(err) == no_feeds
    open_store(db).close()  # a store without feeds
    code, out, err = cli("watch", "--once", "--db", db)
    assert code == 2 and out == "" and one_line(err) == no_feeds
    for bad in ("soon", "5x", "0s", "-1m"):
        code, _, err = cli("watch", "--every", bad, "--db", db)
        assert code == 2 and "Traceback" not in err, bad
        assert one_line(err).startswith(f"error: --every {bad!r} is "), err
    assert "not a duration (use e.g. 15m, 1h or 90s)" in one_line(
        cli("watch", "--every", "soon", "--db", db)[2]
    )

    entries = serve_stories(site, ["/eins.html"], first=4)
    feed_url = serve_feed(site, "/rss.xml", entries, etag='"r1"')
    code, _, err = cli("feeds", "add", feed_url, "--db", db, "--no-check")
    assert code == 0, err

    watch = ("watch", "--once", "--json", "--db", db, "--delay", "0", "--timeout", "1")
    code, out, err = cli(*watch, "--no-link")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1  # one JSON object per poll, one line each
    report = json.loads(lines[0])
    assert report["feeds_checked"] == 1 and report["feed_errors"] == 0
    assert report["articles"] == 1 and report["new"] == 1 and report["stored"] == 1
    assert report["feeds"][0]["url"] == feed_url and report["feeds"][0]["status"] == "ok"
    assert not report["interrupted"]

    code, out, err = cli(*watch, "--no-link")
    assert code == 0, err
    again = json.loads(out)
    assert again["feeds"][0]["status"] == "not_modified" and again["articles"] == 0

    code, out, err = cli("watch", "--once", "--db", db, "--delay", "0", "--no-link")
    assert code == 0, err
    assert "1 feeds checked, 0 new items: 0 new articles" in one_line(out)

    code, out, err = cli("feeds", "show", feed_url, "--db", db, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["checks"] == 3 and shown["articles"] == 1
    assert [(i["status"], i["url"]) for i in shown["recent"]] == [("stored", entries[0].url)]
