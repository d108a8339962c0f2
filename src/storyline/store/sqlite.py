"""The default store: one SQLite file, safe for parallel ingest processes and concurrent readers.

Why it is set up the way it is:

* **WAL journal**: readers (``show``, ``search``, the web UI) never block the writer and never see
  half a transaction; ``synchronous=NORMAL`` is durable against application crashes and only
  risks the last transactions on power loss, which a re-run of ingest repairs.
* **busy_timeout** (default 30 s): several ingest processes queue for the write lock instead
  of failing; only a lock held longer than that is reported, as a :class:`StoreError`.
* **BEGIN IMMEDIATE** for every write: the write lock is taken up front, so two writers never
  deadlock upgrading a read to a write, and the checks inside ``add`` (is this id stored? is it
  a near duplicate?) see a state no one else can change before the commit. Uniqueness itself is
  enforced by UNIQUE constraints and ``INSERT ... ON CONFLICT`` (the same statements work on
  PostgreSQL), never by application locks.
* **Threads**: one connection per store, opened with ``check_same_thread=False`` and guarded by
  an ``RLock``: a store can be shared by threads (a web server), calls are serialised. For
  parallel throughput open one store per process; SQLite serialises their writes anyway.
* **Migrations** are the numbered ``migrations/NNNN_name.sql`` files, read with
  :mod:`importlib.resources` (so they work from an installed wheel) and applied in one
  ``BEGIN IMMEDIATE`` transaction that re-reads the version after taking the lock: two processes
  opening a fresh database at once migrate it exactly once.
* **Errors** from sqlite3 never escape: they become one-line :class:`StoreError` messages naming
  the database file (not a database, corrupt, read-only, locked, missing directory).
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from storyline.analyse.types import Analysis
from storyline.clean import dedup
from storyline.clean.dedup import NEAR_DUPLICATE_THRESHOLD, Signature
from storyline.errors import NotFound, StoreError
from storyline.model import Article
from storyline.store.base import (
    SUMMARY_KEYS,
    AddOutcome,
    SearchFilters,
    Store,
    entity_matches,
    fts5_query,
    make_snippet,
    require_terms,
    search_key,
)
from storyline.store.sqlite_events import SQLiteEventsMixin
from storyline.store.sqlite_feeds import SQLiteFeedsMixin

#: At most this many LSH candidates (those sharing the most bands) are verified per new article,
#: which bounds the cost of ``add`` even when thousands of stored articles form one group.
MAX_CANDIDATES = 200

#: bm25 weights of the FTS columns (title, text): a word in the title counts double.
_BM25 = "bm25(articles_fts, 2.0, 1.0)"

_MIGRATION_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
_HEX = re.compile(r"^[0-9a-f]+$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SUMMARY_SQL = """
    a.id, a.source_uri, a.title, a.language, a.published, a.source, a.agencies,
    (SELECT count(*) FROM article_copies c WHERE c.article_id = a.id) AS copies,
    a.duplicate_of, a.added
"""


@lru_cache(maxsize=1)
def migrations() -> tuple[tuple[int, str, str], ...]:
    """``(version, name, sql)`` of every packaged migration, in order; versions are 1..N."""
    folder = resources.files("storyline.store").joinpath("migrations")
    found = []
    for entry in folder.iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _, _ in found] != list(range(1, len(found) + 1)):
        raise StoreError(f"storyline is broken: migrations are not numbered 1..N: {found!r}")
    return tuple(found)


def _statements(sql: str) -> Iterator[str]:
    """Split a migration into statements (trigger bodies with ``;`` inside stay whole)."""
    buf: list[str] = []
    for line in sql.splitlines(keepends=True):
        buf.append(line)
        text = "".join(buf)
        if sqlite3.complete_statement(text):
            yield text
            buf = []
    rest = "".join(buf)
    if any(ln.strip() and not ln.strip().startswith("--") for ln in rest.splitlines()):
        raise StoreError(f"storyline is broken: unterminated statement in migration: {rest!r}")


@dataclass(frozen=True)
class _Prepared:
    """What ``add`` computes before taking the write lock (signature bands, JSON, search keys)."""

    sig: Signature
    bands: list[int]
    data: str
    fts_title: str
    fts_text: str


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class SQLiteStore(SQLiteEventsMixin, SQLiteFeedsMixin, Store):
    """:class:`Store` on one SQLite file (or ``":memory:"`` for throwaway use).

    ``readonly=True`` opens the file with ``mode=ro`` (works on a read-only file; on a read-only
    *directory* a WAL database is opened ``immutable``, which is safe because no writer can
    create the WAL there either). Writes on a read-only store raise :class:`StoreError`.
    ``timeout`` is how long to wait for another process's write lock, in seconds.
    """

    def __init__(
        self, path: str | os.PathLike[str], *, readonly: bool = False, timeout: float = 30.0
    ) -> None:
        self.readonly = readonly
        self.timeout = timeout
        self._lock = threading.RLock()
        self._memory = str(path) == ":memory:"
        self.path = str(path) if self._memory else str(Path(path).expanduser())
        self._conn: sqlite3.Connection | None = None
        self._conn = self._connect()
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        mode = " readonly" if self.readonly else ""
        return f"<SQLiteStore {self.path}{mode}>"

    # -- connection and errors -----------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._memory:
            return self._configure(self._raw_connect(":memory:", uri=False))
        path = Path(self.path)
        parent = path.parent
        if not parent.is_dir():
            raise StoreError(f"cannot open database {path}: directory {parent} does not exist")
        if path.is_dir():
            raise StoreError(f"cannot open database {path}: it is a directory")
        if self.readonly:
            if not path.exists():
                raise StoreError(f"database {path} does not exist; run `storyline ingest` first")
            uri = path.resolve().as_uri() + "?mode=ro"
            try:
                return self._configure(self._raw_connect(uri, uri=True))
            except StoreError:
                if os.access(parent, os.W_OK):
                    raise
                # A WAL database needs its -shm file; in a read-only directory nobody can create
                # it, and nobody can write the database either: reading it immutable is safe.
                return self._configure(self._raw_connect(uri + "&immutable=1", uri=True))
        if path.exists() and not os.access(path, os.W_OK):
            raise StoreError(
                f"database {path} is read-only: no write permission on the file "
                "(open it read-only to show or search)"
            )
        if not os.access(parent, os.W_OK):
            raise StoreError(
                f"database {path} is read-only: directory {parent} is not writable "
                "(SQLite creates its -wal and -shm files next to the database)"
            )
        return self._configure(self._raw_connect(str(path), uri=False))

    def _raw_connect(self, target: str, *, uri: bool) -> sqlite3.Connection:
        with self._errors("open it"):
            return sqlite3.connect(
                target,
                uri=uri,
                timeout=self.timeout,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,  # guarded by self._lock
            )

    def _configure(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        try:
            with self._errors("open it"):
                conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
                conn.execute("PRAGMA foreign_keys = ON")
                self._retry_locked(lambda: self._check_and_set_wal(conn))
                conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    def _check_and_set_wal(self, conn: sqlite3.Connection) -> None:
        # the first statement that reads the file: "not a database" surfaces here
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if self.readonly or self._memory:
            return
        if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL").fetchone()

    def _retry_locked(self, step: Callable[[], None]) -> None:
        """Run an idempotent ``step``, retrying "database is locked" until ``timeout``.

        Needed because SQLite does not call the busy handler for every lock: switching a fresh
        database to WAL while another process opens it fails at once with SQLITE_BUSY (seen in
        the two-processes test). Everything else relies on ``busy_timeout``.
        """
        deadline = time.monotonic() + self.timeout
        delay = 0.002
        while True:
            try:
                step()
                return
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc).lower() or "busy" in str(exc).lower()
                if not busy or time.monotonic() + delay > deadline:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.1)

    def _error(self, exc: sqlite3.Error, doing: str) -> StoreError:
        """Translate a sqlite3 error into a one-line message that names the database."""
        msg = _one_line(str(exc))
        low = msg.lower()
        db = f"database {self.path}"
        if "not a database" in low or "encrypted" in low:
            return StoreError(f"{self.path} is not a storyline database (not an SQLite file)")
        if "malformed" in low or "corrupt" in low:
            return StoreError(f"{db} is corrupt ({msg}); restore it from a backup or re-ingest")
        if "readonly" in low or "read-only" in low:
            return StoreError(f"{db} is read-only: cannot {doing} ({msg})")
        if "locked" in low or "busy" in low:
            return StoreError(
                f"{db} is locked: another process held it for more than {self.timeout:g} s "
                f"while trying to {doing}"
            )
        if "unable to open" in low:
            return StoreError(f"cannot open {db}: {msg}")
        if "disk is full" in low or "disk full" in low:
            return StoreError(f"{db}: the disk is full, cannot {doing}")
        return StoreError(f"{db}: cannot {doing}: {msg}")

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise self._error(exc, doing) from exc

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"database {self.path} is closed")
        return self._conn

    @contextmanager
    def _read(self, doing: str) -> Iterator[sqlite3.Connection]:
        with self._lock, self._errors(doing):
            yield self._db()

    @contextmanager
    def _write(self, doing: str) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on anything
        else (including Ctrl-C), so every write is all-or-nothing."""
        if self.readonly:
            raise StoreError(f"database {self.path} is opened read-only: cannot {doing}")
        with self._lock, self._errors(doing):
            conn = self._db()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- schema --------------------------------------------------------------------------------

    def _schema_version(self, conn: sqlite3.Connection) -> int:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not has_table:
            return 0
        return int(conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] or 0)

    def _check_version(self, current: int, latest: int) -> None:
        if current > latest:
            raise StoreError(
                f"database {self.path} schema version {current} is newer than this storyline "
                f"({latest}); upgrade storyline"
            )

    def _migrate(self) -> None:
        """Bring the schema up to date (or refuse a database from a newer storyline)."""
        known = migrations()
        latest = known[-1][0]
        with self._read("read its schema version") as conn:
            current = self._schema_version(conn)
        self._check_version(current, latest)
        if current == latest:
            return
        if self.readonly:
            what = "is not a storyline database" if current == 0 else f"has schema {current}"
            raise StoreError(
                f"database {self.path} {what}; storyline needs schema {latest} and cannot "
                "upgrade a database opened read-only"
            )
        with self._write("upgrade its schema") as conn:
            current = self._schema_version(conn)  # another process may have migrated meanwhile
            self._check_version(current, latest)
            if current == 0:
                tables = [
                    r[0]
                    for r in conn.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                if tables:
                    raise StoreError(
                        f"database {self.path} is not a storyline database "
                        f"(it has other tables: {', '.join(sorted(tables)[:5])})"
                    )
                conn.execute(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            for version, name, sql in known:
                if version <= current:
                    continue
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, _now()),
                )

    def schema_version(self) -> int:
        """The schema version of the open database (for diagnostics and tests)."""
        with self._read("read its schema version") as conn:
            return self._schema_version(conn)

    # -- writing -------------------------------------------------------------------------------

    def add(
        self,
        article: Article,
        *,
        document_hash: str | None = None,
        signature: Signature | None = None,
    ) -> AddOutcome:
        # everything CPU-bound happens before the write lock is taken
        sig = signature if signature is not None else dedup.signature(article.text)
        data = article.to_dict()
        data.pop("text", None)  # stored once, in its own column
        prepared = _Prepared(
            sig=sig,
            bands=sig.bands(),
            data=json.dumps(data, ensure_ascii=False),
            fts_title=search_key(article.title or ""),
            fts_text=search_key(article.text),
        )
        with self._write("add an article") as conn:
            now = _now()
            row = conn.execute(
                "SELECT duplicate_of FROM articles WHERE id = ?", (article.id,)
            ).fetchone()
            if row is None:
                outcome = self._insert(conn, article, prepared, now)
            else:
                outcome = self._insert_copy(conn, article, row[0], now)
            if document_hash is not None:
                self._upsert_document(
                    conn, article.source_uri, document_hash, article.id, outcome.status, None, now
                )
        return outcome

    def _insert(
        self, conn: sqlite3.Connection, article: Article, prep: _Prepared, now: str
    ) -> AddOutcome:
        match = self._near_duplicate(conn, prep.sig, prep.bands)
        duplicate_of, sim = match if match else (None, None)
        cur = conn.execute(
            "INSERT INTO articles (id, source_uri, title, language, published, source, url, "
            "agencies, text, data, signature, duplicate_of, similarity, added) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (
                article.id,
                article.source_uri,
                article.title,
                article.language,
                article.published,
                article.source,
                article.url,
                json.dumps(list(article.agencies or []), ensure_ascii=False),
                article.text,
                prep.data,
                prep.sig.to_bytes(),
                duplicate_of,
                sim,
                now,
            ),
        )
        if cur.rowcount == 0:  # cannot happen under BEGIN IMMEDIATE; kept for other engines
            return self._insert_copy(conn, article, None, now)
        conn.executemany(
            "INSERT INTO minhash_bands (band_hash, article_id, band_no) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [(h, article.id, i) for i, h in enumerate(prep.bands)],
        )
        self._copy_row(conn, article, now)
        conn.execute(
            "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
            (cur.lastrowid, prep.fts_title, prep.fts_text),
        )
        if duplicate_of is None:
            return AddOutcome("new", article.id)
        return AddOutcome("near_duplicate", article.id, duplicate_of, sim)

    def _insert_copy(
        self, conn: sqlite3.Connection, article: Article, duplicate_of: str | None, now: str
    ) -> AddOutcome:
        inserted = self._copy_row(conn, article, now)
        return AddOutcome("copy" if inserted else "exists", article.id, duplicate_of)

    def _copy_row(self, conn: sqlite3.Connection, article: Article, now: str) -> bool:
        cur = conn.execute(
            "INSERT INTO article_copies (article_id, source_uri, source, published, url, added) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (article_id, source_uri) DO NOTHING",
            (article.id, article.source_uri, article.source, article.published, article.url, now),
        )
        return cur.rowcount > 0

    def _near_duplicate(
        self, conn: sqlite3.Connection, sig: Signature, bands: list[int]
    ) -> tuple[str, float] | None:
        """``(group root, similarity to the closest member)`` if ``sig`` is a near duplicate.

        Candidates share at least one LSH band; each is verified with the signature estimate.
        Every ``duplicate_of`` points at a root (an article with no ``duplicate_of``), and when
        a new text matches members of several groups it joins the earliest-stored root, so
        groups never move once formed.
        """
        placeholders = ", ".join("?" * len(bands))
        rows = conn.execute(
            "SELECT a.id, a.signature, a.duplicate_of FROM ("
            f"  SELECT article_id, count(*) AS shared FROM minhash_bands"
            f"  WHERE band_hash IN ({placeholders}) GROUP BY article_id"
            f"  ORDER BY shared DESC, article_id LIMIT {MAX_CANDIDATES}"
            ") AS c JOIN articles a ON a.id = c.article_id",
            bands,
        ).fetchall()
        best: tuple[float, str] | None = None
        roots: set[str] = set()
        for other_id, blob, other_root in rows:
            try:
                other = Signature.from_bytes(blob)
            except (TypeError, ValueError):  # signature of an older scheme: not comparable
                continue
            sim = dedup.similarity(sig, other)
            if sim >= NEAR_DUPLICATE_THRESHOLD:
                roots.add(other_root or other_id)
                if best is None or sim > best[0]:
                    best = (sim, other_id)
        if best is None:
            return None
        placeholders = ", ".join("?" * len(roots))
        (root,) = conn.execute(
            f"SELECT id FROM articles WHERE id IN ({placeholders}) ORDER BY seq LIMIT 1",
            sorted(roots),
        ).fetchone()
        return root, best[0]

    def record_document(
        self,
        source_uri: str,
        document_hash: str,
        article_id: str | None,
        status: str,
        message: str | None = None,
    ) -> None:
        with self._write("record a document") as conn:
            self._upsert_document(
                conn, source_uri, document_hash, article_id, status, message, _now()
            )

    def _upsert_document(
        self,
        conn: sqlite3.Connection,
        source_uri: str,
        document_hash: str,
        article_id: str | None,
        status: str,
        message: str | None,
        now: str,
    ) -> None:
        conn.execute(
            "INSERT INTO documents (source_uri, document_hash, article_id, status, message, "
            "seen_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_uri, document_hash) DO UPDATE "
            "SET article_id = excluded.article_id, status = excluded.status, "
            "message = excluded.message, seen_at = excluded.seen_at",
            (source_uri, document_hash, article_id, status, message, now),
        )

    # -- reading -------------------------------------------------------------------------------

    def seen_document(self, source_uri: str, document_hash: str) -> str | None:
        with self._read("look up a document") as conn:
            row = conn.execute(
                "SELECT article_id FROM documents WHERE source_uri = ? AND document_hash = ?",
                (source_uri, document_hash),
            ).fetchone()
        return row[0] if row else None

    @staticmethod
    def _article(text: str, data: str) -> Article:
        fields = json.loads(data)
        fields["text"] = text
        return Article.from_dict(fields)

    def _resolve(self, conn: sqlite3.Connection, ref: str) -> str:
        """Full id, unique id prefix or source_uri -> full id (NotFound / ambiguity errors)."""
        ref = ref.strip()
        key = ref.lower()
        if len(key) >= 4 and _HEX.match(key):
            rows = conn.execute(
                "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
                (key, key + "g"),  # ids are lower-case hex, and "g" sorts after "f"
            ).fetchall()
            ids = [r[0] for r in rows]
            if key in ids or len(ids) == 1:
                return key if key in ids else ids[0]
            if ids:
                shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
                raise StoreError(
                    f"ambiguous id prefix {ref!r}: matches {shown}; give more characters"
                )
        row = conn.execute(
            "SELECT article_id FROM article_copies WHERE source_uri = ? ORDER BY seq DESC LIMIT 1",
            (ref,),
        ).fetchone()
        if row:
            return str(row[0])
        if _HEX.match(key) and len(key) < 4:
            raise StoreError(f"id prefix {ref!r} is too short: give at least 4 characters")
        raise NotFound(f"no article with id or source {ref!r} in {self.path}")

    def get(self, ref: str) -> Article:
        with self._read("read an article") as conn:
            article_id = self._resolve(conn, ref)
            text, data = conn.execute(
                "SELECT text, data FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
        return self._article(text, data)

    @staticmethod
    def _summary(row: tuple[Any, ...]) -> dict[str, Any]:
        summary = dict(zip(SUMMARY_KEYS, row[: len(SUMMARY_KEYS)], strict=True))
        summary["agencies"] = json.loads(summary["agencies"] or "[]")
        return summary

    @staticmethod
    def _page(limit: int, offset: int) -> tuple[int, int]:
        if not isinstance(limit, int) or limit < 0:
            raise StoreError(f"limit must be a whole number >= 0, got {limit!r}")
        if not isinstance(offset, int) or offset < 0:
            raise StoreError(f"offset must be a whole number >= 0, got {offset!r}")
        return limit, offset

    def articles(
        self,
        *,
        limit: int = 100,
        offset: int = 0,
        language: str | None = None,
        since: str | None = None,
    ) -> list[dict[str, Any]]:
        limit, offset = self._page(limit, offset)
        where, params = [], []
        if language:
            where.append("a.language = ?")
            params.append(language)
        if since:
            if not _DATE.match(since.strip()):
                raise StoreError(f"invalid date {since!r}: use YYYY-MM-DD")
            where.append("a.published >= ?")
            params.append(since.strip())
        sql = f"SELECT {_SUMMARY_SQL} FROM articles a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.seq LIMIT ? OFFSET ?"
        with self._read("list articles") as conn:
            rows = conn.execute(sql, [*params, limit, offset]).fetchall()
        return [self._summary(r) for r in rows]

    def count(self) -> int:
        with self._read("count articles") as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> list[dict[str, Any]]:
        limit, offset = self._page(limit, offset)
        filters = filters or SearchFilters()
        parsed = require_terms(query) if query.strip() or not filters.any() else None
        match = fts5_query(parsed) if parsed is not None else None
        with self._read(f"search for {query!r}") as conn:
            where, params = self._filter_sql(conn, filters, match)
            if match is None:  # filters only: newest first
                sql = (
                    f"SELECT {_SUMMARY_SQL}, a.text, 0 AS rank FROM articles a"
                    + (" WHERE " + " AND ".join(where) if where else "")
                    + " ORDER BY a.published IS NULL, a.published DESC, a.seq DESC "
                    "LIMIT ? OFFSET ?"
                )
                args: list[Any] = [*params, limit, offset]
            else:
                # Rank first, fetch after: the inner query orders the matches by bm25 touching
                # only the index (and, with filters, the articles' indexed columns); the text
                # and the summary columns are read for the page of results alone. Selecting
                # them in the ranking query made SQLite load them for every match (3x slower
                # for a common word on 100k articles).
                # conditions on the article row ("+a.language", EXISTS on a.id) need it joined;
                # listed filters ("+articles_fts.rowid IN ...") are looked up without it
                joined = any(w.startswith(("+a.", "EXISTS")) for w in where)
                ranked = (
                    f"SELECT articles_fts.rowid AS seq, {_BM25} AS rank FROM articles_fts "
                    + ("JOIN articles a ON a.seq = articles_fts.rowid " if joined else "")
                    + "WHERE articles_fts MATCH ?"
                    + "".join(f" AND {w}" for w in where)
                    + " ORDER BY rank, articles_fts.rowid LIMIT ? OFFSET ?"
                )
                sql = (
                    f"WITH top AS ({ranked}) SELECT {_SUMMARY_SQL}, a.text, top.rank "
                    "FROM top JOIN articles a ON a.seq = top.seq ORDER BY top.rank, a.seq"
                )
                args = [match, *params, limit, offset]
            rows = conn.execute(sql, args).fetchall()
        results = []
        for row in rows:
            summary = self._summary(row)
            if parsed is not None:
                summary["snippet"] = make_snippet(row[-2], parsed)
                summary["score"] = round(-float(row[-1]), 6)
            else:
                text = " ".join(str(row[-2]).split())
                summary["snippet"] = text[:200] + ("…" if len(text) > 200 else "")
                summary["score"] = None
            results.append(summary)
        return results

    #: Measured per-row costs (100k articles) behind :meth:`_filter_sql`'s choice: testing one
    #: full-text match against an entity or place filter (EXISTS) costs ~5 µs; listing one
    #: filter row as an article number ~1.5 µs, then testing a match against that list ~0.3.
    _PROBE_COST, _LIST_COST, _LOOKUP_COST = 5.0, 1.5, 0.3
    #: ... and for language and dates: reading a match's article row to test them ~1.5 µs;
    #: listing one article of a date range from the (published, language) index ~0.1 µs.
    _ROW_COST, _RANGE_COST = 1.5, 0.1

    def _filter_sql(
        self, conn: sqlite3.Connection, filters: SearchFilters, match: str | None
    ) -> tuple[list[str], list[Any]]:
        """SQL conditions for :class:`SearchFilters` on ``articles a`` (and, after a full-text
        ``match``, on ``articles_fts``).

        After a match the conditions test the rows the match found, and their columns get a
        unary ``+`` so that SQLite cannot use their indexes: given one, it sometimes walked all
        German articles and ran the full-text match once per article (seconds at 100k
        articles) instead of checking the few thousand matches (milliseconds). An entity,
        place or date filter is tested per match, or, when that is cheaper by the counts of
        matches and filter rows (per-row costs measured at 100k articles, ``_PROBE_COST`` and
        the rest), listed once as article numbers the matches are looked up in: a common word
        with a city filter went from 150 ms to 10-20 ms, one in a 90-day window from 30 ms to
        3. Without a match (filters alone) the filter's articles are listed and sorted by date.
        """
        where: list[str] = []
        params: list[Any] = []
        counted: list[int] = []

        def n_matches() -> int:
            if not counted:
                sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
                counted.append(conn.execute(sql, (match,)).fetchone()[0])
            return counted[0]

        days: list[str] = []
        day_args: list[Any] = []
        if filters.since:
            days.append("published >= ?")
            day_args.append(filters.since)
        if filters.until:
            # a day's articles are included whatever the precision of the stored date
            days.append("published < ?")
            day_args.append(filters.until + "~")
        if match is not None and days and self._few_days(conn, days, day_args, n_matches()):
            # the date range (and language) listed once from the (published, language) index
            cond = days + (["+language = ?"] if filters.language else [])
            where.append(
                "+articles_fts.rowid IN (SELECT seq FROM articles WHERE " + " AND ".join(cond) + ")"
            )
            params.extend(day_args + ([filters.language] if filters.language else []))
        else:
            # the match, else an entity or place filter, drives the query: no article index
            narrowed = filters.entity_ids is not None or bool(filters.place)
            col = "+a." if match is not None or narrowed else "a."
            if filters.language:
                where.append(f"{col}language = ?")
                params.append(filters.language)
            where.extend(col + d for d in days)
            params.extend(day_args)
        narrowing: list[tuple[str, str, list[Any]]] = []
        if filters.entity_ids is not None:
            marks = ", ".join("?" * len(filters.entity_ids)) or "NULL"
            narrowing.append(
                ("entity_mentions m", f"m.entity_id IN ({marks})", list(filters.entity_ids))
            )
        if filters.place:
            place = filters.place.strip()
            # a country is stored as its ISO alpha-2 code: a longer value can only be a name,
            # and one index range (not an OR of two) finds its rows
            if len(place) == 2:
                named = "(p.name = ? COLLATE NOCASE OR p.country = ?)"
                narrowing.append(("article_places p", named, [place, place.upper()]))
            else:
                narrowing.append(("article_places p", "p.name = ? COLLATE NOCASE", [place]))
        for table, cond, cond_args in narrowing:
            alias = table[-1]
            if match is not None:
                matches = n_matches()
                # listing wins below this many filter rows: count no further than that
                most = matches * (self._PROBE_COST - self._LOOKUP_COST) / self._LIST_COST
                count = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {cond} LIMIT ?)"
                rows = conn.execute(count, [*cond_args, math.ceil(most) + 1]).fetchone()[0]
                if rows < most:
                    where.append(
                        f"+articles_fts.rowid IN (SELECT l.seq FROM {table} "
                        f"JOIN articles l ON l.id = {alias}.article_id WHERE {cond})"
                    )
                    params.extend(cond_args)
                    continue
            else:
                # filters alone: the filter's articles are listed once and sorted by date;
                # testing every article newest first took 0.3-0.8 s at 100k articles
                where.append(f"a.id IN (SELECT {alias}.article_id FROM {table} WHERE {cond})")
                params.extend(cond_args)
                continue
            where.append(
                f"EXISTS (SELECT 1 FROM {table} WHERE {alias}.article_id = a.id AND {cond})"
            )
            params.extend(cond_args)
        return where, params

    def _few_days(
        self, conn: sqlite3.Connection, days: list[str], args: list[Any], matches: int
    ) -> bool:
        """Whether listing the articles of a date range is cheaper than testing ``matches``
        rows: counted from the index, but never further than the answer needs."""
        cap = int(matches * (self._ROW_COST - self._LOOKUP_COST) / self._RANGE_COST)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM articles WHERE {' AND '.join(days)} LIMIT ?)"
        return bool(conn.execute(sql, [*args, cap + 1]).fetchone()[0] <= cap)

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        if batch < 1:
            raise StoreError(f"batch must be >= 1, got {batch!r}")
        last = 0
        while True:
            # one short query per batch (keyset pagination on seq): no read transaction stays
            # open between batches, so writers and WAL checkpoints are never held up
            with self._read("read articles") as conn:
                rows = conn.execute(
                    "SELECT seq, text, data FROM articles WHERE seq > ? ORDER BY seq LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            for _, text, data in rows:
                yield self._article(text, data)
            last = rows[-1][0]

    def copies(self, article_id: str) -> list[dict[str, Any]]:
        with self._read("list copies") as conn:
            full = self._resolve(conn, article_id)
            rows = conn.execute(
                "SELECT source_uri, source, published, url, added FROM article_copies "
                "WHERE article_id = ? ORDER BY seq",
                (full,),
            ).fetchall()
        keys = ("source_uri", "source", "published", "url", "added")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def duplicates(self, article_id: str) -> list[str]:
        with self._read("list near duplicates") as conn:
            full = self._resolve(conn, article_id)
            (root,) = conn.execute(
                "SELECT coalesce(duplicate_of, id) FROM articles WHERE id = ?", (full,)
            ).fetchone()
            rows = conn.execute(
                "SELECT id FROM articles WHERE (id = ? OR duplicate_of = ?) AND id <> ? "
                "ORDER BY seq",
                (root, root, full),
            ).fetchall()
        return [r[0] for r in rows]

    def stats(self) -> dict[str, Any]:
        with self._read("count") as conn:
            # each count reads an index (count(duplicate_of) over the table read every row's
            # overflow pages: 155 ms at 100k articles, the bulk of the overview page)
            (articles,) = conn.execute("SELECT count(*) FROM articles").fetchone()
            (near,) = conn.execute(
                "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL"
            ).fetchone()
            (sources,) = conn.execute("SELECT count(*) FROM article_copies").fetchone()
            documents, failed = conn.execute(
                "SELECT count(*), coalesce(sum(status = 'failed'), 0) FROM documents"
            ).fetchone()
            by_language = conn.execute(
                "SELECT language, count(*) FROM articles GROUP BY language"  # index order
            ).fetchall()
            counted: dict[str, int] = {}
            for lang, n in by_language:
                counted[lang or "und"] = counted.get(lang or "und", 0) + n
            languages = sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))
            (events,) = conn.execute("SELECT count(*) FROM events").fetchone()
            (storylines,) = conn.execute("SELECT count(*) FROM storylines").fetchone()
            (feeds,) = conn.execute("SELECT count(*) FROM feeds").fetchone()
        return {
            "articles": articles,
            "copies": sources - articles,
            "near_duplicates": near,
            "documents": documents,
            "failed": failed,
            "languages": dict(languages),
            "events": events,
            "storylines": storylines,
            "feeds": feeds,
        }

    # -- analysis and the entity registry -----------------------------------------------------

    def put_analysis(self, analysis: Analysis, version: str) -> None:
        from storyline.analyse.registry import entity_id, mention_rows

        # CPU-bound preparation outside the write lock
        rows = mention_rows(analysis)
        data = json.dumps(analysis.to_dict(), ensure_ascii=False)
        guess = analysis.published_inferred
        day = analysis.published or (guess.value if guess and guess.confidence >= 0.5 else None)
        event = analysis.event
        places: dict[tuple[str, str], list[Any]] = {}
        for p in analysis.places:
            k = (p.name, p.kind)
            if k in places:
                places[k][5] += 1
                places[k][6] = places[k][6] or int(p.dateline)
            else:
                places[k] = [p.name, p.country, p.kind, p.lat, p.lon, 1, int(p.dateline)]
        lang = analysis.language or "und"
        aid = analysis.article_id
        with self._write("store an analysis") as conn:
            if not conn.execute("SELECT 1 FROM articles WHERE id = ?", (aid,)).fetchone():
                raise NotFound(f"no article with id {aid!r} in {self.path}")
            conn.execute(
                "INSERT INTO analyses (article_id, version, language, published, "
                "published_inferred, event_type, event_when, event_where, event_country, data, "
                "analysed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET version = excluded.version, "
                "language = excluded.language, published = excluded.published, "
                "published_inferred = excluded.published_inferred, "
                "event_type = excluded.event_type, event_when = excluded.event_when, "
                "event_where = excluded.event_where, event_country = excluded.event_country, "
                "data = excluded.data, analysed_at = excluded.analysed_at",
                (
                    aid,
                    version,
                    analysis.language,
                    analysis.published,
                    guess.value if guess else None,
                    event.type if event else None,
                    event.when if event else None,
                    event.where if event else None,
                    event.country if event else None,
                    data,
                    _now(),
                ),
            )
            conn.execute("DELETE FROM entity_mentions WHERE article_id = ?", (aid,))
            conn.execute("DELETE FROM entity_aliases WHERE article_id = ?", (aid,))
            conn.execute("DELETE FROM article_places WHERE article_id = ?", (aid,))
            for row in rows:
                eid = self._entity_for(conn, row.label, row.key, row.name, entity_id)
                conn.execute(
                    "INSERT INTO entity_mentions (entity_id, article_id, mentions, day) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (entity_id, article_id) "
                    "DO UPDATE SET mentions = mentions + excluded.mentions",
                    (eid, aid, row.mentions, day),
                )
                conn.executemany(
                    "INSERT INTO entity_aliases (entity_id, article_id, alias, alias_key, "
                    "language, mentions) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (entity_id, article_id, alias) "
                    "DO UPDATE SET mentions = mentions + excluded.mentions",
                    [(eid, aid, a, k, lang, n) for a, k, n in row.aliases],
                )
            conn.executemany(
                "INSERT INTO article_places (article_id, name, country, kind, lat, lon, "
                "mentions, dateline) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(aid, *v) for v in places.values()],
            )

    @staticmethod
    def _entity_for(
        conn: sqlite3.Connection,
        label: str,
        key: str,
        name: str,
        make_id: Callable[[str, str], str],
    ) -> str:
        """The registry entry for ``(label, key)``, created if new.

        A one-word person name ("Putin") joins the one registered full name that ends with it
        ("wladimir putin"), when there is exactly one: articles that never give the first name
        still count for the person. A longer name replaces a shorter display name.
        """
        row = conn.execute(
            "SELECT id, name FROM entities WHERE label = ? AND key = ?", (label, key)
        ).fetchone()
        if row is None and label == "PER" and " " not in key:
            found = SQLiteStore._people_with_surname(conn, key, limit=2)
            if len(found) == 1:
                return found[0]
        if row is None:
            eid = make_id(label, key)
            conn.execute(
                "INSERT INTO entities (id, label, key, name) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (label, key) DO NOTHING",
                (eid, label, key, name),
            )
            return eid
        if len(name) > len(row[1]):
            conn.execute("UPDATE entities SET name = ? WHERE id = ?", (name, row[0]))
        return str(row[0])

    @staticmethod
    def _people_with_surname(
        conn: sqlite3.Connection, surname_key: str, *, limit: int = -1
    ) -> list[str]:
        """Ids of registered persons whose folded full name ends with ``surname_key``."""
        pattern = "% " + surname_key.replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute(
            "SELECT id FROM entities WHERE label = 'PER' AND key LIKE ? ESCAPE '\\' LIMIT ?",
            (pattern, limit),
        )
        return [str(r[0]) for r in rows]

    def get_analysis(self, ref: str, *, version: str | None = None) -> Analysis | None:
        with self._read("read an analysis") as conn:
            article_id = self._resolve(conn, ref)
            row = conn.execute(
                "SELECT data, version FROM analyses WHERE article_id = ?", (article_id,)
            ).fetchone()
        if row is None or (version is not None and row[1] != version):
            return None
        return Analysis.from_dict(json.loads(row[0]))

    def pending_analysis(self, version: str, *, limit: int = 1000) -> list[str]:
        limit, _ = self._page(limit, 0)
        with self._read("list articles to analyse") as conn:
            rows = conn.execute(
                "SELECT a.id FROM articles a LEFT JOIN analyses n ON n.article_id = a.id "
                "WHERE n.article_id IS NULL OR n.version <> ? ORDER BY a.seq LIMIT ?",
                (version, limit),
            ).fetchall()
        return [r[0] for r in rows]

    _ENTITY_SQL = """
        SELECT e.id, e.label, e.name, sum(m.mentions) AS mentions, count(*) AS articles,
               min(m.day) AS first_seen, max(m.day) AS last_seen,
               (SELECT group_concat(l.language) FROM entity_languages l
                 WHERE l.entity_id = e.id) AS languages
        FROM entities e JOIN entity_mentions m ON m.entity_id = e.id
    """
    _RANKED_ENTITY_SQL = """
        SELECT e.id, e.label, e.name, s.mentions, s.articles, s.first_seen, s.last_seen,
               (SELECT group_concat(l.language) FROM entity_languages l
                 WHERE l.entity_id = e.id) AS languages
        FROM entity_stats s JOIN entities e ON e.id = s.entity_id
    """
    _ENTITY_KEYS = (
        "id", "label", "name", "mentions", "articles", "first_seen", "last_seen", "languages",
    )  # fmt: skip

    def _entity_dict(self, row: tuple[Any, ...]) -> dict[str, Any]:
        out = dict(zip(self._ENTITY_KEYS, row, strict=True))
        out["languages"] = sorted((out["languages"] or "").split(",")) if out["languages"] else []
        return out

    def entities(
        self,
        *,
        label: str | None = None,
        query: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        from storyline.analyse.registry import entity_key

        limit, offset = self._page(limit, offset)
        where, params = [], []
        if label:
            where.append("e.label = ?")
            params.append(label.upper())
        if query:
            key = entity_key(query)
            if not key:
                raise StoreError(f"entity query {query!r} contains no name")
            like = "%" + key.replace("%", "").replace("_", "") + "%"
            where.append(
                "(e.key LIKE ? OR EXISTS (SELECT 1 FROM entity_aliases x "
                "WHERE x.entity_id = e.id AND x.alias_key LIKE ?))"
            )
            params.extend([like, like])
        # the kept totals (entity_stats, migration 0007), read in rank order from their index
        sql = self._RANKED_ENTITY_SQL
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY s.mentions DESC, e.name LIMIT ? OFFSET ?"
        with self._read("list entities") as conn:
            rows = conn.execute(sql, [*params, limit, offset]).fetchall()
        return [self._entity_dict(r) for r in rows]

    def entity_ids(self, ref: str) -> tuple[str, ...]:
        with self._read("look up an entity") as conn:
            return tuple(entity_matches(conn, ref.strip(), self._q, self._people_with_surname))

    def entity(self, ref: str) -> dict[str, Any]:
        ref = ref.strip()
        with self._read("read an entity") as conn:
            ids = entity_matches(conn, ref, self._q, self._people_with_surname)
            if not ids:
                raise NotFound(f"no entity named {ref!r} in {self.path}")
            if len(ids) > 1:
                rows = conn.execute(
                    self._ENTITY_SQL
                    + f" WHERE e.id IN ({', '.join('?' * len(ids))}) GROUP BY e.id "
                    "ORDER BY mentions DESC",
                    ids,
                ).fetchall()
                if len(rows) == 1:
                    ids = [rows[0][0]]
                else:
                    shown = ", ".join(f"{r[0]} ({r[1]} {r[2]})" for r in rows[:6])
                    raise StoreError(f"{ref!r} names several entities: {shown}; give the id")
            eid = ids[0]
            sql = self._ENTITY_SQL + " WHERE e.id = ? GROUP BY e.id"
            row = conn.execute(sql, (eid,)).fetchone()
            if row is None:
                raise NotFound(f"entity {ref!r} is no longer mentioned in {self.path}")
            out = self._entity_dict(row)
            out["aliases"] = [
                {"alias": a, "language": lang, "mentions": n}
                for a, lang, n in conn.execute(
                    "SELECT alias, language, sum(mentions) AS n FROM entity_aliases "
                    "WHERE entity_id = ? GROUP BY alias, language ORDER BY n DESC, alias",
                    (eid,),
                )
            ]
            out["timeline"] = [
                {"day": d, "mentions": n, "articles": k}
                for d, n, k in conn.execute(
                    "SELECT day, sum(mentions), count(*) FROM entity_mentions "
                    "WHERE entity_id = ? GROUP BY day ORDER BY day IS NULL, day",
                    (eid,),
                )
            ]
            out["recent"] = [
                {"id": i, "title": t, "published": p, "day": d, "mentions": n}
                for i, t, p, d, n in conn.execute(
                    "SELECT a.id, a.title, a.published, m.day, m.mentions FROM entity_mentions m "
                    "JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ? "
                    "ORDER BY m.day IS NULL, m.day DESC, a.seq DESC LIMIT 20",
                    (eid,),
                )
            ]
        return out

    # -- lifecycle -----------------------------------------------------------------------------

    # -- comparison features -------------------------------------------------------------------

    def put_features(
        self,
        article_id: str,
        kind: str,
        version: str,
        vectors: np.ndarray,
        data: dict[str, Any],
    ) -> None:
        vecs = np.ascontiguousarray(np.atleast_2d(vectors), dtype="<f4")
        blob = vecs.tobytes()
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with self._write("store comparison features") as conn:
            conn.execute(
                "INSERT OR REPLACE INTO article_features "
                "(article_id, kind, version, dim, vectors, data, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (article_id, kind, version, int(vecs.shape[1]), blob, text, _now()),
            )

    def get_features(
        self, article_id: str, kind: str, *, version: str | None = None
    ) -> tuple[np.ndarray, dict[str, Any]] | None:
        with self._read("read comparison features") as conn:
            row = conn.execute(
                "SELECT version, dim, vectors, data FROM article_features "
                "WHERE article_id = ? AND kind = ?",
                (article_id, kind),
            ).fetchone()
        if row is None or (version is not None and row[0] != version):
            return None
        vecs = np.frombuffer(row[2], dtype="<f4").reshape(-1, int(row[1])).astype(np.float32)
        return vecs, json.loads(row[3])

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is None:
                return
            try:
                if not self.readonly:
                    # keeps query plans good; must never make a reader wait for a busy writer
                    conn.execute("PRAGMA busy_timeout = 0")
                    conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            finally:
                conn.close()


__all__ = ["MAX_CANDIDATES", "SQLiteStore", "migrations"]
