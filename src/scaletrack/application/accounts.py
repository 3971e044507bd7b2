"""Account use cases: add, issue and revoke tokens, disable, list, sign in.

The account's life is events in the store (scaletrack.domain.account); its
secrets are hashes in the credentials tables (scaletrack.application.credentials).
A secret is generated here, returned once to be shown once, and never kept.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from scaletrack.application.credentials import Credentials
from scaletrack.application.ledger import Ledger
from scaletrack.domain.account import Account, Role
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation

TOKEN_PREFIX = "st"
"""API tokens read ``st_<token id>_<secret>``: the id finds the hash, the secret proves it."""


@dataclass(frozen=True)
class Issued:
    """A secret shown once: a new account's password or a new API token."""

    login: str
    secret: str
    token_id: str | None = None


class Accounts:
    """The accounts of one store."""

    def __init__(self, ledger: Ledger, credentials: Credentials | None = None) -> None:
        self.ledger = ledger
        self.credentials = credentials or Credentials(ledger.store)

    # -- commands -------------------------------------------------------------

    def add(self, login: str, name: str, role: Role, consortia: list[str], by: Provenance,
            password: str | None = None) -> tuple[Account, Issued]:
        """A new account with a generated password (or the one given, for the demo)."""
        login = login.strip().lower()
        consortia = [self.ledger.get(Consortium, c).code for c in consortia]
        if Account.id_for(login) in self.ledger.repository:
            raise RuleViolation("login-taken", f"account {login} already exists",
                                hint="logins are unique; see scaletrack user list")
        account = Account.create(login, name, role, consortia, by)
        self._save(account)
        secret = password or secrets.token_urlsafe(12)
        self.credentials.set_password(account.login, secret)
        return account, Issued(account.login, secret)

    def issue_token(self, login: str, by: Provenance) -> tuple[Account, Issued]:
        account = self.get(login)
        token_id = secrets.token_hex(6)
        account.issue_token(token_id, by)
        self._save(account)
        secret = secrets.token_urlsafe(32)
        self.credentials.add_token(account.login, token_id, secret)
        return account, Issued(account.login, f"{TOKEN_PREFIX}_{token_id}_{secret}", token_id)

    def revoke_token(self, login: str, token_id: str, by: Provenance) -> Account:
        account = self.get(login)
        account.revoke_token(token_id, by)
        self._save(account)
        self.credentials.remove_tokens(account.login, token_id)
        return account

    def grant(self, login: str, role: Role, consortia: list[str], by: Provenance) -> Account:
        consortia = [self.ledger.get(Consortium, c).code for c in consortia]
        account = self.get(login)
        account.grant(role, consortia, by)
        self._save(account)
        return account

    def revoke(self, login: str, role: Role, by: Provenance) -> Account:
        account = self.get(login)
        account.revoke(role, by)
        self._save(account)
        return account

    def disable(self, login: str, by: Provenance) -> Account:
        account = self.get(login)
        account.disable(by)
        self._save(account)
        self.credentials.remove_tokens(account.login)
        return account

    # -- queries --------------------------------------------------------------

    def get(self, login: str) -> Account:
        login = login.strip().lower()
        try:
            account: Account = self.ledger.repository.get(Account.id_for(login))
        except AggregateNotFoundError:
            raise NotFound(f"no account {login}", hint="see scaletrack user list") from None
        return account

    def find(self, login: str) -> Account | None:
        try:
            return self.get(login)
        except NotFound:
            return None

    def all(self) -> list[Account]:
        """Every account, by login."""
        return sorted((self.get(str(e.code))  # type: ignore[attr-defined]
                       for e in self.ledger.all_events(types=[Account.Created.TYPE])),
                      key=lambda account: account.login)

    # -- signing in -----------------------------------------------------------

    def by_password(self, login: str, password: str) -> Account | None:
        """The enabled account these credentials sign in to, if any."""
        login = login.strip().lower()
        if not self.credentials.password_matches(login, password):
            return None
        account = self.find(login)
        return account if account is not None and not account.disabled else None

    def by_token(self, token: str) -> Account | None:
        """The enabled account an API token belongs to, if it is still valid."""
        prefix, _, rest = token.strip().partition("_")
        token_id, _, secret = rest.partition("_")
        if prefix != TOKEN_PREFIX or not token_id or not secret:
            return None
        login = self.credentials.token_owner(token_id, secret)
        account = self.find(login) if login else None
        if account is None or account.disabled or token_id not in account.tokens:
            return None
        return account

    def _save(self, account: Account) -> None:
        try:
            self.ledger.save(account)
        except IntegrityError:
            raise ConcurrentChange(f"account {account.login} changed meanwhile",
                                   hint="look again and retry") from None


def account_summary(account: Account) -> dict[str, Any]:
    """An account as `user list --json` and the API show it (never a secret)."""
    return {"login": account.login, "name": account.name,
            "roles": sorted(str(r) for r in account.roles),
            "consortia": sorted(account.roles.get(Role.LEAD, [])),
            "disabled": account.disabled, "tokens": list(account.tokens),
            "version": account.version}


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise InvalidInput(f"{text!r} is not a role", field="role",
                           hint=f"one of {', '.join(r.value for r in Role)}") from None
