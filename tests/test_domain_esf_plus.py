"""Which countries and indicators an ESF+ roll-up counts (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from scaletrack.domain.envelope import Provenance
from scaletrack.domain.esf_plus import ESF_PLUS_COUNTRIES, is_esf_plus_country
from scaletrack.domain.indicator import Indicator


def test_the_esf_plus_countries_are_the_27_member_states() -> None:
    assert len(ESF_PLUS_COUNTRIES) == 27
    assert {"DE", "GR", "HR", "LT", "MT"} <= ESF_PLUS_COUNTRIES


@pytest.mark.parametrize(("code", "covered"), [
    ("GR", True), ("EL", True), ("el", True),  # the EU writes Greece EL
    ("GB", False), ("UK", False),  # the UK has no ESF+ programme
    ("NO", False), ("CH", False), ("RS", False), ("PL", True)])
def test_a_country_is_covered_by_esf_plus_only_as_a_member_state(code: str,
                                                                 covered: bool) -> None:
    assert is_esf_plus_country(code) is covered


def _by(reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=date(2023, 1, 10),
                      recorded_at=datetime(2023, 1, 10, tzinfo=UTC), actor="tester",
                      reason=reason)


DEFINITION: dict[str, Any] = {
    "name": "Participants", "level": "output", "measure": "unit", "unit": "people",
    "direction": "higher", "accumulation": "incremental", "dimensions": ["sex"]}


def test_an_indicator_is_an_esf_plus_common_indicator_only_when_marked() -> None:
    unmarked = Indicator.define("STAFF", _by(), **DEFINITION)
    marked = Indicator.define("EECO01", _by(), **DEFINITION, esf_common=True)

    assert (unmarked.current["esf_common"], marked.current["esf_common"]) == (False, True)
    marked.revise(_by(reason="Not a common indicator after all"), esf_common=False)
    assert (marked.definition(1)["esf_common"], marked.current["esf_common"]) == (True, False)


def test_a_definition_stored_before_the_mark_is_read_as_unmarked() -> None:
    state: dict[str, Any] = {"code": "PART", **DEFINITION}
    Indicator.Defined.upcast_v1_v2(state)

    assert state["esf_common"] is False
