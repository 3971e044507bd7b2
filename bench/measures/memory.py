"""Figure 8: peak memory (RSS) of rebuild, export, verify and import at each store size.

Each operation ran in a process of its own (figures 3 to 5); this reports the
largest peak of its runs. Target: under 250 MB at every size, and flat: the
largest store's peak at most 1.5 times the smallest's.
"""

from __future__ import annotations

from bench.figures import Context, Figure, at_most

LIMIT_MB = 250
FLAT = 1.5


def measure(ctx: Context) -> list[Figure]:
    peaks: dict[str, dict[int, float]] = ctx.memo.get("rss", {})
    rows = []
    for operation, by_size in sorted(peaks.items()):
        if ctx.size not in by_size:
            continue
        rows.append(at_most(Figure(f"8. peak RSS, {operation}", ctx.size, by_size[ctx.size],
                                   "MB"), LIMIT_MB, "MB"))
        if ctx.largest and len(by_size) > 1:
            smallest = min(by_size)
            growth = by_size[ctx.size] / by_size[smallest]
            row = Figure(f"8. peak RSS growth, {operation}, {smallest:,} -> {ctx.size:,}",
                         ctx.size, growth, "x", target=f"<= {FLAT:g}x (flat)")
            row.met = growth <= FLAT
            rows.append(row)
    return rows
