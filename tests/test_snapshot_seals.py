"""A snapshot is used only if the chain covers it, and verify --store recomputes each one."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime
from typing import Any

import psycopg

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Provenance
from scaletrack.persistence.snapshots import seal

Run = Callable[..., Any]
CODE = "SEED-GR-01"
BY = Provenance(occurred_on=date(2022, 1, 10), recorded_at=datetime(2022, 2, 1, tzinfo=UTC),
                actor="ana")


def filled(url: str) -> None:
    """A pilot of 106 events: a snapshot at version 100, six events after it."""
    ledger = Ledger(StoreURL.parse(url))
    try:
        ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], BY)
        ledger.register_pilot(CODE, "SEED", {
            "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
            "target_countries": ["GR"], "core_components": ["Method"],
            "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
            "ends_on": date(2023, 6, 30)}, BY)
        for n in range(105):
            ledger.log_event("risk-raised", CODE, {"risk": f"R{n}", "description": "Turnover",
                                                   "severity": "low"}, BY)
    finally:
        ledger.close()


def snapshots_table(url: str) -> str:
    return "scaletrack_snapshots" if url.startswith("postgres") else "stored_snapshots"


def execute(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Plain SQL behind scaletrack's back, as someone with the database's keys would."""
    store = StoreURL.parse(url)
    if store.backend == "sqlite":
        with closing(sqlite3.connect(store.path)) as db, db:
            return db.execute(statement.replace("%s", "?"), params).fetchall()
    with psycopg.connect(host=store.host, port=store.port, user=store.user,
                         password=store.password, dbname=store.dbname,
                         autocommit=True) as pg:
        cursor = pg.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def edit_snapshot(url: str, before: str, after: str, *, reseal: bool = False) -> None:
    """Change the text of the stored snapshot; with ``reseal``, recompute its seal too."""
    table = snapshots_table(url)
    [(state,)] = execute(url, f"SELECT state FROM {table}")
    state = state if isinstance(state, bytes) else bytes(state)
    assert before.encode() in state
    edited = state.replace(before.encode(), after.encode())
    execute(url, f"UPDATE {table} SET state = %s", (edited,))
    if reseal:
        [(chain_hash,)] = execute(url, "SELECT chain_hash FROM snapshot_seals")
        execute(url, "UPDATE snapshot_seals SET seal = %s", (seal(chain_hash, edited),))


def test_a_snapshot_is_stored_sealed_to_its_last_event(store_url: str, cli: Run) -> None:
    filled(store_url)

    [(version, chain_hash)] = execute(store_url, "SELECT originator_version, chain_hash "
                                                 "FROM snapshot_seals")
    [(link,)] = execute(store_url, "SELECT hash FROM audit_chain WHERE seq = 101")

    assert (version, chain_hash) == (100, link)  # the consortium's event comes first
    assert cli("--db", store_url, "verify", "--store").exit_code == 0


def test_an_edited_snapshot_is_ignored_and_verify_names_it(store_url: str, cli: Run) -> None:
    filled(store_url)
    shown = cli("--db", store_url, "pilot", "show", CODE, "--json").json()

    edit_snapshot(store_url, '"R5":"open"', '"R5":"closed"')
    verified = cli("--db", store_url, "verify", "--store")
    after = cli("--db", store_url, "pilot", "show", CODE, "--json").json()
    closed = cli("--db", store_url, "log", "risk-closed", CODE, "--risk", "R5")

    assert verified.exit_code == 1
    assert "the snapshot of pilot SEED-GR-01 at version 100 is wrong" in verified.stderr
    assert after == shown  # replayed from the events, not read from the edited snapshot
    assert closed.exit_code == 0, closed.stderr  # decided on R5 as the events leave it: open


def test_a_resealed_forgery_is_found_by_recomputing_the_snapshot(
        store_url: str, cli: Run) -> None:
    filled(store_url)

    edit_snapshot(store_url, '"R5":"open"', '"R5":"closed"', reseal=True)
    verified = cli("--db", store_url, "verify", "--store", "--json")

    assert verified.exit_code == 1
    assert "the snapshot of pilot SEED-GR-01 at version 100 is wrong: it is not the state " \
           "its events give" in verified.stderr


def test_a_snapshot_without_a_seal_is_never_used_and_the_events_stay_readable(
        store_url: str, cli: Run) -> None:
    filled(store_url)
    shown = cli("--db", store_url, "pilot", "show", CODE, "--json").json()

    execute(store_url, "DELETE FROM snapshot_seals")  # as a store from before the seals
    edit_snapshot(store_url, '"R5":"open"', '"R5":"closed"')

    assert cli("--db", store_url, "pilot", "show", CODE, "--json").json() == shown
    assert cli("--db", store_url, "verify", "--store").exit_code == 0
    assert cli("--db", store_url, "log", "risk-closed", CODE, "--risk", "R5").exit_code == 0
