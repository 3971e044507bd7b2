"""One handler table: ``scaletrack log`` and an imported row reach the same handler,
and one retry loop re-runs a command or a whole file that lost a race."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from scaletrack.application import commands
from scaletrack.application.handlers import HANDLERS, Handler, log_pilot_event
from scaletrack.application.importing.importer import import_files
from scaletrack.application.importing.rows import ImportOptions
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.application.unit_of_work import RETRIES, UnitOfWork
from scaletrack.cli.exits import exit_code_for
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import ConcurrentChange
from scaletrack.domain.pilot import Pilot
from scaletrack.domain.pilot_events import RiskRaised
from scaletrack.domain.vocabulary import Accumulation, Dimension, Direction, IndicatorLevel, Measure

CODE = "SEED-GR-01"
RESULT = {"indicator": "PART", "period": "2022-Q4", "value": "10",
          "breakdown": "sex:women=6; sex:men=4"}


def by(reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=date(2022, 12, 20), recorded_at=datetime.now(UTC),
                      actor="tester", reason=reason)


def seed(url: str) -> None:
    ledger = Ledger(StoreURL.parse(url))
    try:
        ledger.handle(commands.RegisterConsortium("SEED", "Seed", "City of Turin",
                                                  ("IT", "GR")), by=by())
        ledger.handle(commands.DefineIndicator(
            "PART", "Participants", IndicatorLevel.OUTPUT, Measure.UNIT, "people",
            Direction.HIGHER_IS_BETTER, Accumulation.INCREMENTAL, (Dimension.SEX,)), by=by())
        ledger.handle(commands.RegisterPilot(
            CODE, "SEED", "SI mapping", "Local SI mapping", "IT", ("GR",),
            date(2022, 1, 1), date(2023, 6, 30), ("Method",), ("Venue",)), by=by())
    finally:
        ledger.close()


def last_event(cli: Any, url: str) -> dict[str, Any]:
    shown = cli("--db", url, "pilot", "history", CODE, "--json")
    assert shown.exit_code == 0, shown.stderr
    event: dict[str, Any] = shown.json()[-1]
    return event


class Spy:
    """The table's own handler, noting each command it is handed."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.commands: list[Any] = []

    def __call__(self, uow: UnitOfWork, command: Any, by: Provenance) -> Any:
        self.commands.append(command)
        return self.handler(uow, command, by)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Spy:
    assert HANDLERS[commands.LogPilotEvent] is log_pilot_event
    watching = Spy(log_pilot_event)
    monkeypatch.setitem(HANDLERS, commands.LogPilotEvent, watching)
    return watching


def test_every_command_has_exactly_one_handler() -> None:
    from scaletrack.application import structure_commands

    declared = {c for module in (commands, structure_commands) for c in vars(module).values()
                if isinstance(c, type) and issubclass(c, commands.Command)
                and c not in (commands.Command, commands.CentreCommand)}
    assert set(HANDLERS.complete()) == declared
    assert {c.__name__ for c in declared if c.__module__ == structure_commands.__name__} \
        == commands.SETTING_UP - {"CentreCommand"}


def test_log_result_and_an_imported_result_row_reach_the_same_handler(
        cli: Any, spy: Spy, tmp_path: Path) -> None:
    logged, imported = (f"sqlite:///{tmp_path / name}.db" for name in ("logged", "imported"))
    seed(logged)
    seed(imported)
    sheet = tmp_path / "results.csv"
    with sheet.open("w", newline="") as out:
        writer = csv.DictWriter(out, ["kind", "pilot", *RESULT, "occurred_on", "actor"])
        writer.writeheader()
        writer.writerow({"kind": "result", "pilot": CODE, **RESULT,
                         "occurred_on": "2022-12-20", "actor": "tester"})

    done = cli("--db", logged, "log", "result", CODE, "--indicator", "PART", "--period",
               "2022-Q4", "--value", "10", "--breakdown", "sex:women=6", "--breakdown",
               "sex:men=4", "--occurred-on", "2022-12-20", "--actor", "tester")
    assert done.exit_code == 0, done.stderr
    done = cli("--db", imported, "import", str(sheet))
    assert done.exit_code == 0, done.stderr

    from_log, from_row = spy.commands
    assert from_log == from_row  # the same command, handed to the same handler
    assert isinstance(from_log, commands.LogPilotEvent)
    assert from_log.kind == "result"
    one, other = last_event(cli, logged), last_event(cli, imported)
    assert (one["source"], one["key"]) == ("cli", None)
    assert other["source"] == "import"
    assert other["key"]
    apart = {"source", "key", "recorded_at"}
    assert {k: v for k, v in one.items() if k not in apart} == {
        k: v for k, v in other.items() if k not in apart}


# -- one retry loop ---------------------------------------------------------------------


class Racing(Ledger):
    """A ledger a rival beats to the pilot ``times`` times: between a command's load
    of the pilot and its save, a second ledger on the same store records a risk."""

    name = Ledger.name

    def __init__(self, store: StoreURL, times: int) -> None:
        super().__init__(store)
        self.times = times
        self.rival = Ledger(store)
        self.rivals = 0

    def get(self, cls: Any, code: str, version: int | None = None, **options: Any) -> Any:
        loaded = super().get(cls, code, version, **options)
        if cls is Pilot and options.get("to_change") and self.times:
            self.times -= 1
            self.rivals += 1
            self.rival.handle(commands.LogPilotEvent.checked("risk-raised", CODE, {
                "risk": f"R{self.rivals}", "description": "rival", "severity": "low"}),
                by=by())
        return loaded

    def close(self) -> None:
        self.rival.close()
        super().close()


@pytest.fixture
def racing(store_url: str) -> Iterator[Callable[[int], Racing]]:
    seed(store_url)
    made: list[Racing] = []

    def make(times: int) -> Racing:
        made.append(Racing(StoreURL.parse(store_url), times))
        return made[-1]

    yield make
    for ledger in made:
        ledger.close()


def risks(ledger: Ledger) -> list[str]:
    return [e.risk for e in ledger.events.get(Pilot.id_for(CODE)) if isinstance(e, RiskRaised)]


def a_file(tmp_path: Path) -> Path:
    sheet = tmp_path / "risks.csv"
    sheet.write_text("kind,pilot,risk,description,severity,occurred_on,actor\n"
                     f"risk-raised,{CODE},MINE,from the file,high,2022-12-20,tester\n")
    return sheet


def test_a_command_that_lost_a_race_is_run_again_and_recorded_once(
        racing: Callable[[int], Racing], spy: Spy) -> None:
    ledger = racing(2)

    ledger.handle(commands.LogPilotEvent.checked("risk-raised", CODE, {
        "risk": "MINE", "description": "mine", "severity": "high"}), by=by())

    mine = [c for c in spy.commands if c.values["risk"] == "MINE"]
    assert len(mine) == 3  # two runs lost, the third saved
    assert risks(ledger) == ["R1", "R2", "MINE"]


def test_a_file_that_lost_a_race_is_checked_again_by_the_same_loop(
        racing: Callable[[int], Racing], spy: Spy, tmp_path: Path) -> None:
    ledger = racing(1)

    (report,) = import_files(ledger, [a_file(tmp_path)], ImportOptions())

    assert report.written
    assert not report.problems
    # the row's command, the rival's (while the row's handler loads the pilot), the row's again
    assert [c.values["risk"] for c in spy.commands] == ["MINE", "R1", "MINE"]
    assert risks(ledger) == ["R1", "MINE"]


@pytest.mark.parametrize("what", ["command", "file"])
def test_a_unit_of_work_that_keeps_losing_gives_up_with_the_conflict_exit_code(
        racing: Callable[[int], Racing], tmp_path: Path, what: str) -> None:
    ledger = racing(RETRIES)

    def work() -> object:
        if what == "file":
            return import_files(ledger, [a_file(tmp_path)], ImportOptions())
        return ledger.handle(commands.LogPilotEvent.checked("risk-raised", CODE, {
            "risk": "MINE", "description": "mine", "severity": "high"}), by=by())

    with pytest.raises(ConcurrentChange, match="kept changing") as lost:
        work()

    assert exit_code_for(lost.value)[0] == 4
    assert risks(ledger) == [f"R{n}" for n in range(1, RETRIES + 1)]


def test_a_rule_broken_only_on_a_rerun_is_a_concurrent_change(
        racing: Callable[[int], Racing]) -> None:
    ledger = racing(1)  # the rival raises R1 first

    with pytest.raises(ConcurrentChange, match="no longer valid") as lost:
        ledger.handle(commands.LogPilotEvent.checked("risk-raised", CODE, {
            "risk": "R1", "description": "mine", "severity": "high"}), by=by())

    assert exit_code_for(lost.value)[0] == 4
    assert risks(ledger) == ["R1"]
