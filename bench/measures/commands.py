"""Figure 2: in-process commands per second (target at least 0.4 of raw SQLite).

A command is what ``scaletrack log`` does once the process is up: load the
pilot, validate the input, decide, append the event (and its snapshot every
100 events). The ledger keeps its aggregate cache, as a long-running process
would, and the commands go round the store's running pilots. The baseline
inserts rows of the store's own shape, one transaction each, with the
synchronous setting scaletrack's connections use, in the same table,
alternating with the commands batch by batch.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from bench.figures import Context, Figure, at_least_ratio, median
from bench.proc import worker

COMMANDS = 200
"""Commands per timed batch."""


def _values(n: int, period: str) -> tuple[str, dict[str, Any]]:
    """The n-th command: a risk, a milestone or funding, as a user gives them (a result
    would be refused after the first for its quarter: one result per quarter)."""
    if n % 3 == 0:
        return "risk-raised", {"risk": f"B{n}", "description": "Bench risk",
                               "severity": "low"}
    if n % 3 == 1:
        return "milestone-planned", {"milestone": f"B{n}", "title": "Bench milestone",
                                     "due_on": "2027-06-30"}
    return "funding", {"funder": "ESF+ OP", "amount_eur": "15000", "currency": "EUR"}


def commands_and_raw(url: str, pilots: list[str], runs: int) -> dict[str, Any]:
    """Batches of commands and of raw one-row transactions, alternately, in one process:
    both meet the same disk and the same neighbours, so their ratio is steady."""
    from bench.baselines import one_row_per_transaction, synchronous_of
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL
    from scaletrack.domain.vocabulary import period_of

    sync = synchronous_of(url) if url.startswith("sqlite") else 2
    ledger = Ledger(StoreURL.parse(url))
    period = period_of(datetime.now(UTC).date())
    n = 0

    def batch(count: int) -> float:
        nonlocal n
        started = time.perf_counter()
        for _ in range(count):
            kind, values = _values(n, period)
            ledger.log_event(kind, pilots[n % len(pilots)], values, ledger.provenance("bench"))
            n += 1
        return time.perf_counter() - started

    batch(20)
    ours, raw = [], []
    for _ in range(runs):
        ours.append(COMMANDS / batch(COMMANDS))
        done = one_row_per_transaction(url, COMMANDS, sync)
        raw.append(done["rows"] / done["seconds"])
    ledger.close()
    return {"ours": ours, "raw": raw, "synchronous": sync}


def measure(ctx: Context) -> list[Figure]:
    pilots = ctx.shape.open_pilots[:50]
    with ctx.stores.copy_of(ctx.url) as url:
        done = worker("bench.measures.commands:commands_and_raw", url=url, pilots=pilots,
                      runs=ctx.runs)
    sync = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(done["synchronous"], "?")
    setting = (f"WAL, synchronous={sync}" if ctx.backend.name == "sqlite"
               else "synchronous_commit=on")
    row = Figure("2. in-process commands/s", ctx.size, median(done["ours"]), "commands/s",
                 median(done["raw"]), f"raw INSERT, 1 row per transaction, {setting}",
                 note=f"load + validate + decide + append, round {len(pilots)} running "
                      "pilots, aggregate cache on")
    return [at_least_ratio(row, 0.4)]
