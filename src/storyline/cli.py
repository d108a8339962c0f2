"""The command line: thin typer commands over :mod:`storyline.api`.

Every listing takes ``--json`` for scripting; human output goes through rich. Errors a user
can cause are printed as one line naming the input, never as a traceback (exit code 2).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline import api
from storyline.errors import StorylineError
from storyline.fetch.types import FetchPolicy
from storyline.model import Article

if TYPE_CHECKING:
    from storyline.analyse.types import Analysis

app = typer.Typer(
    name="storyline",
    help="Turn raw news articles into clean articles, events and storylines.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Store: a SQLite path or a postgresql:// URL (default ./storyline.db or "
        "$STORYLINE_DB).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
PublishedOpt = Annotated[
    str | None, typer.Option("--published", help="Publication date YYYY-MM-DD (overrides).")
]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language code (skips detection).")]


def friendly(fn: F) -> F:
    """Turn user errors into one red line and exit code 2; Ctrl-C into exit code 130."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except StorylineError as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("[yellow]interrupted[/yellow]")
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `storyline export | head`
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@app.command()
@friendly
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")],
    db: DbOpt = None,
    published: PublishedOpt = None,
    lang: LangOpt = None,
    max_bytes: Annotated[
        int | None, typer.Option("--max-bytes", help="Largest single document to read.")
    ] = None,
    as_json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    no_analyse: Annotated[
        bool, typer.Option("--no-analyse", help="Only clean and store; analyse later.")
    ] = False,
    no_link: Annotated[
        bool, typer.Option("--no-link", help="Do not link into events (run `link` later).")
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Clean, analyse and embed in N Dask worker processes on this machine.",
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="URL",
            help="Clean, analyse and embed on an existing Dask cluster (tcp://host:8786).",
        ),
    ] = None,
    delay: Annotated[
        float,
        typer.Option("--delay", min=0.0, help="URLs: least seconds between requests to a host."),
    ] = 1.0,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.1, help="URLs: seconds to wait for a server.")
    ] = 20.0,
) -> None:
    """Read, clean, store, analyse and link news files and web pages (http(s) URLs).
    Re-running skips what is stored; a page is fetched again only when it changed.

    With --workers or --cluster the per-document work runs on Dask workers; this process still
    stores everything, in input order, so the result is the same as without (docs/scale.md).
    """
    from storyline.read import discover

    sources = list(discover(paths))
    progress = Progress(
        TextColumn("[bold]ingest[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}"),
        console=err,
        disable=quiet or not err.is_terminal,
        transient=True,
    )
    with progress:
        task = progress.add_task("ingest", total=len(sources), current="")

        def on_file(source: str) -> None:
            if progress.tasks[task].fields["current"]:
                progress.advance(task)
            progress.update(task, current=_short(source))

        report = api.ingest(
            sources,
            db=db,
            published=published,
            language=lang,
            max_bytes=max_bytes,
            on_file=on_file,
            stdin=sys.stdin.buffer if "-" in sources else None,
            analyse=not no_analyse,
            link=not no_link,
            workers=workers,
            cluster=cluster,
            policy=FetchPolicy(
                per_host_delay=delay, read_timeout=timeout, connect_timeout=min(timeout, 10)
            ),
        )
        progress.update(task, completed=len(sources))
    if as_json:
        _print_json(report.to_dict())
    else:
        for f in report.failures:
            err.print(f"[red]failed[/red] {escape(f.source_uri)}: {escape(f.message)}")
        c = report.counts
        out.print(
            f"[bold]{c['new']}[/bold] new, {c['exists']} already stored, "
            f"{c['copy']} copies of stored texts, {c['near_duplicate']} near-duplicates, "
            f"[{'red' if c['failed'] else 'green'}]{c['failed']} failed[/]; "
            f"{report.analysed} analysed"
            + (
                f", [red]{report.analysis_failed} analyses failed[/]"
                if report.analysis_failed
                else ""
            )
        )
        if report.linking and report.linking["linked"]:
            lk = report.linking
            out.print(
                f"{lk['linked']} linked: {lk['events']} events, {lk['storylines']} storylines"
            )
    if report.interrupted:
        err.print("[yellow]interrupted: what was stored stays stored; run again to continue[/]")
        raise typer.Exit(130)
    if report.stored == 0 and report.counts["failed"]:
        raise typer.Exit(2)


def _short(source: str, width: int = 50) -> str:
    return source if len(source) <= width else "…" + source[-(width - 1) :]


@app.command("articles")
@friendly
def list_articles(
    db: DbOpt = None,
    limit: Annotated[int, typer.Option(help="How many.")] = 100,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    lang: LangOpt = None,
    since: Annotated[str | None, typer.Option(help="Published on or after YYYY-MM-DD.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List stored articles."""
    rows = api.articles(db=db, limit=limit, offset=offset, language=lang, since=since)
    if as_json:
        _print_json(rows)
        return
    table = Table("id", "lang", "published", "source", "title", box=None)
    for r in rows:
        source = r.get("source") or ", ".join(r.get("agencies") or []) or ""
        table.add_row(
            r["id"][:12], r.get("language") or "", r.get("published") or "",
            escape(source), escape(r.get("title") or r.get("source_uri") or ""),
        )  # fmt: skip
    out.print(table)


@app.command()
@friendly
def show(
    ref: Annotated[str, typer.Argument(help="Stored article id / id prefix, or a file to clean.")],
    db: DbOpt = None,
    published: PublishedOpt = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one stored article with its analysis, or clean and analyse a file without storing it.

    ``--published`` sets the document creation time that relative dates resolve against.
    """
    article, analysis = api.show_analysis(ref, db=db, published=published, language=lang)
    if as_json:
        _print_json(api.analysis_json(article, analysis))
    else:
        _render_article(article)
        _render_analysis(analysis)


def _render_analysis(an: Analysis) -> None:
    out.print("\n[bold]analysis[/bold]")
    ev = an.event
    if ev:
        where = f"{ev.where} ({ev.country})" if ev.where and ev.country else ev.where
        trigger = f"  [dim](trigger: {escape(ev.trigger)})[/dim]" if ev.trigger else ""
        rows = [
            ("event", f"{ev.type}{trigger}"),
            ("who", ", ".join(ev.who)), ("where", where), ("when", ev.when),
        ]  # fmt: skip
        for k, v in rows:
            if v:
                out.print(f"[dim]{k:>10}[/dim]  {v}")
    dct = an.published or "unknown (relative times left open)"
    out.print(f"[dim]{'dct':>10}[/dim]  {dct}")
    guess = an.published_inferred
    if guess:
        out.print(
            f"[dim]{'inferred':>10}[/dim]  {guess.value} (confidence {guess.confidence:.2f}: "
            f"{escape('; '.join(guess.evidence))})"
        )
    seen: dict[tuple[str, str], int] = {}
    for e in an.entities:
        key = (e.label, e.canonical or e.text)
        seen[key] = seen.get(key, 0) + 1
    for label in ("PER", "ORG", "LOC", "MISC"):
        names = [f"{n}" + (f" ×{c}" if c > 1 else "") for (lb, n), c in seen.items() if lb == label]
        if names:
            out.print(f"[dim]{label:>10}[/dim]  {escape(', '.join(names))}")
    places: dict[str, str] = {}
    for p in an.places:
        coords = f"{p.lat:.2f},{p.lon:.2f}" if p.lat is not None and p.lon is not None else "?"
        places.setdefault(p.name, f"{p.name} [{p.country or '?'}, {p.kind}, {coords}]")
    if places:
        out.print(f"[dim]{'places':>10}[/dim]  {escape('; '.join(places.values()))}")
    for t in an.times:
        out.print(f"[dim]{'time':>10}[/dim]  {escape(t.text)} → {t.type} {t.value}")
    if ev and ev.key_points:
        out.print("[dim]key points[/dim]")
        for kp in ev.key_points:
            out.print(f"  • {escape(kp)}")


def _render_article(a: Article) -> None:
    out.print(f"[bold]{escape(a.title or '(no title)')}[/bold]")
    meta = [
        ("id", a.id), ("source", a.source), ("byline", a.byline),
        ("agencies", ", ".join(a.agencies)), ("dateline", a.dateline),
        ("published", a.published or "unknown"), ("language", a.language),
        ("from", a.source_uri),
    ]  # fmt: skip
    for k, v in meta:
        if v:
            out.print(f"[dim]{k:>10}[/dim]  {escape(str(v))}")
    if a.lead:
        out.print(f"\n[italic]{escape(a.lead)}[/italic]")
    if a.key_points:
        out.print()
        for kp in a.key_points:
            out.print(f"  • {escape(kp)}")
    for b in a.body:
        out.print(
            f"\n[bold]{escape(b.text)}[/bold]" if b.kind == "subheading" else f"\n{escape(b.text)}"
        )
    for c in a.captions:
        out.print(f"\n[dim]caption:[/dim] {escape(c)}")
    if a.credits:
        out.print(f"[dim]credits:[/dim] {escape('; '.join(a.credits))}")
    if a.removed:
        reasons: dict[str, int] = {}
        for r in a.removed:
            reasons[r.reason] = reasons.get(r.reason, 0) + 1
        summary = ", ".join(f"{n} {k}" for k, n in sorted(reasons.items(), key=lambda x: -x[1]))
        out.print(f"\n[dim]removed {len(a.removed)} lines: {summary}[/dim]")


@app.command()
@friendly
def search(
    query: Annotated[str, typer.Argument(help='Words (AND-ed); "quoted phrases".')] = "",
    db: DbOpt = None,
    limit: Annotated[int, typer.Option(help="How many.")] = 20,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    entity: Annotated[str | None, typer.Option(help="Only articles naming this entity.")] = None,
    place: Annotated[
        str | None, typer.Option(help="Only articles with this place (name or country code).")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language.")] = None,
    since: Annotated[str | None, typer.Option("--from", help="Published on/after.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Published on/before.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Full-text search over stored titles and texts (filters work without words too)."""
    rows = api.search(
        query, db=db, limit=limit, offset=offset, entity=entity, place=place, language=lang,
        since=since, until=until,
    )  # fmt: skip
    if as_json:
        _print_json(rows)
        return
    if not rows:
        out.print("no matches")
    for r in rows:
        out.print(
            f"[bold]{escape(r.get('title') or r['source_uri'])}[/bold]  [dim]{r['id'][:12]}[/dim]"
        )
        if r.get("snippet"):
            out.print(f"  {escape(r['snippet'])}")


@app.command()
@friendly
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or parquet.")] = "jsonl",
    db: DbOpt = None,
    out_path: Annotated[
        str | None, typer.Option("--out", "-o", help="File (default stdout).")
    ] = None,
) -> None:
    """Export every stored article."""
    n = api.export(fmt, db=db, out=out_path)
    if out_path:
        err.print(f"exported {n} articles to {escape(out_path)}")


@app.command()
@friendly
def analyse(
    db: DbOpt = None,
    redo: Annotated[bool, typer.Option("--all", help="Re-analyse every article.")] = False,
    as_json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Analyse stored articles that have no current analysis (resumes an interrupted run)."""
    total = api.stats(db=db)["articles"] if redo else api.pending_analyses(db=db)
    progress = Progress(
        TextColumn("[bold]analyse[/bold]"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, disable=quiet or not err.is_terminal, transient=True,
    )  # fmt: skip
    with progress:
        task = progress.add_task("analyse", total=total)
        report = api.analyse(db=db, redo=redo, on_item=lambda _s, _o: progress.advance(task))
    data = {
        "analysed": report.analysed,
        "failed": report.analysis_failed,
        "failures": [f.__dict__ for f in report.failures],
        "interrupted": report.interrupted,
    }
    if as_json:
        _print_json(data)
    else:
        for f in report.failures:
            err.print(f"[red]failed[/red] {escape(f.source_uri)}: {escape(f.message)}")
        out.print(f"{report.analysed} analysed, {report.analysis_failed} failed")
    if report.interrupted:
        err.print("[yellow]interrupted: analyses so far are stored; run again to continue[/]")
        raise typer.Exit(130)


@app.command("entities")
@friendly
def list_entities(
    db: DbOpt = None,
    label: Annotated[str | None, typer.Option(help="PER, ORG, LOC or MISC.")] = None,
    query: Annotated[str | None, typer.Option("--query", "-q", help="Name contains.")] = None,
    limit: Annotated[int, typer.Option(help="How many.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """The entity registry: people, organisations, places, most mentioned first."""
    rows = api.entities(db=db, label=label, query=query, limit=limit, offset=offset)
    if as_json:
        _print_json(rows)
        return
    # the name first and never cut; the id column only where the terminal has room for it
    cols = ["name", "label", "ment", "arts", "lang", "first", "last"]
    wide = out.width >= 100
    table = Table(box=None)
    for col in [*cols, "id"] if wide else cols:
        table.add_column(col, no_wrap=True, min_width=22 if col == "name" else None)
    for r in rows:
        cells = [
            escape(r["name"]), r["label"], str(r["mentions"]), str(r["articles"]),
            ",".join(r["languages"]), r["first_seen"] or "", r["last_seen"] or "",
        ]  # fmt: skip
        table.add_row(*cells, *([r["id"]] if wide else []))
    out.print(table)


@app.command()
@friendly
def entity(
    name: Annotated[str, typer.Argument(help="Entity id or any name it was seen under.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One entity: aliases, languages, mentions over time, recent articles."""
    data = api.entity(name, db=db)
    if as_json:
        _print_json(data)
        return
    out.print(f"[bold]{escape(data['name'])}[/bold]  [dim]{data['id']} {data['label']}[/dim]")
    out.print(
        f"{data['mentions']} mentions in {data['articles']} articles; "
        f"languages: {', '.join(data['languages']) or '?'}"
    )
    aliases = ", ".join(f"{a['alias']} ({a['language']}, {a['mentions']})" for a in data["aliases"])
    out.print(f"[dim]aliases[/dim]  {escape(aliases)}")
    for t in data["timeline"]:
        out.print(f"  {t['day'] or 'undated':>10}  {'█' * min(t['mentions'], 40)} {t['mentions']}")
    for a in data["recent"]:
        out.print(f"  [dim]{a['id'][:12]}[/dim] {escape(a['title'] or '')}")


@app.command()
@friendly
def stats(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Counts of what the store holds."""
    data = api.stats(db=db)
    if as_json:
        _print_json(data)
        return
    for k, v in data.items():
        out.print(f"{k:>16}  {v}")


@app.command()
@friendly
def compare(
    a: Annotated[
        str | None, typer.Argument(help="First article: stored id / id prefix, or a file.")
    ] = None,
    b: Annotated[
        str | None, typer.Argument(help="Second article: stored id / id prefix, or a file.")
    ] = None,
    pairs: Annotated[
        str | None,
        typer.Option(
            "--pairs",
            help="JSONL file (or -) of pairs: id, text1, text2 [, lang1, lang2, published1, "
            "published2]; prints one JSON result a line.",
        ),
    ] = None,
    db: DbOpt = None,
    encoder: Annotated[
        str | None, typer.Option("--encoder", help="Sentence encoder: use (default) or e5.")
    ] = None,
    no_explain: Annotated[
        bool, typer.Option("--no-explain", help="Batch: scores only, no explanation.")
    ] = False,
    as_json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Compare two articles: similarity per dimension (1 = very similar .. 4 = very
    dissimilar), same event, near-duplicate, and the evidence."""
    if pairs is not None:
        if a is not None or b is not None:
            raise StorylineError("give either two articles or --pairs FILE, not both")
        _compare_batch(pairs, encoder=encoder, explain=not no_explain, quiet=quiet)
        return
    if a is None or b is None:
        raise StorylineError("compare needs two articles (ids or files) or --pairs FILE")
    result = api.compare(a, b, db=db, encoder=encoder)
    if as_json:
        data = result.to_dict()
        data.pop("a")
        data.pop("b")
        _print_json({"a": result.a, "b": result.b, **data})
        return
    _render_comparison(result)


def _compare_batch(path: str, *, encoder: str | None, explain: bool, quiet: bool) -> None:
    """``compare --pairs``: JSON lines out (always JSON: the output is for programs)."""
    total = None
    if path != "-":
        from pathlib import Path

        if Path(path).is_file():
            with open(path, "rb") as f:
                total = sum(1 for line in f if line.strip())
    progress = Progress(
        TextColumn("[bold]compare[/bold]"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, disable=quiet or not err.is_terminal, transient=True,
    )  # fmt: skip
    errors = 0
    with progress:
        task = progress.add_task("compare", total=total)
        records = api.read_pairs(path, stdin=sys.stdin if path == "-" else None)
        for res in api.compare_pairs(
            records, encoder=encoder, explain=explain, on_item=lambda: progress.advance(task)
        ):
            if "error" in res:
                errors += 1
            sys.stdout.write(json.dumps(res, ensure_ascii=False) + "\n")
    if errors:
        err.print(f'[yellow]{errors} pairs could not be compared (see their "error")[/]')


def _render_comparison(c: Any) -> None:
    ex = c.explanation
    titles = ex.get("titles") or ["", ""]
    out.print(f"[bold]A[/bold] {escape(c.a[:12])}  {escape(titles[0] or '')}")
    out.print(f"[bold]B[/bold] {escape(c.b[:12])}  {escape(titles[1] or '')}")
    out.print(f"\n{escape(ex.get('summary', ''))}\n")
    table = Table("dimension", "score", "", box=None)
    for dim, score in c.scores.items():
        bar = "█" * round((4 - score) / 3 * 20)
        table.add_row(dim, f"{score:.2f}", bar)
    out.print(table)
    out.print(
        f"[dim]same event[/dim] {c.same_event:.2f}   "
        f"[dim]near-duplicate[/dim] {'yes' if c.near_duplicate else 'no'}   "
        f"[dim]languages[/dim] {'/'.join(ex.get('languages', []))}"
    )
    ents = ex.get("entities", {})
    if ents.get("shared"):
        names = ", ".join(
            s["a"] if s["a"] == s["b"] else f"{s['a']} = {s['b']}" for s in ents["shared"]
        )
        out.print(f"[dim]{'shared':>10}[/dim]  {escape(names)}")
    for key, label in (("only_a", "only A"), ("only_b", "only B")):
        if ents.get(key):
            names = ", ".join(e["name"] for e in ents[key][:10])
            out.print(f"[dim]{label:>10}[/dim]  {escape(names)}")
    pl = ex.get("places", {})
    ea, eb = pl.get("event_place_a"), pl.get("event_place_b")
    if ea or eb:
        dist = pl.get("event_distance_km")
        where = f"{(ea or {}).get('name', '?')} / {(eb or {}).get('name', '?')}"
        out.print(
            f"[dim]{'where':>10}[/dim]  {escape(where)}"
            + (f" ({dist} km apart)" if dist is not None else "")
        )
    tm = ex.get("time", {})
    when = f"{tm.get('event_time_a') or '?'} / {tm.get('event_time_b') or '?'}"
    gap = tm.get("event_gap_days")
    out.print(
        f"[dim]{'when':>10}[/dim]  {escape(when)}"
        + (f" ({gap} days apart)" if gap is not None else "")
    )
    for s in ex.get("shared_sentences", []):
        out.print(f"\n  [dim]A[/dim] {escape(s['a'])}\n  [dim]B[/dim] {escape(s['b'])}")


# the event commands live in their own module; importing it registers them on ``app``
import storyline.cli_events  # noqa: E402
import storyline.cli_feeds  # noqa: E402
import storyline.cli_serve  # noqa: E402, F401


def main() -> None:
    app()


if __name__ == "__main__":
    main()
