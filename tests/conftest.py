"""Shared fixtures. Tests must pass without ../shared: data-dependent tests skip cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus ingested, analysed and linked once per run (read it, don't write it:
    tests that write copy it first)."""
    from storyline import api

    db = tmp_path_factory.mktemp("corpus") / "corpus.db"
    report = api.ingest([EXAMPLES / "corpus"], db=db)
    assert report.linking and report.linking["linked"] == report.stored
    return db
