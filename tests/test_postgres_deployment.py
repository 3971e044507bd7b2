"""The deployment guide, run for real: its roles are enforced, its backups restore.

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
ROLES = ["scaletrack_owner", "scaletrack_writers", "scaletrack_readers", "ana", "eva"]
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
def test_a_lead_writes_and_a_reader_reads_but_cannot_write(
        deployment: Deployment, cli: Run) -> None:
    events = fill(deployment.url("ana"))

    listed = cli("--db", deployment.url("eva"), "pilot", "list", "--json")
    refused = cli("--db", deployment.url("eva"), "log", "funding", "SEED-GR-01",
                  "--funder", "ESF+", "--amount-eur", "1000", "--actor", "eva")
    logged = cli("--db", deployment.url("ana"), "log", "funding", "SEED-GR-01",
                 "--funder", "ESF+", "--amount-eur", "1000", "--actor", "ana")

    assert listed.exit_code == 0, listed.stderr
    assert [p["code"] for p in listed.json()] == ["SEED-GR-01"]
    assert refused.exit_code == 1
    assert refused.stderr == ("error: the store refused: permission denied for table "
                              "scaletrack_events; this role may not do that (see the "
                              "deployment roles in the README)\n")
    assert (logged.exit_code, logged.stdout.strip(), logged.stderr) == (0, "SEED-GR-01@3", "")
    assert fill_count(deployment) == events + 1


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["ana", "eva"])
def test_leads_and_readers_see_current_views_and_a_chain_that_verifies(
        deployment: Deployment, role: str, cli: Run) -> None:
    fill(deployment.url("ana"))
    assert cli("--db", deployment.url("ana"), "progress", "--json").exit_code == 0
    cli("--db", deployment.url("ana"), "log", "risk-raised", "SEED-GR-01", "--risk", "R1",
        "--description", "Turnover", "--severity", "high", "--actor", "ana")

    shown = {name: cli("--db", deployment.url(role), name, "--json")
             for name in ("progress", "timeline", "digest")}
    verified = cli("--db", deployment.url(role), "verify", "--store", "--json")

    assert {name: (r.exit_code, r.stderr) for name, r in shown.items()} == dict.fromkeys(
        shown, (0, ""))
    assert shown["timeline"].json()["events"][-1]["id"] == "SEED-GR-01@3"
    assert (verified.exit_code, verified.json()["chained"]) == (0, 4)


def fill_count(deployment: Deployment) -> int:
    with deployment.connect("eva") as reader:
        row = reader.execute("SELECT count(*) FROM scaletrack_events").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.postgres
def test_a_reader_cannot_create_the_tables_of_an_empty_database(
        deployment: Deployment, cli: Run) -> None:
    with deployment.connect("scaletrack_owner") as owner:
        owner.execute("DROP TABLE scaletrack_events, scaletrack_snapshots")

    listed = cli("--db", deployment.url("eva"), "pilot", "list")

    assert listed.exit_code == 3
    assert "run scaletrack init" in listed.stderr


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["ana", "eva", "scaletrack_owner"])
def test_nobody_changes_or_deletes_a_recorded_event(deployment: Deployment, role: str) -> None:
    fill(deployment.url("ana"))

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
    fill(deployment.url("ana"))
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
        same = [store_digest_of(deployment.url("eva", name))
                for name in (deployment.dbname, restored)]
        shown = cli("--db", deployment.url("eva", restored), "pilot", "show", "SEED-GR-01",
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


