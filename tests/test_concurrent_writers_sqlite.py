"""Two processes log to the same pilot in one SQLite file at the same time.

Each command either wins, or re-validates against what the other wrote and
then succeeds, is refused by a rule (exit 1) or reports the conflict (exit 4).
Whatever the interleaving, nothing is lost or recorded twice.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.pilot import Pilot

CODE = "SEED-GR-01"
ROUNDS = 25
SCALETRACK = Path(sys.executable).parent / "scaletrack"


def set_up(url: str) -> int:
    """A consortium and one pilot; returns the store's event count."""
    by = Provenance(occurred_on=date(2022, 1, 10), recorded_at=datetime.now(UTC),
                    actor="setup")
    ledger = Ledger(StoreURL.parse(url))
    try:
        ledger.register_consortium("SEED", "Seed", "City of Turin", ["IT", "GR"], by)
        ledger.register_pilot(CODE, "SEED", {
            "title": "SI mapping", "innovation": "Local SI mapping", "origin_country": "IT",
            "target_countries": ["GR"], "core_components": ["Method"],
            "adaptable_components": ["Venue"], "starts_on": date(2022, 1, 1),
            "ends_on": date(2023, 6, 30)}, by)
        return ledger.event_count()
    finally:
        ledger.close()


def commands(writer: str) -> list[list[str]]:
    """Both writers raise the same risks in the same order (they collide), and each
    adds partners of its own (always valid, whoever wins)."""
    result = []
    for n in range(ROUNDS):
        result.append(["log", "risk-raised", CODE, "--risk", f"R{n}", "--description",
                       "Staff turnover", "--severity", "high"])
        result.append(["log", "partner-joined", CODE, "--organisation", f"{writer} {n}",
                       "--country", "GR", "--role", "host"])
    return result


def write(url: str, writer: str, start: Any, results: Any) -> None:
    """A writer process: runs its commands through the CLI, one ledger per command."""
    os.environ.update(SCALETRACK_DB=url, SCALETRACK_ACTOR=writer)
    from scaletrack.cli.main import main

    outcomes = []
    start.wait()
    for args in commands(writer):
        out, err = io.StringIO(), io.StringIO()
        code = 0
        with redirect_stdout(out), redirect_stderr(err):
            try:
                main(args)
            except SystemExit as done:
                code = int(done.code or 0)
        outcomes.append((args[1], args[4], code, out.getvalue().strip(), err.getvalue()))
    results.put((writer, outcomes))


def stored_events(url: str) -> list[Any]:
    ledger = Ledger(StoreURL.parse(url))
    try:
        positions = [n.id for n in ledger.recorder.select_notifications(1, 10_000)]
        assert positions == list(range(1, len(positions) + 1)), "a gap in the global order"
        return list(ledger.events.get(Pilot.id_for(CODE)))
    finally:
        ledger.close()


def test_two_writer_processes_lose_and_double_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    set_up(url)
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(2), context.Queue()
    writers = [context.Process(target=write, args=(url, name, start, results))
               for name in ("ana", "ben")]
    for process in writers:
        process.start()
    outcomes = dict(results.get(timeout=120) for _ in writers)
    for process in writers:
        process.join(timeout=60)
        assert process.exitcode == 0

    everything = [o for writer in outcomes.values() for o in writer]
    assert {code for _, _, code, _, _ in everything} <= {0, 1, 4}, [
        o for o in everything if o[2] not in (0, 1, 4)]
    for _, _, code, printed, message in everything:
        assert (printed == "") == (code != 0)
        assert (message.count("\n"), message[:7]) == ((0, "") if code == 0 else (1, "error: "))
    for writer, done in outcomes.items():
        partners = [code for kind, _, code, _, _ in done if kind == "partner-joined"]
        assert partners.count(0) + partners.count(4) == ROUNDS, writer
    risks = {}
    for _, risk, code, printed, _ in (o for o in everything if o[0] == "risk-raised"):
        if code == 0:
            assert risk not in risks, f"{risk} was raised twice"
            risks[risk] = printed
    assert len(risks) == ROUNDS, "each risk was raised by one writer or the other"

    events = stored_events(url)
    assert [e.originator_version for e in events] == list(range(1, len(events) + 1))
    succeeded = sorted(printed for o in everything if (printed := o[3]))
    assert succeeded == sorted(f"{CODE}@{e.originator_version}" for e in events[1:])
    raised = [e.risk for e in events if e.TYPE == "pilot.risk-raised"]
    assert sorted(raised) == sorted(risks)
    assert {e.actor for e in events[1:]} <= {"ana", "ben"}
    moments = [e.recorded_at for e in events]
    assert moments == sorted(moments), "recorded-at went backwards in store order"


def test_the_same_command_from_two_scaletrack_processes_is_recorded_once(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    set_up(url)
    env = {**os.environ, "SCALETRACK_DB": url, "SCALETRACK_ACTOR": "lead"}
    command = [str(SCALETRACK), "log", "milestone-planned", CODE, "--milestone", "M1",
               "--title", "First site open", "--due-on", "2022-06-30"]
    both = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    done = sorted((p.wait(timeout=60), p.stdout.read(), p.stderr.read())  # type: ignore[union-attr]
                  for p in both)

    (won, won_out, won_err), (lost, lost_out, lost_err) = done
    assert (won, won_out, won_err) == (0, f"{CODE}@2\n", "")
    assert lost in (1, 4)
    assert lost_out == ""
    assert lost_err.count("\n") == 1
    assert "already planned" in lost_err or "changed meanwhile" in lost_err
    assert [e.TYPE for e in stored_events(url)] == ["pilot.registered",
                                                    "pilot.milestone-planned"]
