"""A throwaway PostgreSQL cluster, shared by the storage tests (``conftest.pg_url``) and the
ingest benchmark (``benchmarks/bench_scale.py``): finding the server binaries, running them as
an unprivileged user when we are root, a free port, and :func:`throwaway_cluster`, which
creates, starts, stops and deletes one."""

from __future__ import annotations

import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Cluster:
    """A running throwaway cluster: its data folder, port and superuser URL."""

    data: Path
    port: int
    admin_url: str


@contextmanager
def throwaway_cluster(
    password: str,
    *,
    prefix: str,
    settings: str = "",
    stop_mode: str = "fast",
    tmp: str | None = None,
) -> Iterator[Cluster]:
    """``initdb`` a cluster in a new temporary folder, start it on a free loopback port with
    the extra server ``settings`` (``-c name=value ...``), yield it, then stop it
    (``stop_mode``) and delete the folder, also when start-up fails half-way.

    The superuser ``postgres`` has ``password`` over TCP (scram) and trust on the socket.
    ``tmp``: where the folder goes (default ``/tmp`` when the server runs as another user:
    ``$TMPDIR`` may be private to us, and the socket path must stay short). Start-up problems
    raise ``RuntimeError``, ``OSError`` or ``subprocess.SubprocessError``.
    """
    base: Path | None = None
    stop: list[str] | None = None
    try:
        initdb, pg_ctl = pg_tools()
        user = pg_user()
        base = Path(tempfile.mkdtemp(prefix=prefix, dir=tmp or ("/tmp" if user else None)))
        (base / "pw").write_text(password + "\n")
        if user is not None:
            entry = pwd.getpwnam(user)
            for path in (base, base / "pw"):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        data = base / "data"
        # --no-sync only skips initdb's own final fsync; the server's settings decide the rest
        run(
            "initdb",
            as_user(
                [initdb, "-D", str(data), "-U", "postgres", "-E", "UTF8",
                 "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256",
                 "--pwfile", str(base / "pw"), "--no-sync"],
                user,
            ),
            base,
        )  # fmt: skip
        for _attempt in range(3):  # another process may take the free port first
            port = free_port()
            options = f"-k {base} -p {port} -c listen_addresses=127.0.0.1 {settings}".strip()
            start = [pg_ctl, "-D", str(data), "-l", str(base / "log"), "-w",
                     "-t", "60", "-o", options, "start"]  # fmt: skip
            try:
                run("pg_ctl start", as_user(start, user), base)
            except RuntimeError:
                log = base / "log"
                if log.exists() and "could not bind" in log.read_text(errors="replace"):
                    continue
                raise
            stop = as_user([pg_ctl, "-D", str(data), "-m", stop_mode, "-w", "stop"], user)
            break
        else:
            raise RuntimeError("no free port")
        yield Cluster(data, port, f"postgresql://postgres:{password}@127.0.0.1:{port}/postgres")
    finally:
        if stop and base is not None:
            subprocess.run(stop, cwd=base, capture_output=True, check=False, timeout=120)
        if base is not None:
            shutil.rmtree(base, ignore_errors=True)
