"""Organisations: the list, one organisation, names at a point, and the distinct entities
the pilots supported (EECO18, EECO19) counted as records, not mentions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from scaletrack.application.documents import Document
from scaletrack.application.ledger import Ledger
from scaletrack.application.queries.ordering import by_name
from scaletrack.application.timetravel import NOW, PointInTime, replay
from scaletrack.domain import pilot_events as ev
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Recorded
from scaletrack.domain.errors import InvalidInput, NotFound
from scaletrack.domain.organisation import (
    ENTERPRISES,
    PUBLIC_BODIES,
    Organisation,
    OrganisationType,
)
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.vocabulary import canonical

T = TypeVar("T", Consortium, Organisation)


def aggregate_at(ledger: Ledger, cls: type[T], code: str, point: PointInTime = NOW) -> T | None:
    """A consortium or an organisation as it was at a point (None if it did not exist yet);
    NotFound if it never did."""
    code = canonical(code)
    if point.is_now:
        return ledger.get(cls, code)
    events = [e for e in ledger.events.get(cls.id_for(code)) if isinstance(e, Recorded)]
    if not events:
        raise ledger.missing(cls, code)
    found: T | None = replay(point.visible(events))
    return found


def summary(organisation: Organisation) -> Document:
    return {"code": organisation.code, "name": organisation.name,
            "type": str(organisation.organisation_type), "country": organisation.country,
            "version": organisation.version}


def organisations_at(ledger: Ledger, point: PointInTime = NOW) -> dict[str, Organisation]:
    """Every organisation that existed at the point, by code, with the name it had then."""
    found = {}
    for code in ledger.codes(Organisation):
        organisation = aggregate_at(ledger, Organisation, code, point)
        if organisation is not None:
            found[code] = organisation
    return found


def organisation_list(ledger: Ledger, *, organisation_type: str | None = None,
                      country: str | None = None, point: PointInTime = NOW) -> list[Document]:
    """The organisations by name, then code (:mod:`.ordering`), optionally of one type or
    country."""
    if organisation_type is not None and organisation_type not in set(OrganisationType):
        raise InvalidInput(f"type: {organisation_type!r} is not one of "
                           f"{', '.join(OrganisationType)}", field="type")
    wanted = canonical(country) if country else None
    return by_name((summary(o) for o in organisations_at(ledger, point).values()
                    if (organisation_type is None or o.organisation_type == organisation_type)
                    and (wanted is None or o.country == wanted)), name="name", code=["code"])


def organisation_show(ledger: Ledger, code: str, point: PointInTime = NOW) -> Document:
    """One organisation, the centres' maps it is on, and where consortia and pilots name it
    (as a partner, an adopting provider or a funder, by its code or its name)."""
    organisation = aggregate_at(ledger, Organisation, code, point)
    if organisation is None:
        raise NotFound(f"no organisation {canonical(code)} at {point.words()}",
                       hint="it was registered later")
    maps = []
    for consortium_code in ledger.codes(Consortium):
        consortium = aggregate_at(ledger, Consortium, consortium_code, point)
        if consortium is None:
            continue
        for country, work in consortium.centre_work.items():
            stakeholder = work.stakeholders.get(organisation.code)
            if stakeholder is not None:
                maps.append({"consortium": consortium.code, "country": country,
                             "role": stakeholder.role, "needs": list(stakeholder.needs)})
    names = {organisation.code.casefold(), organisation.name.casefold()}
    named = [{"subject": subject, "as": named_as}
             for subject, named_as, written in _mentions(ledger, point)
             if written.strip().casefold() in names]
    shown = {**summary(organisation), "on_maps": maps, "named_by": named}
    if not point.is_now:
        shown["point_in_time"] = point.describe()
    return shown


def _named(known: dict[str, Organisation]) -> dict[str, Organisation]:
    """Organisations by code and by name (case folded): how a free-text mention is read."""
    return {**{o.name.casefold(): o for o in known.values()},
            **{code.casefold(): o for code, o in known.items()}}


def _mentions(ledger: Ledger, point: PointInTime) -> Iterable[tuple[str, str, str]]:
    """(subject, as what, organisation as written) for every consortium partner, pilot
    partner, adopting provider and funder the point sees."""
    for code in ledger.codes(Consortium):
        consortium = aggregate_at(ledger, Consortium, code, point)
        for partner in consortium.partners if consortium is not None else ():
            yield code, "consortium partner", partner["organisation"]
    for code in ledger.codes(Pilot):
        events = [e for e in ledger.events.get(Pilot.id_for(code)) if isinstance(e, Recorded)]
        for event in point.visible(events):
            if isinstance(event, ev.PartnerJoined):
                yield code, "pilot partner", event.organisation
            elif isinstance(event, ev.AdoptionDecided):
                yield code, "provider", event.provider
            elif isinstance(event, ev.FundingSecured):
                yield code, "funder", event.funder


SUPPORTED = frozenset({"pilot partner", "provider"})
"""What a pilot supports: its partners and the providers deciding on adoption."""


def supported_entities(ledger: Ledger, point: PointInTime = NOW) -> Document:
    """EECO18 (public administrations or services) and EECO19 (SMEs, including social
    enterprises) as the distinct organisation records the pilots' partners and adopting
    providers name, each counted once however often it is mentioned."""
    by_name = _named(organisations_at(ledger, point))
    counted: dict[str, set[str]] = {"EECO18": set(), "EECO19": set()}
    mentions = {"EECO18": 0, "EECO19": 0}
    unregistered: set[str] = set()
    for _pilot, named_as, written in _mentions(ledger, point):
        if named_as not in SUPPORTED:
            continue
        organisation = by_name.get(written.strip().casefold())
        if organisation is None:
            unregistered.add(written)
            continue
        for indicator, types in (("EECO18", PUBLIC_BODIES), ("EECO19", ENTERPRISES)):
            if organisation.organisation_type in types:
                counted[indicator].add(organisation.code)
                mentions[indicator] += 1
    return {
        "indicators": [{"indicator": code, "organisations": len(codes),
                        "mentions": mentions[code], "codes": sorted(codes)}
                       for code, codes in counted.items()],
        "unregistered": sorted(unregistered),
    }
