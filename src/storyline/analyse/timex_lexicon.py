"""The time words of a language, loaded from its pack (``storyline.lang.<code>.time_words``).

The grammar (:mod:`storyline.analyse.timex_grammar`) never names a word itself; it asks the
:class:`Lexicon` for lookup tables and for regex alternations built from them. Languages without a
time module of their own (and ``None``) get the union of all of them, so an article whose language
detection failed still has its dates found.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

from storyline.lang import available

#: the names every ``time_words`` module defines; dicts are merged, tuples concatenated
_DICTS = (
    "MONTHS",
    "MONTH_ABBREVIATIONS",
    "WEEKDAYS",
    "WEEKDAY_ADVERBS",
    "NUMBERS",
    "ORDINALS",
    "UNITS",
    "RELATIVE_DAYS",
    "PARTS_OF_DAY",
    "SEASONS",
    "POSITIONS",
    "POSITION_COMPOUNDS",
    "APPROXIMATORS",
    "FREQUENCIES",
    "HOLIDAYS",
    "PREVIOUS_UNITS",
)
_TUPLES = (
    "PAST_ADJECTIVES",
    "FUTURE_ADJECTIVES",
    "THIS_ADJECTIVES",
    "EVERY",
    "TIMES_WORDS",
    "PRESENT_REF",
    "VAGUE_PLURAL_UNITS",
    "QUARTER_WORDS",
    "HALF_WORDS",
    "MONTH_CONTEXT",
    "SIGNALS_PAST",
    "SIGNALS_FUTURE",
    "PAST_CUES",
    "PERFECT_AUX",
    "FUTURE_CUES",
    "NOT_PRETERITE",
    "PARTICIPLE_PREFIXES",
    "SAME_DAY_WORDS",
    "WEEKDAY_SIGNALS_PAST",
    "IN_FUTURE",
    "SPAN_FOLLOWERS",
)


def alternation(words: Any) -> str:
    """A regex alternation of ``words``, longest first so that "Jahren" wins over "Jahr"."""
    uniq = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq) + ")"


@dataclass(frozen=True, eq=False)  # identity hash: lexicons are cached singletons
class Lexicon:
    """Lookup tables of one language (or of several, merged) plus derived word sets."""

    code: str
    tables: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["tables"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def english_order(self) -> bool:
        """True when the language writes "December 19" (month before day)."""
        return self.code in ("en", "xx")

    @property
    def german_order(self) -> bool:
        """True when the language writes "19. Dezember" (day, dot, month)."""
        return self.code in ("de", "xx")

    def number(self, word: str) -> float | None:
        """The value of a number word or digits ("drei", "24", "1,5"); ``None`` for "mehrere"."""
        w = word.casefold()
        if w in self.NUMBERS:
            return self.NUMBERS[w]
        return float(w.replace(",", "."))


def _module(code: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"storyline.lang.{code}.time_words")
    except ModuleNotFoundError:
        return None


@cache
def get_lexicon(code: str | None) -> Lexicon:
    """The lexicon of ``code``; the union of every language's lexicon when it has none."""
    mod = _module(code) if code else None
    mods = [mod] if mod else [m for c in available() if (m := _module(c))]
    tables: dict[str, Any] = {}
    for name in _DICTS:
        merged: dict[str, Any] = {}
        for m in mods:
            merged.update(getattr(m, name, {}))
        tables[name] = merged
    for name in _TUPLES:
        tables[name] = tuple(w for m in mods for w in getattr(m, name, ()))
    tables["NIGHT_BEFORE"] = "|".join(
        f"(?:{m.NIGHT_BEFORE})" for m in mods if getattr(m, "NIGHT_BEFORE", "")
    )
    tables["DECADE_SUFFIX"] = "|".join(
        f"(?:{m.DECADE_SUFFIX})" for m in mods if getattr(m, "DECADE_SUFFIX", "")
    )
    for name in ("PAST_CUES", "FUTURE_CUES", "PERFECT_AUX", "NOT_PRETERITE"):
        tables[name + "_SET"] = frozenset(tables[name])
    return Lexicon(code if mod else "xx", tables)
