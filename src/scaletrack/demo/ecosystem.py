"""The competence centres' own work in the demo: organisations, an ecosystem map and an
action plan per member country, then capacity building, networking and exchange.

The projects started with ecosystem mapping (May 2021): each country's map and
plan are recorded in the days after its consortium was registered (or the
country joined) and before the consortium's first pilot. Later the maps change
(needs revised, a provider adopting a model), actions start, finish, slip or are
dropped. Organisations are named as they were at the time (Pôle emploi, not
France Travail, before 2024); every invented name says it is synthetic.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, timedelta
from random import Random
from typing import Any

from scaletrack.application.aggregates import Changed
from scaletrack.application.commands import (
    ChangeActionStatus,
    Command,
    EndRelationship,
    HoldCapacityBuilding,
    HoldExchange,
    HoldGathering,
    MapStakeholder,
    PlanAction,
    RecordRelationship,
    RegisterOrganisation,
    ReviseStakeholder,
)
from scaletrack.demo import data
from scaletrack.demo.plan import OPENING, SEED, Step, day_between, days, moment
from scaletrack.domain.ecosystem import (
    ActionStatus,
    Audience,
    ExchangeKind,
    ExchangeRole,
    GatheringKind,
    RelationshipKind,
)
from scaletrack.domain.organisation import OrganisationType

NEEDS = ("Impact measurement", "ESF+ application writing", "Social public procurement",
         "Scaling strategies", "Business models for social enterprises",
         "Evidence and evaluation", "Co-design with service users")
"""Capacity-building needs the maps name (synthetic)."""

_TYPES = {"City of Turin": OrganisationType.PUBLIC_SERVICE_PROVIDER,
          "Rethink Ireland": OrganisationType.FUNDER,
          "L&R Social Research": OrganisationType.RESEARCH,
          "Spanish ministry of social rights": OrganisationType.INTERMEDIATE_BODY,
          "Spanish ESF managing authority": OrganisationType.MANAGING_AUTHORITY,
          "European Social Fund Agency (ESFA), Lithuania": OrganisationType.INTERMEDIATE_BODY,
          "Belgian ESF managing authority": OrganisationType.MANAGING_AUTHORITY,
          "Czech ESF managing authority": OrganisationType.MANAGING_AUTHORITY,
          "Finnish ESF managing authority": OrganisationType.MANAGING_AUTHORITY}
_WORDS = (("Network", OrganisationType.NETWORK), ("Forum", OrganisationType.NETWORK),
          ("Partnership", OrganisationType.NETWORK), ("Collective", OrganisationType.NETWORK),
          ("Institute", OrganisationType.RESEARCH))

def type_of(name: str) -> OrganisationType:
    """A partner's type, from what is known of it (or what its invented name says)."""
    plain = name.removesuffix(f" {data.SYNTHETIC}")
    if plain in _TYPES:
        return _TYPES[plain]
    return next((t for word, t in _WORDS if word in plain),
                OrganisationType.SUPPORT_ORGANISATION)


def code_of(name: str, country: str, taken: set[str]) -> str:
    """A short code from a name's initials (GR-HLIN), unique among those taken."""
    plain = name.removesuffix(f" {data.SYNTHETIC}").replace(",", " ")
    plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    words = [w for w in plain.split() if w[0].isalpha()]
    initials = "".join(w[0] for w in words if w[0].isupper())
    if len(initials) < 3:  # Municipality of Athens: GR-MUN-ATH, not GR-MA
        initials = f"{words[0][:3]}-{words[-1][:3]}".upper()
    base = f"{country}-{initials}"[:36]
    code, n = base, 2
    while code in taken:
        code, n = f"{base}{n}", n + 1
    taken.add(code)
    return code


class CentresStory:
    """The steps of every consortium's centres, planned when the story is told."""

    def __init__(self) -> None:
        self.rng = Random(f"{SEED}:centres")
        self.steps: list[Step] = []
        self.codes: dict[str, str] = {}
        """Organisation codes by name."""
        self.taken: set[str] = set()
        for n, consortium in enumerate(data.CONSORTIA):
            self._consortium(consortium, OPENING + timedelta(days=n // 2))

    def _add(self, day: date, actor: str, op: str, subject: str, **values: Any) -> Step:
        step = Step(moment(day, self.rng), day, actor, op, subject, values)
        self.steps.append(step)
        return step

    def _organisation(self, name: str, country: str, kind: OrganisationType, day: date,
                      actor: str) -> str:
        if name not in self.codes:
            code = self.codes[name] = code_of(name, country, self.taken)
            self._add(day, actor, "register-organisation", code, name=name,
                      organisation_type=kind, country=country)
        return self.codes[name]

    def _consortium(self, c: data.ConsortiumFacts, registered: date) -> None:
        first_pilot = min(p.registered for p in data.PILOTS if p.consortium == c.code)
        windows = {country: (registered + timedelta(days=1), first_pilot - timedelta(days=1))
                   for country in c.countries}
        if c.joins_later:
            country, joined = c.joins_later
            windows[country] = (joined + timedelta(days=1), joined + timedelta(days=14))
        for country, (first, last) in windows.items():
            self._centre(c, country, first, last)
        self._activities(c, list(windows))

    def _centre(self, c: data.ConsortiumFacts, country: str, first: date, last: date) -> None:
        rng, actor = self.rng, c.lead_actor
        partner = next((p for p in c.partners if p[1] == country), None)
        partner_name = partner[0] if partner else data.synthetic(
            f"Social innovation hub, {data.COUNTRY_NAMES[country]}")
        authority = next((p[0] for p in c.partners
                          if p[1] == country and "managing authority" in p[2]), None)
        names = [(partner_name, type_of(partner_name)),
                 (authority or _authority(country), OrganisationType.MANAGING_AUTHORITY),
                 _third(c.code, country)]
        codes = [self._organisation(name, country, kind, first, actor) for name, kind in names]
        hub, ma, third = codes
        span = max(4, (last - first).days)
        mapped = [first + timedelta(days=1 + i) for i in range(3)]
        needs = rng.sample(NEEDS, 3)
        roles = (("SI promoter and centre partner", ["SI incubation", "Peer networks"],
                  needs[:2]),
                 ("ESF+ programming", ["ESF+ programming", "Monitoring"], [needs[2]]),
                 (_THIRD_ROLES[names[2][1]], ["Service delivery"], needs[1:2]))
        for day, code, (role, expertise, wanted) in zip(mapped, codes, roles, strict=True):
            self._add(day, actor, "map-stakeholder", c.code, country=country,
                      organisation=code, role=role, expertise=expertise, needs=wanted)
        related = first + timedelta(days=min(4, span - 1))
        self._add(related, actor, "relate", c.code, country=country, relationship="R1",
                  source_organisation=ma, relation=RelationshipKind.SUPPORTS,
                  target_organisation=hub, valid_from=related, valid_until=date(2023, 3, 31))
        kind = (RelationshipKind.PARTNERS_WITH
                if names[2][1] is OrganisationType.PUBLIC_SERVICE_PROVIDER
                else RelationshipKind.FUNDS)
        self._add(related, actor, "relate", c.code, country=country, relationship="R2",
                  source_organisation=third, relation=kind, target_organisation=hub,
                  valid_from=related, valid_until=None)
        planned = first + timedelta(days=min(5, span))
        self._plan(c, country, planned, hub, ma, needs)
        self._changes(c, country, hub, third, names[2][1], needs)

    def _plan(self, c: data.ConsortiumFacts, country: str, planned: date, hub: str, ma: str,
              needs: list[str]) -> None:
        rng, actor = self.rng, c.lead_actor
        actions = (("A1", "Publish the national SI ecosystem map", hub, date(2021, 9, 30)),
                   ("A2", f"Capacity-building programme: {needs[0].lower()}", hub,
                    date(2022, 6, 30)),
                   ("A3", "Joint advocacy for SI in the ESF+ 2021-2027 programme", ma,
                    date(2022, 12, 31)))
        for ref, title, owner, due in actions:
            self._add(planned, actor, "plan-action", c.code, country=country, action=ref,
                      title=title, owner=owner, due_on=due)

        def status(ref: str, earliest: date, spread: int, to: ActionStatus) -> date:
            on = earliest + days(rng, 0, spread)
            self._add(on, actor, "action-status", c.code, country=country, action=ref,
                      status=to)
            return on

        started = status("A1", planned + timedelta(days=10), 30, ActionStatus.IN_PROGRESS)
        status("A1", started + timedelta(days=70), 90, ActionStatus.DONE)
        status("A2", max(date(2021, 10, 1), started), 120, ActionStatus.IN_PROGRESS)
        fate = rng.random()
        if fate < 0.6:
            status("A2", date(2022, 4, 1), 180, ActionStatus.DONE)
        elif fate < 0.75:
            status("A2", date(2022, 3, 1), 120, ActionStatus.DROPPED)
        if rng.random() < 0.7:
            status("A3", date(2022, 2, 1), 150, ActionStatus.IN_PROGRESS)
            if rng.random() < 0.5:
                status("A3", date(2022, 10, 1), 180, ActionStatus.DONE)

    def _changes(self, c: data.ConsortiumFacts, country: str, hub: str, third: str,
                 third_type: OrganisationType, needs: list[str]) -> None:
        """The map a year on: the hub's needs after the capacity building; a local funder's
        grant ending, or a provider adopting the promoted model, in some countries."""
        rng, actor = self.rng, c.lead_actor
        later = [n for n in NEEDS if n not in needs]
        self._add(day_between(rng, date(2022, 3, 1), date(2022, 10, 31)), actor,
                  "revise-stakeholder", c.code, country=country, organisation=hub,
                  needs=[needs[1], rng.choice(later)])
        ending = Random(f"{SEED}:ended:{c.code}:{country}")  # leaves the other draws alone
        if third_type is OrganisationType.FUNDER and ending.random() < 0.5:
            self._add(date(2022, 12, 31) + days(ending, 0, 60), actor, "end-relationship",
                      c.code, country=country, relationship="R2")
        if third_type is OrganisationType.PUBLIC_SERVICE_PROVIDER and rng.random() < 0.6:
            on = day_between(rng, date(2022, 9, 1), date(2023, 3, 31))
            self._add(on, actor, "relate", c.code, country=country, relationship="R3",
                      source_organisation=third, relation=RelationshipKind.ADOPTS,
                      target_organisation=hub, valid_from=on, valid_until=None)

    def _activities(self, c: data.ConsortiumFacts, countries: list[str]) -> None:
        rng, actor = self.rng, c.reporter
        lead, other = countries[0], countries[1]
        audiences = list(Audience)
        for n, country in enumerate((lead, other)):
            hub = self._hub(c, country)
            audience = audiences[(len(self.steps) + n) % len(audiences)]
            self._add(day_between(rng, date(2021, 11, 1), date(2022, 11, 30)), actor,
                      "capacity-building", c.code, country=country, activity="CB1",
                      title=data.synthetic(f"Workshop for {audience.replace('-', ' ')}"),
                      audience=audience, participants=rng.randint(12, 45),
                      organisations=[hub])
        self._add(day_between(rng, date(2022, 3, 1), date(2022, 12, 15)), actor, "gathering",
                  c.code, country=lead, activity="N1",
                  title=data.synthetic("National SI ecosystem forum"),
                  purpose=rng.choice(list(GatheringKind)),
                  organisations=[self._hub(c, k) for k in countries])
        on = day_between(rng, date(2022, 1, 10), date(2022, 10, 31))
        for country, peer, role in ((other, lead, ExchangeRole.MENTEE),
                                    (lead, other, ExchangeRole.MENTOR)):
            self._add(on, actor, "exchange", c.code, country=country, activity="X1",
                      title=data.synthetic("Mentoring on running an ecosystem map"),
                      form=ExchangeKind.MENTORING, peer_consortium=c.code,
                      peer_country=peer, role=role)

    def _hub(self, c: data.ConsortiumFacts, country: str) -> str:
        partner = next((p[0] for p in c.partners if p[1] == country), None)
        return self.codes[partner or data.synthetic(
            f"Social innovation hub, {data.COUNTRY_NAMES[country]}")]


_THIRD_ROLES = {OrganisationType.PUBLIC_SERVICE_PROVIDER: "public provider",
                OrganisationType.MANAGING_AUTHORITY: "regional ESF+ programming",
                OrganisationType.INTERMEDIATE_BODY: "regional ESF+ programming",
                OrganisationType.FUNDER: "local funder"}


def _authority(country: str) -> str:
    if country == "GB":
        return data.synthetic("Scottish Government, European Structural Funds division")
    return data.synthetic(f"ESF managing authority, {data.COUNTRY_NAMES[country]}")


def _third(consortium: str, country: str) -> tuple[str, OrganisationType]:
    """A public provider a pilot of the consortium in that country decides with, else the
    country's community foundation (the pilots' local partner)."""
    for pilot in data.PILOTS:
        if pilot.consortium == consortium and pilot.targets[0] == country and pilot.providers:
            name = pilot.providers[0][0]
            kind = (OrganisationType.MANAGING_AUTHORITY if "managing authority" in name
                    else OrganisationType.INTERMEDIATE_BODY if "ESF+ body" in name
                    else OrganisationType.PUBLIC_SERVICE_PROVIDER)
            return name, kind
    return (data.synthetic(f"{data.COUNTRY_NAMES[country]} community foundation"),
            OrganisationType.FUNDER)


def centre_steps() -> list[Step]:
    return CentresStory().steps


COMMANDS: dict[str, Callable[[str, dict[str, Any]], Command[Changed]]] = {
    "register-organisation": lambda code, v: RegisterOrganisation(code, **v),
    "map-stakeholder": lambda code, v: MapStakeholder(code, **v),
    "revise-stakeholder": lambda code, v: ReviseStakeholder(code, **v),
    "relate": lambda code, v: RecordRelationship(code, **v),
    "end-relationship": lambda code, v: EndRelationship(code, **v),
    "plan-action": lambda code, v: PlanAction(code, **v),
    "action-status": lambda code, v: ChangeActionStatus(code, **v),
    "capacity-building": lambda code, v: HoldCapacityBuilding(code, **v),
    "gathering": lambda code, v: HoldGathering(code, **v),
    "exchange": lambda code, v: HoldExchange(code, **v),
}
"""The command each of this module's step operations stands for."""
