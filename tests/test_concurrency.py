"""Many writers at once: nothing lost, nothing doubled, no reader skips a late commit.

The writers are real processes: this file doubles as the writer program
(``python tests/test_concurrency.py URL WRITER COUNT SEED PILOTS MIX``). Each
writer issues commands through one long-lived ledger, as an import or a
server would, and prints one JSON line per command: its unique marker
(carried in the event's reason) and the exit code the CLI would give.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any

import pytest

from scaletrack.application import ledger as ledger_module
from scaletrack.application.ledger import Ledger
from scaletrack.application.store import StoreURL
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import ConcurrentChange
from scaletrack.domain.pilot import Pilot

PILOTS = ["SEED-GR-01", "SEED-GR-02", "SEED-IT-01", "SEED-SI-01"]
RISKS = 40  # a small shared pool, so writers raise and close the same risks
VIEWS = ["progress", "impact", "portfolio", "decisions", "quality", "timeline"]


def by(reason: str | None = None) -> Provenance:
    return Provenance(occurred_on=date(2022, 5, 1), recorded_at=datetime.now(UTC),
                      actor="writer", reason=reason)


def set_up(url: str, pilots: list[str] = PILOTS) -> int:
    """A consortium and its pilots; returns how many events that took."""
    ledger = Ledger(StoreURL.parse(url))
    try:
        ledger.register_consortium("SEED", "Social innovation Ecosystem Development",
                                   "City of Turin", ["IT", "GR", "SI"], by())
        for code in pilots:
            ledger.register_pilot(code, "SEED", {
                "title": f"Pilot {code}", "innovation": "Local SI mapping",
                "origin_country": "IT", "target_countries": [code[5:7]],
                "core_components": ["Method"], "adaptable_components": ["Venue"],
                "starts_on": date(2022, 1, 1), "ends_on": date(2023, 6, 30)}, by())
        return ledger.event_count()
    finally:
        ledger.close()


# -- the writer program -------------------------------------------------------


def command(rng: random.Random, mix: str) -> tuple[str, dict[str, Any]]:
    """A random command: funding is always valid, risks often are not (or no longer)."""
    draw = rng.random()
    if mix == "funding" or draw < 0.4:
        return "funding", {"funder": "ESF+", "amount_eur": str(rng.randint(1, 9999)),
                           "currency": "EUR"}
    risk = f"R{rng.randrange(RISKS)}"
    if draw < 0.7:
        return "risk-raised", {"risk": risk, "description": "shared risk", "severity": "low"}
    return "risk-closed", {"risk": risk}


def write(url: str, writer: int, count: int, seed: int, pilots: list[str], mix: str) -> None:
    """Issue ``count`` commands and print each one's marker and exit code."""
    from scaletrack.cli.exits import exit_code_for

    rng = random.Random(seed * 1000 + writer)
    ledger = Ledger(StoreURL.parse(url))
    print("ready", flush=True)
    try:
        for n in range(count):
            marker = f"w{writer}-{n}"
            kind, values = command(rng, mix)
            try:
                ledger.log_event(kind, rng.choice(pilots), values, by(marker))
                code, message = 0, ""
            except Exception as error:
                code, message = exit_code_for(error)
            print(json.dumps({"marker": marker, "exit": code, "error": message}), flush=True)
    finally:
        ledger.close()


def follow(url: str) -> None:
    """Keep every view caught up, as readers keep asking, until stdin closes."""
    import select

    from scaletrack.projections.database import engine_for
    from scaletrack.projections.facts import StoreSource
    from scaletrack.projections.runner import ReadModels

    ledger = Ledger(StoreURL.parse(url))
    engine = engine_for(url)
    models = ReadModels(engine, StoreSource(ledger.recorder), ledger.name)
    print("ready", flush=True)
    while not select.select([sys.stdin], [], [], 0.01)[0]:
        models.catch_up()
    engine.dispose()
    ledger.close()


def start_followers(url: str, followers: int) -> list[subprocess.Popen[str]]:
    started = [subprocess.Popen([sys.executable, __file__, "follow", url],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
               for _ in range(followers)]
    for process in started:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    return started


def stop(followers: list[subprocess.Popen[str]]) -> None:
    for process in followers:
        process.communicate("stop\n", timeout=120)
        assert process.returncode == 0


def views(cli: Any, url: str) -> dict[str, Any]:
    """Every view's JSON document, as users print them (each catches up first)."""
    return {name: cli("--db", url, name, "--json").json() for name in VIEWS}


def start_writers(url: str, writers: int, count: int, seed: int, pilots: list[str] = PILOTS,
                  mix: str = "any") -> list[subprocess.Popen[str]]:
    """Start the writer processes and wait until each has opened its ledger."""
    started = [subprocess.Popen([sys.executable, __file__, url, str(n), str(count), str(seed),
                                 ",".join(pilots), mix], stdout=subprocess.PIPE, text=True)
               for n in range(writers)]
    for process in started:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    return started


def outcomes(processes: list[subprocess.Popen[str]]) -> dict[str, int]:
    """Each command's marker and its exit code, once every writer has finished."""
    results: dict[str, int] = {}
    for process in processes:
        assert process.stdout is not None
        out = process.stdout.read()  # not communicate(): it would skip what readline buffered
        assert process.wait(timeout=600) == 0
        for line in out.splitlines():
            result = json.loads(line)
            results[result["marker"]] = result["exit"]
    return results


def markers_in(ledger: Ledger) -> Counter[str]:
    return Counter(e.reason for e in ledger.all_events() if e.reason)


def recorded_backwards(ledger: Ledger) -> int:
    """How many stored events are recorded before the event stored ahead of them."""
    moments = [e.recorded_at for e in ledger.all_events()]
    return sum(1 for before, after in pairwise(moments) if after < before)


# -- the tests ------------------------------------------------------------------


@pytest.mark.slow
def test_eight_writers_at_once_lose_and_double_nothing(store_url: str, cli: Any) -> None:
    before = set_up(store_url)
    followers = start_followers(store_url, 2)

    results = outcomes(start_writers(store_url, writers=8, count=300, seed=1))
    stop(followers)
    verified = cli("--db", store_url, "verify", "--store", "--json")
    caught_up = views(cli, store_url)
    rebuilt = cli("--db", store_url, "projections", "rebuild")

    ledger = Ledger(StoreURL.parse(store_url))
    try:
        stored = markers_in(ledger)
        positions = [n.id for n in ledger.recorder.select_notifications(1, 100_000)]
        backwards = recorded_backwards(ledger)
    finally:
        ledger.close()
    succeeded = {m for m, code in results.items() if code == 0}
    assert backwards == 0  # each writer stamps its own clock; the store keeps them in order
    assert len(results) == 2400
    assert set(results.values()) <= {0, 1, 4}  # done, no longer valid, conflict
    assert {m for m, n in stored.items() if n != 1} == set()
    assert set(stored) == succeeded
    assert len(positions) == before + len(succeeded) == len(set(positions))
    assert verified.exit_code == 0, verified.stderr
    assert verified.json()["count"] == len(positions)  # the audit chain holds every event
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert caught_up == views(cli, store_url)  # views kept up meanwhile = built from scratch


class Racing(Ledger):
    """A ledger that a rival writer beats to every save, ``times`` times.

    The rival is a second ledger on the same store (its own connections), and
    it writes between this ledger's load and its save: the race a command
    loses when another lead logs to the same pilot at the same moment.
    """

    name = Ledger.name  # the same tables as the ledger's

    def __init__(self, store: StoreURL, rival: Callable[[], object], times: int) -> None:
        super().__init__(store)
        self.rival, self.times = rival, times

    def get(self, cls: Any, code: str, version: int | None = None, **options: Any) -> Any:
        loaded = super().get(cls, code, version, **options)
        if cls is Pilot and self.times:
            self.times -= 1
            self.rival()
        return loaded


@contextmanager
def racing(url: str, times: int, rival_kind: str, rival_values: dict[str, Any]
           ) -> Iterator[tuple[Racing, Ledger]]:
    set_up(url, ["SEED-GR-01"])
    rival = Ledger(StoreURL.parse(url))
    racer = Racing(StoreURL.parse(url), lambda: rival.log_event(
        rival_kind, "SEED-GR-01", dict(rival_values), by("rival")), times)
    try:
        yield racer, rival
    finally:
        racer.close()
        rival.close()


def test_a_command_that_lost_a_race_is_retried_and_recorded_once(store_url: str) -> None:
    funding = {"funder": "ESF+", "amount_eur": "100", "currency": "EUR"}
    with racing(store_url, 2, "funding", funding) as (racer, rival):
        pilot = racer.log_event("risk-raised", "SEED-GR-01", {
            "risk": "R1", "description": "turnover", "severity": "low"}, by("mine"))
        stored = markers_in(rival)

    assert stored == {"rival": 2, "mine": 1}
    assert pilot.version == 4
    assert pilot.risks == {"R1": "open"}


def test_a_command_no_longer_valid_after_the_race_is_a_conflict(store_url: str) -> None:
    risk = {"risk": "R1", "description": "turnover", "severity": "low"}
    with racing(store_url, 1, "risk-raised", risk) as (racer, rival):
        with pytest.raises(ConcurrentChange, match="no longer valid") as lost:
            racer.log_event("risk-raised", "SEED-GR-01", dict(risk), by("mine"))
        stored = markers_in(rival)

    assert exit_code(lost.value) == 4
    assert stored == {"rival": 1}


def test_a_command_that_keeps_losing_gives_up_as_a_conflict(store_url: str) -> None:
    funding = {"funder": "ESF+", "amount_eur": "100", "currency": "EUR"}
    with racing(store_url, ledger_module.RETRIES, "funding", funding) as (racer, rival):
        with pytest.raises(ConcurrentChange, match="kept changing") as lost:
            racer.log_event("funding", "SEED-GR-01", dict(funding), by("mine"))
        stored = markers_in(rival)

    assert exit_code(lost.value) == 4
    assert stored == {"rival": ledger_module.RETRIES}


def exit_code(error: Exception) -> int:
    from scaletrack.cli.exits import exit_code_for

    return exit_code_for(error)[0]


# -- a late commit --------------------------------------------------------------


class HeldWrite(threading.Thread):
    """One writer's transaction: inserted, then held open until released."""

    def __init__(self, ledger: Ledger, code: str) -> None:
        super().__init__(daemon=True)
        pilot = ledger.get(Pilot, code)
        pilot.raise_risk("LATE", "committed late", "high", by("late"))
        self.events = [ledger.mapper.to_stored_event(e) for e in pilot.collect_events()]
        self.ledger = ledger
        self.inserted, self.release = threading.Event(), threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        recorder: Any = self.ledger.recorder
        try:
            with recorder.transaction() as cursor:
                # The recorder's own insert, inside a transaction we hold.
                recorder.append(cursor, self.events)
                self.inserted.set()
                self.release.wait(timeout=60)
        except BaseException as error:
            self.error = error
            self.inserted.set()


def blocked_writers(ledger: Ledger) -> int:
    """How many sessions wait for the event table's lock (PostgreSQL only)."""
    recorder: Any = ledger.recorder
    with recorder.datastore.transaction(commit=False) as cursor:
        cursor.execute("SELECT count(*) AS n FROM pg_locks WHERE NOT granted "
                       "AND relation = 'public.scaletrack_events'::regclass")
        return int(cursor.fetchone()["n"])


def test_a_view_never_skips_an_event_whose_transaction_commits_late(
        store_url: str, cli: Any) -> None:
    from scaletrack.projections.database import engine_for
    from scaletrack.projections.facts import StoreSource
    from scaletrack.projections.runner import ReadModels

    set_up(store_url, ["SEED-GR-01", "SEED-GR-02"])
    ledger = Ledger(StoreURL.parse(store_url))
    engine = engine_for(store_url)
    models = ReadModels(engine, StoreSource(ledger.recorder), ledger.name)
    try:
        models.catch_up()  # the views, built and current before the late writer begins
        position = ledger.event_count()
        seen: list[int] = []

        def read_on() -> None:  # what a projection does: read on from its position
            notes = ledger.recorder.select_notifications(position + 1, 1000)
            seen.extend(n.id for n in notes if n.id not in seen)
            models.catch_up()

        held = HeldWrite(ledger, "SEED-GR-01")
        held.start()
        held.inserted.wait(timeout=30)
        assert held.error is None
        others = start_writers(store_url, writers=3, count=5, seed=2, pilots=["SEED-GR-02"],
                               mix="funding")
        # Give the others time to reach their commit: on PostgreSQL until all of them
        # wait for the table lock, on SQLite (which shows no queue) for a second. Stay
        # under the server's 5 s limit on an idle transaction.
        deadline = time.monotonic() + (4 if store_url.startswith("postgres") else 1)
        while time.monotonic() < deadline and not seen and not (
                store_url.startswith("postgres") and blocked_writers(ledger) == len(others)):
            read_on()  # where numbers were handed out before commit, others' would show
            time.sleep(0.05)
        read_on()
        seen_while_held = list(seen)
        held.release.set()
        held.join(timeout=30)
        results = outcomes(others)
        read_on()
        late = [n.id for n in ledger.recorder.select_notifications(1, 1000)
                if n.originator_id == Pilot.id_for("SEED-GR-01")][-1]
        everything = [n.id for n in ledger.recorder.select_notifications(position + 1, 1000)]
        stored = markers_in(ledger)
        timeline = cli("--db", store_url, "timeline", "--json").json()["events"]
    finally:
        engine.dispose()
        ledger.close()

    assert held.error is None
    assert seen_while_held == []  # nobody committed past the open transaction
    assert set(results.values()) <= {0, 4}  # 4: lost the race for SEED-GR-02 five times
    assert set(stored) - {"late"} == {m for m, code in results.items() if code == 0}
    assert seen == everything  # the reader saw every event, the late one included
    assert late == position + 1  # numbered in commit order: before the others
    assert "SEED-GR-01@2" in [e["id"] for e in timeline]  # the late event, in the view
    assert len(timeline) == position + len(everything)


if __name__ == "__main__":
    if sys.argv[1] == "follow":
        follow(sys.argv[2])
    else:
        url, writer, count, seed, pilots, mix = sys.argv[1:]
        write(url, int(writer), int(count), int(seed), pilots.split(","), mix)
