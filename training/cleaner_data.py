"""Labelled plain-text pages for the line classifier, built from ``../shared/data``.

Shared by ``training/train_cleaner.py`` and ``benchmarks/bench_clean.py`` so that both render,
split and score pages the same way. Nothing here is shipped: it needs the bench/training extras
(html-text, inscriptis, trafilatura) and the shared data folder.

Two sources:

* Scrapinghub's article-extraction-benchmark (MIT, 181 pages, mostly English): full-page
  renderings with a gold article body. Every line gets a label from how much of it the gold
  covers (word trigram containment), so these pages are densely labelled.
* trafilatura's German evaluation pages (Apache-2.0, 249 pages): gold is a handful of snippets per
  page that must (``with``) or must not (``without``) be in the extracted text. A line that holds
  a snippet gets its label; every other line is unknown (``None``).

The German pages are split once, by a hash of the URL, into a fixed ``dev`` part (100 of 249)
that training and model selection never see, and a ``train`` part.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The shared inputs; ``STORYLINE_SHARED`` overrides the default ``../shared`` next to the repo.
SHARED = Path(os.environ.get("STORYLINE_SHARED", REPO.parent / "shared"))
DATA = SHARED / "data"
AEB = DATA / "article-extraction-benchmark"
TEVAL = DATA / "trafilatura-eval-de"

#: Share of German pages held out as the fixed dev split (by URL hash, never trained on).
DEV_PERCENT = 44

_WS = re.compile(r"\s+")
_TOKEN = re.compile(r"\w+")


@dataclass
class Page:
    """One rendered page: its lines and one label per line (1 article, 0 not, None unknown)."""

    key: str
    lines: list[str]
    labels: list[int | None]
    language: str | None
    source: str  # "aeb" (English benchmark) or "teval" (German eval)
    renderer: str
    with_snippets: list[str] = field(default_factory=list)
    without_snippets: list[str] = field(default_factory=list)
    #: Dense labels from a teacher (trafilatura on the page's HTML), for lines the gold leaves
    #: unknown; ``None`` when not asked for.
    silver: list[int | None] | None = None


def normalize_ws(text: str) -> str:
    """Whitespace-normalised text: how trafilatura's evaluation matches snippets."""
    return _WS.sub(" ", text).strip()


def is_dev(url: str) -> bool:
    """True for the fixed German dev split: stable across runs, machines and Python versions."""
    h = int(hashlib.sha256(url.encode("utf-8")).hexdigest()[:8], 16)
    return h % 100 < DEV_PERCENT


def available() -> bool:
    """Whether the shared data folder is present (it is not in CI without ``../shared``)."""
    return AEB.is_dir() and TEVAL.is_dir()


def decode_html(raw: bytes) -> str:
    """Decode page bytes the way trafilatura does (declared charset, then detection)."""
    from trafilatura.utils import decode_file

    return decode_file(raw)


def render(html: str, renderer: str = "html-text") -> str:
    """Full-page plain text: what a reader gets when copying a whole page from a browser."""
    if renderer == "html-text":
        import html_text

        return html_text.extract_text(html, guess_layout=True)
    if renderer == "inscriptis":
        from inscriptis import get_text

        return get_text(html)
    raise ValueError(f"unknown renderer {renderer!r}")


def detect_language(text: str) -> str | None:
    """ISO code of the page's main language, as the cleaner would be told or guess it."""
    import py3langid

    lang, _ = py3langid.classify(text[:20000])
    return lang or None


# -- German evaluation pages ----------------------------------------------------------------


@dataclass
class EvalPage:
    """A trafilatura-eval page with its HTML and snippet gold."""

    url: str
    file: str
    html: str
    with_snippets: list[str]
    without_snippets: list[str]

    @property
    def dev(self) -> bool:
        return is_dev(self.url)


def german_eval_pages(limit: int | None = None) -> list[EvalPage]:
    """The German evaluation pages in gold-file order (stable)."""
    gold = json.loads((TEVAL / "gold.json").read_text(encoding="utf-8"))
    pages = []
    for url, g in gold.items():
        with gzip.open(TEVAL / g["file"]) as fh:
            raw = fh.read()
        pages.append(
            EvalPage(url, g["file"], decode_html(raw), list(g["with"]), list(g["without"]))
        )
        if limit and len(pages) >= limit:
            break
    return pages


def snippet_labels(lines: list[str], with_: list[str], without: list[str]) -> list[int | None]:
    """Sparse labels: 1 for a line holding a ``with`` snippet, 0 for a ``without`` one.

    A snippet that spans several lines labels each of them. A line that holds both kinds stays
    unknown. All other lines are unknown (None): the gold says nothing about them.
    """
    norm = [normalize_ws(x) for x in lines]
    pos: set[int] = set()
    neg: set[int] = set()
    starts = []
    total = 0
    for n in norm:
        starts.append(total)
        total += len(n) + 1
    joined = " ".join(norm)
    for target, snippets in ((pos, with_), (neg, without)):
        for s in snippets:
            ns = normalize_ws(s)
            if not ns:
                continue
            hit = [i for i, n in enumerate(norm) if ns in n]
            if not hit:  # spans lines: label every line the match touches
                at = joined.find(ns)
                if at >= 0:
                    end = at + len(ns)
                    hit = [
                        i
                        for i, st in enumerate(starts)
                        if st < end and st + len(norm[i]) > at and norm[i]
                    ]
            target.update(hit)
    labels: list[int | None] = [None] * len(lines)
    for i in pos - neg:
        labels[i] = 1
    for i in neg - pos:
        labels[i] = 0
    return labels


def teacher_text(html: str) -> str:
    """trafilatura's main text of a page: the teacher for the silver labels."""
    import trafilatura

    return trafilatura.extract(html) or ""


def german_pages(
    split: str = "train",
    renderers: Iterable[str] = ("html-text",),
    limit: int | None = None,
    silver: bool = False,
) -> list[Page]:
    """Rendered German pages of one split (``train``, ``dev`` or ``all``) with sparse labels.

    ``silver`` adds dense teacher labels: each line labelled by how much of it trafilatura
    extracts from the page's HTML (``coverage_labels``). The snippets are few per page; the
    teacher says something about every line, and it sees the HTML structure the text lacks.
    """
    out = []
    for ep in german_eval_pages(limit):
        if split != "all" and ep.dev != (split == "dev"):
            continue
        teacher = teacher_text(ep.html) if silver else None
        for r in renderers:
            lines = render(ep.html, r).split("\n")
            labels = snippet_labels(lines, ep.with_snippets, ep.without_snippets)
            page = Page(
                ep.url, lines, labels, "de", "teval", r, ep.with_snippets, ep.without_snippets
            )
            if teacher is not None:
                page.silver = coverage_labels(lines, teacher)
            out.append(page)
    return out


# -- English benchmark pages ----------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def coverage_labels(lines: list[str], gold: str) -> list[int | None]:
    """Dense labels from the gold article body by word n-gram containment.

    A line of three or more words is article text when at least 60 % of its word trigrams occur
    in the gold, boilerplate when at most 20 % do, unknown in between (partly quoted teasers,
    captions that repeat a sentence). A shorter line is article text only when it occurs in the
    gold as a whole and sits next to article text; short lines ("Home", "Share") occur in
    articles by chance too often to trust containment alone.
    """
    gtok = _tokens(gold)
    tri = {tuple(gtok[i : i + 3]) for i in range(len(gtok) - 2)}
    gnorm = " " + " ".join(gtok) + " "
    labels: list[int | None] = []
    short: list[int] = []
    for i, line in enumerate(lines):
        t = _tokens(line)
        if not t:
            labels.append(None)
            continue
        if len(t) >= 3:
            grams = [tuple(t[j : j + 3]) for j in range(len(t) - 2)]
            cov = sum(g in tri for g in grams) / len(grams)
            labels.append(1 if cov >= 0.6 else 0 if cov <= 0.2 else None)
        else:
            labels.append(0 if (" " + " ".join(t) + " ") not in gnorm else None)
            if labels[-1] is None:
                short.append(i)
    # Short gold-contained lines: article text when a neighbouring non-blank line is.
    nonblank = [i for i, x in enumerate(lines) if x.strip()]
    pos = {i: k for k, i in enumerate(nonblank)}
    for i in short:
        k = pos[i]
        nb = [nonblank[j] for j in (k - 1, k + 1) if 0 <= j < len(nonblank)]
        labels[i] = 1 if any(labels[j] == 1 for j in nb) else None
    return labels


def english_pages(renderers: Iterable[str] = ("html-text",)) -> list[Page]:
    """The article-extraction-benchmark pages rendered to text, densely labelled.

    ``html-text`` and ``inscriptis`` are the benchmark's own full-page renderings
    (``output/*.json``); pass both to get two views of each page.
    """
    gold = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for r in renderers:
        rendered = json.loads((AEB / "output" / f"{r}.json").read_text(encoding="utf-8"))["output"]
        for key in sorted(gold):
            if key not in rendered:
                continue
            body = rendered[key]
            body = body.get("articleBody", "") if isinstance(body, dict) else body
            lines = (body or "").split("\n")
            labels = coverage_labels(lines, gold[key]["articleBody"])
            out.append(Page(key, lines, labels, detect_language(body or ""), "aeb", r))
    return out


# -- trafilatura's snippet evaluation -------------------------------------------------------


@dataclass
class Counts:
    """Snippet counts of trafilatura's evaluation, summed over pages."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, output: str, with_: list[str], without: list[str]) -> None:
        text = normalize_ws(output)
        for s in with_:
            if normalize_ws(s) in text:
                self.tp += 1
            else:
                self.fn += 1
        for s in without:
            if normalize_ws(s) in text:
                self.fp += 1
            else:
                self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        n = self.tp + self.fn + self.fp + self.tn
        return (self.tp + self.tn) / n if n else 0.0
