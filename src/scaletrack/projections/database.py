"""Where the views live: an SQLAlchemy engine on the events' own database.

The store URL (``sqlite:///FILE.db`` or ``postgresql://...``) names the
database; the view tables sit beside the events, so a view and the position
it has reached are written in one transaction. Two kinds of transaction:

- a *reader* sees one snapshot for all its statements (SQLite: a deferred
  ``BEGIN``; PostgreSQL: ``REPEATABLE READ``), so a query never mixes an old
  view with a new one;
- a *writer* serialises with other writers before it reads a position
  (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: the tracking row is locked).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, Table, create_engine, event
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import StaticPool

LOCK_TIMEOUT_SECONDS = 30
"""How long a writer waits for another writer on SQLite (as the ledger does)."""


class ViewTable(DeclarativeBase):
    """Base of every view table."""


def table(model: type[ViewTable]) -> Table:
    """The Core table of a declared view table."""
    found = model.__table__
    assert isinstance(found, Table)
    return found


def engine_url(store_url: str) -> str:
    """The SQLAlchemy URL of a store URL (psycopg 3 for PostgreSQL)."""
    for scheme in ("postgresql://", "postgres://"):
        if store_url.startswith(scheme):
            return "postgresql+psycopg://" + store_url[len(scheme):]
    return store_url


def engine_for(store_url: str) -> Engine:
    """An engine on the store's database; ``sqlite://`` is a private in-memory one."""
    url = engine_url(store_url)
    if url == "sqlite://":
        engine = create_engine(url, poolclass=StaticPool,
                               connect_args={"check_same_thread": False})
    elif url.startswith("sqlite:"):
        engine = create_engine(url, connect_args={"timeout": LOCK_TIMEOUT_SECONDS})
    else:
        # A wait for a lock, or a transaction left open by a crashed reader, ends in
        # an error rather than a hang that never ends (SQLAlchemy sets no timeout).
        options = (f"-c lock_timeout={LOCK_TIMEOUT_SECONDS * 1000} "
                   "-c idle_in_transaction_session_timeout=300000")
        return create_engine(url, pool_size=2, max_overflow=2,
                             connect_args={"options": options})
    _take_over_sqlite_transactions(engine)
    return engine


def _take_over_sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.

    The sqlite3 module would begin one only before the first write, so the
    reads before it would not be part of it (SQLAlchemy's documented recipe).
    """

    @event.listens_for(engine, "connect")
    def connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def begin(connection: Connection) -> None:
        writer = connection.get_execution_options().get("writer", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A read transaction: every statement in it sees the same snapshot."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction, committed when the block ends without an error."""
    with engine.connect() as connection:
        connection = connection.execution_options(writer=True)
        with connection.begin():
            yield connection
