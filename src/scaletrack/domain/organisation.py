"""An organisation: one record, named once, referenced by code wherever it takes part.

Consortium partners, pilot partners, adopting providers, funders, the people a
capacity-building activity reached and the stakeholders of an ecosystem map
are organisations. Counting them (EECO18 public administrations or services,
EECO19 SMEs including social enterprises) counts records, not mentions.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate

from scaletrack.domain.envelope import Provenance, Recorded, aggregate_id, record, start
from scaletrack.domain.errors import RuleViolation
from scaletrack.domain.vocabulary import Code, CountryCode, Text


class OrganisationType(StrEnum):
    MANAGING_AUTHORITY = "managing-authority"
    INTERMEDIATE_BODY = "intermediate-body"
    FUNDER = "funder"
    SUPPORT_ORGANISATION = "support-organisation"
    SI_PROMOTER = "si-promoter"
    PUBLIC_SERVICE_PROVIDER = "public-service-provider"
    SOCIAL_ENTERPRISE = "social-enterprise"
    RESEARCH = "research"
    NETWORK = "network"


PUBLIC_BODIES = frozenset({OrganisationType.MANAGING_AUTHORITY,
                           OrganisationType.INTERMEDIATE_BODY,
                           OrganisationType.PUBLIC_SERVICE_PROVIDER})
"""Types that count as public administrations or public services (EECO18)."""
ENTERPRISES = frozenset({OrganisationType.SOCIAL_ENTERPRISE})
"""Types that count as SMEs, including cooperatives and social enterprises (EECO19)."""


class Organisation(Aggregate):
    """Code, name (as it was at the time), type and country."""

    class Event(Recorded):
        pass

    class Registered(Event, Aggregate.Created):
        TYPE = "organisation.registered"
        code: Code
        name: Text
        organisation_type: OrganisationType
        country: CountryCode

        def apply(self, organisation: Organisation) -> None:
            organisation.code = self.code
            organisation.name = self.name
            organisation.organisation_type = self.organisation_type
            organisation.country = self.country
            organisation.registered_on = self.occurred_on

    class Renamed(Event):
        """The organisation took a new name (Pole emploi became France Travail in 2024):
        views as of an earlier day keep the name it had then."""

        TYPE = "organisation.renamed"
        name: Text

        def apply(self, organisation: Organisation) -> None:
            organisation.name = self.name

    def __init__(self) -> None:
        self.code: str
        self.name: str
        self.organisation_type: OrganisationType
        self.country: str
        self.registered_on: date

    @staticmethod
    def id_for(code: str) -> UUID:
        return aggregate_id("organisation", code)

    @classmethod
    def register(cls, code: str, name: str, organisation_type: OrganisationType | str,
                 country: str, by: Provenance) -> Organisation:
        return start(cls, cls.Registered, cls.id_for(code), by, code=code, name=name,
                     organisation_type=organisation_type, country=country)

    def rename(self, name: str, by: Provenance) -> None:
        if by.occurred_on < self.registered_on:
            raise RuleViolation(
                "before-registration",
                f"{by.occurred_on} is before {self.code} was registered ({self.registered_on})",
                field="occurred_on", hint="give the date it really happened")
        if name.strip() == self.name:
            raise RuleViolation("same-name", f"{self.code} is already called {self.name}",
                                field="name")
        record(self, self.Renamed, by, name=name)
