"""An ordered, windowed, batched map over Dask futures: results come back in input order.

Why ordered: the store is order-sensitive (which of two near-duplicates is the group root, which
registry entry a surname joins, the linker's arrival order), so the client must write results in
the order a local run would, whatever order the workers finish in. Why windowed: a corpus of
millions must not become millions of futures; at most ``window`` items are in flight, and the
input iterator is only advanced as results are handed out. Why batched: a task costs a few
milliseconds of scheduling, as much as cleaning a short article, so small items travel together.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import CancelledError
from dataclasses import dataclass
from typing import Any, TypeVar

from storyline.errors import StorylineError

T = TypeVar("T")

#: ``submit(fn, items)`` -> a future of ``fn(items)`` (``Client.submit`` with the options we use)
Submit = Callable[[Callable[[list[Any]], list[Any]], list[Any]], Any]


@dataclass(frozen=True)
class TaskFailed:
    """An item whose task failed even when sent alone: its worker died on it (out of memory, a
    crash in native code) or it could not be sent. ``message`` is one line for the report."""

    message: str


class ClusterLost(StorylineError):
    """The Dask scheduler went away in the middle of a run (what was stored stays stored)."""


class _Batch:
    """Consecutive items sent as one task; split into single-item tasks if the task fails."""

    __slots__ = ("chars", "future", "items", "parts", "results")

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.chars = 0
        self.future: Any = None
        self.results: list[Any] | None = None
        self.parts: list[_Batch] | None = None

    def send(self, submit: Submit, fn: Callable[[list[Any]], list[Any]]) -> None:
        self.future = submit(fn, self.items)

    def ready(self, i: int) -> bool:
        if self.parts is not None:
            return self.parts[i].ready(0)
        return self.results is not None or (self.future is not None and self.future.done())

    def result(self, i: int, submit: Submit, fn: Callable[[list[Any]], list[Any]]) -> Any:
        """Item ``i``'s result, waiting for it; a failed task is retried item by item."""
        if self.parts is not None:
            return self.parts[i].result(0, submit, fn)
        if self.results is None:
            try:
                self.results = list(self.future.result())
            except CancelledError as exc:
                raise ClusterLost(
                    "the Dask cluster went away during the run "
                    f"({type(exc).__name__}); what was stored stays stored: run again to continue"
                ) from None
            except Exception as exc:
                if len(self.items) > 1:  # find the item that fails; the others still succeed
                    self.parts = []
                    for item in self.items:
                        part = _Batch()
                        part.items.append(item)
                        part.send(submit, fn)
                        self.parts.append(part)
                    self.future = None
                    return self.parts[i].result(0, submit, fn)
                self.results = [TaskFailed(describe(exc))]
            self.future = None  # the results are here: let the cluster forget them
        return self.results[i]


def describe(exc: BaseException) -> str:
    """One line for a task that failed on the cluster (Dask's own messages are paragraphs)."""
    if type(exc).__name__ == "KilledWorker":
        return "a Dask worker died while processing it (KilledWorker); it was not stored"
    first = next((line for line in str(exc).splitlines() if line.strip()), "")
    return f"processing on a Dask worker failed ({type(exc).__name__}: {first.strip()})"


def ordered_map(
    submit: Submit,
    fn: Callable[[list[Any]], list[Any]],
    items: Iterable[T],
    *,
    needs_work: Callable[[T], bool],
    size: Callable[[T], int],
    batch: int,
    batch_chars: int,
    window: int,
) -> Iterator[tuple[T, Any]]:
    """``(item, fn([item, ...])[k])`` for every item, in input order.

    Items for which ``needs_work`` is false are not sent; they come back in their place with
    ``None`` (markers, documents already stored). Work items are grouped into batches of up to
    ``batch`` items or ``batch_chars`` of ``size``; ``fn`` must return one result per item and
    should catch per-item errors itself. A batch whose task fails is retried one task per item,
    and an item that fails alone comes back as :class:`TaskFailed`. Results are handed out as
    soon as the front of the queue is ready; the iterator waits only when ``window`` work items
    are queued. Raises :class:`ClusterLost` when the scheduler goes away.
    """
    queue: deque[tuple[T, _Batch | None, int]] = deque()
    current: _Batch | None = None
    queued = 0  # work items in the queue (sent or still in the open batch)

    def pop() -> tuple[T, Any]:
        nonlocal current, queued
        item, b, i = queue.popleft()
        if b is None:
            return item, None
        if b is current:  # the window is smaller than a batch: send what we have
            b.send(submit, fn)
            current = None
        queued -= 1
        return item, b.result(i, submit, fn)

    for item in items:
        if needs_work(item):
            if current is None:
                current = _Batch()
            queue.append((item, current, len(current.items)))
            current.items.append(item)
            current.chars += size(item)
            queued += 1
            if len(current.items) >= batch or current.chars >= batch_chars:
                current.send(submit, fn)
                current = None
        else:
            queue.append((item, None, 0))
        while queue and (queued >= window or _ready(queue[0], current)):
            yield pop()
    if current is not None:
        current.send(submit, fn)
        current = None
    while queue:
        yield pop()


def _ready(entry: tuple[Any, _Batch | None, int], current: _Batch | None) -> bool:
    _item, b, i = entry
    return b is None or (b is not current and b.ready(i))


__all__ = ["ClusterLost", "Submit", "TaskFailed", "describe", "ordered_map"]
