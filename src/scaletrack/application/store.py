"""Where the events live: a store URL turned into eventsourcing settings.

``sqlite:///path.db`` (the default, zero set-up) or
``postgresql://user[:password]@host[:port]/dbname`` (the scale-out).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from scaletrack.domain.errors import InvalidInput, NotFound

DEFAULT_URL = "sqlite:///scaletrack.db"


@dataclass(frozen=True)
class StoreURL:
    """A parsed store URL."""

    url: str
    backend: str  # "sqlite" or "postgres"
    path: str = ""  # SQLite file
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""

    @classmethod
    def parse(cls, url: str | None) -> StoreURL:
        url = url or os.environ.get("SCALETRACK_DB") or DEFAULT_URL
        parts = urlsplit(url)
        if parts.scheme == "sqlite":
            path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
            if not path:
                raise InvalidInput(f"{url!r} names no file", hint="write sqlite:///FILE.db")
            return cls(url=url, backend="sqlite", path=path)
        if parts.scheme in ("postgresql", "postgres"):
            dbname = parts.path.lstrip("/")
            if not dbname:
                raise InvalidInput(f"{url!r} names no database",
                                   hint="write postgresql://USER@HOST:PORT/DBNAME")
            return cls(url=url, backend="postgres", host=parts.hostname or "127.0.0.1",
                       port=parts.port or 5432, user=unquote(parts.username or "postgres"),
                       password=unquote(parts.password or ""), dbname=dbname)
        raise InvalidInput(f"unknown store URL {url!r}",
                           hint="use sqlite:///FILE.db or postgresql://USER@HOST/DB")

    def eventsourcing_env(self) -> dict[str, str]:
        """Settings for the eventsourcing library, naming the project's recorders
        (:mod:`scaletrack.persistence`)."""
        if self.backend == "sqlite":
            return {"PERSISTENCE_MODULE": "scaletrack.persistence.sqlite",
                    "SQLITE_DBNAME": str(Path(self.path)), "SQLITE_LOCK_TIMEOUT": "30"}
        return {
            "PERSISTENCE_MODULE": "scaletrack.persistence.postgres",
            "POSTGRES_DBNAME": self.dbname, "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port), "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password, "POSTGRES_LOCK_TIMEOUT": "10",
            "POSTGRES_POOL_SIZE": "2", "POSTGRES_MAX_OVERFLOW": "2",
            # Tables are created once (``init``): a read-only role may not create
            # them, and writers starting together failed with "tuple concurrently
            # updated" while each re-created the library's insert function.
            "CREATE_TABLE": "no" if self.exists else "yes",
        }

    @property
    def shown(self) -> str:
        """The URL as messages and output show it: without its password."""
        if not self.password:
            return self.url
        parts = urlsplit(self.url)
        user, _, host = parts.netloc.rpartition("@")
        return urlunsplit(parts._replace(netloc=f"{user.partition(':')[0]}:***@{host}"))

    @property
    def exists(self) -> bool:
        """Whether the store is set up: the SQLite file, or the event table on the server."""
        if self.backend == "sqlite":
            return Path(self.path).exists()
        return self._server_has_events

    @cached_property
    def _server_has_events(self) -> bool:
        import psycopg
        from eventsourcing.persistence import OperationalError

        try:
            with psycopg.connect(host=self.host, port=self.port, user=self.user,
                                 password=self.password, dbname=self.dbname,
                                 connect_timeout=10) as conn:
                row = conn.execute("SELECT to_regclass('public.scaletrack_events')").fetchone()
        except psycopg.OperationalError as failed:
            reason = " ".join(str(failed).split())
            if f'database "{self.dbname}" does not exist' in reason:
                raise NotFound(f"no database {self.dbname} on {self.host}:{self.port}",
                               hint=f"create it first (createdb {self.dbname})") from None
            raise OperationalError(reason) from None
        return row is not None and row[0] is not None


def refuse_a_foreign_file(store: StoreURL) -> None:
    """InvalidInput when a SQLite store names a file that is there but is not a scaletrack
    store (another application's database, an empty file, a picture).

    Read without writing, so the file stays byte-identical; called before the
    store is opened, since opening it creates the store's tables.
    """
    if store.backend != "sqlite" or not Path(store.path).exists():
        return
    if Path(store.path).is_dir():
        raise InvalidInput(f"{store.path} is a folder, not a store file", field="db",
                           hint="give --db a store's file, e.g. sqlite:///scaletrack.db")
    import sqlite3
    from contextlib import closing
    from urllib.parse import quote

    try:
        with closing(sqlite3.connect(f"file:{quote(store.path)}?mode=ro", uri=True)) as db:
            tables = {row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.OperationalError:  # locked or unreadable: opening it will say why
        return
    except sqlite3.DatabaseError:  # not SQLite at all
        tables = set()
    if EVENTS_TABLE not in tables:
        empty = Path(store.path).is_file() and os.path.getsize(store.path) == 0
        raise InvalidInput(f"{store.path} is not a scaletrack store"
                           f"{' (an empty file)' if empty else ''}; it is left as it is",
                           field="db", hint="give --db a store's file, or a new file name "
                                            "for scaletrack init")


EVENTS_TABLE = "stored_events"
"""The table every SQLite store has (the event recorder's)."""
TABLE_PREFIX = "scaletrack_"
"""PostgreSQL tables are named after the application (``Ledger.name``): the
recorders' ``scaletrack_events`` and ``scaletrack_snapshots``, and read models
named the same way."""
DERIVED_TABLES = ("audit_chain", "snapshot_seals")
"""Other tables kept from the events, which must go with them: the audit hash
chain and the snapshots' seals (``scaletrack.persistence.chain_table.TABLE``,
``scaletrack.persistence.snapshots.TABLE``)."""


def empty_store(store: StoreURL) -> None:
    """Discard everything a store holds, so it starts empty (``demo --fresh``).

    SQLite: the file and its journal, WAL and shared-memory files are deleted.
    PostgreSQL: every ``scaletrack_*`` table of the current schema is dropped,
    and the tables derived from the events with them.
    """
    if store.backend == "sqlite":
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(store.path + suffix).unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(host=store.host, port=store.port, user=store.user,
                         password=store.password, dbname=store.dbname, connect_timeout=10,
                         autocommit=True) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND (starts_with(tablename, %s) OR tablename = ANY(%s))",
            (TABLE_PREFIX, list(DERIVED_TABLES)))]
        if tables:
            conn.execute(sql.SQL("DROP TABLE {} CASCADE").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in tables)))
