"""The commands that set up the programme: consortia and their competence centres'
work, organisations, indicators, and pilots' registrations and amendments.

Kept apart from the commands of a pilot's own events
(:mod:`scaletrack.application.commands`, which names these too), so that a
pilot's write builds none of them; their handlers are in
:mod:`scaletrack.application.structure_handlers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from scaletrack.application.commands import Command
from scaletrack.domain.vocabulary import (
    Accumulation,
    Code,
    CountryCode,
    Dimension,
    Direction,
    IndicatorLevel,
    Measure,
)

if TYPE_CHECKING:
    # Named in the commands' base classes, as strings (which ruff does not read there).
    from scaletrack.domain.consortium import Consortium  # noqa: F401
    from scaletrack.domain.ecosystem import (
        ActionStatus,
        Audience,
        ExchangeKind,
        ExchangeRole,
        GatheringKind,
        RelationshipKind,
    )
    from scaletrack.domain.indicator import Indicator  # noqa: F401
    from scaletrack.domain.organisation import (
        Organisation,  # noqa: F401
        OrganisationType,
    )
    from scaletrack.domain.pilot import Pilot  # noqa: F401


# -- consortia -----------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterConsortium(Command["Consortium"]):
    code: Code
    name: str
    lead: str
    countries: Sequence[CountryCode]

    @property
    def subject(self) -> str:
        return self.code


@dataclass(frozen=True)
class AddCountry(Command["Consortium"]):
    consortium: Code
    country: CountryCode

    @property
    def subject(self) -> str:
        return self.consortium


@dataclass(frozen=True)
class RemoveCountry(Command["Consortium"]):
    """A member country leaves (needs a reason); none of the consortium's pilots, partners
    or centres may be in it."""

    consortium: Code
    country: CountryCode

    @property
    def subject(self) -> str:
        return self.consortium


@dataclass(frozen=True)
class AmendConsortium(Command["Consortium"]):
    """Amend the registration's name or lead (needs a reason); None keeps the value."""

    consortium: Code
    name: str | None = None
    lead: str | None = None

    @property
    def subject(self) -> str:
        return self.consortium


@dataclass(frozen=True)
class AddPartner(Command["Consortium"]):
    consortium: Code
    organisation: str
    country: CountryCode
    role: str = "partner"

    @property
    def subject(self) -> str:
        return self.consortium


@dataclass(frozen=True)
class EstablishCentre(Command["Consortium"]):
    consortium: Code
    country: CountryCode
    name: str

    @property
    def subject(self) -> str:
        return self.consortium


# -- organisations -------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterOrganisation(Command["Organisation"]):
    code: Code
    name: str
    organisation_type: OrganisationType
    country: CountryCode

    @property
    def subject(self) -> str:
        return self.code


@dataclass(frozen=True)
class RenameOrganisation(Command["Organisation"]):
    organisation: Code
    name: str

    @property
    def subject(self) -> str:
        return self.organisation


# -- a competence centre's work (one member country of a consortium) -------------------


@dataclass(frozen=True)
class CentreCommand(Command["Consortium"]):
    """Base of the commands about one centre: a consortium's member country."""

    consortium: Code
    country: CountryCode

    @property
    def subject(self) -> str:
        return self.consortium


@dataclass(frozen=True)
class MapStakeholder(CentreCommand):
    organisation: Code
    role: str
    expertise: Sequence[str] = ()
    needs: Sequence[str] = ()


@dataclass(frozen=True)
class ReviseStakeholder(CentreCommand):
    """What the map says of a stakeholder; a field left None keeps its current value."""

    organisation: Code
    role: str | None = None
    expertise: Sequence[str] | None = None
    needs: Sequence[str] | None = None


@dataclass(frozen=True)
class RecordRelationship(CentreCommand):
    relationship: str
    source_organisation: Code
    relation: RelationshipKind
    target_organisation: Code
    valid_from: date | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class EndRelationship(CentreCommand):
    relationship: str


@dataclass(frozen=True)
class PlanAction(CentreCommand):
    action: str
    title: str
    owner: Code
    due_on: date


@dataclass(frozen=True)
class ChangeActionStatus(CentreCommand):
    action: str
    status: ActionStatus


@dataclass(frozen=True)
class HoldCapacityBuilding(CentreCommand):
    activity: str
    title: str
    audience: Audience
    participants: int
    organisations: Sequence[Code] = ()


@dataclass(frozen=True)
class HoldGathering(CentreCommand):
    """A networking or advocacy event."""

    activity: str
    title: str
    purpose: GatheringKind
    organisations: Sequence[Code] = ()


@dataclass(frozen=True)
class HoldExchange(CentreCommand):
    """Transnational exchange with another country's centre (``role`` is this centre's)."""

    activity: str
    title: str
    form: ExchangeKind
    peer_consortium: Code
    peer_country: CountryCode
    role: ExchangeRole


# -- indicators ----------------------------------------------------------------------


@dataclass(frozen=True)
class DefineIndicator(Command["Indicator"]):
    code: Code
    name: str
    level: IndicatorLevel
    measure: Measure
    unit: str
    direction: Direction
    accumulation: Accumulation
    dimensions: Sequence[Dimension] = ()
    esf_common: bool = False
    """An ESF+ common indicator (counted by the roll-ups that say "ESF+")."""

    @property
    def subject(self) -> str:
        return self.code


@dataclass(frozen=True)
class ReviseIndicator(Command["Indicator"]):
    """A new definition version; a field left None keeps its current value."""

    indicator: Code
    name: str | None = None
    level: IndicatorLevel | None = None
    measure: Measure | None = None
    unit: str | None = None
    direction: Direction | None = None
    accumulation: Accumulation | None = None
    dimensions: Sequence[Dimension] | None = None
    esf_common: bool | None = None

    @property
    def subject(self) -> str:
        return self.indicator


@dataclass(frozen=True)
class RetireIndicator(Command["Indicator"]):
    indicator: Code

    @property
    def subject(self) -> str:
        return self.indicator


# -- pilots --------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterPilot(Command["Pilot"]):
    code: Code
    consortium: Code
    title: str
    innovation: str
    origin_country: CountryCode
    target_countries: Sequence[CountryCode]
    starts_on: date
    ends_on: date
    core_components: Sequence[str] = ()
    adaptable_components: Sequence[str] = ()
    originator_approval_required: bool | None = False
    """Whether a core-component deviation needs the originator's approval (None: not)."""

    @property
    def subject(self) -> str:
        return self.code


@dataclass(frozen=True)
class AmendPilot(Command["Pilot"]):
    """Amend what the registration says (needs a reason): a field left None keeps its value.
    A later ``ends_on`` extends the pilot."""

    pilot: Code
    title: str | None = None
    innovation: str | None = None
    target_countries: Sequence[CountryCode] | None = None
    core_components: Sequence[str] | None = None
    adaptable_components: Sequence[str] | None = None
    ends_on: date | None = None

    @property
    def subject(self) -> str:
        return self.pilot
