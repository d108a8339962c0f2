"""Lazy package exports: names a package offers but imports only when first used.

Why: ``import storyline.model`` in a Dask worker, or ``storyline.fetch.types`` in the store,
must not pull in the store, trafilatura, httpx or feedparser. A package lists which module
each lazy name lives in and gets its module-level ``__getattr__`` and ``__dir__`` from here
(PEP 562), so the three packages that do this share one implementation.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def lazy_exports(
    package: str, table: Mapping[str, str], eager: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``: ``table`` maps a name to its module."""
    listed = sorted([*table, *eager])

    def __getattr__(name: str) -> Any:
        if name in table:
            return getattr(importlib.import_module(table[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return list(listed)

    return __getattr__, __dir__
