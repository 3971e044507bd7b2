"""``scaletrack projections``: where each view stands, and rebuilding views."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from scaletrack.application.queries.status import PROJECTIONS
from scaletrack.cli.context import session
from scaletrack.cli.options import json_option
from scaletrack.cli.render import emit_json, emit_table, say

VIEW_NAMES = PROJECTIONS


@contextmanager
def progress_bar(what: str) -> Iterator[Callable[[int, int], None] | None]:
    """A bar on stderr that a catch-up tells how far it got, when stderr is a terminal
    (else nothing: logs stay clean)."""
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
    from scaletrack.application.queries.status import status as query

    rows = query(session().read_store())
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
    from scaletrack.application.queries.status import rebuild as query

    with progress_bar(f"rebuilding {name or 'every view'}") as on_page:
        done = query(session().read_store(), name, on_page)
    if as_json:
        emit_json(done)
    else:
        say(f"rebuilt {', '.join(done['views'])} from {done['events']} events in "
            f"{done['seconds']:.2f} s")
