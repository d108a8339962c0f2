"""The Python API: the same verbs as the CLI, which is a thin layer over these functions.

>>> import storyline
>>> report = storyline.ingest(["examples/"], db="storyline.db")
>>> storyline.articles(db="storyline.db")[:1]
>>> storyline.clean(open("page.txt").read()).title
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from storyline.clean import clean, clean_document
from storyline.errors import InputError, StorylineError
from storyline.model import Article, ReadFailure
from storyline.pipeline import IngestReport, analyse_pending, ingest_documents
from storyline.store import Store, open_store

if TYPE_CHECKING:
    from storyline.analyse.types import Analysis

DbRef = str | Path | Store | None


@contextmanager
def _store(db: DbRef, *, readonly: bool = False) -> Iterator[Store]:
    """Use a given Store as is, or open (and close) the one ``db`` names."""
    if isinstance(db, Store):
        yield db
        return
    store = open_store(db, readonly=readonly)
    try:
        yield store
    finally:
        store.close()


def ingest(
    paths: Iterable[str | Path],
    *,
    db: DbRef = None,
    published: str | None = None,
    language: str | None = None,
    max_bytes: int | None = None,
    on_file: Callable[[str], None] | None = None,
    on_item: Callable[[str, str], None] | None = None,
    stdin: IO[bytes] | None = None,
    analyse: bool = True,
) -> IngestReport:
    """Read, clean, store and analyse every news file under ``paths`` (files, folders, ``-``).

    Idempotent: an unchanged file is skipped by its content hash, the same cleaned text is
    stored once. A bad file is reported in the result and does not stop the others. When
    interrupted (KeyboardInterrupt) the report says so and everything stored so far stays; the
    next run also analyses what an interrupted run stored but did not analyse yet.
    ``published`` is the publication date of every input that declares none (it is also the
    document creation time that relative time expressions are resolved against).
    """
    from storyline.clean.dates import parse_date
    from storyline.read import DEFAULT_MAX_BYTES, discover, read_paths

    declared: dict[str, Any] = {}
    if published:
        iso = parse_date(published)
        if iso is None:
            raise InputError(f"--published {published!r} is not a date (use YYYY-MM-DD)")
        declared["published"] = iso
    if language:
        declared["language"] = language
    report = IngestReport()
    with _store(db) as store:
        try:
            for source in discover(paths):
                if on_file:
                    on_file(source)
                items = read_paths(
                    [source],
                    max_bytes=max_bytes or DEFAULT_MAX_BYTES,
                    declared=declared,
                    stdin=stdin,
                )
                ingest_documents(
                    store,
                    items,
                    language=language,
                    report=report,
                    on_item=on_item,
                    analyse=analyse,
                )
            if analyse:
                analyse_pending(store, report=report)
        except KeyboardInterrupt:
            report.interrupted = True
    return report


def analyse(
    *,
    db: DbRef = None,
    redo: bool = False,
    on_item: Callable[[str, str], None] | None = None,
) -> IngestReport:
    """Analyse stored articles that have no current analysis (``redo``: all of them).

    Resumable: interrupted, it keeps what it analysed, and the next call goes on from there.
    """
    report = IngestReport()
    with _store(db) as store:
        try:
            analyse_pending(store, redo=redo, report=report, on_item=on_item)
        except KeyboardInterrupt:
            report.interrupted = True
    return report


def pending_analyses(*, db: DbRef = None) -> int:
    """How many stored articles ``analyse`` would work on (for a progress bar)."""
    from storyline.analyse.analyser import ANALYSIS_VERSION

    with _store(db, readonly=True) as store:
        return len(store.pending_analysis(ANALYSIS_VERSION, limit=10_000_000))


def analyse_file(
    path: str | Path, *, published: str | None = None, language: str | None = None
) -> list[Article]:
    """Clean a file without storing it (``storyline show PATH``)."""
    from storyline.read import read_paths

    declared: dict[str, Any] = {"published": published} if published else {}
    articles: list[Article] = []
    for item in read_paths([path], declared=declared):
        if isinstance(item, ReadFailure):
            raise InputError(item.message, item.source_uri)
        articles.append(clean_document(item, language=language))
    return articles


def show(
    ref: str, *, db: DbRef = None, published: str | None = None, language: str | None = None
) -> Article:
    """A stored article by id, id prefix or source URI; or a file, cleaned on the fly."""
    if ref == "-" or Path(ref).exists():
        found = analyse_file(ref, published=published, language=language)
        if not found:
            raise InputError("no article in file", ref)
        return found[0]
    with _store(db, readonly=True) as store:
        return store.get(ref)


def show_analysis(
    ref: str, *, db: DbRef = None, published: str | None = None, language: str | None = None
) -> tuple[Article, Analysis]:
    """An article (stored, or a file cleaned on the fly) with its analysis.

    A stored article's stored analysis is used when it is current and no ``published`` is
    given; otherwise the analysis is computed now (and not stored: ``show`` never writes).
    """
    from storyline.analyse.analyser import ANALYSIS_VERSION, analyse_article
    from storyline.clean.dates import parse_date

    dct = None
    if published:
        dct = parse_date(published)
        if dct is None:
            raise InputError(f"--published {published!r} is not a date (use YYYY-MM-DD)")
    if ref == "-" or Path(ref).exists():
        article = show(ref, published=dct, language=language)
        return article, analyse_article(article, published=dct)
    with _store(db, readonly=True) as store:
        article = store.get(ref)
        stored = None if dct else store.get_analysis(article.id, version=ANALYSIS_VERSION)
    return article, stored or analyse_article(article, published=dct)


def analysis_json(article: Article, analysis: Analysis) -> dict[str, Any]:
    """``show --json``: the article's fields plus the analysis (offsets index ``text``)."""
    data = article.to_dict()
    found = analysis.to_dict()
    data["analysed_with_published"] = found["published"]
    for key in ("entities", "places", "times", "event", "published_inferred"):
        data[key] = found[key]
    return data


def entities(
    *,
    db: DbRef = None,
    label: str | None = None,
    query: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The entity registry, most mentioned first (``label``: PER, ORG, LOC or MISC)."""
    if label and label.upper() not in ("PER", "ORG", "LOC", "MISC"):
        raise InputError(f"unknown entity label {label!r} (choose PER, ORG, LOC or MISC)")
    with _store(db, readonly=True) as store:
        return store.entities(label=label, query=query, limit=limit, offset=offset)


def entity(ref: str, *, db: DbRef = None) -> dict[str, Any]:
    """One registry entry by id or any name it was seen under, with aliases and timeline."""
    with _store(db, readonly=True) as store:
        return store.entity(ref)


def articles(
    *,
    db: DbRef = None,
    limit: int = 100,
    offset: int = 0,
    language: str | None = None,
    since: str | None = None,
) -> list[dict[str, Any]]:
    """Summaries of stored articles, oldest first."""
    with _store(db, readonly=True) as store:
        return store.articles(limit=limit, offset=offset, language=language, since=since)


def search(
    query: str, *, db: DbRef = None, limit: int = 20, offset: int = 0
) -> list[dict[str, Any]]:
    """Full-text search over titles and texts; plain words are AND-ed, quotes make phrases."""
    with _store(db, readonly=True) as store:
        return store.search(query, limit=limit, offset=offset)


def stats(*, db: DbRef = None) -> dict[str, Any]:
    with _store(db, readonly=True) as store:
        return store.stats()


EXPORT_FORMATS = ("jsonl", "csv", "parquet")
_CSV_FIELDS = (
    "id", "source_uri", "url", "language", "title", "byline", "source", "agencies", "dateline",
    "published", "lead", "text",
)  # fmt: skip


def export(fmt: str, *, db: DbRef = None, out: str | Path | None = None) -> int:
    """Write every stored article as JSONL (full records), CSV or Parquet; returns the count.

    ``out=None`` writes JSONL/CSV to standard output; Parquet needs a file.
    """
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r} (choose {', '.join(EXPORT_FORMATS)})")
    with _store(db, readonly=True) as store:
        records = (a.to_dict() for a in store.iter_articles())
        if fmt == "parquet":
            return _write_parquet(records, out)
        handle: IO[str]
        handle = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
        try:
            return _write_jsonl(records, handle) if fmt == "jsonl" else _write_csv(records, handle)
        finally:
            if out:
                handle.close()


def _write_jsonl(records: Iterable[dict[str, Any]], handle: IO[str]) -> int:
    n = 0
    for rec in records:
        handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
        n += 1
    return n


def _flat(rec: dict[str, Any]) -> dict[str, Any]:
    row = {k: rec.get(k) for k in _CSV_FIELDS}
    row["agencies"] = "; ".join(rec.get("agencies") or [])
    return row


def _write_csv(records: Iterable[dict[str, Any]], handle: IO[str]) -> int:
    writer = csv.DictWriter(handle, fieldnames=list(_CSV_FIELDS))
    writer.writeheader()
    n = 0
    for rec in records:
        writer.writerow(_flat(rec))
        n += 1
    return n


def _write_parquet(records: Iterable[dict[str, Any]], out: str | Path | None) -> int:
    if not out:
        raise InputError("parquet export needs --out FILE")
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise StorylineError(
            "parquet export needs pyarrow: pip install 'storyline[parquet]'"
        ) from exc
    rows = []
    for rec in records:
        row = _flat(rec)
        row["agencies"] = rec.get("agencies") or []
        row["key_points"] = rec.get("key_points") or []
        row["body"] = json.dumps(rec.get("body") or [], ensure_ascii=False)
        rows.append(row)
    pq.write_table(pa.Table.from_pylist(rows), str(out))
    return len(rows)


def article_json(article: Article) -> str:
    return json.dumps(article.to_dict(), ensure_ascii=False, indent=2)


__all__ = [
    "EXPORT_FORMATS",
    "analyse",
    "analyse_file",
    "analysis_json",
    "articles",
    "clean",
    "entities",
    "entity",
    "export",
    "ingest",
    "search",
    "show",
    "show_analysis",
    "stats",
]
