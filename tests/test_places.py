"""Places: gazetteer lookup, exonyms, demonyms, datelines, disambiguation, and the two seeds.

All sentences are our own; the seed tests read ``../shared/seeds`` and skip without it.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from storyline.analyse.gazetteer import gazetteer, key, lookup
from storyline.analyse.places import clean_dateline, demonym_country, resolve_places
from storyline.analyse.types import Entity, Place


def _loc(text: str, *names: str, label: str = "LOC") -> list[Entity]:
    out = []
    for n in names:
        for m in re.finditer(re.escape(n), text):
            out.append(Entity(n, label, m.start(), m.end()))  # type: ignore[arg-type]
    return out


def _by_text(places: list[Place]) -> dict[str, Place]:
    return {p.text: p for p in places}


def test_gazetteer_loads_fast_and_once() -> None:
    t = time.perf_counter()
    gaz = gazetteer()
    assert time.perf_counter() - t < 3.0  # well under a second normally; CI machines vary
    assert gazetteer() is gaz
    assert len(gaz) > 35_000


def test_key_normalises_case_diacritics_and_eszett() -> None:
    assert key("Weißrussland") == key("WEISSRUSSLAND") == "weissrussland"
    assert key("Zürich") == key("Zurich")
    assert key("St. Petersburg") == "st petersburg"


@pytest.mark.parametrize(
    ("names", "country", "kind"),
    [
        (("Moskau", "Moscow", "Moskva"), "RU", "city"),
        (("Genf", "Geneva", "Genève"), "CH", "city"),
        (("Warschau", "Warsaw"), "PL", "city"),
        (("Sankt Petersburg", "St. Petersburg", "Saint Petersburg"), "RU", "city"),
        (("Weißrussland", "Weissrussland", "Belarus"), "BY", "country"),
        (("Deutschland", "Germany"), "DE", "country"),
        (("Europa", "Europe"), None, "continent"),
        (("Bayern", "Bavaria"), "DE", "region"),
    ],
)
def test_exonyms_share_one_entry(names: tuple[str, ...], country: str | None, kind: str) -> None:
    tops = [lookup(n, "de")[0] for n in names]
    assert {t.ref for t in tops} == {tops[0].ref}
    assert tops[0].country == country
    assert tops[0].kind == kind


def test_display_name_follows_article_language() -> None:
    assert lookup("Moscow", "de")[0].name == "Moskau"
    assert lookup("Moskau", "en")[0].name == "Moscow"
    assert lookup("Genf", "de")[0].name == "Genf"
    assert lookup("Weissrussland", "de")[0].name == "Belarus"
    assert lookup("Köln", "en")[0].name == "Cologne"
    # name_en is the same whatever the language: it is what canonical names use
    assert lookup("Moskau", "de")[0].name_en == lookup("Moscow", "en")[0].name_en == "Moscow"


def test_minsk_is_the_belarusian_capital() -> None:
    text = "Die Gespräche in Minsk dauerten bis in den Abend."
    (p,) = resolve_places(text, [], "de")
    assert (p.name, p.country, p.kind) == ("Minsk", "BY", "city")
    assert p.lat == pytest.approx(53.9, abs=0.1) and p.lon == pytest.approx(27.57, abs=0.1)
    assert p.geonameid == 625144
    # ... also when the model tagged it and Mińsk Mazowiecki shares the name
    (p,) = resolve_places(text, _loc(text, "Minsk"), "de")
    assert p.country == "BY" and p.score > 0.8
    # and the Polish town is found when it is named in full
    text = "Mińsk Mazowiecki liegt östlich von Warschau."
    places = _by_text(resolve_places(text, [], "de"))
    assert places["Mińsk Mazowiecki"].country == "PL"


def test_st_petersburg_russia_or_florida_by_context() -> None:
    ru = "Der Kremlchef empfing seinen Gast in St. Petersburg. Russland sucht Verbündete."
    p = _by_text(resolve_places(ru, [], "de"))["St. Petersburg"]
    assert (p.country, p.name, p.geonameid) == ("RU", "Sankt Petersburg", 498817)
    us = "In St. Petersburg, Florida, eröffnet ein neues Museum. Die USA feiern mit."
    p = _by_text(resolve_places(us, [], "de"))["St. Petersburg"]
    assert p.country == "US" and p.lat == pytest.approx(27.77, abs=0.1)
    en = "The mayor of St. Petersburg praised the beaches of Florida."
    p = _by_text(resolve_places(en, [], "en"))["St. Petersburg"]
    assert p.country == "US"
    # one mention of the United States does not move Geneva to Illinois
    en = "U.S. officials flew from Washington to Geneva for talks with Russia."
    p = _by_text(resolve_places(en, [], "en"))["Geneva"]
    assert p.country == "CH"
    # both spellings of the Russian city are one place
    both = "Erst St. Petersburg, dann Sankt Petersburg: Russland zeigt Stärke."
    ids = {p.geonameid for p in resolve_places(both, [], "de") if p.kind == "city"}
    assert ids == {498817}


def test_demonyms_refer_to_their_country() -> None:
    text = (
        "Die belarussische Regierung und russische Truppen planen russisch-belarussische Manöver."
    )
    dem = [p for p in resolve_places(text, [], "de") if p.via == "demonym"]
    assert [(p.text, p.country, p.kind) for p in dem] == [
        ("belarussische", "BY", "country"),
        ("russische", "RU", "country"),
        ("russisch", "RU", "country"),
        ("belarussische", "BY", "country"),
    ]
    for p in dem:
        assert text[p.start : p.end] == p.text
    en = resolve_places("Russian troops crossed into Ukrainian territory.", [], "en")
    assert [(p.text, p.country) for p in en if p.via == "demonym"] == [
        ("Russian", "RU"),
        ("Ukrainian", "UA"),
    ]
    assert demonym_country("Ukrainerinnen", "de") == "UA"
    assert demonym_country("weissrussischen", "de") == "BY"
    # not inside the name of an organisation
    text = "Die Deutsche Bank meldet Gewinne."
    assert resolve_places(text, _loc(text, "Deutsche Bank", label="ORG"), "de") == []


def test_dateline_is_a_place_of_its_own() -> None:
    assert clean_dateline("Minsk (sda/dpa) -") == "Minsk"
    assert clean_dateline("Weissrussland,") == "Weissrussland"
    assert clean_dateline("Washington/Moskau:") == "Washington"
    text = "Die Regierung äußerte sich am Abend."
    (p,) = resolve_places(text, [], "de", dateline="Weissrussland,")
    assert (p.dateline, p.via, p.country, p.kind) == (True, "dateline", "BY", "country")
    assert p.start == p.end == -1
    text = "Minsk (sda/dpa) - Ein Treffen in Moskau ist geplant."
    places = resolve_places(text, [], "de", dateline="Minsk (sda/dpa) -")
    assert [(p.text, p.via, p.start) for p in places] == [
        ("Minsk", "dateline", 0),
        ("Moskau", "name", text.index("Moskau")),
    ]


def test_scan_is_guarded_against_common_words() -> None:
    text = (
        "Die Lage ist ernst. Beim Essen sprachen sie über die Länder der Region, "
        "die Mark und das Bild der Halle. Auch das Wetter war schlecht."
    )
    assert resolve_places(text, [], "de") == []
    text = "Der Trainer arbeitet seit Jahren in Essen."
    (p,) = resolve_places(text, [], "de")
    assert (p.text, p.country) == ("Essen", "DE")
    # first names are not places ("Wladimir" is also a Russian city)
    assert (
        resolve_places(
            "Wladimir Putin sprach lange.",
            _loc("Wladimir Putin sprach lange.", "Wladimir Putin", label="PER"),
            "de",
        )
        == []
    )


def test_genitives_and_model_mistakes() -> None:
    text = "Russlands Armee und Moskaus Führung schweigen."
    places = resolve_places(text, [], "de")
    assert [(p.text, p.country, p.kind) for p in places] == [
        ("Russlands", "RU", "country"),
        ("Moskaus", "RU", "city"),
    ]
    text = "Russia's army moved north."
    assert resolve_places(text, [], "en")[0].country == "RU"
    # a city the model tagged as an organisation still is a place
    text = "Das Treffen fand in Sankt Petersburg statt."
    (p,) = resolve_places(text, _loc(text, "Sankt Petersburg", label="ORG"), "de")
    assert p.country == "RU"
    # a LOC the model found under an alternate name
    text = "Die Delegation reiste nach Mińsk."
    assert resolve_places(text, _loc(text, "Mińsk"), "de")[0].country == "BY"


def test_german_inflection_compounds_and_states() -> None:
    text = (
        "Delegationen aus den Niederlanden, den Vereinigten Arabischen Emiraten und Kalifornien "
        "berieten über die Lage in der Ostukraine und in Nordirland."
    )
    got = [(p.text, p.name, p.country, p.kind) for p in resolve_places(text, [], "de")]
    assert got == [
        ("Niederlanden", "Niederlande", "NL", "country"),
        ("Vereinigten Arabischen Emiraten", "Vereinigte Arabische Emirate", "AE", "country"),
        ("Kalifornien", "Kalifornien", "US", "region"),
        ("Ostukraine", "Ukraine", "UA", "country"),
        ("Nordirland", "Nordirland", "GB", "region"),
    ]
    # small towns resolve when the model tagged them; districts fall back to their city
    text = "Grenzübergang bei Bad Radkersburg, Termin in Wien-Döbling. Ostern kommt."
    ents = _loc(text, "Bad Radkersburg", "Wien-Döbling")
    assert [(p.name, p.country) for p in resolve_places(text, ents, "de")] == [
        ("Bad Radkersburg", "AT"),
        ("Wien", "AT"),
    ]


def test_offsets_point_into_the_text() -> None:
    text = "In Genf trafen sich Vertreter aus Kiew, Moskau und Washington."
    places = resolve_places(text, [], "de")
    assert [p.name for p in places] == ["Genf", "Kiew", "Moskau", "Washington"]
    for p in places:
        assert text[p.start : p.end] == p.text
        assert p.lat is not None and p.lon is not None and p.country


def test_resolution_is_fast() -> None:
    text = "Kremlchef Wladimir Putin reiste von Moskau nach Minsk. " * 40
    resolve_places(text, [], "de")
    t = time.perf_counter()
    for i in range(20):
        resolve_places(text + str(i), [], "de")
    assert (time.perf_counter() - t) / 20 < 0.05


def _seed_places(path: Path, raw: bool) -> list[Place]:
    from storyline.clean import clean

    content = path.read_text(encoding="utf-8")
    article = clean(content)
    if raw:  # the raw page keeps the caption "... in St. Petersburg."
        return resolve_places(content, [], "de")
    return resolve_places(article.text, [], article.language, article.dateline)


def test_seeds_resolve_the_required_places(seeds: dict[str, Path]) -> None:
    found: dict[str, Place] = {}
    for path in seeds.values():
        for raw in (False, True):
            for p in _seed_places(path, raw):
                found.setdefault(p.text, p)
    for text, name, country, kind in [
        ("Minsk", "Minsk", "BY", "city"),
        ("Moskau", "Moskau", "RU", "city"),
        ("Genf", "Genf", "CH", "city"),
        ("St. Petersburg", "Sankt Petersburg", "RU", "city"),
        ("Sankt Petersburg", "Sankt Petersburg", "RU", "city"),
        ("Weissrussland", "Belarus", "BY", "country"),
        ("belarussischen", "Belarus", "BY", "country"),
    ]:
        p = found[text]
        assert (p.name, p.country, p.kind) == (name, country, kind), p
        assert p.lat is not None and p.lon is not None
    assert found["St. Petersburg"].geonameid == found["Sankt Petersburg"].geonameid == 498817
    # the first seed's dateline ("Weissrussland,") is a place of its own
    first = _seed_places(seeds["000"], raw=False)
    assert first[0].dateline and first[0].country == "BY"
