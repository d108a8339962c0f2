"""The plain-text cleaner on pages we wrote ourselves, and on the two real seed pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.clean.text import clean_text

# A browser copy of a German news page, written for this test: every kind of page furniture.
PAGE_DE = """Startseite
News
Schweiz

Hochwasser am Rhein: Basel sperrt die Uferpromenade

Alpenpost Nachrichten
Basel,

Nach tagelangem Regen hat der Rhein in Basel die höchste Marke seit zwanzig Jahren erreicht, die Stadt sperrte am Morgen die gesamte Uferpromenade.

rhein hochwasser basel
Feuerwehrleute sichern am Rheinufer in Basel Sandsäcke. (Archivbild) - keystone

Das Wichtigste in Kürze

  • Der Rhein hat in Basel die höchste Marke seit zwanzig Jahren erreicht.
  • Die Uferpromenade bleibt bis mindestens Freitag gesperrt.
  • Die Schifffahrt ist eingestellt.

Die Behörden rechneten damit, dass der Pegel in der Nacht noch um weitere zwanzig Zentimeter steigen werde, sagte ein Sprecher der Kantonspolizei. Die Rheinschifffahrt wurde vollständig eingestellt.

WERBUNG

Schifffahrt steht still

Auch die Fähren zwischen Grossbasel und Kleinbasel haben ihren Betrieb unterbrochen. Die Betreiber kündigten an, erst wieder zu fahren, wenn der Pegel unter die Warnstufe gefallen sei.

Diesen Artikel teilen
3 Interaktionen

Weiterlesen

Unwetter
12 Interaktionen
Sturm über dem Jura
MEHR IN NEWS
Lottozahlen vom Samstag
"""

PAGE_EN = """Skip to main content
Menu
World

Ferry strike halts traffic across the Baltic

By Jane Holloway and Continental Wire

Advertisement

HELSINKI (Reuters) - Ferry crews on the main routes between Helsinki and Tallinn walked out on Tuesday, stranding thousands of passengers at both ports as talks over pay collapsed.

Union leaders said the strike would last at least two days and warned that further action was possible if the operators did not return to the table.

Passengers queue at the ferry terminal in Helsinki. Photo: Continental Wire

The operators called the walkout unlawful and said they would seek an injunction in court on Wednesday.

Share this article
14 comments

Related stories
Port workers vote on new contract
Baltic shipping rates climb
"""


class _ProseScorer:
    """A stand-in for the trained classifier: lets these tests pin the structuring rules alone."""

    def predict_proba(self, lines: list[str], language: str | None = None) -> list[float]:
        from storyline.clean import cues
        from storyline.lang import get_pack

        pack = get_pack(language)
        return [0.9 if cues.is_sentence(line, pack) else 0.2 for line in lines]


@pytest.fixture(params=["rules", "model"])
def cleaner(request: pytest.FixtureRequest):
    """Run every structural test with a rules-only scorer and with the shipped model."""
    from storyline.clean.text import TextCleaner

    if request.param == "rules":
        return TextCleaner(_ProseScorer()).clean
    return clean_text


def test_german_page_structure(cleaner) -> None:
    a = cleaner(PAGE_DE, source_uri="page.txt", language="de")
    assert a.title == "Hochwasser am Rhein: Basel sperrt die Uferpromenade"
    assert a.dateline == "Basel"
    assert a.lead and a.lead.startswith("Nach tagelangem Regen")
    assert len(a.key_points) == 3 and a.key_points[1].startswith("Die Uferpromenade")
    kinds = [(b.kind, b.text[:20]) for b in a.body]
    assert ("subheading", "Schifffahrt steht st") in kinds
    assert a.captions == ["Feuerwehrleute sichern am Rheinufer in Basel Sandsäcke. (Archivbild)"]
    assert a.credits == ["keystone"]
    reasons = {r.text: r.reason for r in a.removed}
    assert reasons["WERBUNG"] == "advertisement"
    assert reasons["3 Interaktionen"] == "counter"
    assert reasons["rhein hochwasser basel"] == "tag"
    assert reasons["Weiterlesen"] == "related"
    assert reasons["Diesen Artikel teilen"] == "share"
    for junk in ("WERBUNG", "Interaktionen", "Lottozahlen", "Startseite", "teilen"):
        assert junk not in a.text


def test_english_page_structure(cleaner) -> None:
    a = cleaner(PAGE_EN, source_uri="page.txt", language="en")
    assert a.title == "Ferry strike halts traffic across the Baltic"
    assert a.byline and a.byline.startswith("By Jane Holloway")
    assert a.dateline == "HELSINKI" or a.dateline == "Helsinki"
    assert "Reuters" in a.agencies
    assert a.lead and a.lead.startswith("Ferry crews")
    assert any("injunction" in b.text for b in a.body)
    assert a.captions and a.captions[0].startswith("Passengers queue")
    for junk in ("Advertisement", "comments", "Share this", "Port workers", "Skip to"):
        assert junk not in a.text


# Pages behind a content gate, written for this test: the copy starts with the consent banner
# (one prose paragraph, longer than the 30 words a legal line may have) and ends in a paywall.
GATED_DE = """Schweiz schränkt den Export von Schutzmasken ein
Um die Funktion unserer Website zu verbessern und Ihnen relevante Nachrichten und Werbung anzuzeigen, sammeln wir technische anonymisierte Informationen über Sie, einschließlich der Instrumente unserer Partner. Details finden Sie in der Datenschutzerklärung.
Alle akzeptieren
Einstellungen verwalten
Der Bundesrat hat am Freitag den Export von Schutzmasken und Handschuhen eingeschränkt. Die Verordnung gilt zunächst für sechs Monate, wie das Wirtschaftsdepartement mitteilte.
Ausnahmen sind für Lieferungen an Nachbarländer möglich, sofern diese Gegenrecht gewähren. Die Kantone sollen ihre Lager bis Ende Monat melden.
Registrierte Nutzer können drei Artikel im Monat lesen. Jetzt kostenlos registrieren und weiterlesen.
"""

GATED_EN = """Harbour cranes fall silent as dockers strike
We use cookies to give you the best experience on our site and to show you relevant ads. By continuing to use this site you agree to our use of cookies as described in our cookie policy.
Accept all
Dock workers in the port walked out at dawn on Monday, halting the loading of container ships for the first time in a decade.
The union said the strike would last until the port authority returned to the negotiating table over night-shift pay.
You have reached your limit of free articles this month. Subscribe to continue reading.
"""


@pytest.mark.parametrize(("page", "language"), [(GATED_DE, "de"), (GATED_EN, "en")])
def test_content_gates_are_removed(cleaner, page: str, language: str) -> None:
    a = cleaner(page, language=language)
    gated = [r.text for r in a.removed if r.reason == "gate"]
    assert len(gated) == (4 if language == "de" else 3)
    assert a.lead and a.lead.startswith(("Der Bundesrat", "Dock workers"))
    for junk in ("Website", "cookies", "akzeptieren", "Accept", "Registrierte", "free articles"):
        assert junk not in a.text
    assert any(b.text.startswith(("Ausnahmen", "The union")) for b in a.body)


def test_id_is_content_hash_and_stable(cleaner) -> None:
    a = cleaner(PAGE_DE, language="de")
    b = cleaner(PAGE_DE.replace("Startseite", "Home"), language="de")
    assert a.id == b.id  # boilerplate changes do not change the article
    assert len(a.id) == 16


def test_published_is_never_guessed(cleaner) -> None:
    page = PAGE_DE.replace("Lottozahlen vom Samstag", "Lottozahlen vom 12. März 2026")
    assert cleaner(page, language="de").published is None
    declared = cleaner(page, language="de", metadata={"published": "2026-03-12"})
    assert declared.published == "2026-03-12"


def test_dateline_prefix_moves_out_of_lead(cleaner) -> None:
    page = (
        "Streik bei der Bahn legt Pendlerverkehr lahm\n\n"
        "Berlin (dpa) - Ein Warnstreik der Lokführer hat am Montag den Pendlerverkehr in "
        "mehreren Bundesländern weitgehend zum Erliegen gebracht.\n\n"
        "Die Gewerkschaft kündigte an, den Ausstand bis zum Abend fortzusetzen, und verlangte "
        "ein neues Angebot der Bahn.\n"
    )
    a = cleaner(page, language="de")
    assert a.dateline == "Berlin"
    assert a.agencies == ["dpa"]
    assert a.lead and a.lead.startswith("Ein Warnstreik")


def _seed(seeds: dict[str, Path], key: str):
    return clean_text(seeds[key].read_text(encoding="utf-8"), source_uri=str(seeds[key]))


def test_seed_keystone(seeds: dict[str, Path]) -> None:
    a = _seed(seeds, "000")
    assert a.title == "Ukraine-Krieg: Putin besucht Lukaschenko"
    assert a.agencies == ["Keystone-SDA"] and a.byline == "Keystone-SDA"
    assert a.dateline == "Weissrussland"
    assert a.language == "de" and a.published is None
    assert a.lead and a.lead.startswith("Kremlchef Wladimir Putin")
    assert len(a.key_points) == 3
    subheads = [b.text for b in a.body if b.kind == "subheading"]
    assert subheads == ["Ukraine-Krieg: Gemeinsam gegen den Westen"]
    assert len(a.paragraphs) == 5
    assert len(a.captions) == 2 and "keystone" in a.credits
    body = a.lead + " ".join(b.text for b in a.body)
    for junk in ("Interaktionen", "Weiterlesen", "MEHR IN NEWS", "Belarus Russia", "urkaine"):
        assert junk not in a.text
        assert junk not in body


def test_seed_euronews(seeds: dict[str, Path]) -> None:
    a = _seed(seeds, "001")
    assert a.title and a.title.startswith("Eishockey und neue Manöver")
    assert a.source == "Euronews" and a.agencies == ["AP", "AFP"]
    assert a.published is None
    assert a.lead and a.lead.startswith("Beim Treffen ging es um Zusammenarbeit")
    subheads = [b.text for b in a.body if b.kind == "subheading"]
    assert subheads == [
        "Putin kündigt russisch-belarussisches Manöver an",
        "Biden will direkt mit Putin sprechen",
    ]
    assert len(a.paragraphs) == 8
    assert a.captions and "Eishockeyspiel" in a.captions[0]
    assert any(c.startswith("Copyright Mikhail Klimentyev") for c in a.credits)
    for junk in ("WERBUNG", "teilen", "Clipboard", "Zum selben Thema", "Ukraine-Gipfel in Genf"):
        assert junk.lower() not in a.text.lower()
    json.dumps(a.to_dict())
