"""Dask runs (``ingest --workers/--cluster``) and resumable bulk runs (issue 7).

The promise under test: a Dask run and a local run leave the same store behind (article ids,
cleaned fields, analyses, features, events and storylines), and a run killed with SIGKILL and
started again ends with the store an uninterrupted run gives, nothing lost, nothing twice.
The corpus is generated (``distributed_corpus.py``); tests marked ``slow`` start worker
processes or ingest a few hundred files (about two minutes together on two cores).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from distributed_corpus import write_corpus

from storyline import api
from storyline.errors import StorylineError
from storyline.parallel import DaskRunner, TaskFailed, ordered_map

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

#: FTS internals are derived from the articles table; schema_migrations and sqlite_stat1 say
#: when, not what.
_SKIP_TABLES = {"sqlite_stat1", "schema_migrations", "articles_fts"}
#: wall-clock columns: the only thing two equal runs may differ in
_TIME_COLUMNS = {"added", "seen_at", "analysed_at", "created_at", "updated_at", "at"}


def dump(db: Path) -> dict[str, list[str]]:
    """Every table of a store, rows sorted, without timestamps: equal dumps, equal stores."""
    out: dict[str, list[str]] = {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in sorted(tables):
            if table in _SKIP_TABLES or table.startswith("articles_fts_"):
                continue
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            keep = ", ".join(c for c in cols if c not in _TIME_COLUMNS)
            out[table] = sorted(repr(r) for r in conn.execute(f"SELECT {keep} FROM {table}"))
    return out


def assert_same_store(expected: Path, got: Path) -> None:
    a, b = dump(expected), dump(got)
    assert sorted(a) == sorted(b)
    for table in a:  # one table at a time, so a failure names it
        assert a[table] == b[table], f"table {table} differs"
    # the headline guarantees, spelled out (the dump already covers them)
    assert partition(expected) == partition(got)


def partition(db: Path) -> dict[str, Any]:
    """Events as sets of article ids (with their event ids), and storylines as sets of events."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        events: dict[str, list[str]] = {}
        for article, event in conn.execute("SELECT article_id, event_id FROM event_articles"):
            events.setdefault(event, []).append(article)
        stories = dict(conn.execute("SELECT id, storyline_id FROM events").fetchall())
    return {
        "events": {e: sorted(a) for e, a in events.items()},
        "storylines": stories,
    }


def count_articles(db: Path) -> int:
    """Articles stored so far, read while another process writes (0 before the schema exists)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "storyline.cli", *args]


def report_dict(report: Any) -> dict[str, Any]:
    d = report.to_dict()
    if d["linking"]:
        d["linking"].pop("seconds")
    return d


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 300 generated files (one folder for every run: source URIs must be equal)."""
    folder = tmp_path_factory.mktemp("generated") / "news"
    write_corpus(folder, n=300)
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated corpus ingested once, locally and uninterrupted: what every run must equal."""
    db = tmp_path_factory.mktemp("reference") / "reference.db"
    report = api.ingest([corpus], db=db)
    assert report.counts["failed"] == 2 and report.analysis_failed == 0
    return db


@pytest.fixture(scope="module")
def runner() -> Any:
    """A local Dask cluster of two workers shared by the tests that pass ``cluster=``."""
    with DaskRunner(workers=2) as r:
        yield r


# ---------------------------------------------------------------------------------------------
# the ordered window (no Dask: a thread pool stands in for the cluster)
# ---------------------------------------------------------------------------------------------


class _Pool:
    """``submit(fn, items)`` on threads, finishing out of order, counting what is in flight."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(4)
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.batches: list[list[Any]] = []

    def submit(self, fn: Any, items: list[Any]) -> Future[Any]:
        with self.lock:
            self.in_flight += len(items)
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.batches.append(list(items))

        def run() -> Any:
            time.sleep(0.002 * (hash(str(items)) % 5))  # finish in some other order
            try:
                return fn(items)
            finally:
                with self.lock:
                    self.in_flight -= len(items)

        return self.pool.submit(run)


def _double_but_seven(items: list[int]) -> list[int]:
    if 7 in items:
        raise RuntimeError("item seven breaks its task\nsecond line")
    return [2 * i for i in items]


def test_ordered_map_keeps_input_order_bounds_the_window_and_isolates_a_failure() -> None:
    pool = _Pool()
    items: list[Any] = [*range(40), "marker", *range(40, 60)]
    out = list(
        ordered_map(
            pool.submit,
            _double_but_seven,
            items,
            needs_work=lambda x: isinstance(x, int),
            size=lambda _x: 1,
            batch=3,
            batch_chars=100,
            window=9,
        )
    )
    assert [item for item, _r in out] == items  # input order, the marker in its place
    results = dict((item, r) for item, r in out if item != "marker")
    assert isinstance(results[7], TaskFailed)
    assert "RuntimeError: item seven breaks its task" in results[7].message
    assert "\n" not in results[7].message
    # its batch-mates were retried one by one and succeeded
    assert all(results[i] == 2 * i for i in range(60) if i != 7)
    assert dict(out)["marker"] is None
    assert pool.max_in_flight <= 9
    assert max(len(b) for b in pool.batches) == 3
    assert [6] in pool.batches and [8] in pool.batches  # the failed batch, split


def test_ordered_map_batches_by_size_too() -> None:
    pool = _Pool()
    items = list(range(10))
    out = list(
        ordered_map(
            pool.submit,
            lambda xs: xs,
            items,
            needs_work=lambda _x: True,
            size=lambda _x: 40,
            batch=8,
            batch_chars=100,
            window=100,
        )
    )
    assert [r for _i, r in out] == items
    assert [len(b) for b in pool.batches] == [3, 3, 3, 1]


def test_options_are_checked_before_anything_starts() -> None:
    with pytest.raises(StorylineError, match="either --workers or --cluster"):
        DaskRunner(workers=2, address="tcp://127.0.0.1:8786")
    with pytest.raises(StorylineError, match="at least 1"):
        DaskRunner(workers=0)
    assert DaskRunner.open() is None
    with pytest.raises(StorylineError, match="unknown address scheme"):
        DaskRunner.open(cluster="http://scheduler.example:8786")


# ---------------------------------------------------------------------------------------------
# (a) a Dask run stores what a local run stores
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_workers_store_exactly_what_a_local_run_stores(
    corpus_db: Path, tmp_path: Path, runner: DaskRunner
) -> None:
    """``--workers 2`` on the example corpus: the same store as a local run.

    The cluster is the shared one ``DaskRunner(workers=2)`` starts, as ``--workers 2`` does
    (one cluster start less for the suite; the CLI's ``--workers`` runs in the resume test).
    """
    db = tmp_path / "dask.db"
    seen: list[str] = []
    address = runner.client.scheduler.address
    report = api.ingest([EXAMPLES / "corpus"], db=db, cluster=address, on_file=seen.append)
    assert report.analysed == report.stored and not report.failures
    assert report.linking and report.linking["linked"] == report.stored
    assert len(seen) == 26  # every input file, in discovery order, as it was stored
    assert_same_store(corpus_db, db)


@pytest.mark.slow
def test_cluster_run_reports_what_a_local_run_reports(tmp_path: Path, runner: DaskRunner) -> None:
    """Failures (reader and cleaner), copies, a JSONL file: same report, same store, and the
    per-item progress callback in the same order."""
    folder = tmp_path / "news"
    write_corpus(folder, n=40)
    address = runner.client.scheduler.address
    local_items: list[tuple[str, str]] = []
    dask_items: list[tuple[str, str]] = []
    local = api.ingest([folder], db=tmp_path / "local.db", on_item=lambda *a: local_items.append(a))
    remote = api.ingest(
        [folder], db=tmp_path / "dask.db", cluster=address, on_item=lambda *a: dask_items.append(a)
    )
    assert report_dict(remote) == report_dict(local)
    assert dask_items == local_items
    assert {f.message for f in remote.failures} == {"empty file", "no article text found"}
    assert_same_store(tmp_path / "local.db", tmp_path / "dask.db")
    # a second run sends nothing: everything is known by its content hash
    again = api.ingest([folder], db=tmp_path / "dask.db", cluster=address)
    assert again.counts["new"] == 0 and again.counts["exists"] == local.stored


def _poison_plugin() -> Any:
    """A worker plugin that makes cleaning a document containing POISON kill its worker (it is
    registered on the scheduler, so restarted workers get it too)."""
    from distributed import WorkerPlugin

    class Poison(WorkerPlugin):
        def setup(self, worker: Any) -> None:
            import storyline.pipeline as pipeline

            original = pipeline.process

            def process(doc: Any, **kwargs: Any) -> Any:
                if "POISON" in doc.content:
                    os._exit(1)
                return original(doc, **kwargs)

            pipeline.process = process

    return Poison()


@pytest.mark.slow
def test_a_document_that_kills_its_worker_is_one_failure(
    tmp_path: Path, runner: DaskRunner
) -> None:
    folder = tmp_path / "news"
    files = write_corpus(folder, n=20)
    victim = files[2]
    victim.write_text(victim.read_text(encoding="utf-8") + "\nPOISON\n", encoding="utf-8")
    runner.client.register_plugin(_poison_plugin(), name="poison")
    try:
        report = api.ingest(
            [folder], db=tmp_path / "dask.db", cluster=runner.client.scheduler.address
        )
    finally:
        runner.client.unregister_worker_plugin("poison")
    failed = {f.source_uri: f.message for f in report.failures}
    assert failed[str(victim)] == (
        "a Dask worker died while processing it (KilledWorker); it was not stored"
    )
    assert report.counts["failed"] == 3  # the victim, the empty and the furniture-only file
    # 18 inputs: 14 text files, 1 JSONL line, the copy, the furniture-only and the empty file
    assert report.stored == 15 and report.counts["copy"] == 1
    assert report.analysed == 14  # the copy shares its original's analysis


# ---------------------------------------------------------------------------------------------
# (b) kill -9 halfway, run again: the store an uninterrupted run gives
# ---------------------------------------------------------------------------------------------


def _kill_when_stored(cmd: list[str], db: Path, at_least: int, timeout: float = 300) -> None:
    """Run ``cmd``, SIGKILL it once ``at_least`` articles are stored; check no process is left."""
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        deadline = time.monotonic() + timeout
        while count_articles(db) < at_least:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the run stored too little in time"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # the Dask workers notice their parent is gone and exit on their own
        deadline = time.monotonic() + 30
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _group_alive(proc.pid), "a worker process outlived the killed run"
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)  # the processes this test started, nothing else
        if proc.stderr:
            proc.stderr.close()


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["local", "workers"])
def test_killed_run_resumes_to_the_uninterrupted_result(
    mode: str, corpus: Path, reference: Path, tmp_path: Path
) -> None:
    db = tmp_path / "resumed.db"
    extra = ["--workers", "2"] if mode == "workers" else []
    cmd = cli("ingest", str(corpus), "--db", str(db), "--quiet", "--json", *extra)
    _kill_when_stored(cmd, db, at_least=60)
    halfway = count_articles(db)
    total = len(dump(reference)["articles"])
    assert 60 <= halfway < total

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["already_stored"] >= halfway
    assert report["analysis_failed"] == 0 and not report["interrupted"]

    with sqlite3.connect(db) as conn:
        # every input stored exactly once: one document row and one source row per file
        per_source = conn.execute(
            "SELECT source_uri, count(*) FROM article_copies GROUP BY source_uri"
        ).fetchall()
        assert per_source and all(n == 1 for _s, n in per_source)
        unanalysed = conn.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM analyses)"
        ).fetchone()[0]
        unlinked = conn.execute(
            "SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM event_articles)"
        ).fetchone()[0]
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == len(per_source) + 1
    assert unanalysed == 0 and unlinked == 0
    assert_same_store(reference, db)


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["local", "cluster"])
def test_stored_but_unanalysed_articles_are_analysed_first(
    mode: str, tmp_path: Path, runner: DaskRunner
) -> None:
    """The state a kill between storing an article and storing its analysis leaves (here made
    on purpose for ten files): the next run analyses those first, in ingest order, and ends
    with the store of an uninterrupted run, analyses and features included."""
    folder = tmp_path / "news"
    files = write_corpus(folder, n=40)
    api.ingest([folder], db=tmp_path / "reference.db")
    db = tmp_path / "resumed.db"
    first = api.ingest(files[:10], db=db, analyse=False)
    assert first.analysed == 0 and first.stored == 10
    cluster = runner.client.scheduler.address if mode == "cluster" else None
    report = api.ingest([folder], db=db, cluster=cluster)
    assert report.counts["exists"] == 10
    assert report.analysed == 10 + report.counts["new"] + report.counts["near_duplicate"]
    assert_same_store(tmp_path / "reference.db", db)


# ---------------------------------------------------------------------------------------------
# (c) a bad --cluster address: one line, exit code 2
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("tcp://127.0.0.1:9", "cannot connect to the Dask scheduler at tcp://127.0.0.1:9"),
        ("scheduler-without-port", "missing port number"),
    ],
)
def test_bad_cluster_address_is_one_line(address: str, says: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Titel\n\nEin kurzer Text über nichts.\n", encoding="utf-8")
    # a short connect timeout (default 30 s); wide columns: rich wraps at 80 when not a tty
    env = {**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s", "COLUMNS": "250"}
    cmd = cli(
        "ingest", str(tmp_path / "a.txt"), "--db", str(tmp_path / "x.db"), "--cluster", address
    )
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error:") and says in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.db").exists()  # nothing was opened before the address was checked


@pytest.mark.slow
def test_a_worker_address_is_not_a_scheduler(runner: DaskRunner) -> None:
    worker = next(iter(runner.client.scheduler_info(n_workers=-1)["workers"]))
    with pytest.raises(StorylineError, match="is a Dask Worker, not a scheduler"):
        DaskRunner(address=worker)
