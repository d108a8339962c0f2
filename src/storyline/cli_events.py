"""CLI commands for events and storylines (issue 5): link, relink, events, event, stories, story.

Registered on the main typer app by :mod:`storyline.cli`; as thin as the rest of the CLI: every
command is one call into :mod:`storyline.api` plus rendering, and ``--json`` prints what the API
returned.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline import api
from storyline.cli import DbOpt, JsonOpt, _print_json, app, err, friendly, out

QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]


def _span(row: dict[str, Any]) -> str:
    first, last = row.get("first_day"), row.get("last_day")
    if not first:
        return "undated"
    return first if not last or last == first else f"{first} – {last}"


def _heading(data: dict[str, Any]) -> None:
    """The first line of an event or storyline page: title and ID."""
    out.print(f"[bold]{escape(data['title'] or '')}[/bold]  [dim]{data['id']}[/dim]")


def _who(data: dict[str, Any]) -> str:
    """Its main people and organisations, each name once."""
    return escape(", ".join(dict.fromkeys(e["name"] for e in data["entities"][:8])))


def _listing(
    rows: list[dict[str, Any]],
    first: str,
    extra: tuple[str, ...],
    extra_cells: Callable[[dict[str, Any]], list[str]],
) -> Table:
    """A list of events or storylines: span, title, id, and ``extra`` columns when the terminal
    has room for them (the title never gives way)."""
    wide = out.width >= 110
    table = Table(box=None, expand=True)
    for col in (first, "title", *(extra if wide else ()), "id"):
        if col == "title":
            table.add_column(col, ratio=1, min_width=24)
        else:
            table.add_column(col, no_wrap=True, overflow="ellipsis", max_width=24)
    for r in rows:
        extra_row = extra_cells(r) if wide else []
        table.add_row(_span(r), escape(r["title"] or ""), *extra_row, r["id"])
    return table


def _link_progress(label: str, quiet: bool) -> Progress:
    return Progress(
        TextColumn(f"[bold]{label}[/bold]"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, disable=quiet or not err.is_terminal, transient=True,
    )  # fmt: skip


def _print_link_report(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        _print_json(data)
        return
    if not data["linked"]:
        out.print("nothing new to link: every analysed article is in an event")
        return
    changes = ", ".join(f"{n} {k}" for k, n in sorted(data["story_changes"].items()))
    out.print(
        f"{data['linked']} articles linked: {data['events']} events "
        f"({data['new_events']} new, {data['merged_events']} merged, {data['split_events']} "
        f"split), {data['storylines']} storylines" + (f" ({changes})" if changes else "")
    )


@app.command("link")
@friendly
def link_cmd(db: DbOpt = None, as_json: JsonOpt = False, quiet: QuietOpt = False) -> None:
    """Link analysed articles that are in no event yet (ingest does this as it goes)."""
    progress = _link_progress("link", quiet)
    with progress:
        task = progress.add_task("link", total=None)
        data = api.link_articles(
            db=db,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    _print_link_report(data, as_json)


@app.command()
@friendly
def relink(db: DbOpt = None, as_json: JsonOpt = False, quiet: QuietOpt = False) -> None:
    """Re-cluster all articles into events and storylines from scratch (new IDs)."""
    progress = _link_progress("relink", quiet)
    with progress:
        task = progress.add_task("relink", total=None)
        data = api.relink(
            db=db,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    _print_link_report(data, as_json)


@app.command("events")
@friendly
def list_events(
    db: DbOpt = None,
    since: Annotated[str | None, typer.Option(help="Events on or after YYYY-MM-DD.")] = None,
    entity: Annotated[str | None, typer.Option(help="Events naming this person/org.")] = None,
    place: Annotated[str | None, typer.Option(help="Events at or naming this place.")] = None,
    story: Annotated[str | None, typer.Option("--story", help="Events of one storyline.")] = None,
    limit: Annotated[int, typer.Option(help="How many.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Events, latest event time first."""
    rows = api.events(
        db=db, since=since, entity=entity, place=place, storyline=story, limit=limit, offset=offset
    )
    if as_json:
        _print_json(rows)
        return
    out.print(
        _listing(
            rows,
            "when",
            ("arts", "lang", "where"),
            lambda r: [
                str(r["articles"]),
                ",".join(r["languages"]),
                escape(", ".join(r["places"][:2])),
            ],
        )
    )


@app.command()
@friendly
def event(
    ref: Annotated[str, typer.Argument(help="Event ID (or a unique prefix, or a merged ID).")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One event: when, where, who, key points and its articles by outlet and language."""
    data = api.event(ref, db=db)
    if as_json:
        _print_json(data)
        return
    _heading(data)
    if data.get("requested"):
        out.print(f"[dim](merged from {data['requested']})[/dim]")
    places = ", ".join(p["name"] for p in data["places"][:4])
    out.print(f"[dim]when[/dim]   {_span(data)}   [dim]type[/dim] {data.get('type') or '?'}")
    out.print(f"[dim]where[/dim]  {escape(places)}")
    out.print(f"[dim]who[/dim]    {_who(data)}")
    out.print(f"[dim]story[/dim]  {data.get('storyline_id') or '-'}")
    for p in data["key_points"]:
        out.print(f"  • {escape(p)}")
    out.print(f"[bold]{len(data['articles'])} articles[/bold]")
    for a in data["articles"]:
        out.print(
            f"  [dim]{a['id'][:12]}[/dim] {a['language'] or '??'} {escape(a['source'] or '')}: "
            f"{escape(a['title'] or '')}"
        )


@app.command()
@friendly
def stories(
    db: DbOpt = None,
    limit: Annotated[int, typer.Option(help="How many.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Storylines, most recent first."""
    rows = api.stories(db=db, limit=limit, offset=offset)
    if as_json:
        _print_json(rows)
        return
    out.print(
        _listing(
            rows,
            "span",
            ("events", "arts", "lang"),
            lambda r: [str(r["events"]), str(r["articles"]), ",".join(r["languages"])],
        )
    )


@app.command()
@friendly
def story(
    ref: Annotated[str, typer.Argument(help="Storyline ID (or a unique prefix).")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A storyline as a timeline of its events."""
    data = api.story(ref, db=db)
    if as_json:
        _print_json(data)
        return
    _heading(data)
    out.print(f"{_span(data)}  ·  {data['events']} events  ·  {data['articles']} articles")
    out.print(f"[dim]who[/dim]    {_who(data)}")
    out.print(f"[dim]where[/dim]  {escape(', '.join(data['places'][:6]))}")
    for e in data["timeline"]:
        when = e["first_day"] or "undated"
        out.print(f"[bold]{when:>10}[/bold] │ {escape(e['title'] or '')}")
        detail = f"{e['articles']} articles · {', '.join(e['languages'])}"
        if e["places"]:
            detail += " · " + ", ".join(e["places"])
        out.print(f"{'':>10} │ [dim]{escape(detail)} · {e['id']}[/dim]")
    for c in data.get("changes", []):
        if c["kind"] != "story_new":
            out.print(f"[dim]{c['at']} {c['kind']} {', '.join(c['others'])}[/dim]")
