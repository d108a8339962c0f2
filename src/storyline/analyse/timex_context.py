"""Sentence and clause context of a time expression: tense and signal words.

A bare "am Montag" or "im März" is only resolvable with a direction: the most recent Monday
("Putin hat Lukaschenko am Montag getroffen") or the next one ("Putin wird Lukaschenko am Montag
treffen"). The direction comes from the clause around the expression (commas, semicolons and
dashes delimit clauses), falling back to the sentence; the words come from the language's
``time_words`` module. Signals right before the expression override tense: "seit März" always
points back, "ab Samstag" and "für den 10. Januar" point forward even inside a past-tense report
("Putin kündigte Manöver für Anfang des Jahres an").
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from storyline.analyse.timex_calendar import Direction
from storyline.analyse.timex_lexicon import Lexicon

# Sentence ends: terminal punctuation (+ closing quotes) and whitespace, or any line break.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»«“”)]*\s+|\n+")
_CLAUSE_END = re.compile(r"[,;:()–—]|\s-\s")
_WORD = re.compile(r"\w+(?:'\w+)?")
#: tokens before a dot that do not end a sentence: ordinals/dates ("19.") and abbreviations
_NO_END = re.compile(r"(?:\b\d{1,2}|\b(?:St|Dr|Prof|Nr|Mr|Mrs|Ms|bzw|ca|vgl|z\.\s?B|u\.\s?a))\.$")


#: English words before an "-ed" participle that make it present or future ("is held")
_EN_PRESENT = frozenset(("is", "are", "am", "be", "being", "to", "get", "gets"))


class Context:
    """Lazy sentence/clause spans and tense of one text."""

    def __init__(self, text: str, lexicon: Lexicon) -> None:
        self.text = text
        self.lex = lexicon
        self._bounds: list[int] | None = None

    # -- spans ---------------------------------------------------------------------------
    def _boundaries(self) -> list[int]:
        if self._bounds is None:
            bounds = [0]
            for m in _SENTENCE_END.finditer(self.text):
                if m.group().startswith("."):
                    head = self.text[max(0, m.start() - 12) : m.start() + 1]
                    if _NO_END.search(head):
                        continue
                bounds.append(m.end())
            bounds.append(len(self.text))
            self._bounds = bounds
        return self._bounds

    def sentence(self, pos: int) -> tuple[int, int]:
        """(start, end) of the sentence holding offset ``pos``."""
        b = self._boundaries()
        i = bisect.bisect_right(b, pos) - 1
        i = max(0, min(i, len(b) - 2))
        return b[i], b[i + 1]

    def clause(self, start: int, end: int) -> tuple[int, int]:
        """(start, end) of the clause around ``text[start:end]``, inside its sentence."""
        s0, s1 = self.sentence(start)
        left = s0
        for m in _CLAUSE_END.finditer(self.text, s0, start):
            left = m.end()
        right = s1
        m = _CLAUSE_END.search(self.text, end, s1)
        if m:
            right = m.start()
        return left, right

    # -- tense ---------------------------------------------------------------------------
    def direction(self, start: int, end: int) -> Direction:
        """past / future / present for the expression at ``start:end``."""
        c0, c1 = self.clause(start, end)
        t = _tense(self.lex, self.text[c0:start] + " " + self.text[end:c1])
        if t == "present":
            s0, s1 = self.sentence(start)
            if (s0, s1) != (c0, c1):
                t = _tense(self.lex, self.text[s0:start] + " " + self.text[end:s1])
        return t

    def words_before(self, start: int, n: int = 2) -> list[str]:
        """The ``n`` words right before ``start`` (casefolded, nearest last), within 40 chars."""
        return [w.casefold() for w in _WORD.findall(self.text[max(0, start - 40) : start])][-n:]

    def signal(self, start: int, weekday: bool = False) -> Direction | None:
        """A direction forced by the preposition right before the expression, if any.

        ``weekday``: the expression is a bare weekday, for which "vom" also points back ("die
        Wahl vom Sonntag"), while "vom 1. Dezember bis Ende Februar" may lie ahead.
        """
        before = self.words_before(start, 2)
        if not before:
            return None
        last = before[-1]
        if weekday and last in self.lex.WEEKDAY_SIGNALS_PAST:
            return "past"
        if last in self.lex.SIGNALS_PAST:
            return "past"
        if last in self.lex.SIGNALS_FUTURE or " ".join(before) in self.lex.SIGNALS_FUTURE:
            return "future"
        if last in ("dem", "den") and len(before) == 2 and before[0] in self.lex.SIGNALS_PAST:
            return "past"
        if last in ("dem", "den") and len(before) == 2 and before[0] in self.lex.SIGNALS_FUTURE:
            return "future"
        return None


def _participle(lex: Lexicon, word: str) -> bool:
    """True for words shaped like a past participle: "getroffen", "aufgerufen", "einmarschiert",
    "beschlossen" (German) or "-ed" forms (English, via the preterite test)."""
    if not word.endswith(("t", "en")) or len(word) < 5 or word in lex.NOT_PRETERITE_SET:
        return False
    if word.endswith("iert"):
        return True
    if "ge" in word[:-3] and word.find("ge") >= 0:
        i = word.find("ge")
        return len(word) - i >= 5
    return word.startswith(tuple(p for p in lex.PARTICIPLE_PREFIXES if p != "ge"))


@lru_cache(maxsize=4096)
def _tense_cached(lex: Lexicon, span: str) -> Direction:
    return _tense_uncached(lex, span)


def _tense(lex: Lexicon, span: str) -> Direction:
    return _tense_cached(lex, span) if len(span) < 400 else _tense_uncached(lex, span)


def _tense_uncached(lex: Lexicon, span: str) -> Direction:
    words = _WORD.findall(span)
    past = future = 0
    has_aux = False
    prev = ""
    for w in words:
        lw = w.casefold()
        before, prev = prev, lw
        if lw in lex.PAST_CUES_SET:
            past += 2
        elif lw in lex.FUTURE_CUES_SET:
            future += 2
        elif lw in lex.PERFECT_AUX_SET:
            has_aux = True
        elif w[0].islower() and len(lw) >= 5 and lw not in lex.NOT_PRETERITE_SET:
            if lex.german_order and lw.endswith(("te", "ten")) and not lw.endswith(("ste", "sten")):
                past += 1
            elif lex.english_order and lw.endswith("ed") and before not in _EN_PRESENT:
                past += 1  # "was held" is past, "is held" / "will be held" is not
    if has_aux and words:
        last = words[-1].casefold()
        if _participle(lex, last) or (lex.english_order and last.endswith("ed")):
            past += 2
        elif any(w.casefold().endswith("ed") for w in words) and lex.english_order:
            past += 1
    if past > future:
        return "past"
    if future > past:
        return "future"
    return "present"
