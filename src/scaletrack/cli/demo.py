"""``scaletrack demo``: fill an empty store with the synthetic demo data set."""

from __future__ import annotations

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import json_option
from scaletrack.cli.render import emit_json, say

TRY_NEXT = (
    "pilot list",
    "pilot history SEED-GR-01",
    "pilot show SEED-GR-01 --as-of 2022-06-30",
    "progress",
    "impact --pilot SEED-GR-01 --indicator EECO01",
    "quality",
    "export -o demo-bundle --pilot SEED-GR-01",
)
"""Commands worth a look once the demo is in (those installed are suggested)."""


@click.command()
@click.option("--fresh", is_flag=True,
              help="Start again from an empty store: delete the SQLite file (on PostgreSQL, "
                   "drop the scaletrack tables) first, when it holds the demo and nothing "
                   "else.")
@json_option
def demo(fresh: bool, as_json: bool) -> None:
    """Fill an empty store with a realistic, synthetic data set to explore.

    Six consortia and their countries, an indicator catalogue, and 24 pilots
    recorded from May 2021 to July 2023 on a simulated clock: about 2,600
    events with late reports, corrections, retractions, slipped milestones, a
    reopened period and a stopped pilot. The same every time (fixed seed).
    Invented names are marked "(synthetic)". Also one account per role
    for `scaletrack serve`, with demo-only passwords it prints. Refuses a
    store that holds events, unless --fresh and they are all the demo's.

    \b
    Example:
      scaletrack --db sqlite:///demo.db demo --fresh
      scaletrack --db sqlite:///demo.db pilot history SEED-GR-01
    """
    from dataclasses import replace

    from scaletrack.application.store import DEFAULT_URL
    from scaletrack.demo.accounts import add_demo_accounts
    from scaletrack.demo.fill import fill

    store = session().store
    summary = fill(store, fresh=fresh)
    accounts = add_demo_accounts(store, summary.recorded_to)
    summary = replace(summary, events=summary.events + len(accounts))
    prefix = "scaletrack" if store.url == DEFAULT_URL else f"scaletrack --db {store.shown}"
    commands = [f"{prefix} {command}" for command in TRY_NEXT if _installed(command)]
    if as_json:
        emit_json({**summary.as_dict(), "try_next": commands,
                   "accounts": [a.as_dict() for a in accounts]})
        return
    say(f"{summary.events} events: {summary.consortia} consortia, {summary.indicators} "
        f"indicators, {summary.pilots} pilots; {summary.corrections} corrections, "
        f"{summary.retractions} retractions, {summary.late_reports} late reports "
        "(recorded more than 30 days after they happened)")
    say(f"recorded from {summary.recorded_from[:10]} to {summary.recorded_to[:10]} on a "
        "simulated clock; the consortia and SEED's three public pilots come from public "
        "project pages, everything else is synthetic and marked so")
    say("demo sign-ins for `scaletrack serve` (DEMO ONLY: never use these passwords "
        "anywhere else):")
    for account in accounts:
        where = f" of {', '.join(account.consortia)}" if account.consortia else ""
        say(f"  {account.login:<6} {account.password:<26} {account.role}{where}")
    say("try next:")
    for command in commands:
        say(f"  {command}")


def _installed(command: str) -> bool:
    """Whether a top-level command's module is there (found, not imported: imports are slow)."""
    from importlib.util import find_spec

    from scaletrack.cli.main import COMMANDS

    module = COMMANDS.get(command.split()[0], "").partition(":")[0]
    return bool(module) and find_spec(module) is not None
