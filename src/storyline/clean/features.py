"""Line features for the plain-text cleaner's classifier.

A browser copy of a news page is a list of lines; whether one line is article text depends less
on the line itself than on its neighbourhood: a short sentence between two paragraphs is article
text, the same sentence under "Mehr zum Thema" is a teaser. So every line gets

* **its own shape**: length, words, function-word share (from the language pack), capitals,
  digits, punctuation, sentence endings, and cue matches (navigation, share widget, counter,
  advertisement, legal, related-articles header, byline, caption and credit markers);
* **its neighbours' shape**: the same few numbers for the three lines before and after it;
* **its place on the page**: prose density in windows of several sizes, distance to the page's
  densest block of prose, share of the page's prose above it, and whether a related-articles
  header stands between it and that block.

Everything is plain Python per line plus numpy per page, so it runs without scikit-learn and
fast enough for thousands of pages a second. The classifier stores :data:`FEATURE_NAMES` with
its weights and refuses to load weights made for other features.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np

from storyline.clean.cues import (
    all_folded,
    casefold_page,
    lines_containing_groups,
    minimal_needles,
)
from storyline.lang import get_pack
from storyline.lang.base import LanguagePack

#: Bump when a feature changes meaning; saved models record it.
FEATURE_VERSION = 2

_WS = re.compile(r"\s+")
# A date ("19.12.2022", "2022-12-19", "12/19/22") or a clock time ("17:29", "5.30"): one
# pattern anchored on a digit, so lines without digits cost nothing.
_DATE_TIME = re.compile(
    r"\d(?:\d?\.\s?\d{1,2}\.\s?\d{2}(?:\d{2})?|\d{3}-\d{2}-\d{2}|\d?/\d{1,2}/\d{2}|\d?[:.]\d{2}(?!\d))"
)
_BULLET = re.compile(r"^(?:[•·▪►▶‣◦∙*–—-]|\d{1,2}[.)])\s")
#: Characters stripped from a line's edges before whole-line cue lookups.
_EDGE = (
    "".join(chr(c) for c in range(0x2000, 0x2070)) + "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~«»„‚‹›·•"
)
_CLOSERS = "\"'“”»«)]’"
_QUOTES = "\"'„“”«»‚‘"
_SENT_END_CHARS = ".!?…"
_SENT_END_SET = frozenset(_SENT_END_CHARS)
#: first characters of a :data:`_BULLET` item (the digit case is tested with ``isdigit``)
_BULLET_FIRST = "•·▪►▶‣◦∙*–—-"

# Character classes, looked up per code point in one numpy pass over the page's text.
_LETTER, _UPPER, _DIGIT, _SPACE, _PUNCT, _STOP, _SEP, _COMMA = (1, 2, 4, 8, 16, 32, 64, 128)


@cache
def _char_table() -> np.ndarray:
    """Class bits of every BMP code point (astral ones are looked up as U+FFFF, "other")."""
    table = np.zeros(0x10000, dtype=np.uint8)
    for cp in range(0x10000):
        c = chr(cp)
        v = 0
        if c.isalpha():
            v |= _LETTER
            if c.isupper():
                v |= _UPPER
        elif c.isdigit():
            v |= _DIGIT
        elif c.isspace():
            v |= _SPACE
        elif c != "_":
            v |= _PUNCT
        table[cp] = v
    for c in _SENT_END_CHARS:
        table[ord(c)] |= _STOP
    for c in "|·•»›>/":
        table[ord(c)] |= _SEP
    table[ord(",")] |= _COMMA
    return table


#: Per-line features, in column order.
BASE_NAMES: tuple[str, ...] = (
    "log_chars",
    "log_words",
    "mean_word_len",
    "function_share",
    "log_function_words",
    "capital_share",
    "starts_lower",
    "digit_share",
    "punct_share",
    "ends_sentence",
    "ends_colon",
    "log_sentences",
    "comma_rate",
    "all_caps",
    "bullet",
    "log_separators",
    "url",
    "copyright",
    "date_time",
    "month",
    "cue_navigation",
    "cue_related",
    "cue_share",
    "cue_advertisement",
    "cue_legal",
    "cue_counter",
    "cue_key_points",
    "cue_byline",
    "cue_caption",
    "cue_credit",
    "tag_line",
    "log_repeats",
    "prose",
    "cue_any",
    "starts_quote",
    "ends_question",
    "upper_share",
    "blank_before",
    "blank_after",
    "isolated_prose",
)
_B = {n: i for i, n in enumerate(BASE_NAMES)}

#: Base features copied from the neighbouring lines.
NEIGHBOUR_BASE: tuple[str, ...] = (
    "log_chars",
    "function_share",
    "ends_sentence",
    "punct_share",
    "capital_share",
    "cue_any",
    "prose",
    "log_repeats",
    "blank_before",
    "tag_line",
    "ends_colon",
    "bullet",
)
NEIGHBOUR_OFFSETS: tuple[int, ...] = (-3, -2, -1, 1, 2, 3)
#: Base features averaged over centred windows of these half-widths.
WINDOW_BASE: tuple[str, ...] = ("prose", "log_chars", "function_share", "cue_any", "isolated_prose")
WINDOWS: tuple[int, ...] = (2, 5, 10, 25)

PAGE_NAMES: tuple[str, ...] = (
    "rel_index",
    "rel_chars_before",
    "prose_before",
    "prose_after",
    "prose_prev5",
    "prose_next5",
    "prose_prev15",
    "prose_next15",
    "main_dist",
    "main_log_dist",
    "in_main",
    "main_edge_dist",
    "related_above_main",
    "log_since_related",
    "chars_vs_max",
    "chars_vs_median",
    "log_lines",
    "blank_share",
    "log_prose_chars",
    "log_prev_prose",
    "log_next_prose",
    "log_block_lines",
    "block_position",
    "block_mean_chars",
    "block_prose",
)

FEATURE_NAMES: tuple[str, ...] = (
    BASE_NAMES
    + tuple(f"{n}@{o:+d}" for o in NEIGHBOUR_OFFSETS for n in NEIGHBOUR_BASE)
    + tuple(f"{n}~{w}" for w in WINDOWS for n in WINDOW_BASE)
    + PAGE_NAMES
)

#: Value of a neighbour feature beyond the page's first or last line.
MISSING = -1.0


#: Bits of :attr:`_Cues.whole_lines`: the whole-line lists a normalised line is in.
_NAV, _RELATED, _AD, _KEY_POINTS = 1, 2, 4, 8


@dataclass(frozen=True)
class _Cues:
    """A language pack's cue lists compiled for fast per-line matching."""

    function_words: frozenset[str]
    #: normalised whole line -> the lists it is in (:data:`_NAV`, :data:`_RELATED`, ...)
    whole_lines: dict[str, int]
    related_prefix: re.Pattern[str] | None
    share: tuple[str, ...]
    legal: tuple[str, ...]
    caption: tuple[str, ...]
    credit: tuple[str, ...]
    counter: re.Pattern[str]
    byline: re.Pattern[str]
    months: frozenset[str]


@cache
def _cues(language: str | None) -> _Cues:
    pack: LanguagePack = get_pack(language)
    short_headers = sorted((h for h in pack.related_headers if len(h.split()) <= 2), key=len)
    prefix = (
        re.compile(r"^(?:" + "|".join(re.escape(h) for h in short_headers) + r")(?: \S+){1,3}$")
        if short_headers
        else None
    )
    whole_lines: dict[str, int] = {}
    for bit, lines in (
        (_NAV, pack.navigation),
        (_RELATED, pack.related_headers),
        (_AD, pack.advertisement),
        (_KEY_POINTS, frozenset(k.rstrip(":") for k in pack.key_point_headers)),
    ):
        for line in lines:
            whole_lines[line] = whole_lines.get(line, 0) | bit
    return _Cues(
        function_words=pack.function_words,
        whole_lines=whole_lines,
        related_prefix=prefix,
        share=minimal_needles(pack.share_contains),
        legal=minimal_needles(pack.legal_contains),
        caption=minimal_needles(pack.caption_markers),
        credit=tuple(pack.credit_prefixes),
        counter=re.compile(pack.counter_re, re.IGNORECASE),
        # Only whether the line is a byline matters here; named groups are dropped because
        # the union pack ORs the packs' patterns and would repeat a group name.
        byline=re.compile(re.sub(r"\(\?P<\w+>", "(?:", pack.byline_re), re.IGNORECASE),
        months=frozenset(m.rstrip(".") for m in pack.months),
    )


def _char_counts(texts: list[str]) -> np.ndarray:
    """Per-line character statistics of the whole page in one vectorised pass.

    Columns: chars, letters, upper-case letters, digits, punctuation, commas, separators
    (``|``, ``»``, ``/``...), words (runs of non-space), capitalised words, sentence breaks
    (``.!?`` then a space then a capital or quote). Looping over characters in Python would cost
    more than everything else together. The 0/1 rows are bytes, summed per line by one
    ``reduceat``; lines start after the joining line breaks.
    """
    joined = "\n".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le", "replace"), dtype=np.uint32)
    cls = _char_table().take(np.minimum(cp, 0xFFFF))
    space = (cls & _SPACE) > 0
    upper = (cls & _UPPER) > 0
    rows = np.empty((9, cls.shape[0]), dtype=np.uint8)
    for k, bit in enumerate((_LETTER, _UPPER, _DIGIT, _PUNCT, _COMMA, _SEP)):
        np.greater(cls & bit, 0, out=rows[k].view(np.bool_))
    word_start = ~space  # a non-space after a space (or at the start)
    word_start[1:] &= space[:-1]
    rows[6] = word_start
    rows[7] = word_start & upper
    # a stop, then a space, then a capital or punctuation (never in the last two characters)
    rows[8, -2:] = 0
    rows[8, :-2] = ((cls[:-2] & _STOP) > 0) & space[1:-1] & ((cls[2:] & (_UPPER | _PUNCT)) > 0)
    n = len(texts)
    starts = np.zeros(n, dtype=np.intp)
    breaks = np.flatnonzero(cp == 10)
    if breaks.shape[0] == n - 1:
        starts[1:] = breaks + 1
    else:  # a line with a line break inside: never from :func:`prepare`, but not wrong then
        np.cumsum([len(t) + 1 for t in texts[:-1]], out=starts[1:])
    counts = np.empty((n, 10))
    counts[:, 0] = np.diff(starts, append=cp.shape[0] + 1) - 1  # without the line break
    counts[:, 1:] = np.add.reduceat(rows, starts, axis=1, dtype=np.int32).T
    return counts


def _flags(col: list[bool]) -> np.ndarray:
    """A list of bools as a numpy bool array (through ``bytes``: several times faster than
    numpy's conversion of Python objects one by one)."""
    return np.frombuffer(bytes(col), dtype=np.bool_)


def _cue_columns(
    texts: list[str], low_page: str, words: np.ndarray, has_digit: list[bool], cues: _Cues
) -> np.ndarray:
    """Features that need the line's words or the pack's cue lists: the :data:`_CUE_COLS`,
    one row each.

    ``low_page`` is the page's lines joined by line breaks and casefolded. Computed column by
    column over the whole page (list comprehensions, one substring search per cue over the
    page, word lookups over all the page's words at once) rather than line by line: a page has
    a few hundred lines, and per-line calls cost more than the tests themselves. Cheap tests
    gate the costly ones (a counter needs a digit, a share widget is short, a caption is not a
    whole page of text).
    """
    lows = low_page.split("\n")
    norms = [low.strip(_EDGE) for low in lows]
    fw, month = _word_hits(low_page, words, cues)
    lasts = [t.rstrip(_CLOSERS)[-1:] for t in texts]
    firsts = [t[0] for t in texts]
    # whole-line lists: one dict lookup per short line gives every list the line is in
    kinds = np.array(
        [cues.whole_lines.get(x, 0) if len(x) <= 60 else 0 for x in norms], dtype=np.uint8
    )
    nav = (kinds & _NAV) > 0
    related = (kinds & _RELATED) > 0
    prefix = cues.related_prefix
    if prefix is not None:
        match = prefix.match
        related |= _flags([len(x) <= 60 and match(x) is not None for x in norms])
    ads = (kinds & _AD) > 0
    # the substrings looked for in every line, in one join of the page: "@" and "©" are in a
    # line exactly when they are in its casefolded form (nothing else casefolds to them)
    url, copyright_, caption, legal, share = (
        np.frombuffer(x, dtype=np.bool_)
        for x in lines_containing_groups(
            lows, ("http", "www.", "@"), ("©", "(c)"), cues.caption, cues.legal, cues.share
        )
    )
    legal = legal & (words <= 30)
    share = share & (words <= 12)
    counter = cues.counter.match
    counters = _flags(
        [
            d and len(x) <= 60 and counter(x) is not None
            for x, d in zip(norms, has_digit, strict=True)
        ]
    )
    credit = _flags([x.startswith(cues.credit) for x in lows])
    byline = cues.byline.match
    bullet = _BULLET.match
    date_time = _DATE_TIME.search
    out = np.empty((len(_CUE_COLS), len(texts)))
    out[0] = fw
    out[1] = _flags([x in _SENT_END_SET for x in lasts])
    out[2] = _flags([t[-1] == ":" for t in texts])
    out[3] = _flags(
        [
            (c in _BULLET_FIRST or c.isdigit()) and bullet(t) is not None
            for t, c in zip(texts, firsts, strict=True)
        ]
    )
    out[4] = url
    out[5] = copyright_
    out[6] = _flags([d and date_time(t) is not None for t, d in zip(texts, has_digit, strict=True)])
    out[7] = month
    out[8] = nav
    out[9] = related
    out[10] = share
    out[11] = ads
    out[12] = legal
    out[13] = counters
    out[14] = (kinds & _KEY_POINTS) > 0
    out[15] = _flags([len(t) <= 140 and byline(t) is not None for t in texts])
    out[16] = caption & (np.array([len(t) for t in texts]) <= 400)
    out[17] = credit
    out[18] = nav | related | share | ads | legal | counters | credit
    out[19] = _flags([c in _QUOTES for c in firsts])
    out[20] = _flags([c in ("?", "!") for c in lasts])
    out[21] = _flags([c.islower() for c in firsts])
    return out


def _word_hits(low_page: str, words: np.ndarray, cues: _Cues) -> tuple[np.ndarray, np.ndarray]:
    """Per line: how many of its words are function words, and whether one is a month name.

    The page's words are split once (``low_page.split()`` is every line's ``split()`` in a
    row: no line is blank, and a line break is whitespace), looked up once, and summed per line
    with ``np.add.reduceat`` at the lines' first words. ``words`` (per-line counts of runs of
    non-space characters) tells where each line's words start.
    """
    toks = low_page.split()
    counts = words.astype(np.int64)
    if counts.sum() != len(toks) or (counts < 1).any():  # never on folded, non-blank lines
        per_line = [low.split() for low in low_page.split("\n")]
        return (
            np.array([sum(map(cues.function_words.__contains__, t)) for t in per_line]),
            np.array([not cues.months.isdisjoint(t) for t in per_line]),
        )
    firsts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=firsts[1:])
    fw = np.frombuffer(bytes(map(cues.function_words.__contains__, toks)), dtype=np.bool_)
    # most pages name no month: one set intersection answers for the whole page
    found = cues.months.intersection(toks)
    if not found:
        months = np.zeros(len(counts), dtype=np.bool_)
    else:
        hits = np.frombuffer(bytes(map(found.__contains__, toks)), dtype=np.bool_)
        months = np.add.reduceat(hits, firsts, dtype=np.int64) > 0
    return np.add.reduceat(fw, firsts, dtype=np.int64), months


_CUE_COLS = (
    "log_function_words",
    "ends_sentence",
    "ends_colon",
    "bullet",
    "url",
    "copyright",
    "date_time",
    "month",
    "cue_navigation",
    "cue_related",
    "cue_share",
    "cue_advertisement",
    "cue_legal",
    "cue_counter",
    "cue_key_points",
    "cue_byline",
    "cue_caption",
    "cue_credit",
    "cue_any",
    "starts_quote",
    "ends_question",
    "starts_lower",
)


_CUE_IDX = [_B[name] for name in _CUE_COLS]


def _base_features(texts: list[str], cues: _Cues, base: np.ndarray) -> np.ndarray:
    """Write the :data:`BASE_NAMES` columns of a page's non-blank, whitespace-folded lines into
    ``base`` (zeros where :func:`page_features` fills in the rest); returns the lines' lengths.
    """
    cc = _char_counts(texts)
    chars, letters, upper, digits, punct, commas, seps, words, caps, breaks = cc.T
    has_digit = (digits > 0).tolist()
    low_page = casefold_page("\n".join(texts))
    base[:] = 0.0
    cue = _cue_columns(texts, low_page, words, has_digit, cues)
    base[:, _CUE_IDX] = cue.T
    fw = cue[0]
    nw = np.maximum(words, 1.0)
    base[:, _B["log_function_words"]] = np.log1p(fw)
    base[:, _B["log_chars"]] = np.log1p(chars)
    base[:, _B["log_words"]] = np.log1p(words)
    base[:, _B["mean_word_len"]] = np.minimum(chars / nw, 20.0)
    base[:, _B["function_share"]] = fw / nw
    base[:, _B["capital_share"]] = caps / nw
    base[:, _B["digit_share"]] = digits / chars
    base[:, _B["punct_share"]] = punct / chars
    base[:, _B["log_sentences"]] = np.log1p(breaks)
    base[:, _B["comma_rate"]] = commas / nw
    base[:, _B["all_caps"]] = (letters >= 4) & (upper == letters)
    base[:, _B["log_separators"]] = np.log1p(seps)
    base[:, _B["upper_share"]] = upper / np.maximum(letters, 1.0)
    ends = base[:, _B["ends_sentence"]]
    # A keyword line ("urkaine krieg"): few words, mostly lower case, no function words, no
    # punctuation at all.
    base[:, _B["tag_line"]] = (
        (words >= 1)
        & (words <= 6)
        & (fw == 0)
        & (punct == 0)
        & ((words - caps) >= np.maximum(1, words // 2))
    )
    base[:, _B["prose"]] = (words >= 8) & (fw >= 2) & (ends > 0)
    return chars


def _median(x: np.ndarray) -> float:
    """``np.median`` without its overhead (it costs more than the sort on a page's lines)."""
    s = np.sort(x)
    n = s.shape[0]
    return float(0.5 * (s[(n - 1) // 2] + s[n // 2]))


def prepare(lines: list[str]) -> tuple[list[str], list[int], list[int], list[int]]:
    """Fold whitespace, and find the non-blank lines and the blank runs around them.

    Returns the folded non-blank lines, their indices in ``lines``, and for each the number of
    blank lines just before and just after it.
    """
    if all(lines):  # the text cleaner's lines: none blank, so no blank runs to count
        n = len(lines)
        if all_folded(lines):
            return list(lines), list(range(n)), [0] * n, [0] * n
    index = [i for i, raw in enumerate(lines) if raw]
    texts = [lines[i] for i in index]
    # Lines from the text cleaner are folded already: one check replaces a fold per line.
    # Otherwise (a blank or unfolded line) fold line by line.
    if not all_folded(texts):
        folded = [(i, " ".join(raw.split())) for i, raw in enumerate(lines)]
        index = [i for i, t in folded if t]
        texts = [t for _, t in folded if t]
    before = [b - a - 1 for a, b in itertools.pairwise([-1, *index])]
    after = [b - a - 1 for a, b in itertools.pairwise([*index, len(lines)])]
    return texts, index, before, after


_NB_COLS = [_B[x] for x in NEIGHBOUR_BASE]
_WIN_COLS = [_B[x] for x in WINDOW_BASE]
_N_BASE = len(BASE_NAMES)
_N_NB = len(NEIGHBOUR_BASE)
_N_WB = len(WINDOW_BASE)
_OFF_NB = _N_BASE
_OFF_WIN = _OFF_NB + len(NEIGHBOUR_OFFSETS) * _N_NB
_OFF_PAGE = _OFF_WIN + len(WINDOWS) * _N_WB
_P = {name: i for i, name in enumerate(PAGE_NAMES)}
_OFFSETS = np.array(NEIGHBOUR_OFFSETS)
_HALVES = np.array(WINDOWS)[:, None]


def page_features(lines: list[str], language: str | None = None) -> tuple[np.ndarray, list[int]]:
    """Feature matrix of a page's non-blank lines, and their indices in ``lines``.

    Blank lines get no row: they only shape their neighbours' ``blank_before``/``blank_after``
    and the page's ``blank_share`` (a page given without blank lines is recognisable as such).
    """
    texts, index, before, after = prepare(lines)
    n = len(texts)
    # column-major: features are written column by column here, and the trees read them as
    # rows of the transposed matrix
    X = np.empty((n, len(FEATURE_NAMES)), order="F")
    if n == 0:
        return X, index
    base = X[:, :_N_BASE]
    chars = _base_features(texts, _cues(language), base)

    # how often each line occurs on the page, casefolded (one casefold of the whole page: a
    # line break never comes out of casefolding another character)
    keys = casefold_page("\n".join(texts)).split("\n")
    counts = Counter(keys)
    base[:, _B["log_repeats"]] = np.log(np.fromiter(map(counts.__getitem__, keys), np.float64, n))
    base[:, _B["blank_before"]] = np.minimum(before, 2)
    base[:, _B["blank_after"]] = np.minimum(after, 2)
    # A prose line alone between non-prose lines: a teaser's summary, rarely an article's
    # paragraph (those come in runs).
    prose = base[:, _B["prose"]]
    pr = np.concatenate([[0.0], prose, [0.0]])
    base[:, _B["isolated_prose"]] = prose * (1 - pr[:-2]) * (1 - pr[2:])

    # Neighbours: the few base features of the lines 1-3 above and below, in one gather.
    pad = _OFFSETS.max()
    padded = np.full((n + 2 * pad, _N_NB), MISSING)
    padded[pad : pad + n] = base[:, _NB_COLS]
    for k, offset in enumerate(NEIGHBOUR_OFFSETS):  # one block copy per offset
        at = _OFF_NB + k * _N_NB
        X[:, at : at + _N_NB] = padded[pad + offset : pad + offset + n]
    idx_i = np.arange(n)

    # Window means of every window size, from one cumulative sum.
    c = np.zeros((n + 1, _N_WB))
    np.cumsum(base[:, _WIN_COLS], axis=0, out=c[1:])
    lo = np.maximum(idx_i - _HALVES, 0)  # (windows, lines)
    hi = np.minimum(idx_i + _HALVES + 1, n)
    means = (c[hi] - c[lo]) / (hi - lo)[:, :, None]  # (windows, lines, features)
    X[:, _OFF_WIN:_OFF_PAGE] = means.transpose(1, 0, 2).reshape(n, -1)

    # Page position and the main prose block.
    prose_chars = prose * chars
    total_chars = chars.sum()
    total_prose = prose_chars.sum()
    cp = np.zeros(n + 1)
    np.cumsum(prose, out=cp[1:])
    cum_chars = np.cumsum(chars) - chars
    cum_prose = np.cumsum(prose_chars) - prose_chars
    page = X[:, _OFF_PAGE:]
    P = _P
    if total_prose > 0:
        page[:, P["prose_before"]] = cum_prose / total_prose
        page[:, P["prose_after"]] = 1.0 - (cum_prose + prose_chars) / total_prose
    else:
        page[:, P["prose_before"]] = 0.0
        page[:, P["prose_after"]] = 0.0
    for name, k, side in (
        ("prose_prev5", 5, True),
        ("prose_next5", 5, False),
        ("prose_prev15", 15, True),
        ("prose_next15", 15, False),
    ):
        if side:
            lo, hi = np.maximum(idx_i - k, 0), idx_i
        else:
            lo, hi = idx_i + 1, np.minimum(idx_i + 1 + k, n)
        cnt = hi - lo
        page[:, P[name]] = np.where(cnt > 0, (cp[hi] - cp[lo]) / np.maximum(cnt, 1), 0.0)
    cpc = np.zeros(n + 1)
    np.cumsum(prose_chars, out=cpc[1:])
    lo5, hi5 = np.maximum(idx_i - 5, 0), np.minimum(idx_i + 6, n)
    density = (cpc[hi5] - cpc[lo5]) / (hi5 - lo5)
    center = int(np.argmax(density)) if total_prose > 0 else n // 2
    # The main block: the run of lines around the densest point that have a prose line within
    # three lines.
    lo3, hi3 = np.maximum(idx_i - 3, 0), np.minimum(idx_i + 4, n)
    near = (cp[hi3] - cp[lo3]) > 0
    lo = hi = center
    if near[center]:
        gaps = np.flatnonzero(~near)
        left = gaps[gaps < center]
        right = gaps[gaps > center]
        lo = int(left[-1]) + 1 if left.size else 0
        hi = int(right[0]) - 1 if right.size else n - 1
    idx = idx_i.astype(np.float64)
    dist = idx - center
    in_main = (idx >= lo) & (idx <= hi)
    edge = np.where(in_main, -np.minimum(idx - lo, hi - idx), np.maximum(lo - idx, idx - hi))
    # Related-articles headers below the main block's centre and above the line.
    rel = base[:, _B["cue_related"]]
    rel_after_center = np.where(idx > center, rel, 0.0)
    related_above = np.minimum(np.cumsum(rel_after_center) - rel_after_center, 3.0)
    # lines since the last related header above (0 when there is none)
    marks = np.where(rel > 0, idx_i, -1)
    last = np.concatenate([[-1], np.maximum.accumulate(marks)[:-1]])
    since = np.where(last >= 0, np.log1p(idx_i - last), 0.0)

    page[:, P["rel_index"]] = idx / max(n - 1, 1)
    page[:, P["rel_chars_before"]] = cum_chars / max(total_chars, 1.0)
    page[:, P["main_dist"]] = dist / n
    page[:, P["main_log_dist"]] = np.sign(dist) * np.log1p(np.abs(dist))
    page[:, P["in_main"]] = in_main
    page[:, P["main_edge_dist"]] = np.sign(edge) * np.log1p(np.abs(edge))
    page[:, P["related_above_main"]] = related_above
    page[:, P["log_since_related"]] = since
    page[:, P["chars_vs_max"]] = chars / chars.max()
    page[:, P["chars_vs_median"]] = np.log(chars / max(_median(chars), 1.0))
    page[:, P["log_lines"]] = math.log(n)
    page[:, P["blank_share"]] = (len(lines) - n) / len(lines)
    page[:, P["log_prose_chars"]] = math.log1p(total_prose)
    # Lines since the previous / until the next prose line (page length when there is none).
    marks = np.where(prose > 0, idx_i, -1)
    prev = np.concatenate([[-1], np.maximum.accumulate(marks)[:-1]])
    page[:, P["log_prev_prose"]] = np.log1p(np.where(prev >= 0, idx_i - prev, n))
    marks = np.where(prose > 0, idx_i, n)
    nxt = np.concatenate([np.minimum.accumulate(marks[::-1])[::-1][1:], [n]])
    page[:, P["log_next_prose"]] = np.log1p(np.where(nxt < n, nxt - idx_i, n))
    # Blocks: runs of lines without a blank line between them (a menu, a list, a paragraph).
    block = np.cumsum(np.asarray(before) > 0)
    block -= block[0]
    sizes = np.bincount(block)
    size = sizes[block]
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]])[block]
    page[:, P["log_block_lines"]] = np.log(size)
    page[:, P["block_position"]] = (idx_i - start) / np.maximum(size - 1, 1)
    page[:, P["block_mean_chars"]] = np.log1p(np.bincount(block, weights=chars)[block] / size)
    page[:, P["block_prose"]] = np.bincount(block, weights=prose)[block] / size
    return X, index
