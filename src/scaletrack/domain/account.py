"""An account: a person who signs in to the server, and the roles they hold.

Accounts are events in the same store as the pilots, so "who could do what,
when" is in the audit chain and time-travels like everything else. No event
ever carries a secret: a token is named by its id, and password and token
hashes live in a separate credentials table that no export reads.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from eventsourcing.domain import Aggregate
from pydantic import StringConstraints

from scaletrack.domain.envelope import Provenance, Recorded, aggregate_id, record, start
from scaletrack.domain.errors import InvalidInput, RuleViolation
from scaletrack.domain.vocabulary import Code, Text, canonical


class Role(StrEnum):
    """What an account may do (application/access.py decides each request from these)."""

    ADMIN = "admin"
    """Accounts, consortia, indicators."""
    LEAD = "lead"
    """Registers and writes the pilots of its consortia, submits their period reports."""
    OFFICER = "officer"
    """Approves, rejects and unlocks periods; reads everything."""
    EVALUATOR = "evaluator"
    """Reads everything at any point, diffs; writes nothing."""
    AUDITOR = "auditor"
    """Reads, exports, verifies; writes nothing."""


_LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
Login = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=2,
                                         max_length=64, pattern=f"^{_LOGIN.pattern}$")]
"""How a person signs in: lower-case letters, digits, '.', '_' and '-'."""

TokenId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{8,32}$")]
"""The public half of an API token, by which it is named and revoked."""


class Account(Aggregate):
    """A login, a display name, roles (a lead's with its consortia) and API tokens."""

    class Event(Recorded):
        pass

    class Created(Event, Aggregate.Created):
        TYPE = "account.created"
        code: Login
        """The login: every aggregate's first event names its subject ``code``."""
        name: Text
        role: Role
        consortia: list[Code]

        def apply(self, account: Any) -> None:
            account.login = self.code
            account.name = self.name
            account.roles = {self.role: list(self.consortia)}

    class RoleGranted(Event):
        TYPE = "account.role-granted"
        role: Role
        consortia: list[Code]

        def apply(self, account: Any) -> None:
            held = account.roles.setdefault(self.role, [])
            held.extend(c for c in self.consortia if c not in held)

    class RoleRevoked(Event):
        TYPE = "account.role-revoked"
        role: Role

        def apply(self, account: Any) -> None:
            account.roles.pop(self.role, None)

    class Disabled(Event):
        TYPE = "account.disabled"

        def apply(self, account: Any) -> None:
            account.disabled = True
            account.tokens = []

    class TokenIssued(Event):
        TYPE = "account.token-issued"
        token_id: TokenId

        def apply(self, account: Any) -> None:
            account.tokens.append(self.token_id)

    class TokenRevoked(Event):
        TYPE = "account.token-revoked"
        token_id: TokenId

        def apply(self, account: Any) -> None:
            account.tokens.remove(self.token_id)

    def __init__(self) -> None:
        self.login: str
        self.name: str
        self.roles: dict[Role, list[str]]
        self.disabled = False
        self.tokens: list[str] = []

    @staticmethod
    def id_for(login: str) -> Any:
        return aggregate_id("account", login.strip().lower())

    @classmethod
    def create(cls, login: str, name: str, role: Role, consortia: list[str],
               by: Provenance) -> Account:
        if not _LOGIN.fullmatch(login.strip().lower()):
            raise InvalidInput(f"{login!r} is not a login", field="login",
                               hint="use 2 to 64 lower-case letters, digits, '.', '_' and '-'")
        _check_consortia(role, consortia)
        return start(cls, cls.Created, cls.id_for(login), by,
                     code=login, name=name, role=role, consortia=consortia)

    @property
    def actor(self) -> str:
        """How events recorded by this account name their actor: name and login."""
        return f"{self.name} ({self.login})"

    @property
    def code(self) -> str:
        return self.login

    def holds(self, role: Role) -> bool:
        return not self.disabled and role in self.roles

    def leads(self, consortium: str) -> bool:
        return self.holds(Role.LEAD) and canonical(consortium) in self.roles[Role.LEAD]

    def grant(self, role: Role, consortia: list[str], by: Provenance) -> None:
        self._require_enabled()
        _check_consortia(role, consortia)
        held = self.roles.get(role)
        if held is not None and all(canonical(c) in held for c in consortia):
            raise RuleViolation("role-held", f"{self.login} already holds {role}"
                                + (f" of {', '.join(consortia)}" if consortia else ""))
        record(self, self.RoleGranted, by, role=role, consortia=consortia)

    def revoke(self, role: Role, by: Provenance) -> None:
        self._require_enabled()
        if role not in self.roles:
            raise RuleViolation("role-not-held", f"{self.login} does not hold {role}")
        record(self, self.RoleRevoked, by, role=role)

    def disable(self, by: Provenance) -> None:
        self._require_enabled()
        record(self, self.Disabled, by)

    def issue_token(self, token_id: str, by: Provenance) -> None:
        self._require_enabled()
        record(self, self.TokenIssued, by, token_id=token_id)

    def revoke_token(self, token_id: str, by: Provenance) -> None:
        if token_id not in self.tokens:
            raise RuleViolation("no-such-token", f"{self.login} has no token {token_id}",
                                hint="see scaletrack user list")
        record(self, self.TokenRevoked, by, token_id=token_id)

    def _require_enabled(self) -> None:
        if self.disabled:
            raise RuleViolation("account-disabled", f"the account {self.login} is disabled")


def _check_consortia(role: Role, consortia: list[str]) -> None:
    if role is Role.LEAD and not consortia:
        raise RuleViolation("lead-needs-consortium", "a lead leads one or more consortia",
                            hint="give --consortium CODE")
    if role is not Role.LEAD and consortia:
        raise RuleViolation("consortia-for-leads-only",
                            f"only a lead has consortia (the role given is {role})")
