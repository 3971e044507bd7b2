"""Figure 4: rebuilding every view from the first event, events per second (target at
least 0.5 of a raw paged ``SELECT`` plus ``json.loads`` of the same rows).

``scaletrack projections rebuild`` on a copy of the store, timed inside a
worker once its modules are imported. The baseline reads every stored event
in the store's order, a page at a time, and parses each one's JSON.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from bench.figures import Context, Figure, at_least_ratio, median, unavailable
from bench.proc import worker

FIGURE = "4. projection rebuild (events/s)"
WARM = ["projections", "scaletrack.projections.runner", "scaletrack.projections.registry",
        "sqlalchemy.orm"]


def available() -> bool:
    return importlib.util.find_spec("scaletrack.cli.projections") is not None


def raw_read(url: str, runs: int) -> dict[str, Any]:
    from bench.baselines import paged_select_json

    rates = []
    for _ in range(runs):
        done = paged_select_json(url)
        rates.append(done["rows"] / done["seconds"])
    return {"rates": rates}


def measure(ctx: Context) -> list[Figure]:
    if not available():
        return [unavailable(FIGURE, ctx.size, "scaletrack projections has not landed")]
    rates, rss = [], []
    with ctx.stores.copy_of(ctx.url) as url:
        for _ in range(ctx.heavy_runs):
            done = worker("bench.inprocess:run_cli", argv=["--db", url, "projections",
                                                           "rebuild"], warm=WARM)
            rates.append(ctx.shape.events / done["seconds"])
            rss.append(done["rss_mb"])
        raw = worker("bench.measures.rebuild:raw_read", url=url, runs=ctx.heavy_runs)
    ctx.memo.setdefault("rss", {}).setdefault("rebuild", {})[ctx.size] = max(rss)
    row = Figure("4. projection rebuild, every view", ctx.size, median(rates), "events/s",
                 median(raw["rates"]), "raw paged SELECT + json.loads")
    return [at_least_ratio(row, 0.5)]
