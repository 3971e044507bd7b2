"""``scaletrack projections``: where each view stands, and rebuilding views."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import json_option
from scaletrack.cli.render import emit_json, emit_table, say

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from scaletrack.projections.runner import Progress, ReadModels

VIEW_NAMES = ("directory", "progress", "impact", "decisions", "quality", "timeline")


def read_models() -> ReadModels:
    """The views of the session's store (their engine is closed with the session)."""
    from scaletrack.projections.database import engine_for
    from scaletrack.projections.facts import Source, SQLiteLogSource, StoreSource
    from scaletrack.projections.runner import ReadModels

    ledger = session().ledger()
    engine = engine_for(ledger.store.url)
    context = click.get_current_context()
    context.call_on_close(engine.dispose)
    source: Source = StoreSource(ledger.recorder)
    if ledger.store.backend == "sqlite":  # the same log, read about 1.4 times as fast
        source = log = SQLiteLogSource(ledger.store.path)
        context.call_on_close(log.close)
    return ReadModels(engine, source, ledger.name)


@contextmanager
def current(uses: Sequence[str]) -> Iterator[Connection]:
    """A read transaction on views first brought up to date with the store."""
    from scaletrack.projections.database import reading

    models = read_models()
    with _progress_bar("updating views") as on_page:
        models.catch_up(uses, on_page)
    with reading(models.engine) as connection:
        yield connection


@contextmanager
def _progress_bar(what: str) -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal (else nothing: logs stay clean)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress as Bar

    with Bar(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)

        def on_page(position: int, head: int) -> None:
            bar.update(task, completed=position, total=head)

        yield on_page


@click.group()
def projections() -> None:
    """The views (projections) built from the events, and where each stands.

    Views bring themselves up to date whenever they are read; rebuild one
    after changing how it is computed, or to check it against the events.
    """


@projections.command()
@json_option
def status(as_json: bool) -> None:
    """Each view's position in the store, the store's head and the lag.

    \b
    Example:
      scaletrack projections status --json
    """
    rows = read_models().status()
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, ["view", "position", "head", "lag", "state"])


@projections.command()
@click.argument("name", required=False, type=click.Choice(VIEW_NAMES))
@json_option
def rebuild(name: str | None, as_json: bool) -> None:
    """Rebuild one view (or all) from the first event.

    Readers keep seeing the old view until the new one is complete.

    \b
    Example:
      scaletrack projections rebuild impact
    """
    import time

    models = read_models()
    started = time.perf_counter()
    with _progress_bar(f"rebuilding {name or 'every view'}") as on_page:
        events = models.rebuild([name] if name else None, on_page)
    seconds = time.perf_counter() - started
    done: dict[str, Any] = {"views": [name] if name else list(VIEW_NAMES), "events": events,
                            "seconds": round(seconds, 3)}
    if as_json:
        emit_json(done)
    else:
        say(f"rebuilt {', '.join(done['views'])} from {events} events in {seconds:.2f} s")
