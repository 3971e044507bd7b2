"""Tampering is caught, with the right kind of fault at the right position.

The store is tampered with as an intruder would: by editing the SQLite file
or its rows behind scaletrack's back. Bundles are tampered with by editing
their files.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL

Run = Callable[..., Any]
MARK = "Reason-MARK-7"


@pytest.fixture
def store_url(sqlite_url: str) -> str:
    """SQLite only: these tests edit the store's file behind scaletrack's back."""
    return sqlite_url


@pytest.fixture
def store(sqlite_url: str) -> Path:
    """A closed SQLite store of 10 events; event 6 has the reason MARK. Yields its file."""
    ledger = Ledger(StoreURL.parse(sqlite_url),
                    clock=lambda: datetime(2022, 4, 1, 9, 30, tzinfo=UTC))
    by = ledger.provenance("ana", date(2022, 3, 1))
    ledger.register_consortium("SEED", "Social innovation Ecosystem Development",
                               "City of Turin", ["IT", "GR"], by)
    ledger.register_pilot("SEED-GR-01", "SEED", {
        "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
        "target_countries": ["GR"], "core_components": ["Method"],
        "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
        "ends_on": date(2023, 6, 30)}, by)
    for n in range(8):
        ledger.log_event("milestone-planned", "SEED-GR-01",
                         {"milestone": f"M{n}", "title": f"Step {n}", "due_on": date(2022, 6, 1)},
                         ledger.provenance("ana", date(2022, 3, 1), MARK if n == 3 else None))
    ledger.close()  # checkpoints the write-ahead log into the file
    return Path(sqlite_url.removeprefix("sqlite:///"))


@pytest.fixture
def run_cli(run: Run, store: Path) -> Run:
    """The CLI on the tampered store (``run`` is bound to the test's store URL)."""
    return run


def sql(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as db, db:
        for statement in statements:
            db.execute(statement)


def fault(run: Run, *args: str) -> tuple[int, str, int | None]:
    """Exit code, fault kind and position that ``verify --json`` reports."""
    result = run("verify", *args, "--json")
    assert result.exit_code == 1, result.stdout + result.stderr
    found = result.json()["fault"]
    return result.exit_code, found["kind"], found["position"]


def test_untouched_store_verifies(run_cli: Run) -> None:
    checked = run_cli("verify", "--store", "--json")

    assert checked.exit_code == 0, checked.stderr
    assert (checked.json()["count"], checked.json()["chained"]) == (10, 10)


def test_one_byte_changed_in_the_sqlite_file_is_altered_at_its_event(store: Path,
                                                                   run_cli: Run) -> None:
    data = bytearray(store.read_bytes())
    at = data.index(MARK.encode())
    data[at] = ord("r")
    store.write_bytes(bytes(data))

    assert fault(run_cli, "--store") == (1, "altered", 6)


def test_deleted_row_is_missing_at_its_position(store: Path, run_cli: Run) -> None:
    sql(store, "DELETE FROM stored_events WHERE rowid = 4")

    assert fault(run_cli, "--store") == (1, "missing", 4)


def test_deleted_last_row_is_missing(store: Path, run_cli: Run) -> None:
    sql(store, "DELETE FROM stored_events WHERE rowid = 10")

    assert fault(run_cli, "--store") == (1, "missing", 10)


def test_forged_row_is_inserted_at_its_position(store: Path, run_cli: Run) -> None:
    sql(store,  # make room after position 5, then forge an event there
        "UPDATE stored_events SET rowid = rowid + 100 WHERE rowid > 5",
        "UPDATE stored_events SET rowid = rowid - 99 WHERE rowid > 100",
        "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, state) "
        "SELECT 6, originator_id, 99, topic, state FROM stored_events WHERE rowid = 5")

    assert fault(run_cli, "--store") == (1, "inserted", 6)


def test_forged_row_before_the_first_event_is_inserted(store: Path, run_cli: Run) -> None:
    sql(store, "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, "
               "state) SELECT 0, originator_id, 99, topic, state FROM stored_events "
               "WHERE rowid = 3")

    assert fault(run_cli, "--store") == (1, "inserted", 0)


def test_two_rows_that_swapped_positions_are_reordered(store: Path, run_cli: Run) -> None:
    sql(store, "UPDATE stored_events SET rowid = -1 WHERE rowid = 7",
        "UPDATE stored_events SET rowid = 7 WHERE rowid = 8",
        "UPDATE stored_events SET rowid = 8 WHERE rowid = -1")

    assert fault(run_cli, "--store") == (1, "reordered", 7)


def test_export_refuses_a_tampered_store(store: Path, run_cli: Run, tmp_path: Path) -> None:
    sql(store, f"UPDATE stored_events SET state = replace(state, '{MARK}', 'x') "
               "WHERE rowid = 6")

    refused = run_cli("export", "-o", str(tmp_path / "b"))

    assert refused.exit_code == 1
    assert refused.stderr.startswith("error: altered at position 6")
    assert not (tmp_path / "b").exists()


def test_rewritten_history_with_a_recomputed_chain_fails_against_the_older_digest(
        store: Path, run_cli: Run, tmp_path: Path) -> None:
    older = run_cli("digest").stdout.strip()
    assert run_cli("export", "-o", str(tmp_path / "old")).exit_code == 0
    sql(store, f"UPDATE stored_events SET state = replace(state, '{MARK}', 'x') "
               "WHERE rowid = 6", "DROP TABLE audit_chain")  # the forger rebuilds the chain
    assert run_cli("verify", "--store").exit_code == 0  # consistent with itself ...
    assert run_cli("export", "-o", str(tmp_path / "new")).exit_code == 0

    assert fault(run_cli, "--store", "--against", older) == (1, "altered", 10)
    assert fault(run_cli, str(tmp_path / "new"), "--against", str(tmp_path / "old")) == (
        1, "altered", 6)  # an older bundle also tells where history changed


def test_chain_that_fell_behind_is_caught_up_by_the_next_write_with_the_same_hashes(
        store: Path, run_cli: Run) -> None:
    before = run_cli("digest").stdout.strip()
    sql(store, "DELETE FROM audit_chain WHERE seq > 4")  # as an older store left it

    lagging = run_cli("verify", "--store", "--json").json()
    after = run_cli("digest").stdout.strip()
    logged = run_cli("log", "risk-raised", "SEED-GR-01", "--risk", "R1", "--description", "x",
                     "--severity", "low", "--actor", "ana")

    assert (lagging["chained"], lagging["count"]) == (4, 10)
    assert after.split(", taken")[0] == before.split(", taken")[0]
    assert logged.exit_code == 0, logged.stderr
    caught_up = run_cli("verify", "--store", "--json", "--against", before)
    assert (caught_up.json()["chained"], caught_up.json()["count"]) == (11, 11)


# -- bundles --------------------------------------------------------------------------


@pytest.fixture
def bundle(run_cli: Run, tmp_path: Path) -> Path:
    assert run_cli("export", "-o", str(tmp_path / "b")).exit_code == 0
    return tmp_path / "b"


def edit_lines(path: Path, change: Callable[[list[bytes]], list[bytes]]) -> None:
    path.write_bytes(b"".join(change(path.read_bytes().splitlines(keepends=True))))


def edit_manifest(bundle: Path, change: Callable[[dict[str, Any]], None]) -> None:
    manifest = json.loads((bundle / "manifest.json").read_text())
    change(manifest)
    (bundle / "manifest.json").write_text(json.dumps(manifest))


def test_truncated_bundle_is_truncated(bundle: Path, run_cli: Run) -> None:
    edit_lines(bundle / "events.jsonl", lambda lines: lines[:-3])

    assert fault(run_cli, str(bundle)) == (1, "truncated", None)
    assert "ends after event 7" in run_cli("verify", str(bundle)).stderr


def test_edited_manifest_count_or_head_is_a_manifest_mismatch(bundle: Path,
                                                              run_cli: Run) -> None:
    edit_manifest(bundle, lambda m: m["head"].update(count=11))
    assert fault(run_cli, str(bundle))[1] == "manifest mismatch"

    edit_manifest(bundle, lambda m: m["head"].update(count=10, hash="0" * 64))
    assert fault(run_cli, str(bundle))[1] == "manifest mismatch"

    edit_manifest(bundle, lambda m: m["events"].update(count=9))
    assert fault(run_cli, str(bundle))[1] == "manifest mismatch"


def test_altered_event_in_a_bundle_is_altered_at_its_position(bundle: Path,
                                                              run_cli: Run) -> None:
    edit_lines(bundle / "events.jsonl", lambda lines: [
        line.replace(b'"title":"Step 2"', b'"title":"Step 9"') for line in lines])

    assert fault(run_cli, str(bundle)) == (1, "altered", 5)


def test_attribute_contradicting_its_data_is_altered(bundle: Path, run_cli: Run) -> None:
    edit_lines(bundle / "events.jsonl", lambda lines: [
        line.replace(b'"actor":"ana","hash"', b'"actor":"bob","hash"', 1) if n == 3 else line
        for n, line in enumerate(lines)])

    assert fault(run_cli, str(bundle)) == (1, "altered", 4)
    assert "actor differs from data" in run_cli("verify", str(bundle)).stderr


def test_removed_repeated_or_swapped_lines_are_missing_inserted_or_reordered(
        bundle: Path, run_cli: Run) -> None:
    original = (bundle / "events.jsonl").read_bytes()

    edit_lines(bundle / "events.jsonl", lambda lines: lines[:4] + lines[5:])
    assert fault(run_cli, str(bundle)) == (1, "missing", None)

    (bundle / "events.jsonl").write_bytes(original)
    edit_lines(bundle / "events.jsonl", lambda lines: [*lines[:5], lines[4], *lines[5:]])
    assert fault(run_cli, str(bundle)) == (1, "inserted", 5)

    (bundle / "events.jsonl").write_bytes(original)
    edit_lines(bundle / "events.jsonl", lambda lines: [*lines[:4], lines[5], lines[4],
                                                       *lines[6:]])
    assert fault(run_cli, str(bundle)) == (1, "reordered", 5)


def test_reformatted_but_unchanged_bundle_is_still_valid(bundle: Path, run_cli: Run) -> None:
    edit_lines(bundle / "events.jsonl", lambda lines: [
        json.dumps(json.loads(line), indent=None).encode() + b"\n" for line in lines])
    edit_manifest(bundle, lambda m: m["files"].pop("events.jsonl"))
    (bundle / "events.jsonl").rename(bundle / "events.jsonl")

    checked = run_cli("verify", str(bundle))

    assert checked.exit_code == 1  # the manifest no longer lists events.jsonl ...
    assert "events.jsonl is not listed" in checked.stderr  # ... but every event checked out
