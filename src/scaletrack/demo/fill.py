"""The demo: an empty store filled with a realistic, synthetic, deterministic data set.

The whole data set is planned first (:mod:`~scaletrack.demo.plan`,
:mod:`~scaletrack.demo.story`), then recorded step by step, in
recorded-at order, as the same commands the CLI gives, on a simulated clock:
every domain rule holds, and the store reads as if each event had been
recorded on its day between May 2021 and July 2023.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from scaletrack.application.aggregates import Changed
from scaletrack.application.commands import (
    AddCountry,
    AddPartner,
    Command,
    CorrectEntry,
    DefineIndicator,
    EstablishCentre,
    LogPilotEvent,
    RegisterConsortium,
    RegisterPilot,
    RetireIndicator,
    RetractEntry,
    ReviseIndicator,
)
from scaletrack.application.ledger import Ledger
from scaletrack.application.records import event_id, parse_event_id
from scaletrack.application.store import StoreURL, empty_store
from scaletrack.demo import data
from scaletrack.demo.ecosystem import COMMANDS as CENTRE_COMMANDS
from scaletrack.demo.ecosystem import centre_steps
from scaletrack.demo.plan import (
    CLOSING,
    Step,
    consortium_steps,
    indicator_steps,
)
from scaletrack.demo.story import PilotStory
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot_events import EntryCorrected, EntryRetracted, Registered

LATE = timedelta(days=30)
"""A report recorded more than this after it happened counts as late."""


class SimulatedClock:
    """The clock the ledger reads recorded-at from: set to each step's moment."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class DemoSummary:
    store: str
    consortia: int
    indicators: int
    pilots: int
    events: int
    corrections: int
    retractions: int
    late_reports: int
    recorded_from: str
    recorded_to: str

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "synthetic": True}


def plan() -> list[Step]:
    """Every step of the demo, in the order it is recorded."""
    steps = [*consortium_steps(), *indicator_steps(), *centre_steps()]
    for facts in data.PILOTS:
        steps += PilotStory(facts).steps
    return sorted(steps, key=lambda s: s.at)  # stable: same-moment steps keep their order


def fill(store: StoreURL, fresh: bool = False) -> DemoSummary:
    """Record the demo into an empty store (emptied first if ``fresh``)."""
    if fresh:
        refuse_all_but_a_demo(store)
        empty_store(store)
        store = StoreURL.parse(store.url)  # forget what it knew of the old tables
    clock = SimulatedClock(CLOSING)
    ledger = Ledger(store, clock=clock)
    try:
        count = ledger.event_count()
        if count:
            held = f"{count} event{'s' if count > 1 else ''}"
            raise RuleViolation("store-not-empty", f"{store.shown} already holds {held}",
                                hint="the demo fills an empty store; give --fresh to delete "
                                     "them and start again")
        record(ledger, clock, plan())
        return summarise(ledger)
    finally:
        ledger.close()


def refuse_all_but_a_demo(store: StoreURL) -> None:
    """RuleViolation unless the store is missing, empty or holds only the demo's events
    (every demo actor is marked synthetic): ``--fresh`` deletes nobody's own records."""
    if not store.exists:
        return
    ledger = Ledger(store)  # refuses a file that is not a store, leaving it as it is
    try:
        theirs = sum(1 for event in ledger.all_events()
                     if not event.actor.endswith(data.SYNTHETIC))
    finally:
        ledger.close()
    if theirs:
        raise RuleViolation(
            "store-not-a-demo", f"{store.shown} holds {theirs} event"
            f"{'s that are' if theirs > 1 else ' that is'} not the demo's; --fresh would "
            "delete it all",
            hint="give --db a new file (or the demo's own store) for the demo")


def record(ledger: Ledger, clock: SimulatedClock, steps: list[Step]) -> None:
    """Run each step as a command, the clock showing the step's moment."""
    ids: dict[str, str] = {}
    for step in steps:
        clock.now = step.at
        by = ledger.provenance(step.actor, step.occurred, step.reason, step.source)
        if step.key:
            by = replace(by, key=step.key)
        aggregate = ledger.handle(command_of(step, ids), by=by)
        if step.label:
            ids[step.label] = event_id(step.subject, aggregate.version)


def command_of(step: Step, ids: dict[str, str]) -> Command[Changed]:
    """The command a step stands for; ``ids`` has the event ids of the labelled steps."""
    code, values = step.subject, step.values
    if step.op in CENTRE_COMMANDS:
        return CENTRE_COMMANDS[step.op](code, values)
    match step.op:
        case "register-consortium":
            return RegisterConsortium(code, values["name"], values["lead"], values["countries"])
        case "add-country":
            return AddCountry(code, values["country"])
        case "add-partner":
            return AddPartner(code, values["organisation"], values["country"], values["role"])
        case "establish-centre":
            return EstablishCentre(code, values["country"], values["name"])
        case "define-indicator":
            return DefineIndicator(code, **values)
        case "revise-indicator":
            return ReviseIndicator(code, **values)
        case "retire-indicator":
            return RetireIndicator(code)
        case "register-pilot":
            return RegisterPilot(code, code.split("-")[0], **values)
        case "correct":
            return CorrectEntry(*parse_event_id(ids[str(step.ref)]), values)
        case "retract":
            return RetractEntry(*parse_event_id(ids[str(step.ref)]))
        case kind:
            return LogPilotEvent.checked(kind, code, values)


def summarise(ledger: Ledger) -> DemoSummary:
    """What the store holds now, counted from its events."""
    types: Counter[str] = Counter()
    late, first, last = 0, None, None
    for event in ledger.all_events():
        types[event.TYPE] += 1
        late += event.recorded_at.date() - event.occurred_on > LATE
        first = first or event.recorded_at
        last = event.recorded_at
    return DemoSummary(
        store=ledger.store.shown, consortia=types[Consortium.Registered.TYPE],
        indicators=types[Indicator.Defined.TYPE], pilots=types[Registered.TYPE],
        events=sum(types.values()), corrections=types[EntryCorrected.TYPE],
        retractions=types[EntryRetracted.TYPE], late_reports=late,
        recorded_from=first.isoformat() if first else "",
        recorded_to=last.isoformat() if last else "")
