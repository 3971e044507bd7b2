"""Where benchmark stores live: built once per size and backend, copied for each use.

A built store is kept in the cache folder (SQLite: one file; PostgreSQL: one
database) with a JSON file describing its shape; the JSON is written last, so
a build that was interrupted is never taken for a finished one. Measures that
write (commands, imports, rebuilt views) work on a copy, so the cached store
never changes and every run sees the same data.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.generate import Generator, StoreShape, store_key

_copies = count(1)


@dataclass(frozen=True)
class Backend:
    """SQLite files in a folder, or databases on one PostgreSQL server."""

    name: str  # "sqlite" or "postgres"
    server: str = ""  # postgresql://USER@HOST:PORT/MAINTENANCE_DB

    @classmethod
    def parse(cls, text: str) -> Backend:
        if text in ("", "sqlite"):
            return cls("sqlite")
        if text.startswith(("postgresql://", "postgres://")):
            return cls("postgres", text)
        if text == "postgres":
            return cls("postgres", "postgresql://postgres@127.0.0.1:5432/postgres")
        raise SystemExit(f"error: --db takes sqlite or a postgresql:// server URL, not {text!r}")

    def url(self, name: str, folder: Path) -> str:
        if self.name == "sqlite":
            return f"sqlite:///{folder / (name + '.db')}"
        parts = urlsplit(self.server)
        return f"postgresql://{parts.netloc}/{name}"

    # -- PostgreSQL administration ---------------------------------------------

    def _admin(self) -> Any:
        import psycopg

        parts = urlsplit(self.server)
        return psycopg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                               user=parts.username or "postgres", password=parts.password or "",
                               dbname=parts.path.lstrip("/") or "postgres", autocommit=True)

    def drop(self, url: str) -> None:
        if self.name == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
            return
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{_dbname(url)}" WITH (FORCE)')

    def create_empty(self, url: str) -> None:
        self.drop(url)
        if self.name == "postgres":
            with self._admin() as admin:
                admin.execute(f'CREATE DATABASE "{_dbname(url)}"')

    def copy(self, source: str, target: str) -> None:
        self.drop(target)
        if self.name == "sqlite":
            shutil.copyfile(source.removeprefix("sqlite:///"), target.removeprefix("sqlite:///"))
            # Write the copy out now, or its writeback slows the next measured fsyncs.
            os.sync()
            return
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{_dbname(target)}" TEMPLATE "{_dbname(source)}"')

    def settle(self, url: str) -> None:
        """Fold SQLite's write-ahead log into the file, so a file copy is complete."""
        if self.name == "sqlite":
            with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            with self._admin() as admin:
                admin.execute("CHECKPOINT")


def _dbname(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


@dataclass
class Stores:
    """The cache of built stores for one backend."""

    backend: Backend
    folder: Path

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def _name(self, events: int) -> str:
        return f"bench_{store_key()}_{events}"

    def built(self, events: int) -> tuple[str, StoreShape]:
        """The cached store of ``events`` events and its shape, built first if needed."""
        name = self._name(events)
        url = self.backend.url(name, self.folder)
        described = self.folder / f"{self.backend.name}-{name}.json"
        if described.exists():
            return url, _shape(json.loads(described.read_text()))
        self._prune()
        self.backend.create_empty(url)
        started = time.perf_counter()

        def progress(done: int) -> None:
            if done % 50_000 < 1_000:
                rate = done / (time.perf_counter() - started)
                print(f"  building {events:,} events: {done:,} ({rate:,.0f}/s)",
                      file=sys.stderr, flush=True)

        shape = Generator(url, events).build(progress)
        self.backend.settle(url)
        print(f"  built {shape.events:,} events in {time.perf_counter() - started:.0f} s",
              file=sys.stderr, flush=True)
        described.write_text(json.dumps(_shape_dict(shape)))
        return url, shape

    def _prune(self) -> None:
        """Remove stores built by another generator or mix: they are never used again."""
        current = f"bench_{store_key()}_"
        for described in self.folder.glob(f"{self.backend.name}-bench_*.json"):
            name = described.stem.removeprefix(f"{self.backend.name}-")
            if not name.startswith(current):
                self.backend.drop(self.backend.url(name, self.folder))
                for extra in self.folder.glob(f"{name}-import-*"):
                    extra.unlink()
                described.unlink()

    def with_views(self, events: int) -> str:
        """A copy of the cached store of ``events`` events with every view built (what a
        live store has), kept beside it and caught up before each use (a view whose tables
        changed is rebuilt here, not in a measured command); read it, never write it."""
        name = self._name(events)
        source, _ = self.built(events)
        url = self.backend.url(f"{name}_views", self.folder)
        described = self.folder / f"{self.backend.name}-{name}_views.json"
        if not described.exists():
            self.backend.copy(source, url)
        started = time.perf_counter()
        print(f"  views of {events:,} events: catching up", file=sys.stderr, flush=True)
        from scaletrack.application.ledger import Ledger
        from scaletrack.application.queries.reading import ReadStore
        from scaletrack.application.store import StoreURL

        ledger = Ledger(StoreURL.parse(url))
        try:
            with ReadStore(ledger) as store:
                store.catch_up()
        finally:
            ledger.close()
        self.backend.settle(url)
        print(f"  views up to date in {time.perf_counter() - started:.0f} s", file=sys.stderr,
              flush=True)
        described.write_text(json.dumps({"events": events}))
        return url

    @contextmanager
    def copy_of(self, url: str) -> Iterator[str]:
        """A scratch copy of a store, removed afterwards."""
        target = self.backend.url(f"bench_work_{os.getpid()}_{next(_copies)}", self.folder)
        self.backend.copy(url, target)
        try:
            yield target
        finally:
            self.backend.drop(target)


def _shape_dict(shape: StoreShape) -> dict[str, Any]:
    return {**shape.__dict__, "first_day": shape.first_day.isoformat(),
            "last_day": shape.last_day.isoformat()}


def _shape(data: dict[str, Any]) -> StoreShape:
    return StoreShape(**{**data, "first_day": date.fromisoformat(data["first_day"]),
                         "last_day": date.fromisoformat(data["last_day"])})
