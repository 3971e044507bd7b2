"""Charts as inline SVG text: one indicator of one pilot over its periods.

The lines are the impact view's own figures per period: the baseline, the
target to date and the achieved to date, so accumulation (incremental,
cumulative, snapshot) is already applied; the caption names the direction.
The same SVG goes into the HTML page and the PDF.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

WIDTH, HEIGHT = 520, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 96, 12, 28
LINES = (("baseline", "#888888", "4 3"), ("target_to_date", "#1f6fb2", "6 3"),
         ("achieved", "#d9541e", ""))
LABELS = {"baseline": "baseline", "target_to_date": "target", "achieved": "achieved"}


def indicator_chart(rows: list[dict[str, Any]]) -> str:
    periods = [r["period"] for r in rows]
    values = [Decimal(str(r[key])) for r in rows for key, _, _ in LINES if r[key] is not None]
    low, high = min([Decimal(0), *values]), max([Decimal(1), *values])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + (plot_w * index / (len(periods) - 1) if len(periods) > 1 else plot_w / 2)

    def y(value: Any) -> float:
        return TOP + plot_h * float((high - Decimal(str(value))) / (high - low))

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="9">',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="none" '
             'stroke="#cccccc"/>']
    for value in (low, high):
        parts.append(f'<text x="{LEFT - 4}" y="{y(value) + 3:.1f}" text-anchor="end">'
                     f'{_number(value)}</text>')
    step = max(1, len(periods) // 8)
    for index, period in enumerate(periods):
        if index % step == 0 or index == len(periods) - 1:
            parts.append(f'<text x="{x(index):.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
                         f'{escape(period)}</text>')
    for number, (key, colour, dash) in enumerate(LINES):
        points = [(x(i), y(r[key])) for i, r in enumerate(rows) if r[key] is not None]
        if not points:
            continue
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                     f'stroke-width="1.6"{dashes}/>')
        parts += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="2" fill="{colour}"/>'
                  for px, py in points if key == "achieved"]
        legend_y = TOP + 12 + 14 * number
        parts.append(f'<line x1="{WIDTH - RIGHT + 8}" y1="{legend_y - 3}" '
                     f'x2="{WIDTH - RIGHT + 26}" y2="{legend_y - 3}" stroke="{colour}" '
                     f'stroke-width="1.6"{dashes}/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 30}" y="{legend_y}">{LABELS[key]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _number(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else f"{value:.1f}"
