"""The demo's accounts: one per role (two leads), with passwords for the demo ONLY.

They are recorded right after the demo's last event, on its simulated clock,
so a fresh demo gives the same events every time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scaletrack.application.accounts import Accounts
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.account import Role
from scaletrack.domain.envelope import Provenance


@dataclass(frozen=True)
class DemoAccount:
    login: str
    name: str
    role: Role
    consortia: tuple[str, ...] = ()

    @property
    def password(self) -> str:
        """Printed by `scaletrack demo`: never use such a password outside the demo."""
        return f"demo-{self.login}-password"

    def as_dict(self) -> dict[str, object]:
        return {"login": self.login, "name": self.name, "role": str(self.role),
                "consortia": list(self.consortia), "password": self.password,
                "demo_only": True}


DEMO_ACCOUNTS = (
    DemoAccount("rosa", "Rosa Admin (synthetic)", Role.ADMIN),
    DemoAccount("ana", "Ana Rossi (synthetic)", Role.LEAD, ("SEED",)),
    DemoAccount("fiona", "Fiona Byrne (synthetic)", Role.LEAD, ("FUSE",)),
    DemoAccount("olga", "Olga Novak (synthetic)", Role.OFFICER),
    DemoAccount("eva", "Eva Lind (synthetic)", Role.EVALUATOR),
    DemoAccount("aud", "Aud Berg (synthetic)", Role.AUDITOR),
)


def add_demo_accounts(store: StoreURL, after: str) -> tuple[DemoAccount, ...]:
    """Record the demo accounts one second after ``after`` (the demo's last recorded-at)."""
    moment = datetime.fromisoformat(after) + timedelta(seconds=1)
    by = Provenance(occurred_on=moment.date(), recorded_at=moment, actor="demo (synthetic)")
    ledger = Ledger(store)
    accounts = Accounts(ledger)
    try:
        for demo in DEMO_ACCOUNTS:
            accounts.add(demo.login, demo.name, demo.role, list(demo.consortia), by,
                         password=demo.password)
    finally:
        accounts.credentials.close()
        ledger.close()
    return DEMO_ACCOUNTS
