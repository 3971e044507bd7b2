"""People with one account per role, on a copy of the demo store (page and browser tests)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scaletrack.application.accounts import Accounts
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.account import Role
from scaletrack.domain.envelope import Provenance


@dataclass(frozen=True)
class Person:
    login: str
    name: str
    role: Role
    consortia: tuple[str, ...] = ()

    @property
    def password(self) -> str:
        return f"{self.login}-password"


PEOPLE = {p.login: p for p in [
    Person("lead", "Lea Lead", Role.LEAD, ("SEED",)),
    Person("fuse-lead", "Finn Lead", Role.LEAD, ("FUSE",)),
    Person("officer", "Olga Officer", Role.OFFICER),
    Person("officer2", "Otto Officer", Role.OFFICER),
    Person("evaluator", "Eva Evaluator", Role.EVALUATOR),
    Person("auditor", "Aud Auditor", Role.AUDITOR),
    Person("admin", "Ada Admin", Role.ADMIN),
]}


def copy_store(source_url: str, folder: Path) -> str:
    """A copy of a SQLite store (through SQLite's backup, so a WAL is taken along)."""
    target = folder / "store.db"
    with sqlite3.connect(StoreURL.parse(source_url).path) as old, \
            sqlite3.connect(target) as new:
        old.backup(new)
    return f"sqlite:///{target}"


def with_people(url: str) -> str:
    ledger = Ledger(StoreURL.parse(url))
    accounts = Accounts(ledger)
    by = Provenance(occurred_on=date(2023, 7, 1), recorded_at=datetime.now(UTC),
                    actor="Ada Admin (admin)")
    for person in PEOPLE.values():
        accounts.add(person.login, person.name, person.role, list(person.consortia), by,
                     password=person.password)
    accounts.credentials.close()
    ledger.close()
    return url


SignIn = Callable[[str], Any]
"""``as_("lead")``: a client signed in as that person."""
