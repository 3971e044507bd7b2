"""The ledger: the event store, and every command and query over it.

A command (:mod:`scaletrack.application.commands`) goes to :meth:`Ledger.handle`,
which runs its handler (:mod:`scaletrack.application.handlers`) in a unit of
work and saves it; a command that loses a race for the same aggregate is
re-run against the new state a bounded number of times, and if it is no
longer valid, or keeps losing, it is reported as a concurrent change.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import suppress
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.persistence import (
    EventStore,
    JSONTranscoder,
    Mapper,
    Transcoder,
)

from scaletrack.application.aggregates import AggregateT, Changed, noun_of
from scaletrack.application.commands import Command, CorrectEntry, LogPilotEvent, RetractEntry
from scaletrack.application.mapper import EventMapper, register_state_types
from scaletrack.application.records import parse_event_id
from scaletrack.application.store import StoreURL, refuse_a_foreign_file
from scaletrack.application.unit_of_work import RETRIES, retrying
from scaletrack.audit.ports import StaleSnapshot
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.errors import InvalidInput, NotFound
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import Source, canonical
from scaletrack.persistence.chain_table import ChainTable
from scaletrack.persistence.recorder import ChainedRecorder
from scaletrack.persistence.snapshots import SealedSnapshots, SnapshotRecorder

Clock = Callable[[], datetime]
A = TypeVar("A", bound=Changed)

__all__ = ["RETRIES", "Clock", "Ledger", "utc_now"]

if TYPE_CHECKING:
    from scaletrack.domain.consortium import Consortium
    from scaletrack.domain.indicator import Indicator


_FIRST_EVENT = {"consortium": "consortium.registered", "indicator": "indicator.defined",
                "organisation": "organisation.registered", "pilot": "pilot.registered"}
"""The type of each kind of aggregate's first event, which carries its code."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class Ledger(Application[UUID]):
    """The event-sourced application behind every scaletrack command."""

    name = "scaletrack"
    snapshotting_intervals = {Pilot: 100}

    def __init__(self, store: StoreURL, clock: Clock = utc_now, cache_size: int = 1000) -> None:
        refuse_a_foreign_file(store)
        self.store = store
        self.clock = clock
        super().__init__(env={**store.eventsourcing_env(),
                              "AGGREGATE_CACHE_MAXSIZE": str(cache_size)})

    def construct_transcoder(self) -> Transcoder:
        transcoder = JSONTranscoder()
        self.register_transcodings(transcoder)
        register_state_types(transcoder)
        return transcoder

    def construct_mapper(self) -> Mapper[UUID]:
        return EventMapper(transcoder=self.construct_transcoder())

    # -- the store's own records (scaletrack.persistence) ---------------------

    @property
    def chain(self) -> ChainTable:
        """The store's audit chain, which its recorder extends in every save's transaction.

        eventsourcing's in-memory store, the domain tests' fake, keeps none.
        """
        recorder = self.recorder
        if not isinstance(recorder, ChainedRecorder):
            raise TypeError(f"{type(recorder).__name__} keeps no audit chain")
        return recorder.chain

    def construct_snapshot_store(self) -> EventStore[UUID]:
        """Snapshots sealed to the chain: a pilot is loaded from a snapshot only if the
        chain covers it (:mod:`scaletrack.persistence.snapshots`)."""
        recorder = self.factory.aggregate_recorder(purpose="snapshots")
        if isinstance(recorder, SnapshotRecorder):
            return SealedSnapshots(self.mapper, recorder)
        return self.factory.event_store(mapper=self.mapper, recorder=recorder)

    def stale_snapshots(self) -> Iterator[StaleSnapshot]:
        """Every sealed snapshot that its seal or the events before it do not bear out."""
        if isinstance(self.snapshots, SealedSnapshots):
            yield from self.snapshots.stale(self.events)

    def create_tables(self) -> None:
        """Create whatever tables the store lacks (``scaletrack init``, as its owner)."""
        recorder = self.recorder
        assert isinstance(recorder, ChainedRecorder)
        recorder.create_table()
        if isinstance(self.snapshots, SealedSnapshots):
            self.snapshots.sealing.create_table()

    # -- provenance -----------------------------------------------------------

    def provenance(self, actor: str | None, occurred_on: date | None = None,
                   reason: str | None = None, source: Source = Source.CLI) -> Provenance:
        actor = (actor or os.environ.get("SCALETRACK_ACTOR") or "").strip()
        if not actor:
            raise InvalidInput("no actor: every write records who made it",
                               hint="give --actor NAME or set SCALETRACK_ACTOR")
        recorded_at = self.clock()
        return Provenance(occurred_on=occurred_on or recorded_at.date(), recorded_at=recorded_at,
                          actor=actor, source=source, reason=(reason or "").strip() or None)

    # -- commands -------------------------------------------------------------

    def handle(self, command: Command[A], *, by: Provenance) -> A:
        """Decide and save one command; returns the aggregate after it.

        A command that lost a race for its aggregate is re-run against the new
        state (see :func:`~scaletrack.application.unit_of_work.retrying`).
        """
        from scaletrack.application.handlers import handle

        changed = retrying(self, lambda uow: handle(uow, command, by), subject=command.subject)
        return cast(A, changed)  # HANDLERS maps each Command[A] to a handler returning an A

    def register_consortium(self, code: str, name: str, lead: str, countries: list[str],
                            by: Provenance) -> Consortium:
        from scaletrack.application.commands import RegisterConsortium

        return self.handle(RegisterConsortium(code, name, lead, countries), by=by)

    def add_country(self, code: str, country: str, by: Provenance) -> Consortium:
        from scaletrack.application.commands import AddCountry

        return self.handle(AddCountry(code, country), by=by)

    def add_partner(self, code: str, organisation: str, country: str, role: str,
                    by: Provenance) -> Consortium:
        from scaletrack.application.commands import AddPartner

        return self.handle(AddPartner(code, organisation, country, role), by=by)

    def establish_centre(self, code: str, country: str, name: str,
                         by: Provenance) -> Consortium:
        from scaletrack.application.commands import EstablishCentre

        return self.handle(EstablishCentre(code, country, name), by=by)

    def define_indicator(self, code: str, definition: dict[str, Any],
                         by: Provenance) -> Indicator:
        from scaletrack.application.commands import DefineIndicator

        return self.handle(DefineIndicator(code, **definition), by=by)

    def revise_indicator(self, code: str, changes: dict[str, Any], by: Provenance) -> Indicator:
        from scaletrack.application.commands import ReviseIndicator

        return self.handle(ReviseIndicator(code, **changes), by=by)

    def retire_indicator(self, code: str, by: Provenance) -> Indicator:
        from scaletrack.application.commands import RetireIndicator

        return self.handle(RetireIndicator(code), by=by)

    def register_pilot(self, code: str, consortium: str, details: dict[str, Any],
                       by: Provenance) -> Pilot:
        from scaletrack.application.commands import RegisterPilot

        return self.handle(RegisterPilot(code, consortium, **details), by=by)

    def log_event(self, kind_name: str, code: str, values: dict[str, Any], by: Provenance) -> Pilot:
        """Record one pilot event of the named kind; returns the pilot after it."""
        return self.handle(LogPilotEvent.checked(kind_name, code, values), by=by)

    def correct(self, event_ref: str, changes: dict[str, Any], by: Provenance) -> Pilot:
        code, version = parse_event_id(event_ref)
        return self.handle(CorrectEntry(code, version, changes), by=by)

    def retract(self, event_ref: str, by: Provenance) -> Pilot:
        code, version = parse_event_id(event_ref)
        return self.handle(RetractEntry(code, version), by=by)

    # -- queries --------------------------------------------------------------

    def get(self, cls: type[AggregateT], code: str, version: int | None = None, *,
            to_change: bool = False) -> AggregateT:
        """An aggregate by code; ``to_change`` hands out the cached instance itself
        (only for a unit of work, which forgets it if its command or its save fails)."""
        code = canonical(code)
        if version is not None and not 0 < version < 2**63:
            raise NotFound(f"{code} has no version {version}", hint="versions count from 1")
        try:
            aggregate: AggregateT = self.repository.get(cls.id_for(code), version=version,
                                                        deepcopy_from_cache=not to_change)
        except AggregateNotFoundError:
            raise self.missing(cls, code) from None
        if version is not None and aggregate.version < version:
            raise NotFound(f"{code} has only {aggregate.version} events, not {version}")
        return aggregate

    @staticmethod
    def missing(cls: type[Changed], code: str) -> NotFound:
        """The error for a code no aggregate of the kind has."""
        noun = noun_of(cls)
        return NotFound(f"no {noun} {canonical(code)}", hint=f"see scaletrack {noun} list")

    def pilot_event(self, code: str, version: int) -> Recorded:
        code = canonical(code)
        for event in self.events.get(Pilot.id_for(code), gt=version - 1, lte=version):
            assert isinstance(event, Recorded)
            return event
        raise NotFound(f"no event {code}@{version}", hint=f"see scaletrack pilot history {code}")

    def last_version(self, aggregate_id: UUID) -> int:
        """The version of an aggregate's newest event, without reading its stream."""
        for event in self.events.get(aggregate_id, desc=True, limit=1):
            return int(event.originator_version)
        raise NotFound(f"nothing stored for {aggregate_id}")

    def codes(self, cls: type[AggregateT]) -> list[str]:
        """Codes of every aggregate of a kind, in the order they were registered."""
        first = _FIRST_EVENT[noun_of(cls)]
        return [str(e.code) for e in self.all_events(types=[first])]  # type: ignore[attr-defined]

    def pilot_codes(self, consortium: str) -> list[str]:
        """Codes of a consortium's pilots, in the order they were registered."""
        return [str(e.code) for e in self.all_events(types=[Pilot.Registered.TYPE])
                if isinstance(e, Pilot.Registered) and e.consortium == consortium]

    def all(self, cls: type[AggregateT]) -> list[AggregateT]:
        return [self.get(cls, code) for code in self.codes(cls)]

    def all_events(self, types: list[str] | None = None, page: int = 1000) -> Iterator[Recorded]:
        """Every stored event in the store's global order, optionally of some types."""
        start = 1
        while True:
            notes = self.recorder.select_notifications(start, page, topics=types or ())
            for note in notes:
                event = self.mapper.to_domain_event(note)
                assert isinstance(event, Recorded)
                yield event
            if len(notes) < page:
                return
            start = notes[-1].id + 1

    def event_count(self) -> int:
        return int(self.recorder.max_notification_id() or 0)

    # -- saving -------------------------------------------------------------

    def forget(self, aggregate_id: UUID) -> None:
        """Drop an aggregate from the cache (a failed command may have changed it)."""
        if self.repository.cache is not None:
            with suppress(KeyError):
                self.repository.cache.get(aggregate_id, evict=True)

    def save_batch(self, aggregates: list[Changed],
                   order: list[Recorded]) -> None:
        """Save the new events of many aggregates in one atomic write (a bulk import).

        The events are stored in ``order`` (the order they were recorded in),
        not aggregate by aggregate. Unlike :meth:`save`, which re-reads a pilot
        to snapshot every hundredth version (one read and one commit each),
        this snapshots each aggregate once, if its new events passed a
        snapshot interval (:meth:`_snapshot_saved`).
        """
        passed = {a.id: a.pending_events[0].originator_version
                  for a in aggregates if self._passes_snapshot_interval(a)}
        processing: ProcessingEvent[UUID] = ProcessingEvent()
        processing.collect_events(*aggregates)
        assert len(order) == len(processing.events), "every new event, each once"
        processing.events = list(order)
        self._record(processing)
        if self.snapshots is not None:
            for aggregate in aggregates:
                if aggregate.id in passed:
                    self._snapshot_saved(aggregate, first_new=passed[aggregate.id])
        self.notify(processing.events)

    def _snapshot_saved(self, aggregate: Changed, first_new: int) -> None:
        """Snapshot an aggregate whose new events were just saved.

        Its state in memory is what its stored events give, except the recorded-at
        moments its recorder may have moved on (:mod:`scaletrack.persistence.recorded_at`),
        of which the state keeps two: ``created_on`` and ``modified_on``. Where the
        store holds those as the aggregate does, it is snapshotted as it is; else it is
        read back from the store (replaying every new event: 4 of the 19 s of importing
        50,000 rows for one pilot, profiled).
        """
        assert self.snapshots is not None
        newest = self._stored_moment(aggregate.id, aggregate.version)
        created = (self._stored_moment(aggregate.id, 1) if first_new == 1
                   else aggregate.created_on)
        if newest != aggregate.modified_on or created != aggregate.created_on:
            self.take_snapshot(aggregate.id, version=aggregate.version)
            return
        snapshot_class = getattr(type(aggregate), "Snapshot", type(self).snapshot_class)
        assert snapshot_class is not None
        self.snapshots.put([snapshot_class.take(aggregate)])

    def _stored_moment(self, aggregate_id: UUID, version: int) -> datetime | None:
        """The recorded-at of one stored event of an aggregate, as the store holds it."""
        for event in self.events.get(aggregate_id, gt=version - 1, lte=version):
            return cast(datetime, event.timestamp)  # type: ignore[attr-defined]
        return None

    def _passes_snapshot_interval(self, aggregate: Changed) -> bool:
        interval = self.snapshotting_intervals.get(type(aggregate))
        if not interval or not aggregate.pending_events:
            return False
        first = aggregate.pending_events[0].originator_version
        return (first - 1) // interval != aggregate.version // interval
