"""A Hypothesis state machine for the Pilot aggregate.

A trivial model of the rules sits beside the real aggregate. Each rule sends
one command, legal or not; the model predicts whether the pilot accepts it.
After every step: the pilot agrees with the model, a refused command changed
nothing and appended nothing, and replaying the stored events (encoded and
decoded by the real mapper) from scratch gives the same state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from eventsourcing.persistence import JSONTranscoder, StoredEvent
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from scaletrack.application.mapper import DateAsISO, EventMapper
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance, Recorded
from scaletrack.domain.errors import ScaletrackError
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import (
    CLOSABLE_STAGES,
    LEGAL_TRANSITIONS,
    Stage,
    period_of,
    period_start,
)

TODAY = date(2023, 6, 30)
RECORDED_AT = datetime(2023, 6, 30, 12, tzinfo=UTC)

days = st.dates(date(2022, 10, 1), date(2023, 7, 1))  # the last day is in the future
periods = st.sampled_from(["2022-Q4", "2023-Q1", "2023-Q2"])
reasons = st.sampled_from(["because", "because", None])
milestones = st.sampled_from(["M1", "M2"])
risks = st.sampled_from(["R1", "R2"])
partners = st.sampled_from(["Social Hub", "Lab Athens"])

results = st.sampled_from([
    ("PART", 10, None, None), ("PART", 10, 6, "Good quarter"), ("POLICY", None, None, "Law"),
    ("PART", 10, 5, None), ("PART", None, None, "Many"), ("POLICY", 3, None, "Law"),
    ("POLICY", None, None, None),
])
"""Results as (indicator, value, women of a women + 4 men breakdown, narrative)."""

CORRECTION = {
    "pilot.readiness-assessed": {"summary": "Corrected summary"},
    "pilot.evaluation-completed": {"findings": "Corrected findings"},
    "pilot.result-reported": {"narrative": "Corrected narrative"},
    "pilot.target-set": {"narrative": "Corrected narrative"},
}
"""A change each kind of entry accepts; other events are not entries."""


PATH = {
    "proposed": [],
    "planned": ["readiness", "readiness-assessed", "planned"],
    "piloting": ["readiness", "readiness-assessed", "planned", "piloting"],
    "evaluated": ["readiness", "readiness-assessed", "planned", "piloting", "evaluation",
                  "evaluated"],
}
PATH["rolling-out"] = [*PATH["evaluated"], "rolling-out"]
PATH["adapting"] = [*PATH["evaluated"], "adapting"]
PATH["stopped"] = [*PATH["evaluated"], "stopped"]
"""Legal ways to the stages a run may start from."""


@dataclass
class EntryModel:
    type: str
    period: str
    retracted: bool = False
    corrected: bool = False


@dataclass
class Model:
    """What the rules of DOMAIN.md say the pilot's state is."""

    stage: str = "proposed"
    readiness: bool = False
    evaluations: int = 0
    milestones: dict[str, tuple[str, date, date]] = field(default_factory=dict)
    """Reference -> (status, due, the day it was planned)."""
    risks: dict[str, str] = field(default_factory=dict)
    partners: set[str] = field(default_factory=set)
    periods: dict[str, str] = field(default_factory=dict)
    submitted_on: dict[str, date] = field(default_factory=dict)
    targets: dict[str, int] = field(default_factory=dict)
    """Indicator|period -> the version of the entry that set the target."""
    results: dict[str, int] = field(default_factory=dict)
    """Indicator|period -> the version of the entry that reported the result."""
    entries: dict[int, EntryModel] = field(default_factory=dict)
    version: int = 1
    registration: tuple[str, list[str], date] = ("SI mapping", ["GR", "RO"], date(2024, 6, 30))
    """Title, target countries and end date, as registered or amended."""

    @property
    def open(self) -> bool:
        return self.stage != "closed"

    def unlocked(self, period: str) -> bool:
        return self.periods.get(period) != "approved"

    def can_record_entry(self, period: str, on: date) -> bool:
        return self.open and self.unlocked(period) and on <= TODAY

    def planned(self, milestone: str, on: date) -> bool:
        return (self.open and on <= TODAY and self.unlocked(period_of(on))
                and self.milestones.get(milestone, ("", TODAY, TODAY))[0] == "planned")

    def correctable(self, version: int, reason: str | None, on: date) -> bool:
        entry = self.entries.get(version)
        return (reason is not None and entry is not None and not entry.retracted
                and self.unlocked(entry.period) and on <= TODAY)


def by(on: date, reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=on, recorded_at=RECORDED_AT, actor="machine", reason=reason)


def public_state(pilot: Pilot) -> dict[str, Any]:
    return {k: v for k, v in vars(pilot).items() if not k.startswith("_")}


class PilotMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        transcoder = JSONTranscoder()
        transcoder.register(DateAsISO())
        self.mapper = EventMapper(transcoder=transcoder)
        start = by(date(2022, 9, 1))
        self.seed = seed = Consortium.register("SEED", "Seed", "City of Turin",
                                               ["IT", "GR", "RO"], start)
        self.indicators = {
            "PART": Indicator.define("PART", start, name="Participants", level="output",
                                     measure="unit", unit="people", direction="higher",
                                     accumulation="incremental", dimensions=["sex"]),
            "POLICY": Indicator.define("POLICY", start, name="Policy change", level="impact",
                                       measure="qualitative", unit="", direction="higher",
                                       accumulation="snapshot", dimensions=[]),
        }
        self.pilot = Pilot.register(
            "SEED-GR-01", seed, start, title="SI mapping", innovation="Local SI mapping",
            origin_country="IT", target_countries=["GR", "RO"], core_components=["Method"],
            adaptable_components=["Venue"], starts_on=date(2022, 9, 1),
            ends_on=date(2024, 6, 30))
        self.model = Model()
        self.stored: list[StoredEvent] = []
        self._store()

    # -- the harness ----------------------------------------------------------------

    def _store(self) -> None:
        """Save pending events as the store would, checking each survives the round trip."""
        for event in self.pilot.collect_events():
            stored = self.mapper.to_stored_event(event)
            assert self.mapper.to_domain_event(stored) == event
            self.stored.append(stored)

    def attempt(self, legal: bool, command: Callable[[], None],
                accepted: Callable[[], None] = lambda: None) -> None:
        before = public_state(self.pilot)
        version = self.pilot.version
        refusal: ScaletrackError | None = None
        try:
            command()
        except ScaletrackError as error:
            refusal = error
        if refusal is not None:
            assert not legal, f"refused a legal command: {refusal}"
            assert not self.pilot.pending_events, "a refused command appended an event"
            assert self.pilot.version == version
            assert public_state(self.pilot) == before, "a refused command changed the pilot"
            return
        assert legal, "accepted an illegal command"
        assert len(self.pilot.pending_events) == 1
        accepted()
        self.model.version += 1
        self._store()

    def entry(self, kind: str, period: str) -> Callable[[], None]:
        def add() -> None:
            self.model.entries[self.model.version + 1] = EntryModel(kind, period)
        return add

    # -- stages ---------------------------------------------------------------------

    @initialize(stage=st.sampled_from(list(PATH)))
    def start_at(self, stage: str) -> None:
        """Start some runs further along, so the late stages and closing get exercised."""
        for step in PATH[stage]:
            if step == "readiness":
                self.assess_readiness(70, date(2022, 10, 3))
            elif step == "evaluation":
                self.complete_evaluation("scale", date(2022, 10, 3))
            else:
                self.advance_to(step, date(2022, 10, 3))
        assert self.model.stage == stage

    @rule(data=st.data(), on=days)
    def advance_stage(self, data: st.DataObject, on: date) -> None:
        legal_next = sorted(s.value for s in LEGAL_TRANSITIONS[Stage(self.model.stage)])
        anything = st.sampled_from([*(s.value for s in Stage), "flying"])
        self.advance_to(data.draw(st.sampled_from(legal_next) | anything if legal_next
                                  else anything, label="to"), on)

    def advance_to(self, to: str, on: date) -> None:
        m = self.model
        legal = (m.open and on <= TODAY
                 and to in {s.value for s in LEGAL_TRANSITIONS[Stage(m.stage)]}
                 and (to != "readiness-assessed" or m.readiness)
                 and (to != "evaluated" or m.evaluations > 0))

        def accepted() -> None:
            m.stage = to
        self.attempt(legal, lambda: self.pilot.advance_stage(to, by(on)), accepted)

    @rule(score=st.integers(-5, 105), on=days)
    def assess_readiness(self, score: int, on: date) -> None:
        legal = self.model.can_record_entry(period_of(on), on) and 0 <= score <= 100

        def accepted() -> None:
            self.entry("pilot.readiness-assessed", period_of(on))()
            self.model.readiness = True
        self.attempt(legal, lambda: self.pilot.assess_readiness(score, "Ready", by(on)),
                     accepted)

    @rule(recommendation=st.sampled_from(["scale", "adapt", "stop", "shrug"]), on=days)
    def complete_evaluation(self, recommendation: str, on: date) -> None:
        legal = (self.model.can_record_entry(period_of(on), on) and recommendation != "shrug"
                 and not (recommendation == "scale" and self.model.stage == "proposed"))

        def accepted() -> None:
            self.entry("pilot.evaluation-completed", period_of(on))()
            self.model.evaluations += 1
        self.attempt(legal, lambda: self.pilot.complete_evaluation(
            by(on), method="Survey", findings="Works", recommendation=recommendation), accepted)

    @rule(on=days)
    def close(self, on: date) -> None:
        m = self.model
        legal = m.open and on <= TODAY and Stage(m.stage) in CLOSABLE_STAGES

        def accepted() -> None:
            m.stage = "closed"
        self.attempt(legal, lambda: self.pilot.close("continued-by-promoter", "Lessons", by(on)),
                     accepted)

    # -- milestones -----------------------------------------------------------------

    @rule(ref=milestones, due=days, on=days)
    def plan_milestone(self, ref: str, due: date, on: date) -> None:
        m = self.model
        legal = (m.open and on <= TODAY and ref not in m.milestones
                 and m.unlocked(period_of(on)))

        def accepted() -> None:
            m.milestones[ref] = ("planned", due, on)
        self.attempt(legal, lambda: self.pilot.plan_milestone(ref, "Site open", due, by(on)),
                     accepted)

    @rule(ref=milestones, on=days)
    def achieve_milestone(self, ref: str, on: date) -> None:
        m = self.model

        def accepted() -> None:
            m.milestones[ref] = ("achieved", *m.milestones[ref][1:])
        legal = m.planned(ref, on) and on >= m.milestones[ref][2]
        self.attempt(legal, lambda: self.pilot.achieve_milestone(ref, by(on)),
                     accepted)

    @rule(ref=milestones, new_due=days, on=days)
    def slip_milestone(self, ref: str, new_due: date, on: date) -> None:
        m = self.model
        legal = m.planned(ref, on) and new_due > m.milestones[ref][1]

        def accepted() -> None:
            m.milestones[ref] = ("planned", new_due, m.milestones[ref][2])
        self.attempt(legal, lambda: self.pilot.slip_milestone(ref, new_due, by(on)), accepted)

    @rule(ref=milestones, reason=reasons, on=days)
    def drop_milestone(self, ref: str, reason: str | None, on: date) -> None:
        m = self.model

        def accepted() -> None:
            m.milestones[ref] = ("dropped", *m.milestones[ref][1:])
        self.attempt(m.planned(ref, on) and reason is not None,
                     lambda: self.pilot.drop_milestone(ref, by(on, reason)), accepted)

    # -- risks and partners ---------------------------------------------------------

    @rule(ref=risks, severity=st.sampled_from(["low", "high", "dire"]), on=days)
    def raise_risk(self, ref: str, severity: str, on: date) -> None:
        m = self.model
        legal = m.open and on <= TODAY and ref not in m.risks and severity != "dire"

        def accepted() -> None:
            m.risks[ref] = "open"
        self.attempt(legal, lambda: self.pilot.raise_risk(ref, "Turnover", severity, by(on)),
                     accepted)

    @rule(ref=risks, on=days)
    def close_risk(self, ref: str, on: date) -> None:
        m = self.model
        legal = m.open and on <= TODAY and m.risks.get(ref) == "open"

        def accepted() -> None:
            m.risks[ref] = "closed"
        self.attempt(legal, lambda: self.pilot.close_risk(ref, by(on)), accepted)

    @rule(organisation=partners, on=days)
    def join_partner(self, organisation: str, on: date) -> None:
        m = self.model
        legal = m.open and on <= TODAY and organisation not in m.partners
        self.attempt(legal, lambda: self.pilot.join_partner(organisation, "GR", "host", by(on)),
                     lambda: m.partners.add(organisation))

    @rule(organisation=partners, on=days)
    def leave_partner(self, organisation: str, on: date) -> None:
        m = self.model
        legal = m.open and on <= TODAY and organisation in m.partners
        self.attempt(legal, lambda: self.pilot.leave_partner(organisation, by(on)),
                     lambda: m.partners.discard(organisation))

    # -- reporting periods ----------------------------------------------------------

    def move_period(self, command: Callable[[str, Provenance], None], period: str,
                    on: date, reason: str | None, allowed: tuple[str | None, ...],
                    status: str, needs_reason: bool = False) -> None:
        m = self.model
        legal = (on <= TODAY and m.periods.get(period) in allowed
                 and (reason is not None or not needs_reason)
                 and not (status == "submitted" and on < period_start(period))
                 and not (status == "approved" and on < m.submitted_on.get(period, on)))

        def accepted() -> None:
            m.periods[period] = status
            if status == "submitted":
                m.submitted_on[period] = on
        self.attempt(legal, lambda: command(period, by(on, reason)), accepted)

    @rule(period=periods, on=days)
    def submit_period(self, period: str, on: date) -> None:
        self.move_period(self.pilot.submit_period_report, period, on, None,
                         (None, "rejected", "unlocked"), "submitted")

    @rule(period=periods, on=days)
    def approve_period(self, period: str, on: date) -> None:
        self.move_period(self.pilot.approve_period_report, period, on, None,
                         ("submitted",), "approved")

    @rule(period=periods, on=days, reason=reasons)
    def reject_period(self, period: str, on: date, reason: str | None) -> None:
        self.move_period(self.pilot.reject_period_report, period, on, reason,
                         ("submitted",), "rejected", needs_reason=True)

    @rule(period=periods, on=days, reason=reasons)
    def unlock_period(self, period: str, on: date, reason: str | None) -> None:
        self.move_period(self.pilot.unlock_period, period, on, reason,
                         ("approved",), "unlocked", needs_reason=True)

    # -- targets and results --------------------------------------------------------

    @rule(result=results, period=periods, on=days)
    def report_result(self, result: tuple[str, int | None, int | None, str | None],
                      period: str, on: date) -> None:
        code, value, women, narrative = result
        breakdown = {} if women is None else {"sex": {"women": women, "men": 4}}
        if code == "PART":
            well_formed = value is not None and (women is None or women + 4 == value)
        else:
            well_formed = value is None and not breakdown and narrative is not None
        key = f"{code}|{period}"
        legal = (well_formed and self.model.can_record_entry(period, on)
                 and on >= period_start(period) and key not in self.model.results
                 and period_start(period) <= self.model.registration[2])  # within its dates

        def accepted() -> None:
            self.entry("pilot.result-reported", period)()
            self.model.results[key] = self.model.version + 1
        self.attempt(legal, lambda: self.pilot.report_result(
            self.indicators[code], by(on), period=period, value=value, narrative=narrative,
            breakdown=breakdown), accepted)

    @rule(numeric=st.booleans(), period=periods, amount=st.sampled_from([None, 120]),
          narrative=st.sampled_from([None, "A law"]), on=days)
    def set_target(self, numeric: bool, period: str, amount: int | None,
                   narrative: str | None, on: date) -> None:
        code = "PART" if numeric else "POLICY"
        key = f"{code}|{period}"
        well_formed = amount is not None if numeric else (amount is None and narrative)
        legal = bool(well_formed) and key not in self.model.targets and (
            self.model.can_record_entry(period, on))

        def accepted() -> None:
            self.entry("pilot.target-set", period)()
            self.model.targets[key] = self.model.version + 1
        self.attempt(legal, lambda: self.pilot.set_target(
            self.indicators[code], by(on), period=period, target=amount, narrative=narrative),
            accepted)

    # -- amending the registration -------------------------------------------------

    @rule(title=st.sampled_from([None, "SI mapping", "Local SI mapping in Greece"]),
          countries=st.sampled_from([None, ["GR", "RO"], ["RO"], ["FR"], []]),
          ends=st.sampled_from([None, date(2024, 6, 30), date(2025, 6, 30), date(2022, 8, 31),
                                date(2022, 12, 31)]), reason=reasons, on=days)
    def amend(self, title: str | None, countries: list[str] | None, ends: date | None,
              reason: str | None, on: date) -> None:
        current = self.model.registration
        amended = (title or current[0], current[1] if countries is None else countries,
                   ends or current[2])
        reported = [period_start(key.split("|")[1]) for key in self.model.results]
        legal = (reason is not None and on <= TODAY and amended != current
                 and amended[1] in (["GR", "RO"], ["RO"]) and amended[2] >= date(2022, 9, 1)
                 and all(start <= amended[2] for start in reported))

        def accepted() -> None:
            self.model.registration = amended
        self.attempt(legal, lambda: self.pilot.amend(
            self.seed, by(on, reason), title=title, target_countries=countries, ends_on=ends),
            accepted)

    # -- corrections and retractions ------------------------------------------------

    def versions(self) -> st.SearchStrategy[int]:
        """Mostly the pilot's entries, sometimes any of its events."""
        anything = st.integers(1, self.model.version)
        entries = sorted(self.model.entries)
        return st.sampled_from(entries) | anything if entries else anything

    def original(self, version: int) -> Recorded:
        event = self.mapper.to_domain_event(self.stored[version - 1])
        assert isinstance(event, Recorded)
        return event

    @rule(data=st.data(), reason=reasons, on=days)
    def correct(self, data: st.DataObject, reason: str | None, on: date) -> None:
        version = data.draw(self.versions(), label="version")
        original = self.original(version)
        changes = CORRECTION.get(original.TYPE, {"summary": "not an entry"})
        indicator = self.indicators.get(str(getattr(original, "indicator", "")))
        latest = self.latest_correction(version)

        def accepted() -> None:
            self.model.entries[version].corrected = True
        # the same change again changes nothing: refused
        self.attempt(self.model.correctable(version, reason, on)
                     and not self.model.entries[version].corrected,
                     lambda: self.pilot.correct_entry(original, changes, by(on, reason),
                                                      indicator, latest), accepted)

    def latest_correction(self, version: int) -> ev.EntryCorrected | None:
        for stored in reversed(self.stored):
            if stored.topic == ev.EntryCorrected.TYPE:
                event = self.mapper.to_domain_event(stored)
                assert isinstance(event, ev.EntryCorrected)
                if event.corrects == version:
                    return event
        return None

    @rule(data=st.data(), reason=reasons, on=days)
    def retract(self, data: st.DataObject, reason: str | None, on: date) -> None:
        version = data.draw(self.versions(), label="version")
        original = self.original(version)

        def accepted() -> None:
            self.model.entries[version].retracted = True
            for taken in (self.model.targets, self.model.results):
                for key in [k for k, v in taken.items() if v == version]:
                    del taken[key]  # a retracted target or result frees its period
        self.attempt(self.model.correctable(version, reason, on),
                     lambda: self.pilot.retract_entry(original, by(on, reason)), accepted)

    # -- invariants -----------------------------------------------------------------

    @invariant()
    def agrees_with_the_model(self) -> None:
        pilot, m = self.pilot, self.model
        assert (pilot.version, len(self.stored)) == (m.version, m.version)
        assert pilot.stage == m.stage
        assert {k: (v.status, v.due_on, v.planned_on)
                for k, v in pilot.milestones.items()} == m.milestones
        assert pilot.risks == m.risks
        assert set(pilot.partners) == m.partners
        assert pilot.periods == m.periods
        assert pilot.targets == m.targets
        assert pilot.results == m.results
        assert pilot.entry_count == len(m.entries)
        assert pilot.retracted == {k for k, e in m.entries.items() if e.retracted}
        assert (pilot.title, pilot.target_countries, pilot.ends_on) == m.registration

    @invariant()
    def milestones_only_ever_slip_later(self) -> None:
        for event in map(self.mapper.to_domain_event, self.stored):
            if event.TYPE == "pilot.milestone-slipped":  # type: ignore[attr-defined]
                assert event.new_due_on > event.previous_due_on  # type: ignore[attr-defined]

    @invariant()
    def replaying_the_stored_events_gives_the_same_pilot(self) -> None:
        replayed: Any = None
        for stored in self.stored:
            event = self.mapper.to_domain_event(stored)
            assert isinstance(event, Recorded)
            replayed = event.mutate(replayed)
        assert isinstance(replayed, Pilot)
        assert replayed.version == self.pilot.version
        assert public_state(replayed) == public_state(self.pilot)


PilotMachine.TestCase.settings = settings(max_examples=50, stateful_step_count=30,
                                          deadline=None)
test_pilot_machine = PilotMachine.TestCase

