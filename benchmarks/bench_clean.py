"""Cleaning benchmark: storyline's plain-text cleaner against justext and trafilatura.

Run: ``.venv/bin/python benchmarks/bench_clean.py [--limit N] [--no-write]``

Data: trafilatura's German evaluation pages (``../shared/data/trafilatura-eval-de``). Each page
comes with snippets that must be in the extracted text (``with``) and snippets that must not
(``without``); we score like trafilatura's own evaluation: a ``with`` snippet found in the output
is a true positive, a missing one a false negative, a ``without`` snippet found is a false
positive, an absent one a true negative (whitespace-normalised substring match).

Systems, all in this one process on the same pages:

* **storyline text-only**: the page rendered to plain text with html-text (what a reader's copy
  of the whole page looks like), then ``storyline.clean.text.clean_text(text).text``;
* **storyline classifier only**: the same text, keeping the lines the line classifier gives
  P >= 0.5, so the structurer's own effect is visible;
* **justext (text)**: the same text, every line wrapped in ``<p>``, German stoplist;
* **trafilatura (HTML)**: ``trafilatura.extract`` on the original HTML, default settings and with
  ``favor_recall=True``. It sees the markup, which the text-only systems never get.

Speed is articles per second of the system alone in a single process (rendering HTML to text is
not counted for the text systems: their users paste text). Scores are given for the fixed dev
split (pages never used for training or model selection) and for all pages; the training split
was used to fit the classifier, so its "all pages" score is optimistic.
"""

from __future__ import annotations

import argparse
import html
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from report import write_section

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))

import cleaner_data as cd  # noqa: E402

SECTION = "## Cleaning (trafilatura-eval-de, German)"


@dataclass
class Row:
    """One system's scores on the dev split and on all pages, and its speed."""

    name: str
    dev: cd.Counts = field(default_factory=cd.Counts)
    all: cd.Counts = field(default_factory=cd.Counts)
    seconds: float = 0.0
    pages: int = 0

    @property
    def per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def _justext_fn() -> Callable[[str], str]:
    import justext

    stoplist = justext.get_stoplist("German")

    def run(text: str) -> str:
        doc = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
        if not doc:
            return ""
        paragraphs = justext.justext(f"<html><body>{doc}</body></html>", stoplist)
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


def _storyline_fns() -> tuple[Callable[[str], str], Callable[[str], str], str | None]:
    """(text-only cleaner, classifier-only cleaner, note when the structurer is missing)."""
    from storyline.clean.classifier import default_classifier

    clf = default_classifier()

    def classifier_only(text: str) -> str:
        lines = text.split("\n")
        probs = clf.predict_proba(lines, "de")
        return "\n".join(line for line, p in zip(lines, probs, strict=True) if p >= 0.5)

    try:
        from storyline.clean.text import clean_text
    except ImportError:
        note = "storyline.clean.text is not importable yet: text-only row = classifier P >= 0.5"
        return classifier_only, classifier_only, note

    def text_only(text: str) -> str:
        return clean_text(text, language="de").text

    return text_only, classifier_only, None


def _trafilatura_fns() -> tuple[Callable[[str], str], Callable[[str], str]]:
    import trafilatura

    def default(page_html: str) -> str:
        return trafilatura.extract(page_html) or ""

    def recall(page_html: str) -> str:
        return trafilatura.extract(page_html, favor_recall=True) or ""

    return default, recall


def run(limit: int | None = None) -> tuple[list[Row], list[str]]:
    """Score every system on the German pages; returns the rows and notes for the table."""
    pages = cd.german_eval_pages(limit)
    texts = [cd.render(p.html) for p in pages]
    text_only, classifier_only, note = _storyline_fns()
    traf, traf_recall = _trafilatura_fns()
    systems: list[tuple[str, Callable[[str], str], bool]] = [
        ("storyline text-only (html-text render)", text_only, False),
        ("storyline classifier only, P>=0.5", classifier_only, False),
        ("justext on the same text (German stoplist)", _justext_fn(), False),
        ("trafilatura on HTML (default)", traf, True),
        ("trafilatura on HTML (favor_recall)", traf_recall, True),
    ]
    rows = []
    for name, fn, on_html in systems:
        row = Row(name)
        for page, text in zip(pages, texts, strict=True):
            t = time.perf_counter()
            out = fn(page.html if on_html else text)
            row.seconds += time.perf_counter() - t
            row.pages += 1
            row.all.add(out, page.with_snippets, page.without_snippets)
            if page.dev:
                row.dev.add(out, page.with_snippets, page.without_snippets)
        rows.append(row)
    notes = [note] if note else []
    n_dev = sum(p.dev for p in pages)
    notes.append(
        f"{len(pages)} pages ({n_dev} dev, {len(pages) - n_dev} train), "
        f"{sum(len(p.with_snippets) + len(p.without_snippets) for p in pages)} snippets; "
        f"Python {platform.python_version()}, single process"
    )
    return rows, notes


def table(rows: list[Row]) -> str:
    """The results as a markdown table."""
    out = [
        "| system | dev P | dev R | dev F1 | all P | all R | all F1 | articles/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r.name} | {r.dev.precision:.3f} | {r.dev.recall:.3f} | {r.dev.f1:.3f} "
            f"| {r.all.precision:.3f} | {r.all.recall:.3f} | {r.all.f1:.3f} "
            f"| {r.per_second:,.0f} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    args = ap.parse_args(argv)
    if not cd.available():
        sys.exit(f"shared data not found under {cd.DATA}")
    rows, notes = run(args.limit)
    md = table(rows)
    print(md)
    for n in notes:
        print(f"note: {n}")
    if not args.no_write and args.limit is None:
        body = (
            "`.venv/bin/python benchmarks/bench_clean.py` — trafilatura's snippet evaluation "
            "(precision, recall, F1 over `with`/`without` snippets) on its German pages; the "
            "text-only systems see the page rendered to plain text by html-text, trafilatura "
            "sees the HTML. *dev* is the fixed 40 % split never used for training or model "
            "selection; *all* includes the pages the classifier was trained on. Speed excludes "
            "rendering HTML to text.\n\n" + md + "\n\n" + "\n".join(f"- {n}" for n in notes)
        )
        write_section(SECTION, body)


if __name__ == "__main__":
    main()
