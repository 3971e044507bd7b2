"""``scaletrack correct`` and ``retract``: fix an entry by a new event, never by editing."""

from __future__ import annotations

from typing import Any

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import by_from, json_option, provenance_options
from scaletrack.cli.render import emit_json


def _field(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
           ) -> dict[str, Any]:
    import json

    changes: dict[str, Any] = {}
    for text in values:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{text!r} is not FIELD=VALUE", ctx, param)
        try:
            parsed = json.loads(value) if value[:1] in "[{" else value
        except json.JSONDecodeError:
            raise click.BadParameter(f"{value!r} is not valid JSON", ctx, param) from None
        changes[name.strip().replace("-", "_")] = None if value == "" else parsed
    if not changes:
        raise click.BadParameter("give at least one --set FIELD=VALUE", ctx, param)
    return changes


def _done(ledger: Any, pilot: Any, as_json: bool) -> None:
    from scaletrack.application.records import EventRecord

    if as_json:
        event = ledger.pilot_event(pilot.code, pilot.version)
        emit_json(EventRecord.of(event, pilot.code).as_dict())
    else:
        click.echo(f"{pilot.code}@{pilot.version}")


def _shown(event: dict[str, Any], as_json: bool) -> None:
    """An event the server recorded, printed as a local one would be."""
    emit_json(event) if as_json else click.echo(event["id"])


@click.command()
@click.argument("event_id")
@click.option("--set", "changes", multiple=True, callback=_field, metavar="FIELD=VALUE",
              help="A corrected field value (repeatable); JSON for lists and maps.")
@provenance_options
@json_option
def correct(event_id: str, changes: dict[str, Any], as_json: bool, **kwargs: Any) -> None:
    """Correct an entry: a new event supersedes EVENT_ID's values (needs --reason).

    EVENT_ID is CODE@N as printed by `pilot history`. The original stays in the
    log; views use the corrected values from now on.

    \b
    Example:
      scaletrack correct SEED-GR-01@12 --set value=130 \\
        --set 'breakdown={"sex": {"women": 70, "men": 60}}' \\
        --reason "Double-counted a workshop" --actor ana
    """
    from scaletrack.cli import remote

    if (server := remote.remote()) is not None:
        _shown(remote.correct(server, event_id, changes, remote.envelope(kwargs)), as_json)
        return
    from scaletrack.application.commands import CorrectEntry
    from scaletrack.application.records import parse_event_id

    by = by_from(kwargs)
    ledger = session().ledger()
    _done(ledger, ledger.handle(CorrectEntry(*parse_event_id(event_id), changes), by=by),
          as_json)


@click.command()
@click.argument("event_id")
@provenance_options
@json_option
def retract(event_id: str, as_json: bool, **kwargs: Any) -> None:
    """Retract an entry: withdraw EVENT_ID from the views (needs --reason).

    \b
    Example:
      scaletrack retract SEED-GR-01@12 --reason "Reported for the wrong pilot" --actor ana
    """
    from scaletrack.cli import remote

    if (server := remote.remote()) is not None:
        _shown(remote.retract(server, event_id, remote.envelope(kwargs)), as_json)
        return
    from scaletrack.application.commands import RetractEntry
    from scaletrack.application.records import parse_event_id

    by = by_from(kwargs)
    ledger = session().ledger()
    _done(ledger, ledger.handle(RetractEntry(*parse_event_id(event_id)), by=by), as_json)
