"""One read-only store connection per server thread, and short-lived writable ones for writes.

SQLite connections are cheap but not shareable across threads without a lock, and a single
locked connection would serialise every request. FastAPI runs plain ``def`` endpoints in a
thread pool, so each pool thread gets its own read-only connection (WAL lets them read while an
ingest writes). Writes are rare (``POST /articles``, ``POST /relink``) and open their own
writable store for the length of the request, which also keeps a long relink from blocking
readers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storyline.store import Store, open_store


class StorePool:
    """Per-thread read-only stores for ``db``; :meth:`close` closes them all."""

    def __init__(self, db: str | Path) -> None:
        self.db = str(db)
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()

    def reader(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.db, readonly=True)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    @contextmanager
    def writer(self) -> Iterator[Store]:
        store = open_store(self.db)
        try:
            yield store
        finally:
            store.close()

    def close(self) -> None:
        with self._lock:
            stores, self._all = self._all, []
        for store in stores:
            store.close()


__all__ = ["StorePool"]
