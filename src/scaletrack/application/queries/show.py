"""One consortium, indicator or pilot as it stands, or a pilot as it stood (``show``)."""

from __future__ import annotations

from scaletrack.application.documents import Document
from scaletrack.application.ledger import Ledger
from scaletrack.application.summaries import consortium_summary, indicator_summary, pilot_detail
from scaletrack.application.timetravel import NOW, PointInTime, pilot_at
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.errors import InvalidInput
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot


def pilot_show(ledger: Ledger, code: str, at: PointInTime = NOW,
               version: int | None = None) -> Document | None:
    """The pilot now, after its ``version``-th event, or at a point in time (overdue
    milestones judged on the as-of day); None if it did not exist yet at that point."""
    if version is not None:
        if not at.is_now:
            raise InvalidInput("a version cannot be combined with a point in time")
        found: Pilot | None = ledger.get(Pilot, code, version)
    else:
        found = pilot_at(ledger, code, at)
    if found is None:
        return None
    detail = pilot_detail(found, today=at.as_of or ledger.clock().date())
    if not at.is_now:
        detail["point_in_time"] = at.describe()
    return detail


def consortium_show(ledger: Ledger, code: str) -> Document:
    return consortium_summary(ledger.get(Consortium, code))


def indicator_show(ledger: Ledger, code: str) -> Document:
    """The indicator's current definition."""
    return indicator_summary(ledger.get(Indicator, code))
