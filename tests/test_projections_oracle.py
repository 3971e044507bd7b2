"""Every view agrees with the oracle, caught up command by command or rebuilt from scratch.

Hypothesis sends random sequences of ledger commands (legal or refused),
with late reports, corrections, retractions, locked periods and indicator
revisions. After every command the live views catch up, a few events a page;
at the end of each sequence every view's JSON document must equal what the
oracle folds from the events, and equal a rebuild from the first event into
a separate in-memory database.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from oracle import expected, public
from scaletrack.application.commands import AmendPilot, RemoveCountry
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL, empty_store
from scaletrack.cli.render import to_json
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.envelope import record
from scaletrack.domain.errors import ScaletrackError
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import LEGAL_TRANSITIONS, Stage
from scaletrack.projections.database import engine_for
from scaletrack.projections.facts import Fact, SelectionSource, StoreSource
from scaletrack.projections.runner import ReadModels
from view_documents import documents

TODAY = date(2023, 3, 1)
"""The day the progress view is asked about: some milestones are overdue by then."""

CONSORTIA = {"SEED": ["IT", "GR", "SI"], "ESIA": ["DE", "PL"]}
INDICATORS: dict[str, dict[str, Any]] = {
    "EECO12": {"measure": "unit", "unit": "participants", "direction": "higher",
               "accumulation": "incremental", "dimensions": ["sex", "age-band"],
               "esf_common": True},
    "SITES": {"measure": "unit", "unit": "sites", "direction": "higher",
              "accumulation": "cumulative", "dimensions": []},
    "EARN": {"measure": "percentage", "unit": "%", "direction": "higher",
             "accumulation": "snapshot", "dimensions": []},
    "COST": {"measure": "unit", "unit": "EUR", "direction": "lower",
             "accumulation": "snapshot", "dimensions": []},
    "POLICY": {"measure": "qualitative", "unit": "text", "direction": "higher",
               "accumulation": "snapshot", "dimensions": []},
}
PERIODS = ["2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4"]
CORE, ADAPTABLE = "Co-design method", "Venue"

days = st.dates(date(2022, 1, 1), date(2023, 1, 31))
reasons = st.sampled_from(["because", None])
amounts = st.integers(0, 60)
pilot_numbers = itertools.count(1)


def as_json(document: Any) -> Any:
    loaded: Any = json.loads(to_json(document))
    return loaded


def store_facts(ledger: Ledger) -> list[Fact]:
    return [fact for page in StoreSource(ledger.recorder).pages(0) for fact in page]


def rebuilt_elsewhere(ledger: Ledger, today: date) -> dict[str, Any]:
    """The views built from the first event into a private in-memory database."""
    engine = engine_for("sqlite://")
    ReadModels(engine, SelectionSource(store_facts(ledger)), ledger.name, page=3).catch_up()
    try:
        return documents(engine, today)
    finally:
        engine.dispose()


def oracle(ledger: Ledger, today: date) -> dict[str, Any]:
    document: dict[str, Any] = as_json(public(expected(ledger.all_events(), today)))
    return document


class Clock:
    """A clock that moves on by a few hours at every command."""

    def __init__(self) -> None:
        self.now = datetime(2023, 2, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(hours=7)
        return self.now


def set_up(ledger: Ledger) -> None:
    """The consortia and indicators every sequence uses."""
    by = ledger.provenance("setup", date(2022, 1, 1))
    for code, countries in CONSORTIA.items():
        ledger.register_consortium(code, f"{code} consortium", "Lead", countries, by)
    for code, definition in INDICATORS.items():
        ledger.define_indicator(code, {"name": code.title(), "level": "output", **definition},
                                by)


class Views(RuleBasedStateMachine):
    """Commands on a fresh store; the live views caught up after each."""

    url = ""

    def __init__(self) -> None:
        super().__init__()
        empty_store(StoreURL.parse(self.url))
        self.clock = Clock()
        self.ledger = Ledger(StoreURL.parse(self.url), clock=self.clock)
        self.engine = engine_for(self.url)
        self.models = ReadModels(self.engine, StoreSource(self.ledger.recorder),
                                 self.ledger.name, page=4)
        set_up(self.ledger)
        self.pilots: list[str] = []
        self.entries: list[tuple[str, int]] = []

    def _by(self, day: date, reason: str | None = "because") -> Any:
        return self.ledger.provenance("tester", min(day, self.clock.now.date()), reason)

    def _try(self, command: Any) -> Any:
        try:
            return command()
        except ScaletrackError:
            return None  # refused: the store is unchanged, the views must be too
        finally:
            self.models.catch_up()

    def _log(self, kind: str, pilot: str, values: dict[str, Any], day: date,
             reason: str | None = "because") -> None:
        logged = self._try(lambda: self.ledger.log_event(kind, pilot, values,
                                                         self._by(day, reason)))
        if logged is not None and isinstance(self.ledger.pilot_event(pilot, logged.version),
                                             ev.Entry):
            self.entries.append((pilot, logged.version))

    @initialize(consortium=st.sampled_from(sorted(CONSORTIA)), day=days)
    def first(self, consortium: str, day: date) -> None:
        self.register(consortium, day)

    @precondition(lambda self: len(self.pilots) < 3)
    @rule(consortium=st.sampled_from(sorted(CONSORTIA)), day=days)
    def register(self, consortium: str, day: date) -> None:
        code = f"P-{next(pilot_numbers)}"
        origin, *targets = CONSORTIA[consortium]
        registered = self._try(lambda: self.ledger.register_pilot(code, consortium, {
            "title": "A pilot", "innovation": "An innovation", "origin_country": origin,
            "target_countries": targets, "core_components": [CORE],
            "adaptable_components": [ADAPTABLE], "starts_on": date(2022, 1, 1),
            "ends_on": date(2023, 12, 31)}, self._by(day)))
        if registered is not None:  # refused where a country has left the consortium
            self.pilots.append(code)

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days, reason=reasons)
    def pathway(self, data: st.DataObject, day: date, reason: str | None) -> None:
        mechanism = data.draw(st.sampled_from(["dissemination", "affiliation", "branching"]))
        self._log(data.draw(st.sampled_from(["pathway", "pathway-changed"])),
                  data.draw(st.sampled_from(self.pilots)), {
                      "pilot_type": data.draw(st.sampled_from(["replication", "scale-up"])),
                      "dimensions": data.draw(st.lists(st.sampled_from(["out", "up", "deep"]),
                                                       min_size=1, max_size=2, unique=True)),
                      "mechanism": mechanism,
                      "affiliation_form": "licence" if mechanism == "affiliation" else None},
                  day, reason)

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days)
    def stage(self, data: st.DataObject, day: date) -> None:
        code = data.draw(st.sampled_from(self.pilots))
        current = Stage(self.ledger.get(Pilot, code).stage)
        if current is Stage.PROPOSED:
            self._log("readiness", code, {"score": 70, "summary": "Ready"}, day)
        if current is Stage.PILOTING:
            self._log("evaluation", code, {"method": "Survey", "findings": "Works",
                                           "recommendation": "scale"}, day)
        following = sorted(LEGAL_TRANSITIONS[current])
        if following:
            self._log("stage", code, {"to_stage": data.draw(st.sampled_from(following))}, day)
        else:
            self._log("closed", code, {"outcome": "continued-by-promoter", "lessons": "Many"}, day)

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days, reason=reasons)
    def milestone(self, data: st.DataObject, day: date, reason: str | None) -> None:
        """Plans a milestone, or moves a planned one on (achieved, slipped, dropped)."""
        code = data.draw(st.sampled_from(self.pilots))
        ref = data.draw(st.sampled_from(["M1", "M2", "M3"]))
        due = data.draw(st.dates(date(2022, 3, 1), date(2023, 9, 30)))
        if ref not in self.ledger.get(Pilot, code).milestones:
            self._log("milestone-planned", code, {"milestone": ref, "title": "A milestone",
                                                  "due_on": due}, day)
            return
        kind = data.draw(st.sampled_from(["milestone-achieved", "milestone-slipped",
                                          "milestone-dropped"]))
        extra = {"new_due_on": due} if kind == "milestone-slipped" else {}
        self._log(kind, code, {"milestone": ref, **extra}, day, reason)

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days)
    def risk(self, data: st.DataObject, day: date) -> None:
        code, ref = data.draw(st.sampled_from(self.pilots)), data.draw(st.sampled_from(["R1",
                                                                                        "R2"]))
        if data.draw(st.booleans()):
            self._log("risk-raised", code, {"risk": ref, "description": "Turnover",
                                            "severity": "high"}, day)
        else:
            self._log("risk-closed", code, {"risk": ref}, day)

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days, reason=reasons)
    def target(self, data: st.DataObject, day: date, reason: str | None) -> None:
        indicator = data.draw(st.sampled_from(sorted(INDICATORS)))
        qualitative = INDICATORS[indicator]["measure"] == "qualitative"
        values: dict[str, Any] = {"indicator": indicator,
                                  "period": data.draw(st.sampled_from(PERIODS))}
        if qualitative:
            values["narrative"] = "A law is passed"
        else:
            values["target"] = data.draw(st.integers(0, 80))
            values["baseline"] = data.draw(st.none() | st.integers(0, 80))
        code = data.draw(st.sampled_from(self.pilots))
        known = f"{indicator}|{values['period']}" in self.ledger.get(Pilot, code).targets
        self._log("target-revised" if known else "target", code, values, day, reason)

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days)
    def result(self, data: st.DataObject, day: date) -> None:
        """A result, often for a period that has a target."""
        code = data.draw(st.sampled_from(self.pilots))
        targets = sorted(self.ledger.get(Pilot, code).targets)
        if len(targets) > 0 and data.draw(st.booleans()):
            indicator, period = data.draw(st.sampled_from(targets)).split("|")
        else:
            indicator = data.draw(st.sampled_from(sorted(INDICATORS)))
            period = data.draw(st.sampled_from(PERIODS))
        self._log("result", code, {"indicator": indicator, "period": period,
                                   **self._figures(data, indicator)}, day)

    def _figures(self, data: st.DataObject, indicator: str) -> dict[str, Any]:
        definition = INDICATORS[indicator]
        if definition["measure"] == "qualitative":
            return {"narrative": "Progress on the law"}
        value = data.draw(st.integers(0, 100 if definition["measure"] == "percentage" else 60))
        if "sex" not in definition["dimensions"] or not data.draw(st.booleans()):
            return {"value": value}
        women = data.draw(st.integers(0, value))
        young = data.draw(st.integers(0, value))
        return {"value": value, "breakdown": {"sex": {"women": women, "men": value - women},
                                              "age-band": {"18-29": young,
                                                           "30-54": value - young}}}

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days, reason=reasons)
    def decision(self, data: st.DataObject, day: date, reason: str | None) -> None:
        kinds: list[tuple[str, dict[str, Any]]] = [
            ("adoption", {"provider": "City", "level": "local", "decision": "adopted",
                          "instrument": "Contract"}),
            ("business-model", {"revenue_mix": {"grants": 60, "fees": 40},
                                "cost_per_beneficiary_eur": 420, "summary": "Fees"}),
            ("hr-change", {"roles": ["coach"], "fte": 2, "training": "Course",
                           "summary": "Coaches"}),
            ("adaptation", {"component": CORE, "summary": "Shorter"}),
            ("adaptation", {"component": ADAPTABLE, "summary": "Online"}),
            ("funding", {"funder": "ESF+", "amount_eur": 1000})]
        kind, values = data.draw(st.sampled_from(kinds))
        self._log(kind, data.draw(st.sampled_from(self.pilots)), values, day, reason)

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days, reason=reasons)
    def period(self, data: st.DataObject, day: date, reason: str | None) -> None:
        kind = data.draw(st.sampled_from(["period-submitted", "period-approved",
                                          "period-rejected", "period-unlocked"]))
        self._log(kind, data.draw(st.sampled_from(self.pilots)),
                  {"period": data.draw(st.sampled_from(PERIODS))}, day, reason)

    @precondition(lambda self: self.entries)
    @rule(data=st.data(), day=days)
    def correct(self, data: st.DataObject, day: date) -> None:
        code, version = data.draw(st.sampled_from(self.entries))
        kind = self.ledger.pilot_event(code, version).TYPE
        by_type: dict[str, dict[str, Any]] = {
            "pilot.result-reported": {"value": data.draw(amounts), "breakdown": {}},
            "pilot.target-set": {"target": data.draw(amounts)},
            "pilot.target-revised": {"baseline": data.draw(st.none() | amounts)},
            "pilot.adaptation-made": {"component": data.draw(st.sampled_from([CORE,
                                                                               ADAPTABLE]))},
            "pilot.adoption-decided": {"decision": "deferred"},
            "pilot.funding-secured": {"funder": "Region"},
            "pilot.evaluation-completed": {"findings": "Corrected"},
        }
        changes = by_type.get(kind, {"summary": "Corrected"})
        if data.draw(st.booleans()):
            self._try(lambda: self.ledger.correct(f"{code}@{version}", changes,
                                                  self._by(day)))
        else:
            self._try(lambda: self.ledger.retract(f"{code}@{version}", self._by(day)))

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days)
    def report(self, data: st.DataObject, day: date) -> None:
        """A period's report submitted and approved, and sometimes unlocked again."""
        code, period = data.draw(st.sampled_from(self.pilots)), data.draw(st.sampled_from(
            PERIODS))
        for kind in ["period-submitted", "period-approved"] + (
                ["period-unlocked"] if data.draw(st.booleans()) else []):
            self._log(kind, code, {"period": period}, day)

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days, reason=reasons)
    def amend(self, data: st.DataObject, day: date, reason: str | None) -> None:
        """The registration amended: target countries (members or not), title, end date."""
        code = data.draw(st.sampled_from(self.pilots))
        countries = data.draw(st.lists(st.sampled_from(["IT", "GR", "SI", "DE", "PL"]),
                                       max_size=2, unique=True))
        self._try(lambda: self.ledger.handle(AmendPilot(
            code, title=data.draw(st.sampled_from([None, "A pilot", "Amended"])),
            target_countries=countries or None,
            ends_on=data.draw(st.sampled_from([None, date(2022, 6, 30), date(2024, 6, 30)]))),
            by=self._by(day, reason)))

    @rule(consortium=st.sampled_from(sorted(CONSORTIA)),
          country=st.sampled_from(["IT", "GR", "SI", "DE", "PL"]), day=days)
    def remove_country(self, consortium: str, country: str, day: date) -> None:
        self._try(lambda: self.ledger.handle(RemoveCountry(consortium, country),
                                             by=self._by(day)))

    @precondition(lambda self: len(self.pilots) > 1)
    @rule(data=st.data(), day=days)
    def revise_indicator(self, data: st.DataObject, day: date) -> None:
        code = data.draw(st.sampled_from(["EECO12", "SITES", "COST"]))
        changes = {"direction": data.draw(st.sampled_from(["higher", "lower"])),
                   "accumulation": data.draw(st.sampled_from(["incremental", "cumulative",
                                                              "snapshot"]))}
        self._try(lambda: self.ledger.revise_indicator(code, changes, self._by(day)))

    @precondition(lambda self: self.pilots)
    @rule(data=st.data(), day=days)
    def mismatch_around_the_ledger(self, data: st.DataObject, day: date) -> None:
        """A result whose parts do not add up, stored without the ledger's checks (rarely)."""
        code = data.draw(st.sampled_from(self.pilots))
        pilot = self.ledger.get(Pilot, code)
        if pilot.stage == "closed" or data.draw(st.integers(0, 3)) < 3:
            return
        record(pilot, ev.ResultReported, self._by(day), indicator="EECO12", indicator_version=1,
               period=data.draw(st.sampled_from(PERIODS)), value=10, narrative=None,
               breakdown={"sex": {"women": 3, "men": 4}})
        self.ledger.save(pilot)
        self.models.catch_up()

    def teardown(self) -> None:
        try:
            live = documents(self.engine, TODAY)
            assert live == oracle(self.ledger, TODAY)
            assert live == rebuilt_elsewhere(self.ledger, TODAY)
        finally:
            self.engine.dispose()
            self.ledger.close()


@pytest.mark.slow
def test_views_equal_the_oracle_and_a_rebuild(store_url: str) -> None:
    Views.url = store_url
    run_state_machine_as_test(Views, settings=settings(
        max_examples=6, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))
