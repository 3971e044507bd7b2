"""``scaletrack copy``: move a whole store to another backend."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import json_option
from scaletrack.cli.render import emit_json, say

if TYPE_CHECKING:
    from scaletrack.application.store import StoreURL


@click.command()
@click.option("--from", "source", metavar="URL",
              help="The store to copy (default: the --db store).")
@click.option("--to", "target", metavar="URL", required=True,
              help="An empty store to copy into: a SQLite file is created if missing; a "
                   "PostgreSQL database must exist (its tables are created).")
@json_option
def copy(source: str | None, target: str, as_json: bool) -> None:
    """Copy every event into an empty store, e.g. from SQLite to PostgreSQL.

    Events keep their ids, order, times and contents, so verification and
    digests give the same answers on both stores. A target that already holds
    events is refused (exit 1).

    \b
    Example:
      scaletrack copy --from sqlite:///pilots.db \\
        --to postgresql://scaletrack@db.example.org/scaletrack
    """
    from scaletrack.application.copying import copy_store
    from scaletrack.application.store import StoreURL

    destination = StoreURL.parse(target)
    report = copy_store(StoreURL.parse(source) if source else session().store, destination)
    _build_views(destination)
    if as_json:
        emit_json(report.as_dict())
    else:
        say(f"copied {report.events} events from {report.source} to {report.target}")
        click.echo(report.digest)


def _build_views(store: StoreURL) -> None:
    """Create and fill the copy's views now, as ``init`` does for a new store."""
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.queries.reading import ReadStore

    ledger = Ledger(store)
    try:
        with ReadStore(ledger) as views:
            views.catch_up()
    finally:
        ledger.close()
