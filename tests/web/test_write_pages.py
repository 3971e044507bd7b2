"""The writing pages through the ASGI app: forms from the catalogue, refusals, CSRF, roles."""

from __future__ import annotations

import re

import pytest

from people import SignIn
from scaletrack.application.kinds import KINDS

PILOT = "SEED-GR-01"


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "every signed-in form carries the CSRF token"
    return found.group(1)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_loggable_kind_has_a_form_with_a_labelled_field_per_input(as_: SignIn,
                                                                       kind: str) -> None:
    indicator = "&indicator=EECO01" if KINDS[kind].needs_indicator else ""  # others take none
    page = as_("lead").get(f"/pilots/{PILOT}/log?kind={kind}{indicator}")
    expected = 403 if kind in ("period-approved", "period-rejected", "period-unlocked") else 200
    assert page.status_code == expected
    if expected == 200:
        for name in KINDS[kind].inputs:
            if name != "breakdown":
                assert f'<label for="f-{name}">' in page.text
                assert f'name="{name}"' in page.text


def test_a_result_form_has_one_input_per_breakdown_category(as_: SignIn) -> None:
    page = as_("lead").get(f"/pilots/{PILOT}/log?kind=result&indicator=EECO01").text
    for category in ["women", "men", "non-binary", "under-18", "18-29", "30-54", "55+",
                     "unemployed", "inactive", "employed"]:
        assert re.search(rf'name="breakdown\.[a-z-]+\.{re.escape(category)}"', page)


def test_a_refused_form_keeps_what_was_typed_and_says_why_beside_the_field(
        writing_as: SignIn) -> None:
    client = writing_as("lead")
    form = client.get(f"/pilots/{PILOT}/log?kind=result&indicator=EECO01").text
    answer = client.post(f"/pilots/{PILOT}/log", data={
        "csrf_token": csrf(form), "kind": "result", "indicator": "EECO01", "period": "2023-Q9",
        "value": "ten", "narrative": "kept as typed"})
    assert answer.status_code == 400
    assert re.search(r'id="e-period">[^<]*YYYY-QN', answer.text)
    assert 'id="e-value">' in answer.text
    assert 'value="2023-Q9"' in answer.text
    assert ">kept as typed</textarea>" in answer.text


def test_a_result_logged_through_the_form_is_on_the_pilot_page(writing_as: SignIn) -> None:
    client = writing_as("lead")
    form = client.get(f"/pilots/{PILOT}/log?kind=result&indicator=EECO12").text
    answer = client.post(f"/pilots/{PILOT}/log", data={  # EECO01 has its 2023-Q2 result
        "csrf_token": csrf(form), "kind": "result", "indicator": "EECO12", "period": "2023-Q2",
        "value": "12", "breakdown.sex.women": "7", "breakdown.sex.men": "5"})
    assert answer.status_code == 303
    recorded = re.search(rf"recorded=({PILOT}%40\d+)", answer.headers["location"])
    assert recorded
    page = client.get(answer.headers["location"]).text
    assert f"Recorded {recorded.group(1).replace('%40', '@')}." in page
    assert "2023-Q2: actual 12\u00a0participants" in page
    history = client.get(f"/pilots/{PILOT}/history").text
    assert "Lea Lead (lead)" in history


def test_a_form_posted_without_its_csrf_token_is_refused(writing_as: SignIn) -> None:
    answer = writing_as("lead").post(f"/pilots/{PILOT}/log", data={
        "kind": "risk-raised", "risk": "R9", "description": "x", "severity": "low"})
    assert answer.status_code == 403
    assert "CSRF" in answer.text


def test_a_lead_of_another_consortium_may_not_log(as_: SignIn) -> None:
    assert as_("fuse-lead").get(f"/pilots/{PILOT}/log?kind=risk-raised").status_code == 403


def test_an_officer_approves_a_submitted_quarter_but_not_one_they_submitted(
        writing_as: SignIn) -> None:
    lead = writing_as("lead")
    form = lead.get(f"/pilots/{PILOT}/log?kind=period-submitted&period=2023-Q3").text
    assert lead.post(f"/pilots/{PILOT}/log", data={
        "csrf_token": csrf(form), "kind": "period-submitted", "period": "2023-Q3"}
    ).status_code == 303
    officer = writing_as("officer")
    pending = officer.get("/periods").text
    assert f"Approve {PILOT} 2023-Q3" in pending
    rejected = officer.post("/periods/decide", data={
        "csrf_token": csrf(pending), "pilot": PILOT, "period": "2023-Q3",
        "decision": "reject"})
    assert rejected.status_code == 422
    assert "a rejection needs a reason" in rejected.text
    approved = officer.post("/periods/decide", data={
        "csrf_token": csrf(pending), "pilot": PILOT, "period": "2023-Q3",
        "decision": "approve"})
    assert approved.status_code == 303
    page = officer.get(f"/pilots/{PILOT}").text
    assert re.search(r"<td[^>]*>2023-Q3</td><td[^>]*>approved</td>", page)


def test_a_correction_form_shows_the_entrys_current_values(writing_as: SignIn) -> None:
    client = writing_as("lead")
    history = client.get(f"/pilots/{PILOT}/history").text
    link = re.search(rf'href="(/pilots/{PILOT}/correct/(\d+))"', history)
    assert link
    form = client.get(link.group(1))
    assert form.status_code == 200
    assert 'name="reason"' in form.text
    refused = client.post(link.group(1), data={"csrf_token": csrf(form.text),
                                               "action": "retract"})
    assert refused.status_code == 400
    retracted = client.post(link.group(1), data={"csrf_token": csrf(form.text),
                                                 "action": "retract", "reason": "test"})
    assert retracted.status_code == 303
    after = client.get(f"/pilots/{PILOT}/history").text
    assert f'retracts <a href="#{PILOT}@{link.group(2)}"' in after


@pytest.mark.parametrize(("login", "status"), [("auditor", 200), ("admin", 200), ("lead", 403),
                                               ("evaluator", 403), ("officer", 403)])
def test_the_audit_page_is_for_auditors(as_: SignIn, login: str, status: int) -> None:
    assert as_(login).get("/audit").status_code == status


def test_an_auditor_downloads_a_bundle_and_verifies_it_and_a_changed_one_fails(
        as_: SignIn) -> None:
    import io
    import zipfile

    client = as_("auditor")
    page = client.get("/audit").text
    assert re.search(r"sha256:[0-9a-f]{64}", page)
    bundle = client.get(f"/audit/bundle?pilot={PILOT}")
    assert bundle.headers["content-type"] == "application/zip"
    valid = client.post("/audit/verify", data={"csrf_token": csrf(page)},
                        files={"bundle": ("b.zip", bundle.content, "application/zip")})
    assert valid.status_code == 200
    assert "Valid: b.zip" in valid.text
    changed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as old, \
            zipfile.ZipFile(changed, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "events.jsonl":
                data = data.replace(b'"value":"', b'"value":"9', 1) if b'"value":"' in data \
                    else data.replace(b'"actor":"', b'"actor":"X', 1)
            new.writestr(item, data)
    invalid = client.post("/audit/verify", data={"csrf_token": csrf(page)},
                          files={"bundle": ("c.zip", changed.getvalue(), "application/zip")})
    assert invalid.status_code == 422
    assert "Not valid: c.zip" in invalid.text
    assert "First fault:" in invalid.text
