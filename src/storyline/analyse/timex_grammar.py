"""The time grammar: regexes built from a language's time words, and what each match means.

:func:`scan` finds *mentions*: spans with a meaning that does not depend on the publication day
yet ("Montag", "vor zwei Wochen" = two weeks back, "19. Dezember" = day 19 of month 12).
:mod:`storyline.analyse.timex_resolve` turns them into TIMEX3 values against the document creation
time. Rules are precise on purpose: a bare month needs a preposition ("im März", not the name
"August Diehl"), a bare four-digit number must look like a year (not "rund 2000 Soldaten"), and
nothing shorter than a full word is ever read as a weekday (dateparser's "Mo", "so", "die").

Spans follow TimeML: prepositions ("am", "im", "seit", "für") stay outside, determiners,
adjectives and approximators ("diesem Donnerstag", "vergangenen Jahr", "etwa sechs Wochen")
and postpositions of relative dates ("vor zwei Wochen", "two weeks ago") are inside.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

from storyline.analyse.timex_lexicon import Lexicon, alternation

_YEAR = r"(?<![\d.,:/\-])(?P<year>1[89]\d\d|20\d\d)(?![\d]|[.,:/\-]\d)"


@dataclass
class Mention:
    """A matched time expression before resolution: ``kind`` names the rule family."""

    start: int
    end: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)
    priority: int = 0


Parser = Callable[[re.Match[str], str], Mention | None]


@dataclass(eq=False)
class Grammar:
    """Compiled rules of one lexicon, in priority order (earlier wins among equal spans)."""

    lex: Lexicon
    rules: list[tuple[str, re.Pattern[str], Parser, frozenset[str]]]
    triggers: dict[str, frozenset[str]] = field(default_factory=dict)
    prefixes: tuple[tuple[str, str], ...] = ()
    prefix_words: tuple[str, ...] = ()

    @cached_property
    def by_category(self) -> dict[str, tuple[int, ...]]:
        """Trigger category -> indices of the rules that need it."""
        out: dict[str, list[int]] = {}
        for i, rule in enumerate(self.rules):
            for cat in rule[3]:
                out.setdefault(cat, []).append(i)
        return {c: tuple(v) for c, v in out.items()}

    @cached_property
    def prefix_len(self) -> int:
        """Length of the shortest compound prefix: the key length of :attr:`prefix_heads`."""
        return min((len(p) for p in self.prefix_words), default=1)

    @cached_property
    def prefix_heads(self) -> frozenset[str]:
        """The compound prefixes cut to :attr:`prefix_len`: one set lookup per word."""
        return frozenset(p[: self.prefix_len] for p in self.prefix_words)


def _stem_alt(stems: tuple[str, ...]) -> str:
    return "(?:" + "|".join(re.escape(s) + r"\w*" for s in sorted(set(stems), key=len)) + ")"


@cache
def grammar_for(lex: Lexicon) -> Grammar:
    """Build (once per lexicon) the rule list."""
    L = lex
    month = alternation(L.MONTHS)
    month_ab = alternation(L.MONTH_ABBREVIATIONS)
    wd = alternation(L.WEEKDAYS)
    wd_adv = alternation(L.WEEKDAY_ADVERBS)
    num = r"(?:\d+(?:[.,]\d+)?|" + alternation(L.NUMBERS)[3:]
    unit = alternation(L.UNITS)
    approx = alternation(L.APPROXIMATORS)
    pod = alternation(L.PARTS_OF_DAY)
    season = alternation(L.SEASONS)
    past_adj, fut_adj, this_adj = (
        _stem_alt(L.PAST_ADJECTIVES),
        _stem_alt(L.FUTURE_ADJECTIVES),
        _stem_alt(L.THIS_ADJECTIVES),
    )
    rel_adj = f"(?:{past_adj}|{fut_adj}|{this_adj})"
    pos = alternation(L.POSITIONS)
    pos_comp = alternation(L.POSITION_COMPOUNDS)
    every = alternation(L.EVERY)
    freq = alternation(L.FREQUENCIES)
    times = alternation(L.TIMES_WORDS)
    present = alternation(L.PRESENT_REF)
    vague = alternation(L.VAGUE_PLURAL_UNITS)
    ordinal = alternation(L.ORDINALS)
    quarter = alternation(L.QUARTER_WORDS)
    half = alternation(L.HALF_WORDS)
    holiday = alternation(L.HOLIDAYS)
    reldays = alternation(L.RELATIVE_DAYS)
    y_unit = alternation(u for u, c in L.UNITS.items() if c in ("Y", "M", "W", "D"))
    decade_suffix = L.DECADE_SUFFIX or "er"

    def month_no(word: str) -> int:
        w = word.casefold().rstrip(".")
        return L.MONTHS.get(w) or L.MONTH_ABBREVIATIONS[w]

    def wd_no(word: str | None) -> int | None:
        return L.WEEKDAYS.get(word.casefold()) if word else None

    def two_digit_year(y: str | None) -> int | None:
        if not y:
            return None
        v = int(y)
        return v + 2000 if v < 100 else v

    rules: list[tuple[str, str, Parser]] = []

    # Optional words *before* a match are found by a short search that ends at the match: far
    # cheaper than optional leading groups, which make the regex engine try them everywhere.
    pos_left = re.compile(rf"\b(?P<x>{pos})[\s-]+$", re.I)
    adj_left = re.compile(rf"\b(?P<x>{rel_adj})\s+$", re.I)
    dur_adj_left = re.compile(rf"\b(?P<x>{past_adj}|{fut_adj}|{ordinal})\s+$", re.I)
    approx_left = re.compile(rf"\b(?P<x>{approx})\s+$", re.I)
    wd_left = re.compile(rf"\b(?P<x>{wd}),?\s+(?:(?:den|dem|the)\s+)?$", re.I)

    def left(text: str, start: int, rx: re.Pattern[str]) -> tuple[int, str | None]:
        m = rx.search(text, max(0, start - 32), start)
        return (m.start("x"), m["x"]) if m else (start, None)

    def with_weekday(text: str, start: int) -> tuple[int, str | None]:
        return left(text, start, wd_left)

    def rule(name: str, pattern: str, only: str | None = None) -> Callable[[Parser], Parser]:
        """Register a rule; ``only="de"``/``"en"`` keeps it out of the other word order."""

        def deco(fn: Parser) -> Parser:
            if only is None or (L.german_order if only == "de" else L.english_order):
                rules.append((name, pattern, fn))
            return fn

        return deco

    # ---- absolute dates ----------------------------------------------------------------
    @rule("iso", r"\b(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)\b")
    def _iso(m: re.Match[str], text: str) -> Mention | None:
        return _date(m, int(m["y"]), int(m["m"]), int(m["d"]), None)

    @rule(
        "numeric",
        r"(?<![\d.])\b(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>(?:19|20)\d\d|\d\d)?(?![\d])",
    )
    def _numeric(m: re.Match[str], text: str) -> Mention | None:
        if not m["y"]:
            # "19.12." without a year: only after a preposition, else it is too often a list
            before = text[max(0, m.start() - 6) : m.start()].casefold().split()
            if not before or before[-1] not in ("am", "vom", "zum", "bis", "ab", "den", "dem"):
                return None
        start, name = with_weekday(text, m.start())
        return _date(m, two_digit_year(m["y"]), int(m["m"]), int(m["d"]), wd_no(name), start)

    if L.german_order:

        @rule(
            "day_month",
            rf"(?<![\d.])\b(?P<d>\d{{1,2}})\.\s*(?P<m>{month}\b|{month_ab}\b\.?)(?:\s+{_YEAR})?",
        )
        def _day_month(m: re.Match[str], text: str) -> Mention | None:
            y = int(m["year"]) if m["year"] else None
            start, name = with_weekday(text, m.start())
            return _date(m, y, month_no(m["m"]), int(m["d"]), wd_no(name), start)

    if L.english_order:
        # "December 19, 2022" and "19th of December 2022": two word orders, one reading
        @rule(
            "day_of_month",
            rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{month}\b|{month_ab}\b\.?)"
            rf"(?:,?\s+{_YEAR})?",
        )
        @rule(
            "month_day",
            rf"\b(?P<m>{month}|{month_ab}\.?)\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b"
            rf"(?:,?\s+{_YEAR})?",
        )
        def _month_day(m: re.Match[str], text: str) -> Mention | None:
            y = int(m["year"]) if m["year"] else None
            start, name = with_weekday(text, m.start())
            return _date(m, y, month_no(m["m"]), int(m["d"]), wd_no(name), start)

    @rule("month_year", rf"\b(?P<m>{month})\s+{_YEAR}")
    def _month_year(m: re.Match[str], text: str) -> Mention | None:
        start, p = left(text, m.start(), pos_left)
        return Mention(
            start,
            m.end(),
            "month",
            {"month": month_no(m["m"]), "year": int(m["year"]), "mod": _mod(L, p)},
        )

    @rule("pos_month", rf"\b(?P<pos>{pos})[\s-]+(?P<m>{month})\b")
    def _pos_month(m: re.Match[str], text: str) -> Mention | None:
        return Mention(
            m.start(), m.end(), "month", {"month": month_no(m["m"]), "mod": _mod(L, m["pos"])}
        )

    @rule("pos_year", rf"\b(?P<pos>{pos})[\s-]+{_YEAR}")
    def _pos_year(m: re.Match[str], text: str) -> Mention | None:
        return Mention(
            m.start(), m.end(), "year", {"year": int(m["year"]), "mod": _mod(L, m["pos"])}
        )

    @rule("month", rf"\b(?P<m>{month})\b")
    def _month(m: re.Match[str], text: str) -> Mention | None:
        before = text[max(0, m.start() - 30) : m.start()].casefold().split()
        if not before:
            return None
        ok = before[-1] in L.MONTH_CONTEXT or (
            len(before) >= 2
            and before[-1] in ("oder", "und", "bis", "or", "and", "to", "-", "–")
            and before[-2].strip(",") in L.MONTHS
        )
        if not ok:
            return None
        return Mention(m.start(), m.end(), "month", {"month": month_no(m["m"])})

    @rule("year_word", rf"\b(?:{alternation(u for u in L.UNITS if L.UNITS[u] == 'Y')})\s+{_YEAR}")
    def _year_word(m: re.Match[str], text: str) -> Mention | None:
        return Mention(m.start(), m.end(), "year", {"year": int(m["year"])})

    @rule("year", _YEAR)
    def _year(m: re.Match[str], text: str) -> Mention | None:
        before = text[max(0, m.start() - 20) : m.start()].casefold().split()
        after = text[m.end() : m.end() + 20].split()
        prev = before[-1] if before else ""
        prev2 = " ".join(before[-2:])
        if prev in L.APPROXIMATORS or prev2 in L.APPROXIMATORS or prev in ("nr.", "no.", "über"):
            return None  # "rund 2000", "mehr als 1500": counts
        temporal = prev in L.MONTH_CONTEXT or prev in ("jahr", "year", "saison", "season")
        nxt = after[0] if after else ""
        if before and not temporal and nxt[:1].isupper() and nxt.casefold() not in L.MONTHS:
            return (
                None  # "2000 Menschen", "1500 Euro": a count, unless a preposition made it a year
            )
        return Mention(m.start(), m.end(), "year", {"year": int(m["year"])})

    @rule("decade", rf"\b(?P<dec>1[89]\d|20\d)0(?:{decade_suffix})\b")
    def _decade(m: re.Match[str], text: str) -> Mention | None:
        return Mention(m.start(), m.end(), "decade", {"decade": m["dec"]})

    @rule("season", rf"\b(?:(?P<adj>{rel_adj})\s+)?(?P<s>{season})\b(?:\s+(?:of\s+)?{_YEAR})?")
    def _season(m: re.Match[str], text: str) -> Mention | None:
        before = text[max(0, m.start() - 12) : m.start()].casefold().split()
        if not m["year"] and not m["adj"] and (not before or before[-1] not in L.MONTH_CONTEXT):
            return None
        return Mention(
            m.start(),
            m.end(),
            "season",
            {
                "season": L.SEASONS[m["s"].casefold()],
                "year": int(m["year"]) if m["year"] else None,
                "offset": _offset(L, m["adj"]) if m["adj"] else None,
            },
        )

    @rule(
        "quarter",
        rf"\b(?P<o>{ordinal})\s+(?P<q>{quarter}|{half})\b(?:\s+(?:des\s+Jahres\s+|of\s+)?{_YEAR})?",
    )
    def _quarter(m: re.Match[str], text: str) -> Mention | None:
        size = 3 if re.fullmatch(quarter, m["q"], re.I) else 6
        n = L.ORDINALS[m["o"].casefold()]
        return Mention(
            m.start(),
            m.end(),
            "quarter",
            {"n": n, "size": size, "year": int(m["year"]) if m["year"] else None},
        )

    # ---- relative to the publication day ----------------------------------------------
    @rule(
        "pos_unit",
        rf"\b(?P<pos>{pos})\s+(?:(?:des|der|dieses|dieser|this|the|of)\s+)*"
        rf"(?:(?P<adj>{rel_adj})\s+)?(?P<u>{y_unit})\b",
    )
    def _pos_unit(m: re.Match[str], text: str) -> Mention | None:
        u = L.UNITS[m["u"].casefold()]
        if u not in ("Y", "M", "W"):
            return None
        return Mention(
            m.start(),
            m.end(),
            "rel_unit",
            {
                "unit": u,
                "offset": _offset(L, m["adj"]) if m["adj"] else 0,
                "implicit": not m["adj"],
                "mod": _mod(L, m["pos"]),
            },
        )

    @rule("pos_compound", rf"\b(?P<c>{pos_comp})\b")
    def _pos_compound(m: re.Match[str], text: str) -> Mention | None:
        u, mod = L.POSITION_COMPOUNDS[m["c"].casefold()]
        if mod == "WE":
            return Mention(m.start(), m.end(), "weekend", {})
        return Mention(
            m.start(), m.end(), "rel_unit", {"unit": u, "offset": 0, "implicit": True, "mod": mod}
        )

    @rule(
        "rel_unit",
        rf"\b(?P<adj>{rel_adj})\s+(?P<u>{y_unit}|{pos_comp}|{quarter})\b",
    )
    def _rel_unit(m: re.Match[str], text: str) -> Mention | None:
        w = m["u"].casefold()
        off = _offset(L, m["adj"])
        if w in L.POSITION_COMPOUNDS:
            u, mod = L.POSITION_COMPOUNDS[w]
            if mod == "WE":
                return Mention(m.start(), m.end(), "weekend", {"offset": off})
            return Mention(m.start(), m.end(), "rel_unit", {"unit": u, "offset": off, "mod": mod})
        if re.fullmatch(quarter, w, re.I):
            return Mention(m.start(), m.end(), "rel_unit", {"unit": "Q", "offset": off})
        u = L.UNITS[w]
        if u not in ("Y", "M", "W", "D"):
            return None
        if w in L.VAGUE_PLURAL_UNITS:  # "in den kommenden Wochen": see vague_ref
            return None
        return Mention(m.start(), m.end(), "rel_unit", {"unit": u, "offset": off})

    @rule(
        "earlier_this",
        r"\b(?P<w>earlier|later)\s+this\s+(?P<u>year|month|week)\b",
        only="en",
    )
    def _earlier_this(m: re.Match[str], text: str) -> Mention | None:
        return Mention(
            m.start(),
            m.end(),
            "rel_unit",
            {"unit": L.UNITS[m["u"].casefold()], "offset": 0, "mod": None},
        )

    @rule(
        "vague_ref",
        rf"\b(?:(?:den|die|the)\s+)(?P<adj>{rel_adj})\s+(?P<u>{vague})\b",
    )
    def _vague_ref(m: re.Match[str], text: str) -> Mention | None:
        off = _offset(L, m["adj"])
        ref = {1: "FUTURE_REF", -1: "PAST_REF"}.get(off, "PRESENT_REF")
        return Mention(m.start(), m.end(), "ref", {"value": ref})

    @rule("present_ref", rf"\b{present}\b")
    def _present(m: re.Match[str], text: str) -> Mention | None:
        return Mention(m.start(), m.end(), "ref", {"value": "PRESENT_REF"})

    @rule(
        "relday",
        rf"\b(?P<r>{reldays})\b(?:\s+(?P<pod>{pod})\b)?",
    )
    def _relday(m: re.Match[str], text: str) -> Mention | None:
        word = m["r"].casefold()
        before = text[max(0, m.start() - 12) : m.start()].casefold().split()
        noun = ("am", "dem", "den", "der", "jeden", "diesen", "guten", "vom")
        if word == "morgen" and text[m.start("r")] == "M" and before and before[-1] in noun:
            return None  # "am Morgen": the part of day, see the pod rule
        pod_code = L.PARTS_OF_DAY.get(m["pod"].casefold()) if m["pod"] else None
        if word == "tonight":
            pod_code = "NI"
        if word == "morgen" and pod_code == "MO" and m["pod"].casefold() == "morgen":
            return None
        return Mention(
            m.start(), m.end(), "relday", {"offset": L.RELATIVE_DAYS[word], "pod": pod_code}
        )

    @rule("last_night", r"\blast\s+night\b", only="en")
    def _last_night(m: re.Match[str], text: str) -> Mention | None:
        return Mention(m.start(), m.end(), "relday", {"offset": -1, "pod": "NI"})

    @rule(
        "weekday",
        rf"\b(?P<wd>{wd})(?:(?P<podc>{pod})\b|\b(?:\s+(?P<pod>{pod})\b)?)",
    )
    def _weekday(m: re.Match[str], text: str) -> Mention | None:
        p = m["podc"] or m["pod"]
        start, adj = left(text, m.start(), adj_left)
        if m["pod"] and not L.english_order:
            # German writes "Montagabend"; "Montag Morgen" is rare and "morgen" is "tomorrow"
            return Mention(start, m.end("wd"), "weekday", _wd(m, adj, None))
        code = L.PARTS_OF_DAY.get(p.casefold()) if p else None
        return Mention(start, m.end(), "weekday", _wd(m, adj, code))

    def _wd(m: re.Match[str], adj: str | None, pod_code: str | None) -> dict[str, Any]:
        how = None
        if adj:
            off = _offset(L, adj)
            how = {-1: "last", 1: "next", 0: "this"}[off]
        return {"weekday": L.WEEKDAYS[m["wd"].casefold()], "how": how, "pod": pod_code}

    @rule("night_before", rf"\b(?:{L.NIGHT_BEFORE or 'x^'})\s+(?P<wd>{wd})\b")
    def _night_before(m: re.Match[str], text: str) -> Mention | None:
        data = _wd(m, None, "NI")
        data["night_before"] = True
        return Mention(m.start(), m.end(), "weekday", data)

    @rule(
        "pod",
        rf"\b(?:(?P<early>früh\w*|spät\w*|early|late)\s+)?(?P<pod>{pod})\b",
    )
    def _pod(m: re.Match[str], text: str) -> Mention | None:
        before = text[max(0, m.start() - 14) : m.start()].casefold().split()
        w = m["pod"].casefold()
        if not before:
            return None
        prev = before[-1]
        german = L.german_order and prev in ("am", "vom", "dem", "zum", "gegen")
        english = prev in ("this", "the") and w in ("morning", "afternoon", "evening")
        if not (german or english):
            return None
        if w == "früh":
            return None
        start = m.start("pod") if prev in ("am", "vom", "dem", "zum", "gegen") else m.start()
        if prev == "this":
            start -= 5
        return Mention(start, m.end(), "pod", {"pod": L.PARTS_OF_DAY[w], "this": prev == "this"})

    @rule("clock_de", r"\b(?P<h>\d{1,2})(?:[.:](?P<mi>\d\d))?\s*Uhr\b", only="de")
    def _clock_de(m: re.Match[str], text: str) -> Mention | None:
        return _clock(m, int(m["h"]), int(m["mi"] or 0))

    @rule(
        "clock_en",
        r"\b(?P<h>\d{1,2})(?:[.:](?P<mi>\d\d))?\s*(?P<ap>[ap])(?:\.m\.|\s?m\b)",
        only="en",
    )
    def _clock_en(m: re.Match[str], text: str) -> Mention | None:
        h = int(m["h"]) % 12 + (12 if m["ap"].casefold() == "p" else 0)
        return _clock(m, h, int(m["mi"] or 0))

    @rule("clock_24", r"\b(?P<h>\d{1,2}):(?P<mi>\d\d)\b(?!\s*(?:Uhr|[ap]\.?\s?m))")
    def _clock_24(m: re.Match[str], text: str) -> Mention | None:
        before = text[max(0, m.start() - 8) : m.start()].casefold().split()
        if not before or before[-1] not in ("um", "gegen", "ab", "bis", "at", "by", "from"):
            return None
        return _clock(m, int(m["h"]), int(m["mi"]))

    @rule("noon", r"\b(?P<w>noon|midnight|mitternacht)\b")
    def _noon(m: re.Match[str], text: str) -> Mention | None:
        h = 12 if m["w"].casefold() == "noon" else 24
        return _clock(m, h, 0)

    @rule("holiday", rf"\b(?P<h>{holiday})\b(?:\s+{_YEAR})?")
    def _holiday(m: re.Match[str], text: str) -> Mention | None:
        return Mention(
            m.start(),
            m.end(),
            "holiday",
            {
                "spec": L.HOLIDAYS[re.sub(r"\s+", " ", m["h"].casefold())],
                "year": int(m["year"]) if m["year"] else None,
            },
        )

    # ---- spans of time -----------------------------------------------------------------
    @rule(
        "ago_de",
        rf"\bvor\s+(?:(?P<ap>{approx})\s+)?(?P<n>{num})\s+(?P<u>{unit})\b",
        only="de",
    )
    def _ago_de(m: re.Match[str], text: str) -> Mention | None:
        return _ago(m, -1)

    @rule(
        "in_future",
        rf"\b{alternation(L.IN_FUTURE)}\s+(?:(?P<ap>{approx})\s+)?(?P<n>{num})\s+(?P<u>{unit})\b",
    )
    def _in_future(m: re.Match[str], text: str) -> Mention | None:
        u = L.UNITS[m["u"].casefold()]
        if u in ("H", "MIN", "S"):
            return None  # "in 24 Stunden" is mostly "within", a span
        return _ago(m, 1)

    @rule("previous_unit", rf"\b(?P<w>{alternation(L.PREVIOUS_UNITS)})\b")
    def _previous_unit(m: re.Match[str], text: str) -> Mention | None:
        w = re.sub(r"\s+", " ", m["w"].casefold())
        return Mention(m.start(), m.end(), "prev_unit", {"unit": L.PREVIOUS_UNITS[w]})

    @rule(
        "ago_en",
        rf"\b(?:(?P<ap>{approx})\s+)?(?P<n>{num})\s+(?P<u>{unit})\s+ago\b",
        only="en",
    )
    def _ago_en(m: re.Match[str], text: str) -> Mention | None:
        return _ago(m, -1)

    def _ago(m: re.Match[str], sign: int) -> Mention | None:
        try:
            n = L.number(m["n"])
        except ValueError:
            return None
        inner = m.start("ap") if m["ap"] else m.start("n")
        return Mention(
            m.start(),
            m.end(),
            "ago",
            {
                "n": n,
                "unit": L.UNITS[m["u"].casefold()],
                "sign": sign,
                "mod": _mod(L, m["ap"]),
                "inner": inner,
            },
        )

    @rule("duration", rf"\b(?P<n>{num})\s+(?P<u>{unit})\b")
    def _duration(m: re.Match[str], text: str) -> Mention | None:
        nword = m["n"].casefold()
        try:
            n = L.number(nword)
        except ValueError:
            return None
        start, adj = left(text, m.start(), dur_adj_left)
        if adj and _word_before(text, start) not in _ARTICLES:
            start, adj = m.start(), None  # "to last 72 hours": a verb, not "the last 72 hours"
        start, ap = left(text, start, approx_left)
        if nword in L.NUMBERS and L.NUMBERS[nword] == 1 and not ap and not adj:
            # "ein Tag", "eine Woche": an article unless a preposition or "lang" makes it a span
            before = text[max(0, m.start() - 12) : m.start()].casefold().split()
            after = text[m.end() : m.end() + 8].casefold().split()
            signals = ("seit", "für", "binnen", "innerhalb", "nach", "nur", "for", "within")
            if not (before and before[-1] in signals) and not (
                after and after[0] in L.SPAN_FOLLOWERS
            ):
                return None
        return Mention(
            start,
            m.end(),
            "duration",
            {"n": n, "unit": L.UNITS[m["u"].casefold()], "mod": _mod(L, ap)},
        )

    @rule(
        "whole_unit",
        rf"\b(?:den|die|das|the)\s+(?:ganzen?|gesamten?|whole|entire)\s+(?P<u>{unit})\b",
    )
    def _whole(m: re.Match[str], text: str) -> Mention | None:
        return Mention(m.start(), m.end(), "duration", {"n": 1, "unit": L.UNITS[m["u"].casefold()]})

    @rule("vague_duration", rf"\b(?P<u>{vague})\b")
    def _vague_duration(m: re.Match[str], text: str) -> Mention | None:
        before = text[max(0, m.start() - 10) : m.start()].casefold().split()
        after = text[m.end() : m.end() + 8].casefold().split()
        if not ((before and before[-1] in ("seit", "for")) or (after and after[0] == "lang")):
            return None
        return Mention(
            m.start(), m.end(), "duration", {"n": None, "unit": L.UNITS[m["u"].casefold()]}
        )

    # ---- sets --------------------------------------------------------------------------
    @rule("every", rf"\b{every}\s+(?P<x>{wd}|{y_unit}|{pod})\b")
    def _every(m: re.Match[str], text: str) -> Mention | None:
        x = m["x"].casefold()
        if x in L.WEEKDAYS:
            return Mention(m.start(), m.end(), "set", {"value": f"XXXX-WXX-{L.WEEKDAYS[x]}"})
        if x in L.PARTS_OF_DAY:
            return Mention(m.start(), m.end(), "set", {"value": f"XXXX-XX-XXT{L.PARTS_OF_DAY[x]}"})
        return Mention(m.start(), m.end(), "set", {"value": f"P1{L.UNITS[x]}"})

    @rule("weekday_adverb", rf"\b(?:(?:on|am)\s+)?(?P<x>{wd_adv})\b")
    def _wd_adverb(m: re.Match[str], text: str) -> Mention | None:
        return Mention(
            m.start("x"),
            m.end(),
            "set",
            {"value": f"XXXX-WXX-{L.WEEKDAY_ADVERBS[m['x'].casefold()]}"},
        )

    @rule("frequency", rf"\b(?:(?P<t>{times})\s+)?(?P<f>{freq})(?:e[nmrs]?)?\b")
    def _frequency(m: re.Match[str], text: str) -> Mention | None:
        return Mention(m.start(), m.end(), "set", {"value": L.FREQUENCIES[m["f"].casefold()]})

    @rule(
        "n_per",
        rf"\b(?P<n>{num})\s+(?P<u>{unit})\s+(?:pro|im|in\s+der|die|am|a|per|each)\s+"
        rf"(?P<u2>{y_unit})\b",
    )
    def _n_per(m: re.Match[str], text: str) -> Mention | None:
        return Mention(m.start(), m.end(), "set", {"value": f"P1{L.UNITS[m['u2'].casefold()]}"})

    @rule(
        "times_per",
        rf"\b(?P<t>{times})\s+(?:pro|im|in\s+der|die|am|a|per|each)\s+(?P<u>{y_unit})\b",
    )
    def _times_per(m: re.Match[str], text: str) -> Mention | None:
        return Mention(m.start(), m.end(), "set", {"value": f"P1{L.UNITS[m['u'].casefold()]}"})

    # The rules run on the lower-cased text (same offsets), so they are compiled lower-cased
    # and without IGNORECASE, which lets the regex engine use its literal-prefix shortcuts.
    compiled = [
        (name, re.compile(_lower(p)), fn, frozenset(NEEDS[name].split())) for name, p, fn in rules
    ]
    triggers, prefixes = _triggers(L)
    return Grammar(lex, compiled, triggers, prefixes, tuple(p for p, _ in prefixes))


#: the trigger categories a rule needs in its window (any of them); see :func:`_triggers`
NEEDS: dict[str, str] = {
    "iso": "year", "numeric": "num", "day_month": "month", "month_day": "month",
    "day_of_month": "month", "month_year": "month", "pos_month": "month", "pos_year": "year",
    "month": "month", "year_word": "year", "year": "year", "decade": "year",
    "season": "season", "quarter": "quarter", "pos_unit": "unit", "pos_compound": "poscomp",
    "rel_unit": "unit poscomp quarter", "earlier_this": "unit", "vague_ref": "vague",
    "present_ref": "present", "relday": "relday", "last_night": "pod", "weekday": "weekday",
    "pod": "pod", "clock_de": "uhr", "clock_en": "num", "clock_24": "num", "noon": "noon",
    "holiday": "holiday", "ago_de": "unit", "in_future": "unit", "previous_unit": "prev",
    "ago_en": "ago", "duration": "unit", "whole_unit": "unit", "vague_duration": "vague",
    "every": "every", "weekday_adverb": "wdadv", "frequency": "freq", "times_per": "times",
    "night_before": "weekday", "n_per": "unit",
}  # fmt: skip


def _triggers(lex: Lexicon) -> tuple[dict[str, frozenset[str]], tuple[tuple[str, str], ...]]:
    """Words that can anchor a time expression -> their categories; compound prefixes.

    :func:`scan` runs a rule only on short windows around words of the categories it needs
    (:data:`NEEDS`): a time expression always holds one of them, and most of a news text holds
    none, so most rules never run on most of the text.
    """
    cats: dict[str, set[str]] = {}

    def add(words: Any, cat: str) -> None:
        for key in words:
            # a phrase ("tag der deutschen einheit") is triggered by its longest word, never
            # by "der" or "the"
            w = max(re.findall(r"\w+", str(key).lower()), key=len)
            cats.setdefault(w, set()).add(cat)

    add(lex.MONTHS, "month")
    add(lex.MONTH_ABBREVIATIONS, "month")
    add(lex.WEEKDAYS, "weekday")
    add(lex.WEEKDAY_ADVERBS, "wdadv")
    add(lex.UNITS, "unit")
    add(lex.RELATIVE_DAYS, "relday")
    add(lex.PARTS_OF_DAY, "pod")
    add(lex.SEASONS, "season")
    add(lex.POSITION_COMPOUNDS, "poscomp")
    add(lex.FREQUENCIES, "freq")
    add(lex.HOLIDAYS, "holiday")
    add(lex.PREVIOUS_UNITS, "prev")
    add(lex.PRESENT_REF, "present")
    add(lex.VAGUE_PLURAL_UNITS, "vague")
    add(lex.QUARTER_WORDS, "quarter")
    add(lex.HALF_WORDS, "quarter")
    add(lex.EVERY, "every")
    add(lex.TIMES_WORDS, "times")
    add(("uhr",), "uhr")
    add(("ago",), "ago")
    add(("noon", "midnight", "mitternacht"), "noon")
    add(("tonight",), "relday")
    prefixes = tuple((w, "weekday") for w in lex.WEEKDAYS) + tuple(
        (w, "freq") for w in lex.FREQUENCIES
    )
    return {w: frozenset(c) for w, c in cats.items()}, prefixes


#: articles that must precede "last"/"letzten" before a number for it to be an adjective
_ARTICLES = frozenset(("the", "den", "die", "der", "dem", "des", "these", "diese"))


def _word_before(text: str, start: int) -> str:
    words = text[max(0, start - 12) : start].casefold().split()
    return words[-1] if words else ""


def _date(
    m: re.Match[str],
    year: int | None,
    month: int,
    day: int,
    weekday: int | None,
    start: int | None = None,
) -> Mention | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is not None and not 1800 <= year <= 2199:
        return None
    return Mention(
        m.start() if start is None else start,
        m.end(),
        "date",
        {"year": year, "month": month, "day": day, "weekday": weekday},
    )


def _clock(m: re.Match[str], h: int, mi: int) -> Mention | None:
    if h > 24 or mi > 59:
        return None
    return Mention(m.start(), m.end(), "clock", {"hour": h, "minute": mi})


def _mod(lex: Lexicon, word: str | None) -> str | None:
    if not word:
        return None
    w = re.sub(r"\s+", " ", word.casefold())
    return lex.POSITIONS.get(w) or lex.APPROXIMATORS.get(w)


def _offset(lex: Lexicon, adj: str) -> int:
    a = adj.casefold()
    if a.startswith(tuple(lex.PAST_ADJECTIVES)):
        return -1
    if a.startswith(tuple(lex.FUTURE_ADJECTIVES)):
        return 1
    return 0


def _lower(pattern: str) -> str:
    """A pattern lower-cased for matching lower-cased text (group syntax ``(?P<`` kept)."""
    if re.search(r"\\[WSDB]", pattern):
        raise ValueError("upper-case escapes do not survive lower-casing: " + pattern[:40])
    return pattern.lower().replace("(?p<", "(?P<")
