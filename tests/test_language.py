"""Language identification: ISO 639-1 codes, confidence, and silence when unsure."""

from __future__ import annotations

import time

import pytest

from storyline.analyse.language import MIN_CONFIDENCE, detect_language, to_iso639_1

GERMAN = (
    "Der Stadtrat hat am Mittwochabend mit großer Mehrheit ein neues Radwegenetz beschlossen. "
    "Bis zum Jahr 2030 sollen vierzig Kilometer geschützte Radwege entstehen."
)
ENGLISH = (
    "The city council approved a new network of protected bike lanes on Wednesday evening. "
    "Forty kilometres of cycle paths are to be built by the end of the decade."
)
FRENCH = (
    "Le conseil municipal a approuvé mercredi soir un nouveau réseau de pistes cyclables. "
    "Quarante kilomètres de voies protégées doivent être construits d'ici la fin de la décennie."
)


@pytest.mark.parametrize(("text", "code"), [(GERMAN, "de"), (ENGLISH, "en"), (FRENCH, "fr")])
def test_detects_language_of_a_paragraph(text: str, code: str) -> None:
    lang, conf = detect_language(text)
    assert lang == code
    assert MIN_CONFIDENCE <= conf <= 1.0


def test_all_caps_text_is_detected() -> None:
    assert detect_language(GERMAN.upper())[0] == "de"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "12345 67890 !!! ???",
        "Hallo Welt",  # too few letters to say
        "Berlin Paris London",
        "ok",
    ],
)
def test_short_or_empty_text_gives_none(text: str) -> None:
    lang, conf = detect_language(text)
    assert lang is None
    assert 0.0 <= conf < 1.0


def test_mixed_short_string_is_not_guessed() -> None:
    # three languages in one short line: no language reaches the confidence threshold
    lang, conf = detect_language("Hello Welt, bonjour tout le monde, guten Tag, good morning")
    assert lang is None
    assert conf < MIN_CONFIDENCE
    assert detect_language("Merkel trifft Macron in Paris")[0] is None


def test_deterministic() -> None:
    assert {detect_language(GERMAN) for _ in range(5)} == {detect_language(GERMAN)}


def test_long_text_is_fast() -> None:
    detect_language(GERMAN)  # model loaded once
    long_text = " ".join([GERMAN] * 500)
    start = time.perf_counter()
    for _ in range(20):
        assert detect_language(long_text)[0] == "de"
    assert (time.perf_counter() - start) / 20 < 0.05


@pytest.mark.parametrize(
    ("label", "code"),
    [("de", "de"), ("arz", "ar"), ("yue", "zh"), ("zxx", None), ("und", None), ("EN", "en")],
)
def test_labels_map_to_iso_639_1(label: str, code: str | None) -> None:
    assert to_iso639_1(label) == code
