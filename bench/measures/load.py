"""Figure 7: loading one pilot with 10,000 events (target under 10 ms).

Each load uses a new ledger, as each CLI command does, so the aggregate cache
never answers; the process's first load also builds the event validators
once, so it is reported apart and the median is of the loads after it. The
baseline reads the same rows (the newest snapshot and the events after it)
with the database driver and ``json.loads`` alone.
"""

from __future__ import annotations

import time
from typing import Any

from bench.figures import Context, Figure, at_most, median
from bench.proc import worker


def load_pilot(url: str, code: str, runs: int) -> dict[str, Any]:
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL
    from scaletrack.domain.pilot import Pilot

    store = StoreURL.parse(url)
    timings, version = [], 0
    for _ in range(runs + 1):
        ledger = Ledger(store)
        started = time.perf_counter()
        pilot = ledger.get(Pilot, code)
        timings.append(time.perf_counter() - started)
        version = pilot.version
        ledger.close()
    return {"first": timings[0], "seconds": timings[1:], "events": version,
            "pilot_id": str(Pilot.id_for(code))}


def raw_pilot(url: str, pilot_id: str, runs: int, snapshot: bool = True) -> dict[str, Any]:
    from bench.baselines import pilot_rows

    timings = [pilot_rows(url, pilot_id, snapshot)["seconds"] for _ in range(runs + 1)]
    return {"seconds": timings[1:]}


def measure(ctx: Context) -> list[Figure]:
    if not ctx.largest:
        return []
    runs = max(ctx.runs, 5)
    loaded = worker("bench.measures.load:load_pilot", url=ctx.url, code=ctx.shape.big_pilot,
                    runs=runs)
    raw = worker("bench.measures.load:raw_pilot", url=ctx.url, pilot_id=loaded["pilot_id"],
                 runs=runs)
    row = Figure(f"7. load one pilot of {loaded['events']:,} events", ctx.size,
                 median(loaded["seconds"]) * 1000, "ms", median(raw["seconds"]) * 1000,
                 "raw SELECT snapshot + events after it, json.loads",
                 note=f"first load in a process {loaded['first'] * 1000:.0f} ms "
                      "(builds the validators)")
    return [at_most(row, 10, "ms")]
