"""CLI commands for following outlets: ``feeds add|list|show|remove`` and ``watch``.

Registered on the main typer app by :mod:`storyline.cli`; thin like the rest of the CLI: one
call into :mod:`storyline.api_feeds` plus rendering, and ``--json`` prints what it returned.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline import api_feeds
from storyline.cli import DbOpt, JsonOpt, _print_json, app, err, friendly, out
from storyline.errors import InputError
from storyline.fetch.types import FetchPolicy

feeds_app = typer.Typer(
    help="Follow RSS/Atom feeds and news sitemaps (then run `storyline watch`).",
    no_args_is_help=True,
)
app.add_typer(feeds_app, name="feeds")

DelayOpt = Annotated[
    float,
    typer.Option("--delay", min=0.0, help="Least seconds between two requests to the same host."),
]
TimeoutOpt = Annotated[
    float, typer.Option("--timeout", min=0.1, help="Seconds to wait for a server to answer.")
]

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(h|m|s)?", re.I)
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(text: str) -> float:
    """``15m``, ``1h30m``, ``90s`` or ``90`` (seconds) -> seconds; InputError otherwise."""
    cleaned = text.strip().lower().replace(" ", "")
    total, position = 0.0, 0
    for match in _DURATION.finditer(cleaned):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNITS[match.group(2) or "s"]
        position = match.end()
    if not cleaned or position != len(cleaned):
        raise InputError(f"--every {text!r} is not a duration (use e.g. 15m, 1h or 90s)")
    if total < 1:
        raise InputError(f"--every {text!r} is too short: poll at most once a second")
    return total


def policy(delay: float, timeout: float) -> FetchPolicy:
    """The fetch settings the command-line options give (the rest keep their defaults)."""
    return FetchPolicy(per_host_delay=delay, read_timeout=timeout, connect_timeout=min(timeout, 10))


@feeds_app.command("add")
@friendly
def add(
    url: Annotated[str, typer.Argument(help="Feed, sitemap or an outlet's homepage URL.")],
    name: Annotated[str | None, typer.Option("--name", help="A short name for listings.")] = None,
    no_check: Annotated[
        bool, typer.Option("--no-check", help="Store it without fetching it now.")
    ] = False,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    timeout: TimeoutOpt = 20.0,
) -> None:
    """Follow a feed. It is fetched once to check it; a homepage's announced feed is used."""
    row = api_feeds.add_feed(url, name=name, db=db, check=not no_check, policy=policy(1.0, timeout))
    if as_json:
        _print_json(row)
        return
    found = row.get("discovered_from")
    if found:
        out.print(f"found the feed of {escape(found)}:")
    items = "" if row.get("items") is None else f", {row['items']} items now"
    out.print(
        f"following [bold]{escape(row.get('name') or row['url'])}[/bold] "
        f"({row.get('kind') or 'unchecked'}{items})  [dim]{row['id']}[/dim]"
    )


@feeds_app.command("list")
@friendly
def list_feeds(db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """Followed feeds: last check, last success, last error, items seen; and per-host failures."""
    rows = _followed(db)
    hosts = api_feeds.hosts(db=db) if rows else []
    if as_json:
        _print_json({"feeds": rows, "hosts": hosts})
        return
    if not rows:
        out.print("no feeds followed yet: storyline feeds add URL")
        return
    table = Table(box=None)
    for col in ("feed", "kind", "items", "articles", "last ok", "last error", "id"):
        table.add_column(col, no_wrap=col != "last error", overflow="fold")
    for r in rows:
        error = ""
        if r.get("last_error") and (r.get("consecutive_errors") or 0) > 0:
            error = f"[red]{_when(r['last_error_at'])} {escape(r['last_error'])}[/red]"
            if r["consecutive_errors"] > 1:
                error += f" [dim]({r['consecutive_errors']}× in a row)[/dim]"
        table.add_row(
            escape(r.get("name") or r["url"]),
            r.get("kind") or "-",
            str(r["items_seen"]),
            str(r["articles"])
            + (f" [red]+{r['failed_items']} failed[/]" if r["failed_items"] else ""),
            _when(r.get("last_ok")),
            error,
            r["id"],
        )
    out.print(table)
    failing = [h for h in hosts if h["failures"]]
    if failing:
        out.print()
        hosts_table = Table(box=None, title="hosts with failures", title_justify="left")
        for col in ("host", "requests", "failures", "last error"):
            hosts_table.add_column(col, overflow="fold")
        for h in failing:
            hosts_table.add_row(
                escape(h["host"]),
                str(h["requests"]),
                str(h["failures"]),
                f"{_when(h.get('last_error_at'))} {escape(h.get('last_error') or '')}",
            )
        out.print(hosts_table)


@feeds_app.command("show")
@friendly
def show_feed(
    ref: Annotated[str, typer.Argument(help="Feed id, id prefix or URL.")],
    limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One feed's status and its most recent items, with what became of each."""
    data = api_feeds.feed(ref, db=db, limit=limit)
    if as_json:
        _print_json(data)
        return
    out.print(f"[bold]{escape(data.get('name') or data.get('title') or data['url'])}[/bold]")
    out.print(f"  {escape(data['url'])}  [dim]{data['id']}[/dim]")
    out.print(
        f"  {data.get('kind') or 'not checked yet'}; {data['checks']} checks, last ok "
        f"{_when(data.get('last_ok'))}; {data['items_seen']} items seen, "
        f"{data['articles']} stored, {data['failed_items']} failed"
    )
    if data.get("last_error") and data.get("consecutive_errors"):
        out.print(
            f"  [red]last error {_when(data['last_error_at'])}: {escape(data['last_error'])}[/]"
        )
    table = Table(box=None)
    for col in ("seen", "status", "title", "article"):
        table.add_column(col, overflow="fold")
    for item in data["recent"]:
        status = item["status"]
        if status != "stored":
            status = f"[red]{status}[/red] {escape(item.get('message') or '')}"
        table.add_row(
            _when(item["first_seen"]),
            status,
            escape(item.get("title") or item["url"]),
            item.get("article_id") or "",
        )
    out.print(table)


@feeds_app.command("remove")
@friendly
def remove(
    ref: Annotated[str, typer.Argument(help="Feed id, id prefix or URL.")],
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Stop following a feed. Articles it brought stay stored."""
    row = api_feeds.remove_feed(ref, db=db)
    if as_json:
        _print_json(row)
        return
    out.print(f"no longer following {escape(row.get('name') or row['url'])}")


@app.command()
@friendly
def watch(
    every: Annotated[str, typer.Option("--every", help="Poll interval: 15m, 1h, 90s.")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (for cron).")] = False,
    feed: Annotated[
        list[str] | None, typer.Option("--feed", help="Only this feed (repeatable).")
    ] = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No status lines.")] = False,
    no_link: Annotated[bool, typer.Option("--no-link", help="Do not link into events.")] = False,
    concurrency: Annotated[
        int, typer.Option("--hosts", min=1, max=32, help="Hosts fetched at the same time.")
    ] = 4,
    delay: DelayOpt = 1.0,
    timeout: TimeoutOpt = 20.0,
) -> None:
    """Poll the followed feeds; new items are fetched, cleaned, analysed, stored and linked.

    A status line per poll says what came in. A restart continues without refetching what is
    stored. With --json, one JSON object per poll (one line each).
    """
    seconds = parse_duration(every)
    if not feed and not _followed(db):
        raise InputError("no feeds followed yet: add one with `storyline feeds add URL`")

    live = _PollProgress(enabled=not (quiet or as_json) and err.is_terminal)

    def on_poll(report: Any, wait: float) -> None:
        live.stop()
        if as_json:
            out.print_json(data=report.to_dict(), indent=None)
            return
        if quiet:
            return
        stamp = datetime.now().strftime("%H:%M:%S")
        line = (
            f"[dim]{stamp}[/dim] {escape(report.status_line())} [dim]({report.seconds:.1f} s)[/dim]"
        )
        if wait > 0:
            line += f" [dim]next poll in {_duration(wait)}[/dim]"
        out.print(line)
        for f in report.feeds:
            if f.status == "error":
                err.print(
                    f"  [red]feed failed[/red] {escape(f.name or f.url)}: {escape(f.message)}"
                )

    try:
        api_feeds.watch(
            every=seconds,
            db=db,
            feeds=feed,
            policy=policy(delay, timeout),
            link=not no_link,
            concurrency=concurrency,
            polls=1 if once else None,
            on_poll=on_poll,
            on_item=live.item,
        )
    except KeyboardInterrupt:
        live.stop()
        err.print("[yellow]stopped: what was fetched is stored; run again to continue[/]")
        raise typer.Exit(130) from None


class _PollProgress:
    """A live line on stderr while a poll fetches pages: how many, how many failed, which one.

    A first poll of a big sitemap can take many minutes; the status line only comes at its
    end. Started by the first page of a poll, cleared before the poll's status line.
    """

    _STORED = frozenset({"new", "exists", "copy", "near_duplicate"})

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Progress | None = None
        self.task: Any = None
        self.pages = self.failed = 0

    def item(self, source: str, status: str) -> None:
        if not self.enabled or status not in self._STORED | {"failed"}:
            return
        if self.progress is None:
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("[bold]poll[/bold] {task.fields[counts]}"),
                TimeElapsedColumn(),
                TextColumn("[dim]{task.fields[current]}[/dim]"),
                console=err,
                transient=True,
            )
            self.progress.start()
            self.task = self.progress.add_task("poll", counts="", current="")
        self.pages += 1
        self.failed += status == "failed"
        counts = f"{self.pages} pages" + (
            f", [red]{self.failed} failed[/red]" if self.failed else ""
        )
        current = source if len(source) <= 60 else "…" + source[-59:]
        self.progress.update(self.task, counts=counts, current=escape(current))

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
        self.progress, self.pages, self.failed = None, 0, 0


def _followed(db: str | None) -> list[dict[str, Any]]:
    """The followed feeds; none when the store is a file not created yet (``feeds add``
    creates it), so that ``watch`` says how to follow a feed, not to run ``ingest`` first."""
    from pathlib import Path

    from storyline.store import resolve_url

    target = resolve_url(db)
    if ":" not in target and not Path(target).exists():
        return []
    return api_feeds.feeds(db=db)


def _when(iso: str | None) -> str:
    """A stored UTC time as a short local-free stamp: ``2026-12-03 12:40``."""
    if not iso:
        return "-"
    return iso.replace("T", " ")[:16]


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
