"""Near-duplicate detection: wire copies are near duplicates, rewrites and translations are not."""

from __future__ import annotations

import multiprocessing
import re

import pytest

from storyline.clean.dedup import (
    BANDS,
    NEAR_DUPLICATE_THRESHOLD,
    NUM_PERM,
    Signature,
    signature,
    similarity,
)


def unwrap(text: str) -> str:
    """Join the lines of each paragraph (the fixtures are wrapped to fit the line length)."""
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text)


# A ~300-word agency story (fictional), as one outlet ran it.
WIRE_HEADLINE = "Hochwasser in Sachsen: Pegel der Elbe steigt weiter"
WIRE_BODY = unwrap(
    """Dresden (dpa) - Das Hochwasser in Sachsen hat sich am Wochenende weiter
zugespitzt. Der Pegel der Elbe in Dresden stieg bis Sonntagmittag auf 7,20 Meter, wie das
Landeshochwasserzentrum mitteilte. Normal sind dort etwa zwei Meter. Für mehrere Landkreise gilt
inzwischen die höchste Alarmstufe vier.

Ministerpräsident Michael Kretschmer besuchte am Vormittag die besonders betroffene Stadt Pirna
und sprach den Helfern seinen Dank aus. "Was die Feuerwehren, das Technische Hilfswerk und die
vielen Freiwilligen hier leisten, ist beeindruckend", sagte der CDU-Politiker. Die
Landesregierung werde unbürokratisch helfen, ein Soforthilfeprogramm solle bereits am Dienstag
im Kabinett beschlossen werden.

In Pirna mussten nach Angaben der Stadtverwaltung rund 1.200 Menschen ihre Wohnungen verlassen.
Die Altstadt ist seit Samstagabend für den Verkehr gesperrt. Auch in Meißen und Riesa bereiteten
sich die Behörden auf weiter steigende Wasserstände vor. Dort wurden Sandsäcke verteilt und
mobile Schutzwände aufgebaut.

Nach Einschätzung des Deutschen Wetterdienstes ist vorerst keine Entspannung in Sicht. Für das
Erzgebirge und die Sächsische Schweiz werden bis Montagabend weitere ergiebige Regenfälle
erwartet, örtlich sind bis zu 80 Liter pro Quadratmeter möglich. Erst ab Mittwoch soll der Regen
nachlassen.

Die Deutsche Bahn stellte den Verkehr auf der Strecke zwischen Dresden und Prag vorübergehend
ein. Auch mehrere Bundesstraßen sind überflutet. Der ADAC rief Autofahrer dazu auf, die
betroffenen Gebiete weiträumig zu umfahren und Absperrungen unbedingt zu beachten.

Umweltverbände forderten angesichts der wiederkehrenden Hochwasser mehr Raum für die Flüsse.
Deiche allein reichten nicht aus, sagte ein Sprecher des BUND in Leipzig. Notwendig seien
natürliche Überschwemmungsflächen, die das Wasser bei Starkregen aufnehmen könnten. Die
Landesregierung verwies auf ein Programm, mit dem seit 2013 mehr als 300 Millionen Euro in den
Hochwasserschutz geflossen seien.

Das Landeshochwasserzentrum will die Lage am Montagmorgen neu bewerten. Bürgerinnen und Bürger
können sich über eine Hotline und die Warn-App Nina informieren."""
)

# The same agency copy at another outlet: own headline, last sentence trimmed, typographic
# quotes and a detail added ("Sandsäcke an Anwohner").
COPY_HEADLINE = "Elbe-Hochwasser: Höchste Alarmstufe in mehreren Landkreisen"
COPY_BODY = (
    WIRE_BODY.replace('"Was die', "„Was die")
    .replace('beeindruckend", sagte', "beeindruckend“, sagte")
    .replace("Dort wurden Sandsäcke verteilt", "Dort wurden Sandsäcke an Anwohner verteilt")
    .replace(
        " Bürgerinnen und Bürger können sich über eine Hotline und die Warn-App Nina informieren.",
        "",
    )
)

# The same news, written independently by another newsroom (shares facts, not prose).
REWRITE = unwrap(
    """Elbe erreicht in Dresden über sieben Meter

Die Lage in den sächsischen Hochwassergebieten bleibt angespannt. In Dresden wurde am Sonntag
ein Elbpegel von 7,20 Metern gemessen - fast viermal so viel wie üblich. In mehreren Landkreisen
rief der Freistaat Alarmstufe vier aus.

Regierungschef Kretschmer machte sich in Pirna ein Bild von der Lage. Dort haben etwa 1.200
Bewohner ihre Häuser verlassen müssen, die Altstadt ist gesperrt. Kretschmer lobte den Einsatz
von Feuerwehr, THW und Freiwilligen und kündigte ein Soforthilfeprogramm an.

Meteorologen erwarten bis Montag weiteren Starkregen im Erzgebirge. Die Bahn hat die Verbindung
nach Prag eingestellt, mehrere Straßen stehen unter Wasser. Naturschützer fordern, den Flüssen
mehr Platz zu geben."""
)

# The wire story in English translation.
TRANSLATION = unwrap(
    """Floods in Saxony: Elbe level keeps rising

Dresden (dpa) - The flooding in Saxony worsened further over the weekend. The level of the Elbe
in Dresden rose to 7.20 metres by Sunday noon, the state flood centre said. The normal level
there is about two metres. The highest alert level, four, now applies to several districts.

Minister-President Michael Kretschmer visited the particularly affected town of Pirna in the
morning and thanked the helpers. "What the fire brigades, the Federal Agency for Technical
Relief and the many volunteers are achieving here is impressive," the CDU politician said. The
state government would help without red tape, and an emergency aid programme is to be approved
by the cabinet as early as Tuesday.

According to the town administration, around 1,200 people in Pirna had to leave their homes. The
old town has been closed to traffic since Saturday evening. In Meissen and Riesa, too, the
authorities prepared for further rising water levels. Sandbags were distributed and mobile
protective walls were set up there.

According to the German Weather Service, no easing is in sight for the time being. Further heavy
rainfall is expected in the Ore Mountains and Saxon Switzerland until Monday evening, with up to
80 litres per square metre possible locally. The rain is not expected to ease until
Wednesday."""
)

UNRELATED = unwrap(
    """Bundesliga: Leverkusen gewinnt Spitzenspiel gegen Leipzig

Bayer Leverkusen hat das Spitzenspiel der Fußball-Bundesliga gegen RB Leipzig mit 3:1 gewonnen
und die Tabellenführung ausgebaut. Vor 30.210 Zuschauern trafen Florian Wirtz, Victor Boniface
und Jeremie Frimpong für die Werkself. Für Leipzig verkürzte Lois Openda zwischenzeitlich auf
1:2. Trainer Xabi Alonso lobte nach dem Spiel die Moral seiner Mannschaft, die nach dem
Anschlusstreffer ruhig geblieben sei. Leipzig rutscht in der Tabelle auf den fünften Platz ab
und muss am Mittwoch im Pokal in Wolfsburg antreten."""
)


def wire() -> str:
    return f"{WIRE_HEADLINE}\n\n{WIRE_BODY}"


def wire_copy() -> str:
    return f"{COPY_HEADLINE}\n\n{COPY_BODY}"


def test_fixture_is_a_realistic_wire_story() -> None:
    assert 300 <= len(re.findall(r"\w+", wire())) <= 400
    assert COPY_BODY != WIRE_BODY and "Warn-App" not in COPY_BODY


def test_wire_copy_with_other_headline_and_trimmed_sentence_is_near_duplicate() -> None:
    sim = similarity(signature(wire()), signature(wire_copy()))
    assert sim >= NEAR_DUPLICATE_THRESHOLD


def test_more_trimmed_wire_copy_still_near_duplicate() -> None:
    # outlets often cut the last paragraph entirely
    shorter = wire_copy().rsplit("\n\n", 1)[0]
    assert similarity(signature(wire()), signature(shorter)) >= NEAR_DUPLICATE_THRESHOLD


def test_independent_rewrite_of_same_news_is_not_near_duplicate() -> None:
    assert similarity(signature(wire()), signature(REWRITE)) < 0.2


def test_unrelated_texts_are_dissimilar() -> None:
    assert similarity(signature(wire()), signature(UNRELATED)) < 0.1


def test_translation_is_not_near_duplicate() -> None:
    assert similarity(signature(wire()), signature(TRANSLATION)) < 0.1


def test_case_punctuation_and_typography_do_not_matter() -> None:
    a = 'Der Bundestag hat am Freitag das Gesetz beschlossen. "Ein guter Tag", sagte sie.'
    b = "DER BUNDESTAG HAT AM FREITAG DAS GESETZ BESCHLOSSEN – „Ein guter Tag“, sagte sie"
    assert similarity(signature(a), signature(b)) == 1.0


def test_identical_text_has_identical_signature() -> None:
    assert signature(wire()) == signature(wire())
    assert similarity(signature(wire()), signature(wire())) == 1.0


@pytest.mark.parametrize("text", ["", "   ", "Hallo", "Eins zwei drei vier", "!!! ???"])
def test_short_texts_get_valid_signatures(text: str) -> None:
    sig = signature(text)
    assert len(sig.values) == NUM_PERM
    assert similarity(sig, signature(text)) == 1.0
    assert len(sig.bands()) == BANDS


def test_short_texts_differ() -> None:
    assert similarity(signature("Eins zwei drei"), signature("Vier fünf sechs")) < 0.1
    assert similarity(signature("Eins zwei drei"), signature("eins, zwei, drei!")) == 1.0


def test_signature_serialises() -> None:
    sig = signature(wire())
    data = sig.to_bytes()
    assert isinstance(data, bytes) and len(data) == 4 + NUM_PERM * 4
    assert Signature.from_bytes(data) == sig
    assert Signature.from_bytes(memoryview(data)) == sig
    with pytest.raises(ValueError):
        Signature.from_bytes(b"XXXX" + data[4:])
    with pytest.raises(ValueError):
        Signature.from_bytes(data[:-4])


def test_bands_are_signed_int64_and_find_near_duplicates() -> None:
    a, b, c = signature(wire()), signature(wire_copy()), signature(UNRELATED)
    for sig in (a, b, c):
        bands = sig.bands()
        assert len(bands) == BANDS
        assert all(-(2**63) <= x < 2**63 for x in bands)
    assert set(a.bands()) & set(b.bands())  # LSH makes the copy a candidate
    assert not set(a.bands()) & set(c.bands())


def _signature_bytes(text: str) -> bytes:
    return signature(text).to_bytes()


def test_deterministic_across_processes() -> None:
    # a spawned interpreter has a different hash() salt and fresh numpy state
    texts = [wire(), TRANSLATION, "", "kurz"]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        remote = pool.map(_signature_bytes, texts)
    assert remote == [_signature_bytes(t) for t in texts]


def test_known_signature_never_changes() -> None:
    # Stored signatures must stay comparable across releases: a change here needs a new format
    # tag in dedup._FORMAT (and a migration recomputing stored signatures).
    sig = signature("Der Bundestag hat am Freitag das Gesetz beschlossen")
    assert sig.to_bytes()[:4] == b"MH51"
    assert sig.values[:4].tolist() == _GOLDEN


_GOLDEN = [668411766, 501048352, 268781844, 26090934]
