"""Web UI and HTTP API latency (issue 6): event pages and search on a 100,000-article store.

Run: ``.venv/bin/python benchmarks/bench_web.py [--articles 100000] [--clients 8]
[--duration 20] [--warmup 2] [--workers 1] [--no-wrk] [--no-write] [--smoke]``
(``--smoke``: a 2,000-article store, 3 s per scenario, nothing written to the docs).

Target (issue 6): p95 latency < 100 ms for the event page and search.

What is measured, and why this way:

* **The store** is :mod:`webstore`'s generated one (cached in ``benchmarks/.cache/``): real
  schema, real FTS index, real entity registry, ~20,000 events and their storylines, built
  through storyline's store API. Its build time and size are reported with the table.
* **The server** is the real thing, ``storyline serve --db STORE --port FREE`` as a subprocess
  (uvicorn, ``--workers`` as given, default 1), polled until it answers. Nothing of the app's
  internals is used: only URLs.
* **The load** is closed-loop: ``--clients`` threads, each with its own keep-alive
  :class:`httpx.Client`, send the next request as soon as the previous answer is read, for
  ``--warmup`` + ``--duration`` seconds per scenario; only requests *started* after the warm-up
  are recorded. Latency is ``time.perf_counter`` around ``client.get`` (the whole body read),
  so it includes the client's own time; throughput is recorded requests / ``--duration``.
  Closed-loop with 8 clients means latency is what a user sees when 8 requests are always in
  flight, i.e. under saturation of a 2-core machine, not at an idle server.
* **Scenarios**: event page (HTML) and event JSON over random event IDs; the entity registry
  page (one of its first five pages, all labels or one); search JSON and HTML
  with a random 1-2 word query (each word common, 70%, or rare, 30%: :func:`webstore.query_words`);
  search JSON with ``lang`` and a 1-3 month ``from``/``to`` window; search JSON with an
  ``entity`` (one of the 50 most mentioned) or a ``place`` filter. Every client draws its own
  reproducible stream of URLs.
* **wrk** (``apt-get install wrk``), when installed, is a second, independent load generator
  (C, no GIL, no Python client overhead) on one fixed event URL and one fixed search URL, with
  the same number of connections; its percentiles come from its own latency histogram (a Lua
  ``done`` hook prints p50/p95/p99/max). A row that differs much from the httpx row of the same
  route points at the Python client, not the server.
* **One client** (``--no-baseline`` skips it): every scenario again with a single client, the
  latency of an unloaded server, next to the saturated one.
* **server CPU/req** (``/proc``): the server process tree's CPU time per request, which does
  not depend on queueing or on what else the machine runs.
* **The machine**: server and load generator share the same 2 cores (and whatever else runs
  there); the numbers are an upper bound for a server with cores of its own.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import webstore  # noqa: E402
from report import write_section  # noqa: E402

HEADING = "## Web UI and HTTP API latency (issue 6)"
TARGET_P95_MS = 100.0
STORYLINE = ROOT / ".venv" / "bin" / "storyline"
SEED = 6

# ---------------------------------------------------------------------------------------------
# Inputs: what the scenarios ask for
# ---------------------------------------------------------------------------------------------


@dataclass
class Inputs:
    """Everything the URL generators draw from, read once from the store."""

    event_ids: list[str]
    common: list[str]
    rare: list[str]
    entities: list[str]
    places: list[str]
    days: tuple[date, date]


def load_inputs(db: Path) -> Inputs:
    """Event IDs, frequent entities and places from the store; words from the generator."""
    from storyline.store import open_store

    open_store(db).close()  # a cached store from an older storyline: migrate it first
    with open_store(db, readonly=True) as store:
        event_ids = [e["id"] for e in store.events(limit=10_000_000)]
        people = store.entities(label="PER", limit=25) + store.entities(label="ORG", limit=25)
        places = store.entities(label="LOC", limit=20)
    words = webstore.query_words()
    start = webstore.FIRST_DAY
    return Inputs(
        event_ids=event_ids,
        common=words["common"],
        rare=words["rare"],
        entities=[e["name"] for e in people],
        places=[e["name"] for e in places],
        days=(start, start + timedelta(days=webstore.DAYS - 1)),
    )


def _query(inputs: Inputs, rng: random.Random) -> str:
    n = 1 if rng.random() < 0.6 else 2
    return " ".join(
        rng.choice(inputs.common) if rng.random() < 0.7 else rng.choice(inputs.rare)
        for _ in range(n)
    )


def _window(inputs: Inputs, rng: random.Random) -> tuple[str, str]:
    first, last = inputs.days
    span = rng.randint(30, 90)
    start = first + timedelta(days=rng.randrange((last - first).days - span))
    return start.isoformat(), (start + timedelta(days=span)).isoformat()


def _url(path: str, **params: str) -> str:
    return path + "?" + urlencode(params)


UrlMaker = Callable[[Inputs, random.Random], str]


def event_html(inputs: Inputs, rng: random.Random) -> str:
    return "/events/" + rng.choice(inputs.event_ids)


def event_json(inputs: Inputs, rng: random.Random) -> str:
    return "/events/" + rng.choice(inputs.event_ids) + ".json"


def search_json(inputs: Inputs, rng: random.Random) -> str:
    return _url("/search.json", q=_query(inputs, rng))


def search_html(inputs: Inputs, rng: random.Random) -> str:
    return _url("/search", q=_query(inputs, rng))


def search_lang_dates(inputs: Inputs, rng: random.Random) -> str:
    since, until = _window(inputs, rng)
    lang = rng.choice(("de", "en"))
    return _url("/search.json", q=_query(inputs, rng), lang=lang, **{"from": since, "to": until})


def search_entity_place(inputs: Inputs, rng: random.Random) -> str:
    if rng.random() < 0.5 or not inputs.places:
        return _url("/search.json", q=_query(inputs, rng), entity=rng.choice(inputs.entities))
    return _url("/search.json", q=_query(inputs, rng), place=rng.choice(inputs.places))


def entities_html(inputs: Inputs, rng: random.Random) -> str:
    """The entity registry, most mentioned first: one of its first five pages, any label."""
    label = rng.choice(("", "PER", "ORG", "LOC"))
    return _url(
        "/entities", offset=str(50 * rng.randrange(5)), **({"label": label} if label else {})
    )


SCENARIOS: list[tuple[str, UrlMaker]] = [
    ("event page (HTML)", event_html),
    ("event (JSON)", event_json),
    ("search (JSON)", search_json),
    ("search (HTML)", search_html),
    ("search + lang + dates (JSON)", search_lang_dates),
    ("search + entity or place (JSON)", search_entity_place),
    ("entity registry (HTML)", entities_html),
]

# ---------------------------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(db: Path, workers: int, log: Path) -> Iterator[tuple[str, int]]:
    """A running ``storyline serve`` on a free loopback port; yields its base URL and pid."""
    port = free_port()
    cmd = [str(STORYLINE), "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    env = {k: v for k, v in os.environ.items() if k not in ("STORYLINE_TOKEN", "STORYLINE_DB")}
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(proc, base, log)
            yield base, proc.pid
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_ready(proc: subprocess.Popen[bytes], base: str, log: Path, timeout: float = 120) -> None:
    """Poll until the server answers (it may first open a 100k-article store)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"storyline serve exited with {proc.returncode}:\n{tail}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/favicon.ico", timeout=2).status_code < 500:
                return
        time.sleep(0.25)
    raise RuntimeError(f"storyline serve did not answer within {timeout:.0f} s (log: {log})")


def server_rss(pid: int) -> str:
    """RSS of the server's process tree (Linux ``/proc``), for the notes."""
    total = 0
    for p in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return f"{total / 1024:.0f} MB" if total else "unknown"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server's process tree so far (Linux ``/proc``).

    Why: under a closed loop on a shared 2-core machine, latency mixes the server's own cost
    with queueing and the load generator's CPU; CPU per request is the server's cost alone.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in [pid, *_children(pid)]:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
    return total / tick


def _children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        kids = [int(x) for x in text.split()]
        return kids + [g for k in kids for g in _children(k)]
    return []


# ---------------------------------------------------------------------------------------------
# The closed-loop load generator
# ---------------------------------------------------------------------------------------------


@dataclass
class Result:
    """One scenario's measurements (latencies in seconds)."""

    scenario: str
    generator: str
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0
    error_samples: list[str] = field(default_factory=list)
    #: precomputed percentiles in ms (wrk reports these itself)
    fixed: dict[str, float] | None = None
    requests_override: int | None = None
    #: every request sent, warm-up included, and the CPU seconds they cost
    sent: int = 0
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    def cpu_ms(self, seconds: float) -> float:
        return seconds * 1000 / self.sent if self.sent else float("nan")

    @property
    def requests(self) -> int:
        if self.requests_override is not None:
            return self.requests_override
        return len(self.latencies) + self.errors

    def ms(self) -> dict[str, float]:
        if self.fixed is not None:
            return self.fixed
        if not self.latencies:
            return {k: float("nan") for k in ("p50", "p95", "p99", "max")}
        arr = np.asarray(self.latencies) * 1000
        p50, p95, p99 = np.percentile(arr, [50, 95, 99])
        return {"p50": p50, "p95": p95, "p99": p99, "max": float(arr.max())}


def _client_loop(
    base: str,
    make_url: UrlMaker,
    inputs: Inputs,
    rng: random.Random,
    start_at: float,
    stop_at: float,
    out: Result,
    lock: threading.Lock,
) -> None:
    """One closed-loop client: request, read the body, record, repeat until ``stop_at``."""
    lat: list[float] = []
    errors = 0
    sent = 0
    samples: list[str] = []
    with httpx.Client(base_url=base, timeout=30.0) as client:
        while True:
            url = make_url(inputs, rng)
            t0 = time.perf_counter()
            if t0 >= stop_at:
                break
            try:
                r = client.get(url)
                ok = r.status_code == 200
                why = f"{r.status_code} {url}"
            except httpx.HTTPError as exc:
                ok, why = False, f"{type(exc).__name__} {url}"
            t1 = time.perf_counter()
            sent += 1
            if t0 < start_at:
                continue  # warm-up
            if ok:
                lat.append(t1 - t0)
            else:
                errors += 1
                if len(samples) < 3:
                    samples.append(why)
    with lock:
        out.latencies.extend(lat)
        out.errors += errors
        out.sent += sent
        out.error_samples.extend(samples)


def run_scenario(
    base: str,
    name: str,
    make_url: UrlMaker,
    inputs: Inputs,
    *,
    server_pid: int,
    clients: int,
    warmup: float,
    duration: float,
) -> Result:
    """``clients`` closed-loop clients for ``warmup + duration`` seconds."""
    result = Result(name, f"httpx ×{clients}")
    cpu0, own0 = cpu_seconds(server_pid), time.process_time()
    lock = threading.Lock()
    now = time.perf_counter()
    start_at, stop_at = now + warmup, now + warmup + duration
    threads = [
        threading.Thread(
            target=_client_loop,
            args=(base, make_url, inputs, random.Random(SEED * 1000 + i), start_at, stop_at),
            kwargs={"out": result, "lock": lock},
            daemon=True,
        )
        for i in range(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = duration
    result.server_cpu = cpu_seconds(server_pid) - cpu0
    result.client_cpu = time.process_time() - own0
    return result


# ---------------------------------------------------------------------------------------------
# wrk, the independent second opinion
# ---------------------------------------------------------------------------------------------

_WRK_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("STATS %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
  io.write(string.format("LAT %d %d %d %d\\n", latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def run_wrk(
    name: str, url: str, *, server_pid: int, clients: int, duration: float
) -> Result | None:
    """``wrk --latency`` on one URL; ``None`` when wrk is not installed or fails."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    cpu0 = cpu_seconds(server_pid)
    threads = max(1, min(2, clients))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_WRK_LUA)
        script = f.name
    try:
        cmd = [wrk, f"-t{threads}", f"-c{clients}", f"-d{max(1, round(duration))}s", "--latency"]
        proc = subprocess.run(
            [*cmd, "--timeout", "30s", "-s", script, url],
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=False,
        )
    finally:
        os.unlink(script)
    result = parse_wrk(name, proc.stdout, clients) if proc.returncode == 0 else None
    if result is not None:
        result.server_cpu = cpu_seconds(server_pid) - cpu0
        result.sent = result.requests
    return result


def parse_wrk(name: str, stdout: str, connections: int) -> Result | None:
    """The Lua hook's ``STATS``/``LAT`` lines (microseconds) as a :class:`Result`."""
    stats = re.search(r"^STATS ((?:\d+ ?){7})$", stdout, re.MULTILINE)
    lat = re.search(r"^LAT ((?:\d+ ?){4})$", stdout, re.MULTILINE)
    if not stats or not lat:
        return None
    requests, duration_us, *errs = (int(x) for x in stats.group(1).split())
    p50, p95, p99, mx = (int(x) / 1000 for x in lat.group(1).split())
    return Result(
        name,
        f"wrk ×{connections}",
        errors=sum(errs),
        seconds=duration_us / 1e6,
        fixed={"p50": p50, "p95": p95, "p99": p99, "max": mx},
        requests_override=requests,
    )


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

COLUMNS = (
    "scenario",
    "load",
    "requests",
    "req/s",
    "p50",
    "p95",
    "p99",
    "max",
    "errors",
    "p95 < 100 ms",
    "server CPU/req",
)


def row(r: Result) -> list[str]:
    m = r.ms()
    rate = r.requests / r.seconds if r.seconds else float("nan")
    met = "yes" if _met(r) else "**no**"
    return [
        r.scenario,
        r.generator,
        f"{r.requests:,}",
        f"{rate:,.0f}",
        *(f"{m[k]:.1f} ms" for k in ("p50", "p95", "p99", "max")),
        str(r.errors),
        met,
        f"{r.cpu_ms(r.server_cpu):.1f} ms",
    ]


def markdown_table(results: list[Result]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row(r)) + " |" for r in results]
    return "\n".join(lines)


def print_table(results: list[Result], title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for c in COLUMNS:
        table.add_column(c, justify="left" if c in ("scenario", "load") else "right")
    for r in results:
        table.add_row(*row(r))
    Console(width=max(140, shutil.get_terminal_size().columns)).print(table)


def describe(
    info: webstore.BuildInfo, args: argparse.Namespace, extra: dict[str, Any], wrk_urls: list[str]
) -> str:
    """The prose around the table: store, machine, load, how to read it."""
    rate = info.articles / info.seconds if info.seconds else math.nan
    load = extra["loadavg"]
    urls = ", ".join(f"`{u}`" for u in wrk_urls) or "wrk not installed"
    store = (
        f"**Store**: {info.stored_articles:,} generated articles (German and English, 300-600 "
        f"words; `benchmarks/webstore.py`, generator v{info.generator}), {info.events:,} events, "
        f"{info.storylines:,} storylines, {info.entities:,} registry entities, "
        f"{info.bytes / 1e9:.2f} GB. Built through the store API (`add`, `put_analysis`, one "
        f"`save_links`) in {info.seconds:.0f} s ({rate:.0f} articles/s; add "
        f"{info.seconds_add:.0f} s, put_analysis {info.seconds_analysis:.0f} s, commits "
        f"{info.seconds_commit:.0f} s, summaries and save_links {info.seconds_links:.0f} s; text "
        f"generation in {info.jobs} worker process(es)), with the writes grouped "
        f"{webstore.GROUP:,} articles per transaction (the store has no bulk API)."
    )
    machine = (
        f"**Machine**: 2 cores; server and load generator on the same machine (loopback), shared "
        f"with other work (load average {load[0]:.2f} / {load[1]:.2f} at the start). "
        f"`storyline serve` with uvicorn workers={args.workers} (the CLI has `--workers`, "
        f"default 1). Server RSS after the run: {extra['rss']}."
    )
    load_text = (
        f"**Load**: closed loop, {args.clients} clients (httpx ×{args.clients}: keep-alive, one "
        f"thread each, {args.warmup:g} s warm-up then {args.duration:g} s per scenario; random "
        f"event IDs and queries), then wrk ×{args.clients} ({args.clients} connections, 2 "
        f"threads, {args.duration:g} s, one fixed URL each: {urls}), then each scenario again "
        "with one client (httpx ×1: the unloaded latency). Latency includes the client's own "
        f"time; the httpx client used {extra['client'][0]:.1f} ms CPU per request "
        f"({extra['client'][1]:.0%} of a core) of the same 2 cores. *server CPU/req*: user + "
        "system CPU of the server process(es) per request, warm-up included: its cost without "
        "queueing."
    )
    return "\n\n".join((store, machine, load_text))


def verdict(results: list[Result]) -> str:
    """One line per load: which scenarios meet the target and which do not."""
    out = []
    for load in dict.fromkeys(r.generator for r in results):
        rows = [r for r in results if r.generator == load]
        bad = [f"{r.scenario} ({r.ms()['p95']:.0f} ms)" for r in rows if not _met(r)]
        state = "met by every scenario" if not bad else "**not met**: " + ", ".join(bad)
        out.append(f"- {load}: {state}")
    return f"Target (issue 6): p95 < {TARGET_P95_MS:.0f} ms.\n\n" + "\n".join(out)


def _met(r: Result) -> bool:
    return r.ms()["p95"] < TARGET_P95_MS and r.errors == 0


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------


def run_all(
    base: str, pid: int, inputs: Inputs, args: argparse.Namespace, clients: int, duration: float
) -> list[Result]:
    """Every scenario once, with ``clients`` clients."""
    results = []
    for name, make_url in SCENARIOS:
        print(f"  {name}, {clients} client(s) ...", flush=True)
        r = run_scenario(
            base, name, make_url, inputs, server_pid=pid,
            clients=clients, warmup=args.warmup, duration=duration,
        )  # fmt: skip
        if r.error_samples:
            print(f"    errors, e.g. {r.error_samples}")
        results.append(r)
    return results


def fixed_urls(inputs: Inputs) -> list[tuple[str, str]]:
    """The wrk targets: a random event and a common one-word search (fixed by the seed)."""
    rng = random.Random(SEED)
    event = rng.choice(inputs.event_ids)
    word = inputs.common[len(inputs.common) // 2]
    return [
        ("event page (HTML)", f"/events/{event}"),
        ("search (JSON)", _url("/search.json", q=word)),
    ]


def _progress(done: int, total: int) -> None:
    print(f"\r  building store: {done:>7,} / {total:,} articles", end="", flush=True)
    if done == total:
        print()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    ap.add_argument("--warmup", type=float, default=2.0, help="seconds per scenario, not recorded")
    ap.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="storyline serve --workers (default: one per core)",
    )
    ap.add_argument("--no-wrk", action="store_true", help="skip the wrk rows")
    ap.add_argument(
        "--no-baseline", action="store_true", help="skip the 1-client rows (unloaded latency)"
    )
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached store")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/benchmarks.md")
    ap.add_argument("--smoke", action="store_true", help="2,000 articles, 3 s, implies --no-write")
    args = ap.parse_args(argv)
    if args.smoke:
        args.articles, args.duration, args.warmup, args.no_write = 2000, 3.0, 1.0, True
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not STORYLINE.exists():
        print(f"{STORYLINE} not found: install the project into .venv first", file=sys.stderr)
        return 2
    loadavg = os.getloadavg()
    print(f"store: {args.articles:,} articles ({webstore.default_path(args.articles)})")
    db, info, built = webstore.ensure_store(args.articles, force=args.rebuild, progress=_progress)
    print(f"  {'built' if built else 'cached'}: {info.to_dict()}")
    inputs = load_inputs(db)
    print(f"  {len(inputs.event_ids):,} events, {len(inputs.common)} common / "
          f"{len(inputs.rare)} rare query words")  # fmt: skip
    results: list[Result] = []
    extra: dict[str, Any] = {"loadavg": loadavg, "rss": "unknown"}
    wrk_targets = [] if args.no_wrk else fixed_urls(inputs)
    log = webstore.CACHE_DIR / "bench_web-server.log"
    with server(db, args.workers, log) as (base, pid):
        results += run_all(base, pid, inputs, args, args.clients, args.duration)
        for name, path in wrk_targets:
            print(f"  wrk {path} ...", flush=True)
            w = run_wrk(
                name, base + path, server_pid=pid, clients=args.clients, duration=args.duration
            )
            if w is None:
                print("    wrk unavailable or failed: row skipped")
                continue
            results.append(w)
        if not args.no_baseline:
            results += run_all(base, pid, inputs, args, 1, min(10.0, args.duration))
        extra["rss"] = server_rss(pid)
    title = f"Web latency, {info.stored_articles:,} articles"
    print_table(results, title)
    own = [r for r in results if r.generator.startswith("httpx") and r.sent]
    seconds = sum(r.seconds + args.warmup for r in own)
    extra["client"] = (
        sum(r.client_cpu for r in own) * 1000 / sum(r.sent for r in own) if own else math.nan,
        sum(r.client_cpu for r in own) / seconds if own else math.nan,
    )
    body = describe(info, args, extra, [p for _n, p in wrk_targets])
    body += "\n\n" + markdown_table(results) + "\n\n" + verdict(results) + "\n"
    print(body)
    if not args.no_write:
        write_section(HEADING, body)
        print(f"written to {HEADING!r} of docs/benchmarks.md")
    failed = not all(_met(r) for r in results)
    return 1 if failed and not args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
