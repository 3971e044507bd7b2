"""Figure 9: the live lists and views a dashboard opens with, each as a whole process.

``scaletrack pilot list``, ``consortium list``, ``indicator list``,
``portfolio`` and ``progress`` (readable tables, piped), on a copy of the store
whose views are built and up to date (what a live store has; built once per
size and kept with the cached stores), each run a new process, alternating
with the baseline: a process that reads every row of the tables the command's
views keep (raw sqlite3 / psycopg, no scaletrack code). Targets: under 1 s and
250 MB at every size.
"""

from __future__ import annotations

import json
import sys

from bench.figures import Context, Figure, at_most, median
from bench.proc import BIN, run

LIMIT_S = 1.0
LIMIT_MB = 250
DIRECTORY = "scaletrack_dir_"
COMMANDS: dict[str, tuple[list[str], list[str]]] = {
    "pilot list": (["pilot", "list"], [f"{DIRECTORY}pilots", f"{DIRECTORY}subjects"]),
    "consortium list": (["consortium", "list"], [f"{DIRECTORY}consortia", f"{DIRECTORY}member",
                                                 f"{DIRECTORY}partners", f"{DIRECTORY}centres",
                                                 f"{DIRECTORY}subjects"]),
    "indicator list": (["indicator", "list"], [f"{DIRECTORY}indicator", f"{DIRECTORY}subjects"]),
    "portfolio": (["portfolio"], [DIRECTORY, "scaletrack_impact_"]),
    "progress": (["progress"], [DIRECTORY, "scaletrack_progress_"]),
}
"""Each command, and the prefixes of the tables its views keep (its baseline reads them)."""


def measure(ctx: Context) -> list[Figure]:
    url = ctx.stores.with_views(ctx.size)
    seconds: dict[str, list[float]] = {}
    raw: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}
    for _ in range(ctx.heavy_runs + 1):
        for name, (words, tables) in COMMANDS.items():
            done = run([str(BIN / "scaletrack"), *words], env={"SCALETRACK_DB": url}).check(
                f"scaletrack {name}")
            seconds.setdefault(name, []).append(done.seconds)
            peaks[name] = max(peaks.get(name, 0.0), done.rss_mb)
            baseline = run([sys.executable, "-m", "bench.worker", "bench.baselines:view_tables",
                            json.dumps({"url": url, "prefixes": tables})]).check(
                f"raw read for {name}")
            raw.setdefault(name, []).append(baseline.seconds)
    rows = []
    for name in COMMANDS:
        # The first run of each warms the file cache, as a user's first look does.
        rows.append(at_most(Figure(f"9. {name}, whole process", ctx.size,
                                   median(seconds[name][1:]), "s", median(raw[name][1:]),
                                   "raw read of its views' tables, whole process"),
                            LIMIT_S, "s"))
        rows.append(at_most(Figure(f"9. peak RSS, {name}", ctx.size, peaks[name], "MB"),
                            LIMIT_MB, "MB"))
    return rows
