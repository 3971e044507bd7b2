"""A competence centre's work as documents: its ecosystem map (who is in it, their needs,
who connects to whom), how the map changed between two points, its action plan's
progress, its activities, and every centre in a list.

Each is read from the consortium's events that the point sees (consortia's
streams are short), with organisations named as they were at that point.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import date
from typing import Any

from scaletrack.application.documents import Document
from scaletrack.application.ledger import Ledger
from scaletrack.application.queries.ordering import by_name
from scaletrack.application.queries.organisations import aggregate_at, organisations_at
from scaletrack.application.timetravel import NOW, PointInTime
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.ecosystem import FINISHED, ActionStatus, CentreWork
from scaletrack.domain.errors import NotFound
from scaletrack.domain.organisation import Organisation
from scaletrack.domain.vocabulary import canonical, checked_country


def _work(ledger: Ledger, code: str, country: str, point: PointInTime
          ) -> tuple[Consortium, str, CentreWork]:
    country = checked_country(country, "country")
    consortium = aggregate_at(ledger, Consortium, code, point)
    if consortium is None:
        raise NotFound(f"no consortium {canonical(code)} at {point.words()}",
                       hint="it was registered later")
    if country not in consortium.member_countries:
        raise NotFound(f"{consortium.code} has no member country {country}",
                       hint=f"see scaletrack consortium show {consortium.code}")
    return consortium, country, consortium.work_in(country)


def _about(consortium: Consortium, country: str, point: PointInTime, day: date) -> Document:
    shown: Document = {"consortium": consortium.code, "country": country,
                       "centre": consortium.centres.get(country), "day": day.isoformat()}
    if not point.is_now:
        shown["point_in_time"] = point.describe()
    return shown


def centre_map(ledger: Ledger, code: str, country: str, point: PointInTime = NOW) -> Document:
    """The map at a point: stakeholders with what they do and need, the relationships that
    hold on its day, each stakeholder's connections, and the needs counted."""
    consortium, country, work = _work(ledger, code, country, point)
    day = point.day(ledger.clock())
    known = organisations_at(ledger, point)
    stakeholders = [_stakeholder(s.organisation, known, asdict(s))
                    for s in work.stakeholders.values()]
    holding = work.holding_on(day)
    links: dict[str, list[str]] = {s.organisation: [] for s in work.stakeholders.values()}
    for r in holding:
        links.setdefault(r.source, []).append(f"{r.relation} {r.target}")
        links.setdefault(r.target, []).append(f"{r.relation} (by) {r.source}")
    for row in stakeholders:
        row["connections"] = links.get(row["organisation"], [])
    needs = Counter(n for s in work.stakeholders.values() for n in s.needs)
    return {
        **_about(consortium, country, point, day),
        "stakeholders": stakeholders,
        "relationships": [_relationship(asdict(r), known) for r in holding],
        "needs": [{"need": need, "stakeholders": count}
                  for need, count in sorted(needs.items(), key=lambda kv: (-kv[1], kv[0]))],
        "unconnected": sorted(o for o, found in links.items() if not found),
    }


def _stakeholder(code: str, known: dict[str, Organisation], values: dict[str, Any]
                 ) -> Document:
    organisation = known.get(code)
    return {"organisation": code, "name": organisation.name if organisation else None,
            "type": str(organisation.organisation_type) if organisation else None,
            "organisation_country": organisation.country if organisation else None,
            "role": values["role"], "expertise": list(values["expertise"]),
            "needs": list(values["needs"]), "mapped_on": values["mapped_on"].isoformat()}


def _relationship(values: dict[str, Any], known: dict[str, Organisation]) -> Document:
    until = values["valid_until"]
    return {"relationship": values["ref"], "source": values["source"],
            "source_name": _name(values["source"], known), "relation": values["relation"],
            "target": values["target"], "target_name": _name(values["target"], known),
            "valid_from": values["valid_from"].isoformat(),
            "valid_until": until.isoformat() if until else None}


def _name(code: str, known: dict[str, Organisation]) -> str | None:
    found = known.get(code)
    return found.name if found else None


def map_diff(ledger: Ledger, code: str, country: str, before: PointInTime,
             after: PointInTime) -> Document:
    """What changed on the map from one point to the other: stakeholders added, removed or
    revised (role, expertise, needs), relationships that began or stopped holding."""
    old, new = (centre_map(ledger, code, country, p) for p in (before, after))
    old_s = {s["organisation"]: s for s in old["stakeholders"]}
    new_s = {s["organisation"]: s for s in new["stakeholders"]}
    revised = []
    for org in old_s.keys() & new_s.keys():
        changes = {k: {"from": old_s[org][k], "to": new_s[org][k]}
                   for k in ("name", "role", "expertise", "needs")
                   if old_s[org][k] != new_s[org][k]}
        if changes:
            revised.append({"organisation": org, "changes": changes})
    old_r = {r["relationship"]: r for r in old["relationships"]}
    new_r = {r["relationship"]: r for r in new["relationships"]}
    return {
        "consortium": new["consortium"], "country": new["country"],
        "from": {**before.describe(), "day": old["day"]},
        "to": {**after.describe(), "day": new["day"]},
        "stakeholders_added": [new_s[o] for o in new_s if o not in old_s],
        "stakeholders_removed": [old_s[o] for o in old_s if o not in new_s],
        "stakeholders_revised": sorted(revised, key=lambda r: r["organisation"]),
        "relationships_added": [new_r[r] for r in new_r if r not in old_r],
        "relationships_ended": [old_r[r] for r in old_r if r not in new_r],
    }


def action_plan(ledger: Ledger, code: str, country: str, point: PointInTime = NOW) -> Document:
    """The strategy's actions with owner, due date and status at the point (overdue when
    past due and not finished), and the plan's progress."""
    consortium, country, work = _work(ledger, code, country, point)
    day = point.day(ledger.clock())
    known = organisations_at(ledger, point)
    actions = [{"action": a.ref, "title": a.title, "owner": a.owner,
                "owner_name": _name(a.owner, known), "due_on": a.due_on.isoformat(),
                "status": a.status, "since": a.since.isoformat(),
                "overdue": a.status not in FINISHED and a.due_on < day}
               for a in sorted(work.actions.values(), key=lambda a: (a.due_on, a.ref))]
    counts = Counter(a["status"] for a in actions)
    open_ = len(actions) - counts[ActionStatus.DROPPED]
    return {
        **_about(consortium, country, point, day),
        "actions": actions,
        "progress": {**{str(s): counts[s] for s in ActionStatus},
                     "overdue": sum(a["overdue"] for a in actions),
                     "percent_done": round(100 * counts[ActionStatus.DONE] / open_)
                     if open_ else None},
    }


def activities(ledger: Ledger, code: str, country: str, point: PointInTime = NOW) -> Document:
    """Capacity building by audience, networking and advocacy, and transnational exchange."""
    consortium, country, work = _work(ledger, code, country, point)
    rows = [{**{k: v for k, v in asdict(a).items() if k not in ("ref", "held_on")},
             "activity": a.ref, "held_on": a.held_on.isoformat(),
             "organisations": list(a.organisations)}
            for a in sorted(work.activities.values(), key=lambda a: (a.held_on, a.ref))]
    reached = Counter[str]()
    for a in work.activities.values():
        if a.family == "capacity-building":
            reached[a.kind] += a.participants or 0
    return {**_about(consortium, country, point, point.day(ledger.clock())),
            "activities": rows,
            "participants_by_audience": dict(sorted(reached.items()))}


def centre_list(ledger: Ledger, consortium: str | None = None,
                point: PointInTime = NOW) -> list[Document]:
    """Every member country of every consortium (or one): its centre, and how far its map
    (its relationships as the map counts them: those that hold on the point's day),
    plan and activities have come; by the centre's name, then consortium and country
    (:mod:`.ordering`)."""
    codes = [canonical(consortium)] if consortium else ledger.codes(Consortium)
    day = point.day(ledger.clock())
    rows = []
    for code in codes:
        found = aggregate_at(ledger, Consortium, code, point)
        if found is None:
            continue
        for country in found.countries:
            work = found.work_in(country)
            done = sum(a.status == ActionStatus.DONE for a in work.actions.values())
            rows.append({"consortium": found.code, "country": country,
                         "centre": found.centres.get(country),
                         "stakeholders": len(work.stakeholders),
                         "relationships": len(work.holding_on(day)),
                         "actions": len(work.actions), "actions_done": done,
                         "activities": len(work.activities)})
    return by_name(rows, name="centre", code=["consortium", "country"])
