"""Cue-word rules shared by the text and HTML cleaners.

The learned line classifier says *whether* a line belongs to the article; these rules say *what*
a line is (a byline, a caption, a share widget...) from the language pack's word lists. Both
cleaners use them, so a removed line gets the same reason whether it came from text or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from storyline.lang.base import AGENCIES, LanguagePack

_BULLET = re.compile(r"^\s*(?:[•·▪►▶‣◦∙*–—-]|\d{1,2}[.)])\s+")
_WORD = re.compile(r"\w[\w'’-]*")
#: characters that never occur in a tag line
_TAG_PUNCT = re.compile(r"[,:;!?«»\"“”()]")
_SENTENCE_END_CHARS = ".!?…:;»«\"“”')"


@dataclass(frozen=True)
class _Rules:
    """A pack's cue lists compiled into regexes once: cue checks run on every line of a page.

    The ``*_any`` / ``credit_start`` alternations are matched literally against a casefolded
    line (``search``: contains one; ``match``: starts with one), one regex call instead of a
    Python loop of ``in`` / ``startswith`` tests. They have no IGNORECASE: the line is casefolded
    already, and re's case-insensitive matching would also let "ı" or "ſ" stand for "i" or "s",
    which plain string tests never did.
    """

    #: interaction counters ("2 Interaktionen"), as ``pack.counter``
    counter: re.Pattern[str]
    #: "MEHR AUS WEISSRUSSLAND": a short related-articles header and a section name
    related_prefix: re.Pattern[str]
    #: a credit prefix after a space, inside a caption ("... Hauptstraße. Foto: dpa")
    credit_inside: re.Pattern[str]
    credit_start: re.Pattern[str]
    share_any: re.Pattern[str]
    legal_any: re.Pattern[str]
    caption_any: re.Pattern[str]
    #: splits a byline's name part at joiners ("mit", "und") and separators
    byline_parts: re.Pattern[str]


def _alternation(items: Iterable[str]) -> str:
    return "|".join(re.escape(x) for x in sorted(items, key=len, reverse=True)) or "(?!)"


def _compile_rules(pack: LanguagePack) -> _Rules:
    short_related = (h for h in pack.related_headers if len(h.split()) <= 2)
    joiners = "|".join(re.escape(j) for j in sorted(pack.byline_joiners, key=len, reverse=True))
    return _Rules(
        counter=pack.counter,
        related_prefix=re.compile(rf"^(?:{_alternation(short_related)}) ", re.IGNORECASE),
        credit_inside=re.compile(rf"\s(?:{_alternation(pack.credit_prefixes)})", re.IGNORECASE),
        credit_start=re.compile(_alternation(pack.credit_prefixes)),
        share_any=re.compile(_alternation(pack.share_contains)),
        legal_any=re.compile(_alternation(pack.legal_contains)),
        caption_any=re.compile(_alternation(pack.caption_markers)),
        byline_parts=re.compile(rf"\s+(?:{joiners})\s+|[/,&()]"),
    )


_RULES: dict[str, _Rules] = {}


def _rules(pack: LanguagePack) -> _Rules:
    """The compiled rules of ``pack`` (built on first use, then one dict lookup)."""
    rules = _RULES.get(pack.code)
    if rules is None:
        rules = _RULES[pack.code] = _compile_rules(pack)
    return rules


#: lines longer than this are not cached: furniture is short, and caching paragraphs (unique
#: on every page) grew a long crawl's memory by megabytes per thousand pages
CACHED_LINE = 160


def fold_ws(line: str) -> str:
    r"""Whitespace runs as one space, none at the edges (``re.sub(r"\s+", " ", line).strip()``).

    ``str.split`` and ``\s`` agree on what whitespace is, and splitting is several times faster
    than a regex substitution, which matters for a function run on every line several times.
    """
    return " ".join(line.split())


def norm(line: str) -> str:
    """Casefolded, whitespace-folded line without edge punctuation: what cues match.

    Short lines are cached: the structurer and the feature extractor ask for the same line's
    form several times, and page furniture ("Weiterlesen", "2 Interaktionen") repeats across
    pages.
    """
    return _norm_cached(line) if len(line) <= CACHED_LINE else _norm(line)


def _norm(line: str) -> str:
    return _strip_edges(fold_ws(line).casefold())


def _strip_edges(s: str) -> str:
    r"""``s`` without leading and trailing non-alphanumerics (``re.sub(r"^[\W_]+|[\W_]+$", "")``).

    ``[\W_]`` is exactly "not ``str.isalnum``"; scanning the few edge characters beats a regex
    that tries its second alternative at every position of a long line.
    """
    start, end = 0, len(s)
    while start < end and not s[start].isalnum():
        start += 1
    while end > start and not s[end - 1].isalnum():
        end -= 1
    return s[start:end]


_norm_cached = lru_cache(maxsize=16384)(_norm)


class Folded(NamedTuple):
    """A line in the forms the cue rules read, computed once for rules that ask in turn.

    A named tuple: a page makes hundreds, and a tuple is the cheapest object to build.
    """

    #: the line with whitespace folded (:func:`fold_ws`)
    raw: str
    #: ``raw`` casefolded
    low: str
    #: ``low`` without edge punctuation: :func:`norm` of the line
    norm: str

    @classmethod
    def of(cls, line: str) -> Folded:
        raw = fold_ws(line)
        low = raw.casefold()
        return cls(raw, low, _strip_edges(low))


def all_folded(lines: list[str]) -> bool:
    """Every line is :func:`fold_ws` of itself (no line break, tab or double space inside, none
    at the edges): checked with one fold of the page's non-empty lines joined by one space,
    instead of one fold per line."""
    joined = " ".join(line for line in lines if line)
    return fold_ws(joined) == joined


def fold_lines(lines: list[str]) -> list[Folded]:
    """:meth:`Folded.of` for every line of a page, in one casefold over the whole page.

    Lines that are folded already (the text cleaner folds them when it splits a page) only need
    casefolding; joining them first turns a few hundred small calls into one. Lines with other
    whitespace inside are folded one by one.
    """
    joined = "\n".join(lines)
    lows = joined.casefold().split("\n")  # casefolding maps characters one by one
    if len(lows) != len(lines) or not all_folded(lines):
        return [Folded.of(line) for line in lines]
    return [Folded(line, low, _strip_edges(low)) for line, low in zip(lines, lows, strict=True)]


def strip_bullet(line: str) -> str | None:
    """The item text if ``line`` is a bullet-list item, else None."""
    m = _BULLET.match(line)
    return line[m.end() :].strip() if m else None


def words(line: str) -> list[str]:
    return _WORD.findall(line)


def _ends_sentence(line: str) -> bool:
    r"""The last non-space character closes a sentence (``[.!?…:;»«"“”')]\s*$``).

    Looking at the last character beats a regex that tries every position of a paragraph.
    """
    tail = line.rstrip()
    return bool(tail) and tail[-1] in _SENTENCE_END_CHARS


def is_sentence(line: str, pack: LanguagePack) -> bool:
    """A line written as prose: several words, function words, sentence punctuation."""
    if not _ends_sentence(line):  # the cheapest test first: menus and headlines fail it
        return False
    ws = words(line)
    if len(ws) < 6:
        return False
    found = 0
    for w in ws:
        if w.casefold() in pack.function_words:
            found += 1
            if found == 2:
                return True
    return False


def is_related_header(line: str, pack: LanguagePack) -> bool:
    """A header after which the page lists other articles ("Weiterlesen", "MEHR IN NEWS")."""
    return _is_related_norm(norm(line), pack)


def _is_related_norm(n: str, pack: LanguagePack) -> bool:
    """:func:`is_related_header` on an already normalised line."""
    if not n or len(n) > 60:
        return False
    if n in pack.related_headers:
        return True
    # "MEHR AUS WEISSRUSSLAND", "More from Europe": a header prefix followed by a section name
    return len(n.split()) <= 5 and _rules(pack).related_prefix.match(n) is not None


def is_key_point_header(line: str, pack: LanguagePack) -> bool:
    return is_key_point_norm(norm(line), pack)


def is_key_point_norm(n: str, pack: LanguagePack) -> bool:
    """:func:`is_key_point_header` on an already normalised line."""
    return n in pack.key_point_headers


def drop_reason(line: str, pack: LanguagePack) -> str | None:
    """The reason a line is page furniture, or None when no cue fires.

    Order matters: a counter line ("2 Interaktionen") is checked before navigation so the more
    specific reason wins.
    """
    return folded_drop_reason(Folded.of(line), pack)


def folded_drop_reason(line: Folded, pack: LanguagePack) -> str | None:
    """:func:`drop_reason` of a line's :class:`Folded` forms."""
    low, n = line.low, line.norm
    if not n:
        return None
    rules = _rules(pack)
    if rules.counter.match(n) or rules.counter.match(low):
        return "counter"
    if n in pack.advertisement or low in pack.advertisement:
        return "advertisement"
    if _is_related_norm(n, pack):
        return "related"
    n_words = n.count(" ") + 1  # ``n`` is whitespace-folded and not empty
    if n_words <= 12 and rules.share_any.search(n):
        return "share"
    if n in pack.navigation:
        return "navigation"
    if n_words <= 30 and rules.legal_any.search(n):
        return "legal"
    return None


def is_tag_line(line: str, pack: LanguagePack) -> bool:
    """A keyword line: 2-6 words, mostly lowercase or all bare nouns, no sentence punctuation.

    Catches "Belarus Russia ukraine krieg" and "urkaine krieg": lines of topic tags that news
    sites print under pictures. Real subheadings are title-cased prose and usually contain a
    verb or a function word; tag lines have neither.
    """
    raw = line.strip()
    if not raw or _ends_sentence(raw) or _TAG_PUNCT.search(raw):
        return False
    ws = words(raw)
    if not 1 <= len(ws) <= 6:
        return False
    if any(w.casefold() in pack.function_words for w in ws):
        return False
    lower = sum(1 for w in ws if w[:1].islower())
    return lower >= max(1, len(ws) // 2)


@dataclass
class Byline:
    """What a byline line says: the author or outlet, and the news agencies credited."""

    text: str
    source: str | None = None
    authors: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)


def agencies_in(text: str) -> list[str]:
    """Canonical names of the agencies mentioned in a byline, credit or dateline, in order."""
    found: list[tuple[int, str]] = []
    low = text.casefold()
    for canonical, aliases in _AGENCY_ALIASES:
        for alias in aliases:
            m = alias.search(low)
            if m:
                found.append((m.start(), canonical))
                break
    return [name for _, name in sorted(found)]


#: :data:`AGENCIES` with every alias compiled as a whole word (not inside "dpa-infocom")
_AGENCY_ALIASES = [
    (canonical, [re.compile(rf"(?<![\w-]){re.escape(alias)}(?![\w-])") for alias in aliases])
    for canonical, aliases in AGENCIES.items()
]


def agency_only(line: str) -> str | None:
    """The canonical agency if the whole line is just an agency name ("Keystone-SDA", "dpa")."""
    return agency_only_norm(norm(line))


def agency_only_norm(n: str) -> str | None:
    """:func:`agency_only` on an already normalised line."""
    return _AGENCY_OF_NAME.get(n)


def _agency_names() -> dict[str, str]:
    """Every alias and casefolded canonical name -> the canonical name (the first agency wins,
    as in a walk over :data:`AGENCIES` in order)."""
    names: dict[str, str] = {}
    for canonical, aliases in AGENCIES.items():
        for name in (*aliases, canonical.casefold()):
            names.setdefault(name, canonical)
    return names


_AGENCY_OF_NAME = _agency_names()


def parse_byline(line: str, pack: LanguagePack) -> Byline | None:
    """Parse "Von Euronews mit AP/AFP", "By Jane Doe, Reuters", "Text: Anna Muster (dpa)".

    Returns None when the line is not a byline. The first non-agency part is the author or outlet
    (we cannot tell which without a list of outlets, so it goes to ``source`` when it is a single
    capitalised token and to ``authors`` when it looks like a personal name of 2-4 words).
    """
    raw = fold_ws(line)
    if len(raw) > 140:
        return None
    m = pack.byline.match(raw)
    if not m:
        return None
    rest = next(v for k, v in m.groupdict().items() if k.startswith("name") and v).strip()
    agencies = agencies_in(rest)
    parts = [p.strip(" ()") for p in _rules(pack).byline_parts.split(rest) if p]
    people: list[str] = []
    source = None
    for part in parts:
        if not part or agency_only(part):
            continue
        ws = part.split()
        if 2 <= len(ws) <= 4 and all(w[:1].isupper() for w in ws):
            people.append(part)
        elif source is None and len(ws) <= 4:
            source = part
    if not people and source is None and not agencies:
        return None
    return Byline(text=raw, source=source, authors=people, agencies=agencies)


def credit_of(line: str, pack: LanguagePack) -> str | None:
    """The credit text if ``line`` is a photo credit ("Copyright X via AP", "Foto: dpa")."""
    raw = line.strip()
    if _rules(pack).credit_start.match(raw.casefold()):
        return raw
    return None


_CREDIT_WORD = re.compile(
    r"\b(?:gmbh|ag|ltd|inc|images|photo|foto|pool|press|presse)\b", re.IGNORECASE
)
_CAPTION_TAIL = re.compile(
    r"\s+[-–—|]\s+(?P<credit>[\w .,/&'’-]{2,60}?)\s*$"
)  # "... in Minsk. (Archivbild) - keystone"


def split_caption(line: str, pack: LanguagePack) -> tuple[str, str | None] | None:
    """(caption, credit) if the line looks like a photo caption, else None.

    Captions are sentences about a picture that end in a credit ("- keystone", "- dpa-infocom
    GmbH", "Copyright ... via AP") or carry a marker like "(Archivbild)". A plain sentence with
    neither is left to the classifier: most captions on the seeds pages end in a credit.
    """
    return folded_split_caption(Folded.of(line), pack)


def folded_split_caption(line: Folded, pack: LanguagePack) -> tuple[str, str | None] | None:
    """:func:`split_caption` of a line's :class:`Folded` forms."""
    raw = line.raw
    rules = _rules(pack)
    has_marker = rules.caption_any.search(line.low) is not None
    m = _CAPTION_TAIL.search(raw)
    credit = None
    if m:
        cand = m.group("credit").strip()
        cand_words = cand.split()
        # A credit is short and names an agency, a company or a photographer, not a clause.
        if len(cand_words) <= 6 and (
            agencies_in(cand)
            or _CREDIT_WORD.search(cand)
            or (
                len(cand_words) <= 3
                and not cand.endswith((".", "!", "?"))
                and not any(w.strip(".,;:!?").casefold() in pack.function_words for w in cand_words)
            )
        ):
            credit = cand
            raw_caption = raw[: m.start()].strip()
        else:
            raw_caption = raw
    else:
        raw_caption = raw
    # Search the original line case-insensitively: indexes into a casefolded copy would be off
    # after "ß" (casefolds to "ss") and cut "... Hauptstraße. Foto:" in the wrong place.
    m_credit = rules.credit_inside.search(raw, 21)
    if m_credit:
        credit = credit or raw[m_credit.start() + 1 :].strip()
        raw_caption = raw[: m_credit.start() + 1].strip()
    if credit is None and not has_marker:
        return None
    return raw_caption, credit


# "Berlin (dpa) - ...", "MINSK, 19. Dezember (sda/dpa) – ...", "WASHINGTON (AP) — ..."
_DATELINE_PREFIX = re.compile(
    r"^(?P<place>[A-ZÄÖÜ][\w.'’/ -]{1,40}?)"
    r"(?:,\s*(?P<date>[^()\n]{4,30}?))?"
    r"\s*\((?P<agency>[^)]{1,40})\)\s*[-–—:]\s*(?P<rest>\S.*)$",
    re.DOTALL,
)
# "WASHINGTON — ..." (an upper-case place, no agency)
_DATELINE_CAPS = re.compile(
    r"^(?P<place>[A-ZÄÖÜ][A-ZÄÖÜ .'-]{2,30}?)\s*[-–—]\s+(?P<rest>\S.*)$", re.DOTALL
)


@dataclass
class Dateline:
    """A dateline printed at the start of a lead: place, optional date, agencies, and the rest."""

    place: str
    rest: str
    date: str | None = None
    agencies: list[str] = field(default_factory=list)


def split_dateline(lead: str) -> Dateline | None:
    """Split "Berlin (dpa) – Text" / "WASHINGTON — Text" into dateline and lead text.

    The parenthesised part must name a known agency, so "Bern (BE) - ..." style asides do not
    become datelines; an all-caps place needs no agency (the wire-service convention).
    """
    m = _DATELINE_PREFIX.match(lead)
    if m and (agencies := agencies_in(m.group("agency"))) and len(m.group("place").split()) <= 4:
        date = m.group("date").strip() if m.group("date") else None
        return Dateline(m.group("place").strip(), m.group("rest").strip(), date, agencies)
    m = _DATELINE_CAPS.match(lead)
    if m and m.group("place").strip().isupper():
        return Dateline(m.group("place").strip().title(), m.group("rest").strip())
    return None
