"""What differs in a view or a pilot between two points in time, and the events responsible.

The view at each point is read as ``views.document`` reads it (for the views
that keep both times of their rows, two indexed queries); the events listed
are those seen at one point only that change a differing row, corrections
and retractions included (:mod:`scaletrack.projections.diffing`); each says
which point sees it (``seen_at``: ``from`` or ``to``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scaletrack.application.documents import Document, plain
from scaletrack.application.ledger import Ledger
from scaletrack.application.queries.reading import ReadStore
from scaletrack.application.queries.views import document, query
from scaletrack.application.records import EventRecord
from scaletrack.application.summaries import pilot_detail
from scaletrack.application.timetravel import PointInTime, pilot_at, pilot_events_between
from scaletrack.projections import diffing
from scaletrack.projections.bitemporal import Point
from scaletrack.projections.facts import Fact
from scaletrack.projections.filters import Filters
from scaletrack.projections.pointintime import target_of


def view_diff(store: ReadStore, name: str, filters: Filters, before: PointInTime,
              after: PointInTime) -> Document:
    """The view ``name`` at ``before`` against the same view at ``after``."""
    uses, about = query(name).uses, query(name).indicators
    old, new = (plain(document(store, name, filters, point)) for point in (before, after))
    changes = diffing.compare(old, new)
    with store.current(("directory", "timeline")) as connection:
        seen = diffing.seen_between(connection, Point.at(before.as_of, before.known_at),
                                    Point.at(after.as_of, after.known_at), filters)
        names = diffing.Names.read(connection, [
            *(one.fact for one in seen), *diffing.named_entries(connection, seen)])
    events, links = diffing.responsible(changes, seen, names, diffing.types_read(uses),
                                        diffing.types_dated(uses), about)
    return _document(name, before, after, changes, links,
                     [_fact_record(one.fact, one.side, names) for one in events])


def pilot_diff(ledger: Ledger, code: str, before: PointInTime, after: PointInTime
               ) -> Document:
    """The pilot as ``pilot show`` gives it at ``before`` against it at ``after``."""
    events = [{**_record_fields(EventRecord.of(event, code).as_dict()), "seen_at": side}
              for event, side in pilot_events_between(ledger, code, before, after)]
    details = []
    for point in (before, after):
        found = pilot_at(ledger, code, point)
        today = point.as_of or ledger.clock().date()
        details.append({} if found is None else
                       plain({"pilot": pilot_detail(found, today=today)}))
    changes = diffing.compare(*details)
    # The pilot is one row: every event one point sees and the other does not changes it.
    return _document(f"pilot {code}", before, after, changes,
                     [[event["id"] for event in events] for _ in changes], events)


def _document(what: str, before: PointInTime, after: PointInTime,
              changes: list[diffing.RowChange], links: list[list[str]],
              events: list[Document]) -> Document:
    """Each change names the events responsible for it (``events``: their ids)."""
    return {"what": what, "from": before.describe(), "to": after.describe(),
            "changes": [{**change.as_dict(), "events": ids}
                        for change, ids in zip(changes, links, strict=True)],
            "events": events}


def _fact_record(fact: Fact, side: str, names: diffing.Names) -> Document:
    target = target_of(fact)
    return {"id": names.id_of(fact), "type": fact.type, "occurred_on": fact.occurred_on,
            "recorded_at": datetime.fromisoformat(fact.recorded_at).isoformat(),
            "actor": fact.state["actor"], "reason": fact.state["reason"],
            "corrects": None if target is None else names.id_of(fact, target), "seen_at": side}


def _record_fields(record: dict[str, Any]) -> Document:
    target = record["data"].get("corrects", record["data"].get("retracts"))
    return {"id": record["id"], "type": record["type"], "occurred_on": record["occurred_on"],
            "recorded_at": record["recorded_at"], "actor": record["actor"],
            "reason": record["reason"],
            "corrects": None if target is None else f"{record['subject']}@{target}"}
