"""``scaletrack diff``: what changed in a view or a pilot between two points, and why."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from scaletrack.cli.options import CODE, DATE, MOMENT, point_from
from scaletrack.cli.render import cell, emit_json, emit_table, say
from scaletrack.cli.views import filters

if TYPE_CHECKING:
    from scaletrack.application.timetravel import PointInTime
    from scaletrack.projections.diffing import RowChange
    from scaletrack.projections.queries.selection import Filters

F = TypeVar("F", bound=Callable[..., Any])

VIEWS = ("progress", "impact", "portfolio", "decisions", "quality", "timeline")


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
@click.argument("what", type=click.Choice([*VIEWS, "pilot"]), metavar="VIEW|pilot")
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
    from scaletrack.application.timetravel import PointInTime

    before = point_from(point)
    after = PointInTime(as_of=to_as_of, known_at=to_known_at)
    if what == "pilot":
        if code is None:
            raise click.UsageError("diff pilot needs the pilot's CODE")
        document = _pilot_diff(code, before, after)
    else:
        if code is not None:
            raise click.UsageError(f"diff {what} takes no CODE; use --pilot {code}")
        document = _view_diff(what, filters, before, after)
    document = {"what": what if what != "pilot" else f"pilot {code}",
                "from": before.describe(), "to": after.describe(), **document}
    if as_json:
        emit_json(document)
        return
    _show(document)


def _view_diff(name: str, chosen: Filters, before: PointInTime, after: PointInTime
               ) -> dict[str, Any]:
    from scaletrack.cli.render import to_json
    from scaletrack.cli.timetravel import day_of, now, store_facts, visible_facts
    from scaletrack.projections import diffing
    from scaletrack.projections.database import reading
    from scaletrack.projections.pointintime import views_of

    uses = _query(name).USES
    facts = store_facts()
    at = now()
    documents, seen = [], []
    for point in (before, after):
        visible = visible_facts(point, facts)
        engine = views_of(visible, uses)
        try:
            with reading(engine) as connection:
                found = _document(name, connection, chosen, day_of(point, at))
        finally:
            engine.dispose()
        documents.append(found)
        seen.append(visible)
    old, new = (json.loads(to_json(document)) for document in documents)
    changes = diffing.compare(old, new)
    names = diffing.Names(facts)
    events = diffing.responsible(changes, seen[0], seen[1], names, diffing.types_read(uses))
    return {"changes": [change.as_dict() for change in changes],
            "events": [_fact_record(fact, side, names) for fact, side in events]}


def _query(name: str) -> Any:
    import importlib

    return importlib.import_module(f"scaletrack.projections.queries.{name}")


def _document(name: str, connection: Any, chosen: Filters, today: Any) -> dict[str, Any]:
    query = _query(name)
    if name == "progress":
        found: dict[str, Any] = query.progress(connection, chosen, today)
    else:
        found = getattr(query, name)(connection, chosen)
    return found


def _fact_record(fact: Any, side: str, names: Any) -> dict[str, Any]:
    from scaletrack.projections.pointintime import target_of

    target = target_of(fact)
    return {"id": names.id_of(fact), "type": fact.type, "occurred_on": fact.occurred_on,
            "recorded_at": datetime.fromisoformat(fact.recorded_at).isoformat(),
            "actor": fact.state["actor"], "reason": fact.state["reason"],
            "corrects": None if target is None else names.id_of(fact, target), "seen_at": side}


def _pilot_diff(code: str, before: PointInTime, after: PointInTime) -> dict[str, Any]:
    from scaletrack.application.records import EventRecord
    from scaletrack.application.summaries import pilot_detail
    from scaletrack.application.timetravel import pilot_at, pilot_events_between
    from scaletrack.cli.context import session
    from scaletrack.cli.render import to_json
    from scaletrack.projections.diffing import compare

    ledger = session().ledger()
    events = pilot_events_between(ledger, code, before, after)
    details = []
    for point in (before, after):
        found = pilot_at(ledger, code, point)
        today = point.as_of or ledger.clock().date()
        details.append({} if found is None else
                       json.loads(to_json({"pilot": pilot_detail(found, today=today)})))
    changes: list[RowChange] = compare(*details)
    return {"changes": [change.as_dict() for change in changes],
            "events": [{**_record_fields(EventRecord.of(event, code).as_dict()),
                        "seen_at": side} for event, side in events]}


def _record_fields(record: dict[str, Any]) -> dict[str, Any]:
    target = record["data"].get("corrects", record["data"].get("retracts"))
    return {"id": record["id"], "type": record["type"], "occurred_on": record["occurred_on"],
            "recorded_at": record["recorded_at"], "actor": record["actor"],
            "reason": record["reason"],
            "corrects": None if target is None else f"{record['subject']}@{target}"}


def _show(document: dict[str, Any]) -> None:
    if not document["changes"]:
        say("no differences between the two points")
        return
    emit_table([{"section": change["section"],
                 "row": ", ".join(f"{v}" for v in change["key"].values()),
                 "change": change["change"], "field": field, "from": cell(values["from"]),
                 "to": cell(values["to"])}
                for change in document["changes"]
                for field, values in (change["fields"].items() if change["change"] == "changed"
                                      else [("", {"from": None, "to": None})])],
               ["section", "row", "change", "field", "from", "to"],
               title=f"What changed in {document['what']}")
    emit_table(document["events"], ["id", "type", "occurred_on", "recorded_at", "actor",
                                    "reason", "corrects", "seen_at"],
               title="Events responsible")
