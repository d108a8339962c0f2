"""Where cleaned articles are kept: :func:`open_store` picks the backend from a URL or path.

SQLite (one file, the default) is the only backend in this version; the :class:`Store`
interface is what a PostgreSQL backend will implement, so callers only ever use ``open_store``
and the interface, never a backend class directly.
"""

from __future__ import annotations

import os
from pathlib import Path

from storyline.errors import StoreError
from storyline.store.base import AddOutcome, Store
from storyline.store.sqlite import SQLiteStore

#: Used when neither an explicit URL nor ``$STORYLINE_DB`` is given.
DEFAULT_DB = "./storyline.db"


def resolve_url(url: str | os.PathLike[str] | None = None) -> str:
    """The store location in effect: ``url``, else ``$STORYLINE_DB``, else ``./storyline.db``."""
    if url is not None and str(url) != "":
        return os.fspath(url)
    return os.environ.get("STORYLINE_DB") or DEFAULT_DB


def open_store(url: str | Path | None = None, *, readonly: bool = False) -> Store:
    """Open (creating and migrating if needed) the store at ``url``.

    ``url`` is a path (``news.db``, ``~/data/news.db``), ``sqlite:///relative.db`` /
    ``sqlite:////absolute.db`` (SQLAlchemy's convention: three slashes, then the path),
    ``sqlite:///:memory:``, or ``None`` for ``$STORYLINE_DB`` / ``./storyline.db``.
    ``readonly=True`` is for commands that only read (show, search, export): it works on files
    the user cannot write.
    """
    target = resolve_url(url)
    if isinstance(url, os.PathLike):
        return SQLiteStore(target, readonly=readonly)
    lowered = target.lower()
    if lowered.startswith(("postgresql://", "postgres://", "postgresql+")):
        raise StoreError("PostgreSQL backend is not available in this version")
    if lowered.startswith("sqlite:"):
        rest = target[len("sqlite:") :]
        if not rest.startswith("///") and rest not in ("", "//"):
            raise StoreError(f"invalid SQLite URL {target!r}: use sqlite:///path/to/file.db")
        path = rest[3:] if rest.startswith("///") else ""
        return SQLiteStore(path or ":memory:", readonly=readonly)
    if "://" in target:
        scheme = target.split("://", 1)[0]
        raise StoreError(f"unsupported store URL {target!r}: {scheme} is not a known backend")
    return SQLiteStore(target, readonly=readonly)


__all__ = ["DEFAULT_DB", "AddOutcome", "SQLiteStore", "Store", "open_store", "resolve_url"]
