"""Tables as people read them in a 100-column terminal: whole codes, sorted lists, one
moment format, impact by pilot and indicator, milestones by due date, diffs with values
and the events behind each changed row."""

from __future__ import annotations

import re
from typing import Any

import pytest

PILOT = "SEED-GR-01"
TABLES = [("pilot", "list"), ("consortium", "list"), ("indicator", "list"), ("user", "list"),
          ("progress",), ("impact",), ("portfolio",), ("decisions", "--pilot", PILOT),
          ("quality", "--pilot", PILOT), ("timeline", "--pilot", PILOT),
          ("pilot", "history", PILOT), ("pilot", "show", PILOT),
          ("diff", "impact", "--pilot", PILOT, "--known-at", "2022-07-15",
           "--to-known-at", "2023-01-31")]
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
SHOWN_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")


@pytest.fixture
def demo(demo_url: str, cli: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The demo store, read in a terminal 100 columns wide."""
    monkeypatch.setenv("SCALETRACK_DB", demo_url)
    monkeypatch.setenv("COLUMNS", "100")
    return cli


@pytest.mark.parametrize("words", TABLES, ids=" ".join)
def test_every_table_fits_a_100_column_terminal(demo: Any, words: tuple[str, ...]) -> None:
    shown = demo(*words)
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout
    too_wide = [line for line in shown.stdout.splitlines() if len(line) > 100]
    assert too_wide == []
    assert not ISO_MOMENT.search(shown.stdout)


def test_codes_are_never_cut_or_wrapped(demo: Any) -> None:
    codes = [row["code"] for row in demo("pilot", "list", "--json").json()]
    table = demo("pilot", "list").stdout
    for code in codes:
        assert re.search(rf"│ {code} +│", table), code
    events = demo("timeline", "--pilot", PILOT).stdout
    longest = max((e["id"] for e in demo("timeline", "--pilot", PILOT, "--json").json()[
        "events"]), key=len)
    assert len(longest) >= len(f"{PILOT}@100")
    assert re.search(rf"│ {longest} +│", events)


def test_a_column_left_out_to_fit_is_named_once(demo: Any) -> None:
    shown = demo("timeline", "--pilot", PILOT)
    assert shown.stderr.count("left out to fit 100 columns") == 1
    assert "--json has every field" in shown.stderr


def test_piped_output_keeps_every_column(demo_url: str, cli: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALETRACK_DB", demo_url)
    monkeypatch.delenv("COLUMNS", raising=False)
    shown = cli("timeline", "--pilot", PILOT)
    assert "left out" not in shown.stderr
    header = shown.stdout.splitlines()[2]
    for column in ("id", "type", "occurred on", "recorded", "actor", "reason", "link"):
        assert f" {column} " in header


def test_lists_are_sorted_by_code(demo: Any) -> None:
    for noun, key in (("pilot", "code"), ("consortium", "code"), ("indicator", "code"),
                      ("user", "login")):
        listed = [row[key] for row in demo(noun, "list", "--json").json()]
        assert listed == sorted(listed), noun
        assert len(listed) > 1


def test_moments_are_shown_one_way(demo: Any) -> None:
    for words in (("timeline", "--pilot", PILOT), ("pilot", "history", PILOT),
                  ("quality", "--pilot", PILOT)):
        shown = demo(*words).stdout
        assert SHOWN_MOMENT.search(shown), words
        assert not ISO_MOMENT.search(shown), words


def test_impact_is_a_table_per_pilot_and_indicator_with_its_unit(demo: Any) -> None:
    shown = demo("impact", "--pilot", PILOT).stdout
    titles = re.findall(rf"{PILOT}: ([A-Z0-9-]+) \(definition (\d+)\)", shown)
    assert ("EECO01", "1") in titles
    assert ("ADOPT-ORG", "1") in titles
    assert len(titles) == len(set(titles))
    part = shown[shown.index(f"{PILOT}: EECO01 (definition 1)"):]
    assert re.search(r"┃ unit +┃", part)
    assert "│ participants │" in part


def test_impact_shows_narratives_in_their_own_column(demo: Any) -> None:
    rows = demo("impact", "--pilot", PILOT, "--json").json()["rows"]
    qualitative = next(row for row in rows if row["narrative"])
    shown = demo("impact", "--pilot", PILOT, "--indicator", qualitative["indicator"]).stdout
    header = next(line for line in shown.splitlines() if "period" in line)
    assert "narrative" in header
    assert "actual" not in header
    assert qualitative["narrative"].split()[0] in shown


def test_a_snapshot_indicator_does_not_repeat_its_figures_as_to_date(demo: Any) -> None:
    shown = demo("impact", "--pilot", PILOT, "--indicator", "ADOPT-ORG").stdout
    assert "to date" not in shown
    assert "achieved" not in shown


def test_pilot_show_prints_milestones_by_due_date_one_per_line(demo: Any) -> None:
    detail = demo("pilot", "show", PILOT, "--json").json()
    dues = [m["due_on"] for m in detail["milestones"].values()]
    assert dues == sorted(dues)
    shown = demo("pilot", "show", PILOT).stdout.splitlines()
    start = next(i for i, line in enumerate(shown) if line.startswith("milestones"))
    lines = shown[start:start + len(dues)]
    assert [re.search(r"due (\S+)", line).group(1) for line in lines] == dues  # type: ignore[union-attr]
    refs = list(detail["milestones"])
    assert [re.search(r"(M\d+)  due", line).group(1) for line in lines] == refs  # type: ignore[union-attr]


def test_diff_links_each_changed_row_to_its_events(demo: Any) -> None:
    args = ("diff", "impact", "--pilot", PILOT, "--known-at", "2022-07-15",
            "--to-known-at", "2023-01-31")
    document = demo(*args, "--json").json()
    ids = {event["id"] for event in document["events"]}
    assert document["changes"]
    for change in document["changes"]:
        assert change["events"], change["key"]
        assert set(change["events"]) <= ids
    shown = demo(*args).stdout
    first = document["changes"][0]["events"][0]
    assert re.search(rf"│ {re.escape(first)} +│", shown)


def test_diff_shows_the_values_of_added_rows(demo: Any) -> None:
    args = ("diff", "decisions", "--pilot", PILOT, "--as-of", "2022-03-31",
            "--to-as-of", "2022-06-30")
    document = demo(*args, "--json").json()
    added = [change for change in document["changes"] if change["change"] == "added"]
    assert added
    shown = demo(*args).stdout
    assert "added" in shown
    # a line per value, under "to", never one string of field=value pairs
    assert re.search(r"│ decision +│ +│ [a-z-]+ +│", shown)
    assert not re.search(r"\w=\w", shown)


def test_the_decisions_table_labels_each_detail_in_words(demo_url: str, cli: Any,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALETRACK_DB", demo_url)
    monkeypatch.delenv("COLUMNS", raising=False)  # piped: whole cells, one line a row
    table = cli("decisions").stdout
    recorded = cli("decisions", "--json").json()["decisions"]

    assert "│ HR process changed " in table
    assert "hr-process-changed" not in table
    assert "│ From stage: proposed; To stage: readiness assessed " in table
    assert re.search(r"ESF\+-funded: (yes|no)", table)
    assert re.search(r"Duration: \d+ months?", table)
    assert re.search(r"Budget: \d{1,3}(,\d{3})*\xa0EUR", table)  # money as money
    assert re.search(r"Revenue mix: \w+ \d+\xa0%", table)
    assert not re.search(r"\b[a-z]+_[a-z_]+[=:] |=True|=False|=None", table)
    adopted = next(d for d in recorded if d["details"].get("esf_funded") is not None)
    assert isinstance(adopted["details"]["esf_funded"], bool)  # the JSON keeps the fields


def test_statuses_and_stages_read_in_words_as_the_pages_show_them(
        demo_url: str, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALETRACK_DB", demo_url)
    monkeypatch.delenv("COLUMNS", raising=False)
    impact, progress = cli("impact").stdout, cli("progress").stdout
    statuses = {row["status"] for row in cli("impact", "--json").json()["rows"]}
    stages = {row["stage"] for row in cli("progress", "--json").json()["pilots"]}

    assert {"on-track", "off-track", "rolling-out"} <= statuses | stages  # JSON: codes
    for code in statuses:
        assert f"│ {code.replace('-', ' ')} " in impact
        assert f"│ {code} " not in impact or "-" not in code
    for code in stages:
        assert f"│ {code.replace('-', ' ')} " in progress
    assert "rolling-out" not in progress
    assert "│ rolling out " in cli("pilot", "list").stdout


def test_the_timeline_says_what_happened_in_words(demo_url: str, cli: Any,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCALETRACK_DB", demo_url)
    monkeypatch.delenv("COLUMNS", raising=False)
    shown = cli("timeline", "--pilot", PILOT).stdout
    assert "│ result reported " in shown
    assert "│ readiness assessed " in shown
    assert "result-reported" not in shown  # the code stays in --json
    types = {e["type"] for e in cli("timeline", "--pilot", PILOT, "--json").json()["events"]}
    assert "pilot.result-reported" in types
