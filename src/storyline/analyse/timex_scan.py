"""Scanning a text with the time grammar: trigger windows, then the rules, then overlaps.

Running some forty regexes over a whole article would cost milliseconds; most of a news text holds
no time word at all. :func:`scan` therefore finds the words that can anchor a time expression
(month and weekday names, units, digits... see :func:`~storyline.analyse.timex_grammar._triggers`)
with one C-level ``findall``, opens a short window around each, and runs on each window only the
rules whose trigger categories it holds. Overlapping candidates are resolved longest-first, then by
rule priority.
"""

from __future__ import annotations

import re
from typing import Any

from storyline.analyse.timex_grammar import Grammar, Mention, grammar_for
from storyline.analyse.timex_lexicon import Lexicon


def scan(text: str, lex: Lexicon) -> list[Mention]:
    """All mentions in ``text``: overlapping candidates resolved longest-first, in text order."""
    g = grammar_for(lex)
    cands: list[Mention] = []
    low, windows = _windows(text, g)
    by_category = g.by_category
    for w0, w1, have in windows:
        todo: set[int] = set()
        for cat in have:
            todo.update(by_category.get(cat, ()))
        for prio in todo:
            pattern, parse = g.rules[prio][1], g.rules[prio][2]
            for m in pattern.finditer(low, w0, w1):
                mention = parse(m, text)
                if mention is not None and mention.end > mention.start:
                    mention.priority = prio
                    cands.append(mention)
    cands.sort(key=lambda c: (-(c.end - c.start), c.priority, c.start))
    taken: list[Mention] = []
    occupied = bytearray(len(text) + 1)
    for c in cands:
        if any(occupied[c.start : c.end]):
            continue
        occupied[c.start : c.end] = b"\x01" * (c.end - c.start)
        taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken


_TOKEN = re.compile(r"\w+")
_YEARLIKE = re.compile(r"(?:1[89]|20)\d\d")
_YEARISH = frozenset(("year", "num"))
_NUM = frozenset(("num",))
_DIGITS = re.compile(r"\d+")
_WORD_END = re.compile(r"\W")
#: characters a window reaches back before a trigger word and ahead after it
_BACK, _AHEAD = 40, 45


def _windows(text: str, g: Grammar) -> tuple[str, list[tuple[int, int, set[str]]]]:
    """Lower-cased text and merged character windows around trigger words, with their categories.

    The trigger words present are found by one C-level ``findall`` and a set intersection, and
    only their occurrences are located (``str.find``); digits by one ``finditer``. A window
    reaches :data:`_BACK` characters before a trigger ("mehr als sechs Stunden", "Anfang des
    Jahres") and :data:`_AHEAD` after it ("Montag, 19. Dezember 2022").
    """
    low = text.lower()
    if len(low) != len(text):  # a rare character changed length when lower-cased
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    words = set(_TOKEN.findall(low))
    hits: list[tuple[int, int, frozenset[str]]] = []
    triggers = g.triggers
    found = [(w, triggers[w]) for w in words.intersection(triggers)]
    k = g.prefix_len
    heads = g.prefix_heads
    found += [
        (w, frozenset(c for p, c in g.prefixes if w.startswith(p)))
        for w in words.difference(triggers)
        if w[:k] in heads and w.startswith(g.prefix_words)
    ]
    n = len(low)
    for w, cats in found:
        i = low.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not low[i - 1].isalnum()) and (j == n or not low[j].isalnum()):
                hits.append((i, j, cats))
            i = low.find(w, j)
    for m in _DIGITS.finditer(low):
        hits.append((m.start(), m.end(), _YEARISH if _YEARLIKE.match(m.group()) else _NUM))
    if not hits:
        return low, []
    hits.sort(key=lambda h: h[0])
    out: list[list[Any]] = []
    for i, j, cats in hits:
        a, b = max(0, i - _BACK), min(n, j + _AHEAD)
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
            out[-1][2].update(cats)
        else:
            out.append([a, b, set(cats)])
    for w in out:  # never cut a word at the right edge; keep a closing "." inside
        m = _WORD_END.search(low, w[1])
        w[1] = min(n, (m.start() if m else n) + 1)
    return low, [(a, b, cats) for a, b, cats in out]
