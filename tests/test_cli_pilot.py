"""``scaletrack pilot``, ``init``, the actor rule and the missing store, as a user meets them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from expect import refused

SEED = ("consortium", "register", "SEED", "--name", "Social innovation Ecosystem Development",
        "--lead", "City of Turin", "--country", "IT", "--country", "GR", "--country", "SI")


def pilot(code: str = "SEED-GR-01", *extra: str, target: str = "GR") -> tuple[str, ...]:
    return ("pilot", "register", code, "--consortium", "seed", "--title", "SI mapping",
            "--innovation", "Local SI mapping", "--origin-country", "IT",
            "--target-country", target, "--core", "Mapping method", "--adaptable", "Venue",
            "--starts-on", "2021-05-03", "--ends-on", "2023-06-30", *extra)


@pytest.fixture
def seeded(run: Any) -> Any:
    assert run("init").exit_code == 0
    assert run(*SEED).stdout == "SEED@1\n"
    return run


def test_register_prints_the_new_event_id_and_lists_the_pilot(seeded: Any) -> None:
    run = seeded
    assert run(*pilot()).stdout == "SEED-GR-01@1\n"
    assert run(*pilot("seed-si-01")).stdout == "SEED-SI-01@1\n"
    rows = run("pilot", "list", "--json").json()
    assert [r["code"] for r in rows] == ["SEED-GR-01", "SEED-SI-01"]
    assert {k: rows[0][k] for k in ("code", "consortium", "title", "type", "stage")} == {
        "code": "SEED-GR-01", "consortium": "SEED", "title": "SI mapping", "type": None,
        "stage": "proposed"}
    assert run("pilot", "list", "--consortium", "FUSE", "--json").json() == []


def test_register_refuses_what_breaks_a_rule_or_is_malformed(seeded: Any) -> None:
    run = seeded
    refused(run(*pilot("SEED-FR-01", target="fr")), 1, "FR", "not members of SEED")
    refused(run(*pilot(), "--ends-on", "2021-01-01"), 1, "end before it starts")
    refused(run(*pilot("SEED GR")), 2, "is not a code")
    refused(run(*pilot()[:-2]), 2, "--ends-on")
    refused(run(*pilot(), "--starts-on", "3 May 2021"), 2, "YYYY-MM-DD")
    refused(run(*pilot()[:4], "NOPE", *pilot()[5:]), 3, "no consortium NOPE")
    assert run(*pilot()).exit_code == 0
    refused(run(*pilot()), 1, "already exists")
    assert len(run("pilot", "list", "--json").json()) == 1


def test_history_gives_every_event_with_both_times_and_its_data(seeded: Any) -> None:
    run = seeded
    run(*pilot())
    run("log", "milestone-planned", "SEED-GR-01", "--milestone", "M1", "--title", "Athens",
        "--due-on", "2021-12-15", "--occurred-on", "2021-06-01")
    run("log", "milestone-slipped", "SEED-GR-01", "--milestone", "M1", "--new-due-on",
        "2022-02-28", "--reason", "Lockdown", "--actor", "Ana")
    events = run("pilot", "history", "seed-gr-01", "--json").json()
    assert [(e["id"], e["type"], e["version"]) for e in events] == [
        ("SEED-GR-01@1", "pilot.registered", 1),
        ("SEED-GR-01@2", "pilot.milestone-planned", 2),
        ("SEED-GR-01@3", "pilot.milestone-slipped", 3)]
    planned, slipped = events[1], events[2]
    assert {"id", "type", "version", "occurred_on", "recorded_at", "actor", "reason",
            "data"} <= set(planned)
    assert (planned["occurred_on"], planned["actor"], planned["reason"]) == (
        "2021-06-01", "tester", None)
    assert datetime.fromisoformat(planned["recorded_at"]).date().isoformat() > "2021-06-01"
    assert (slipped["actor"], slipped["reason"]) == ("Ana", "Lockdown")
    assert slipped["data"] == {"milestone": "M1", "previous_due_on": "2021-12-15",
                               "new_due_on": "2022-02-28"}
    lines = run("pilot", "history", "SEED-GR-01", "--jsonl").stdout.splitlines()
    assert len(lines) == 3
    table = run("pilot", "history", "SEED-GR-01")
    assert table.exit_code == 0
    assert "Lockdown" in table.stdout


def test_show_gives_the_pilot_now_or_after_its_nth_event(seeded: Any) -> None:
    run = seeded
    run(*pilot())
    run("log", "risk-raised", "SEED-GR-01", "--risk", "R1", "--description", "Turnover",
        "--severity", "high")
    now = run("pilot", "show", "SEED-GR-01", "--json").json()
    assert (now["version"], now["open_risks"], now["target_countries"]) == (2, ["R1"], ["GR"])
    before = run("pilot", "show", "SEED-GR-01", "--version", "1", "--json").json()
    assert (before["version"], before["open_risks"]) == (1, [])
    refused(run("pilot", "show", "SEED-GR-01", "--version", "9"), 3, "9")
    refused(run("pilot", "show", "SEED-XX-01"), 3, "no pilot SEED-XX-01")
    refused(run("pilot", "history", "SEED-XX-01", "--json"), 3, "no pilot SEED-XX-01")


WRITES = [
    SEED,
    ("indicator", "define", "PART", "--name", "Participants", "--level", "output",
     "--measure", "unit", "--unit", "people", "--direction", "higher",
     "--accumulation", "incremental"),
    pilot(),
    ("log", "risk-raised", "SEED-GR-01", "--risk", "R1", "--description", "D",
     "--severity", "low"),
    ("retract", "SEED-GR-01@1", "--reason", "Wrong pilot"),
]


def test_a_write_without_an_actor_is_refused(seeded: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    run = seeded
    run(*pilot())
    before = run("pilot", "history", "SEED-GR-01", "--json").json()
    monkeypatch.delenv("SCALETRACK_ACTOR")
    for write in WRITES:
        refused(run(*write), 2, "no actor", "--actor", "SCALETRACK_ACTOR")
        refused(run(*write, "--actor", "  "), 2, "no actor")
    assert run("pilot", "history", "SEED-GR-01", "--json").json() == before
    assert len(run("consortium", "list", "--json").json()) == 1


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # a file of its own
def test_reading_a_store_that_does_not_exist_is_not_found(run: Any, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    for read in (("pilot", "list"), ("pilot", "history", "SEED-GR-01", "--json"),
                 ("consortium", "list", "--json"), ("indicator", "show", "PART")):
        refused(run("--db", f"sqlite:///{missing}", *read), 3, "no store", "init")
    refused(run("--db", f"sqlite:///{missing}", *SEED), 3, "no store")
    assert not missing.exists(), "a read must not create the store"
    refused(run("--db", "mysql://host/db", "pilot", "list"), 2, "store URL")


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # a file of its own
def test_init_creates_an_empty_store_that_reads_as_empty(run: Any, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    result = run("--db", url, "init")
    assert (result.exit_code, result.stdout) == (0, "")
    assert "0 events" in result.stderr
    assert run("--db", url, "pilot", "list", "--json").json() == []


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)  # no store involved
def test_help_of_each_command_shows_an_example(run: Any) -> None:
    for command in (("pilot", "register"), ("pilot", "list"), ("pilot", "show"),
                    ("pilot", "history"), ("init",), ("correct",), ("retract",)):
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout, command
        assert f"scaletrack {' '.join(command)} " in result.stdout, command


def test_show_a_closed_pilot_with_what_it_left_open_not_overdue(seeded: Any) -> None:
    run = seeded
    run(*pilot())
    for kind, *options in (
            ("milestone-planned", "--milestone", "M1", "--title", "Mapping", "--due-on",
             "2021-09-30"),
            ("risk-raised", "--risk", "R1", "--description", "Turnover", "--severity", "high"),
            ("readiness", "--score", "70", "--summary", "Ready"),
            ("stage", "--to-stage", "readiness-assessed"), ("stage", "--to-stage", "planned"),
            ("stage", "--to-stage", "piloting"),
            ("evaluation", "--method", "Survey", "--findings", "Works", "--recommendation",
             "stop"),
            ("stage", "--to-stage", "evaluated"),
            ("closed", "--outcome", "stopped", "--lessons", "Start smaller")):
        assert run("log", kind, "SEED-GR-01", *options, "--occurred-on", "2022-01-10"
                   ).exit_code == 0, kind

    shown = run("pilot", "show", "SEED-GR-01", "--json").json()

    assert shown["milestones"]["M1"]["overdue"] is False
    assert shown["milestones"]["M1"]["left_open_at_closure"] is True
    assert (shown["open_risks"], shown["risks_left_open_at_closure"]) == ([], ["R1"])
