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
from dataclasses import dataclass
from functools import cache

import numpy as np

from storyline.clean.cues import all_folded
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


@dataclass(frozen=True)
class _Cues:
    """A language pack's cue lists compiled for fast per-line matching."""

    function_words: frozenset[str]
    navigation: frozenset[str]
    advertisement: frozenset[str]
    related: frozenset[str]
    related_prefix: re.Pattern[str] | None
    key_points: frozenset[str]
    share: tuple[str, ...]
    legal: tuple[str, ...]
    caption: re.Pattern[str] | None
    credit: tuple[str, ...]
    counter: re.Pattern[str]
    byline: re.Pattern[str]
    months: frozenset[str]


def _alternation(items: frozenset[str]) -> re.Pattern[str] | None:  # caption markers
    if not items:
        return None
    return re.compile("|".join(re.escape(x) for x in sorted(items, key=len, reverse=True)))


@cache
def _cues(language: str | None) -> _Cues:
    pack: LanguagePack = get_pack(language)
    short_headers = sorted((h for h in pack.related_headers if len(h.split()) <= 2), key=len)
    prefix = (
        re.compile(r"^(?:" + "|".join(re.escape(h) for h in short_headers) + r")(?: \S+){1,3}$")
        if short_headers
        else None
    )
    return _Cues(
        function_words=pack.function_words,
        navigation=pack.navigation,
        advertisement=pack.advertisement,
        related=pack.related_headers,
        related_prefix=prefix,
        key_points=frozenset(k.rstrip(":") for k in pack.key_point_headers),
        share=tuple(sorted(pack.share_contains)),
        legal=tuple(sorted(pack.legal_contains)),
        caption=_alternation(pack.caption_markers),
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
    more than everything else together.
    """
    joined = "\n".join(texts)
    cp = np.frombuffer(joined.encode("utf-32-le", "replace"), dtype=np.uint32)
    cls = _char_table()[np.minimum(cp, 0xFFFF)]
    space = (cls & _SPACE) > 0
    word_start = ~space
    word_start[1:] &= space[:-1]
    nxt = np.full_like(cls, _SPACE)
    nxt[:-1] = cls[1:]
    nxt2 = np.full_like(cls, _SPACE)
    nxt2[:-2] = cls[2:]
    upper = (cls & _UPPER) > 0
    cols = np.empty((10, cls.shape[0]), dtype=np.int32)
    cols[0] = 1
    cols[1] = (cls & _LETTER) > 0
    cols[2] = upper
    cols[3] = (cls & _DIGIT) > 0
    cols[4] = (cls & _PUNCT) > 0
    cols[5] = (cls & _COMMA) > 0
    cols[6] = (cls & _SEP) > 0
    cols[7] = word_start
    cols[8] = word_start & upper
    cols[9] = ((cls & _STOP) > 0) & ((nxt & _SPACE) > 0) & ((nxt2 & (_UPPER | _PUNCT)) > 0)
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum([len(t) + 1 for t in texts[:-1]], out=starts[1:])
    counts = np.add.reduceat(cols, starts, axis=1).T.astype(np.float64)
    counts[:, 0] = [len(t) for t in texts]  # without the joining newline
    return counts


def _contains_any(text: str, needles: tuple[str, ...]) -> bool:
    """Substring test for a few dozen cues: plain ``in`` beats a regex alternation here."""
    for needle in needles:  # noqa: SIM110 -- a loop is twice as fast as any(<genexpr>)
        if needle in text:
            return True
    return False


def _cue_row(line: str, low: str, n_words: int, has_digit: bool, cues: _Cues) -> list[float]:
    """Features that need the line's words or the pack's cue lists (the Python part).

    ``low`` is the casefolded line. Cheap tests gate the costly ones (a counter needs a digit,
    a share widget is short, a caption is not a whole page of text).
    """
    toks = low.split()
    norm = low.strip(_EDGE)
    tail = line.rstrip(_CLOSERS)
    last = tail[-1:]
    short = len(norm) <= 60
    nav = short and norm in cues.navigation
    related = short and (
        norm in cues.related
        or (cues.related_prefix is not None and cues.related_prefix.match(norm) is not None)
    )
    share = n_words <= 12 and _contains_any(low, cues.share)
    ad = short and norm in cues.advertisement
    legal = n_words <= 30 and _contains_any(low, cues.legal)
    counter = has_digit and short and cues.counter.match(norm) is not None
    credit = low.startswith(cues.credit)
    first = line[0]
    return [
        sum(map(cues.function_words.__contains__, toks)),
        last in _SENT_END_CHARS and last != "",
        line[-1] == ":",
        _BULLET.match(line) is not None,
        "http" in low or "www." in low or "@" in line,
        "©" in line or "(c)" in low,
        has_digit and _DATE_TIME.search(line) is not None,
        not cues.months.isdisjoint(toks),
        nav,
        related,
        share,
        ad,
        legal,
        counter,
        short and norm in cues.key_points,
        len(line) <= 140 and cues.byline.match(line) is not None,
        len(line) <= 400 and cues.caption is not None and cues.caption.search(low) is not None,
        credit,
        nav or related or share or ad or legal or counter or credit,
        first in _QUOTES,
        last in ("?", "!"),
        first.islower(),
    ]


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


def _base_features(texts: list[str], cues: _Cues) -> np.ndarray:
    """The :data:`BASE_NAMES` columns of a page's non-blank, whitespace-folded lines."""
    n = len(texts)
    cc = _char_counts(texts)
    chars, letters, upper, digits, punct, commas, seps, words, caps, breaks = cc.T
    has_digit = digits > 0
    lows = "\n".join(texts).casefold().split("\n")
    rows = [
        _cue_row(t, low, w, d, cues)
        for t, low, w, d in zip(texts, lows, words.tolist(), has_digit.tolist(), strict=True)
    ]
    cue = np.array(rows, dtype=np.float64)[:, : len(_CUE_COLS)]
    base = np.zeros((n, len(BASE_NAMES)))
    for j, name in enumerate(_CUE_COLS):
        base[:, _B[name]] = cue[:, j]
    fw = cue[:, 0]
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
    return base


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
    X = np.empty((n, len(FEATURE_NAMES)))
    if n == 0:
        return X, index
    base = X[:, :_N_BASE]
    base[:] = _base_features(texts, _cues(language))

    counts: dict[str, int] = {}
    keys = [t.casefold() for t in texts]
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    base[:, _B["log_repeats"]] = np.log([counts[k] for k in keys])
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
    idx_i = np.arange(n)
    X[:, _OFF_NB:_OFF_WIN] = padded[idx_i[:, None] + pad + _OFFSETS].reshape(n, -1)

    # Window means of every window size, from one cumulative sum.
    c = np.zeros((n + 1, _N_WB))
    np.cumsum(base[:, _WIN_COLS], axis=0, out=c[1:])
    lo = np.maximum(idx_i - _HALVES, 0)  # (windows, lines)
    hi = np.minimum(idx_i + _HALVES + 1, n)
    means = (c[hi] - c[lo]) / (hi - lo)[:, :, None]  # (windows, lines, features)
    X[:, _OFF_WIN:_OFF_PAGE] = means.transpose(1, 0, 2).reshape(n, -1)

    # Page position and the main prose block.
    chars = np.array([len(t) for t in texts], dtype=np.float64)
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
