"""Where cleaned articles are kept: :func:`open_store` picks the backend from a URL or path.

SQLite (one file) is the default; PostgreSQL (``postgresql://`` URLs, the optional
``storyline[postgres]`` extra) implements the same :class:`Store` interface, so callers only
ever use ``open_store`` and the interface, never a backend class directly.
"""

from __future__ import annotations

import os
import re
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


def redact_url(target: str) -> str:
    """``target`` fit for messages and logs: a URL's password is left out."""
    target = re.sub(r"([?&]password=)[^&]*", r"\1***", target)
    return re.sub(r"^([A-Za-z][\w+.-]*://[^/@:]*):[^/@]*@", r"\1@", target)


def open_store(url: str | Path | None = None, *, readonly: bool = False) -> Store:
    """Open (creating and migrating if needed) the store at ``url``.

    ``url`` is a path (``news.db``, ``~/data/news.db``), ``sqlite:///relative.db`` /
    ``sqlite:////absolute.db`` (SQLAlchemy's convention: three slashes, then the path),
    ``sqlite:///:memory:``, a PostgreSQL URL (``postgresql://user:password@host:port/db``;
    ``postgres://`` and SQLAlchemy's ``postgresql+psycopg://`` work too), or ``None`` for
    ``$STORYLINE_DB`` / ``./storyline.db``.
    ``readonly=True`` is for commands that only read (show, search, export): it works on files
    the user cannot write.
    """
    target = resolve_url(url)
    if isinstance(url, os.PathLike):
        return SQLiteStore(target, readonly=readonly)
    lowered = target.lower()
    if lowered.startswith(("postgresql://", "postgres://", "postgresql+")):
        return _open_postgres(target, readonly=readonly)
    if lowered.startswith("sqlite:"):
        rest = target[len("sqlite:") :]
        if not rest.startswith("///") and rest not in ("", "//"):
            raise StoreError(f"invalid SQLite URL {target!r}: use sqlite:///path/to/file.db")
        path = rest[3:] if rest.startswith("///") else ""
        return SQLiteStore(path or ":memory:", readonly=readonly)
    if "://" in target:
        scheme = target.split("://", 1)[0]
        shown = redact_url(target)
        raise StoreError(f"unsupported store URL {shown!r}: {scheme} is not a known backend")
    return SQLiteStore(target, readonly=readonly)


def _open_postgres(url: str, *, readonly: bool) -> Store:
    """A :class:`~storyline.store.postgres.PostgresStore`; psycopg is imported only here, so
    SQLite users never need it."""
    lowered = url.lower()
    if lowered.startswith("postgresql+") and not lowered.startswith("postgresql+psycopg://"):
        driver = url.split("://", 1)[0].split("+", 1)[1]
        raise StoreError(
            f"unsupported PostgreSQL driver {driver!r} in store URL: storyline uses psycopg 3; "
            "write postgresql://user@host/db"
        )
    try:
        from storyline.store.postgres import PostgresStore
    except ImportError as exc:
        if not (exc.name or "").startswith("psycopg") and "psycopg" not in str(exc):
            raise
        raise StoreError(
            "PostgreSQL support is not installed (psycopg 3 is missing): "
            "pip install 'storyline[postgres]'"
        ) from exc
    return PostgresStore(url, readonly=readonly)


__all__ = [
    "DEFAULT_DB",
    "AddOutcome",
    "SQLiteStore",
    "Store",
    "open_store",
    "redact_url",
    "resolve_url",
]
