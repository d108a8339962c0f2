"""Bulk ingest throughput (issue 7): articles/s of ``storyline ingest``, SQLite vs PostgreSQL,
one process vs two Dask workers.

Run: ``.venv/bin/python benchmarks/bench_scale.py [--articles 120] [--no-postgres] [--no-write]
[--smoke]`` (``--smoke``: 20 articles, nothing written to the docs).

Target (issue 7): >= 100 articles/s end to end on this 2-core machine.

What is measured, and why this way:

* **The corpus** is the first ``--articles`` rows of ``../shared/data/10kgnad/articles.csv``
  (German, derStandard.at; CC BY-NC-SA, read locally, never copied into the repository), in file
  order, each written as one ``.txt`` file into a temporary folder. Without ``../shared`` the
  benchmark says so and exits 0.
* **The command** is the real one, ``storyline ingest FOLDER --db URL -q --json`` (plus
  ``--workers 2`` for the Dask rows), in a subprocess, into a fresh store each time: the whole
  pipeline (read, clean, store, analyse, embed, link) including interpreter start-up, model
  loading and, for the Dask rows, starting and stopping the local cluster.
* **Wall time** is ``time.perf_counter`` around the subprocess. **CPU time** is the user +
  system time of the ingest process and everything it waited for (its Dask worker processes):
  the ``resource.getrusage(RUSAGE_CHILDREN)`` delta; for PostgreSQL the server's own CPU time
  (postmaster, its live processes and the backends that ended, from ``/proc``) is added, since
  the server works for the ingest on the same 2 cores.
* **articles/s** = articles stored / wall seconds; **CPU s/article** = CPU seconds / articles
  stored; **articles/s per core** = articles stored / CPU seconds, the rate one fully busy core
  would reach, independent of how well the run used both cores.
* **PostgreSQL** is a throwaway cluster (``initdb`` in a temporary folder, run as the
  ``postgres`` OS user when we are root) with **default settings** (fsync, synchronous_commit,
  shared_buffers as shipped) except the listen address, port and socket folder; a fresh database
  per run. If it cannot start, the benchmark says why and measures SQLite only.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from report import write_section  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from pgtools import throwaway_cluster  # noqa: E402

HEADING = "## Bulk ingest throughput: SQLite vs PostgreSQL, 1 vs 2 workers (issue 7)"
TARGET = 100.0  # articles/s end to end
STORYLINE = ROOT / ".venv" / "bin" / "storyline"
CORPUS = ROOT.parent / "shared" / "data" / "10kgnad" / "articles.csv"
SCALE_DOC = ROOT / "docs" / "scale.md"
PG_PASSWORD = "bench-storyline"
RUN_TIMEOUT = 3600

# ---------------------------------------------------------------------------------------------
# The corpus


def write_corpus(n: int, folder: Path) -> int:
    """The first ``n`` articles of 10kGNAD, in file order, as ``00001.txt`` ... in ``folder``."""
    written = 0
    with CORPUS.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=";", quotechar="'"):
            if written >= n:
                break
            if len(row) < 2 or not row[1].strip():
                continue
            written += 1
            (folder / f"{written:05d}.txt").write_text(row[1].strip() + "\n", encoding="utf-8")
    return written


# ---------------------------------------------------------------------------------------------
# PostgreSQL: a throwaway cluster with default settings (the steps of tests/conftest.py's
# ``pg_url``, minus its speed-ups: fsync, synchronous_commit etc. stay as shipped)


@dataclass
class Postgres:
    admin_url: str
    data: Path
    version: str

    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def new_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"


@contextlib.contextmanager
def postgres_cluster() -> Iterator[Postgres]:
    """A PostgreSQL cluster for this run, stopped and deleted at the end; ``RuntimeError``
    (saying why) when it cannot start."""
    try:
        import psycopg
    except ImportError:
        raise RuntimeError("psycopg is not installed") from None
    # default server settings (fsync on): only the address, port and socket folder are set
    stack = contextlib.ExitStack()
    try:
        cluster = stack.enter_context(
            throwaway_cluster(PG_PASSWORD, prefix="storyline-bench-pg-", tmp="/tmp")
        )
        with psycopg.connect(cluster.admin_url, autocommit=True, connect_timeout=10) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            version = str(row[0]) if row else "?"
    except (OSError, subprocess.SubprocessError, psycopg.Error) as exc:
        stack.close()
        raise RuntimeError(" ".join(str(exc).split()) or type(exc).__name__) from exc
    except RuntimeError:
        stack.close()
        raise
    with stack:
        yield Postgres(cluster.admin_url, cluster.data, version)


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, list[str]]:
    """``(ppid, fields from utime on)`` of ``/proc/PID/stat``."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[11:]


def server_cpu(postmaster: int) -> float:
    """CPU seconds the PostgreSQL server has used so far: the postmaster (own and that of the
    backends it has reaped) plus its live children (own and reaped)."""
    _, f = _stat(postmaster)
    ticks = sum(int(x) for x in f[:4])
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            ppid, f = _stat(int(entry.name))
            if ppid == postmaster:
                ticks += sum(int(x) for x in f[:4])
    return ticks / _TICK


# ---------------------------------------------------------------------------------------------
# The runs


@dataclass
class Row:
    backend: str
    workers: int
    inputs: int
    stored: int = 0
    failed: int = 0
    analysed: int = 0
    linked: int = 0
    events: int = 0
    wall: float = 0.0
    cpu: float = 0.0  # ingest process tree (+ PostgreSQL server)
    server_cpu: float = 0.0
    error: str = ""

    @property
    def rate(self) -> float:
        return self.stored / self.wall if self.wall else 0.0

    @property
    def cpu_per_article(self) -> float:
        return self.cpu / self.stored if self.stored else 0.0

    @property
    def per_core(self) -> float:
        return self.stored / self.cpu if self.cpu else 0.0


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_ingest(
    folder: Path, url: str, backend: str, workers: int, inputs: int, pg: Postgres | None
) -> Row:
    row = Row(backend, workers, inputs)
    cmd = [str(STORYLINE), "ingest", str(folder), "--db", url, "-q", "--json"]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    label = f"{backend}, {workers} worker{'s' if workers > 1 else ''}"
    print(f"  {label}: {inputs} articles ...", flush=True)
    srv0 = server_cpu(pg.postmaster_pid()) if pg else 0.0
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=folder.parent, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
    )
    row.wall = time.perf_counter() - t0
    row.cpu = _children_cpu() - cpu0
    if pg:
        row.server_cpu = server_cpu(pg.postmaster_pid()) - srv0
        row.cpu += row.server_cpu
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        tail = " ".join((done.stderr or done.stdout).split())[-300:]
        row.error = f"exit {done.returncode}: {tail}"
        print(f"    failed: {row.error}")
        return row
    row.failed = int(report["failed"])
    row.stored = sum(int(report[k]) for k in ("new", "already_stored", "copies", "near_duplicates"))
    row.analysed = int(report["analysed"])
    linking = report.get("linking") or {}
    row.linked = int(linking.get("linked", 0))
    row.events = int(linking.get("events", 0))
    if done.returncode != 0:
        row.error = f"exit {done.returncode}"
    print(
        f"    {row.stored} stored, {row.failed} failed, {row.analysed} analysed, "
        f"{row.linked} linked; {row.wall:.1f} s wall, {row.cpu:.1f} s CPU "
        f"-> {row.rate:.2f} articles/s",
        flush=True,
    )
    return row


# ---------------------------------------------------------------------------------------------
# Output


def _workers_label(w: int) -> str:
    return "1 (plain, no Dask)" if w == 1 else f"{w} (Dask, `--workers {w}`)"


def print_table(rows: list[Row], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for col in ("backend", "workers", "in", "stored", "failed", "analysed", "linked",
                "wall s", "articles/s", "CPU s", "CPU s/article", "articles/s per core",
                f">= {TARGET:.0f}/s"):  # fmt: skip
        table.add_column(col, justify="left" if col in ("backend", "workers") else "right")
    for r in rows:
        table.add_row(
            r.backend, "1" if r.workers == 1 else f"{r.workers} (Dask)", str(r.inputs),
            str(r.stored), str(r.failed), str(r.analysed), str(r.linked), f"{r.wall:.1f}",
            f"{r.rate:.2f}",
            f"{r.cpu:.1f}", f"{r.cpu_per_article:.2f}", f"{r.per_core:.2f}",
            "yes" if r.rate >= TARGET else "no",
        )  # fmt: skip
    Console(width=160).print(table)


def markdown(
    rows: list[Row], inputs: int, loadavg: tuple[float, ...], pg_note: str, cores: int
) -> str:
    lines = [
        HEADING,
        "",
        f"**Corpus**: the first {inputs} articles of 10kGNAD (`../shared/data/10kgnad`, German, "
        "derStandard.at, in file order), one `.txt` file each. **Command**: "
        "`storyline ingest FOLDER --db URL -q --json` (+ `--workers 2`) in a subprocess, into a "
        "fresh store per run: read, clean, store, analyse, embed and link, including start-up, "
        "model loading and (Dask rows) starting and stopping the local cluster.",
        "",
        f"**Machine**: {cores} cores, shared with other work (load average "
        f"{loadavg[0]:.2f} / {loadavg[1]:.2f} / {loadavg[2]:.2f} at the start). {pg_note}",
        "",
        "*articles/s*: stored / wall time. *CPU s*: user + system time of the ingest process and "
        "its Dask workers (`getrusage(RUSAGE_CHILDREN)`), plus the PostgreSQL server's own CPU "
        "time for the PostgreSQL rows (server part in brackets). *articles/s per core*: stored / "
        "CPU seconds, the rate of one fully busy core.",
        "",
        "| backend | workers | articles | stored | failed | analysed | linked (events) | wall | "
        "articles/s | CPU s | CPU s/article | articles/s per core |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cpu = f"{r.cpu:.1f}" + (f" ({r.server_cpu:.1f})" if r.backend == "PostgreSQL" else "")
        if r.error:
            cpu += f" — **{r.error}**"
        lines.append(
            f"| {r.backend} | {_workers_label(r.workers)} | {r.inputs} | {r.stored} | "
            f"{r.failed} | {r.analysed} | {r.linked} ({r.events}) | {r.wall:.1f} s | "
            f"{r.rate:.2f} | {cpu} | {r.cpu_per_article:.2f} | {r.per_core:.2f} |"
        )
    best = max(rows, key=lambda r: r.rate)
    verdict = "**met**" if best.rate >= TARGET else "**not met**"
    lines += [
        "",
        f"Target (issue 7): >= {TARGET:.0f} articles/s end to end on this {cores}-core machine: "
        f"{verdict}. Best: {best.rate:.2f} articles/s ({best.backend}, "
        f"{_workers_label(best.workers)}), {TARGET / best.rate:.0f}× short of the target."
        if best.rate < TARGET and best.rate > 0
        else f"Target (issue 7): >= {TARGET:.0f} articles/s end to end on this {cores}-core "
        f"machine: {verdict}. Best: {best.rate:.2f} articles/s.",
    ]
    return "\n".join(lines) + "\n"


def update_scale_doc(rows: list[Row], inputs: int, cores: int, path: Path = SCALE_DOC) -> None:
    """Put this machine's rows (one per backend) under the header of "Measured here"."""
    text = path.read_text(encoding="utf-8")
    header = "|---|---|---|---|---|---|---|\n"
    head, sep, tail = text.partition(header)
    if not sep or "## Measured here" not in head:
        print(f"{path}: 'Measured here' table not found; not updated")
        return
    rest = tail.splitlines(keepends=True)
    while rest and rest[0].startswith("|"):
        rest.pop(0)
    machine = f"dev VM, {cores} cores ({date.today().isoformat()})"
    new: list[str] = []
    for backend in ("SQLite", "PostgreSQL"):
        by_w = {r.workers: r for r in rows if r.backend == backend and not r.error}
        if not by_w:
            continue
        cells = [f"{by_w[w].rate:.2f}" if w in by_w else "—" for w in (1, 2)]
        per_core = ", ".join(f"{by_w[w].per_core:.2f}" for w in sorted(by_w))
        new.append(
            f"| {machine} | 10kGNAD, first {inputs} (German) | {cells[0]} | {cells[1]} | — | — | "
            f"{backend}{' (default settings)' if backend == 'PostgreSQL' else ''}; "
            f"articles/s per core (plain, 2 workers): {per_core}; "
            "`benchmarks/bench_scale.py` |\n"
        )
    path.write_text(head + sep + "".join(new) + "".join(rest), encoding="utf-8")


# ---------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=120, help="first N articles (default 120)")
    ap.add_argument("--no-postgres", action="store_true", help="measure SQLite only")
    ap.add_argument("--no-write", action="store_true", help="do not update the docs")
    ap.add_argument("--smoke", action="store_true", help="20 articles, implies --no-write")
    args = ap.parse_args(argv)
    if args.smoke:
        args.articles, args.no_write = 20, True
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not CORPUS.is_file():
        print(f"skipped: {CORPUS} is not there (../shared is missing)")
        return 0
    if not STORYLINE.exists():
        print(f"{STORYLINE} not found: install the project into .venv first", file=sys.stderr)
        return 2
    loadavg = os.getloadavg()
    cores = os.cpu_count() or 1
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="storyline-bench-scale-") as tmp:
        folder = Path(tmp) / "corpus"
        folder.mkdir()
        inputs = write_corpus(args.articles, folder)
        print(f"corpus: {inputs} articles of 10kGNAD in {folder}; load average {loadavg}")
        for w in (1, 2):
            rows.append(run_ingest(folder, str(Path(tmp) / f"w{w}.db"), "SQLite", w, inputs, None))
        pg_note = "PostgreSQL: not measured (`--no-postgres`)."
        if not args.no_postgres:
            try:
                with postgres_cluster() as pg:
                    pg_note = (
                        f"PostgreSQL {pg.version}: a throwaway cluster on the same machine "
                        "(loopback TCP), default settings (fsync on) except address, port and "
                        "socket folder; a fresh database per run."
                    )
                    print(f"PostgreSQL {pg.version} started")
                    for w in (1, 2):
                        url = pg.new_database(f"bench_w{w}")
                        rows.append(run_ingest(folder, url, "PostgreSQL", w, inputs, pg))
            except RuntimeError as exc:
                pg_note = f"PostgreSQL: not measured, it cannot start here ({exc})."
                print(pg_note)
    print_table(rows, f"Bulk ingest, {inputs} German articles, {cores} cores")
    body = markdown(rows, inputs, loadavg, pg_note, cores)
    print(body)
    if not args.no_write:
        write_section(HEADING, body)
        update_scale_doc(rows, inputs, cores)
        print("written: docs/benchmarks.md, docs/scale.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
