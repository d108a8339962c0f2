"""Cue-word rules shared by the text and HTML cleaners.

The learned line classifier says *whether* a line belongs to the article; these rules say *what*
a line is (a byline, a caption, a share widget...) from the language pack's word lists. Both
cleaners use them, so a removed line gets the same reason whether it came from text or HTML.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache, partial
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
    #: a credit prefix after a space, inside a caption ("... Hauptstraße. Foto: dpa"); read on
    #: a folded line, where ``\s`` can only be a space, so the pattern starts with a literal
    #: space, which the regex engine finds by a fast character scan, not by trying every position
    credit_inside: re.Pattern[str]
    credit_start: re.Pattern[str]
    share_any: re.Pattern[str]
    legal_any: re.Pattern[str]
    gate_any: re.Pattern[str]
    caption_any: re.Pattern[str]
    #: :func:`minimal_needles` of the share and legal substrings, for :func:`drop_reasons`
    share_needles: tuple[str, ...]
    legal_needles: tuple[str, ...]
    gate_needles: tuple[str, ...]
    #: :func:`minimal_needles` of the caption markers, for :func:`caption_marked`
    caption_needles: tuple[str, ...]
    #: ``pack.byline``
    byline: re.Pattern[str]
    #: splits a byline's name part at joiners ("mit", "und") and separators
    byline_parts: re.Pattern[str]


def minimal_needles(items: Iterable[str]) -> tuple[str, ...]:
    """The needles of a "contains any of" test without those that contain another needle.

    A line that contains "artikel teilen" contains "teilen" too, so for a yes/no answer the
    longer needle never needs looking for.
    """
    unique = set(items)
    return tuple(sorted(x for x in unique if not any(y != x and y in x for y in unique)))


def lines_containing(lines: list[str], needles: tuple[str, ...]) -> bytes:
    """``[any(x in line for x in needles) for line in lines]`` as 1s and 0s, one search per
    needle (``bytes``: numpy reads them without a copy).

    Each needle is looked for in the whole page at once (the lines joined by line breaks), a
    few C-level scans instead of a regex or a loop of ``in`` tests per line. Pass ``""`` for a
    line that must not match. A needle with a line break in it could match across two lines,
    and the empty needle is in every line: those take the line-by-line path.
    """
    return lines_containing_groups(lines, needles)[0]


def lines_containing_groups(lines: list[str], *groups: tuple[str, ...]) -> list[bytes]:
    """:func:`lines_containing` for several groups of needles over the same lines, which are
    joined once; the answers for the last page are remembered.

    The line classifier's features and the structurer's drop reasons look for the same share,
    legal and caption substrings in the same casefolded lines; the second asks for free. One
    page is kept (its joined text and the answers per group), not a cache that grows; a new
    page is recognised by comparing its joined text, which costs far less than the searches.
    The answers are ``bytes``, so nobody can change what the next caller reads.
    """
    global _last_hits
    joined = "\n".join(lines)
    last, memo = _last_hits
    if joined != last:
        memo = {}
        _last_hits = (joined, memo)
    for needles in groups:
        if needles not in memo:
            memo[needles] = _containing(joined, lines, needles)
    return [memo[needles] for needles in groups]


#: the lines of the last page :func:`lines_containing_groups` searched, joined, and its answers
_last_hits: tuple[str, dict[tuple[str, ...], bytes]] = ("", {})


def _containing(joined: str, lines: list[str], needles: tuple[str, ...]) -> bytes:
    """Which of ``lines`` (joined by line breaks into ``joined``) contain one of ``needles``."""
    found = bytearray(len(lines))
    if not needles:
        return bytes(found)
    if any(not x or "\n" in x for x in needles):
        return bytes(any(x in line for x in needles) for line in lines)
    starts: list[int] | None = None
    for needle in needles:
        at = joined.find(needle)
        while at != -1:
            if starts is None:
                starts = list(itertools.accumulate((len(x) + 1 for x in lines), initial=0))
            i = bisect_right(starts, at) - 1
            found[i] = 1
            at = joined.find(needle, starts[i + 1])  # the next line
    return bytes(found)


def _alternation(items: Iterable[str]) -> str:
    return "|".join(re.escape(x) for x in sorted(items, key=len, reverse=True)) or "(?!)"


def _compile_rules(pack: LanguagePack) -> _Rules:
    short_related = (h for h in pack.related_headers if len(h.split()) <= 2)
    joiners = "|".join(re.escape(j) for j in sorted(pack.byline_joiners, key=len, reverse=True))
    return _Rules(
        counter=pack.counter,
        related_prefix=re.compile(rf"^(?:{_alternation(short_related)}) ", re.IGNORECASE),
        credit_inside=re.compile(rf" (?:{_alternation(pack.credit_prefixes)})", re.IGNORECASE),
        credit_start=re.compile(_alternation(pack.credit_prefixes)),
        share_any=re.compile(_alternation(pack.share_contains)),
        legal_any=re.compile(_alternation(pack.legal_contains)),
        gate_any=re.compile(_alternation(pack.gate_contains)),
        caption_any=re.compile(_alternation(pack.caption_markers)),
        share_needles=minimal_needles(pack.share_contains),
        legal_needles=minimal_needles(pack.legal_contains),
        gate_needles=minimal_needles(pack.gate_contains),
        caption_needles=minimal_needles(pack.caption_markers),
        byline=pack.byline,
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


#: Whitespace other than the space and the line break (every ``c`` with ``c.isspace()``).
OTHER_SPACES = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_OTHER_SPACE = re.compile(f"[{OTHER_SPACES}]")
_OTHER_SPACE_OR_BREAK = re.compile(f"[{OTHER_SPACES}\n]")


def has_other_space(text: str) -> bool:
    """``text`` holds whitespace other than spaces and line breaks: one scan of a whole page.

    Lines split from a page without such whitespace, stripped, and with no double space are
    folded (:func:`fold_ws` of themselves), so the page needs no per-line check.
    """
    return _OTHER_SPACE.search(text) is not None


def all_folded(lines: list[str]) -> bool:
    """Every line is :func:`fold_ws` of itself (no line break, tab or double space inside, none
    at the edges): checked on the page's non-empty lines joined by one space, with one regex
    scan and a substring test instead of one fold per line (or one fold of the whole page)."""
    joined = " ".join(line for line in lines if line)
    # fold_ws(joined) == joined: no whitespace but single spaces, none at the edges
    return not (
        _OTHER_SPACE_OR_BREAK.search(joined)
        or "  " in joined
        or joined.startswith(" ")
        or joined.endswith(" ")
    )


#: builds a :class:`Folded` from a (raw, low, norm) tuple without a Python-level ``__new__``
_make_folded = partial(tuple.__new__, Folded)


#: the last page :func:`casefold_page` casefolded, and its casefolded form
_last_casefold: tuple[str, str] = ("", "")


def casefold_page(text: str) -> str:
    """``text.casefold()``, remembered for the last page.

    The text cleaner casefolds a page's lines when it splits them, and the line classifier's
    features casefold the same lines again; casefolding costs several times more than the
    equality test that finds the page again. One pair is kept (a page, not a cache that grows).
    """
    global _last_casefold
    last, low = _last_casefold
    if text != last:
        low = text.casefold()
        _last_casefold = (text, low)
    return low


def fold_lines(lines: list[str], *, folded: bool = False) -> list[Folded]:
    """:meth:`Folded.of` for every line of a page, in one casefold over the whole page.

    Lines that are folded already (the text cleaner folds them when it splits a page) only need
    casefolding; joining them first turns a few hundred small calls into one. Lines with other
    whitespace inside are folded one by one. ``folded=True``: the caller knows every line is
    folded (see :func:`has_other_space`), which spares the check.
    """
    joined = "\n".join(lines)
    lows = casefold_page(joined).split("\n")  # casefolding maps characters one by one
    if len(lows) != len(lines) or not (folded or all_folded(lines)):
        return [Folded.of(line) for line in lines]
    return list(map(_make_folded, zip(lines, lows, map(_strip_edges, lows), strict=True)))


def strip_bullet(line: str) -> str | None:
    """The item text if ``line`` is a bullet-list item, else None."""
    m = _BULLET.match(line)
    return line[m.end() :].strip() if m else None


def words(line: str) -> list[str]:
    return _WORD.findall(line)


def ends_sentence(line: str) -> bool:
    r"""The last non-space character closes a sentence (``[.!?…:;»«"“”')]\s*$``).

    Looking at the last character beats a regex that tries every position of a paragraph.
    """
    tail = line.rstrip()
    return bool(tail) and tail[-1] in _SENTENCE_END_CHARS


def is_sentence(line: str, pack: LanguagePack) -> bool:
    """A line written as prose: several words, function words, sentence punctuation."""
    if not ends_sentence(line):  # the cheapest test first: menus and headlines fail it
        return False
    if len(line) < LONG_LINE:
        return sentence_words(words(line), pack)
    function_words = pack.function_words
    found = 0
    # A paragraph: read words only until both answers are known (six words, two of them
    # function words), not the whole paragraph.
    for n, m in enumerate(_WORD.finditer(line), 1):
        if found < 2 and m.group().casefold() in function_words:
            found += 1
        if n >= 6 and found >= 2:
            return True
    return False


#: from this length on, :func:`is_sentence` reads a line's words one at a time
LONG_LINE = 120


def sentence_words(ws: list[str], pack: LanguagePack) -> bool:
    """:func:`is_sentence` of a line that ends like a sentence, on its :func:`words`."""
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


#: Longest line (words) a gate phrase removes: a cookie banner or paywall notice is a few
#: sentences; a longer line holding one is more likely article text glued to it.
GATE_MAX_WORDS = 80


def folded_drop_reason(line: Folded, pack: LanguagePack) -> str | None:
    """:func:`drop_reason` of a line's :class:`Folded` forms."""
    low, n = line.low, line.norm
    if not n:
        return None
    rules = _rules(pack)
    n_words = n.count(" ") + 1  # ``n`` is whitespace-folded and not empty
    if n in pack.gate_lines or (n_words <= GATE_MAX_WORDS and rules.gate_any.search(n)):
        return "gate"
    if rules.counter.match(n) or rules.counter.match(low):
        return "counter"
    if n in pack.advertisement or low in pack.advertisement:
        return "advertisement"
    if _is_related_norm(n, pack):
        return "related"
    if n_words <= 12 and rules.share_any.search(n):
        return "share"
    if n in pack.navigation:
        return "navigation"
    if n_words <= 30 and rules.legal_any.search(n):
        return "legal"
    return None


def drop_reasons(lines: list[Folded], pack: LanguagePack) -> list[str | None]:
    """:func:`folded_drop_reason` of every line of a page, in one pass.

    The share and legal substrings are looked for once in the whole page
    (:func:`lines_containing_groups`) and the pack's lists are read once, not once per line.
    """
    rules = _rules(pack)
    counter = rules.counter.match
    related_prefix = rules.related_prefix.match
    advertisement, related, navigation = pack.advertisement, pack.related_headers, pack.navigation
    norms = [x.norm for x in lines]
    n_words = [n.count(" ") + 1 for n in norms]
    # A needle in ``norm`` is in ``low`` too (``norm`` is ``low`` without its edges): the
    # casefolded lines are searched (the line classifier has searched them for the same
    # substrings already), and a hit is checked on ``norm`` only where the two differ.
    share_needles, legal_needles = rules.share_needles, rules.legal_needles
    gate_needles, gate_lines = rules.gate_needles, pack.gate_lines
    share_low, legal_low, gate_low = lines_containing_groups(
        [x.low for x in lines], share_needles, legal_needles, gate_needles
    )
    share = [
        hit and w <= 12 and (n == low or any(x in n for x in share_needles))
        for (_, low, n), w, hit in zip(lines, n_words, share_low, strict=True)
    ]
    legal = [
        hit and w <= 30 and (n == low or any(x in n for x in legal_needles))
        for (_, low, n), w, hit in zip(lines, n_words, legal_low, strict=True)
    ]
    gate = [
        n in gate_lines
        or (hit and w <= GATE_MAX_WORDS and (n == low or any(x in n for x in gate_needles)))
        for (_, low, n), w, hit in zip(lines, n_words, gate_low, strict=True)
    ]
    out: list[str | None] = []
    # ``low`` is tested only when it differs from ``n`` (most lines have no edge punctuation);
    # ``n`` is folded, so its words are its spaces plus one
    for (_, low, n), w, is_share, is_legal, is_gate in zip(
        lines, n_words, share, legal, gate, strict=True
    ):
        same = low == n
        if not n:
            out.append(None)
        elif is_gate:
            out.append("gate")
        elif counter(n) or (not same and counter(low)):
            out.append("counter")
        elif n in advertisement or (not same and low in advertisement):
            out.append("advertisement")
        elif len(n) <= 60 and (n in related or (w <= 5 and related_prefix(n) is not None)):
            out.append("related")  # :func:`_is_related_norm`
        elif is_share:
            out.append("share")
        elif n in navigation:
            out.append("navigation")
        elif is_legal:
            out.append("legal")
        else:
            out.append(None)
    return out


def credits_of(lines: list[str], forms: list[Folded], pack: LanguagePack) -> list[str | None]:
    """:func:`credit_of` of every line of a page (each stripped already), the pack read once.

    A folded line's casefolded form is its ``Folded.low``; only other lines casefold again.
    """
    start = _rules(pack).credit_start.match
    return [
        line.strip() if start(f.low if f.raw == line else line.strip().casefold()) else None
        for line, f in zip(lines, forms, strict=True)
    ]


def byline_matches(lines: list[Folded], pack: LanguagePack) -> list[bool]:
    """Per line of a page: whether the pack's byline pattern matches it at all (what
    :func:`folded_parse_byline` tests before parsing; the rare hits are parsed when asked)."""
    match = _rules(pack).byline.match
    return [len(f.raw) <= 140 and match(f.raw) is not None for f in lines]


def caption_marked(lines: list[Folded], pack: LanguagePack) -> bytearray:
    """Per line of a page: whether it holds a caption marker ("(Archivbild)"), as
    :func:`folded_split_caption` asks; one substring search per marker over the page."""
    return lines_containing([f.low for f in lines], _rules(pack).caption_needles)


def is_tag_line(line: str, pack: LanguagePack) -> bool:
    """A keyword line: 2-6 words, mostly lowercase or all bare nouns, no sentence punctuation.

    Catches "Belarus Russia ukraine krieg" and "urkaine krieg": lines of topic tags that news
    sites print under pictures. Real subheadings are title-cased prose and usually contain a
    verb or a function word; tag lines have neither.
    """
    raw = line.strip()
    return may_be_tag_line(raw) and tag_line_words(words(raw), pack)


def may_be_tag_line(raw: str) -> bool:
    """The cheap half of :func:`is_tag_line` (``raw`` stripped): no sentence punctuation."""
    return bool(raw) and not ends_sentence(raw) and _TAG_PUNCT.search(raw) is None


def tag_line_words(ws: list[str], pack: LanguagePack) -> bool:
    """The other half of :func:`is_tag_line`, on the line's :func:`words`."""
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
    return folded_parse_byline(fold_ws(line), pack)


def folded_parse_byline(raw: str, pack: LanguagePack) -> Byline | None:
    """:func:`parse_byline` of a line already folded (:func:`fold_ws`)."""
    if len(raw) > 140:
        return None
    m = _rules(pack).byline.match(raw)
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
# "... in Minsk. (Archivbild) - keystone": ``\s+[-–—|]\s+(?P<credit>...)\s*$`` read on a folded
# line (single spaces, none at the edges), where each ``\s+`` can only be one space; a literal
# space lets the regex engine skip to the spaces instead of trying every position
_CAPTION_TAIL = re.compile(r" [-–—|] (?P<credit>[\w .,/&'’-]{2,60}?)\s*$")


def split_caption(line: str, pack: LanguagePack) -> tuple[str, str | None] | None:
    """(caption, credit) if the line looks like a photo caption, else None.

    Captions are sentences about a picture that end in a credit ("- keystone", "- dpa-infocom
    GmbH", "Copyright ... via AP") or carry a marker like "(Archivbild)". A plain sentence with
    neither is left to the classifier: most captions on the seeds pages end in a credit.
    """
    return folded_split_caption(Folded.of(line), pack)


def folded_split_caption(
    line: Folded, pack: LanguagePack, has_marker: bool | None = None
) -> tuple[str, str | None] | None:
    """:func:`split_caption` of a line's :class:`Folded` forms; ``has_marker``: whether the line
    holds a caption marker, when known already (:func:`caption_marked`)."""
    raw = line.raw
    rules = _rules(pack)
    if has_marker is None:
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
