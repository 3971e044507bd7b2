"""``scaletrack centre``: a competence centre's ecosystem map, action plan and activities,
per consortium and member country."""

from __future__ import annotations

from typing import Any

import click

from scaletrack.cli.context import session
from scaletrack.cli.diff import second_point_options
from scaletrack.cli.options import (
    CODE,
    DATE,
    by_from,
    json_option,
    point_from,
    point_in_time_options,
    provenance_options,
)
from scaletrack.cli.render import emit_json, emit_table, say

RELATIONS = ("funds", "supports", "adopts", "partners-with")
STATUSES = ("in-progress", "done", "dropped")
AUDIENCES = ("managing-authorities", "intermediaries", "practitioners")
PURPOSES = ("networking", "advocacy")
FORMS = ("peer-learning", "mentoring")
ROLES = ("peer", "mentor", "mentee")
"""The domain's vocabularies (scaletrack.domain.ecosystem), here so that ``--help`` loads
no domain model."""

_centre = [click.argument("consortium", type=CODE), click.argument("country", metavar="CC")]


def centre_arguments(f: Any) -> Any:
    """CONSORTIUM CC: the centre is a consortium's, in one member country."""
    for decorate in reversed(_centre):
        f = decorate(f)
    return f


@click.group()
def centre() -> None:
    """Competence centres: ecosystem maps, action plans, capacity building, exchange."""


def _write(command: Any, kwargs: dict[str, Any], as_json: bool) -> None:
    from scaletrack.application.summaries import consortium_summary

    by = by_from(kwargs)
    changed = session().ledger().handle(command, by=by)
    emit_json(consortium_summary(changed)) if as_json else click.echo(
        f"{changed.code}@{changed.version}")


# -- the map ---------------------------------------------------------------------------


@centre.command("map-stakeholder")
@centre_arguments
@click.option("--organisation", type=CODE, required=True, help="The organisation's code.")
@click.option("--role", required=True, help="Its role in the ecosystem (funder, promoter...).")
@click.option("--expertise", multiple=True, help="What it knows (repeatable).")
@click.option("--need", "needs", multiple=True, help="A capacity-building need (repeatable).")
@provenance_options
@json_option
def map_stakeholder(consortium: str, country: str, organisation: str, role: str,
                    expertise: tuple[str, ...], needs: tuple[str, ...], as_json: bool,
                    **kwargs: Any) -> None:
    """Put an organisation on a centre's ecosystem map.

    \b
    Example:
      scaletrack centre map-stakeholder SEED GR --organisation GR-MA --role funder \\
        --expertise "ESF+ programming" --need "SI procurement" --actor ana
    """
    from scaletrack.application.commands import MapStakeholder

    _write(MapStakeholder(consortium, country, organisation, role, expertise, needs),
           kwargs, as_json)


@centre.command("revise-stakeholder")
@centre_arguments
@click.option("--organisation", type=CODE, required=True, help="The organisation's code.")
@click.option("--role", help="Its role now (default: unchanged).")
@click.option("--expertise", multiple=True, help="Its expertise now (repeatable; default: "
              "unchanged).")
@click.option("--need", "needs", multiple=True, help="Its needs now (repeatable; default: "
              "unchanged).")
@click.option("--no-needs", is_flag=True, help="It has no capacity-building needs left.")
@provenance_options
@json_option
def revise_stakeholder(consortium: str, country: str, organisation: str, role: str | None,
                       expertise: tuple[str, ...], needs: tuple[str, ...], no_needs: bool,
                       as_json: bool, **kwargs: Any) -> None:
    """Revise what the map says of a stakeholder (its role, expertise or needs).

    \b
    Example:
      scaletrack centre revise-stakeholder SEED GR --organisation GR-MA \\
        --need "SI procurement" --need "Impact measurement" --actor ana
    """
    from scaletrack.application.commands import ReviseStakeholder

    if no_needs and needs:
        raise click.UsageError("give --need or --no-needs, not both")
    _write(ReviseStakeholder(consortium, country, organisation, role, expertise or None,
                             () if no_needs else (needs or None)), kwargs, as_json)


@centre.command()
@centre_arguments
@click.argument("relationship", metavar="REF")
@click.option("--source", type=CODE, required=True, help="The organisation that acts.")
@click.option("--relation", type=click.Choice(RELATIONS), required=True,
              help="How the source relates to the target.")
@click.option("--target", type=CODE, required=True, help="The organisation it acts on.")
@click.option("--valid-from", type=DATE, metavar="YYYY-MM-DD",
              help="First day it holds (default: the day it happened).")
@click.option("--valid-until", type=DATE, metavar="YYYY-MM-DD",
              help="Last day it holds (default: open).")
@provenance_options
@json_option
def relate(consortium: str, country: str, relationship: str, source: str, relation: str,
           target: str, valid_from: Any, valid_until: Any, as_json: bool,
           **kwargs: Any) -> None:
    """Record a typed relationship between two stakeholders of a map.

    \b
    Example:
      scaletrack centre relate SEED GR R1 --source GR-MA --relation funds \\
        --target GR-HLIN --valid-from 2021-06-01 --actor ana
    """
    from scaletrack.application.commands import RecordRelationship
    from scaletrack.domain.ecosystem import RelationshipKind

    _write(RecordRelationship(consortium, country, relationship, source,
                              RelationshipKind(relation), target, valid_from, valid_until),
           kwargs, as_json)


@centre.command("end-relationship")
@centre_arguments
@click.argument("relationship", metavar="REF")
@provenance_options
@json_option
def end_relationship(consortium: str, country: str, relationship: str, as_json: bool,
                     **kwargs: Any) -> None:
    """A relationship stops holding (on the day it happened).

    \b
    Example:
      scaletrack centre end-relationship SEED GR R1 --occurred-on 2022-12-31 --actor ana
    """
    from scaletrack.application.commands import EndRelationship

    _write(EndRelationship(consortium, country, relationship), kwargs, as_json)


# -- the plan --------------------------------------------------------------------------


@centre.command("plan-action")
@centre_arguments
@click.argument("action", metavar="REF")
@click.option("--title", required=True, help="What is to be done.")
@click.option("--owner", type=CODE, required=True, help="The organisation that owns it.")
@click.option("--due-on", type=DATE, required=True, metavar="YYYY-MM-DD", help="Due date.")
@provenance_options
@json_option
def plan_action(consortium: str, country: str, action: str, title: str, owner: str,
                due_on: Any, as_json: bool, **kwargs: Any) -> None:
    """Add an action to a centre's strategy and action plan.

    \b
    Example:
      scaletrack centre plan-action SEED GR A1 --title "Joint advocacy paper" \\
        --owner GR-HLIN --due-on 2022-03-31 --actor ana
    """
    from scaletrack.application.commands import PlanAction

    _write(PlanAction(consortium, country, action, title, owner, due_on), kwargs, as_json)


@centre.command("action-status")
@centre_arguments
@click.argument("action", metavar="REF")
@click.option("--status", type=click.Choice(STATUSES), required=True, help="Its new status.")
@provenance_options
@json_option
def action_status(consortium: str, country: str, action: str, status: str, as_json: bool,
                  **kwargs: Any) -> None:
    """An action of the plan starts, is done, or is dropped.

    \b
    Example:
      scaletrack centre action-status SEED GR A1 --status done --actor ana
    """
    from scaletrack.application.commands import ChangeActionStatus
    from scaletrack.domain.ecosystem import ActionStatus

    _write(ChangeActionStatus(consortium, country, action, ActionStatus(status)), kwargs,
           as_json)


# -- activities ------------------------------------------------------------------------


@centre.command("capacity-building")
@centre_arguments
@click.argument("activity", metavar="REF")
@click.option("--title", required=True, help="What it was.")
@click.option("--audience", type=click.Choice(AUDIENCES), required=True, help="Who it was for.")
@click.option("--participants", type=click.IntRange(1), required=True,
              help="How many people took part.")
@click.option("--organisation", "organisations", type=CODE, multiple=True,
              help="An organisation that took part (repeatable).")
@provenance_options
@json_option
def capacity_building(consortium: str, country: str, activity: str, title: str,
                      audience: str, participants: int, organisations: tuple[str, ...],
                      as_json: bool, **kwargs: Any) -> None:
    """Record a capacity-building activity of a centre.

    \b
    Example:
      scaletrack centre capacity-building SEED GR CB1 --title "SI procurement workshop" \\
        --audience managing-authorities --participants 24 --organisation GR-MA --actor ana
    """
    from scaletrack.application.commands import HoldCapacityBuilding
    from scaletrack.domain.ecosystem import Audience

    _write(HoldCapacityBuilding(consortium, country, activity, title, Audience(audience),
                                participants, organisations), kwargs, as_json)


@centre.command()
@centre_arguments
@click.argument("activity", metavar="REF")
@click.option("--title", required=True, help="What it was.")
@click.option("--purpose", type=click.Choice(PURPOSES), required=True,
              help="Networking, or advocacy.")
@click.option("--organisation", "organisations", type=CODE, multiple=True,
              help="An organisation that took part (repeatable).")
@provenance_options
@json_option
def gathering(consortium: str, country: str, activity: str, title: str, purpose: str,
              organisations: tuple[str, ...], as_json: bool, **kwargs: Any) -> None:
    """Record a networking or advocacy event of a centre.

    \b
    Example:
      scaletrack centre gathering SEED GR N1 --title "SI ecosystem forum" \\
        --purpose networking --organisation GR-MA --organisation GR-HLIN --actor ana
    """
    from scaletrack.application.commands import HoldGathering
    from scaletrack.domain.ecosystem import GatheringKind

    _write(HoldGathering(consortium, country, activity, title, GatheringKind(purpose),
                         organisations), kwargs, as_json)


@centre.command()
@centre_arguments
@click.argument("activity", metavar="REF")
@click.option("--title", required=True, help="What was exchanged.")
@click.option("--form", type=click.Choice(FORMS), required=True,
              help="Peer learning, or a mentor-mentee pair.")
@click.option("--peer-consortium", type=CODE, required=True,
              help="The consortium of the other centre.")
@click.option("--peer-country", required=True, metavar="CC",
              help="The other centre's country (not this one).")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="This centre's role: peer, or mentor or mentee.")
@provenance_options
@json_option
def exchange(consortium: str, country: str, activity: str, title: str, form: str,
             peer_consortium: str, peer_country: str, role: str, as_json: bool,
             **kwargs: Any) -> None:
    """Record a transnational exchange with the centre of another country.

    \b
    Example:
      scaletrack centre exchange SEED GR X1 --title "Mapping method" --form mentoring \\
        --peer-consortium SEED --peer-country IT --role mentee --actor ana
    """
    from scaletrack.application.commands import HoldExchange
    from scaletrack.domain.ecosystem import ExchangeKind, ExchangeRole

    _write(HoldExchange(consortium, country, activity, title, ExchangeKind(form),
                        peer_consortium, peer_country, ExchangeRole(role)), kwargs, as_json)


# -- reading ---------------------------------------------------------------------------


@centre.command("list")
@click.option("--consortium", type=CODE, help="Only this consortium's centres.")
@point_in_time_options
@json_option
def list_(consortium: str | None, as_json: bool, **point: Any) -> None:
    """Every centre (consortium and member country) and how far its work has come, by
    the centre's name (case and accents aside; a country without one last), then
    consortium and country.

    \b
    Example:
      scaletrack centre list --consortium SEED --json
    """
    from scaletrack.application.queries.centres import centre_list

    rows = centre_list(session().ledger(), consortium, point_from(point))
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, ["consortium", "country", "centre", "stakeholders", "relationships",
                          "actions", "actions_done", "activities"])


@centre.command("map")
@centre_arguments
@point_in_time_options
@json_option
def map_(consortium: str, country: str, as_json: bool, **point: Any) -> None:
    """A centre's ecosystem map: who is in it, their needs, who connects to whom.

    \b
    Example:
      scaletrack centre map SEED GR --as-of 2021-12-31 --json
    """
    from scaletrack.application.queries.centres import centre_map

    document = centre_map(session().ledger(), consortium, country, point_from(point))
    if as_json:
        emit_json(document)
        return
    emit_table(document["stakeholders"], ["organisation", "name", "type", "role", "needs",
                                          "connections"], title="Stakeholders")
    emit_table(document["relationships"], ["relationship", "source", "relation", "target",
                                           "valid_from", "valid_until"],
               title="Relationships")
    emit_table(document["needs"], ["need", "stakeholders"], title="Needs")


@centre.command("map-diff")
@centre_arguments
@point_in_time_options
@second_point_options
@json_option
def map_diff(consortium: str, country: str, as_json: bool, to_as_of: Any, to_known_at: Any,
             **point: Any) -> None:
    """How a centre's map changed between two points (--as-of/--known-at, then
    --to-as-of/--to-known-at; an axis left out means now).

    \b
    Example:
      scaletrack centre map-diff SEED GR --as-of 2021-09-30 --to-as-of 2022-12-31 --json
    """
    from scaletrack.application.queries.centres import map_diff as diff
    from scaletrack.application.timetravel import PointInTime

    document = diff(session().ledger(), consortium, country, point_from(point),
                    PointInTime(as_of=to_as_of, known_at=to_known_at))
    if as_json:
        emit_json(document)
        return
    rows = [*({"change": "stakeholder added", "what": s["organisation"]}
              for s in document["stakeholders_added"]),
            *({"change": "stakeholder removed", "what": s["organisation"]}
              for s in document["stakeholders_removed"]),
            *({"change": "stakeholder revised",
               "what": f"{r['organisation']}: {', '.join(r['changes'])}"}
              for r in document["stakeholders_revised"]),
            *({"change": "relationship added",
               "what": f"{r['source']} {r['relation']} {r['target']}"}
              for r in document["relationships_added"]),
            *({"change": "relationship ended",
               "what": f"{r['source']} {r['relation']} {r['target']}"}
              for r in document["relationships_ended"])]
    if not rows:
        say("no differences between the two points")
        return
    emit_table(rows, ["change", "what"])


@centre.command("plan")
@centre_arguments
@point_in_time_options
@json_option
def plan(consortium: str, country: str, as_json: bool, **point: Any) -> None:
    """A centre's progress on its action plan: each action's owner, due date and status.

    \b
    Example:
      scaletrack centre plan SEED GR --as-of 2022-06-30 --json
    """
    from scaletrack.application.queries.centres import action_plan
    from scaletrack.application.wording import ENGLISH

    document = action_plan(session().ledger(), consortium, country, point_from(point))
    if as_json:
        emit_json(document)
        return
    emit_table([{**action, "status": ENGLISH.word(action["status"])}
                for action in document["actions"]],
               ["action", "title", "owner", "due_on", "status", "since", "overdue"],
               title="Action plan")
    emit_table([document["progress"]], list(document["progress"]), title="Progress")


@centre.command()
@centre_arguments
@point_in_time_options
@json_option
def activities(consortium: str, country: str, as_json: bool, **point: Any) -> None:
    """A centre's capacity building (participants by audience), networking and advocacy,
    and transnational exchange.

    \b
    Example:
      scaletrack centre activities SEED GR --json
    """
    from scaletrack.application.queries.centres import activities as read

    document = read(session().ledger(), consortium, country, point_from(point))
    if as_json:
        emit_json(document)
        return
    emit_table(document["activities"], ["activity", "family", "kind", "title", "held_on",
                                        "participants", "organisations", "peer", "role"])
