"""Accounts, sessions and tokens: secrets shown once and kept only as Argon2 hashes,
cookies a browser can use safely, one JSON error shape, security headers."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from expect import refused
from scaletrack.application.access import Action, Resource, can
from scaletrack.domain.account import Account, Role
from scaletrack.domain.envelope import Provenance
from scaletrack.server.app import create_app
from scaletrack.server.security import CONTENT_SECURITY_POLICY
from serving import Deployment, post_sign_in

ERROR_KEYS = {"error", "hint", "field"}


@pytest.fixture
def consortium(run: Any) -> Any:
    assert run("init").exit_code == 0
    assert run("consortium", "register", "SEED", "--name", "Seed", "--lead", "Turin",
               "--country", "IT", "--country", "GR").exit_code == 0
    return run


def test_user_add_prints_the_password_once_and_keeps_only_its_argon2_hash(
        consortium: Any, tmp_path: Path) -> None:
    run = consortium
    out = tmp_path / "out"
    added = run("user", "add", "ana", "--name", "Ana Rossi", "--role", "lead",
                "--consortium", "seed")
    assert added.exit_code == 0, added.stderr
    password = added.stdout.strip()
    assert len(password) >= 12
    assert "shown above, this once" in added.stderr
    as_json = run("user", "add", "olga", "--name", "Olga", "--role", "officer", "--json")
    assert set(as_json.json()) >= {"login", "name", "roles", "password"}
    token = run("user", "token", "ana").stdout.strip()
    assert token.startswith("st_")
    listed = run("user", "list", "--json").json()
    assert [(a["login"], a["roles"], a["consortia"]) for a in listed] == [
        ("ana", ["lead"], ["SEED"]), ("olga", ["officer"], [])]
    assert "password" not in json.dumps(listed)
    assert token not in json.dumps(listed)
    assert run("export", "-o", str(out / "bundle")).exit_code == 0
    dumped = run("import", "dump", "-o", str(out / "dump.csv"))
    assert dumped.exit_code == 0, dumped.stderr
    everything = "".join(p.read_text() for p in out.rglob("*") if p.is_file())
    for secret in (password, token.split("_", 2)[2], "$argon2"):  # st_<id>_<secret>
        assert secret not in everything
    assert run("verify", str(out / "bundle")).exit_code == 0
    assert run("verify", "--store").exit_code == 0


def test_secrets_are_never_in_an_event(consortium: Any, store_url: str) -> None:
    run = consortium
    password = run("user", "add", "ana", "--name", "Ana", "--role", "lead",
                   "--consortium", "SEED").stdout.strip()
    token = run("user", "token", "ana").stdout.strip()
    history = run("timeline", "--json").stdout + run("pilot", "list", "--json").stdout
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL

    ledger = Ledger(StoreURL.parse(store_url))
    try:
        stored = [n.state.decode() for n in ledger.recorder.select_notifications(1, 100)]
    finally:
        ledger.close()
    assert any('"account.token-issued"' in s or "token_id" in s for s in stored)
    for text in [*stored, history]:
        assert password not in text
        assert token.split("_", 2)[2] not in text  # st_<id>_<secret>


def test_user_commands_refuse_bad_input_with_the_documented_codes(consortium: Any) -> None:
    run = consortium
    refused(run("user", "add", "ana", "--name", "Ana", "--role", "lead"), 1, "consortia")
    refused(run("user", "add", "olga", "--name", "O", "--role", "officer", "--consortium",
                "SEED"), 1, "only a lead")
    refused(run("user", "add", "Bad Login!", "--name", "X", "--role", "admin"), 2, "login")
    refused(run("user", "add", "ana", "--name", "Ana", "--role", "lead", "--consortium",
                "NOPE"), 3, "NOPE")
    assert run("user", "add", "ana", "--name", "Ana", "--role", "admin").exit_code == 0
    refused(run("user", "add", "ana", "--name", "Ana", "--role", "admin"), 1, "exists")
    refused(run("user", "token", "nobody"), 3, "nobody")
    refused(run("user", "disable", "nobody"), 3, "nobody")
    assert run("user", "disable", "ana").exit_code == 0
    refused(run("user", "token", "ana"), 1, "disabled")


def test_a_token_works_until_it_is_revoked_or_its_account_disabled(
        served: Deployment, run: Any) -> None:
    me = served.get("/api/v1/session", "ana")
    assert me.status_code == 200
    assert me.json()["login"] == "ana"
    token_id = served.tokens["ana"].split("_")[1]
    assert run("user", "token", "ana", "--revoke", token_id).exit_code == 0
    gone = served.get("/api/v1/session", "ana")
    assert gone.status_code == 401
    assert set(gone.json()) == ERROR_KEYS
    assert served.get("/api/v1/session", "eva").status_code == 200
    assert run("user", "disable", "eva").exit_code == 0
    assert served.get("/api/v1/session", "eva").status_code == 401
    forged = {"Authorization": "Bearer st_" + token_id + "_guessed"}
    assert served.client.get("/api/v1/session", headers=forged).status_code == 401


def test_a_session_cookie_is_signed_httponly_samesite_and_writes_need_its_csrf_token(
        served: Deployment) -> None:
    client = served.client
    assert client.get("/api/v1/session").status_code == 401
    signed_in = client.post("/api/v1/session",
                            json={"login": "ana", "password": served.passwords["ana"]})
    assert signed_in.status_code == 200, signed_in.text
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie
    csrf = signed_in.json()["csrf_token"]
    assert client.get("/api/v1/session").json()["login"] == "ana"
    no_csrf = client.delete("/api/v1/session")
    assert no_csrf.status_code == 403
    assert "CSRF" in no_csrf.json()["error"]
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": "wrong"}
                         ).status_code == 403
    assert client.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/session").status_code == 401
    client.cookies.set("scaletrack_session", "forged.cookie.value")
    assert client.get("/api/v1/session").status_code == 401


def test_the_sign_in_form_redirects_and_refuses_another_sites_page(
        served: Deployment) -> None:
    with TestClient(create_app(served.url)) as client:  # the form is a web page
        _sign_in_form_redirects_and_refuses_another_sites_page(served, client)


def _sign_in_form_redirects_and_refuses_another_sites_page(
        served: Deployment, client: TestClient) -> None:
    form = {"login": "olga", "password": served.passwords["olga"], "next": "/pages"}
    signed = post_sign_in(client, form, follow_redirects=False)
    assert (signed.status_code, signed.headers["location"]) == (303, "/pages")
    assert client.get("/api/v1/session").json()["login"] == "olga"
    assert client.post("/sign-out", follow_redirects=False).status_code == 403
    csrf = client.get("/api/v1/session").json()["csrf_token"]
    out = client.post("/sign-out", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/api/v1/session").status_code == 401
    outside = post_sign_in(client, form, headers={"Origin": "https://evil.example"})
    assert outside.status_code == 403
    assert "scaletrack_session" not in outside.headers.get(
        "set-cookie", "")
    away = post_sign_in(client, {**form, "next": "//evil.example/"}, follow_redirects=False)
    assert away.headers["location"] == "/"


def test_a_sign_in_form_without_its_csrf_token_is_refused_with_a_clear_error(
        served: Deployment) -> None:
    with TestClient(create_app(served.url)) as client:
        _sign_in_form_without_its_csrf_token_is_refused(served, client)


def _sign_in_form_without_its_csrf_token_is_refused(served: Deployment,
                                                    client: TestClient) -> None:
    form = {"login": "olga", "password": served.passwords["olga"], "next": "/pages"}
    client.get("/sign-in")  # the cookie alone is not enough: another site's page has it too

    for token in ({}, {"csrf_token": ""}, {"csrf_token": "forged"}):
        refused_sign_in = client.post("/sign-in", data={**form, **token},
                                      follow_redirects=False)

        assert refused_sign_in.status_code == 303
        assert "scaletrack_session" not in refused_sign_in.headers.get("set-cookie", "")
        again = client.get(refused_sign_in.headers["location"])
        assert again.status_code == 401
        assert "CSRF token is missing or wrong: sign in again on this page" in again.text
        assert 'name="csrf_token" value="' in again.text
        assert client.get("/api/v1/session").status_code == 401
    client.cookies.clear()
    no_cookie = client.post("/sign-in", data={**form, "csrf_token": "forged"},
                            follow_redirects=False)
    assert "CSRF token" in unquote(no_cookie.headers["location"])
    assert post_sign_in(client, form, follow_redirects=False).headers["location"] == "/pages"


def test_failed_sign_ins_are_limited(served: Deployment) -> None:
    client = served.client
    for _ in range(5):
        wrong = client.post("/api/v1/session", json={"login": "ana", "password": "guess"})
        assert wrong.status_code == 401
        assert set(wrong.json()) == ERROR_KEYS
    right = {"login": "ana", "password": served.passwords["ana"]}
    blocked = client.post("/api/v1/session", json=right)
    assert blocked.status_code == 429
    assert "too many" in blocked.json()["error"]


def test_every_response_has_security_headers_and_no_outside_origin(
        served: Deployment) -> None:
    for response in (served.client.get("/openapi.json"),
                     served.client.get("/api/v1/session"),
                     served.get("/api/v1/users", "root"),
                     served.client.get("/no/such/page")):
        headers = response.headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
    sources = re.findall(r"(?:https?:)?//[^\s;']+", CONTENT_SECURITY_POLICY)
    assert sources == []
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY


def test_errors_have_one_shape_and_no_traceback(served: Deployment) -> None:
    for response, status in ((served.client.get("/no/such/page"), 404),
                             (served.client.get("/api/v1/users"), 401),
                             (served.get("/api/v1/users", "ana"), 403),
                             (served.client.post("/api/v1/session", json={"login": 1}),
                              400)):
        assert response.status_code == status, response.text
        assert set(response.json()) == ERROR_KEYS
        assert "Traceback" not in response.text
    assert served.client.get("/api/v1/users").headers["www-authenticate"] == "Bearer"
    users = served.get("/api/v1/users", "root").json()
    assert {u["login"] for u in users} >= {"root", "ana", "olga"}
    assert all("password" not in u for u in users)


def test_the_openapi_document_is_served(served: Deployment) -> None:
    document = served.client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/session" in document["paths"]


BY = Provenance(occurred_on=date(2022, 1, 3), recorded_at=datetime(2022, 1, 3, 9, tzinfo=UTC),
                actor="admin")


def account(role: Role, *consortia: str, login: str = "someone") -> Account:
    return Account.create(login, login.title(), role, list(consortia), BY)


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.ADMIN, {Action.READ, Action.READ_AT_POINT, Action.DIFF, Action.IMPORT,
                  Action.EXPORT, Action.VERIFY, Action.DIGEST, Action.MANAGE_CONSORTIA,
                  Action.MANAGE_INDICATORS, Action.MANAGE_ACCOUNTS, Action.READ_CENTRES,
                  Action.WRITE_CENTRE, Action.MANAGE_ORGANISATIONS}),
    (Role.LEAD, {Action.READ, Action.REGISTER_PILOT, Action.WRITE_PILOT, Action.SUBMIT_PERIOD,
                 Action.IMPORT, Action.READ_CENTRES, Action.WRITE_CENTRE,
                 Action.MANAGE_ORGANISATIONS}),
    (Role.OFFICER, {Action.READ, Action.READ_AT_POINT, Action.DIFF, Action.DECIDE_PERIOD,
                    Action.UNLOCK_PERIOD, Action.DIGEST, Action.READ_CENTRES}),
    (Role.EVALUATOR, {Action.READ, Action.READ_AT_POINT, Action.DIFF, Action.DIGEST,
                      Action.READ_CENTRES}),
    (Role.AUDITOR, {Action.READ, Action.READ_AT_POINT, Action.DIFF, Action.EXPORT,
                    Action.VERIFY, Action.DIGEST, Action.READ_CENTRES}),
])
def test_each_role_may_take_exactly_its_actions(role: Role, allowed: set[Action]) -> None:
    who = account(role, *(["SEED"] if role is Role.LEAD else []))
    seed_pilot = Resource(consortium="SEED")
    assert {a for a in Action if can(who, a, seed_pilot)} == allowed
    disabled = account(role, *(["SEED"] if role is Role.LEAD else []))
    disabled.disable(BY)
    assert not any(can(disabled, a, seed_pilot) for a in Action)
    assert not any(can(None, a, seed_pilot) for a in Action)


def test_a_lead_writes_only_its_own_consortia() -> None:
    fuse_lead = account(Role.LEAD, "FUSE")
    assert can(fuse_lead, Action.WRITE_PILOT, Resource(consortium="FUSE"))
    assert not can(fuse_lead, Action.WRITE_PILOT, Resource(consortium="SEED"))
    assert not can(fuse_lead, Action.SUBMIT_PERIOD, Resource(consortium="SEED"))
    assert not can(fuse_lead, Action.WRITE_PILOT)
    fuse_lead.grant(Role.LEAD, ["SEED"], BY)
    assert can(fuse_lead, Action.WRITE_PILOT, Resource(consortium="SEED"))
    fuse_lead.revoke(Role.LEAD, BY)
    assert not can(fuse_lead, Action.WRITE_PILOT, Resource(consortium="FUSE"))


def test_a_lead_writes_only_its_own_consortia_s_centres_and_an_admin_writes_any() -> None:
    fuse_lead = account(Role.LEAD, "FUSE")
    assert can(fuse_lead, Action.WRITE_CENTRE, Resource(consortium="FUSE"))
    assert not can(fuse_lead, Action.WRITE_CENTRE, Resource(consortium="SEED"))
    assert can(fuse_lead, Action.MANAGE_ORGANISATIONS)
    assert can(account(Role.ADMIN), Action.WRITE_CENTRE, Resource(consortium="SEED"))
    assert not can(account(Role.EVALUATOR), Action.WRITE_CENTRE, Resource(consortium="SEED"))
    assert not can(account(Role.OFFICER), Action.MANAGE_ORGANISATIONS)


def test_an_officer_never_decides_a_report_the_same_account_submitted() -> None:
    both = account(Role.LEAD, "SEED", login="olga")
    both.grant(Role.OFFICER, [], BY)
    own = Resource(consortium="SEED", submitted_by=both.actor)
    assert can(both, Action.SUBMIT_PERIOD, own)
    assert not can(both, Action.DECIDE_PERIOD, own)
    assert can(both, Action.DECIDE_PERIOD, Resource(consortium="SEED", submitted_by="Ana (ana)"))
    assert can(account(Role.OFFICER, login="omar"), Action.DECIDE_PERIOD, own)


def test_the_credentials_table_holds_argon2id_hashes(consortium: Any, sqlite_url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALETRACK_DB", sqlite_url)
    run = consortium
    assert run("--db", sqlite_url, "init").exit_code in (0, 1)
    assert run("--db", sqlite_url, "user", "add", "ana", "--name", "Ana", "--role",
               "admin").exit_code == 0
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        (hashed,), = conn.execute("SELECT password_hash FROM scaletrack_credentials")
    assert hashed.startswith("$argon2id$")


def test_the_demo_has_one_account_per_role_with_demo_only_sign_ins(demo_url: str,
                                                                   cli: Any) -> None:
    from fastapi.testclient import TestClient

    from scaletrack.server.app import create_app

    listed = cli("--db", demo_url, "user", "list", "--json").json()
    assert {role for a in listed for role in a["roles"]} == {r.value for r in Role}
    with TestClient(create_app(demo_url, pages=False)) as client:
        for login in ("ana", "olga", "eva", "aud", "rosa"):
            signed = client.post("/api/v1/session", json={
                "login": login, "password": f"demo-{login}-password"})
            assert signed.status_code == 200, signed.text
            assert signed.json()["login"] == login
