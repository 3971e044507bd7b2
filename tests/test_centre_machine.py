"""A Hypothesis state machine for a centre's work on the Consortium aggregate.

A trivial model sits beside the consortium: who is on the map, which
relationships and actions exist and each action's status. Each rule sends one
command, legal or not; the model predicts whether it is accepted. After every
step the consortium agrees with the model, a refused command appended nothing,
and replaying the stored events (through the real mapper) gives the same state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from eventsourcing.persistence import JSONTranscoder, StoredEvent
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from scaletrack.application.mapper import DateAsISO, EventMapper
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.errors import ScaletrackError

ORGANISATIONS = st.sampled_from(["GR-MA", "GR-HUB", "GR-ATH"])
ACTIONS = st.sampled_from(["A1", "A2"])
STATUSES = st.sampled_from(["in-progress", "done", "dropped", "planned"])
FINISHED = {"done", "dropped"}


def by(day: date) -> Provenance:
    return Provenance(occurred_on=day, recorded_at=datetime(2024, 1, 1, tzinfo=UTC),
                      actor="tester")


class CentreMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        transcoder = JSONTranscoder()
        transcoder.register(DateAsISO())
        self.mapper = EventMapper(transcoder=transcoder)
        self.day = date(2021, 5, 3)
        self.consortium = Consortium.register("SEED", "Seed", "Turin", ["IT", "GR"],
                                              by(self.day))
        self.mapped: set[str] = set()
        self.relationships: set[str] = set()
        self.actions: dict[str, str] = {}
        self.stored: list[StoredEvent] = []
        self._store()

    def _store(self) -> None:
        for event in self.consortium.collect_events():
            stored = self.mapper.to_stored_event(event)
            assert self.mapper.to_domain_event(stored) == event
            self.stored.append(stored)

    def _next_day(self) -> Provenance:
        self.day += timedelta(days=3)
        return by(self.day)

    def attempt(self, legal: bool, command: Callable[[], None]) -> None:
        version = self.consortium.version
        try:
            command()
        except ScaletrackError:
            assert not legal, "a legal command was refused"
            assert self.consortium.version == version
            assert not self.consortium.pending_events
            return
        assert legal, "an illegal command was accepted"
        self._store()

    @rule(organisation=ORGANISATIONS)
    def map_stakeholder(self, organisation: str) -> None:
        legal = organisation not in self.mapped
        self.attempt(legal, lambda: self.consortium.map_stakeholder(
            "GR", organisation, "promoter", [], ["Impact measurement"], self._next_day()))
        if legal:
            self.mapped.add(organisation)

    @rule(source=ORGANISATIONS, to=ORGANISATIONS, ref=st.sampled_from(["R1", "R2"]))
    def relate(self, source: str, to: str, ref: str) -> None:
        legal = ref not in self.relationships and source != to and {source, to} <= self.mapped
        self.attempt(legal, lambda: self.consortium.relate(
            "GR", ref, source, "supports", to, None, None, self._next_day()))
        if legal:
            self.relationships.add(ref)

    @rule(action=ACTIONS)
    def plan_action(self, action: str) -> None:
        legal = action not in self.actions
        day = self._next_day()
        self.attempt(legal, lambda: self.consortium.plan_action(
            "GR", action, "Do it", "GR-HUB", day.occurred_on + timedelta(days=90), day))
        if legal:
            self.actions[action] = "planned"

    @rule(action=ACTIONS, status=STATUSES)
    def change_status(self, action: str, status: str) -> None:
        now = self.actions.get(action)
        legal = (now is not None and now not in FINISHED and status != now
                 and status != "planned")
        self.attempt(legal, lambda: self.consortium.change_action_status(
            "GR", action, status, self._next_day()))
        if legal:
            self.actions[action] = status

    @invariant()
    def the_consortium_agrees_with_the_model(self) -> None:
        work = self.consortium.work_in("GR")
        assert set(work.stakeholders) == self.mapped
        assert set(work.relationships) == self.relationships
        assert {a: x.status for a, x in work.actions.items()} == self.actions

    @invariant()
    def replaying_the_stored_events_gives_the_same_consortium(self) -> None:
        replayed: Any = None
        for stored in self.stored:
            event = self.mapper.to_domain_event(stored)
            assert isinstance(event, Recorded)
            replayed = event.mutate(replayed)
        assert isinstance(replayed, Consortium)
        assert replayed.version == self.consortium.version
        assert replayed.centre_work == self.consortium.centre_work


CentreMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25,
                                           deadline=None)
test_centre_machine = CentreMachine.TestCase
