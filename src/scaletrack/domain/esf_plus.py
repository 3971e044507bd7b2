"""Where ESF+ money goes: the European Social Fund Plus covers the EU's member states.

A roll-up that says "ESF+" counts only these countries (Regulation (EU)
2021/1057 funds the member states' programmes): the UK left the EU in 2020
and has no ESF+ programme, so participants in Scotland stay out of it. The
store keeps Greece as GR (ISO 3166-1); the EU's own EL names the same country.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.vocabulary import (
    EU_COUNTRY_ALIASES,
    Accumulation,
    Dimension,
    IndicatorLevel,
    Measure,
)

ESF_PLUS_COUNTRIES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"
})
"""The 27 EU member states, by the codes the store keeps."""


def is_esf_plus_country(code: str) -> bool:
    """Whether ESF+ programmes cover a country (EL, the EU's code for Greece, is GR)."""
    found = code.strip().upper()
    return EU_COUNTRY_ALIASES.get(found, found) in ESF_PLUS_COUNTRIES


class CountingRule(StrEnum):
    """When a participant or an entity is counted (Annex I)."""

    AT_ENTRY = "at entry"
    UPON_LEAVING = "upon leaving"
    SIX_MONTHS_AFTER_LEAVING = "six months after leaving"


PARTICIPANTS, ENTITIES = "participants", "entities"
"""The units the common indicators count in."""


@dataclass(frozen=True)
class CommonIndicator:
    """One common indicator of Annex I, Regulation (EU) 2021/1057 (the EECO/EECR codes of
    the Commission's data transmissions)."""

    code: str
    name: str
    level: IndicatorLevel
    """output, or outcome for a result indicator."""
    unit: str
    counting: CountingRule
    estimate_allowed: bool = False
    """A sensitive characteristic (EECO12-EECO15) may be an informed estimate."""
    part_of: tuple[str, str] | None = None
    """The dimension and category of EECO01's breakdown this indicator is (EECO02-EECO11,
    but EECO03, which is a subset of EECO02, not a category)."""
    subset_of: str | None = None

    @property
    def accumulation(self) -> Accumulation:
        """Participants are counted once, when they enter or leave, so periods add up;
        entities supported are a running count of distinct organisations."""
        return Accumulation.CUMULATIVE if self.unit == ENTITIES else Accumulation.INCREMENTAL

    @property
    def result(self) -> bool:
        return self.level == IndicatorLevel.OUTCOME

    def describe(self) -> dict[str, object]:
        """What a catalogue listing adds to a definition of this code."""
        return {"esf_level": "result" if self.result else "output",
                "counting_rule": str(self.counting), "estimate_allowed": self.estimate_allowed,
                "breakdown_of": None if self.part_of is None else {
                    "indicator": TOTAL, "dimension": self.part_of[0],
                    "category": self.part_of[1]},
                "subset_of": self.subset_of}


def _participants(code: str, name: str, part_of: tuple[str, str] | None = None, *,
                  estimate: bool = False, subset_of: str | None = None) -> CommonIndicator:
    return CommonIndicator(code, name, IndicatorLevel.OUTPUT, PARTICIPANTS,
                           CountingRule.AT_ENTRY, estimate, part_of, subset_of)


def _result(code: str, name: str, counting: CountingRule) -> CommonIndicator:
    return CommonIndicator(code, name, IndicatorLevel.OUTCOME, PARTICIPANTS, counting)


_STATUS, _AGE, _ISCED = (str(Dimension.EMPLOYMENT_STATUS), str(Dimension.AGE_BAND),
                         str(Dimension.ISCED))
TOTAL = "EECO01"
"""The total number of participants: the sum of its employment-status breakdown."""

COMMON_INDICATORS: dict[str, CommonIndicator] = {c.code: c for c in (
    _participants(TOTAL, "Total number of participants"),
    _participants("EECO02", "Unemployed, including long-term unemployed",
                  (_STATUS, "unemployed")),
    _participants("EECO03", "Long-term unemployed", subset_of="EECO02"),
    _participants("EECO04", "Inactive", (_STATUS, "inactive")),
    _participants("EECO05", "Employed, including self-employed", (_STATUS, "employed")),
    _participants("EECO06", "Children below 18 years of age", (_AGE, "under-18")),
    _participants("EECO07", "Young people between 18 and 29 years of age", (_AGE, "18-29")),
    _participants("EECO08", "Participants 55 years of age and above", (_AGE, "55+")),
    _participants("EECO09", "Participants with lower secondary education or less (ISCED 0-2)",
                  (_ISCED, "isced-0-2")),
    _participants("EECO10", "Participants with upper secondary (ISCED 3) or post-secondary "
                            "education (ISCED 4)", (_ISCED, "isced-3-4")),
    _participants("EECO11", "Participants with tertiary education (ISCED 5 to 8)",
                  (_ISCED, "isced-5-8")),
    _participants("EECO12", "Participants with disabilities", estimate=True),
    _participants("EECO13", "Third-country nationals", estimate=True),
    _participants("EECO14", "Participants with a foreign background", estimate=True),
    _participants("EECO15", "Minorities (including marginalised communities such as the Roma)",
                  estimate=True),
    _participants("EECO16", "Homeless or affected by housing exclusion"),
    _participants("EECO17", "Participants from rural areas"),
    CommonIndicator("EECO18", "Number of public administrations or public services at "
                              "national, regional or local level supported",
                    IndicatorLevel.OUTPUT, ENTITIES, CountingRule.AT_ENTRY),
    CommonIndicator("EECO19", "Number of micro, small and medium-sized enterprises (including "
                              "cooperative enterprises and social enterprises) supported",
                    IndicatorLevel.OUTPUT, ENTITIES, CountingRule.AT_ENTRY),
    _result("EECR01", "Participants engaged in job searching upon leaving",
            CountingRule.UPON_LEAVING),
    _result("EECR02", "Participants in education or training upon leaving",
            CountingRule.UPON_LEAVING),
    _result("EECR03", "Participants obtaining a qualification upon leaving",
            CountingRule.UPON_LEAVING),
    _result("EECR04", "Participants in employment, including self-employment, upon leaving",
            CountingRule.UPON_LEAVING),
    _result("EECR05", "Participants in employment, including self-employment, six months "
                      "after leaving", CountingRule.SIX_MONTHS_AFTER_LEAVING),
)}
"""The 24 common indicators: 19 outputs (17 for participants, 2 for entities) and 5 results."""

FOLLOW_UP = "EECR05"
"""The longer-term result: due six months after the period participants left in."""
FOLLOW_UP_MONTHS = 6
BREAKDOWNS = frozenset(code for code, c in COMMON_INDICATORS.items() if c.part_of)
"""Figures that are EECO01's breakdown: reported only as that, never counted apart."""

_CODE = re.compile(r"^EEC[OR]\d\d$")


def looks_common(code: str) -> bool:
    """Whether a code is written as a common indicator's (EECO.. or EECR..)."""
    return bool(_CODE.match(code))


def check_definition(code: str, definition: Mapping[str, Any]) -> None:
    """A definition marked as an ESF+ common indicator is one of Annex I's, as the
    regulation defines it; a common indicator's code is not used for anything else."""
    common = COMMON_INDICATORS.get(code)
    if not definition.get("esf_common"):
        if common is not None or looks_common(code):
            raise RuleViolation(
                "esf-code-reserved",
                f"{code} is an ESF+ common indicator's code: define it as one (--esf-common) "
                "or give another code", field="esf_common")
        return
    if common is None:
        raise RuleViolation(
            "not-a-common-indicator",
            f"{code} is not an ESF+ common indicator of Regulation (EU) 2021/1057, Annex I "
            "(EECO01-EECO19, EECR01-EECR05)", field="esf_common",
            hint="give its code, or do not mark it --esf-common")
    expected = {"level": str(common.level), "measure": str(Measure.UNIT), "unit": common.unit,
                "accumulation": str(common.accumulation)}
    wrong = [f"{k} {expected[k]} (not {definition.get(k)})" for k in expected
             if str(definition.get(k)) != expected[k]]
    if wrong:
        raise RuleViolation(
            "common-indicator-mismatch",
            f"{code} ({common.name}) is counted with " + ", ".join(wrong), field="esf_common")


def catalogue_facts(code: str, esf_common: bool) -> dict[str, object]:
    """What the regulation says of a definition marked as a common indicator (its level,
    counting rule, whether it may be estimated, what it is a part of); nothing for another."""
    common = COMMON_INDICATORS.get(code)
    return common.describe() if esf_common and common is not None else {}


def refuse_part_of_total(code: str, esf_common: bool) -> None:
    """EECO02 and EECO04-EECO11 are given as EECO01's breakdown, never as results of their
    own: a second figure for the same participants could differ from the first."""
    common = COMMON_INDICATORS.get(code)
    if not esf_common or common is None or common.part_of is None:
        return
    dimension, category = common.part_of
    raise RuleViolation(
        "part-of-total", f"{code} ({common.name}) is the {dimension} breakdown of {TOTAL}: "
        f"report it as {TOTAL} --breakdown {dimension}:{category}=N", field="indicator")


def total_of(code: str) -> str | None:
    """The total a common indicator of participants at entry is a part of: EECO01 for
    EECO02-EECO17 (a participant counted by one of them is one of EECO01's)."""
    common = COMMON_INDICATORS.get(code)
    if (common is None or code == TOTAL or common.unit != PARTICIPANTS
            or common.counting != CountingRule.AT_ENTRY):
        return None
    return TOTAL
