"""The HTTP API for every role against every kind of write: allowed, forbidden (403,
store unchanged), not signed in (401); the server decides who and when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from serving import ACCOUNTS, Deployment

ERROR_KEYS = {"error", "hint", "field"}
RISK = {"kind": "risk-raised", "risk": "R1", "description": "Staff turnover", "severity": "high"}
RESULT = {"kind": "result", "indicator": "PART", "period": "2022-Q1", "value": 10,
          "occurred_on": "2022-03-31"}


@dataclass(frozen=True)
class Write:
    path: str
    body: dict[str, Any]
    allowed: tuple[str, ...]
    before: tuple[tuple[str, str, dict[str, Any]], ...] = ()
    """Writes made first (path, login, body), e.g. a submission before an approval."""


WRITES = {
    "log an entry": Write("/api/v1/pilots/SEED-GR-01/events", RISK, ("ana",)),
    "register a pilot": Write("/api/v1/pilots", {
        "code": "SEED-SI-02", "consortium": "SEED", "title": "Digital SI lab",
        "innovation": "Digital SI lab", "origin_country": "IT", "target_country": ["GR"],
        "core": ["Co-design"], "starts_on": "2022-01-10", "ends_on": "2023-06-30"}, ("ana",)),
    "submit a period": Write("/api/v1/pilots/SEED-GR-01/events",
                             {"kind": "period-submitted", "period": "2022-Q1"}, ("ana",)),
    "approve a period": Write(
        "/api/v1/pilots/SEED-GR-01/events", {"kind": "period-approved", "period": "2022-Q1"},
        ("olga", "omar"), (("/api/v1/pilots/SEED-GR-01/events", "ana",
                            {"kind": "period-submitted", "period": "2022-Q1"}),)),
    "correct an entry": Write(
        "/api/v1/pilots/SEED-GR-01/events/2/corrections",
        {"set": {"value": 12}, "reason": "Two late sheets"}, ("ana",),
        (("/api/v1/pilots/SEED-GR-01/events", "ana", RESULT),)),
    "retract an entry": Write(
        "/api/v1/pilots/SEED-GR-01/events/2/retractions", {"reason": "Wrong pilot"}, ("ana",),
        (("/api/v1/pilots/SEED-GR-01/events", "ana", RESULT),)),
    "amend a pilot": Write("/api/v1/pilots/SEED-GR-01/amendments", {
        "title": "SI mapping in twelve cities", "ends_on": "2023-12-31",
        "reason": "Extension granted"}, ("ana",)),
    "amend a consortium": Write("/api/v1/consortia/SEED/amendments", {
        "lead": "City of Turin (Italy)", "reason": "As the grant agreement names it"},
        ("root",)),
    "remove a country": Write("/api/v1/consortia/SEED/countries/SI/removal",
                              {"reason": "Registered by mistake"}, ("root",),
                              (("/api/v1/consortia/SEED/countries", "root", {"country": "SI"}),)),
    "register a consortium": Write("/api/v1/consortia", {
        "code": "ESIA", "name": "European SI Alliance", "lead": "DE partners",
        "country": ["DE", "DK"]}, ("root",)),
    "define an indicator": Write("/api/v1/indicators", {
        "code": "SITES", "name": "Sites operational", "level": "output", "measure": "unit",
        "unit": "sites", "direction": "higher", "accumulation": "cumulative"}, ("root",)),
}


@pytest.mark.parametrize("name", WRITES)
def test_each_write_is_allowed_to_its_roles_only(name: str, served: Deployment) -> None:
    write = WRITES[name]
    for path, login, body in write.before:
        assert served.post(path, login, json=body).status_code == 201
    head = served.head()
    nobody = served.post(write.path, json=write.body)
    assert nobody.status_code == 401, nobody.text
    assert set(nobody.json()) == ERROR_KEYS
    for login in ACCOUNTS:
        if login in write.allowed:
            continue
        refused = served.post(write.path, login, json=write.body)
        assert refused.status_code == 403, (login, refused.text)
        assert set(refused.json()) == ERROR_KEYS
    assert served.head() == head, "a refused write left the store unchanged"
    done = served.post(write.path, write.allowed[0], json=write.body)
    assert done.status_code == 201, done.text
    name_, login = ACCOUNTS[write.allowed[0]][0], write.allowed[0]
    assert (done.json()["actor"], done.json()["source"]) == (f"{name_} ({login})", "api")
    assert served.head()[0] == head[0] + 1


def test_a_fuse_lead_cannot_write_a_seed_pilot_but_writes_its_own(
        served: Deployment) -> None:
    head = served.head()
    refused = served.post("/api/v1/pilots/SEED-GR-01/events", "fiona", json=RISK)
    assert refused.status_code == 403
    assert "SEED" in refused.json()["error"]
    assert served.head() == head
    done = served.post("/api/v1/pilots/FUSE-IE-01/events", "fiona", json=RISK)
    assert done.status_code == 201
    assert done.json()["actor"] == "Fiona Byrne (fiona)"


def test_the_actor_and_recorded_at_a_client_sends_are_ignored(served: Deployment) -> None:
    before = datetime.now(UTC)
    forged = {**RISK, "actor": "Olga Novak (olga)", "recorded_at": "2021-01-01T00:00:00Z",
              "source": "cli"}
    sent = served.post("/api/v1/pilots/SEED-GR-01/events", "ana", json=forged)
    assert sent.status_code == 400, "a field the server does not know is refused"
    del forged["source"]
    done = served.post("/api/v1/pilots/SEED-GR-01/events", "ana", json=forged)
    assert done.status_code == 201, done.text
    event = done.json()
    assert event["actor"] == "Ana Rossi (ana)"
    recorded_at = datetime.fromisoformat(event["recorded_at"])
    assert before - timedelta(seconds=1) <= recorded_at <= datetime.now(UTC)


def test_an_officer_never_decides_a_report_the_same_account_submitted(
        served: Deployment, run: Any) -> None:
    assert run("user", "grant", "olga", "--role", "lead", "--consortium", "SEED").exit_code == 0
    submit = {"kind": "period-submitted", "period": "2022-Q2"}
    assert served.post("/api/v1/pilots/SEED-GR-01/events", "olga", json=submit
                           ).status_code == 201
    head = served.head()
    for decision in ("period-approved", "period-rejected"):
        own = served.post("/api/v1/pilots/SEED-GR-01/events", "olga",
                              json={"kind": decision, "period": "2022-Q2", "reason": "ok"})
        assert own.status_code == 403, own.text
        assert "separation of duties" in own.json()["hint"]
    assert served.head() == head
    other = served.post("/api/v1/pilots/SEED-GR-01/events", "omar",
                            json={"kind": "period-approved", "period": "2022-Q2"})
    assert other.status_code == 201


def test_refusals_mirror_the_cli_exit_codes(served: Deployment) -> None:
    post = served.post
    cases = [
        (post("/api/v1/pilots/SEED-GR-01/events", "ana", json={**RISK, "severity": "dire"}),
         400, "severity"),
        (post("/api/v1/pilots/NOPE-01/events", "ana", json=RISK), 404, None),
        (post("/api/v1/pilots/SEED-GR-01/events", "ana",
              json={"kind": "stage", "to_stage": "piloting"}), 422, None),
        (post("/api/v1/pilots/SEED-GR-01/events", "ana", json={"kind": "no-such-kind"}),
         400, None),
        (post("/api/v1/pilots/SEED-GR-01/events", "ana", content=b"{not json",
              headers={"content-type": "application/json"}), 400, None),
    ]
    head = served.head()
    for response, status, field in cases:
        assert response.status_code == status, response.text
        assert set(response.json()) == ERROR_KEYS
        assert "Traceback" not in response.text
        if field:
            assert response.json()["field"] == field
    assert served.head() == head


def test_an_auditor_downloads_an_export_and_verifies_it_and_a_tampered_one_fails(
        served: Deployment) -> None:
    import io
    import zipfile

    assert served.post("/api/v1/pilots/SEED-GR-01/events", "ana", json=RISK).status_code == 201
    assert served.get("/api/v1/export", "ana").status_code == 403
    assert served.get("/api/v1/export").status_code == 401
    bundle = served.get("/api/v1/export", "aud", params={"csv": True})
    assert bundle.status_code == 200, bundle.text
    assert bundle.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(bundle.content)).namelist()
    assert {"manifest.json", "events.jsonl", "events.csv"} <= set(names)
    checked = served.post("/api/v1/verify", "aud",
                          files={"bundle": ("b.zip", bundle.content, "application/zip")})
    assert checked.status_code == 200, checked.text
    assert checked.json()["valid"] is True
    digest = served.get("/api/v1/digest", "eva").json()
    assert digest["count"] == checked.json()["count"]

    tampered = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as original, \
            zipfile.ZipFile(tampered, "w") as copy:
        for name in original.namelist():
            data = original.read(name)
            if name == "events.jsonl":
                data = data.replace(b"Staff turnover", b"Staff turnovex")
            copy.writestr(name, data)
    failed = served.post("/api/v1/verify", "aud",
                         files={"bundle": ("b.zip", tampered.getvalue(), "application/zip")})
    assert failed.status_code == 422, failed.text
    assert set(failed.json()) == ERROR_KEYS
    outside = io.BytesIO()
    with zipfile.ZipFile(outside, "w") as evil:
        evil.writestr("../escape.txt", b"x")
    assert served.post("/api/v1/verify", "aud", files={
        "bundle": ("b.zip", outside.getvalue(), "application/zip")}).status_code == 400
    assert served.get("/api/v1/verify/store", "aud").json()["valid"] is True


VIEWS = ("progress", "impact", "portfolio", "decisions", "quality", "timeline", "finance")


@pytest.mark.parametrize("login", list(ACCOUNTS))
def test_every_role_reads_every_view_and_history_as_the_cli_prints_them(
        login: str, served: Deployment, run: Any) -> None:
    assert served.post("/api/v1/pilots/SEED-GR-01/events", "ana", json=RISK).status_code == 201
    for name in VIEWS:
        answer = served.get(f"/api/v1/views/{name}", login, params={"consortium": "SEED"})
        assert answer.status_code == 200, (name, answer.text)
        assert answer.json() == run(name, "--consortium", "SEED", "--json").json()
        assert served.get(f"/api/v1/views/{name}").status_code == 401
    history = served.get("/api/v1/pilots/SEED-GR-01/events", login)
    assert history.json() == run("pilot", "history", "SEED-GR-01", "--json").json()
    for path in ("/api/v1/pilots", "/api/v1/consortia", "/api/v1/indicators",
                 "/api/v1/pilots/SEED-GR-01", "/api/v1/consortia/SEED",
                 "/api/v1/indicators/PART"):
        assert served.get(path, login).status_code == 200, path
    at_a_point = served.get("/api/v1/views/impact", login, params={"as_of": "2022-06-30"})
    diffed = served.get("/api/v1/diff/pilots/SEED-GR-01", login,
                        params={"as_of": "2022-01-01"})
    travels = login not in ("ana", "fiona")
    assert at_a_point.status_code == (200 if travels else 403), at_a_point.text
    assert diffed.status_code == (200 if travels else 403), diffed.text
    if travels:
        assert at_a_point.json() == run("impact", "--as-of", "2022-06-30", "--json").json()


def test_view_queries_are_checked_like_the_cli_options(served: Deployment) -> None:
    get = served.get
    assert get("/api/v1/views/nothing", "eva").status_code == 404
    assert get("/api/v1/views/impact", "eva", params={"period": "2022-Q9"}).status_code == 400
    assert get("/api/v1/views/impact", "eva", params={"known_at": "yesterday"}
               ).status_code == 400
    assert get("/api/v1/views/impact", "eva", params={"known_at": "2022-06-30"}
               ).status_code == 200
    assert get("/api/v1/pilots/NOPE-01/events", "eva").status_code == 404


def test_a_core_deviation_through_the_api_says_why_and_keeps_its_approval(
        served: Deployment) -> None:
    deviation = {"kind": "adaptation", "component": "Mapping method", "summary": "Shorter",
                 "approved_by": "Originator's board", "approved_on": "2022-05-02",
                 "occurred_on": "2022-05-10"}
    head = served.head()
    refused = served.post("/api/v1/pilots/SEED-GR-01/events", "ana", json=deviation)
    assert (refused.status_code, refused.json()["field"]) == (422, "reason"), refused.text
    assert served.head() == head
    done = served.post("/api/v1/pilots/SEED-GR-01/events", "ana",
                       json={**deviation, "reason": "Local law"})
    assert done.status_code == 201, done.text
    assert (done.json()["data"]["approved_by"], done.json()["reason"]) == (
        "Originator's board", "Local law")


QUERIED = ["/api/v1/views/impact", "/api/v1/pilots", "/api/v1/pilots/SEED-GR-01",
           "/api/v1/pilots/SEED-GR-01/events", "/api/v1/diff/pilots/SEED-GR-01",
           "/api/v1/digest", "/api/v1/export", "/api/v1/reports", "/api/v1/centres"]


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_query_parameter_a_route_does_not_take_is_refused(served: Deployment) -> None:
    for path in QUERIED:  # a mistyped as_of would otherwise answer today's document
        answer = served.get(path, "eva", params={"asof": "2022-06-30"})
        assert answer.status_code == 400, path
        body = answer.json()
        assert set(body) == ERROR_KEYS
        assert (body["error"], body["field"]) == (
            "this request takes no query parameter asof", "asof"), path
        assert body["hint"].startswith("it takes "), path
    hint = served.get("/api/v1/views/impact", "eva", params={"asof": "x"}).json()["hint"]
    assert "as_of" in hint.split(", ")
    assert "known_at" in hint.split(", ")
    head = served.head()
    refused = served.post("/api/v1/pilots/SEED-GR-01/events", "ana", json=RISK,
                          params={"dry_run": "1"})
    assert (refused.status_code, refused.json()["field"]) == (400, "dry_run")
    assert served.head() == head  # store unchanged
