"""Figure 6: time travel for one pilot, at each store size (target under 50 ms, and
growing no more than logarithmically with the store).

The pilot is a typical one (about 400 events, in the middle of the store's
history), asked "as of" a day in the middle of its life "as known" a month
later: the general case, which reads the pilot's own stream. Every store
holds pilots of the same shape, so any growth comes from the store's size.
The baseline reads the same pilot's events with the driver and ``json.loads``.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any

from bench.figures import Context, Figure, at_most, median
from bench.proc import worker


def point_in_time(url: str, code: str, runs: int) -> dict[str, Any]:
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL
    from scaletrack.application.timetravel import PointInTime, pilot_at
    from scaletrack.domain.pilot import Pilot

    ledger = Ledger(StoreURL.parse(url))
    now = ledger.get(Pilot, code)
    middle = now.starts_on + (now.ends_on - now.starts_on) / 2
    point = PointInTime(as_of=middle,
                        known_at=datetime.combine(middle + timedelta(days=30), clock.max,
                                                  tzinfo=UTC))
    timings, version = [], 0
    for _ in range(runs + 1):
        started = time.perf_counter()
        pilot = pilot_at(ledger, code, point)
        timings.append(time.perf_counter() - started)
        version = pilot.version if pilot else 0
    ledger.close()
    return {"first": timings[0], "seconds": timings[1:], "version": version,
            "events": now.version, "pilot_id": str(Pilot.id_for(code))}


def measure(ctx: Context) -> list[Figure]:
    runs = max(ctx.runs, 7)
    found = worker("bench.measures.timetravel:point_in_time", url=ctx.url,
                   code=ctx.shape.typical_pilot, runs=runs)
    raw = worker("bench.measures.load:raw_pilot", url=ctx.url, pilot_id=found["pilot_id"],
                 runs=runs, snapshot=False)
    ms = median(found["seconds"]) * 1000
    growth: dict[int, float] = ctx.memo.setdefault("time travel", {})
    growth[ctx.size] = ms
    rows = [at_most(Figure(f"6. time travel, one pilot of {found['events']} events", ctx.size,
                           ms, "ms", median(raw["seconds"]) * 1000,
                           "raw SELECT of its events, json.loads",
                           note=f"as of its mid-life, as known a month later "
                                f"(sees {found['version']} events)"), 50, "ms")]
    if ctx.largest and len(growth) > 1:
        rows.append(_growth_row(growth, ctx.size))
    if ctx.largest:
        rows.append(_long_pilot_row(ctx))
    return rows


def _long_pilot_row(ctx: Context) -> Figure:
    """The same question about the long-running pilot: the as-of path reads its stream."""
    found = worker("bench.measures.timetravel:point_in_time", url=ctx.url,
                   code=ctx.shape.big_pilot, runs=ctx.runs)
    raw = worker("bench.measures.load:raw_pilot", url=ctx.url, pilot_id=found["pilot_id"],
                 runs=ctx.runs, snapshot=False)
    return Figure(f"6. time travel, one pilot of {found['events']:,} events", ctx.size,
                  median(found["seconds"]) * 1000, "ms", median(raw["seconds"]) * 1000,
                  "raw SELECT of its events, json.loads",
                  note="for scale, no target: as of a date, a pilot's whole stream is read "
                       f"and replayed (sees {found['version']:,} events)")


def _growth_row(growth: dict[int, float], size: int) -> Figure:
    smallest = min(growth)
    allowed = math.log(size) / math.log(smallest)
    row = Figure(f"6. time travel growth, {smallest:,} -> {size:,} events", size,
                 growth[size] / growth[smallest], "x", allowed,
                 "log(N) growth allowed", target=f"<= {allowed:.2f}x (log)")
    row.met = row.value is not None and row.value <= allowed
    return row
