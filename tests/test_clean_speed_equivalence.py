"""The text cleaner's fast paths give exactly what the plain versions they replace gave.

The cleaner folds, casefolds and scores lines with shortcuts (string methods instead of regex
substitutions, one pass over a whole page instead of one per line, each distinct tree split
compared once, cue substrings searched once per page, cue features built column by column,
per-line cue answers set for the whole page up front). Each shortcut is checked here against
the straightforward form on awkward input: odd Unicode whitespace, edge punctuation, case,
empty and blank lines, line breaks inside a "line".
"""

from __future__ import annotations

import itertools
import random
import re

import numpy as np
import pytest

from storyline.clean import cues
from storyline.clean.classifier import ObliviousForest, default_classifier
from storyline.clean.features import prepare
from storyline.clean.text import split_lines
from storyline.lang import get_pack
from storyline.lang.base import LanguagePack

_SPACES = [" ", "  ", "\t", "\u00a0", "\u2009", "\u202f", "\u2003", "\x0b", "\x0c", "\x85"]
_PIECES = ["Foto: dpa", "Straße", "İstanbul", "ẞ", "—", "«Hallo»", "...", "_x_", "1.", "ﬁ", "é"]


def _random_lines(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(_PIECES + _SPACES + ["", "\n", "\r"]) for _ in range(rng.randint(0, 6))]
        out.append("".join(parts))
    return out


def _slow_norm(line: str) -> str:
    folded = re.sub(r"\s+", " ", line).strip().casefold()
    return re.sub(r"^[\W_]+|[\W_]+$", "", folded)


@pytest.mark.parametrize("seed", range(5))
def test_folded_forms_match_regex_forms(seed: int) -> None:
    lines = _random_lines(seed, 300)
    for line in lines:
        forms = cues.Folded.of(line)
        assert forms.raw == re.sub(r"\s+", " ", line).strip()
        assert forms.low == forms.raw.casefold()
        assert forms.norm == _slow_norm(line) == cues.norm(line)


@pytest.mark.parametrize("seed", range(5))
def test_fold_lines_matches_line_by_line(seed: int) -> None:
    rng = random.Random(seed)
    pool = _random_lines(seed, 200)
    folded = [cues.fold_ws(x) for x in pool if cues.fold_ws(x)]
    for _ in range(200):
        # pages of folded lines take the one-pass path, the others fall back line by line
        source = folded if rng.random() < 0.5 else pool
        lines = rng.sample(source, rng.randint(0, 8))
        assert cues.fold_lines(lines) == [cues.Folded.of(x) for x in lines]


def test_split_lines_folds_like_per_line_substitution() -> None:
    ws = re.compile(r"[ \t\u00a0\u2009\u202f]+")
    # shorter than 40 characters: too short to be taken for hard-wrapped text and unwrapped
    lines = [x for x in _random_lines(7, 600) if len(x) < 40][:400]
    for i in range(0, 400, 20):
        text = "\n".join(lines[i : i + 20])
        unix = text.replace("\r\n", "\n").replace("\r", "\n")
        expected = [ws.sub(" ", r).strip() for r in unix.split("\n")]
        got = [ln.text for ln in split_lines(text)]
        assert got == [x for x in expected if x]
        assert all(ln.forms == cues.Folded.of(ln.text) for ln in split_lines(text))


def _slow_prepare(lines: list[str]) -> tuple[list[str], list[int], list[int], list[int]]:
    texts, index, before = [], [], []
    last = -1
    for i, raw in enumerate(lines):
        t = " ".join(raw.split())
        if t:
            texts.append(t)
            index.append(i)
            before.append(i - last - 1)
            last = i
    after = [b - a - 1 for a, b in itertools.pairwise(index)]
    if index:
        after.append(len(lines) - 1 - index[-1])
    return texts, index, before, after


@pytest.mark.parametrize("seed", range(5))
def test_prepare_matches_line_by_line(seed: int) -> None:
    rng = random.Random(seed)
    pool = [*_random_lines(seed, 100), "Ein Satz.", "Zwei Wörter", "", " "]
    for _ in range(300):
        lines = [rng.choice(pool) for _ in range(rng.randint(0, 10))]
        assert prepare(lines) == _slow_prepare(lines)


def _slow_decision(forest: ObliviousForest, X: np.ndarray) -> np.ndarray:
    """The previous evaluation: every split of every tree compared, leaves as a dot product."""
    n = X.shape[0]
    T, D = forest.features_.shape
    bits = np.take(X, forest.features_.ravel(), axis=1) > forest.thresholds_.ravel()
    pow2 = (1 << np.arange(D - 1, -1, -1)).astype(np.float32)
    leaf = np.dot(bits.reshape(n * T, D).view(np.uint8).astype(np.float32), pow2)
    leaf = leaf.reshape(n, T).astype(np.intp) + np.arange(T, dtype=np.intp) * 2**D
    return forest.base_ + np.take(forest.values_.ravel(), leaf).sum(axis=1)


@pytest.mark.parametrize("stage", ["lines_", "context_"])
def test_forest_scores_are_bit_identical(stage: str) -> None:
    forest: ObliviousForest = getattr(default_classifier(), stage)
    rng = np.random.default_rng(0)
    n_features = int(forest.features_.max()) + 1
    # values at the thresholds themselves are the ties a comparison could get wrong
    X = rng.normal(size=(257, n_features))
    X[::3, forest.features_[:, 0]] = forest.thresholds_[:, 0]
    assert forest.decision_function(X).tobytes() == _slow_decision(forest, X).tobytes()


# -- page-at-once cue checks (session 7) ------------------------------------------------------

_PACKS = ["de", "en", None]


def _cue_pool(code: str | None) -> list[str]:
    """Lines made of the pack's own cues, with the edge punctuation, case and odd whitespace
    that the fast paths must treat exactly like the per-line rules."""
    pack = get_pack(code)
    phrases = [
        *sorted(pack.navigation)[:40],
        *sorted(pack.related_headers)[:30],
        *sorted(pack.share_contains),
        *sorted(pack.advertisement),
        *sorted(pack.legal_contains),
        *sorted(pack.key_point_headers),
        *sorted(pack.caption_markers),
        *sorted(pack.credit_prefixes),
        *sorted(pack.months)[:12],
        "Von Anna Muster und Max Beispiel, dpa",
        "By Jane Doe, Reuters",
        "14 Kommentare",
        "2 interactions",
        "Feuerwehrleute sichern Sandsäcke. (Archivbild) - keystone",
        "Der Rhein steigt in Basel. Foto: Max Muster/dpa",
        "Ein Satz mit der und die und das, der lang genug ist und endet.",
        "am 19.12.2022 um 17:29 Uhr",
        "http://example.org © 2024 (c) mail@example.org",
        "• Punkt eins",
        "1. Punkt",
        "MEHR AUS WEISSRUSSLAND",
        "More from Europe and the world",
    ]
    rng = random.Random(hash(code) & 0xFFFF)
    pool = []
    for phrase in phrases:
        for _ in range(3):
            text = phrase.upper() if rng.random() < 0.2 else phrase
            left = rng.choice(["", "» ", "„", "(", "", "- "])
            right = rng.choice(["", ".", ":", " »", "“", "", "!"])
            text = left + text + right
            if rng.random() < 0.1:
                text = text.replace(" ", rng.choice(["\u2003", "  ", "\t"]), 1)
            pool.append(text)
    return pool


def _pages(code: str | None, n_pages: int = 12) -> list[list[str]]:
    rng = random.Random(1 + (hash(code) & 0xFF))
    pool = _cue_pool(code) + _random_lines(3, 60)
    return [[rng.choice(pool) for _ in range(rng.randint(1, 60))] for _ in range(n_pages)]


def test_lines_containing_matches_any_in() -> None:
    rng = random.Random(0)
    pool = ["teilen", "mitteilen", "xx", "", "a\nb", "Teilen", "cookies", "ab", "ba", "aba"]
    groups = [
        ("teilen",),
        ("ab", "ba"),
        ("a\nb", "xx"),  # a needle with a line break: the line-by-line path
        ("",),  # the empty needle is in every line
        (),
        cues.minimal_needles(["artikel teilen", "teilen", "cookies", "cookie"]),
    ]
    for _ in range(200):
        lines = ["".join(rng.choices(pool, k=rng.randint(0, 4))) for _ in range(rng.randint(1, 9))]
        lines = [x.replace("\n", " ") for x in lines]
        got = cues.lines_containing_groups(lines, *groups)
        for needles, found in zip(groups, got, strict=True):
            assert list(found) == [any(x in line for x in needles) for line in lines]
        assert cues.lines_containing(lines, groups[0]) == got[0]  # remembered for the page


def test_minimal_needles_answer_alike() -> None:
    for code in _PACKS:
        pack = get_pack(code)
        for items in (pack.share_contains, pack.legal_contains, pack.caption_markers):
            small = cues.minimal_needles(items)
            for line in _cue_pool(code):
                low = line.casefold()
                assert any(x in low for x in small) == any(x in low for x in items)


@pytest.mark.parametrize("code", _PACKS)
def test_page_cues_match_line_by_line(code: str | None) -> None:
    pack = get_pack(code)
    for lines in _pages(code):
        lines = [x.strip() for x in lines if x.strip()]
        forms = [cues.Folded.of(x) for x in lines]
        assert cues.drop_reasons(forms, pack) == [cues.folded_drop_reason(f, pack) for f in forms]
        assert cues.drop_reasons(forms, pack) == [cues.drop_reason(x, pack) for x in lines]
        assert cues.credits_of(lines, forms, pack) == [cues.credit_of(x, pack) for x in lines]
        matches = cues.byline_matches(forms, pack)
        for x, hit in zip(lines, matches, strict=True):
            assert hit == (len(cues.fold_ws(x)) <= 140 and bool(pack.byline.match(cues.fold_ws(x))))
            if not hit:
                assert cues.parse_byline(x, pack) is None
        marked = cues.caption_marked(forms, pack)
        for x, f, mark in zip(lines, forms, marked, strict=True):
            caption_any = re.compile("|".join(map(re.escape, pack.caption_markers)) or "(?!)")
            assert bool(mark) == bool(caption_any.search(f.low))
            assert cues.folded_split_caption(f, pack, bool(mark)) == cues.split_caption(x, pack)


def test_caption_patterns_read_folded_lines_like_whitespace_patterns() -> None:
    """On a folded line ``\\s`` can only be a single space: the literal-space patterns find the
    same matches as the ``\\s`` patterns they replace."""
    tail = re.compile(r"\s+[-–—|]\s+(?P<credit>[\w .,/&'’-]{2,60}?)\s*$")
    lines = [cues.fold_ws(x) for x in _cue_pool("de") + _cue_pool("en") + _random_lines(5, 300)]
    lines += ["Bild - dpa", "Ein Bild – Foto: AP", "x | y", "a  -  keystone", "Text: Foto dpa"]
    lines = [cues.fold_ws(x) for x in lines]
    for code in _PACKS:
        pack = get_pack(code)
        alternation = "|".join(
            re.escape(x) for x in sorted(pack.credit_prefixes, key=len, reverse=True)
        )
        inside = re.compile(rf"\s(?:{alternation})", re.IGNORECASE)
        fast = cues._rules(pack).credit_inside
        for line in lines:
            for slow_re, fast_re, pos in ((tail, cues._CAPTION_TAIL, 0), (inside, fast, 21)):
                a, b = slow_re.search(line, pos), fast_re.search(line, pos)
                assert (a and (a.start(), a.groups())) == (b and (b.start(), b.groups()))


def test_is_sentence_reads_long_lines_like_short_ones() -> None:
    def slow(line: str, pack: LanguagePack) -> bool:
        ws = cues.words(line)
        ends = bool(line.rstrip()) and line.rstrip()[-1] in ".!?…:;»«\"“”')"
        return ends and len(ws) >= 6 and sum(w.casefold() in pack.function_words for w in ws) >= 2

    rng = random.Random(2)
    words = ["der", "die", "Haus", "und", "the", "of", "Rhein", "x", "—", "Basel,", "ist"]
    for code in _PACKS:
        pack = get_pack(code)
        for _ in range(300):
            line = " ".join(rng.choices(words, k=rng.randint(1, 60))) + rng.choice([".", "", "!"])
            assert cues.is_sentence(line, pack) == slow(line, pack)


def test_casefold_page_remembers_only_equal_pages() -> None:
    for text in ["Straße", "STRASSE", "Straße", "İstanbul", "", "ẞ"]:
        assert cues.casefold_page(text) == text.casefold()


def test_other_spaces_are_all_whitespace_but_space_and_break() -> None:
    expected = "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \n")
    assert expected == cues.OTHER_SPACES
    assert not any(chr(c).isspace() for c in range(0x3001, 0x110000))


def _slow_char_counts(texts: list[str]) -> np.ndarray:
    """Per-line character statistics, one character of the joined page at a time (a sentence
    break may look past the end of its line into the next one, as the page-wide pass does)."""

    def kind(c: str) -> str:
        c = c if ord(c) <= 0xFFFF else "\uffff"
        if c.isalpha():
            return "U" if c.isupper() else "L"
        if c.isdigit():
            return "D"
        if c.isspace():
            return "S"
        return "_" if c == "_" else "P"

    joined = "\n".join(texts)
    kinds = [kind(c) for c in joined] + ["S", "S"]
    rows = []
    at = 0
    for text in texts:
        row = [len(text)] + [0] * 9
        for i in range(at, at + len(text)):
            k, c = kinds[i], joined[i]
            row[1] += k in "UL"
            row[2] += k == "U"
            row[3] += k == "D"
            row[4] += k == "P"
            row[5] += c == ","
            row[6] += c in "|·•»›>/"
            start = k != "S" and (i == 0 or kinds[i - 1] == "S")
            row[7] += start
            row[8] += start and k == "U"
            row[9] += c in ".!?…" and kinds[i + 1] == "S" and kinds[i + 2] in "UP"
        rows.append(row)
        at += len(text) + 1
    return np.array(rows, dtype=np.float64)


@pytest.mark.parametrize("seed", range(3))
def test_char_counts_match_character_by_character(seed: int) -> None:
    from storyline.clean.features import _char_counts

    rng = random.Random(seed)
    pool = [*_cue_pool("de"), "Ein Satz. Zwei", "a. „B", "x.\tY", "𝔸. B", "_a_ b_", "Ä.", "a."]
    for _ in range(60):
        texts = [cues.fold_ws(x) or "x" for x in rng.sample(pool, rng.randint(1, 12))]
        assert _char_counts(texts).tobytes() == _slow_char_counts(texts).tobytes()


def _slow_cue_row(line: str, low: str, n_words: float, has_digit: bool, code: str | None) -> list:
    """The per-line cue features as they were computed before the page-at-once columns."""
    from storyline.clean import features as F

    pack = get_pack(code)
    c = F._cues(code)
    toks = low.split()
    norm = low.strip(F._EDGE)
    tail = line.rstrip(F._CLOSERS)
    last = tail[-1:]
    short = len(norm) <= 60
    nav = short and norm in pack.navigation
    related = short and (
        norm in pack.related_headers
        or (c.related_prefix is not None and c.related_prefix.match(norm) is not None)
    )
    share = n_words <= 12 and any(x in low for x in pack.share_contains)
    ad = short and norm in pack.advertisement
    legal = n_words <= 30 and any(x in low for x in pack.legal_contains)
    counter = has_digit and short and c.counter.match(norm) is not None
    credit = low.startswith(tuple(pack.credit_prefixes))
    first = line[0]
    return [
        sum(map(pack.function_words.__contains__, toks)),
        last in F._SENT_END_CHARS and last != "",
        line[-1] == ":",
        F._BULLET.match(line) is not None,
        "http" in low or "www." in low or "@" in line,
        "©" in line or "(c)" in low,
        has_digit and F._DATE_TIME.search(line) is not None,
        not frozenset(m.rstrip(".") for m in pack.months).isdisjoint(toks),
        nav,
        related,
        share,
        ad,
        legal,
        counter,
        short and norm in frozenset(k.rstrip(":") for k in pack.key_point_headers),
        len(line) <= 140 and c.byline.match(line) is not None,
        len(line) <= 400 and any(x in low for x in pack.caption_markers),
        credit,
        nav or related or share or ad or legal or counter or credit,
        first in F._QUOTES,
        last in ("?", "!"),
        first.islower(),
    ]


@pytest.mark.parametrize("code", _PACKS)
def test_cue_columns_match_line_by_line(code: str | None) -> None:
    from storyline.clean import features as F

    for lines in _pages(code):
        texts, _, _, _ = prepare(lines)
        if not texts:
            continue
        counts = F._char_counts(texts)
        words, digits = counts[:, 7], counts[:, 3]
        low_page = "\n".join(texts).casefold()
        got = F._cue_columns(texts, low_page, words, (digits > 0).tolist(), F._cues(code))
        slow = np.array(
            [
                _slow_cue_row(t, low, w, d > 0, code)
                for t, low, w, d in zip(texts, low_page.split("\n"), words, digits, strict=True)
            ],
            dtype=np.float64,
        ).T
        assert got.tobytes() == slow.tobytes()


def test_split_lines_marks_blank_lines_and_unwraps_like_before() -> None:
    def slow(text: str) -> list[tuple[str, bool]]:
        out: list[list] = []
        blank = True
        for raw in re.sub(r"[ \t\u00a0\u2009\u202f]+", " ", text).split("\n"):
            line = raw.strip()
            if not line:
                blank = True
                continue
            out.append([line, blank])
            blank = False
        return [(a, b) for a, b in out]

    rng = random.Random(4)
    pool = [*_cue_pool("de")[:50], "", "", " "]
    for _ in range(100):
        text = "\n".join(rng.choice(pool) for _ in range(rng.randint(0, 20)))
        if any(len(x) > 100 for x in text.split("\n")) or rng.random() < 0.5:
            got = [(ln.text, ln.blank_before) for ln in split_lines(text + "\n" + "x" * 101)]
            assert got == slow(text + "\n" + "x" * 101)
    wrapped = "\n".join(["Ein langer Satz der umbrochen wurde und weiter geht bis hier"] * 6)
    lines = split_lines(wrapped + "\n\nNeuer Absatz der auch lang genug ist um zu zählen ok.")
    assert [ln.blank_before for ln in lines] == [True] * len(lines)


@pytest.mark.parametrize("code", _PACKS)
def test_line_memos_match_the_cue_functions(code: str | None) -> None:
    """The structurer's per-line answers (words counted once, cues set for the whole page up
    front) are the cue functions' answers."""
    from storyline.clean.text import _annotate

    pack = get_pack(code)
    long = "Der Satz ist lang und hat die Wörter, die es braucht, " * 4 + "und endet hier."
    for lines in _pages(code):
        page = split_lines("\n".join([*lines, long, long[:100] + "."]))
        _annotate(page, pack, [0.5] * len(page))
        for ln in page:
            assert ln.words() == cues.words(ln.text)
            assert ln.prose(pack) == cues.is_sentence(ln.text, pack)
            assert ln.tag(pack) == cues.is_tag_line(ln.text, pack)
            assert ln.drop == cues.drop_reason(ln.text, pack)
            assert ln.credit == cues.credit_of(ln.text, pack)
            by, slow_by = ln.byline(pack), cues.parse_byline(ln.text, pack)
            assert (by and vars(by)) == (slow_by and vars(slow_by))
            assert ln.caption(pack) == cues.split_caption(ln.text, pack)


def _slow_context_features(X: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """Stage-2 rows as they were built before: a list of columns, stacked."""
    from storyline.clean.classifier import _FI, CONTEXT_BASE, CONTEXT_OFFSETS, CONTEXT_WINDOWS
    from storyline.clean.classifier import _sigmoid as sigmoid

    n = raw.shape[0]
    s = np.clip(raw, -8.0, 8.0)
    p = sigmoid(s)
    padded = np.concatenate([np.full(3, -9.0), s, np.full(3, -9.0)])
    shifted = [padded[3 + o : 3 + o + n] for o in CONTEXT_OFFSETS]
    c = np.concatenate([[0.0], np.cumsum(p)])
    idx = np.arange(n)
    wins = []
    for w in CONTEXT_WINDOWS:
        lo, hi = np.maximum(idx - w, 0), np.minimum(idx + w + 1, n)
        wins.append((c[hi] - c[lo]) / (hi - lo))
    pp = np.concatenate([np.zeros(3), p, np.zeros(3)])
    prev3 = np.max(np.stack([pp[3 + o : 3 + o + n] for o in (-3, -2, -1)]), axis=0)
    next3 = np.max(np.stack([pp[3 + o : 3 + o + n] for o in (1, 2, 3)]), axis=0)
    above = np.where(idx > 0, c[idx] / np.maximum(idx, 1), 0.0)
    below = np.where(idx < n - 1, (c[n] - c[idx + 1]) / np.maximum(n - 1 - idx, 1), 0.0)
    rank = np.empty(n)
    rank[np.argsort(-p, kind="stable")] = np.arange(n) / max(n - 1, 1)
    cols = [s, *shifted, *wins, prev3, next3, above, below, rank, np.full(n, p.max())]
    return np.column_stack([*cols, X[:, [_FI[name] for name in CONTEXT_BASE]]])


def test_context_features_match_stacked_columns() -> None:
    from storyline.clean.classifier import context_features
    from storyline.clean.features import FEATURE_NAMES

    rng = np.random.default_rng(1)
    for n in [1, 2, 3, 4, 7, 50]:
        X = rng.normal(size=(n, len(FEATURE_NAMES)))
        for raw in (rng.normal(size=n) * 10, np.zeros(n), np.round(rng.normal(size=n))):
            got = context_features(X, raw)
            assert got.tobytes() == _slow_context_features(X, raw).tobytes()
