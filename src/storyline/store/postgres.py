"""The PostgreSQL store: one database shared by many ingest processes, readers and web servers.

It implements the same :class:`~storyline.store.base.Store` contract as the SQLite default, with
the same return shapes; the SQLite module's docstring explains the contract, this one what had
to be done differently and why:

* **Transactions**: the connection runs in autocommit mode (a read is one statement, never an
  idle open transaction), and every write is one explicit transaction. Uniqueness comes from the
  schema's unique keys with ``INSERT ... ON CONFLICT``: two processes adding the same text both
  try the insert, PostgreSQL makes the second wait for the first and then skip, so the text is
  stored once and the second process reports it as ``exists`` / ``copy``.
* **Near duplicates**: SQLite serialises all writers, PostgreSQL does not, so two near copies
  added at the same moment could each miss the other. ``add`` therefore takes a
  transaction-level advisory lock on each of the new text's LSH band hashes (in sorted order:
  no deadlocks) before it reads ``minhash_bands``. Two texts that share a band -- every pair the
  LSH index can find at all -- are checked one after the other, exactly as in SQLite; texts that
  share none never wait for each other. See ``docs/postgres.md`` for what is guaranteed.
* **Deadlocks and serialization failures** (possible when two analyses update the same entity
  rows in different orders) are retried a few times; the whole transaction is re-run.
* **lock_timeout** plays SQLite's ``busy_timeout``: waiting longer than ``timeout`` for a lock
  held by another session is reported as "locked".
* **readonly=True** sets ``default_transaction_read_only``, so the server itself refuses
  writes; the store also refuses them up front with the same message SQLite gives.
* **Migrations** are ``migrations_pg/NNNN_name.sql`` (numbered like their SQLite twins), applied
  in one transaction under ``pg_advisory_xact_lock``, re-reading the version after taking it.
* **Errors** from psycopg never escape: they become one-line :class:`StoreError` messages that
  name the database by its URL *without* the password.
* **Threads**: one connection per store, calls serialised by an ``RLock`` (as in SQLite). A
  connection the server dropped is replaced on the next call.
"""

from __future__ import annotations

import json
import re
import threading
import time
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import numpy as np
import psycopg
from psycopg import conninfo

from storyline.clean import dedup
from storyline.clean.dedup import NEAR_DUPLICATE_THRESHOLD, Signature
from storyline.errors import NotFound, StoreError
from storyline.model import Article
from storyline.store.base import AddOutcome, Store, search_key
from storyline.store.postgres_analysis import PostgresAnalysisMixin
from storyline.store.postgres_events import PostgresEventsMixin
from storyline.store.postgres_feeds import PostgresFeedsMixin
from storyline.store.postgres_search import PostgresSearchMixin, fts_config, index_words
from storyline.store.sqlite import (
    _DATE,
    _HEX,
    _SUMMARY_SQL,
    MAX_CANDIDATES,
    SQLiteStore,
    _now,
    _one_line,
)

T = TypeVar("T")

#: URL schemes this backend answers to (``postgresql+psycopg`` is SQLAlchemy's spelling).
SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")

_MIGRATION_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
#: the advisory lock (two int4 keys: "stor", "migr") that serialises schema upgrades; the
#: two-key space never overlaps the one-bigint keys ``add`` uses for LSH bands
_MIGRATION_LOCK = (0x73746F72, 0x6D696772)
#: transaction retries after a deadlock or serialization failure
_RETRIES = 5
_RETRY_STATES = {"40001", "40P01"}


@lru_cache(maxsize=1)
def migrations() -> tuple[tuple[int, str, str], ...]:
    """``(version, name, sql)`` of every packaged PostgreSQL migration; versions are 1..N."""
    folder = resources.files("storyline.store").joinpath("migrations_pg")
    found = []
    for entry in folder.iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _, _ in found] != list(range(1, len(found) + 1)):
        raise StoreError(f"storyline is broken: migrations are not numbered 1..N: {found!r}")
    return tuple(found)


def display_url(url: str) -> str:
    """``url`` as it may appear in messages and logs: the password is never shown."""
    try:
        params = conninfo.conninfo_to_dict(_libpq_url(url))
    except psycopg.Error:
        return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1@", url)
    user = f"{params['user']}@" if params.get("user") else ""
    host = params.get("host", "")
    port = f":{params['port']}" if params.get("port") else ""
    db = f"/{params['dbname']}" if params.get("dbname") else ""
    return f"postgresql://{user}{host}{port}{db}"


def _libpq_url(url: str) -> str:
    """The URL libpq understands: SQLAlchemy's ``postgresql+psycopg://`` becomes plain, and the
    scheme lower-case (libpq does not recognise ``PostgreSQL://``)."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.lower() in ("postgresql", "postgres", "postgresql+psycopg"):
        return "postgresql://" + rest
    return url


@dataclass(frozen=True)
class _Prepared:
    """What ``add`` computes before its transaction (signature bands, JSON, index words)."""

    sig: Signature
    bands: list[int]
    data: str
    config: str
    fts_title: str
    fts_text: str


class PostgresStore(
    PostgresSearchMixin, PostgresAnalysisMixin, PostgresEventsMixin, PostgresFeedsMixin, Store
):
    """:class:`Store` on a PostgreSQL database given by a ``postgresql://`` URL.

    ``path`` is the URL without its password (what messages call the database, like SQLite's
    file path). ``timeout`` is how long to wait for a lock another session holds, in seconds.
    """

    _summary = staticmethod(SQLiteStore._summary)
    _page = staticmethod(SQLiteStore._page)
    _article = staticmethod(SQLiteStore._article)

    def __init__(self, url: str, *, readonly: bool = False, timeout: float = 30.0) -> None:
        self.readonly = readonly
        self.timeout = timeout
        self._lock = threading.RLock()
        self._url = _libpq_url(url)
        self.path = display_url(url)
        self._secrets = self._find_secrets()
        self._conn: psycopg.Connection[Any] | None = None
        self._conn = self._connect()
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    def __repr__(self) -> str:
        mode = " readonly" if self.readonly else ""
        return f"<PostgresStore {self.path}{mode}>"

    # -- connection and errors -----------------------------------------------------------------

    def _find_secrets(self) -> list[str]:
        """The password as written and as decoded: both are scrubbed from every message (libpq
        quotes the whole URL in some of its own)."""
        found = re.search(r"://[^/@:]*:([^/@]*)@", self._url)
        written = [found.group(1)] if found and found.group(1) else []
        try:
            params = conninfo.conninfo_to_dict(self._url)
        except psycopg.Error as exc:
            reason = str(exc)
            for secret in written:
                reason = reason.replace(secret, "***")
            raise StoreError(f"invalid PostgreSQL URL {self.path}: {_one_line(reason)}") from None
        return [*written, *([params["password"]] if params.get("password") else [])]

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return _one_line(text)

    def _connect(self) -> psycopg.Connection[Any]:
        params = conninfo.conninfo_to_dict(self._url)
        extra: dict[str, Any] = {"autocommit": True}
        if "connect_timeout" not in params:
            extra["connect_timeout"] = max(2, min(int(self.timeout), 10))
        if "application_name" not in params:
            extra["application_name"] = "storyline"
        try:
            conn = psycopg.connect(self._url, **extra)
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot connect to PostgreSQL database {self.path}: {self._reason(exc)}"
            ) from exc
        try:
            with self._errors("open it"):
                conn.execute(f"SET lock_timeout = {max(1, int(self.timeout * 1000))}")
                if self.readonly:
                    conn.execute("SET default_transaction_read_only = on")
        except BaseException:
            conn.close()
            raise
        return conn

    def _reason(self, exc: BaseException) -> str:
        """The useful part of a connection error: libpq prefixes every attempt's address."""
        msg = self._scrub(str(exc))
        msg = re.sub(r"^connection failed: ", "", msg)
        parts = re.split(r"connection to server (?:at|on) [^:]*? failed: ", msg)
        reasons = [p.strip(" ;,") for p in parts if p.strip(" ;,")]
        reason = reasons[-1] if reasons else msg
        return re.sub(r"^FATAL:\s+", "", reason) or type(exc).__name__

    def _error(self, exc: psycopg.Error, doing: str) -> StoreError:
        """Translate a psycopg error into a one-line message that names the database."""
        msg = self._scrub(str(exc)) or type(exc).__name__
        state = getattr(exc, "sqlstate", None) or ""
        db = f"database {self.path}"
        if state == "25006":
            return StoreError(f"{db} is read-only: cannot {doing} ({msg})")
        if state in ("55P03", "57014"):
            return StoreError(
                f"{db} is locked: another session held a lock for more than {self.timeout:g} s "
                f"while trying to {doing}"
            )
        if state == "42501":
            return StoreError(f"{db}: permission denied: cannot {doing} ({msg})")
        if state == "53100":
            return StoreError(f"{db}: the disk is full, cannot {doing}")
        if state.startswith(("08", "57P")) or (
            isinstance(exc, psycopg.OperationalError) and not state
        ):
            return StoreError(f"lost the connection to {db} while trying to {doing}: {msg}")
        if "NUL" in msg and isinstance(exc, psycopg.DataError):
            return StoreError(
                f"{db}: cannot {doing}: PostgreSQL text cannot contain NUL characters"
            )
        return StoreError(f"{db}: cannot {doing}: {msg}")

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as exc:
            raise self._error(exc, doing) from exc

    def _db(self) -> psycopg.Connection[Any]:
        if self._conn is None:
            raise StoreError(f"database {self.path} is closed")
        if self._conn.closed or self._conn.broken:  # the server went away: try once more
            self._conn = self._connect()
        return self._conn

    @contextmanager
    def _read(self, doing: str, *, snapshot: bool = False) -> Iterator[psycopg.Connection[Any]]:
        """The connection for reading; ``snapshot=True`` wraps the block in one read-only
        REPEATABLE READ transaction so several queries see the same state."""
        with self._lock, self._errors(doing):
            conn = self._db()
            if not snapshot:
                yield conn
                return
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield conn

    def _write(self, doing: str, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """Run ``work`` in one transaction: committed on success, rolled back on anything else
        (including Ctrl-C); re-run from the start after a deadlock or serialization failure."""
        if self.readonly:
            raise StoreError(f"database {self.path} is opened read-only: cannot {doing}")
        with self._lock:
            for attempt in range(_RETRIES):
                try:
                    conn = self._db()
                    with conn.transaction():
                        return work(conn)
                except psycopg.Error as exc:
                    retry = getattr(exc, "sqlstate", None) in _RETRY_STATES
                    if not retry or attempt == _RETRIES - 1:
                        raise self._error(exc, doing) from exc
                time.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- schema --------------------------------------------------------------------------------

    @staticmethod
    def _schema_version(conn: psycopg.Connection[Any]) -> int:
        # a catalog query, not to_regclass(): that one answers from this session's catalog
        # cache, which still says "no such table" after waiting for the migration lock while
        # another process created it (seen in the many-processes test)
        (exists,) = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables "
            "WHERE schemaname = current_schema() AND tablename = 'schema_migrations')"
        ).fetchone()
        if not exists:
            return 0
        (version,) = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        return int(version or 0)

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

        def upgrade(conn: psycopg.Connection[Any]) -> None:
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", _MIGRATION_LOCK)
            current = self._schema_version(conn)  # another process may have migrated meanwhile
            self._check_version(current, latest)
            if current == 0:
                tables = [
                    r[0]
                    for r in conn.execute(
                        "SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = current_schema() ORDER BY table_name"
                    )
                ]
                if tables:
                    raise StoreError(
                        f"database {self.path} is not a storyline database "
                        f"(it has other tables: {', '.join(tables[:5])})"
                    )
                conn.execute(
                    "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            for version, name, sql in known:
                if version <= current:
                    continue
                conn.execute(sql)  # several statements: allowed without parameters
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                    (version, name, _now()),
                )

        self._write("upgrade its schema", upgrade)

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
        # everything CPU-bound happens before the transaction
        sig = signature if signature is not None else dedup.signature(article.text)
        data = article.to_dict()
        data.pop("text", None)  # stored once, in its own column
        prepared = _Prepared(
            sig=sig,
            bands=sorted(set(sig.bands())),
            data=json.dumps(data, ensure_ascii=False),
            config=fts_config(article.language),
            fts_title=index_words(search_key(article.title or "")),
            fts_text=index_words(search_key(article.text)),
        )

        def work(conn: psycopg.Connection[Any]) -> AddOutcome:
            now = _now()
            outcome = self._stored_copy(conn, article, now)
            if outcome is None:
                # serialise with every other add of a text sharing an LSH band, then look again:
                # the text itself may have been stored while this one waited
                conn.execute(
                    "SELECT count(pg_advisory_xact_lock(h)) FROM unnest(%s::bigint[]) AS h",
                    (prepared.bands,),
                )
                outcome = self._stored_copy(conn, article, now) or self._insert(
                    conn, article, prepared, now
                )
            if document_hash is not None:
                self._upsert_document(
                    conn, article.source_uri, document_hash, article.id, outcome.status, None, now
                )
            return outcome

        return self._write("add an article", work)

    def _stored_copy(
        self, conn: psycopg.Connection[Any], article: Article, now: str
    ) -> AddOutcome | None:
        """``exists`` / ``copy`` if the text is stored already (a copy row is recorded)."""
        row = conn.execute(
            "SELECT duplicate_of FROM articles WHERE id = %s", (article.id,)
        ).fetchone()
        if row is None:
            return None
        inserted = self._copy_row(conn, article, now)
        return AddOutcome("copy" if inserted else "exists", article.id, row[0])

    def _insert(
        self, conn: psycopg.Connection[Any], article: Article, prep: _Prepared, now: str
    ) -> AddOutcome:
        match = self._near_duplicate(conn, prep.sig, prep.bands)
        duplicate_of, sim = match if match else (None, None)
        row = conn.execute(
            "INSERT INTO articles (id, source_uri, title, language, published, source, url, "
            "agencies, text, data, signature, duplicate_of, similarity, added, fts_config, fts) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
            "setweight(to_tsvector(%s::regconfig, %s), 'A') "
            "|| setweight(to_tsvector(%s::regconfig, %s), 'B')) "
            "ON CONFLICT (id) DO NOTHING RETURNING seq",
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
                prep.config,
                prep.config,
                prep.fts_title,
                prep.config,
                prep.fts_text,
            ),
        ).fetchone()
        if row is None:  # stored by another session after our check (it waited on the insert)
            return self._stored_copy(conn, article, now) or AddOutcome("exists", article.id)
        conn.execute(
            "INSERT INTO minhash_bands (band_hash, article_id, band_no) "
            "SELECT h, %s, n - 1 FROM unnest(%s::bigint[]) WITH ORDINALITY AS t (h, n) "
            "ON CONFLICT DO NOTHING",
            (article.id, prep.sig.bands()),
        )
        self._copy_row(conn, article, now)
        if duplicate_of is None:
            return AddOutcome("new", article.id)
        return AddOutcome("near_duplicate", article.id, duplicate_of, sim)

    def _copy_row(self, conn: psycopg.Connection[Any], article: Article, now: str) -> bool:
        cur = conn.execute(
            "INSERT INTO article_copies (article_id, source_uri, source, published, url, added) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (article_id, source_uri) DO NOTHING",
            (article.id, article.source_uri, article.source, article.published, article.url, now),
        )
        return cur.rowcount > 0

    def _near_duplicate(
        self, conn: psycopg.Connection[Any], sig: Signature, bands: list[int]
    ) -> tuple[str, float] | None:
        """``(group root, similarity to the closest member)`` if ``sig`` is a near duplicate
        (same rules as :meth:`SQLiteStore._near_duplicate`: the earliest-stored root wins)."""
        rows = conn.execute(
            "SELECT a.id, a.signature, a.duplicate_of FROM ("
            "  SELECT article_id, count(*) AS shared FROM minhash_bands"
            "  WHERE band_hash = ANY(%s::bigint[]) GROUP BY article_id"
            f"  ORDER BY shared DESC, article_id LIMIT {MAX_CANDIDATES}"
            ") AS c JOIN articles a ON a.id = c.article_id",
            (bands,),
        ).fetchall()
        best: tuple[float, str] | None = None
        roots: set[str] = set()
        for other_id, blob, other_root in rows:
            try:
                other = Signature.from_bytes(bytes(blob))
            except (TypeError, ValueError):  # signature of an older scheme: not comparable
                continue
            sim = dedup.similarity(sig, other)
            if sim >= NEAR_DUPLICATE_THRESHOLD:
                roots.add(other_root or other_id)
                if best is None or sim > best[0]:
                    best = (sim, other_id)
        if best is None:
            return None
        (root,) = conn.execute(
            "SELECT id FROM articles WHERE id = ANY(%s::text[]) ORDER BY seq LIMIT 1",
            (sorted(roots),),
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
        self._write(
            "record a document",
            lambda conn: self._upsert_document(
                conn, source_uri, document_hash, article_id, status, message, _now()
            ),
        )

    @staticmethod
    def _upsert_document(
        conn: psycopg.Connection[Any],
        source_uri: str,
        document_hash: str,
        article_id: str | None,
        status: str,
        message: str | None,
        now: str,
    ) -> None:
        conn.execute(
            "INSERT INTO documents (source_uri, document_hash, article_id, status, message, "
            "seen_at) VALUES (%s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (source_uri, document_hash) DO UPDATE "
            "SET article_id = excluded.article_id, status = excluded.status, "
            "message = excluded.message, seen_at = excluded.seen_at",
            (source_uri, document_hash, article_id, status, message, now),
        )

    # -- reading -------------------------------------------------------------------------------

    def seen_document(self, source_uri: str, document_hash: str) -> str | None:
        if "\x00" in source_uri or "\x00" in document_hash:
            return None  # PostgreSQL text cannot hold NUL, so no such document was stored
        with self._read("look up a document") as conn:
            row = conn.execute(
                "SELECT article_id FROM documents WHERE source_uri = %s AND document_hash = %s",
                (source_uri, document_hash),
            ).fetchone()
        return row[0] if row else None

    def _resolve(self, conn: psycopg.Connection[Any], ref: str) -> str:
        """Full id, unique id prefix or source_uri -> full id (NotFound / ambiguity errors)."""
        ref = ref.strip()
        key = ref.lower()
        if "\x00" in ref:
            raise NotFound(f"no article with id or source {ref!r} in {self.path}")
        if len(key) >= 4 and _HEX.match(key):
            rows = conn.execute(
                "SELECT id FROM articles WHERE id >= %s AND id < %s ORDER BY id LIMIT 6",
                (key, key + "g"),  # ids are lower-case hex, and "g" sorts after "f" (COLLATE C)
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
            "SELECT article_id FROM article_copies WHERE source_uri = %s ORDER BY seq DESC LIMIT 1",
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
                "SELECT text, data FROM articles WHERE id = %s", (article_id,)
            ).fetchone()
        return self._article(text, data)

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
            where.append("a.language = %s")
            params.append(language)
        if since:
            if not _DATE.match(since.strip()):
                raise StoreError(f"invalid date {since!r}: use YYYY-MM-DD")
            where.append("a.published >= %s")
            params.append(since.strip())
        sql = f"SELECT {_SUMMARY_SQL} FROM articles a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY a.seq LIMIT %s OFFSET %s"
        with self._read("list articles") as conn:
            rows = conn.execute(sql, [*params, limit, offset]).fetchall()
        return [self._summary(r) for r in rows]

    def count(self) -> int:
        with self._read("count articles") as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """Keyset pagination on ``seq``, like SQLite, plus one repair SQLite does not need.

        Several writers number their rows when they insert but commit in any order, so a row
        can become visible after the iteration passed its ``seq``. When the keyset reaches the
        end, rows below it that were never yielded are fetched and yielded ("added while
        iterating": at the end), and the end is checked again. No read transaction stays open
        between batches; the yielded ``seq`` numbers are remembered (8 bytes per article).
        """
        if batch < 1:
            raise StoreError(f"batch must be >= 1, got {batch!r}")
        last = 0
        seen = array("q")
        while True:
            with self._read("read articles") as conn:
                rows = conn.execute(
                    "SELECT seq, text, data FROM articles WHERE seq > %s ORDER BY seq LIMIT %s",
                    (last, batch),
                ).fetchall()
            if not rows:
                late = self._late_rows(last, seen)
                if not late:
                    return
                for start in range(0, len(late), batch):
                    with self._read("read articles") as conn:
                        rows = conn.execute(
                            "SELECT seq, text, data FROM articles WHERE seq = ANY(%s::bigint[]) "
                            "ORDER BY seq",
                            (late[start : start + batch],),
                        ).fetchall()
                    for seq, text, data in rows:
                        seen.append(seq)
                        yield self._article(text, data)
                continue
            for seq, text, data in rows:
                seen.append(seq)
                yield self._article(text, data)
            last = rows[-1][0]

    def _late_rows(self, last: int, seen: array[int]) -> list[int]:
        """``seq`` of rows numbered <= ``last`` that are not in ``seen`` (committed late)."""
        with self._read("read articles") as conn:
            (n,) = conn.execute("SELECT count(*) FROM articles WHERE seq <= %s", (last,)).fetchone()
            if n == len(seen):  # rows are never deleted: equal counts mean nothing was missed
                return []
            stored = np.array(
                [r[0] for r in conn.execute("SELECT seq FROM articles WHERE seq <= %s", (last,))],
                dtype=np.int64,
            )
        missed = np.setdiff1d(stored, np.frombuffer(seen, dtype=np.int64))
        return [int(s) for s in missed]

    def copies(self, article_id: str) -> list[dict[str, Any]]:
        with self._read("list copies") as conn:
            full = self._resolve(conn, article_id)
            rows = conn.execute(
                "SELECT source_uri, source, published, url, added FROM article_copies "
                "WHERE article_id = %s ORDER BY seq",
                (full,),
            ).fetchall()
        keys = ("source_uri", "source", "published", "url", "added")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def duplicates(self, article_id: str) -> list[str]:
        with self._read("list near duplicates") as conn:
            full = self._resolve(conn, article_id)
            (root,) = conn.execute(
                "SELECT coalesce(duplicate_of, id) FROM articles WHERE id = %s", (full,)
            ).fetchone()
            rows = conn.execute(
                "SELECT id FROM articles WHERE (id = %s OR duplicate_of = %s) AND id <> %s "
                "ORDER BY seq",
                (root, root, full),
            ).fetchall()
        return [r[0] for r in rows]

    def stats(self) -> dict[str, Any]:
        with self._read("count", snapshot=True) as conn:
            articles, near = conn.execute(
                "SELECT count(*), count(duplicate_of) FROM articles"
            ).fetchone()
            (sources,) = conn.execute("SELECT count(*) FROM article_copies").fetchone()
            documents, failed = conn.execute(
                "SELECT count(*), count(*) FILTER (WHERE status = 'failed') FROM documents"
            ).fetchone()
            languages = conn.execute(
                "SELECT coalesce(language, 'und') AS lang, count(*) AS n FROM articles "
                "GROUP BY lang ORDER BY n DESC, lang"
            ).fetchall()
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
        self._write(
            "store comparison features",
            lambda conn: conn.execute(
                "INSERT INTO article_features "
                "(article_id, kind, version, dim, vectors, data, created_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (article_id, kind) DO UPDATE "
                "SET version = excluded.version, dim = excluded.dim, "
                "vectors = excluded.vectors, data = excluded.data, "
                "created_at = excluded.created_at",
                (article_id, kind, version, int(vecs.shape[1]), blob, text, _now()),
            ),
        )

    def get_features(
        self, article_id: str, kind: str, *, version: str | None = None
    ) -> tuple[np.ndarray, dict[str, Any]] | None:
        with self._read("read comparison features") as conn:
            row = conn.execute(
                "SELECT version, dim, vectors, data FROM article_features "
                "WHERE article_id = %s AND kind = %s",
                (article_id, kind),
            ).fetchone()
        if row is None or (version is not None and row[0] != version):
            return None
        vecs = np.frombuffer(bytes(row[2]), dtype="<f4").reshape(-1, int(row[1]))
        return vecs.astype(np.float32), json.loads(row[3])

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()


__all__ = ["SCHEMES", "PostgresStore", "display_url", "migrations"]
