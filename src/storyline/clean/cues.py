"""Cue-word rules shared by the text and HTML cleaners.

The learned line classifier says *whether* a line belongs to the article; these rules say *what*
a line is (a byline, a caption, a share widget...) from the language pack's word lists. Both
cleaners use them, so a removed line gets the same reason whether it came from text or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from storyline.lang.base import AGENCIES, LanguagePack

_WS = re.compile(r"\s+")
_BULLET = re.compile(r"^\s*(?:[•·▪►▶‣◦∙*–—-]|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"[.!?…:;»«\"“”')]\s*$")
_PUNCT_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


_PACK_RES: dict[tuple[str, str], re.Pattern[str]] = {}


def _pack_re(pack: LanguagePack, key: str, build: Callable[[], str]) -> re.Pattern[str]:
    """Compile a regex built from a pack's word list once per pack (cue checks run per line)."""
    cache_key = (pack.code, key)
    if cache_key not in _PACK_RES:
        _PACK_RES[cache_key] = re.compile(build(), re.IGNORECASE)
    return _PACK_RES[cache_key]


def _alternation(items: Iterable[str]) -> str:
    return "|".join(re.escape(x) for x in sorted(items, key=len, reverse=True)) or "(?!)"


def _related_prefix_re(pack: LanguagePack) -> re.Pattern[str]:
    # the list of short headers is built inside the builder: once per pack, not once per line
    return _pack_re(
        pack,
        "related",
        lambda: rf"^(?:{_alternation(h for h in pack.related_headers if len(h.split()) <= 2)}) ",
    )


def _credit_prefix_re(pack: LanguagePack) -> re.Pattern[str]:
    return _pack_re(pack, "credit", lambda: rf"\s(?:{_alternation(pack.credit_prefixes)})")


#: lines longer than this are not cached: furniture is short, and caching paragraphs (unique
#: on every page) grew a long crawl's memory by megabytes per thousand pages
CACHED_LINE = 160


def norm(line: str) -> str:
    """Casefolded, whitespace-folded line without edge punctuation: what cues match.

    Short lines are cached: the structurer and the feature extractor ask for the same line's
    form several times, and page furniture ("Weiterlesen", "2 Interaktionen") repeats across
    pages.
    """
    return _norm_cached(line) if len(line) <= CACHED_LINE else _norm(line)


def _norm(line: str) -> str:
    return _PUNCT_EDGES.sub("", _WS.sub(" ", line).strip().casefold())


_norm_cached = lru_cache(maxsize=16384)(_norm)


def strip_bullet(line: str) -> str | None:
    """The item text if ``line`` is a bullet-list item, else None."""
    m = _BULLET.match(line)
    return line[m.end() :].strip() if m else None


def words(line: str) -> list[str]:
    return re.findall(r"\w[\w'’-]*", line)


def is_sentence(line: str, pack: LanguagePack) -> bool:
    """A line written as prose: several words, function words, sentence punctuation."""
    ws = words(line)
    if len(ws) < 6:
        return False
    fw = sum(1 for w in ws if w.casefold() in pack.function_words)
    return fw >= 2 and bool(_SENTENCE_END.search(line))


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
    return len(n.split()) <= 5 and _related_prefix_re(pack).match(n) is not None


def is_key_point_header(line: str, pack: LanguagePack) -> bool:
    return norm(line) in pack.key_point_headers


def drop_reason(line: str, pack: LanguagePack) -> str | None:
    """The reason a line is page furniture, or None when no cue fires.

    Order matters: a counter line ("2 Interaktionen") is checked before navigation so the more
    specific reason wins.
    """
    raw = _WS.sub(" ", line).strip()
    n = norm(raw)
    if not n:
        return None
    if pack.counter.match(n) or pack.counter.match(raw.casefold()):
        return "counter"
    if n in pack.advertisement or raw.casefold() in pack.advertisement:
        return "advertisement"
    if _is_related_norm(n, pack):
        return "related"
    n_words = len(n.split())
    if n_words <= 12 and any(c in n for c in pack.share_contains):
        return "share"
    if n in pack.navigation:
        return "navigation"
    if n_words <= 30 and any(c in n for c in pack.legal_contains):
        return "legal"
    return None


def is_tag_line(line: str, pack: LanguagePack) -> bool:
    """A keyword line: 2-6 words, mostly lowercase or all bare nouns, no sentence punctuation.

    Catches "Belarus Russia ukraine krieg" and "urkaine krieg": lines of topic tags that news
    sites print under pictures. Real subheadings are title-cased prose and usually contain a
    verb or a function word; tag lines have neither.
    """
    raw = line.strip()
    if not raw or _SENTENCE_END.search(raw) or any(ch in raw for ch in ',:;!?«»"“”()'):
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
    for canonical, aliases in AGENCIES.items():
        for alias in aliases:
            m = re.search(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", low)
            if m:
                found.append((m.start(), canonical))
                break
    return [name for _, name in sorted(found)]


def agency_only(line: str) -> str | None:
    """The canonical agency if the whole line is just an agency name ("Keystone-SDA", "dpa")."""
    n = norm(line)
    for canonical, aliases in AGENCIES.items():
        if n in aliases or n == canonical.casefold():
            return canonical
    return None


def parse_byline(line: str, pack: LanguagePack) -> Byline | None:
    """Parse "Von Euronews mit AP/AFP", "By Jane Doe, Reuters", "Text: Anna Muster (dpa)".

    Returns None when the line is not a byline. The first non-agency part is the author or outlet
    (we cannot tell which without a list of outlets, so it goes to ``source`` when it is a single
    capitalised token and to ``authors`` when it looks like a personal name of 2-4 words).
    """
    raw = _WS.sub(" ", line).strip()
    if len(raw) > 140:
        return None
    m = pack.byline.match(raw)
    if not m:
        return None
    rest = next(v for k, v in m.groupdict().items() if k.startswith("name") and v).strip()
    agencies = agencies_in(rest)
    joiners = "|".join(re.escape(j) for j in sorted(pack.byline_joiners, key=len, reverse=True))
    parts = [p.strip(" ()") for p in re.split(rf"\s+(?:{joiners})\s+|[/,&()]", rest) if p]
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
    low = raw.casefold()
    for prefix in pack.credit_prefixes:
        if low.startswith(prefix):
            return raw
    return None


_CAPTION_TAIL = re.compile(
    r"\s+[-–—|]\s+(?P<credit>[\w .,/&'’-]{2,60}?)\s*$"
)  # "... in Minsk. (Archivbild) - keystone"


def split_caption(line: str, pack: LanguagePack) -> tuple[str, str | None] | None:
    """(caption, credit) if the line looks like a photo caption, else None.

    Captions are sentences about a picture that end in a credit ("- keystone", "- dpa-infocom
    GmbH", "Copyright ... via AP") or carry a marker like "(Archivbild)". A plain sentence with
    neither is left to the classifier: most captions on the seeds pages end in a credit.
    """
    raw = _WS.sub(" ", line).strip()
    has_marker = any(m in raw.casefold() for m in pack.caption_markers)
    m = _CAPTION_TAIL.search(raw)
    credit = None
    if m:
        cand = m.group("credit").strip()
        cand_words = cand.split()
        # A credit is short and names an agency, a company or a photographer, not a clause.
        if len(cand_words) <= 6 and (
            agencies_in(cand)
            or re.search(
                r"\b(?:gmbh|ag|ltd|inc|images|photo|foto|pool|press|presse)\b", cand, re.IGNORECASE
            )
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
    m_credit = _credit_prefix_re(pack).search(raw, 21)
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
