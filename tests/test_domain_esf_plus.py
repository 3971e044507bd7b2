"""Which countries and indicators an ESF+ roll-up counts, and the common indicators as
Regulation (EU) 2021/1057, Annex I defines them (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.esf_plus import (
    COMMON_INDICATORS,
    ENTITIES,
    ESF_PLUS_COUNTRIES,
    PARTICIPANTS,
    is_esf_plus_country,
)
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.vocabulary import DIMENSION_CATEGORIES, Dimension


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
    "name": "Participants", "level": "output", "measure": "unit", "unit": "participants",
    "direction": "higher", "accumulation": "incremental", "dimensions": ["sex"]}


def test_an_indicator_is_an_esf_plus_common_indicator_only_when_marked() -> None:
    unmarked = Indicator.define("STAFF", _by(), **DEFINITION)
    marked = Indicator.define("EECO01", _by(), **DEFINITION, esf_common=True)

    assert (unmarked.current["esf_common"], marked.current["esf_common"]) == (False, True)
    with pytest.raises(RuleViolation, match="EECO01 is an ESF\\+ common indicator's code"):
        marked.revise(_by(reason="Not a common indicator after all"), esf_common=False)
    assert marked.current["esf_common"] is True


def test_the_catalogue_holds_annex_one_with_its_counting_rules() -> None:
    codes = [f"EECO{n:02}" for n in range(1, 20)] + [f"EECR{n:02}" for n in range(1, 6)]

    assert list(COMMON_INDICATORS) == codes
    assert {c.unit for c in COMMON_INDICATORS.values()} == {PARTICIPANTS, ENTITIES}
    assert [c for c, i in COMMON_INDICATORS.items() if i.unit == ENTITIES] == ["EECO18",
                                                                              "EECO19"]
    assert [c for c, i in COMMON_INDICATORS.items() if i.estimate_allowed] == [
        "EECO12", "EECO13", "EECO14", "EECO15"]
    assert {c: str(i.counting) for c, i in COMMON_INDICATORS.items() if i.result} == {
        "EECR01": "upon leaving", "EECR02": "upon leaving", "EECR03": "upon leaving",
        "EECR04": "upon leaving", "EECR05": "six months after leaving"}
    assert {c: i.part_of for c, i in COMMON_INDICATORS.items() if i.part_of} == {
        "EECO02": ("employment-status", "unemployed"),
        "EECO04": ("employment-status", "inactive"),
        "EECO05": ("employment-status", "employed"),
        "EECO06": ("age-band", "under-18"), "EECO07": ("age-band", "18-29"),
        "EECO08": ("age-band", "55+"), "EECO09": ("isced", "isced-0-2"),
        "EECO10": ("isced", "isced-3-4"), "EECO11": ("isced", "isced-5-8")}
    assert COMMON_INDICATORS["EECO03"].subset_of == "EECO02"


def test_every_breakdown_category_of_the_total_is_a_category_of_its_dimension() -> None:
    for common in COMMON_INDICATORS.values():
        if common.part_of:
            dimension, category = common.part_of
            assert category in (DIMENSION_CATEGORIES[Dimension(dimension)] or ())


@pytest.mark.parametrize(("code", "changes", "rule"), [
    ("PART", {"esf_common": True}, "not-a-common-indicator"),
    ("EECO07", {}, "esf-code-reserved"),
    ("EECO99", {}, "esf-code-reserved"),
    ("EECO01", {"esf_common": True, "unit": "people"}, "common-indicator-mismatch"),
    ("EECR04", {"esf_common": True}, "common-indicator-mismatch"),  # a result, not an output
    ("EECO18", {"esf_common": True, "unit": "entities"}, "common-indicator-mismatch"),
])
def test_a_definition_is_an_esf_plus_common_indicator_as_the_regulation_counts_it(
        code: str, changes: dict[str, Any], rule: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        Indicator.define(code, _by(), **{**DEFINITION, **changes})

    assert refused.value.rule == rule


def test_a_revision_cannot_make_a_common_indicator_count_differently() -> None:
    total = Indicator.define("EECO01", _by(), **DEFINITION, esf_common=True)

    with pytest.raises(RuleViolation, match="accumulation incremental \\(not cumulative\\)"):
        total.revise(_by(reason="Running totals"), accumulation="cumulative")
    total.revise(_by(reason="By age too"), dimensions=["sex", "age-band"])
    assert total.definition_version == 2


def test_a_definition_stored_before_the_mark_is_read_as_unmarked() -> None:
    state: dict[str, Any] = {"code": "PART", **DEFINITION}
    Indicator.Defined.upcast_v1_v2(state)

    assert state["esf_common"] is False
