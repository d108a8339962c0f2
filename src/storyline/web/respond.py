"""Content negotiation and error bodies: every page is also a JSON document.

Datasette's convention: a ``.json`` suffix on the path, or ``Accept: application/json``, gets
the page's data as JSON; anything else gets HTML. Errors have one shape in JSON
(``{"error": {"status", "title", "message"}}``) and one HTML page, whatever raised them.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from storyline import __version__
from storyline.web.geo import world_paths

_env = Environment(
    loader=PackageLoader("storyline.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def _url(path: str, **params: Any) -> str:
    """``path`` with the non-empty ``params`` as a query string."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(kept) if kept else "")


def _tojson(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _marked(snippet: str | None) -> Markup:
    """A search snippet with its ``[matched]`` words as ``<mark>``, everything else escaped."""
    safe = str(escape(snippet or ""))
    return Markup(re.sub(r"\[([^\[\]<>]{1,80})\]", r"<mark>\1</mark>", safe))


_env.globals.update(url=_url, version=__version__, world_paths=world_paths)
_env.filters["tojson_pretty"] = _tojson
_env.filters["marked"] = _marked


def strip_json(ref: str) -> tuple[str, bool]:
    """``("ev12", True)`` for ``"ev12.json"``: the id and whether JSON was asked by suffix."""
    if ref.endswith(".json"):
        return ref[: -len(".json")], True
    return ref, False


def wants_json(request: Request, suffix: bool = False) -> bool:
    if suffix or request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    if "application/json" not in accept:
        return False
    # a browser asks for text/html first; a script asking for JSON does not list HTML
    return "text/html" not in accept or accept.index("application/json") < accept.index("text/html")


def render(
    request: Request,
    template: str,
    data: dict[str, Any],
    *,
    suffix: bool = False,
    status: int = 200,
    title: str = "",
) -> Response:
    """The page ``template`` with ``data``, or ``data`` itself as JSON."""
    if wants_json(request, suffix):
        return JSONResponse(data, status_code=status)
    html = _env.get_template(template).render(
        data=data, request=request, title=title, path=request.url.path, params=request.query_params
    )
    return HTMLResponse(html, status_code=status)


def error(request: Request, status: int, message: str) -> Response:
    """The one error shape, as JSON or as an HTML page."""
    title = HTTPStatus(status).phrase
    body = {"error": {"status": status, "title": title, "message": message}}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if wants_json(request) or request.method != "GET":
        return JSONResponse(body, status_code=status, headers=headers)
    html = _env.get_template("error.html").render(
        data=body["error"], request=request, title=title, path=request.url.path, params={}
    )
    return HTMLResponse(html, status_code=status, headers=headers)


__all__ = ["error", "render", "strip_json", "wants_json"]
