"""A pilot's history as a person reads it: every event's fields labelled, in words, money
as money (``scaletrack pilot history`` and the web history page), the JSON as recorded."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from scaletrack.application.details import event_text

PILOT = "SEED-GR-01"


def test_an_events_fields_read_as_words_in_the_order_they_were_recorded() -> None:
    assert event_text({"milestone": "M4", "title": "Report", "due_on": "2022-09-21"}) == \
        "Milestone: M4; Title: Report; Due on: 2022-09-21"
    assert event_text({"funder": "EC", "amount_eur": "167000", "unit_cost_eur": None,
                       "originator_approval_required": True, "cost_option": "real-costs"}) \
        == "Funder: EC; Amount: 167,000\xa0EUR; Originator approval required: yes; " \
           "Cost option: real costs"
    assert event_text({"corrects": 1065, "corrected_type": "pilot.business-model-revised",
                       "data": {"cost_per_beneficiary_eur": "949", "summary": "Less"}}) == \
        "Corrects: 1065; Corrected entry: business model revised; " \
        "Corrected to: (Cost per beneficiary: 949\xa0EUR; Summary: Less)"
    assert event_text({"value": "12", "breakdown": {"age-band": {"18-29": "2", "30-54": "8"},
                                                    "isced": {"isced-0-2": "1"}}}) == \
        "Value: 12; Breakdown: age band (18-29 2, 30-54 8), ISCED (isced-0-2 1)"


@pytest.fixture
def wide(demo_url: str, cli: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The demo store, read in a terminal wide enough that no detail wraps."""
    monkeypatch.setenv("COLUMNS", "2000")
    return lambda *words: cli("--db", demo_url, *words)


def test_the_history_table_labels_each_events_fields_and_the_json_keeps_them(
        wide: Any) -> None:
    table = wide("pilot", "history", PILOT)
    assert table.exit_code == 0, table.stderr
    records = wide("pilot", "history", PILOT, "--json").json()
    lines = {line.split("│")[1].strip(): line.split("│") for line in table.stdout.splitlines()
             if line.startswith("│")}

    assert len(lines) == len(records)
    for record in records:
        cells = [cell.strip() for cell in lines[record["id"]]]
        assert cells[2] == record["type"].split(".", 1)[1].replace("-", " ").replace(
            "hr ", "HR "), record
        assert not re.search(r"\b[a-z]+(_[a-z]+)*=", cells[6]), cells[6]
    shown = table.stdout
    assert "To stage: readiness assessed" in shown
    assert re.search(r"Amount: \d{1,3}(,\d{3})+\xa0EUR", shown)
    assert "Originator approval required: yes" in shown
    assert re.search(r"Due on: \d{4}-\d{2}-\d{2}", shown)
    assert any(r["data"].get("to_stage") == "readiness-assessed" for r in records)
    assert any(isinstance(r["data"].get("amount_eur"), str) for r in records)  # as recorded
    assert "originator_approval_required" in json.dumps(records)
    corrections = [r for r in records if r["data"].get("corrects") is not None]
    assert corrections
    for record in corrections:  # the entry corrected, named as the id column names it
        assert f"Corrects: {PILOT}@{record['data']['corrects']}" in "│".join(
            lines[record["id"]])
