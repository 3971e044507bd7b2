"""People with one account per role, on a copy of the demo store (page and browser tests)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scaletrack.application.accounts import Accounts
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.demo.accounts import DemoAccount
from scaletrack.domain.account import Role
from scaletrack.domain.envelope import Provenance

PEOPLE = {p.login: p for p in [
    DemoAccount("lead", "Lea Lead", Role.LEAD, ("SEED",)),
    DemoAccount("fuse-lead", "Finn Lead", Role.LEAD, ("FUSE",)),
    DemoAccount("officer", "Olga Officer", Role.OFFICER),
    DemoAccount("officer2", "Otto Officer", Role.OFFICER),
    DemoAccount("evaluator", "Eva Evaluator", Role.EVALUATOR),
    DemoAccount("auditor", "Aud Auditor", Role.AUDITOR),
    DemoAccount("admin", "Ada Admin", Role.ADMIN),
]}
"""The people of the page and browser tests: demo-style accounts (password
``demo-LOGIN-password``), added to a copy of the demo beside its own."""


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
