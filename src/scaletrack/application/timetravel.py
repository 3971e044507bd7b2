"""Points in time on both axes, and which events a point can see.

*As of* a date (valid time) sees what had happened by the end of that day;
*known at* a moment (transaction time) sees what had been recorded by then.
Together they answer "what did we know at T1 about the world at T2".

A correction or retraction belongs to the valid time of the entry it
corrects: as of a date it applies exactly when its entry is visible (and it
had been recorded by the known-at moment).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import CanInitAggregate

from scaletrack.domain import pilot_events as ev
from scaletrack.domain.envelope import Recorded
from scaletrack.domain.errors import InvalidInput, NotFound
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import canonical

if TYPE_CHECKING:
    from scaletrack.application.ledger import Ledger


@dataclass(frozen=True)
class PointInTime:
    """A point on the valid-time axis, the transaction-time axis, or both."""

    as_of: date | None = None
    known_at: datetime | None = None

    @property
    def is_now(self) -> bool:
        return self.as_of is None and self.known_at is None

    def known(self, event: Recorded) -> bool:
        return self.known_at is None or event.recorded_at <= self.known_at

    def visible(self, events: Iterable[Recorded]) -> Iterator[Recorded]:
        """The events this point sees, in the order given (the store's order)."""
        if self.is_now:
            yield from events
            return
        seen: set[tuple[UUID, int]] = set()
        for event in events:
            if not self.known(event):
                continue
            if isinstance(event, ev.EntryCorrected | ev.EntryRetracted):
                target = event.corrects if isinstance(event, ev.EntryCorrected) \
                    else event.retracts
                if (event.originator_id, target) in seen:
                    yield event
                continue
            if self.as_of is None or event.occurred_on <= self.as_of:
                if isinstance(event, ev.Entry):
                    seen.add((event.originator_id, event.originator_version))
                yield event

    def describe(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat() if self.as_of else None,
                "known_at": self.known_at.isoformat() if self.known_at else None}

    def words(self) -> str:
        """The point in a sentence: ``as of 2022-06-30, known at 2022-07-15T23:59:59+00:00``."""
        return ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in self.describe().items() if v)

    def is_after(self, now: datetime) -> bool:
        """Whether every axis the point names lies after ``now`` (it then sees what now sees)."""
        return ((self.as_of is None or self.as_of > now.date())
                and (self.known_at is None or self.known_at > now))

    def day(self, now: datetime) -> date:
        """"Today" at the point: its as-of date, else the UTC day of its known-at moment
        (in whatever zone it was written), else now's UTC day."""
        if self.as_of is not None:
            return self.as_of
        return (self.known_at if self.known_at is not None else now).astimezone(UTC).date()


NOW = PointInTime()
"""The point that sees every event: now."""


def parse_date(text: str) -> date:
    """A calendar date, strictly YYYY-MM-DD."""
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date", hint="write YYYY-MM-DD") from None


def parse_moment(text: str) -> datetime:
    """An ISO 8601 moment. A bare date means the end of that day; no zone means UTC."""
    text = text.strip()
    if len(text) == 10:
        return datetime.combine(parse_date(text), time.max, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{text!r} is not an ISO 8601 date-time",
                           hint="write YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM|Z]") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def replay(events: Iterable[Recorded]) -> Any:
    """An aggregate from a selection of its events (gaps allowed), or None if not yet created.

    The library's own replay insists on consecutive versions; a point in time
    leaves gaps. An event whose prerequisite lies outside the selection (a
    milestone achieved before it was, as of that date, planned) is left out.
    """
    aggregate: Any = None
    for event in events:
        if aggregate is None:
            if not isinstance(event, CanInitAggregate):
                continue
            aggregate = event.mutate(None)
            continue
        try:
            event.apply(aggregate)
        except KeyError:
            continue
        aggregate.version = event.originator_version
        aggregate.modified_on = event.timestamp
    return aggregate


def last_version_known(ledger: Ledger, aggregate_id: UUID, known_at: datetime) -> int:
    """The last version of an aggregate recorded by a moment (0 if none).

    Within one aggregate each event is recorded after the one before it, so
    the events known at a moment are a prefix of its stream: a binary search
    over single-event reads by version (the store's primary key) finds it.
    """
    low, high = 0, ledger.last_version(aggregate_id)
    while low < high:
        middle = (low + high + 1) // 2
        event = next(iter(ledger.events.get(aggregate_id, gt=middle - 1, lte=middle)))
        assert isinstance(event, Recorded)
        if event.recorded_at <= known_at:
            low = middle
        else:
            high = middle - 1
    return low


def pilot_at(ledger: Ledger, code: str, point: PointInTime) -> Pilot | None:
    """A pilot as it was at a point in time; None if it did not exist yet there."""
    code = canonical(code)
    pilot_id = Pilot.id_for(code)
    if point.as_of is None:
        if point.known_at is None:
            return ledger.get(Pilot, code)
        version = last_version_known(ledger, pilot_id, point.known_at)
        return ledger.get(Pilot, code, version) if version else None
    events = [e for e in ledger.events.get(pilot_id) if isinstance(e, Recorded)]
    if not events:
        raise NotFound(f"no pilot {code}", hint="see scaletrack pilot list")
    pilot: Pilot | None = replay(point.visible(events))
    return pilot


def pilot_events_between(ledger: Ledger, code: str, before: PointInTime, after: PointInTime
                         ) -> list[tuple[Recorded, str]]:
    """The pilot's events that one point sees and the other does not, in order, each with
    the point that sees it (``from`` or ``to``)."""
    code = canonical(code)
    events = [e for e in ledger.events.get(Pilot.id_for(code)) if isinstance(e, Recorded)]
    if not events:
        raise NotFound(f"no pilot {code}", hint="see scaletrack pilot list")
    seen_before = {e.originator_version for e in before.visible(events)}
    seen_after = {e.originator_version for e in after.visible(events)}
    return [(e, "to" if e.originator_version in seen_after else "from") for e in events
            if (e.originator_version in seen_before) != (e.originator_version in seen_after)]
