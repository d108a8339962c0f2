"""Shared fixtures. Tests must pass without ../shared: data-dependent tests skip cleanly."""

from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pgtools import throwaway_cluster

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


@pytest.fixture
def shared() -> Path:
    """The shared data folder, or skip the test when it is not there (e.g. a user's checkout)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def seeds(shared: Path) -> dict[str, Path]:
    folder = shared / "seeds"
    if not folder.is_dir():
        pytest.skip("../shared/seeds is not present")
    return {p.name[:3]: p for p in sorted(folder.glob("*.txt"))}


@pytest.fixture
def site() -> Iterator[Any]:
    """A local web site on 127.0.0.1 (``httpsite.LocalSite``), for fetch and feed tests."""
    from httpsite import LocalSite

    with LocalSite("127.0.0.1") as s:
        yield s


@pytest.fixture
def other() -> Iterator[Any]:
    """A second site on another loopback address (127.0.0.2), so another host."""
    from httpsite import LocalSite

    with LocalSite("127.0.0.2") as s:
        yield s


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus ingested, analysed and linked once per run (read it, don't write it:
    tests that write copy it first)."""
    from storyline import api

    db = tmp_path_factory.mktemp("corpus") / "corpus.db"
    report = api.ingest([EXAMPLES / "corpus"], db=db)
    assert report.linking and report.linking["linked"] == report.stored
    return db


# -- PostgreSQL: a throwaway cluster for the storage tests --------------------------------------

#: password of the throwaway cluster's superuser (connections over TCP need it, so the tests
#: see real password authentication, and can check that messages never show it)
PG_PASSWORD = "s3cret-storyline-test"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a database in a PostgreSQL cluster started for this test run, stopped at the end.

    ``$STORYLINE_TEST_POSTGRES`` (a URL of a role that may create databases) uses an existing
    server instead. Skips, saying why, when PostgreSQL or psycopg is not available.
    """
    try:
        import psycopg
    except ImportError:
        pytest.skip("PostgreSQL cannot start here: psycopg is not installed")
    given = os.environ.get("STORYLINE_TEST_POSTGRES")
    if given:
        yield given
        return
    stack = contextlib.ExitStack()
    try:
        cluster = stack.enter_context(
            throwaway_cluster(
                PG_PASSWORD,
                prefix="storyline-pg-",
                settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c shared_buffers=16MB -c max_connections=60",
                stop_mode="immediate",
            )
        )
        with psycopg.connect(cluster.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute("CREATE DATABASE storyline")
    except (OSError, RuntimeError, subprocess.SubprocessError, psycopg.Error) as exc:
        stack.close()
        reason = " ".join(str(exc).split()) or type(exc).__name__
        pytest.skip(f"PostgreSQL cannot start here: {reason}")
    with stack:
        yield f"postgresql://postgres:{PG_PASSWORD}@127.0.0.1:{cluster.port}/storyline"


_pg_databases = itertools.count(1)


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[str]:
    """URL of a new, empty database (``test_N``) in :func:`pg_url`'s server, dropped after."""
    import psycopg

    name = f"storyline_test_{os.getpid()}_{next(_pg_databases)}"
    with psycopg.connect(pg_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield _with_db(pg_url, name)
    finally:
        with psycopg.connect(pg_url, autocommit=True, connect_timeout=10) as conn:
            try:  # FORCE (PostgreSQL 13+) also ends sessions a failed test left open
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            except psycopg.errors.SyntaxError:
                conn.execute(f"DROP DATABASE IF EXISTS {name}")


def _with_db(url: str, name: str) -> str:
    """``url`` pointing at database ``name`` (same server, user and options)."""
    head, sep, query = url.partition("?")
    scheme, rest = head.split("://", 1)
    netloc = rest.split("/", 1)[0]
    return f"{scheme}://{netloc}/{name}{sep}{query}"


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    """The storage backend a contract test runs on (every store test runs on both)."""
    return str(request.param)


@pytest.fixture
def store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where a test's store lives: an SQLite file, or a fresh PostgreSQL database (skipped
    when PostgreSQL cannot run here)."""
    if backend == "postgres":
        return str(request.getfixturevalue("pg_database"))
    return str(tmp_path / "store.db")


def pytest_configure(config: pytest.Config) -> None:
    # slow: starts Dask worker processes or ingests a few hundred files; still run in CI
    # (deselect locally with -m "not slow")
    config.addinivalue_line("markers", "slow: starts worker processes or ingests hundreds of files")
