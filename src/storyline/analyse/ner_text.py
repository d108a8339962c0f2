"""Split an article into sentences of words with character offsets, the way the tagger was trained.

Why our own splitter: the German tagger was trained on GermEval/CoNLL sentences, which are
tokenised "punctuation apart, hyphenated compounds whole" ("US-Präsident", "Putins", ",", "."),
one sentence at a time. Feeding it the same shape of input matters more than linguistic
perfection, and a regex does that in microseconds with exact offsets. A wrong sentence break
costs little (the tagger still sees the words around it); a sentence longer than the tagger's
window is cut into windows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# a word: letters/digits, joined by inner hyphens, apostrophes, dots or ampersands
# ("US-Präsident", "O'Neill", "U.S", "AT&T"); anything else that is not a space is one token
_TOKEN = re.compile(r"\w+(?:[-‐'’.&]\w+)*|[^\w\s]", re.UNICODE)
_PARAGRAPH = re.compile(r"\n\s*\n")
# common German/English abbreviations that end with a dot but rarely end a sentence
_ABBREV = frozenset(
    "z.B bzw ca Dr Prof St Nr Hr Fr vgl usw etc Mio Mrd Abs Art Jh Bd Mr Mrs Ms Jr Sr Gen Sen "  # noqa: SIM905
    "Rep Gov Inc Ltd Co No u.a d.h o.ä s.o Str".split()
)


@dataclass(frozen=True)
class Word:
    """One token with its character offsets into the article."""

    text: str
    start: int
    end: int


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) for every non-empty paragraph (blank-line separated)."""
    pos = 0
    for m in _PARAGRAPH.finditer(text):
        if text[pos : m.start()].strip():
            yield pos, text[pos : m.start()]
        pos = m.end()
    if text[pos:].strip():
        yield pos, text[pos:]


def words(text: str, offset: int = 0) -> list[Word]:
    """GermEval-style tokens of ``text`` with offsets shifted by ``offset``."""
    return [Word(m.group(), m.start() + offset, m.end() + offset) for m in _TOKEN.finditer(text)]


def _ends_sentence(toks: list[Word], i: int) -> bool:
    """True when token ``i`` ("." "!" "?") closes a sentence: next token starts upper-case."""
    if toks[i].text not in ".!?" or i + 1 >= len(toks):
        return False
    nxt = toks[i + 1].text
    if not (nxt[:1].isupper() or nxt[:1] in '"„“«(' or nxt[:1].isdigit()):
        return False
    if toks[i].text == "." and i > 0:
        prev = toks[i - 1].text
        if prev in _ABBREV or (len(prev) == 1 and prev.isalpha()) or prev.isdigit():
            return False  # "Dr.", "z. B.", "J. F. Kennedy", "am 3. März"
    return True


def sentences(text: str) -> list[list[Word]]:
    """Sentences (lists of words) over the whole article; paragraphs never share a sentence."""
    out: list[list[Word]] = []
    for off, para in paragraphs(text):
        toks = words(para, off)
        cur: list[Word] = []
        for i, tok in enumerate(toks):
            cur.append(tok)
            if _ends_sentence(toks, i):
                out.append(cur)
                cur = []
        if cur:
            out.append(cur)
    return out


def windows(sent: list[Word], size: int) -> Iterator[list[Word]]:
    """Cut an over-long sentence into pieces of at most ``size`` words."""
    for i in range(0, len(sent), size):
        yield sent[i : i + size]
