"""``scaletrack settings``: how the views rate results against targets."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import actor_option, json_option
from scaletrack.cli.render import cell, emit_fields, emit_json, emit_table


class Percent(click.ParamType[Decimal, Any]):
    """A percent of the target achieved: a number from 0 to 10000."""

    name = "percent"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Decimal:
        try:
            number = Decimal(str(value).strip().removesuffix("%"))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or not 0 <= number <= 10000:
            self.fail(f"{value!r} is not a percent from 0 to 10000", param, ctx)
        return number


PERCENT = Percent()


@click.group()
def settings() -> None:
    """The store's settings: the status thresholds and the cap on over-achievement.

    Every change is an event (who, when, why), so views and reports at a
    point in time rate by the settings the store knew at that moment.
    """


@settings.command()
@click.option("--on-track", type=PERCENT, metavar="PERCENT",
              help="On track from this percent of the target (default 90).")
@click.option("--at-risk", type=PERCENT, metavar="PERCENT",
              help="At risk from this percent, off track below it (default 60).")
@click.option("--cap", type=PERCENT, metavar="PERCENT",
              help="Show a percent achieved above this one as this one (100 or more).")
@click.option("--no-cap", is_flag=True, help="Show every percent achieved as it is.")
@click.option("--reason", metavar="TEXT", help="Why the rating changes (required).")
@actor_option
@json_option
def rating(on_track: Decimal | None, at_risk: Decimal | None, cap: Decimal | None,
           no_cap: bool,
           reason: str | None, actor: str | None, as_json: bool) -> None:
    """Change the status thresholds or the cap; what is not given stays as it is.

    \b
    Example:
      scaletrack settings rating --on-track 85 --at-risk 50 --cap 150 \\
        --reason "Managing authority's guidance of 2023" --actor ana
    """
    from scaletrack.application.settings import change_rating, settings_show

    if cap is not None and no_cap:
        raise click.UsageError("give --cap or --no-cap, not both")
    ledger = session().ledger()
    by = ledger.provenance(actor, reason=reason)
    changed = change_rating(ledger, on_track=on_track, at_risk=at_risk, cap=cap,
                            no_cap=no_cap, by=by)
    if as_json:
        emit_json(settings_show(ledger))
    else:
        click.echo(f"{changed.code}@{changed.version}")


@settings.command()
@json_option
def show(as_json: bool) -> None:
    """The rating settings that hold now, and every change of them.

    \b
    Example:
      scaletrack settings show --json
    """
    from scaletrack.application.settings import settings_show

    document = settings_show(session().ledger())
    if as_json:
        emit_json(document)
        return
    rating = document["rating"]
    emit_fields({"on_track": _percent(rating["on_track"]),
                 "at_risk": _percent(rating["at_risk"]),
                 "cap": _percent(rating["cap"]) if rating["cap"] is not None else "no cap",
                 "settings_version": rating["settings_version"]
                 or "none: the defaults, never changed"})
    emit_table([{**change, "on_track": _percent(change["on_track"]),
                 "at_risk": _percent(change["at_risk"]),
                 "cap": "no cap" if change["cap"] is None else _percent(change["cap"])}
                for change in document["changes"]],
               ["id", "recorded_at", "actor", "on_track", "at_risk", "cap", "reason"],
               title="Changes")


def _percent(value: Decimal | int) -> str:
    return f"{cell(Decimal(value))}%"
