"""A pilot's events in order, with both times, actor and reason (``pilot history``)."""

from __future__ import annotations

from scaletrack.application.documents import Document
from scaletrack.application.ledger import Ledger
from scaletrack.application.records import EventRecord
from scaletrack.application.timetravel import NOW, PointInTime
from scaletrack.domain.envelope import Recorded
from scaletrack.domain.errors import NotFound
from scaletrack.domain.pilot import Pilot


def pilot_history(ledger: Ledger, code: str, at: PointInTime = NOW) -> list[Document]:
    """Every event of the pilot the point sees (all, now), as records; NotFound if none."""
    events = [e for e in ledger.events.get(Pilot.id_for(code)) if isinstance(e, Recorded)]
    if not events:
        raise NotFound(f"no pilot {code}", hint="see scaletrack pilot list")
    return [EventRecord.of(e, code).as_dict() for e in at.visible(events)]
