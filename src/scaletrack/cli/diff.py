"""``scaletrack diff``: what changed in a view or a pilot between two points, and why."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from scaletrack.application.queries.views import NAMES
from scaletrack.cli.context import session
from scaletrack.cli.options import CODE, DATE, MOMENT, point_from
from scaletrack.cli.render import cell, emit_json, emit_table, say
from scaletrack.cli.views import filters

if TYPE_CHECKING:
    from scaletrack.application.queries import Filters

F = TypeVar("F", bound=Callable[..., Any])


def second_point_options(f: F) -> F:
    """``--to-as-of`` and ``--to-known-at``: the point compared with the first."""

    @click.option("--to-as-of", type=DATE, metavar="YYYY-MM-DD",
                  help="The second point's valid date (default: none, all that happened).")
    @click.option("--to-known-at", type=MOMENT, metavar="DATETIME",
                  help="The second point's recorded-by moment (default: now).")
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return f(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@click.command()
@click.argument("what", type=click.Choice([*NAMES, "pilot"]), metavar="VIEW|pilot")
@click.argument("code", type=CODE, required=False)
@filters("consortium", "country", "pilot", "indicator", "period")
@second_point_options
def diff(what: str, code: str | None, filters: Filters, as_json: bool, to_as_of: Any,
         to_known_at: Any, **point: Any) -> None:
    """What differs in a view or a pilot between two points, and the events responsible.

    The first point is --as-of / --known-at, the second --to-as-of /
    --to-known-at (an axis left out means "now"). The events listed are
    those seen at one point only that touch a differing row, corrections
    and retractions included.

    \b
    Examples:
      scaletrack diff impact --pilot SEED-GR-01 --known-at 2022-07-15 --to-known-at 2023-01-31
      scaletrack diff pilot SEED-GR-01 --as-of 2022-06-30 --to-as-of 2022-12-31 --json
    """
    from scaletrack.application.queries import PointInTime
    from scaletrack.application.queries.diff import pilot_diff, view_diff

    before = point_from(point)
    after = PointInTime(as_of=to_as_of, known_at=to_known_at)
    if what == "pilot":
        if code is None:
            raise click.UsageError("diff pilot needs the pilot's CODE")
        document = pilot_diff(session().ledger(), code, before, after)
    else:
        if code is not None:
            raise click.UsageError(f"diff {what} takes no CODE; use --pilot {code}")
        document = view_diff(session().read_store(), what, filters, before, after)
    if as_json:
        emit_json(document)
        return
    _show(document)


def _show(document: dict[str, Any]) -> None:
    if not document["changes"]:
        say("no differences between the two points")
        return
    emit_table([line for change in document["changes"] for line in _lines(change)],
               ["section", "row", "change", "field", "from", "to", "events"],
               title=f"What changed in {document['what']}", optional=["section"])
    emit_table([{**event, "type": event["type"].split(".", 1)[1]}
                for event in document["events"]],
               ["id", "type", "occurred_on", "recorded_at", "actor", "reason", "corrects",
                "seen_at"], title="Events responsible",
               optional=["reason", "corrects", "recorded_at", "actor"])


NONE = "(none)"
"""A value that a point does not have: emptied, or not there yet."""


def _lines(change: dict[str, Any]) -> list[dict[str, Any]]:
    """A line per field: of a changed row, each field that differs, from and to (a
    value one point lacks shown as "(none)"); of an added or removed row, each value
    it has, or had. The first line names the row and the events behind it."""
    key = {name: value for name, value in change["key"].items()
           if not (name == "consortium" and "pilot" in change["key"])}
    row = {"section": change["section"], "change": change["change"],
           "row": "\n".join(f"v{value}" if name == "indicator_version" else f"{value}"
                            for name, value in key.items()),
           "events": "\n".join(change["events"])}
    fields = {field: values for field, values in change["fields"].items()
              if field not in change["key"]}
    if change["change"] == "changed":
        lines = [{"field": field, "from": cell(values["from"]) or NONE,
                  "to": cell(values["to"]) or NONE} for field, values in fields.items()]
    else:
        side = "to" if change["change"] == "added" else "from"
        lines = [{"field": field, side: cell(values[side])}
                 for field, values in fields.items() if values[side] is not None]
    return [{**row, **line} if number == 0 else line
            for number, line in enumerate(lines or [{}])]
