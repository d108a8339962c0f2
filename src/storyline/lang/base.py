"""The shape of a language pack: the cue words the cleaner (and later the analysis) reads."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields


def _norm(s: str) -> str:
    return s.casefold().strip()


@dataclass(frozen=True)
class LanguagePack:
    """Cue words for one language. All matching is case-insensitive (casefolded).

    Phrase sets match a whole (normalised) line; ``*_contains`` sets match a substring; the
    regexes match from the start of a line. Keeping these as data lets a pack grow without code.
    """

    code: str
    #: whole lines that are navigation ("Startseite", "Weiterlesen", "Mehr zum Thema")
    navigation: frozenset[str] = frozenset()
    #: headers that open a block of related-article links: everything after them is dropped
    related_headers: frozenset[str] = frozenset()
    #: substrings of share / embed / comment widgets ("Artikel teilen", "Copy to clipboard")
    share_contains: frozenset[str] = frozenset()
    #: whole lines that mark advertising ("WERBUNG", "Anzeige")
    advertisement: frozenset[str] = frozenset()
    #: substrings of cookie / newsletter / legal boilerplate
    legal_contains: frozenset[str] = frozenset()
    #: substrings only a content gate says: cookie-consent banners, paywall and registration
    #: prompts, bot checks ("Um die Funktion unserer Website zu verbessern", "Registered users
    #: can read"). Unlike ``legal_contains`` they drop a line however much it reads like prose.
    gate_contains: frozenset[str] = frozenset()
    #: whole lines that are a gate's buttons ("Alle akzeptieren", "Accept all")
    gate_lines: frozenset[str] = frozenset()
    #: regex of interaction counters ("2 Interaktionen", "14 Kommentare")
    counter_re: str = r"^$"
    #: headers that introduce a key-point list ("Das Wichtigste in Kürze")
    key_point_headers: frozenset[str] = frozenset()
    #: regex of a byline, group ``name`` holding the author / outlet ("Von Euronews mit AP/AFP")
    byline_re: str = r"^$"
    #: words that join outlets and agencies inside a byline ("mit", "und")
    byline_joiners: frozenset[str] = frozenset()
    #: markers inside a caption ("(Archivbild)", "Foto:")
    caption_markers: frozenset[str] = frozenset()
    #: prefixes of photo credits ("Copyright", "Foto:", "©")
    credit_prefixes: frozenset[str] = frozenset()
    #: words that hint a line was written as a sentence (articles, pronouns, auxiliaries)
    function_words: frozenset[str] = frozenset()
    #: month names -> month number, for dates in bylines and datelines
    months: dict[str, int] = field(default_factory=dict)

    @property
    def counter(self) -> re.Pattern[str]:
        return _compiled(self.counter_re)

    @property
    def byline(self) -> re.Pattern[str]:
        return _compiled(self.byline_re)

    @classmethod
    def build(cls, code: str, **lists: object) -> LanguagePack:
        """Build a pack from plain lists, normalising every cue once."""
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name not in lists:
                continue
            v = lists[f.name]
            if isinstance(v, (set, frozenset, list, tuple)):
                v = frozenset(_norm(x) for x in v)  # type: ignore[union-attr]
            values[f.name] = v
        return cls(code=code, **values)  # type: ignore[arg-type]

    @classmethod
    def union(cls, code: str, packs: list[LanguagePack]) -> LanguagePack:
        """A pack holding every cue of ``packs``; regexes are OR-ed."""
        values: dict[str, object] = {}
        for f in fields(cls):
            if f.name == "code":
                continue
            vals = [getattr(p, f.name) for p in packs]
            if isinstance(vals[0], frozenset):
                values[f.name] = frozenset().union(*vals)
            elif isinstance(vals[0], dict):
                merged: dict[str, int] = {}
                for v in vals:
                    merged.update(v)
                values[f.name] = merged
            else:
                # Named groups must stay unique in the OR-ed pattern: name -> name0, name1, ...
                values[f.name] = "|".join(
                    "(?:" + v.replace("(?P<name>", f"(?P<name{i}>") + ")"
                    for i, v in enumerate(vals)
                )
        return cls(code=code, **values)  # type: ignore[arg-type]


_CACHE: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    if pattern not in _CACHE:
        _CACHE[pattern] = re.compile(pattern, re.IGNORECASE)
    return _CACHE[pattern]


#: News agencies known across languages: canonical name -> lowercase aliases seen in bylines.
AGENCIES: dict[str, tuple[str, ...]] = {
    "dpa": ("dpa", "dpa-infocom", "dpa-afx", "deutsche presse-agentur"),
    "AFP": ("afp", "agence france-presse", "agence france presse"),
    "AP": ("ap", "associated press"),
    "Reuters": ("reuters", "rtr"),
    "Keystone-SDA": ("keystone-sda", "sda", "keystone", "ats", "sda-ats"),
    "APA": ("apa", "austria presse agentur"),
    "KNA": ("kna", "katholische nachrichten-agentur"),
    "epd": ("epd", "evangelischer pressedienst"),
    "dts": ("dts", "dts nachrichtenagentur"),
    "ANSA": ("ansa",),
    "EFE": ("efe",),
    "Tass": ("tass",),
    "Interfax": ("interfax",),
    "Xinhua": ("xinhua",),
    "UPI": ("upi",),
    "PA": ("pa media", "press association"),
    "Bloomberg": ("bloomberg",),
}
