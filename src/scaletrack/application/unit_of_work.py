"""One unit of work: the aggregates a command (or a whole file) changes, saved at once.

Each aggregate is loaded the first time a handler asks for it and kept, so a
later command of the same file sees every earlier one. Nothing reaches the
store until :meth:`UnitOfWork.commit`: one command is saved as the ledger
saves any aggregate (snapshotting every hundredth version), a file in one
atomic write of all its new events in the order they were recorded.

:func:`retrying` runs a unit of work and, if it lost a race for the same
aggregates, runs it again against the new state, a bounded number of times.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from scaletrack.application.aggregates import AggregateT, Changed, noun_of
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.envelope import Recorded
from scaletrack.domain.errors import ConcurrentChange, NotFound, RuleViolation
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import canonical

if TYPE_CHECKING:
    from scaletrack.application.ledger import Ledger

T = TypeVar("T")

RETRIES = 5
"""How often a unit of work that lost a race is re-run against the new state."""


class UnitOfWork:
    """The store as a command sees it: stored aggregates plus the work's own new events."""

    def __init__(self, ledger: Ledger, *, batch: bool = False) -> None:
        self.ledger = ledger
        self.batch = batch
        """Whether it saves a whole file at once (rather than one command)."""
        self._aggregates: dict[UUID, Changed | None] = {}
        self._ids: dict[tuple[type[Changed], str], UUID] = {}
        self._collected: dict[UUID, int] = {}
        self.recorded: list[Recorded] = []
        """Every new event, in the order the work recorded them."""

    def get(self, cls: type[AggregateT], code: str) -> AggregateT:
        """The aggregate itself, not a copy: a failed unit of work is rolled back."""
        aggregate = self._load(cls, canonical(code))
        if aggregate is None:
            raise self.ledger.missing(cls, code)
        return aggregate

    def _load(self, cls: type[AggregateT], code: str) -> AggregateT | None:
        id_ = self._ids.get((cls, code))
        if id_ is None:
            id_ = self._ids[cls, code] = cls.id_for(code)
        if id_ not in self._aggregates:
            try:
                self._aggregates[id_] = self.ledger.get(cls, code, to_change=True)
            except NotFound:
                self._aggregates[id_] = None
        aggregate = self._aggregates[id_]
        assert aggregate is None or isinstance(aggregate, cls)
        return aggregate

    def add(self, aggregate: AggregateT) -> AggregateT:
        """A newly registered aggregate, its code free (see :meth:`require_new`)."""
        self._aggregates[aggregate.id] = aggregate
        return aggregate

    def require_new(self, cls: type[AggregateT], code: str) -> None:
        if self._load(cls, code) is not None:
            noun = noun_of(cls)
            raise RuleViolation("code-taken", f"{noun} {code} already exists",
                                field=noun, hint="codes are unique; choose another")

    def pilots_of(self, consortium: str) -> list[Pilot]:
        """Every pilot of a consortium: stored, or registered earlier in this unit of work."""
        new = [a.code for a in self._aggregates.values()
               if isinstance(a, Pilot) and a.consortium == consortium]
        return [self.get(Pilot, code)
                for code in dict.fromkeys([*self.ledger.pilot_codes(consortium), *new])]

    def entry(self, code: str, version: int) -> Recorded:
        """Event N of a pilot, whether stored or recorded earlier in this unit of work."""
        pilot = self.get(Pilot, code)
        pending = pilot.pending_events
        first = pending[0].originator_version if pending else pilot.version + 1
        if version >= first:
            if version > pilot.version:
                raise NotFound(f"no event {pilot.code}@{version}")
            event = pending[version - first]
            assert isinstance(event, Recorded)
            return event
        return self.ledger.pilot_event(pilot.code, version)

    def latest_correction(self, code: str, version: int) -> ev.EntryCorrected | None:
        """The last correction of a pilot's entry N, recorded earlier in this unit of work
        or stored, or None if it was never corrected."""
        pilot = self.get(Pilot, code)
        if version not in pilot.corrected:
            return None
        for event in reversed(pilot.pending_events):
            if isinstance(event, ev.EntryCorrected) and event.corrects == version:
                return event
        for stored in self.ledger.recorder.select_events(pilot.id, gt=version, desc=True):
            if (stored.topic == ev.EntryCorrected.TYPE
                    and json.loads(stored.state).get("corrects") == version):
                found = self.ledger.mapper.to_domain_event(stored)
                assert isinstance(found, ev.EntryCorrected)
                return found
        return None

    def collect(self, aggregate: Changed) -> None:
        """The aggregate has just recorded new events: keep the order they came in."""
        pending = aggregate.pending_events
        for event in pending[self._collected.get(aggregate.id, 0):]:
            assert isinstance(event, Recorded)
            self.recorded.append(event)
        self._collected[aggregate.id] = len(pending)

    def touched(self) -> list[Changed]:
        """Aggregates with events waiting to be saved."""
        return [a for a in self._aggregates.values() if a is not None and a.pending_events]

    def commit(self) -> None:
        touched = self.touched()
        if not touched:
            return
        if self.batch:
            self.ledger.save_batch(touched, self.recorded)
        else:
            self.ledger.save(*touched)
        self._aggregates.clear()

    def rollback(self) -> None:
        """Forget every aggregate loaded: a failed command may have changed it."""
        for id_, aggregate in self._aggregates.items():
            if aggregate is not None:
                self.ledger.forget(id_)
        self._aggregates.clear()
        self.recorded.clear()
        self._collected.clear()


def retrying(ledger: Ledger, work: Callable[[UnitOfWork], T], *, subject: str,
             batch: bool = False, gave_up: ConcurrentChange | None = None) -> T:
    """Run ``work`` in a unit of work and commit it; re-run it if it lost a race.

    A rule the work breaks on its first run is the user's error; on a re-run,
    the store changed under it (a concurrent change), as does losing every run.
    """
    for attempt in range(RETRIES):
        uow = UnitOfWork(ledger, batch=batch)
        try:
            result = work(uow)
            uow.commit()
        except IntegrityError:
            uow.rollback()
            continue
        except RuleViolation as rule:
            uow.rollback()
            if attempt == 0:
                raise
            raise ConcurrentChange(f"{subject} changed meanwhile and the command is no longer "
                                   f"valid: {rule.message}", hint="look again and retry"
                                   ) from None
        except BaseException:
            uow.rollback()
            raise
        return result
    raise gave_up or ConcurrentChange(f"{subject} kept changing; gave up after {RETRIES} tries",
                                      hint="retry the command")
