"""Figure 5: audit export and verify, events per second.

``scaletrack export -o DIR`` writes the whole log as a bundle (target at
least 0.5 of a raw paged ``SELECT`` plus ``json.loads`` of the same rows);
``scaletrack verify DIR`` checks it offline (target at least 0.7 of plain
SHA-256 over the bundle's bytes plus parsing its JSON lines). Both run on a
copy of the store, timed inside a worker once their modules are imported.
"""

from __future__ import annotations

import importlib.util
import shutil
from typing import Any

from bench.figures import Context, Figure, at_least_ratio, median, unavailable
from bench.proc import worker

WARM = ["export", "scaletrack.audit.export", "scaletrack.audit.verify",
        "scaletrack.audit.chain"]


def available() -> bool:
    return importlib.util.find_spec("scaletrack.cli.audit") is not None


def raw_hash(folder: str, runs: int) -> dict[str, Any]:
    from bench.baselines import sha256_and_parse

    return {"seconds": [sha256_and_parse(folder)["seconds"] for _ in range(runs)]}


def measure(ctx: Context) -> list[Figure]:
    if not available():
        return [unavailable("5. audit export (events/s)", ctx.size,
                            "scaletrack export has not landed"),
                unavailable("5. audit verify (events/s)", ctx.size,
                            "scaletrack verify has not landed")]
    bundle = ctx.work / f"bundle-{ctx.size}"
    exported: list[float] = []
    verified: list[float] = []
    rss: dict[str, list[float]] = {"export": [], "verify": []}
    with ctx.stores.copy_of(ctx.url) as url:
        for _ in range(ctx.heavy_runs):
            shutil.rmtree(bundle, ignore_errors=True)
            done = worker("bench.inprocess:run_cli",
                          argv=["--db", url, "export", "-o", str(bundle)], warm=WARM)
            exported.append(ctx.shape.events / done["seconds"])
            rss["export"].append(done["rss_mb"])
        for _ in range(ctx.heavy_runs):
            done = worker("bench.inprocess:run_cli", argv=["verify", str(bundle)], warm=WARM)
            verified.append(ctx.shape.events / done["seconds"])
            rss["verify"].append(done["rss_mb"])
        raw_read = worker("bench.measures.rebuild:raw_read", url=url, runs=ctx.heavy_runs)
    hashed = worker("bench.measures.audit:raw_hash", folder=str(bundle), runs=ctx.heavy_runs)
    shutil.rmtree(bundle, ignore_errors=True)
    for name, values in rss.items():
        ctx.memo.setdefault("rss", {}).setdefault(name, {})[ctx.size] = max(values)
    return [
        at_least_ratio(Figure("5. audit export, whole log", ctx.size, median(exported),
                              "events/s", median(raw_read["rates"]),
                              "raw paged SELECT + json.loads"), 0.5),
        at_least_ratio(Figure("5. audit verify, whole bundle", ctx.size, median(verified),
                              "events/s", ctx.shape.events / median(hashed["seconds"]),
                              "SHA-256 of the bundle's bytes + JSON parse"), 0.7),
    ]
