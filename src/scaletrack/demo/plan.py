"""The demo planned as steps: each a ledger command with its two times.

Each step has the day it happened (occurred-on) and the moment the ledger
learns it (recorded-at: what the simulated clock shows when it is recorded).
This module holds the step, the timing helpers, and the consortia's and the
indicator catalogue's steps; :mod:`scaletrack.demo.story` plans
each pilot's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any

from scaletrack.application.kinds import KINDS
from scaletrack.demo import data
from scaletrack.domain.pilot_events import Entry
from scaletrack.domain.vocabulary import Source, period_end, period_of

SEED = 20210503
OPENING = date(2021, 5, 3)
"""The consortia are registered; the story begins."""
CLOSING = datetime(2023, 7, 31, 17, tzinfo=UTC)
"""The demo's 'now': nothing is recorded later."""
LAST_QUARTER = "2023-Q2"
ENTRY_KINDS = frozenset(name for name, kind in KINDS.items() if issubclass(kind.event, Entry))
LOCKED_KINDS = ENTRY_KINDS | {name for name in KINDS if name.startswith("milestone-")}
"""What an approved period's lock refuses: entries, and milestones moved within it."""
IMPORTED = frozenset({"FUSE", "SIPLUS"})
"""Consortia whose leads import results from their spreadsheets."""


@dataclass
class Step:
    """One ledger command, with when it happened and when it is recorded."""

    at: datetime
    occurred: date
    actor: str
    op: str
    """A pilot event kind (see KINDS), or register-consortium, add-country, add-partner,
    establish-centre, define-indicator, revise-indicator, retire-indicator,
    register-pilot, correct, retract."""
    subject: str
    values: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    label: str | None = None
    """A name for this step's event, for a later correction or retraction."""
    ref: str | None = None
    """The label of the event a correction or retraction names."""
    source: Source = Source.CLI
    key: str | None = None


def moment(day: date, rng: Random) -> datetime:
    """A moment in working hours on a day."""
    return datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59),
                                      rng.randint(0, 59)), tzinfo=UTC)


def days(rng: Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def day_between(rng: Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def quarters(first: str, last: str) -> list[str]:
    """The reporting periods from ``first`` to ``last``, both included."""
    periods, day = [], period_end(first)
    while period_of(day) <= last:
        periods.append(period_of(day))
        day = period_end(period_of(day + timedelta(days=1)))
    return periods


def split(total: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Whole parts in proportion to ``weights`` that add up exactly to ``total``."""
    scale = sum(weights.values())
    exact = {k: total * w / scale for k, w in weights.items()}
    parts = {k: math.floor(v) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: parts[k] - exact[k])
    for k in by_remainder[: total - sum(parts.values())]:
        parts[k] += 1
    return parts


def grant_of(pilot: data.PilotFacts) -> tuple[int, int]:
    """A pilot's share of its consortium's EU grant: (EaSI, ESF technical assistance), whole
    thousands of euros; the shares of a consortium's pilots add up to its grant."""
    mates = [p.code for p in data.PILOTS if p.consortium == pilot.consortium]
    rng = Random(f"{SEED}:grants:{pilot.consortium}")
    weights = {code: rng.uniform(0.7, 1.3) for code in mates}
    easi, ta = data.EU_GRANTS[pilot.consortium]
    return (split(easi // 1000, weights)[pilot.code] * 1000,
            split(ta // 1000, weights)[pilot.code] * 1000)


def consortium_steps() -> list[Step]:
    rng, steps = Random(f"{SEED}:consortia"), []
    for n, c in enumerate(data.CONSORTIA):
        day = OPENING + timedelta(days=n // 2)
        registered = Step(moment(day, rng), day, c.lead_actor, "register-consortium", c.code,
                          {"name": c.name, "lead": c.lead, "countries": list(c.countries)})
        steps.append(registered)
        joined = {}
        if c.joins_later:
            country, on = c.joins_later
            joined[country] = Step(moment(on, rng), on, c.lead_actor, "add-country", c.code,
                                   {"country": country})
            steps.append(joined[country])
        for organisation, country, role in c.partners:
            on = joined.get(country, registered).occurred + days(rng, 1, 40)
            steps.append(Step(moment(on, rng), on, c.lead_actor, "add-partner", c.code,
                              {"organisation": organisation, "country": country, "role": role}))
        for country in (*c.countries, *joined):
            on = day_between(rng, date(2021, 10, 1), date(2022, 4, 30))
            name = data.synthetic(f"Competence centre for social innovation, "
                                  f"{data.COUNTRY_NAMES[country]}")
            steps.append(Step(moment(on, rng), on, c.lead_actor, "establish-centre", c.code,
                              {"country": country, "name": name}))
    return steps


def indicator_steps() -> list[Step]:
    rng, keeper = Random(f"{SEED}:indicators"), data.CATALOGUE_KEEPER
    steps = []
    for n, (code, definition) in enumerate(data.INDICATORS.items()):
        day = date(2021, 5, 10) + timedelta(days=n // 5)
        steps.append(Step(moment(day, rng), day, keeper, "define-indicator", code, definition))
    day = data.PART_REVISED_ON
    steps.append(Step(moment(day, rng), day, keeper, "revise-indicator", data.PARTICIPANTS,
                      data.PART_REVISION,
                      reason="ESF+ monitoring asks transnational pilots for a country "
                             "breakdown of participants"))
    day = data.RETIRED_ON
    steps.append(Step(moment(day, rng), day, keeper, "retire-indicator", data.RETIRED,
                      reason="Says nothing about scaling; dropped from the catalogue"))
    return steps

