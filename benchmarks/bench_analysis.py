"""Analysis speed: articles per second through the whole analysis stage, and where time goes.

Run: ``.venv/bin/python benchmarks/bench_analysis.py [--limit N] [--no-write]``

Data: the German news articles of ``../shared/data/10kgnad`` (derStandard.at, real length and
vocabulary; CC BY-NC-SA, read locally, never shipped) or, without ``../shared``, the bundled
example corpus. Each article is cleaned first (not timed), then analysed:

* **per step, one process**: NER (the shipped model), canonical names with places (one pass,
  as the analyser runs it), time expressions, event frame, each timed separately;
* **whole stage**: ``analyse_article`` in one process, and in two worker processes (one per
  core, each holding its own models), the set-up the issue's target (>= 100 articles/s on 2
  cores) refers to. Model loading is excluded (it is paid once per worker).

Peers: none; no other offline package does this whole stage for German. The NER step alone is
compared with its peers in ``bench_ner.py``, time expressions in ``bench_time.py``.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing as mp
import os
import platform
import sys
import time
from collections import defaultdict
from pathlib import Path

from report import write_section

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SECTION = "## Analysis speed"


def _articles(limit: int) -> tuple[str, list]:
    from storyline.clean import clean
    from storyline.read import discover, read_paths

    gnad = SHARED / "data" / "10kgnad" / "articles.csv"
    if gnad.is_file():
        texts = []
        with gnad.open(encoding="utf-8") as fh:
            for row in csv.reader(fh, delimiter=";", quotechar="'"):
                if len(row) >= 2 and len(row[1]) > 400:
                    texts.append(row[1])
                if len(texts) >= limit:
                    break
        return "10kGNAD (German, derStandard.at)", [clean(t, language="de") for t in texts]
    from storyline.clean import clean_document

    docs = [d for d in read_paths(list(discover([REPO / "examples" / "corpus"]))) if d.content]
    return "example corpus", [clean_document(d) for d in docs][:limit]


def _steps(articles: list) -> dict[str, float]:
    from storyline.analyse import canonical, ner, times
    from storyline.analyse.event import event_frame
    from storyline.analyse.sentences import split_sentences

    spent: dict[str, float] = defaultdict(float)
    for a in articles:
        t0 = time.perf_counter()
        ents = ner.find_entities(a.text, a.language)
        t1 = time.perf_counter()
        ents, pls = canonical.canonicalise_with_places(a.text, ents, a.language, a.dateline)
        t3 = time.perf_counter()
        tms = times.find_times(a.text, a.language, None)
        t4 = time.perf_counter()
        event_frame(
            text=a.text, title=a.title, lead=a.lead, language=a.language, entities=ents,
            places=pls, times=tms, sentences=split_sentences(a.text),
            article_points=a.key_points,
        )  # fmt: skip
        t5 = time.perf_counter()
        for name, dt in (
            ("NER", t1 - t0), ("canonical names and places", t3 - t1), ("times", t4 - t3),
            ("event frame", t5 - t4),
        ):  # fmt: skip
            spent[name] += dt
    return spent


def _warm() -> None:
    from storyline.analyse.analyser import analyse_article
    from storyline.clean import clean

    page = (
        "Scholz empfängt Macron\n\nBerlin (dpa) – Bundeskanzler Olaf Scholz hat am Montag den "
        "französischen Präsidenten Emmanuel Macron im Kanzleramt empfangen. Die beiden sprachen "
        "über die Lage in der Ukraine und den Haushalt der Europäischen Union.\n"
    )
    analyse_article(clean(page, language="de"))


def _work(chunk: list) -> int:
    from storyline.analyse.analyser import analyse_article

    for a in chunk:
        analyse_article(a)
    return len(chunk)


def _parallel(articles: list, workers: int) -> float:
    ctx = mp.get_context("fork")
    with ctx.Pool(workers, initializer=_warm) as pool:
        pool.map(_work, [articles[:4]] * workers)  # models loaded before timing
        chunks = [articles[i::workers] for i in range(workers)]
        t0 = time.perf_counter()
        pool.map(_work, chunks)
        return time.perf_counter() - t0


def corpus_frames() -> list[tuple[dict, object]]:
    """``(truth record, Analysis)`` for every article of the example corpus, analysed with the
    truth's publication date as the document creation time."""
    import json

    from storyline.analyse.analyser import analyse_article
    from storyline.clean import clean_document
    from storyline.read import read_paths

    corpus = REPO / "examples" / "corpus"
    truth = json.loads((REPO / "examples" / "truth.json").read_text(encoding="utf-8"))
    by_path = {r["path"]: r for r in truth}
    out = []
    for doc in read_paths([corpus]):
        if not hasattr(doc, "content"):
            continue
        rel = Path(doc.source_uri.split("#")[0]).resolve().relative_to(corpus).as_posix()
        if "#" in doc.source_uri:
            rel += "#" + doc.source_uri.split("#", 1)[1]
        record = by_path.get(rel)
        if record is None:
            continue
        article = clean_document(doc)
        out.append((record, analyse_article(article, published=record["published"])))
    return out


def event_table() -> str:
    """Event frame against the corpus truth: type (strict, lenient) and event time."""
    frames = corpus_frames()
    n = len(frames)
    strict = sum(a.event.type == r["event_type"] for r, a in frames)
    lenient = sum(a.event.type in (r["event_type"], *r["event_type_also"]) for r, a in frames)
    when = sum((a.event.when or "")[:10] == r["event_date"] for r, a in frames)
    given = sum(a.event.when is not None for r, a in frames)
    return "\n".join(
        [
            "| event frame on the example corpus | value |",
            "|---|---|",
            f"| articles | {n} |",
            f"| type = the truth's type | {strict}/{n} = {strict / n:.0%} |",
            f"| type accepted (or an alternative) | {lenient}/{n} = {lenient / n:.0%} |",
            f"| event time given | {given}/{n} |",
            f"| event time on the truth's event day | {when}/{n} = {when / n:.0%} |",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    data, articles = _articles(args.limit)
    _warm()
    spent = _steps(articles)
    n = len(articles)
    chars = sum(len(a.text) for a in articles) / max(n, 1)
    total = sum(spent.values())
    rows = [
        f"| {name} | {dt * 1000 / n:.2f} | {n / dt:,.0f} | {dt / total:.0%} |"
        for name, dt in spent.items()
    ]
    one = n / total
    two = n / _parallel(articles, 2)
    lines = [
        SECTION,
        "",
        f"{n} articles of {data}, {chars:,.0f} characters on average; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
        "Model loading excluded.",
        "",
        "| step (one process) | ms / article | articles / s | share |",
        "|---|---|---|---|",
        *rows,
        f"| **whole stage, 1 process** | {1000 / one:.2f} | **{one:,.0f}** | 100% |",
        f"| **whole stage, 2 processes** | – | **{two:,.0f}** | – |",
        "",
        "Target (issue 3): >= 100 articles/s on 2 cores.",
        "",
        event_table(),
    ]
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_section(SECTION, table)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
