"""A deployment for the server's tests: a store with two consortia, a pilot in each,
one account per role (and a second officer), and an HTTP client on the app."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from scaletrack.application.accounts import Accounts
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.account import Role
from scaletrack.domain.envelope import Provenance
from scaletrack.server.app import create_app

ADMIN_BY = Provenance(occurred_on=date(2022, 1, 3), recorded_at=datetime.now(UTC),
                      actor="admin")
ACCOUNTS: dict[str, tuple[str, Role, list[str]]] = {
    "root": ("Rosa Admin", Role.ADMIN, []),
    "ana": ("Ana Rossi", Role.LEAD, ["SEED"]),
    "fiona": ("Fiona Byrne", Role.LEAD, ["FUSE"]),
    "olga": ("Olga Novak", Role.OFFICER, []),
    "omar": ("Omar Haddad", Role.OFFICER, []),
    "eva": ("Eva Lind", Role.EVALUATOR, []),
    "aud": ("Aud Berg", Role.AUDITOR, []),
}
PILOTS = {"SEED-GR-01": "SEED", "FUSE-IE-01": "FUSE"}


def sign_in_form_token(client: TestClient) -> str:
    """The CSRF token of the sign-in form, as a browser gets it (with its cookie)."""
    page = client.get("/sign-in")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1)


def post_sign_in(client: TestClient, form: dict[str, str], **options: Any) -> Any:
    """``POST /sign-in`` as the browser's form sends it: the form's CSRF token included."""
    return client.post("/sign-in", data={"csrf_token": sign_in_form_token(client), **form},
                       **options)


def seed(ledger: Ledger) -> None:
    """Two consortia, one pilot each, an indicator."""
    by = ADMIN_BY
    ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], by)
    ledger.register_consortium("FUSE", "Fuse", "Rethink Ireland", ["IE", "PT"], by)
    ledger.define_indicator("PART", {"name": "Participants", "level": "output",
                                     "measure": "unit", "unit": "people",
                                     "direction": "higher", "accumulation": "incremental",
                                     "dimensions": ["sex"]}, by)
    for code, consortium in PILOTS.items():
        target = "GR" if consortium == "SEED" else "PT"
        origin = "IT" if consortium == "SEED" else "IE"
        ledger.register_pilot(code, consortium, {
            "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": origin,
            "target_countries": [target], "core_components": ["Mapping method"],
            "adaptable_components": ["Training format"], "starts_on": date(2022, 1, 1),
            "ends_on": date(2023, 6, 30)}, by)


@dataclass
class Deployment:
    url: str
    client: TestClient
    passwords: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def bearer(self, login: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[login]}"}

    def head(self) -> tuple[int, str]:
        from expect import store_digest_of

        return store_digest_of(self.url)

    def get(self, path: str, login: str | None = None, **kwargs: Any) -> Any:
        return self.client.get(path, headers=self._headers(login, kwargs), **kwargs)

    def post(self, path: str, login: str | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, headers=self._headers(login, kwargs), **kwargs)

    def _headers(self, login: str | None, kwargs: dict[str, Any]) -> dict[str, str]:
        return {**(self.bearer(login) if login else {}), **kwargs.pop("headers", {})}


@pytest.fixture(autouse=True)
def quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost: the tests sign in hundreds of times on two busy cores
    (the hashes are still Argon2id, checked the same way)."""
    from argon2 import PasswordHasher

    from scaletrack.application import credentials

    monkeypatch.setattr(credentials, "PASSWORD_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def served(store_url: str) -> Iterator[Deployment]:
    ledger = Ledger(StoreURL.parse(store_url))
    passwords, tokens = {}, {}
    try:
        seed(ledger)
        accounts = Accounts(ledger)
        for login, (name, role, consortia) in ACCOUNTS.items():
            _, issued = accounts.add(login, name, role, consortia, ADMIN_BY)
            passwords[login] = issued.secret
            tokens[login] = accounts.issue_token(login, ADMIN_BY)[1].secret
        accounts.credentials.close()
    finally:
        ledger.close()
    with TestClient(create_app(store_url, pages=False)) as client:
        yield Deployment(store_url, client, passwords, tokens)


@pytest.fixture
def address(served: Deployment) -> Iterator[str]:
    """The app on a real socket, served by uvicorn in a thread."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(served.url, pages=False), host="127.0.0.1", port=port,
                            log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
