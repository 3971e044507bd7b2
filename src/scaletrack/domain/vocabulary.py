"""The domain's closed vocabularies and small value types (DOMAIN.md)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, ValidationInfo

from scaletrack.domain.errors import InvalidInput


class Stage(StrEnum):
    PROPOSED = "proposed"
    READINESS_ASSESSED = "readiness-assessed"
    PLANNED = "planned"
    PILOTING = "piloting"
    EVALUATED = "evaluated"
    ROLLING_OUT = "rolling-out"
    ADAPTING = "adapting"
    STOPPED = "stopped"
    SUSTAINED = "sustained"
    CLOSED = "closed"


LEGAL_TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.PROPOSED: frozenset({Stage.READINESS_ASSESSED}),
    Stage.READINESS_ASSESSED: frozenset({Stage.PLANNED}),
    Stage.PLANNED: frozenset({Stage.PILOTING}),
    Stage.PILOTING: frozenset({Stage.EVALUATED}),
    Stage.EVALUATED: frozenset({Stage.ROLLING_OUT, Stage.ADAPTING, Stage.STOPPED}),
    Stage.ROLLING_OUT: frozenset({Stage.SUSTAINED}),
    Stage.ADAPTING: frozenset({Stage.PILOTING}),
    Stage.STOPPED: frozenset(),
    Stage.SUSTAINED: frozenset(),
    Stage.CLOSED: frozenset(),
}
"""Stage advances a pilot may make; closing is a separate event."""

CLOSABLE_STAGES = frozenset(
    {Stage.EVALUATED, Stage.ROLLING_OUT, Stage.ADAPTING, Stage.STOPPED, Stage.SUSTAINED}
)


class PilotType(StrEnum):
    REPLICATION = "replication"
    SCALE_UP = "scale-up"


class ScalingDimension(StrEnum):
    OUT = "out"
    UP = "up"
    DEEP = "deep"


class Mechanism(StrEnum):
    DISSEMINATION = "dissemination"
    AFFILIATION = "affiliation"
    BRANCHING = "branching"


class AffiliationForm(StrEnum):
    LICENCE = "licence"
    FRANCHISE = "franchise"
    CERTIFICATION = "certification"
    SUBCONTRACT = "subcontract"
    MEMORANDUM = "memorandum"


class IndicatorLevel(StrEnum):
    OUTPUT = "output"
    OUTCOME = "outcome"
    IMPACT = "impact"


class Measure(StrEnum):
    UNIT = "unit"
    PERCENTAGE = "percentage"
    ORDINAL = "ordinal"
    QUALITATIVE = "qualitative"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


class Accumulation(StrEnum):
    INCREMENTAL = "incremental"
    CUMULATIVE = "cumulative"
    SNAPSHOT = "snapshot"


class Dimension(StrEnum):
    SEX = "sex"
    AGE_BAND = "age-band"
    COUNTRY = "country"
    TARGET_GROUP = "target-group"
    EMPLOYMENT_STATUS = "employment-status"
    """At entry: unemployed (long-term unemployed among them), inactive, employed (including
    self-employed), as ESF+ counts participants (EECO02, EECO04, EECO05)."""
    ISCED = "isced"
    """Education attained at entry, by ISCED 2011 level (EECO09, EECO10, EECO11)."""


DIMENSION_CATEGORIES: dict[Dimension, frozenset[str] | None] = {
    Dimension.SEX: frozenset({"women", "men", "non-binary"}),
    Dimension.AGE_BAND: frozenset({"under-18", "18-29", "30-54", "55+"}),
    Dimension.EMPLOYMENT_STATUS: frozenset({"unemployed", "inactive", "employed"}),
    Dimension.ISCED: frozenset({"isced-0-2", "isced-3-4", "isced-5-8"}),
    Dimension.COUNTRY: None,  # any member country code
    Dimension.TARGET_GROUP: None,  # free categories named by the pilot
}


class AdoptionLevel(StrEnum):
    NATIONAL = "national"
    REGIONAL = "regional"
    LOCAL = "local"


class AdoptionDecision(StrEnum):
    ADOPTED = "adopted"
    REJECTED = "rejected"
    DEFERRED = "deferred"
    PILOTING = "piloting"


class EvaluationDesign(StrEnum):
    EXPERIMENTAL = "experimental"
    QUASI_EXPERIMENTAL = "quasi-experimental"
    BEFORE_AFTER = "before-after"
    QUALITATIVE = "qualitative"


class EvaluationIndependence(StrEnum):
    """Who evaluated: the pilot's own team, a contracted evaluator, or a body independent
    of both promoter and funder."""

    INTERNAL = "internal"
    EXTERNAL = "external"
    INDEPENDENT = "independent"


class ClosureOutcome(StrEnum):
    """How a pilot ended, as a closure states it (closures recorded before this vocabulary
    keep their free text)."""

    TAKEN_OVER = "taken-over-by-public-provider"
    CONTINUED_BY_PROMOTER = "continued-by-promoter"
    CONTINUED_BY_PARTNER = "continued-by-partner"
    STOPPED = "stopped"


class Recommendation(StrEnum):
    SCALE = "scale"
    ADAPT = "adapt"
    STOP = "stop"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class FundingSource(StrEnum):
    """Where a pilot's money comes from (DOMAIN.md, Money)."""

    EASI = "easi-2014-2020"
    ESF_TECHNICAL_ASSISTANCE = "esf-technical-assistance"
    ESF_PLUS_PROGRAMME = "esf-plus-2021-2027"
    """A national or regional ESF+ programme 2021-2027."""
    OTHER_PUBLIC = "other-public"
    PRIVATE = "private"


EU_SOURCES = frozenset({FundingSource.EASI, FundingSource.ESF_TECHNICAL_ASSISTANCE,
                        FundingSource.ESF_PLUS_PROGRAMME})
"""The sources whose money is (partly) the EU's: only they have a co-financing rate above 0."""

ESF_PLUS_PROGRAMMES_FROM = date(2022, 7, 1)
"""The national and regional ESF+ programmes 2021-2027 were adopted from the second half of
2022 on: no money from them exists before."""

COUNTED_FROM_ADOPTIONS = frozenset({"ADOPT-ORG", "PUB-COMMISSION"})
"""Adoption indicators: their figure is the count of distinct providers whose adoption
decision that stands says adopted, never a typed result (two records of one fact would
disagree)."""


class CostOption(StrEnum):
    """How declared expenditure is costed: real costs, or a simplified cost option."""

    REAL_COSTS = "real-costs"
    UNIT_COST = "unit-cost"
    LUMP_SUM = "lump-sum"
    FLAT_RATE = "flat-rate"


class Source(StrEnum):
    CLI = "cli"
    IMPORT = "import"
    API = "api"


_PERIOD = re.compile(r"^(20\d\d)-Q([1-4])$")


def _check_period(value: str) -> str:
    if not _PERIOD.match(value):
        raise ValueError("a reporting period is a quarter written YYYY-QN, e.g. 2022-Q3")
    return value


def is_period(text: str) -> bool:
    """Whether a text is a reporting period (pydantic explains a malformed one later)."""
    return len(text) == 7 and text[4:6] == "-Q" and text[:4].isdigit() and text[6] in "1234"


def period_of(day: date) -> str:
    """The quarterly reporting period a day falls in."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period_start(period: str) -> date:
    """The first day of a quarterly reporting period."""
    return date(int(period[:4]), int(period[-1]) * 3 - 2, 1)


def period_end(period: str) -> date:
    """The last day of a quarterly reporting period."""
    year, quarter = int(period[:4]), int(period[-1])
    first_of_next = date(year + 1, 1, 1) if quarter == 4 else date(year, quarter * 3 + 1, 1)
    return first_of_next - timedelta(days=1)


Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=40,
                      pattern=r"^[A-Z0-9][A-Z0-9_-]*$"),
]
"""A short human code: capitals, digits, '-' and '_' (e.g. SEED-GR-01)."""


def canonical(code: str) -> str:
    """A code as it is stored: people may type ``seed-gr-01 `` for ``SEED-GR-01``."""
    return code.strip().upper()


Ref = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40,
                      pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
]
"""A pilot-local reference for a milestone or a risk (e.g. M3, R-funding)."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
def _upper(value: object) -> object:
    return canonical(value) if isinstance(value, str) else value


_ISO_TABLE = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ "
    "BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM "
    "DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS "
    "GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN "
    "KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ "
    "MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM "
    "PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV "
    "SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI "
    "VN VU WF WS YE YT ZA ZM ZW XK"
)
ISO_COUNTRIES = frozenset(_ISO_TABLE.split())
"""ISO 3166-1 alpha-2 country codes, and XK (Kosovo) as the EU and ISO's users write it."""

EU_COUNTRY_ALIASES = {"EL": "GR", "UK": "GB"}
"""The EU's own codes (Eurostat, the ESF+ programmes) for countries ISO codes otherwise."""

COMMAND = {"command": True}
"""The validation context of a new event: what it says is checked as a rule, not only as a
type (a stored event is read back without it, so a rule added later never hides history)."""


def country_code(value: str) -> str:
    """A country as the store keeps it: ISO 3166-1 alpha-2, the EU's EL and UK accepted."""
    code = value.strip().upper()
    code = EU_COUNTRY_ALIASES.get(code, code)
    if code not in ISO_COUNTRIES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 country code (e.g. DE, GR, PL)")
    return code


def checked_country(code: str, field: str) -> str:
    """A country code given to a command, canonical (EL -> GR), or why it is refused."""
    try:
        return country_code(str(code))
    except ValueError as error:
        raise InvalidInput(str(error), field=field,
                           hint="use the two-letter ISO 3166-1 code") from None


def _country_rule(value: str, info: ValidationInfo) -> str:
    return country_code(value) if info.context and info.context.get("command") else value


# pydantic checks a pattern before it applies to_upper, so "gr" would fail it:
# upper-case first, and the published JSON Schema keeps the pattern.
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$"), BeforeValidator(_upper),
                        AfterValidator(_country_rule)]
Period = Annotated[str, StringConstraints(strip_whitespace=True, to_upper=True),
                   AfterValidator(_check_period)]
def _closure_rule(value: str, info: ValidationInfo) -> str:
    if info.context and info.context.get("command") and (
            value not in ClosureOutcome._value2member_map_):
        raise ValueError(f"{value!r} is not one of {', '.join(ClosureOutcome)}")
    return value


ClosedAs = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
                     AfterValidator(_closure_rule)]
"""A closure's outcome: one of :class:`ClosureOutcome` when recorded now; a closure stored
before the vocabulary existed reads back with its free text."""
Euros = Annotated[Decimal, Field(gt=0, max_digits=15, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=5, decimal_places=4)]
"""A share written as a fraction from 0 to 1 (a co-financing rate)."""
NonNegative = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4)]
Committed = Annotated[Decimal, Field(ge=0, max_digits=15, decimal_places=2)]
"""An amount in EUR committed to something, zero allowed (a decision without money)."""
Months = Annotated[int, Field(ge=1, le=600)]
SampleSize = Annotated[int, Field(ge=1)]
EvidenceLevel = Annotated[int, Field(ge=1, le=5)]
"""A level of the standards of evidence, 1 (a logical case for impact) to 5 (impact
replicated independently at scale)."""
Share = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4)]
Score = Annotated[int, Field(ge=0, le=100)]
