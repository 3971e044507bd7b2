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
    from scaletrack.application.credentials import Credentials

    # Every table now, by the role that owns the store (the recorders create the
    # events, snapshots and chain tables): on PostgreSQL the roles that write
    # events or read views may not create tables.
    ledger = session().ledger(must_exist=False)
    ledger.create_tables()  # an older store gets the tables it lacks
    session().read_store().catch_up()
    credentials = Credentials(ledger.store)
    credentials.create()
    credentials.close()
    say(f"store ready at {ledger.store.shown} ({ledger.event_count()} events)")
