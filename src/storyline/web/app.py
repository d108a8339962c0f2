"""The FastAPI application: HTML pages and the JSON API from one set of routes.

Every read route is a plain ``def`` (FastAPI runs it in its thread pool with that thread's own
read-only SQLite connection, see :mod:`storyline.web.stores`). The page data comes from
:mod:`storyline.web.views`; :mod:`storyline.web.respond` turns it into HTML or JSON. Writes
need a bearer token; without one configured they are switched off (403), and a wrong or missing
token is 401.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyline import __version__
from storyline.errors import InputError, NotFound, StoreError, StorylineError
from storyline.fetch.types import FetchPolicy
from storyline.web import views, views_feeds
from storyline.web.respond import error, render, strip_json
from storyline.web.stores import StorePool

#: Largest request body accepted (a saved HTML page with inline assets stays well below).
MAX_BODY = 5_000_000
MAX_OFFSET = 1_000_000

Limit = Annotated[int, Query(ge=1, le=200, description="page size")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="rows to skip")]

_SECURITY_HEADERS = {
    # every asset is ours and local: no CDN, no inline script, nothing framed
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class HTTPError(Exception):
    """An error with an HTTP status, raised by route code and rendered by :func:`error`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _status_of(exc: StorylineError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, StoreError):
        text = str(exc).lower()
        if "locked" in text:
            return 503
        if "several entities" in text:
            return 409
        return 400
    return 400


def create_app(
    db: str | Path,
    *,
    token: str | None = None,
    read_only: bool = False,
    max_body: int = MAX_BODY,
    fetch_policy: FetchPolicy | None = None,
) -> FastAPI:
    """The storyline web app over the store at ``db``.

    ``token``: the bearer token writes need (``None``: writes answer 403). ``read_only``:
    writes are off whatever the token (``serve --public-read-only``). ``fetch_policy``: how
    the server fetches URLs posted to it; by default only public addresses (no SSRF into the
    server's own network; ``serve --allow-private-fetch`` lifts that).
    """
    pool = StorePool(db)
    fetch_policy = fetch_policy or FetchPolicy(public_only=True)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(
        title="storyline",
        version=__version__,
        description=(
            "News articles, events and storylines. Every HTML page answers JSON with a "
            "`.json` suffix or `Accept: application/json`. Writes need `Authorization: "
            "Bearer TOKEN`."
        ),
        docs_url=None,  # FastAPI's docs load Swagger UI from a CDN; ours ship in the package
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.pool = pool
    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.middleware("http")
    async def limits_and_headers(request: Request, call_next: Callable[..., Any]) -> Response:
        length = request.headers.get("content-length")
        response: Response
        if length is not None and not length.isdigit():
            response = error(request, 400, "Content-Length is not a number")
        elif length is not None and int(length) > max_body:
            response = error(request, 413, f"the body is larger than {max_body} bytes")
        else:
            response = await call_next(request)
        for key, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(StorylineError)
    async def _storyline_error(request: Request, exc: StorylineError) -> Response:
        return error(request, _status_of(exc), str(exc))

    @app.exception_handler(HTTPError)
    async def _http_error(request: Request, exc: HTTPError) -> Response:
        return error(request, exc.status, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _bad_params(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for err in exc.errors():
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{where}: {err.get('msg')}")
        return error(request, 400, "bad parameter: " + "; ".join(parts))

    @app.exception_handler(StarletteHTTPException)
    async def _starlette(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}"
        return error(request, exc.status_code, message)

    def store() -> Any:
        return pool.reader()

    # -- pages -------------------------------------------------------------------------------

    @app.get("/", summary="Overview: latest storylines and events, counts, languages")
    @app.get("/index.json", include_in_schema=False)
    def overview(request: Request) -> Response:
        return render(request, "overview.html", views.overview(store()), title="storyline")

    @app.get("/stories", summary="Storylines, most recent first")
    @app.get("/stories.json", include_in_schema=False)
    def stories(request: Request, limit: Limit = 50, offset: Offset = 0) -> Response:
        data = views.stories(store(), limit, offset)
        return render(request, "stories.html", data, title="Storylines")

    @app.get("/stories/{ref}", summary="A storyline as a timeline of its events")
    def story(request: Request, ref: str) -> Response:
        ref, suffix = strip_json(ref)
        data = views.story(store(), ref)
        return render(request, "story.html", data, suffix=suffix, title=data.get("title") or ref)

    @app.get("/events", summary="Events, latest first; filter by day, entity, place, storyline")
    @app.get("/events.json", include_in_schema=False)
    def events(
        request: Request,
        limit: Limit = 50,
        offset: Offset = 0,
        since: str | None = None,
        entity: str | None = None,
        place: str | None = None,
        story: str | None = None,
    ) -> Response:
        data = views.events(
            store(), limit, offset, since=since, entity=entity, place=place, storyline=story
        )
        return render(request, "events.html", data, title="Events")

    @app.get("/events/{ref}", summary="An event: its reports side by side, agreement, history")
    def event(request: Request, ref: str) -> Response:
        ref, suffix = strip_json(ref)
        data = views.event(store(), ref)
        return render(request, "event.html", data, suffix=suffix, title=data.get("title") or ref)

    @app.get("/articles", summary="Stored articles in insertion order")
    @app.get("/articles.json", include_in_schema=False)
    def articles(
        request: Request,
        limit: Limit = 50,
        offset: Offset = 0,
        lang: str | None = None,
        since: str | None = None,
    ) -> Response:
        data = views.articles(store(), limit, offset, language=lang, since=since)
        return render(request, "articles.html", data, title="Articles")

    @app.get("/articles/{ref}", summary="One cleaned article with its analysis highlighted")
    def article(request: Request, ref: str) -> Response:
        ref, suffix = strip_json(ref)
        data = views.article(store(), ref)
        return render(
            request, "article.html", data, suffix=suffix, title=data.get("title") or data["id"]
        )

    @app.get("/entities", summary="People, organisations, places, most mentioned first")
    @app.get("/entities.json", include_in_schema=False)
    def entities(
        request: Request,
        limit: Limit = 50,
        offset: Offset = 0,
        label: str | None = None,
        q: str | None = None,
    ) -> Response:
        data = views.entities(store(), limit, offset, label=label, query=q)
        return render(request, "entities.html", data, title="Entities")

    @app.get("/entities/{ref:path}", summary="One entity: aliases, mentions over time, events")
    def entity(request: Request, ref: str) -> Response:
        ref, suffix = strip_json(ref)
        data = views.entity(store(), ref)
        return render(request, "entity.html", data, suffix=suffix, title=data["name"])

    @app.get("/map", summary="Events on a world map")
    @app.get("/map.json", include_in_schema=False)
    def world_map(request: Request, since: str | None = None) -> Response:
        data = views.world_map(store(), since=since)
        return render(request, "map.html", data, title="Map")

    @app.get("/search", summary="Full-text search with entity, place, language and date filters")
    @app.get("/search.json", include_in_schema=False)
    def search(
        request: Request,
        q: Annotated[str, Query(max_length=500)] = "",
        entity: str | None = None,
        place: str | None = None,
        lang: str | None = None,
        from_: Annotated[str | None, Query(alias="from")] = None,
        to: str | None = None,
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> Response:
        data = views.search(
            store(), limit, offset, q=q, entity=entity, place=place, lang=lang,
            since=from_, until=to,
        )  # fmt: skip
        return render(request, "search.html", data, title=f"Search: {q}" if q else "Search")

    @app.get("/compare", summary="Why two articles are (not) about the same event")
    @app.get("/compare.json", include_in_schema=False)
    def compare(request: Request, a: str = "", b: str = "") -> Response:
        if not a and not b and not request.url.path.endswith(".json"):
            return render(request, "compare.html", {"empty": True}, title="Compare")
        data = views.compare(store(), a, b)
        return render(request, "compare.html", data, title="Compare")

    @app.get("/feeds", summary="Followed feeds: health, last check, last error; host counters")
    @app.get("/feeds.json", include_in_schema=False)
    def feeds(request: Request) -> Response:
        return render(request, "feeds.html", views_feeds.feeds(store()), title="Feeds")

    @app.get("/feeds/{ref}", summary="A followed feed and its recent items, newest first")
    def feed(request: Request, ref: str, limit: Limit = 50, offset: Offset = 0) -> Response:
        ref, suffix = strip_json(ref)
        data = views_feeds.feed(store(), ref, limit, offset)
        row = data["feed"]
        title = row.get("name") or row.get("title") or row["url"]
        return render(request, "feed.html", data, suffix=suffix, title=title)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:
        # browsers ask for it whatever the page says; answer with our icon, not a 404
        return FileResponse(static / "favicon.svg", media_type="image/svg+xml")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> Response:
        return render(request, "docs.html", {"openapi": "/openapi.json"}, title="API")

    # -- writes ------------------------------------------------------------------------------

    def authorise(request: Request) -> None:
        if read_only:
            raise HTTPError(403, "this server is read-only (--public-read-only)")
        if not token:
            raise HTTPError(403, "writes are disabled: start the server with --token")
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not given:
            raise HTTPError(401, "this endpoint needs 'Authorization: Bearer TOKEN'")
        if not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise HTTPError(401, "wrong token")

    async def body_of(request: Request) -> bytes:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise HTTPError(413, f"the body is larger than {max_body} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    @app.post("/articles", status_code=201, summary="Ingest one article (text, HTML or a URL)")
    async def post_article(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        from storyline.web.write import document_from_body, ingest_one

        authorise(request)
        raw = await body_of(request)
        doc = document_from_body(raw, request.headers.get("content-type", ""), policy=fetch_policy)

        def work() -> dict[str, Any]:
            with pool.writer() as writer:
                return ingest_one(writer, doc)

        result = await run_in_threadpool(work)
        status = 201 if result["new"] or result["near_duplicates"] else 200
        return JSONResponse(result, status_code=status)

    @app.post("/relink", summary="Re-cluster every article into events and storylines")
    def post_relink(request: Request) -> Response:
        from storyline.link.runner import relink

        authorise(request)
        with pool.writer() as writer:
            return JSONResponse(relink(writer).to_dict())

    @app.post(
        "/feeds",
        status_code=201,
        summary="Follow a feed, sitemap or homepage (checked first unless check is false)",
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
            "schema": {"type": "object", "required": ["url"], "properties": {
                "url": {"type": "string"}, "name": {"type": "string"},
                "check": {"type": "boolean", "default": True}}}}}}},
    )  # fmt: skip
    async def post_feed(request: Request) -> Response:
        # async like POST /articles, so the body is read with the size limit; the check is a
        # blocking fetch (robots.txt, politeness delay, retries) and goes to the thread pool
        from starlette.concurrency import run_in_threadpool

        from storyline.feeds.subscribe import subscribe

        authorise(request)
        raw = await body_of(request)
        url, name, check = views_feeds.subscription_from_body(
            raw, request.headers.get("content-type", "")
        )

        def work() -> tuple[dict[str, Any], bool]:
            with pool.writer() as writer:
                known = {f["id"] for f in writer.feeds()}
                row = subscribe(writer, url, name=name, check=check, policy=fetch_policy)
                return {**row, "health": views_feeds.health(row)}, row["id"] not in known

        row, new = await run_in_threadpool(work)
        return JSONResponse(
            row, status_code=201 if new else 200, headers={"Location": f"/feeds/{row['id']}"}
        )

    @app.delete("/feeds/{ref}", summary="Stop following a feed (its articles stay)")
    def delete_feed(request: Request, ref: str) -> Response:
        from storyline.api_feeds import find_feed

        authorise(request)
        with pool.writer() as writer:
            return JSONResponse(writer.remove_feed(find_feed(writer, ref)["id"]))

    return app


__all__ = ["MAX_BODY", "create_app"]
