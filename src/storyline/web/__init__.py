"""The web UI and HTTP API (``storyline serve``): one FastAPI app for HTML pages and JSON.

>>> from storyline.web import create_app
>>> app = create_app("storyline.db", token="secret")   # serve with uvicorn, or `storyline serve`

Imported lazily by the CLI: FastAPI is only loaded when the server runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(db: Any, **options: Any) -> FastAPI:
    """See :func:`storyline.web.app.create_app`."""
    from storyline.web.app import create_app as _create

    return _create(db, **options)


__all__ = ["create_app"]
