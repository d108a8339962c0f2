"""Packages with lazy exports import their heavy dependencies only when a name is used."""

from __future__ import annotations

import subprocess
import sys

import pytest

import storyline
import storyline.feeds
import storyline.fetch


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_light_imports_stay_light() -> None:
    loaded = _modules_after("import storyline, storyline.fetch, storyline.feeds")
    assert not {"httpx", "feedparser", "lxml", "trafilatura", "torch"} & loaded
    assert "httpx" in _modules_after("from storyline.fetch import Fetcher")


def test_lazy_names_resolve_and_unknown_ones_fail() -> None:
    from storyline.feeds.parse import parse_feed
    from storyline.fetch.http import Fetcher

    assert storyline.fetch.Fetcher is Fetcher and storyline.feeds.parse_feed is parse_feed
    assert "poll" in dir(storyline) and "Fetcher" in dir(storyline.fetch)
    with pytest.raises(AttributeError, match=r"'storyline\.feeds' has no attribute 'nothing'"):
        _ = storyline.feeds.nothing
