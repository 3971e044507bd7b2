"""Consortia, indicators and unique codes, on the in-memory event store (no database)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import InvalidInput, NotFound, RuleViolation
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.pilot import Pilot

NOW = datetime(2023, 6, 30, 12, tzinfo=UTC)


class InMemory(StoreURL):
    """eventsourcing's plain-object store: the fake that stands in for a database."""

    def eventsourcing_env(self) -> dict[str, str]:
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}


@pytest.fixture
def memory() -> Iterator[Ledger]:
    app = Ledger(InMemory(url="memory://", backend="popo"), clock=lambda: NOW)
    yield app
    app.close()


def by(reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=date(2023, 1, 10), recorded_at=NOW, actor="tester",
                      reason=reason)


DEFINITION: dict[str, Any] = {
    "name": "Participants", "level": "output", "measure": "unit", "unit": "people",
    "direction": "higher", "accumulation": "incremental", "dimensions": ["sex"],
}
PILOT: dict[str, Any] = {
    "title": "Digital SI lab", "innovation": "Digital social innovation lab",
    "origin_country": "SI", "target_countries": ["SI"], "core_components": ["Co-design"],
    "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 10),
    "ends_on": date(2023, 6, 30),
}


def rejected(rule: str, command: Any, *args: Any, **kwargs: Any) -> None:
    with pytest.raises(RuleViolation) as caught:
        command(*args, **kwargs)
    assert caught.value.rule == rule, caught.value


def seed(ledger: Ledger) -> Consortium:
    return ledger.register_consortium("SEED", "Social innovation Ecosystem Development",
                                      "City of Turin", ["IT", "GR", "RO", "SI"], by())


# -- consortium -------------------------------------------------------------------


def test_a_consortium_lists_each_country_once() -> None:
    rejected("duplicate-country", Consortium.register, "SEED", "Seed", "Turin",
             ["IT", "GR", "IT"], by())
    consortium = Consortium.register("SEED", "Seed", "Turin", ["IT", "GR"], by())
    rejected("duplicate-country", consortium.add_country, "gr", by())
    rejected("duplicate-country", consortium.add_country, " GR ", by())
    consortium.add_country("ro", by())
    assert consortium.countries == ["IT", "GR", "RO"]
    rejected("duplicate-country", Consortium.register, "SEED", "Seed", "Turin", ["IT", "it"],
             by())


def test_partners_and_centres_are_in_member_countries() -> None:
    consortium = Consortium.register("SEED", "Seed", "Turin", ["IT", "GR"], by())
    rejected("not-a-member-country", consortium.add_partner, "Hub", "FR", "partner", by())
    rejected("not-a-member-country", consortium.establish_centre, "FR", "Centre", by())
    consortium.add_partner("Impact Hub Athens", "GR", "partner", by())
    rejected("duplicate-partner", consortium.add_partner, "Impact Hub Athens", "IT", "x", by())
    consortium.establish_centre("GR", "SI Centre Greece", by())
    rejected("centre-exists", consortium.establish_centre, "gr ", "Another", by())
    assert consortium.centres == {"GR": "SI Centre Greece"}


def test_a_country_code_has_two_letters() -> None:
    with pytest.raises(InvalidInput, match="ISO 3166-1"):
        Consortium.register("SEED", "Seed", "Turin", ["ITA"], by())


# -- indicator --------------------------------------------------------------------


def test_a_revision_makes_a_new_definition_version_and_needs_a_reason() -> None:
    indicator = Indicator.define("PART", by(), **DEFINITION)
    rejected("reason-required", indicator.revise, by(), unit="FTE")
    indicator.revise(by(reason="Count FTE"), unit="FTE", dimensions=None)
    assert indicator.definition_version == 2
    assert (indicator.definition(1)["unit"], indicator.current["unit"]) == ("people", "FTE")
    assert indicator.current["dimensions"] == ["sex"]


def test_a_retired_indicator_is_neither_revised_nor_retired_again() -> None:
    indicator = Indicator.define("PART", by(), **DEFINITION)
    indicator.retire(by())
    rejected("indicator-retired", indicator.revise, by(reason="Too late"), unit="FTE")
    rejected("indicator-retired", indicator.retire, by())


def test_an_indicator_measure_comes_from_the_vocabulary() -> None:
    with pytest.raises(InvalidInput, match="measure"):
        Indicator.define("PART", by(), **{**DEFINITION, "measure": "vibes"})


# -- unique codes (the ledger checks the store) -----------------------------------


def test_a_consortium_code_is_unique(memory: Ledger) -> None:
    seed(memory)
    rejected("code-taken", seed, memory)
    rejected("code-taken", memory.register_consortium, "seed", "Other", "Other", ["IT"], by())
    assert memory.codes(Consortium) == ["SEED"]


def test_an_indicator_code_is_unique(memory: Ledger) -> None:
    memory.define_indicator("PART", DEFINITION, by())
    rejected("code-taken", memory.define_indicator, "PART", DEFINITION, by())
    assert memory.codes(Indicator) == ["PART"]


def test_a_pilot_code_is_unique_across_consortia(memory: Ledger) -> None:
    seed(memory)
    memory.register_consortium("FUSE", "Facilitating United Approaches", "Rethink Ireland",
                               ["IE", "PT", "BG", "CY", "SI"], by())
    memory.register_pilot("SEED-SI-01", "SEED", PILOT, by())
    rejected("code-taken", memory.register_pilot, "SEED-SI-01", "FUSE", PILOT, by())
    assert memory.codes(Pilot) == ["SEED-SI-01"]
    assert memory.event_count() == 3


def test_a_pilot_needs_a_registered_consortium(memory: Ledger) -> None:
    with pytest.raises(NotFound, match="no consortium NOPE"):
        memory.register_pilot("NOPE-01", "NOPE", PILOT, by())
    assert memory.event_count() == 0


def test_a_write_needs_an_actor(memory: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCALETRACK_ACTOR", raising=False)
    with pytest.raises(InvalidInput, match="actor"):
        memory.provenance("  ")
    assert memory.provenance(" ana ").actor == "ana"


def test_provenance_defaults_occurred_on_to_the_day_recorded(memory: Ledger) -> None:
    provenance = memory.provenance("ana", reason="  ")
    assert (provenance.occurred_on, provenance.recorded_at, provenance.reason) == (
        NOW.date(), NOW, None)
