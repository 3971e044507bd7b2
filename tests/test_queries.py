"""The read side's application API: the queries answer what the CLI prints, and the lists
read from the directory view give what each aggregate shows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from scaletrack.application.documents import plain
from scaletrack.application.ledger import Ledger
from scaletrack.application.queries import Filters, PointInTime
from scaletrack.application.queries.diff import view_diff
from scaletrack.application.queries.history import pilot_history
from scaletrack.application.queries.lists import pilot_list
from scaletrack.application.queries.reading import ReadStore
from scaletrack.application.queries.views import NAMES, document
from scaletrack.application.store import StoreURL
from scaletrack.domain.errors import NotFound

PILOT = ("--consortium", "SEED", "--title", "SI mapping", "--innovation", "Local SI mapping",
         "--origin-country", "IT", "--core", "Mapping method", "--adaptable", "Venue",
         "--starts-on", "2022-01-10", "--ends-on", "2023-06-30")


@pytest.fixture
def filled(run: Any) -> Any:
    """Two consortia, two indicators (one revised, one retired), two pilots with events,
    each registered in an order that is not the order of their codes."""
    steps = [("init",),
        ("consortium", "register", "SEED", "--name", "Seed", "--lead", "City of Turin",
         "--country", "SI", "--country", "IT", "--country", "GR"),
        ("consortium", "add-country", "SEED", "HR"),
        ("consortium", "add-partner", "SEED", "--organisation", "Impact Hub Athens",
         "--country", "GR"),
        ("consortium", "add-partner", "SEED", "--organisation", "Ljubljana Lab",
         "--country", "SI", "--role", "host"),
        ("consortium", "establish-centre", "SEED", "--country", "SI", "--name", "SI Centre"),
        ("consortium", "establish-centre", "SEED", "--country", "GR", "--name", "GR Centre"),
        ("consortium", "register", "ALPHA", "--name", "Alpha", "--lead", "Graz",
         "--country", "AT"),
        ("indicator", "define", "STAFF", "--name", "Staff trained", "--level", "output",
         "--measure", "unit", "--unit", "people", "--direction", "higher",
         "--accumulation", "incremental", "--dimension", "sex"),
        ("indicator", "define", "PART", "--name", "Participants", "--level", "output",
         "--measure", "unit", "--unit", "people", "--direction", "higher",
         "--accumulation", "incremental"),
        ("indicator", "revise", "STAFF", "--unit", "FTE", "--reason", "Count FTE"),
        ("indicator", "retire", "PART", "--reason", "Replaced"),
        ("pilot", "register", "SEED-SI-01", *PILOT, "--target-country", "SI",
         "--occurred-on", "2022-01-10"),
        ("pilot", "register", "SEED-GR-01", *PILOT, "--target-country", "GR",
         "--target-country", "IT", "--occurred-on", "2022-01-10"),
        ("log", "pathway", "SEED-GR-01", "--pilot-type", "scale-up", "--dimensions", "up",
         "--mechanism", "dissemination", "--occurred-on", "2022-02-01"),
        ("log", "target", "SEED-GR-01", "--indicator", "STAFF", "--period", "2022-Q2",
         "--baseline", "0", "--target", "12", "--occurred-on", "2022-02-01"),
        ("log", "result", "SEED-GR-01", "--indicator", "STAFF", "--period", "2022-Q2",
         "--value", "10", "--breakdown", "sex:women=6", "--breakdown", "sex:men=4",
         "--occurred-on", "2022-06-30"),
        ("log", "readiness", "SEED-GR-01", "--score", "70", "--summary", "Ready",
         "--occurred-on", "2022-07-01"),
        ("log", "stage", "SEED-GR-01", "--to-stage", "readiness-assessed",
         "--occurred-on", "2022-07-02"),
    ]
    for step in steps:
        done = run(*step)
        assert done.exit_code == 0, (step, done.stderr)
    return run


def test_lists_give_what_each_aggregate_shows_sorted_by_code(filled: Any) -> None:
    run = filled
    for noun, codes in (("consortium", ["ALPHA", "SEED"]), ("indicator", ["PART", "STAFF"]),
                        ("pilot", ["SEED-GR-01", "SEED-SI-01"])):
        listed = run(noun, "list", "--json").json()
        shown = [run(noun, "show", code, "--json").json() for code in codes]
        assert [row["code"] for row in listed] == codes
        assert listed == [{field: one[field] for field in row} for row, one in
                          zip(listed, shown, strict=True)], noun
    seed = run("consortium", "list", "--json").json()[1]
    assert seed["countries"] == ["SI", "IT", "GR", "HR"]
    assert list(seed["centres"]) == ["SI", "GR"]
    gr = run("pilot", "list", "--json").json()[0]
    assert (gr["type"], gr["stage"], gr["version"], gr["countries"]) == (
        "scale-up", "readiness-assessed", 6, ["IT", "GR"])


def test_a_list_follows_the_events_recorded_after_it_was_read(filled: Any) -> None:
    run = filled
    run("pilot", "list", "--json")
    run("log", "stage", "SEED-GR-01", "--to-stage", "planned")

    gr = run("pilot", "list", "--consortium", "SEED", "--json").json()[0]

    assert (gr["stage"], gr["version"]) == ("planned", 7)
    assert run("pilot", "list", "--consortium", "ALPHA", "--json").json() == []


def test_the_queries_answer_the_documents_the_cli_prints(filled: Any, store_url: str) -> None:
    run = filled
    ledger = Ledger(StoreURL.parse(store_url))
    try:
        with ReadStore(ledger) as store:
            for name in NAMES:
                assert plain(document(store, name)) == run(name, "--json").json(), name
            past = PointInTime(as_of=date(2022, 3, 31))
            assert plain(document(store, "impact", Filters(pilot="SEED-GR-01"), past)) == run(
                "impact", "--pilot", "SEED-GR-01", "--as-of", "2022-03-31", "--json").json()
            later = PointInTime(as_of=date(2022, 7, 1))
            assert plain(view_diff(store, "progress", Filters(), past, later)) == run(
                "diff", "progress", "--as-of", "2022-03-31", "--to-as-of", "2022-07-01",
                "--json").json()
            assert plain(pilot_list(store, "SEED")) == run("pilot", "list", "--json").json()
            with pytest.raises(NotFound):
                document(store, "impact", Filters(pilot="NOPE"))
        assert plain(pilot_history(ledger, "SEED-GR-01", past)) == run(
            "pilot", "history", "SEED-GR-01", "--as-of", "2022-03-31", "--json").json()
    finally:
        ledger.close()
