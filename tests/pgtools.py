"""Start-up helpers for a throwaway PostgreSQL cluster, shared by the storage tests
(``conftest.pg_url``) and the ingest benchmark (``benchmarks/bench_scale.py``): finding the
server binaries, running them as an unprivileged user when we are root, a free port."""

from __future__ import annotations

import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
from pathlib import Path


def pg_tools() -> tuple[str, str]:
    """``initdb`` and ``pg_ctl``: from ``$PATH``, else the newest ``/usr/lib/postgresql/*/bin``
    (Debian keeps them off ``$PATH``)."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    found = [d for d in found if (d / "pg_ctl").exists()]
    if not found:
        raise RuntimeError("initdb/pg_ctl not found (install the postgresql package)")
    newest = max(found, key=lambda d: [int(x) for x in re.findall(r"\d+", d.parent.name)] or [0])
    return str(newest / "initdb"), str(newest / "pg_ctl")


def pg_user() -> str | None:
    """Who runs the server: ``None`` (ourselves) unless we are root, which PostgreSQL refuses."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root and there is no 'postgres' user to run it") from None
    return "postgres"


def as_user(cmd: list[str], user: str | None) -> list[str]:
    if user is None:
        return cmd
    if shutil.which("runuser"):
        return ["runuser", "-u", user, "--", *cmd]
    return ["su", user, "-s", "/bin/sh", "-c", shlex.join(cmd)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(what: str, cmd: list[str], cwd: Path) -> None:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        output = " ".join((done.stderr or done.stdout).split())[-300:]
        raise RuntimeError(f"{what} failed: {output}")
