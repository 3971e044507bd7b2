"""Who may do what: ONE check, ``can(account, action, resource)``, for every request.

The server's API and the web pages ask it before they call a use case; a
template or a handler never decides a permission itself. The roles
(scaletrack.domain.account.Role):

=========  ==================================================================
admin      accounts, consortia, indicators, organisations, every centre's work;
           reads everything
lead       registers and writes the pilots of its consortia, submits their
           period reports, writes its consortia's centres' work (maps, plans,
           activities), registers and renames organisations; reads the views
           and histories as they are now
officer    approves, rejects and unlocks periods (never a report the same
           account submitted); reads everything, at any point
evaluator  reads everything at any point, diffs; writes nothing
auditor    reads everything at any point, exports, verifies; writes nothing
=========  ==================================================================

Organisations, the centres' maps, plans and activities are read by everyone
signed in, now or at any point (a lead follows how its own map changed).

A disabled account may do nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scaletrack.domain.account import Account, Role
from scaletrack.domain.errors import ScaletrackError


class Action(StrEnum):
    READ = "read"
    """Views as they are now, pilot and consortium lists, histories, show."""
    READ_AT_POINT = "read-at-point"
    """Views as of a date or as known at a moment."""
    DIFF = "diff"
    REGISTER_PILOT = "register-pilot"
    WRITE_PILOT = "write-pilot"
    """Log an entry, correct or retract one, in a pilot."""
    SUBMIT_PERIOD = "submit-period"
    DECIDE_PERIOD = "decide-period"
    """Approve or reject a submitted period report."""
    UNLOCK_PERIOD = "unlock-period"
    IMPORT = "import"
    EXPORT = "export"
    VERIFY = "verify"
    DIGEST = "digest"
    READ_CENTRES = "read-centres"
    """Organisations, and the centres' maps, plans and activities, at any point."""
    WRITE_CENTRE = "write-centre"
    """Map, plan or record an activity of a centre of a consortium."""
    MANAGE_ORGANISATIONS = "manage-organisations"
    """Register or rename an organisation."""
    MANAGE_CONSORTIA = "manage-consortia"
    MANAGE_INDICATORS = "manage-indicators"
    MANAGE_ACCOUNTS = "manage-accounts"


@dataclass(frozen=True)
class Resource:
    """What an action is about: nothing in particular, or a consortium's pilot."""

    consortium: str | None = None
    """The consortium a pilot belongs to (or the consortium itself)."""
    submitted_by: str | None = None
    """For deciding a period: the actor who submitted the report."""


ANYTHING = Resource()

_READERS = frozenset(Role)
_AT_ANY_POINT = frozenset({Role.ADMIN, Role.OFFICER, Role.EVALUATOR, Role.AUDITOR})

_GRANTS: dict[Action, frozenset[Role]] = {
    Action.READ: _READERS,
    Action.READ_AT_POINT: _AT_ANY_POINT,
    Action.DIFF: _AT_ANY_POINT,
    Action.REGISTER_PILOT: frozenset({Role.LEAD}),
    Action.WRITE_PILOT: frozenset({Role.LEAD}),
    Action.SUBMIT_PERIOD: frozenset({Role.LEAD}),
    Action.DECIDE_PERIOD: frozenset({Role.OFFICER}),
    Action.UNLOCK_PERIOD: frozenset({Role.OFFICER}),
    Action.IMPORT: frozenset({Role.LEAD, Role.ADMIN}),
    Action.EXPORT: frozenset({Role.AUDITOR, Role.ADMIN}),
    Action.VERIFY: frozenset({Role.AUDITOR, Role.ADMIN}),
    Action.DIGEST: _AT_ANY_POINT,
    Action.READ_CENTRES: _READERS,
    Action.WRITE_CENTRE: frozenset({Role.LEAD, Role.ADMIN}),
    Action.MANAGE_ORGANISATIONS: frozenset({Role.LEAD, Role.ADMIN}),
    Action.MANAGE_CONSORTIA: frozenset({Role.ADMIN}),
    Action.MANAGE_INDICATORS: frozenset({Role.ADMIN}),
    Action.MANAGE_ACCOUNTS: frozenset({Role.ADMIN}),
}
"""Which roles may take each action (before the resource is looked at)."""

_OF_ITS_CONSORTIA = frozenset({Action.REGISTER_PILOT, Action.WRITE_PILOT,
                               Action.SUBMIT_PERIOD, Action.WRITE_CENTRE})
"""Actions a lead may take only on its own consortia's pilots and centres."""


def can(account: Account | None, action: Action, resource: Resource = ANYTHING) -> bool:
    """Whether the account may take the action on the resource."""
    if account is None or account.disabled:
        return False
    for role in _GRANTS[action]:
        if not account.holds(role):
            continue
        if role is Role.LEAD and action in _OF_ITS_CONSORTIA and (
                resource.consortium is None or not account.leads(resource.consortium)):
            continue
        if (action is Action.DECIDE_PERIOD and resource.submitted_by is not None
                and resource.submitted_by == account.actor):
            continue  # separation of duties: never decide on one's own report
        return True
    return False


class NotAllowed(ScaletrackError):
    """The signed-in account may not do this (HTTP 403; exit 1)."""


def require(account: Account | None, action: Action, resource: Resource = ANYTHING) -> None:
    """Raise NotAllowed unless ``can(account, action, resource)``."""
    if can(account, action, resource):
        return
    who = account.login if account is not None else "nobody"
    where = f" in {resource.consortium}" if resource.consortium else ""
    if (action is Action.DECIDE_PERIOD and account is not None
            and resource.submitted_by == account.actor and account.holds(Role.OFFICER)):
        raise NotAllowed(f"{who} submitted this period report and may not decide on it",
                         hint="another officer approves or rejects it (separation of duties)")
    raise NotAllowed(f"{who} may not {action.value.replace('-', ' ')}{where}",
                     hint="ask an admin for the role that allows it")
