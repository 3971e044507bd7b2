"""The deployment guide, run for real: its roles are enforced, its backups restore.

The server's role is the only one that writes; the reporting role reads with
SELECT and nothing else (issue 12 replaced the guide's writer and reader roles).

The SQL is taken from the guide itself (README.md or docs/DEPLOYMENT.md), so
the guide cannot drift from what works. Role names get this run's prefix:
roles are global to a server that other runs may share.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

import pg
from expect import store_digest_of
from scaletrack.application.copying import store_digest
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Provenance

GUIDES = [Path(__file__).parent.parent / name for name in ("README.md", "docs/DEPLOYMENT.md")]
ROLES = ["scaletrack_owner", "scaletrack_server", "scaletrack_reporting"]
SERVER, REPORTING = "scaletrack_server", "scaletrack_reporting"
Run = Callable[..., Any]


def guide_sql(step: str) -> str:
    """The guide's SQL block whose first line begins ``-- {step}``."""
    for guide in GUIDES:
        if guide.exists():
            for block in re.findall(r"```sql\n(.*?)```", guide.read_text(), flags=re.S):
                if block.startswith(f"-- {step}"):
                    return str(block)
    raise AssertionError(f"no SQL block '-- {step}' in the deployment guide")


@dataclass
class Deployment:
    server: pg.Server
    dbname: str
    roles: dict[str, str]

    def url(self, role: str, dbname: str | None = None) -> str:
        return self.server.url(dbname or self.dbname, user=self.roles[role], password="")

    def connect(self, role: str) -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.connect(host=self.server.host, port=self.server.port,
                               user=self.roles[role], dbname=self.dbname, autocommit=True)

    def named(self, sql: str) -> str:
        for role, name in self.roles.items():
            sql = re.sub(rf"\b{role}\b", name, sql)
        return re.sub(r"DATABASE scaletrack\b", f"DATABASE {self.dbname}", sql)


@pytest.fixture
def deployment(pg_databases: pg.Databases, cli: Run) -> Iterator[Deployment]:
    """The guide's steps 1 and 2, with ``scaletrack init`` between them."""
    prefix = f"{pg_databases.prefix}_{secrets.token_hex(2)}"
    done = Deployment(pg_databases.server, f"{prefix}_deploy",
                      {role: f"{prefix}_{role}" for role in ROLES})
    try:
        with done.server.connect() as admin:
            # One by one: CREATE DATABASE cannot run inside a multi-statement query.
            for statement in re.split(r";\s*\n", done.named(guide_sql("1."))):
                if statement.strip():
                    admin.execute(statement)
        assert cli("--db", done.url("scaletrack_owner"), "init").exit_code == 0
        with done.connect("scaletrack_owner") as owner:
            owner.execute(done.named(guide_sql("2.")))
        yield done
    finally:
        with done.server.connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{done.dbname}" WITH (FORCE)')
            for name in reversed(done.roles.values()):
                admin.execute(f'DROP ROLE IF EXISTS "{name}"')


def by(actor: str) -> Provenance:
    return Provenance(occurred_on=date(2022, 3, 1), recorded_at=datetime.now(UTC), actor=actor)


def fill(url: str) -> int:
    """A consortium and a pilot with one event, recorded through the given role."""
    ledger = Ledger(StoreURL.parse(url))
    try:
        ledger.register_consortium("SEED", "Social innovation Ecosystem Development",
                                   "City of Turin", ["IT", "GR"], by("ana"))
        ledger.register_pilot("SEED-GR-01", "SEED", {
            "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
            "target_countries": ["GR"], "core_components": ["Method"],
            "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
            "ends_on": date(2023, 6, 30)}, by("ana"))
        ledger.log_event("funding", "SEED-GR-01", {"funder": "ESF+", "amount_eur": "10",
                                                   "currency": "EUR"}, by("ana"))
        return ledger.event_count()
    finally:
        ledger.close()


@pytest.mark.postgres
def test_the_server_role_writes_and_the_reporting_role_cannot(
        deployment: Deployment, cli: Run) -> None:
    events = fill(deployment.url(SERVER))

    refused = cli("--db", deployment.url(REPORTING), "log", "funding", "SEED-GR-01",
                  "--funder", "ESF+", "--amount-eur", "1000", "--actor", "eva")
    logged = cli("--db", deployment.url(SERVER), "log", "funding", "SEED-GR-01",
                 "--funder", "ESF+", "--amount-eur", "1000", "--actor", "ana")

    assert refused.exit_code == 1
    assert refused.stderr == ("error: the store refused: permission denied for table "
                              "scaletrack_events; this role may not do that (see the "
                              "deployment roles in the README)\n")
    assert (logged.exit_code, logged.stdout.strip(), logged.stderr) == (0, "SEED-GR-01@3", "")
    assert fill_count(deployment) == events + 1


@pytest.mark.postgres
def test_the_reporting_role_reads_current_views_and_a_chain_that_verifies(
        deployment: Deployment, cli: Run) -> None:
    fill(deployment.url(SERVER))
    cli("--db", deployment.url(SERVER), "log", "risk-raised", "SEED-GR-01", "--risk", "R1",
        "--description", "Turnover", "--severity", "high", "--actor", "ana")
    assert cli("--db", deployment.url(SERVER), "timeline", "--json").exit_code == 0

    shown = {name: cli("--db", deployment.url(REPORTING), *words)
             for name, words in (("digest", ["digest", "--json"]),
                                 ("verified", ["verify", "--store", "--json"]))}
    with deployment.connect(REPORTING) as reader:
        last = reader.execute("SELECT type FROM scaletrack_timeline ORDER BY position DESC "
                              "LIMIT 1").fetchone()

    assert {name: (r.exit_code, r.stderr) for name, r in shown.items()} == dict.fromkeys(
        shown, (0, ""))
    assert shown["verified"].json()["chained"] == 4
    assert last == ("pilot.risk-raised",)


TABLES = ("scaletrack_events", "scaletrack_snapshots", "snapshot_seals", "audit_chain",
          "scaletrack_timeline", "scaletrack_view_tracking", "scaletrack_dir_pilots")
"""The record (events, snapshots and their seals, chain) and the views with their
positions."""
SECRETS = ("scaletrack_credentials", "scaletrack_tokens", "scaletrack_server_keys")


@pytest.mark.postgres
def test_a_non_server_role_can_neither_insert_nor_change_the_record_or_the_views(
        deployment: Deployment, cli: Run) -> None:
    fill(deployment.url(SERVER))
    ledger = Ledger(StoreURL.parse(deployment.url(SERVER)))
    try:
        for n in range(100):  # past the snapshot interval: a snapshot row exists
            ledger.log_event("risk-raised", "SEED-GR-01", {"risk": f"R{n}", "description": "x",
                                                           "severity": "low"}, by("ana"))
    finally:
        ledger.close()
    assert cli("--db", deployment.url(SERVER), "timeline", "--json").exit_code == 0
    before = store_digest_of(deployment.url(SERVER))

    with deployment.connect(REPORTING) as reader:
        for table in TABLES:
            assert reader.execute(f"SELECT count(*) FROM {table}").fetchone() != (0,), table
            for sql in (f"INSERT INTO {table} SELECT * FROM {table} LIMIT 1",
                        f"UPDATE {table} SET {_column(reader, table)} = "
                        f"{_column(reader, table)}",
                        f"DELETE FROM {table}", f"TRUNCATE {table}",
                        f"LOCK TABLE {table} IN EXCLUSIVE MODE",
                        f"SELECT * FROM {table} LIMIT 1 FOR SHARE"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege), reader.transaction():
                    reader.execute(sql)
        for table in SECRETS:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                reader.execute(f"SELECT * FROM {table}")

    assert store_digest_of(deployment.url(SERVER)) == before
    assert cli("--db", deployment.url(SERVER), "verify", "--store").exit_code == 0


def _column(conn: psycopg.Connection[tuple[Any, ...]], table: str) -> str:
    row = conn.execute("SELECT column_name FROM information_schema.columns "
                       "WHERE table_name = %s LIMIT 1", (table,)).fetchone()
    assert row is not None
    return str(row[0])


def fill_count(deployment: Deployment) -> int:
    with deployment.connect(REPORTING) as reader:
        row = reader.execute("SELECT count(*) FROM scaletrack_events").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.postgres
def test_a_reader_cannot_create_the_tables_of_an_empty_database(
        deployment: Deployment, cli: Run) -> None:
    with deployment.connect("scaletrack_owner") as owner:
        owner.execute("DROP TABLE scaletrack_events, scaletrack_snapshots")

    listed = cli("--db", deployment.url(REPORTING), "pilot", "list")

    assert listed.exit_code == 3
    assert "run scaletrack init" in listed.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("role", [SERVER, REPORTING, "scaletrack_owner"])
def test_nobody_changes_or_deletes_a_recorded_event(deployment: Deployment, role: str) -> None:
    fill(deployment.url(SERVER))

    with deployment.connect(role) as conn:
        for table in ("scaletrack_events", "audit_chain"):
            for sql in (f"UPDATE {table} SET position = 0" if table == "audit_chain" else
                        f"UPDATE {table} SET topic = 'x'",
                        f"DELETE FROM {table}", f"TRUNCATE {table}"):
                with pytest.raises(psycopg.Error, match=r"append-only|permission denied"):
                    conn.execute(sql)

    assert fill_count(deployment) == 3


@pytest.mark.postgres
def test_a_pg_dump_backup_restores_the_same_store(
        deployment: Deployment, tmp_path: Path, cli: Run) -> None:
    fill(deployment.url(SERVER))
    server, owner = deployment.server, deployment.roles["scaletrack_owner"]
    restored = f"{deployment.dbname}_restored"
    where = ["-h", server.host, "-p", str(server.port)]
    dump = tmp_path / "scaletrack.dump"

    subprocess.run(["pg_dump", *where, "-U", owner, "-Fc", "-f", str(dump), deployment.dbname],
                   check=True)
    subprocess.run(["createdb", *where, "-U", server.user, "-O", owner, restored], check=True)
    try:
        subprocess.run(["pg_restore", *where, "-U", owner, "-d", restored, str(dump)],
                       check=True)
        same = [store_digest_of(deployment.url(REPORTING, name))
                for name in (deployment.dbname, restored)]
        shown = cli("--db", deployment.url(REPORTING, restored), "pilot", "show", "SEED-GR-01",
                    "--json")
    finally:
        with server.connect() as admin:
            admin.execute(f'DROP DATABASE "{restored}" WITH (FORCE)')

    assert same[0] == same[1]
    assert same[0][0] == 3
    assert shown.json()["code"] == "SEED-GR-01"


def test_a_sqlite_backup_taken_while_in_use_is_the_same_store(
        sqlite_url: str, tmp_path: Path) -> None:
    fill(sqlite_url)
    backup = tmp_path / "backup.db"
    ledger = Ledger(StoreURL.parse(sqlite_url))  # the store stays open meanwhile
    try:
        subprocess.run(["sqlite3", sqlite_url.removeprefix("sqlite:///"), f".backup {backup}"],
                       check=True)
        original = store_digest(ledger)
    finally:
        ledger.close()

    assert store_digest_of(f"sqlite:///{backup}") == original
    assert sqlite3.connect(backup).execute("PRAGMA integrity_check").fetchone() == ("ok",)




@pytest.mark.postgres
def test_a_readers_lock_never_stalls_the_server_and_a_stuck_writer_costs_one_timeout(
        deployment: Deployment, cli: Run) -> None:
    import time

    from fastapi.testclient import TestClient

    from scaletrack.application.accounts import Accounts
    from scaletrack.domain.account import Role
    from scaletrack.server.app import create_app

    fill(deployment.url(SERVER))
    ledger = Ledger(StoreURL.parse(deployment.url(SERVER)))
    try:
        accounts = Accounts(ledger)
        accounts.add("ana", "Ana Rossi", Role.LEAD, ["SEED"], by("setup"))
        token = accounts.issue_token("ana", by("setup"))[1].secret
        accounts.credentials.close()
    finally:
        ledger.close()
    bearer = {"Authorization": f"Bearer {token}"}
    risk = {"kind": "risk-raised", "risk": "R1", "description": "Turnover", "severity": "high"}
    path = "/api/v1/pilots/SEED-GR-01/events"

    with TestClient(create_app(deployment.url(SERVER), pages=False)) as client, \
            deployment.connect(REPORTING) as reader, deployment.connect(SERVER) as stuck:
        with reader.transaction():  # the strongest lock a reader may take, held meanwhile
            reader.execute("LOCK TABLE scaletrack_events IN ACCESS SHARE MODE")
            reader.execute("SELECT count(*) FROM scaletrack_timeline")
            started = time.monotonic()
            written = client.post(path, headers=bearer, json=risk)
            assert written.status_code == 201, written.text
            assert time.monotonic() - started < LOCK_TIMEOUT
        head = store_digest_of(deployment.url(SERVER))
        with stuck.transaction():  # a stuck session of the server's own role
            stuck.execute("LOCK TABLE scaletrack_events IN EXCLUSIVE MODE")
            started = time.monotonic()
            refused = client.post(path, headers=bearer, json={**risk, "risk": "R2"})
            waited = time.monotonic() - started
            logged = cli("--db", deployment.url(SERVER), "log", "risk-raised", "SEED-GR-01",
                         "--risk", "R3", "--description", "x", "--severity", "low",
                         "--actor", "ana")
        assert refused.status_code == 409, refused.text
        assert set(refused.json()) == {"error", "hint", "field"}
        assert LOCK_TIMEOUT - 1 <= waited < LOCK_TIMEOUT + 5
        assert logged.exit_code == 4, logged.stderr
        assert store_digest_of(deployment.url(SERVER)) == head
        assert client.post(path, headers=bearer, json={**risk, "risk": "R4"}).status_code == 201


LOCK_TIMEOUT = 10
"""Seconds a write waits for the event table's lock (docs/DEPLOYMENT.md, "Waiting")."""
