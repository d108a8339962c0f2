"""Where the work runs: a local Dask cluster (``--workers N``) or an existing one (``--cluster``).

Why lazily: starting N worker processes and loading the models in each costs seconds, and a
re-run over a corpus that is already stored sends nothing to the workers; so the local cluster
starts on the first task. An address, on the other hand, is checked at once, so a typo fails
before anything is read. Every problem here is a :class:`~storyline.errors.StorylineError` with
one line (the CLI prints it without a traceback, exit code 2).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable
from typing import Any

from storyline.closing import Closing
from storyline.errors import StorylineError

#: Tasks in flight per worker (in batches): enough that a worker never waits for the client
#: between two batches, few enough that the documents in flight stay a small, fixed amount.
WINDOW_PER_WORKER = 4
#: Documents per task, and characters per task, whichever is reached first: a task costs a few
#: milliseconds of scheduling, as much as cleaning one short article.
BATCH = 8
BATCH_CHARS = 200_000


class DaskRunner(Closing):
    """A Dask client for one run; a context manager that closes what it started.

    ``workers``: start a ``LocalCluster`` of that many single-threaded worker processes.
    ``address``: connect to the scheduler of an existing cluster (``tcp://host:8786``).
    """

    def __init__(self, *, workers: int | None = None, address: str | None = None) -> None:
        if workers is not None and address is not None:
            raise StorylineError("use either --workers or --cluster, not both")
        if workers is None and address is None:
            raise StorylineError("DaskRunner needs --workers or --cluster")
        if workers is not None and workers < 1:
            raise StorylineError(f"--workers must be at least 1, not {workers}")
        self.workers = workers
        self.address = address
        self._client: Any = None
        self._cluster: Any = None
        if address is not None:
            self._client = _connect(address)

    @classmethod
    def open(cls, *, workers: int | None = None, cluster: str | None = None) -> DaskRunner | None:
        """A runner for these options, or ``None`` when neither is given (a local run)."""
        if workers is None and not cluster:
            return None
        return cls(workers=workers, address=cluster or None)

    @property
    def client(self) -> Any:
        """The ``distributed.Client``, starting the local cluster on first use."""
        if self._client is None:
            self._cluster, self._client = _local_cluster(self.workers or 1)
        return self._client

    def submit(self, fn: Callable[[list[Any]], list[Any]], items: list[Any]) -> Any:
        """A future of ``fn(items)`` on some worker.

        ``pure=False``: Dask would otherwise hash every document to name the task, which costs
        more than the task saves, and two equal inputs are rare and harmless here.
        """
        return self.client.submit(fn, items, pure=False)

    def window(self) -> int:
        """How many items may be in flight: :data:`WINDOW_PER_WORKER` batches per worker."""
        return WINDOW_PER_WORKER * BATCH * self._worker_count()

    def _worker_count(self) -> int:
        if self.workers is not None:
            return self.workers
        with contextlib.suppress(Exception):  # an adaptive cluster may have none yet
            return max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))
        return 1

    def close(self) -> None:
        """Close the client (and the local cluster, stopping its workers). Safe to call twice."""
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        with contextlib.suppress(Exception):
            if client is not None:
                client.close()
        with contextlib.suppress(Exception):
            if cluster is not None:
                cluster.close()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise StorylineError(
            "--workers and --cluster need Dask: pip install 'dask[distributed]>=2024.1'"
        ) from None
    return distributed


def _local_cluster(workers: int) -> tuple[Any, Any]:
    """A LocalCluster of ``workers`` single-threaded processes on 127.0.0.1, and its client.

    One thread per worker: the models hold the GIL for much of their work, so processes, not
    threads, are what runs documents in parallel. ``worker-saturation`` 1.0: a worker holds only
    the task it runs, so when a document kills its worker no innocent task queued there is
    blamed too; ``allowed-failures`` 1: that document's task is retried once on another worker,
    not three times. No ``MALLOC_TRIM_THRESHOLD_=65536`` in the workers' environment (Dask
    sets it to return memory to the system early): measured here, it costs a worker 25-30 s of
    system time per 200 articles, a fifth of its speed, because the models allocate and free
    large buffers for every document. No dashboard (no port to bind, no extra dependency), only
    Dask's errors are logged.
    """
    import dask

    distributed = _distributed()
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", None) or {})
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    settings = {
        "distributed.scheduler.allowed-failures": 1,
        "distributed.scheduler.worker-saturation": 1.0,
        "distributed.nanny.pre-spawn-environ": environ,
    }
    with dask.config.set(settings):
        try:
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
        except Exception as exc:
            raise StorylineError(
                f"cannot start {workers} Dask workers: {_line(exc)} (in a Python script, call "
                'ingest(workers=...) under `if __name__ == "__main__":`; workers import it)'
            ) from None
    return cluster, distributed.Client(cluster, set_as_default=False)


def _connect(address: str) -> Any:
    """A client of the scheduler at ``address``, checked first with Dask's ``identity`` call.

    Why check first: a ``Client`` whose connection fails is left half-built and prints a
    traceback when the interpreter exits, and it cannot tell a worker's address from the
    scheduler's. The check waits as long as a client would (``distributed.comm.timeouts.connect``,
    30 s by default: a scheduler may still be starting).
    """
    import dask

    distributed = _distributed()
    timeout = dask.utils.parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"))
    where = f"the Dask scheduler at {address}"
    try:
        kind = asyncio.run(_identity(address, timeout))
    except (OSError, ValueError, TimeoutError) as exc:
        raise StorylineError(f"cannot connect to {where}: {_line(exc)}") from None
    if kind != "Scheduler":
        raise StorylineError(f"{address} is a Dask {kind or 'service'}, not a scheduler")
    try:
        return distributed.Client(address, set_as_default=False, timeout=math.ceil(timeout))
    except (OSError, ValueError, TimeoutError) as exc:
        raise StorylineError(f"cannot connect to {where}: {_line(exc)}") from None


async def _identity(address: str, timeout: float) -> str | None:
    """The ``type`` a Dask server at ``address`` says it is (``Scheduler``, ``Worker``...)."""
    from distributed.comm import connect
    from distributed.security import Security

    # the TLS settings a Client would use (dask config), so tls:// addresses are checked too
    args = Security().get_connection_args("client")
    comm = await connect(address, timeout=timeout, **args)
    try:
        await comm.write({"op": "identity", "reply": True})
        reply = await asyncio.wait_for(comm.read(), timeout)
    finally:
        await comm.close()
    return reply.get("type") if isinstance(reply, dict) else None


def _line(exc: BaseException) -> str:
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return text or type(exc).__name__


__all__ = ["BATCH", "BATCH_CHARS", "WINDOW_PER_WORKER", "DaskRunner"]
