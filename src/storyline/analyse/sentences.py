"""Sentence spans of an article's text, for key points, tense and event extraction.

A rule splitter, not a model: news prose is regular enough, and the stages that use it need
*spans* (offsets into ``Article.text``) fast, for thousands of articles a second. It splits at
``.``, ``!``, ``?`` (and closing quotes after them) followed by space and an upper-case letter,
digit or opening quote, and at paragraph breaks, but not after

* ordinals and dates ("am 19. Dezember", "19.12.2022"),
* common abbreviations of German and English news ("Dr.", "Prof.", "z. B.", "u. a.", "Nr.",
  "St. Petersburg", "Mr.", "U.S."),
* single capital letters (initials: "George W. Bush").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    (
        "dr", "prof", "st", "nr", "abs", "art", "bzw", "ca", "vgl", "evtl", "ggf", "inkl", "jh",
        "jhd", "mio", "mrd", "min", "max", "sog", "usw", "etc", "bspw", "geb", "gest", "hl", "str",
        "tel", "co", "corp", "inc", "ltd", "mr", "mrs", "ms", "jr", "sr", "gen", "gov", "lt", "col",
        "sgt", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "okt", "nov", "dec", "dez", "ff", "ebd", "eig",
    )
)  # fmt: skip

# a sentence end: terminal punctuation (possibly closing quotes/brackets) + whitespace + a
# plausible sentence start
_BOUNDARY = re.compile(r"([.!?…]+)([\"'»«“”‘’)\]]*)(\s+)(?=[\"'„“‚»«(\[]?[A-ZÄÖÜ0-9])")
_PARAGRAPH = re.compile(r"\n\s*\n")
_WORD_BEFORE = re.compile(r"([\w\-]+)$")


@dataclass(frozen=True)
class Sentence:
    """A sentence of ``text``: ``text[start:end]`` is ``self.text``; ``paragraph`` counts from 0."""

    text: str
    start: int
    end: int
    paragraph: int


def _is_abbreviation(text: str, dot: int) -> bool:
    """Is the ``.`` at ``dot`` the end of an abbreviation, initial or ordinal, not a sentence?"""
    m = _WORD_BEFORE.search(text, max(0, dot - 20), dot)
    if not m:
        return False
    word = m.group(1)
    if word.isdigit():
        return len(word) <= 2  # "19." day ordinal; "2022." ends a sentence
    if len(word) == 1 and word.isalpha():
        return True  # initials, "z. B."
    return word.casefold() in _ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """Every sentence of ``text`` with its offsets, in order."""
    out: list[Sentence] = []
    pos = 0
    paragraph = 0
    for para in _PARAGRAPH.split(text):
        start = text.find(para, pos) if para else pos
        if start < 0:
            start = pos
        pos = start + len(para)
        if para.strip():
            _split_paragraph(text, start, start + len(para), paragraph, out)
            paragraph += 1
    return out


def _split_paragraph(text: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    begin = start
    for m in _BOUNDARY.finditer(text, start, end):
        if m.group(1) == "." and _is_abbreviation(text, m.start(1)):
            continue
        stop = m.end(2)
        _add(text, begin, stop, paragraph, out)
        begin = m.end(3)
    _add(text, begin, end, paragraph, out)


def _add(text: str, start: int, end: int, paragraph: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(text[start:end], start, end, paragraph))
