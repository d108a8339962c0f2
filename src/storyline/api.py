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
from storyline.errors import InputError, NotFound, StorylineError
from storyline.fetch.types import FetchPolicy
from storyline.model import Article, Document, ReadFailure
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
    link: bool = True,
    on_link: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    cluster: str | None = None,
    policy: FetchPolicy | None = None,
) -> IngestReport:
    """Read, clean, store and analyse every news file under ``paths`` (files, folders, ``-``)
    and every web page among them (``http(s)://`` URLs).

    Idempotent: an unchanged file is skipped by its content hash, the same cleaned text is
    stored once. A bad file is reported in the result and does not stop the others. When
    interrupted (KeyboardInterrupt, or killed) everything stored so far stays, and the next run
    continues: it first analyses what the interrupted run stored but did not analyse yet (before
    anything new, so analyses reach the store in ingest order, as in an uninterrupted run).
    New articles are then linked into events and storylines (``link=False``: later, with
    :func:`link`); linking is stored in one transaction per run.
    ``published`` is the publication date of every input that declares none (it is also the
    document creation time that relative time expressions are resolved against).
    ``workers`` cleans, analyses and embeds on a local Dask cluster of that many processes;
    ``cluster`` (``tcp://host:8786``) on an existing one. Only this process writes, in input
    order, so the store ends up as a local run leaves it (``docs/scale.md``).
    URLs are fetched politely by this process (``policy``: robots.txt, per-host delay, retries,
    size cap; see :class:`storyline.fetch.FetchPolicy`), conditionally on a repeat visit, after
    the files; the URL and the fetch time are stored with the article.
    """
    from contextlib import nullcontext

    from storyline.clean.dates import parse_date
    from storyline.fetch.pages import is_url
    from storyline.parallel import DaskRunner, analyse_pending_distributed, ingest_distributed
    from storyline.read import DEFAULT_MAX_BYTES, discover, read_paths

    paths = list(paths)
    urls = [str(p) for p in paths if is_url(str(p))]
    paths = [p for p in paths if not is_url(str(p))]

    declared: dict[str, Any] = {}
    if published:
        iso = parse_date(published)
        if iso is None:
            raise InputError(f"--published {published!r} is not a date (use YYYY-MM-DD)")
        declared["published"] = iso
    if language:
        declared["language"] = language

    def read(source: str) -> Iterator[Document | ReadFailure]:
        return read_paths(
            [source], max_bytes=max_bytes or DEFAULT_MAX_BYTES, declared=declared, stdin=stdin
        )

    report = IngestReport()
    runner = DaskRunner.open(workers=workers, cluster=cluster)  # a bad address fails here
    with runner or nullcontext(), _store(db) as store:

        def analyse_rest() -> None:
            if analyse and runner is not None:
                analyse_pending_distributed(store, runner, report=report)
            elif analyse:
                analyse_pending(store, report=report)

        try:
            analyse_rest()  # what an interrupted run stored but did not analyse, in order
            if runner is not None:
                ingest_distributed(
                    store,
                    runner,
                    discover(paths),
                    read,
                    language=language,
                    report=report,
                    on_file=on_file,
                    on_item=on_item,
                    analyse=analyse,
                )
            else:
                for source in discover(paths):
                    if on_file:
                        on_file(source)
                    ingest_documents(
                        store,
                        read(source),
                        language=language,
                        report=report,
                        on_item=on_item,
                        analyse=analyse,
                    )
            analyse_rest()
            if runner is not None:
                runner.close()  # free the workers' memory before linking
            if urls:
                _ingest_urls(store, urls, report, declared, language, analyse, policy, on_file)
            if analyse and link:
                from storyline.link.runner import link_pending

                report.linking = link_pending(store, on_progress=on_link).to_dict()
        except KeyboardInterrupt:
            report.interrupted = True
    return report


def _ingest_urls(
    store: Store,
    urls: list[str],
    report: IngestReport,
    declared: dict[str, Any],
    language: str | None,
    analyse: bool,
    policy: FetchPolicy | None,
    on_file: Callable[[str], None] | None,
) -> None:
    """Fetch the pages and run them through the pipeline, downloads overlapping the cleaning."""
    from storyline.fetch.http import Fetcher
    from storyline.fetch.ingest import PageRequest, fetch_pages

    with Fetcher(policy) as fetcher:
        requests = [PageRequest(u) for u in dict.fromkeys(urls)]
        for outcome in fetch_pages(
            store, fetcher, requests, report=report, language=language,
            declared=declared, analyse=analyse,
        ):  # fmt: skip
            if on_file:
                on_file(outcome.request.url)


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
    query: str,
    *,
    db: DbRef = None,
    limit: int = 20,
    offset: int = 0,
    entity: str | None = None,
    place: str | None = None,
    language: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[dict[str, Any]]:
    """Full-text search over titles and texts; plain words are AND-ed, quotes make phrases.

    Filters narrow it (and work without words, newest first): ``entity`` (a name or registry
    id, aliases included), ``place`` (a resolved place name or ISO country code), ``language``,
    ``since``/``until`` (publication days, inclusive).
    """
    from storyline.store.base import SearchFilters

    with _store(db, readonly=True) as store:
        filters = SearchFilters(
            language=language or None,
            since=day_arg("since", since),
            until=day_arg("until", until),
            entity_ids=_entity_ids(store, entity) if entity else None,
            place=place or None,
        )
        return store.search(query, limit=limit, offset=offset, filters=filters)


def day_arg(name: str, value: str | None) -> str | None:
    """A ``YYYY-MM-DD`` argument, checked: a bad one is an :class:`InputError` naming it
    (also the web UI's check of its date parameters)."""
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"{name} {value!r} is not a date (use YYYY-MM-DD)") from None


def _entity_ids(store: Store, name: str) -> tuple[str, ...]:
    """Registry ids an entity filter stands for: none when nobody has that name (the filter
    then matches nothing), all of them when several entities share it."""
    from storyline.analyse.registry import entity_key

    if not entity_key(name):
        raise InputError(f"entity {name!r} contains no name")
    return store.entity_ids(name)


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


# -- compare (issue 4) ----------------------------------------------------------------------------

#: Pairs per batch in :func:`compare_pairs`: one encoder call and one model call per batch.
COMPARE_BATCH = 64


def _compare_ref_kind(ref: Article | str) -> str:
    """``article``, ``file``, ``text`` or ``stored`` (see :func:`storyline.compare.compare`)."""
    if isinstance(ref, Article):
        return "article"
    if not isinstance(ref, str) or not ref.strip():
        raise InputError("an article to compare must be an Article, a file, an id or a text")
    if "\n" in ref or len(ref) > 255:
        return "text"
    if ref == "-" or Path(ref).is_file():
        return "file"
    if Path(ref).exists():
        raise InputError("is not a file", ref)
    return "stored"


def compare(
    a: Article | str,
    b: Article | str,
    *,
    db: DbRef = None,
    encoder: str | None = None,
    sentences: bool = True,
) -> Any:
    """Compare two articles: Articles, files, stored ids (or prefixes / source URIs) or texts.

    Returns a :class:`storyline.compare.Comparison`. Stored articles use (and fill) the store's
    feature cache, so comparing them again costs only the model. ``sentences=False`` leaves the
    shared sentences out of the explanation (they cost one more encoder call).
    """
    from storyline.compare import bundles, cached_bundle, compare_many
    from storyline.embed import DEFAULT_ENCODER, get_encoder
    from storyline.store import resolve_url

    enc = get_encoder(encoder or DEFAULT_ENCODER).name
    refs = [a, b]
    kinds = [_compare_ref_kind(r) for r in refs]
    arts: list[Article | None] = [None, None]
    found: list[Any] = [None, None]
    for i, (ref, kind) in enumerate(zip(refs, kinds, strict=True)):
        if kind == "article":
            arts[i] = ref  # type: ignore[assignment]
        elif kind == "file":
            arts[i] = show(str(ref))
        elif kind == "text":
            arts[i] = clean(str(ref))
    if "stored" in kinds:
        if not isinstance(db, Store):
            target = resolve_url(db)
            is_path = target != ":memory:" and "://" not in target  # not sqlite:// or postgresql://
            if is_path and not Path(target).exists():
                ref = refs[kinds.index("stored")]
                raise InputError(f"no such file, and no store at {target} to look it up in", ref)
        with _store(db) as store:
            for i, kind in enumerate(kinds):
                if kind == "stored":
                    arts[i] = store.get(str(refs[i]))
                    found[i] = cached_bundle(store, arts[i], encoder=enc)  # type: ignore[arg-type]
    todo = [i for i in range(2) if found[i] is None]
    if todo:
        made = bundles([arts[i] for i in todo], encoder=enc)  # type: ignore[misc]
        for i, bnd in zip(todo, made, strict=True):
            found[i] = bnd
    pair_articles = [(arts[0], arts[1])] if sentences else None
    return compare_many([(found[0], found[1])], articles=pair_articles)[0]  # type: ignore[arg-type]


def _pair_record(raw: Any, n: int) -> dict[str, Any]:
    """Validate one ``--pairs`` record; a bad one raises a one-line InputError."""
    if not isinstance(raw, dict):
        raise InputError(f"line {n}: expected a JSON object")
    for key in ("text1", "text2"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise InputError(f"line {n}: {key!r} must be a non-empty string")
    for key in ("lang1", "lang2", "published1", "published2"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise InputError(f"line {n}: {key!r} must be a string")
    return raw


def read_pairs(path: str | Path, *, stdin: IO[str] | None = None) -> Iterator[Any]:
    """The records of a ``--pairs`` JSONL file (``-``: standard input), line number attached.

    Yields ``(line_number, parsed_object_or_InputError)``; validation happens in
    :func:`compare_pairs`, so one bad line is reported in the output (under its own ``id``
    when it has one) without stopping the batch.
    """
    if str(path) != "-" and not Path(path).is_file():
        raise InputError("no such pairs file", str(path))
    handle = stdin or sys.stdin if str(path) == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, InputError(f"line {n}: not JSON ({exc.msg})")
    except UnicodeDecodeError:
        raise InputError("pairs file is not UTF-8", str(path)) from None
    finally:
        if handle is not sys.stdin and handle is not stdin:
            handle.close()


def _side_key(rec: dict[str, Any], side: str) -> tuple[str, str | None, str | None]:
    return rec[f"text{side}"], rec.get(f"lang{side}"), rec.get(f"published{side}")


def compare_pairs(
    records: Iterable[Any],
    *,
    encoder: str | None = None,
    explain: bool = True,
    batch: int = COMPARE_BATCH,
    on_item: Callable[[], None] | None = None,
) -> Iterator[dict[str, Any]]:
    """Compare a stream of pairs of plain texts; one result dict per pair, in input order.

    ``records`` are dicts with ``id``, ``text1``, ``text2`` and optional ``lang1``, ``lang2``,
    ``published1``, ``published2`` (or ``(line, dict-or-error)`` tuples from :func:`read_pairs`).
    Texts are taken as article texts (not cleaned), like the training pairs. A record that is
    not valid gives ``{"id": .., "error": ..}``; the others are unaffected. Texts repeated
    across pairs are analysed and embedded once. Explanations leave out the shared sentences
    (costly at batch scale).
    """
    from storyline.compare import bundles, compare_many, text_article
    from storyline.embed import DEFAULT_ENCODER, get_encoder

    enc = get_encoder(encoder or DEFAULT_ENCODER).name
    seen: dict[tuple[str, str | None, str | None], Any] = {}

    def flush(chunk: list[tuple[Any, Any]]) -> Iterator[dict[str, Any]]:
        keys: list[tuple[str, str | None, str | None]] = []
        for _rid, rec in chunk:
            if isinstance(rec, dict):
                for side in ("1", "2"):
                    keys.append(_side_key(rec, side))
        new = list(dict.fromkeys(k for k in keys if k not in seen))
        if new:
            arts = [text_article(t, language=lang, published=pub) for t, lang, pub in new]
            for k, bnd in zip(new, bundles(arts, encoder=enc), strict=True):
                seen[k] = bnd
        good = [(rid, rec) for rid, rec in chunk if isinstance(rec, dict)]
        pairs = [(seen[_side_key(rec, "1")], seen[_side_key(rec, "2")]) for _rid, rec in good]
        results = iter(compare_many(pairs, explain=explain))
        for rid, rec in chunk:
            if isinstance(rec, dict):
                res = next(results).to_dict()
                res.pop("a")
                res.pop("b")
                yield {"id": rid, **res}
            else:
                yield {"id": rid, "error": str(rec)}
            if on_item:
                on_item()
        if len(seen) > 50_000:  # bound memory on endless streams
            seen.clear()

    chunk: list[tuple[Any, Any]] = []
    for n, item in enumerate(records, 1):
        line, rec = item if isinstance(item, tuple) else (n, item)
        rid = rec.get("id", line) if isinstance(rec, dict) else line
        if isinstance(rec, dict):
            try:
                rec = _pair_record(rec, line)
            except InputError as exc:
                rec = exc
        chunk.append((rid, rec))
        if len(chunk) >= batch:
            yield from flush(chunk)
            chunk = []
    if chunk:
        yield from flush(chunk)


def article_json(article: Article) -> str:
    return json.dumps(article.to_dict(), ensure_ascii=False, indent=2)


__all__ = [
    "EXPORT_FORMATS",
    "analyse",
    "analyse_file",
    "analysis_json",
    "articles",
    "clean",
    "compare",
    "compare_pairs",
    "entities",
    "entity",
    "export",
    "ingest",
    "read_pairs",
    "search",
    "show",
    "show_analysis",
    "stats",
]


# -- events and storylines (issue 5) ----------------------------------------------------------


def link_articles(
    *, db: DbRef = None, on_progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Link analysed articles that are not in an event yet; re-chain storylines.

    (Not ``storyline.link``: that name is the linking package.)
    """
    from storyline.link.runner import link_pending

    with _store(db) as store:
        return link_pending(store, on_progress=on_progress).to_dict()


def relink(
    *, db: DbRef = None, on_progress: Callable[[int, int], None] | None = None
) -> dict[str, Any]:
    """Re-cluster everything from scratch (forgets all event and storyline IDs)."""
    from storyline.link.runner import relink as _relink

    with _store(db) as store:
        return _relink(store, on_progress=on_progress).to_dict()


def _entity_keys(store: Store, name: str) -> list[str]:
    """Folded names an entity filter matches: the registry entry's name and aliases."""
    from storyline.analyse.registry import entity_key

    try:
        found = store.entity(name)
    except NotFound:
        return sorted(k for k in {entity_key(name)} if k)
    return entry_keys(found, also=name)


def entry_keys(entry: dict[str, Any], *, also: str = "") -> list[str]:
    """Folded names of a registry ``entry`` (:meth:`Store.entity`): its name, its aliases and
    ``also`` -- what events are filtered by (the web UI's entity page has the entry already)."""
    from storyline.analyse.registry import entity_key

    keys = {entity_key(also), entity_key(entry["name"])}
    keys.update(entity_key(a["alias"]) for a in entry.get("aliases", []))
    return sorted(k for k in keys if k)


def events(
    *,
    db: DbRef = None,
    since: str | None = None,
    entity: str | None = None,
    place: str | None = None,
    storyline: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Events, latest event time first; filter by day, entity, place or storyline."""
    from storyline.clean.dates import parse_date
    from storyline.link.summary import place_keys_for

    day = None
    if since:
        day = parse_date(since)
        if day is None:
            raise InputError(f"--since {since!r} is not a date (use YYYY-MM-DD)")
    with _store(db, readonly=True) as store:
        return store.events(
            since=day,
            entity_keys=_entity_keys(store, entity) if entity else None,
            place_keys=place_keys_for(place) if place else None,
            storyline=storyline,
            limit=limit,
            offset=offset,
        )


def event(ref: str, *, db: DbRef = None) -> dict[str, Any]:
    """One event: title, span, places, entities, key points, member articles, history."""
    with _store(db, readonly=True) as store:
        return store.event(ref)


def stories(*, db: DbRef = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Storylines, most recent first."""
    with _store(db, readonly=True) as store:
        return store.storylines(limit=limit, offset=offset)


def story(ref: str, *, db: DbRef = None) -> dict[str, Any]:
    """One storyline with its timeline of events."""
    with _store(db, readonly=True) as store:
        return store.storyline(ref)
