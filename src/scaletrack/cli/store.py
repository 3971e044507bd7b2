"""``scaletrack init``: create an empty store."""

from __future__ import annotations

import click

from scaletrack.cli.context import session
from scaletrack.cli.render import say


@click.command()
def init() -> None:
    """Create an empty store (the SQLite file, or the tables on PostgreSQL).

    \b
    Example:
      scaletrack --db sqlite:///pilots.db init
    """
    ledger = session().ledger(must_exist=False)
    say(f"store ready at {ledger.store.url} ({ledger.event_count()} events)")
