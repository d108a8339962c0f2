"""``storyline serve``: the web UI and HTTP API on uvicorn.

Kept out of :mod:`storyline.cli` so that FastAPI and uvicorn are imported only by this command.
The safety rule lives here because it is about the address bound, not the app: reads are open,
but a server reachable from other machines must either have a token (so writes are guarded) or
be explicitly read-only.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Annotated

import typer

from storyline.cli import DbOpt, app, err, friendly
from storyline.errors import InputError, StoreError
from storyline.fetch.types import FetchPolicy


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine (``localhost``, 127.x, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return all(
                ipaddress.ip_address(info[4][0]).is_loopback
                for info in socket.getaddrinfo(host, None)
            )
        except (OSError, ValueError):
            return False


def check_exposure(host: str, token: str | None, public_read_only: bool) -> None:
    """Refuse to expose a writable server without a token (raises :class:`InputError`)."""
    if not is_loopback(host) and not token and not public_read_only:
        raise InputError(
            f"refusing to listen on {host} without a token: set --token (or $STORYLINE_TOKEN) "
            "to guard writes, or pass --public-read-only"
        )


@app.command()
@friendly
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free port).")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(help="Bearer token for writes (default $STORYLINE_TOKEN; none: no writes)."),
    ] = None,
    public_read_only: Annotated[
        bool, typer.Option("--public-read-only", help="Serve reads only, on any address.")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Server processes.")] = 1,
    allow_private_fetch: Annotated[
        bool,
        typer.Option(
            "--allow-private-fetch",
            help="Let posted URLs and feeds be fetched from private/loopback addresses "
            "(an intranet server); off by default against SSRF.",
        ),
    ] = False,
) -> None:
    """Serve the web UI and the JSON API (every page also answers JSON)."""
    import uvicorn

    from storyline.store import open_store, redact_url, resolve_url
    from storyline.web.app import create_app

    token = token or os.environ.get("STORYLINE_TOKEN") or None
    check_exposure(host, token, public_read_only)
    target = resolve_url(db)
    # create and migrate the store once, here, so request threads can all open it read-only
    try:
        open_store(target).close()
    except StoreError:  # a read-only file is still servable; if not, this says why
        open_store(target, readonly=True).close()
    err.print(
        f"storyline: serving {redact_url(target)} on http://{host}:{port} "
        f"({'writes need the token' if token and not public_read_only else 'read-only'})"
    )
    if workers > 1:
        os.environ["STORYLINE_SERVE_DB"] = target
        os.environ["STORYLINE_SERVE_TOKEN"] = token or ""
        os.environ["STORYLINE_SERVE_READ_ONLY"] = "1" if public_read_only else ""
        os.environ["STORYLINE_SERVE_PRIVATE_FETCH"] = "1" if allow_private_fetch else ""
        uvicorn.run(
            "storyline.cli_serve:app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
        return
    web = create_app(
        target,
        token=token,
        read_only=public_read_only,
        fetch_policy=FetchPolicy(public_only=not allow_private_fetch),
    )
    uvicorn.run(web, host=host, port=port, log_level="warning", access_log=False)


def app_from_env():  # type: ignore[no-untyped-def]
    """The app for ``--workers N`` (uvicorn imports it by name in each worker process)."""
    from storyline.web.app import create_app

    return create_app(
        os.environ["STORYLINE_SERVE_DB"],
        token=os.environ.get("STORYLINE_SERVE_TOKEN") or None,
        read_only=bool(os.environ.get("STORYLINE_SERVE_READ_ONLY")),
        fetch_policy=FetchPolicy(public_only=not os.environ.get("STORYLINE_SERVE_PRIVATE_FETCH")),
    )
