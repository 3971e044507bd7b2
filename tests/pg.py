"""A PostgreSQL server for the tests, and a fresh database on it for each test.

Where the server comes from, in order: the URL in ``SCALETRACK_TEST_PG``; a
server answering on 127.0.0.1:5432; otherwise a throwaway cluster made with
``initdb`` in a temporary folder, started with ``pg_ctl`` on a free port and
removed afterwards. Every database a run creates carries the run's own prefix
and is dropped at the end, so runs never see each other's data.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import psycopg

ENV = "SCALETRACK_TEST_PG"
LOCAL = ("127.0.0.1", 5432)


class NoServer(Exception):
    """No PostgreSQL server could be found or started."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str = "postgres"
    password: str = ""
    maintenance_db: str = "postgres"

    @classmethod
    def from_url(cls, url: str) -> Server:
        parts = urlsplit(url)
        return cls(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                   user=unquote(parts.username or "postgres"),
                   password=unquote(parts.password or ""),
                   maintenance_db=parts.path.lstrip("/") or "postgres")

    def url(self, dbname: str, user: str | None = None, password: str | None = None) -> str:
        """A scaletrack store URL for a database on this server (as another role if given)."""
        user = user or self.user
        password = self.password if password is None else password
        secret = f":{quote(password, safe='')}" if password else ""
        return f"postgresql://{quote(user, safe='')}{secret}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str | None = None) -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit connection as the server's admin role."""
        return psycopg.connect(host=self.host, port=self.port, user=self.user,
                               password=self.password, dbname=dbname or self.maintenance_db,
                               autocommit=True, connect_timeout=5)

    def answers(self) -> bool:
        try:
            self.connect().close()
        except psycopg.OperationalError:
            return False
        return True


class ThrowawayCluster:
    """A private cluster: initdb in a temporary folder, pg_ctl on a free port."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="scaletrack-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.server = Server("127.0.0.1", self.port)

    def start(self) -> Server:
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self.server

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Server:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              cwd=self.folder)
        if done.returncode != 0:
            raise NoServer(f"{program} failed: {done.stderr.strip() or done.stdout.strip()}")


def find_bindir() -> Path:
    """The newest installed PostgreSQL's programs (Debian keeps them off PATH)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise NoServer("no PostgreSQL server answers and initdb is not installed")
    return Path(initdb).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def server() -> Iterator[Server]:
    """The tests' server: named, local, or a throwaway cluster stopped afterwards."""
    named = os.environ.get(ENV)
    if named:
        found = Server.from_url(named)
        if not found.answers():
            raise NoServer(f"{ENV} names {named}, which does not answer")
        yield found
        return
    local = Server(*LOCAL)
    if local.answers():
        yield local
        return
    with ThrowawayCluster() as started:
        yield started


class Databases:
    """Fresh databases for one test run, all named with the run's own prefix."""

    def __init__(self, on: Server) -> None:
        self.server = on
        self.prefix = f"scaletrack_test_{os.getpid()}_{secrets.token_hex(3)}"
        self._count = 0

    def create(self) -> str:
        """A new, empty database; returns its name."""
        self._count += 1
        name = f"{self.prefix}_{self._count}"
        with self.server.connect() as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop(self, name: str) -> None:
        with self.server.connect() as admin:
            # FORCE: a test may leave a connection (or a writer process) behind.
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_abandoned(self) -> None:
        """Drop what runs on this machine left behind when they were killed.

        Only on a local server, where a run's process id (in its prefix) tells
        whether it still runs.
        """
        if self.server.host not in ("127.0.0.1", "localhost", "::1"):
            return
        with self.server.connect() as admin:
            names = [str(row[0]) for row in admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'scaletrack\\_test\\_%'")]
        for name in names:
            pid = name.split("_")[2]
            if pid.isdigit() and not _running(int(pid)):
                self.drop(name)

    def drop_all(self) -> None:
        with self.server.connect() as admin:
            names = [str(row[0]) for row in admin.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s",
                (self.prefix + "\\_%",))]
        for name in names:
            self.drop(name)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
