"""The HTML cleaner and declared-date parsing, on small pages written for these tests."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storyline.clean.dates import parse_date
from storyline.clean.html import MAX_REMOVED, clean_html
from storyline.errors import InputError
from storyline.model import REMOVAL_REASONS, Article, Block, Document, article_id, compose_text

GERMAN_PAGE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Stadtrat beschließt neues Radwegenetz | Musterstädter Anzeiger</title>
<meta property="og:title" content="Stadtrat beschließt neues Radwegenetz">
<meta property="og:site_name" content="Musterstädter Anzeiger">
<meta property="og:url" content="https://www.example.org/lokales/radwegenetz-123.html">
<link rel="canonical" href="https://www.example.org/lokales/radwegenetz-123.html">
<meta name="author" content="Anna Beispiel">
<script>var dataLayer = [{"page": "artikel", "date": "2019-01-01"}];</script>
<style>.ad-slot { height: 250px; }</style>
</head>
<body>
<div id="cookie-banner" class="cookie-consent">
  <p>Wir verwenden Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten.</p>
  <button>Alle akzeptieren</button>
</div>
<header class="site-header">
  <a href="/">Musterstädter Anzeiger</a>
  <nav class="main-nav">
    <ul><li><a href="/">Startseite</a></li><li><a href="/lokales">Lokales</a></li>
    <li><a href="/sport">Sport</a></li><li><a href="/kultur">Kultur</a></li></ul>
  </nav>
</header>
<main>
<article class="article">
  <header class="article-header">
    <h1>Stadtrat beschließt neues Radwegenetz</h1>
    <p class="byline">Von Anna Beispiel, dpa</p>
    <time datetime="2024-03-12T09:30:00+01:00">12. März 2024, 9:30 Uhr</time>
    <p class="article-lead">Musterstadt (dpa) – Der Stadtrat von Musterstadt hat am Mittwochabend
    mit großer Mehrheit ein neues Radwegenetz beschlossen. Bis 2030 sollen 40 Kilometer
    geschützte Radwege entstehen.</p>
  </header>
  <div class="share-buttons"><a href="#">Auf Facebook teilen</a>
    <a href="#">Per E-Mail teilen</a></div>
  <div class="key-facts">
    <h3>Das Wichtigste in Kürze</h3>
    <ul>
      <li>Der Stadtrat stimmt mit 31 zu 8 Stimmen für das Radwegenetz.</li>
      <li>Bis 2030 sollen 40 Kilometer geschützte Radwege gebaut werden.</li>
      <li>Die Kosten liegen bei rund 25 Millionen Euro.</li>
    </ul>
  </div>
  <figure>
    <img src="/bilder/radweg.jpg" alt="Radweg">
    <figcaption>Ein Radfahrer auf der Hauptstraße in Musterstadt. Foto: Max Muster/dpa</figcaption>
  </figure>
  <div class="article-body">
    <p>Die Entscheidung fiel nach einer mehr als vierstündigen Debatte. Oberbürgermeisterin
    Petra Probe sprach von einem historischen Tag für die Stadt und dankte den Initiativen,
    die seit Jahren für sichere Radwege kämpfen.</p>
    <p>Die Opposition kritisierte vor allem die Kosten. Der Fraktionschef der Bürgerliste
    sagte, das Geld fehle nun bei der Sanierung von Schulen und Straßen.</p>
    <div class="ad-slot" id="ad-medium-rectangle"><span>Anzeige</span></div>
    <h2>Wie geht es weiter?</h2>
    <p>Im nächsten Schritt erarbeitet die Verwaltung einen Zeitplan für die einzelnen
    Abschnitte. Die ersten Baustellen sollen bereits im Herbst eingerichtet werden, zunächst
    an der Hauptstraße und am Bahnhof.</p>
    <p>Anwohnerinnen und Anwohner können sich bei einer Bürgerversammlung im April über die
    Pläne informieren. Die Stadt will außerdem eine Online-Karte mit allen geplanten Strecken
    veröffentlichen.</p>
  </div>
</article>
<aside class="related">
  <h3>Mehr zum Thema</h3>
  <ul>
    <li><a href="/a">Radfahrer fordern mehr Sicherheit an Kreuzungen</a></li>
    <li><a href="/b">Neue Fahrradstraße in der Innenstadt eröffnet</a></li>
  </ul>
</aside>
</main>
<footer class="site-footer">
  <ul><li><a href="/impressum">Impressum</a></li>
    <li><a href="/datenschutz">Datenschutz</a></li></ul>
  <p>© 2019 Musterstädter Anzeiger. Alle Rechte vorbehalten.</p>
</footer>
</body>
</html>
"""

ENGLISH_PAGE = """<!doctype html>
<html lang="en">
<head>
<title>Storm floods coastal towns - The Example Times</title>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "The Example Times", "url": "https://news.example.com/"},
 {"@type": "NewsArticle",
  "headline": "Storm floods coastal towns as rivers burst their banks",
  "datePublished": "2024-02-03T07:15:00-05:00",
  "dateModified": "2024-02-04T10:00:00-05:00",
  "author": [{"@type": "Person", "name": "Jane Doe"},
             {"@type": "Organization", "name": "Associated Press"}],
  "publisher": {"@type": "Organization", "name": "The Example Times"},
  "mainEntityOfPage": {"@type": "WebPage",
                       "@id": "https://news.example.com/2024/02/03/storm-floods"},
  "inLanguage": "en-US"}
]}
</script>
</head>
<body>
<div class="top-bar"><a href="/">Home</a> <a href="/world">World</a>
  <a href="/subscribe">Subscribe</a></div>
<main>
<article>
<h1>Storm floods coastal towns as rivers burst their banks</h1>
<div class="article-meta"><span class="author-name">By Jane Doe</span>
<time datetime="2024-02-03">February 3, 2024</time></div>
<ul class="story-highlights">
  <li>Thousands of homes were evacuated overnight along the coast.</li>
  <li>Rainfall totals broke a record set more than fifty years ago.</li>
</ul>
<p>PORTSMOUTH (AP) — A powerful winter storm pushed seawater into coastal towns on Tuesday,
forcing thousands of residents from their homes as swollen rivers burst their banks across the
region.</p>
<figure><img src="flood.jpg" alt=""><figcaption>Residents wade through a flooded street in the
harbor district. <span class="credit">Photo: John Smith/AP</span></figcaption></figure>
<p>Emergency crews worked through the night to reinforce sandbag walls along the river, while
the coast guard rescued a family of four from the roof of their car.</p>
<p>"We have never seen water this high in my lifetime," said the town's mayor, who has lived in
the harbor district for more than sixty years.</p>
<h2>Power cuts and closed roads</h2>
<p>More than 40,000 households were without power on Tuesday morning, the utility company said,
and dozens of roads remained closed because of debris and standing water.</p>
<p>Forecasters expect the rain to ease by Wednesday evening, but warned that river levels could
keep rising for another day as water drains from the hills.</p>
<div class="share-tools"><a>Share on Facebook</a> <a>Share on Twitter</a> <a>Copy link</a></div>
</article>
<section class="related-stories"><h3>Related stories</h3>
<ul><li><a href="/a">How to prepare your home for a flood</a></li>
<li><a href="/b">Climate scientists warn of wetter winters</a></li></ul></section>
</main>
<footer><p>© 2024 The Example Times. All rights reserved.</p>
<a href="/privacy">Privacy policy</a></footer>
</body></html>
"""

# Unclosed tags, a stray NUL and escape byte, a lone surrogate from a broken decoder, markup
# written as text, and the end tags of elements that were never opened.
BROKEN_PAGE = (
    "<html><head><title>Wasserrohrbruch legt Innenstadt lahm</title><body>"
    '<div class="content"><h1>Wasserrohrbruch legt Innenstadt lahm'
    "<p>Ein Wasserrohrbruch hat am Dienstagmorgen weite Teile der Innenstadt lahmgelegt. "
    "Mehrere Straßen standen unter Wasser, der Busverkehr wurde umgeleitet.\x00\x1b"
    "<p>Die Stadtwerke gehen davon aus, dass die Reparatur bis zum Abend dauert. Ein Sprecher "
    "sagte, die Ursache sei vermutlich ein altes Gussrohr aus den fünfziger Jahren."
    "<p>In einem Forum schrieb ein Nutzer den Code &lt;script&gt;alert(1)&lt;/script&gt; in "
    "seinen Beitrag, was die Moderatoren als harmlosen Scherz einstuften und stehen ließen.\ud800"
    "<div><span>Die Feuerwehr pumpte die Keller von mehr als zwanzig Häusern leer <b>und "
    "<i>sperrte die Unterführung am Bahnhof bis zum Nachmittag.</div></table></body>"
)

UNDATED_PAGE = """<html lang="de"><head><title>Neue Bibliothek öffnet im Herbst</title>
<meta name="description" content="Die neue Stadtbibliothek soll im Herbst öffnen."></head>
<body>
<nav><a href="/">Startseite</a> <a href="/kultur">Kultur</a></nav>
<article>
<h1>Neue Bibliothek öffnet im Herbst</h1>
<p>Die neue Stadtbibliothek am Marktplatz soll im Herbst ihre Türen öffnen. Das teilte die
Stadtverwaltung am Montag mit, nachdem der Innenausbau schneller vorangekommen war als geplant.</p>
<p>Der Grundstein für das Gebäude war am 3. Mai 2019 gelegt worden. Seitdem hat sich der Bau
wegen gestiegener Kosten und fehlender Handwerker mehrfach verzögert.</p>
<p>Die Bibliothek wird auf drei Etagen mehr als 80.000 Medien anbieten, dazu einen Lesesaal,
eine Kinderabteilung und eine Werkstatt für digitale Medien.</p>
</article>
<footer><p>© 2019 Musterstädter Anzeiger</p><p>Stand: 01.01.2019</p></footer>
</body></html>
"""


def doc(html: str, uri: str = "file:///pages/test.html", **metadata: object) -> Document:
    return Document(source_uri=uri, content=html, kind="html", metadata=dict(metadata))


@pytest.fixture(scope="module")
def german() -> Article:
    return clean_html(doc(GERMAN_PAGE, "https://www.example.org/lokales/radwegenetz-123.html"))


@pytest.fixture(scope="module")
def english() -> Article:
    return clean_html(doc(ENGLISH_PAGE, "https://news.example.com/x"))


# -- a German news page, field by field ----------------------------------------------------------


def test_german_page_metadata(german: Article) -> None:
    assert german.title == "Stadtrat beschließt neues Radwegenetz"
    assert german.byline == "Von Anna Beispiel, dpa"
    assert german.source == "Musterstädter Anzeiger"
    assert german.agencies == ["dpa"]
    assert german.published == "2024-03-12"
    assert german.url == "https://www.example.org/lokales/radwegenetz-123.html"
    assert german.language == "de"
    assert german.source_uri == "https://www.example.org/lokales/radwegenetz-123.html"
    assert german.metadata["authors"] == ["Anna Beispiel"]


def test_german_page_dateline_is_moved_out_of_the_lead(german: Article) -> None:
    assert german.dateline == "Musterstadt"
    assert german.lead == (
        "Der Stadtrat von Musterstadt hat am Mittwochabend mit großer Mehrheit ein neues "
        "Radwegenetz beschlossen. Bis 2030 sollen 40 Kilometer geschützte Radwege entstehen."
    )


def test_german_page_key_points_captions_credits(german: Article) -> None:
    assert german.key_points == [
        "Der Stadtrat stimmt mit 31 zu 8 Stimmen für das Radwegenetz.",
        "Bis 2030 sollen 40 Kilometer geschützte Radwege gebaut werden.",
        "Die Kosten liegen bei rund 25 Millionen Euro.",
    ]
    assert german.captions == ["Ein Radfahrer auf der Hauptstraße in Musterstadt."]
    assert german.credits == ["Foto: Max Muster/dpa"]


def test_german_page_body_in_order_with_subheading(german: Article) -> None:
    assert [b.kind for b in german.body] == [
        "paragraph",
        "paragraph",
        "subheading",
        "paragraph",
        "paragraph",
    ]
    assert german.body[0].text.startswith("Die Entscheidung fiel nach einer mehr als")
    assert german.body[2] == Block("Wie geht es weiter?", "subheading")
    assert german.body[-1].text.endswith("mit allen geplanten Strecken veröffentlichen.")


def test_german_page_text_and_id(german: Article) -> None:
    expected = compose_text(german.title, german.lead, german.key_points, german.body)
    assert german.text == expected
    assert german.id == article_id(expected)
    for furniture in ("Anzeige", "Cookies", "teilen", "Mehr zum Thema", "Impressum", "© 2019"):
        assert furniture not in german.text
    assert "dataLayer" not in german.text


def test_german_page_removed_lines_have_reasons(german: Article) -> None:
    removed = {r.text: r.reason for r in german.removed}
    # the cookie banner is a content gate, by its words and by its container
    assert removed["Wir verwenden Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten."] == (
        "gate"
    )
    assert removed["Alle akzeptieren"] == "gate"
    assert removed["Startseite"] == "navigation"
    assert removed["Sport"] == "navigation"  # no cue word, but inside <nav>
    assert removed["Auf Facebook teilen Per E-Mail teilen"] == "share"
    assert removed["Anzeige"] == "advertisement"
    assert removed["Mehr zum Thema"] == "related"
    assert removed["Radfahrer fordern mehr Sicherheit an Kreuzungen"] == "related"
    assert removed["Impressum"] == "navigation"
    assert removed["© 2019 Musterstädter Anzeiger. Alle Rechte vorbehalten."] == "legal"
    assert removed["Das Wichtigste in Kürze"] == "navigation"
    assert all(r.reason in REMOVAL_REASONS for r in german.removed)
    # what the article holds is not "removed": headline, byline, date line, lead, caption
    for kept in (
        "Stadtrat beschließt neues Radwegenetz",
        "Von Anna Beispiel, dpa",
        "12. März 2024, 9:30 Uhr",
        "Die Kosten liegen bei rund 25 Millionen Euro.",
        "Ein Radfahrer auf der Hauptstraße in Musterstadt. Foto: Max Muster/dpa",
    ):
        assert kept not in removed
    assert not any(r.text.startswith("Die Entscheidung fiel") for r in german.removed)


def test_removed_lines_are_in_page_order(german: Article) -> None:
    texts = [r.text for r in german.removed]
    assert texts.index("Wir verwenden Cookies, um Ihnen ein besseres Nutzererlebnis zu bieten.") < (
        texts.index("Startseite")
    )
    assert texts.index("Anzeige") < texts.index("Mehr zum Thema") < texts.index("Impressum")


def test_article_round_trips_through_dict(german: Article) -> None:
    assert Article.from_dict(german.to_dict()) == german


# -- an English page described by JSON-LD ----------------------------------------------------------


def test_english_page_from_json_ld(english: Article) -> None:
    assert english.title == "Storm floods coastal towns as rivers burst their banks"
    assert english.published == "2024-02-03"
    assert english.source == "The Example Times"
    assert english.url == "https://news.example.com/2024/02/03/storm-floods"
    assert english.language == "en"
    assert english.byline == "By Jane Doe"
    assert english.metadata["authors"] == ["Jane Doe"]  # the organisation is not an author
    assert english.agencies == ["AP"]


def test_english_page_structure(english: Article) -> None:
    assert english.dateline == "PORTSMOUTH"
    assert english.lead is not None
    assert english.lead.startswith("A powerful winter storm pushed seawater")
    assert english.key_points == [
        "Thousands of homes were evacuated overnight along the coast.",
        "Rainfall totals broke a record set more than fifty years ago.",
    ]
    assert english.captions == ["Residents wade through a flooded street in the harbor district."]
    assert english.credits == ["Photo: John Smith/AP"]
    assert [b.kind for b in english.body].count("subheading") == 1
    assert english.body[-1].text.startswith("Forecasters expect the rain")
    removed = {r.text: r.reason for r in english.removed}
    assert removed["Home World Subscribe"] == "navigation"  # a row of links outside the article
    assert removed["Share on Facebook Share on Twitter Copy link"] == "share"
    assert removed["How to prepare your home for a flood"] == "related"
    assert removed["© 2024 The Example Times. All rights reserved."] == "legal"
    assert "By Jane Doe February 3, 2024" not in removed  # byline + date element


# -- robustness ----------------------------------------------------------------------------------


def test_broken_html_is_cleaned() -> None:
    article = clean_html(doc(BROKEN_PAGE, "broken.html"))
    assert article.title == "Wasserrohrbruch legt Innenstadt lahm"
    assert article.lead is not None and article.lead.startswith("Ein Wasserrohrbruch hat")
    assert "\x00" not in article.text and "\x1b" not in article.text
    assert "\ud800" not in article.text
    assert "sperrte die Unterführung am Bahnhof" in article.text
    assert article.language == "de"


def test_markup_written_as_text_is_kept_as_text() -> None:
    article = clean_html(doc(BROKEN_PAGE, "broken.html"))
    assert "den Code <script>alert(1)</script> in seinen Beitrag" in article.text


def test_bytes_order_mark_and_xml_declaration() -> None:
    page = '\ufeff<?xml version="1.0" encoding="utf-8"?>\n' + UNDATED_PAGE
    assert clean_html(doc(page)).title == "Neue Bibliothek öffnet im Herbst"


def test_fragment_without_document_is_cleaned() -> None:
    fragment = (
        "<p>Der Wochenmarkt zieht wegen der Bauarbeiten für zwei Monate auf den Parkplatz am "
        "Rathaus um. Die Händler haben sich mit der Stadt auf einen neuen Plan geeinigt.</p>"
    )
    article = clean_html(doc(fragment))
    assert "Der Wochenmarkt zieht" in article.text


def test_removed_list_is_capped() -> None:
    menu = "".join(f'<li><a href="/r{i}">Rubrik Nummer {i}</a></li>' for i in range(400))
    page = UNDATED_PAGE.replace("<nav>", f"<nav><ul>{menu}</ul>")
    article = clean_html(doc(page))
    assert len(article.removed) == MAX_REMOVED
    assert article.lead is not None and article.lead.startswith("Die neue Stadtbibliothek")


# -- dates ---------------------------------------------------------------------------------------


def test_page_without_date_has_no_published_date() -> None:
    article = clean_html(doc(UNDATED_PAGE))
    # not the footer "© 2019", not "Stand: 01.01.2019", not "am 3. Mai 2019" in the text
    assert article.published is None
    assert "3. Mai 2019" in article.text
    removed = {r.text: r.reason for r in article.removed}
    assert removed["© 2019 Musterstädter Anzeiger"] == "navigation"


def test_time_element_outside_the_article_is_ignored() -> None:
    page = UNDATED_PAGE.replace(
        "<footer>", '<footer><time datetime="2019-05-03">3. Mai 2019</time>'
    )
    assert clean_html(doc(page)).published is None


def test_meta_date_wins_over_time_element() -> None:
    page = GERMAN_PAGE.replace(
        "<title>", '<meta property="article:published_time" content="2024-03-11T22:00:00Z"><title>'
    )
    assert clean_html(doc(page)).published == "2024-03-11"


# -- declared metadata ---------------------------------------------------------------------------


def test_declared_metadata_wins() -> None:
    article = clean_html(
        doc(
            GERMAN_PAGE,
            title="Radwege: Der Beschluss",
            published="01.02.2024",
            source="Agenturmeldung",
            url="https://mirror.example.net/radwege",
            language="de-CH",
            feed="lokales",
        )
    )
    assert article.title == "Radwege: Der Beschluss"
    assert article.text.startswith("Radwege: Der Beschluss\n\n")
    assert article.published == "2024-02-01"
    assert article.source == "Agenturmeldung"
    assert article.url == "https://mirror.example.net/radwege"
    assert article.language == "de"
    assert article.metadata["feed"] == "lokales"  # other declared keys are kept
    removed = {r.text for r in article.removed}
    assert "Stadtrat beschließt neues Radwegenetz" not in removed  # the page headline is used


def test_language_argument_is_used_when_nothing_is_declared() -> None:
    assert clean_html(doc(UNDATED_PAGE), language="de").language == "de"
    assert clean_html(doc(UNDATED_PAGE, language="en"), language="de").language == "en"


# -- nothing to clean ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n  ",
        "<html><body></body></html>",
        "<html><head><title>Nur ein Titel</title></head><body>\x00</body></html>",
        '<html><body><nav><a href="/">Startseite</a><a href="/sport">Sport</a></nav></body></html>',
    ],
)
def test_page_without_article_text_raises(html: str) -> None:
    with pytest.raises(InputError) as err:
        clean_html(doc(html, "file:///pages/leer.html"))
    assert "file:///pages/leer.html" in str(err.value)
    assert "no article text" in str(err.value)


# -- parse_date ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024-03-12", "2024-03-12"),
        ("2024-03-12T09:30:00+01:00", "2024-03-12"),
        ("2024-03-12T23:30:00-05:00", "2024-03-12"),  # the publisher's date, not UTC's
        ("2024-03-12T09:30:00.000Z", "2024-03-12"),
        ("2024-03-12 09:30", "2024-03-12"),
        ("20240312", "2024-03-12"),
        ("12.03.2024", "2024-03-12"),
        ("12.3.2024, 9:30 Uhr", "2024-03-12"),
        ("12. März 2024", "2024-03-12"),
        ("Di., 12. Mär. 2024, 09:30 Uhr", "2024-03-12"),
        ("March 12, 2024", "2024-03-12"),
        ("Mar 12th, 2024", "2024-03-12"),
        ("12 March 2024", "2024-03-12"),
        ("Tue, 12 Mar 2024 09:30:00 +0100", "2024-03-12"),
        ("Tue, 12 Mar 24 09:30:00 GMT", "2024-03-12"),
    ],
)
def test_parse_date_accepts_declared_formats(value: str, iso: str) -> None:
    assert parse_date(value) == iso


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "gestern",
        "vor 3 Stunden",
        "© 2019",
        "2024",
        "2024-02-30",
        "12/03/2024",  # day or month first? we do not guess
        "1899-12-31",
        "2024-03-12 und mehr Text",
        "Der Grundstein wurde am 3. Mai 2019 gelegt",
    ],
)
def test_parse_date_rejects_everything_else(value: str | None) -> None:
    assert parse_date(value) is None


def test_parse_date_rejects_the_far_future() -> None:
    today = datetime.now(UTC).date()
    assert (
        parse_date((today + timedelta(days=1)).isoformat())
        == (today + timedelta(days=1)).isoformat()
    )
    assert parse_date((today + timedelta(days=30)).isoformat()) is None


# -- real pages (skipped without ../shared) ------------------------------------------------------


def test_shared_german_pages_smoke(shared: Path) -> None:
    """A dozen real German pages: no crash, and most gold snippets of the text are kept."""
    folder = shared / "data" / "trafilatura-eval-de"
    if not (folder / "gold.json").is_file():
        pytest.skip("trafilatura-eval-de is not present")
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    found = total = 0
    for url, entry in list(gold.items())[:12]:
        raw = gzip.decompress((folder / entry["file"]).read_bytes())
        article = clean_html(doc(raw.decode("utf-8", "replace"), url))
        text = " ".join(article.text.split())
        assert article.text and article.id
        assert all(r.reason in REMOVAL_REASONS for r in article.removed)
        for snippet in entry["with"]:
            total += 1
            found += " ".join(snippet.split()) in text
    assert found / total > 0.8
