"""Charts drawn on the server as SVG: pure functions from a series to an SVG string.

Two shapes cover the pages: an indicator's actual against its target and
baseline over reporting periods, and a set of categories as horizontal bars
(pilots by type, participants by sex). Each chart is an accessible image:
``role="img"`` with a title and a description that says in words what the
bars say, so a screen reader (or a failed stylesheet) loses nothing.
Colours come from CSS classes, so the page's style sheet decides them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from scaletrack.web.i18n import Language

Number = Decimal | float | int

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 40, 44


@dataclass(frozen=True)
class PeriodPoint:
    """One reporting period of an indicator: what was reported, aimed at and started from.

    ``href`` (optional) is where the actual's bar links: the events behind it.
    """

    period: str
    actual: Number | None = None
    target: Number | None = None
    baseline: Number | None = None
    href: str | None = None


@dataclass(frozen=True)
class Category:
    label: str
    value: Number
    href: str | None = None


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value * (1 - 1e-12):
            return step * power
    return 10 * power  # pragma: no cover - the loop always returns


def ticks(top: float, count: int = 4) -> list[float]:
    """Evenly spaced axis values from 0 to ``top`` (a nice number) inclusive."""
    return [top * i / count for i in range(count + 1)]


def impact_chart(title: str, unit: str | None, points: Sequence[PeriodPoint],
                 language: Language) -> str:
    """Actual (bars) against target (marks) and baseline (dashed line) per period."""
    _ = language.gettext
    values = [float(v) for p in points for v in (p.actual, p.target, p.baseline)
              if v is not None]
    low = min([0.0, *values])
    top = nice_ceiling(max([0.0, *values]) - low) + low if values else 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def y(value: Number) -> float:
        return TOP + plot_h * (1 - (float(value) - low) / ((top - low) or 1.0))

    slot = plot_w / max(len(points), 1)
    parts = [_axis(language, [low + t for t in ticks(top - low)], y, unit)]
    baseline_path: list[str] = []
    for index, point in enumerate(points):
        x = LEFT + slot * index
        centre = x + slot / 2
        bar_w = min(slot * 0.5, 48.0)
        if point.actual is not None:
            top_y, zero_y = sorted((y(point.actual), y(0)))
            bar = (f'<rect class="actual" x="{centre - bar_w / 2:.1f}" y="{top_y:.1f}" '
                   f'width="{bar_w:.1f}" height="{max(zero_y - top_y, 0.5):.1f}">'
                   f'<title>{escape(point.period)}: {_("actual")} '
                   f'{escape(language.number(point.actual, unit))}</title></rect>')
            if point.href:
                bar = f'<a href="{escape(point.href)}">{bar}</a>'
            parts.append(bar)
        if point.target is not None:
            ty = y(point.target)
            parts.append(f'<line class="target" x1="{centre - bar_w / 2 - 6:.1f}" y1="{ty:.1f}" '
                         f'x2="{centre + bar_w / 2 + 6:.1f}" y2="{ty:.1f}">'
                         f'<title>{escape(point.period)}: {_("target")} '
                         f'{escape(language.number(point.target, unit))}</title></line>')
        if point.baseline is not None:
            baseline_path.append(f'{"M" if not baseline_path else "L"}{x + 4:.1f},'
                                 f'{y(point.baseline):.1f}H{x + slot - 4:.1f}')
        parts.append(f'<text class="period" x="{centre:.1f}" y="{HEIGHT - BOTTOM + 18}" '
                     f'text-anchor="middle">{escape(point.period)}</text>')
    if baseline_path:
        parts.append(f'<path class="baseline" d="{" ".join(baseline_path)}"/>')
    parts.append(_legend(language))
    description = "; ".join(_describe_point(p, unit, language) for p in points) \
        or _("No figures yet.")
    return _svg(title, description, "".join(parts), HEIGHT)


def category_bars(title: str, unit: str | None, categories: Sequence[Category],
                  language: Language) -> str:
    """One horizontal bar per category, in the order given, its value at the bar's end;
    the title is drawn above the bars (the chart is read on its own in a grid)."""
    width, row, label_w, value_w, head = 400, 26, 120, 96, 30
    height = head + row * max(len(categories), 1) + 6
    top = nice_ceiling(max([0.0, *(float(c.value) for c in categories)]))
    plot_w = width - label_w - value_w
    parts = [f'<text class="heading" x="0" y="18">{escape(_shorten(title, 60))}</text>']
    for index, category in enumerate(categories):
        y = head + row * index
        bar_w = plot_w * max(float(category.value), 0.0) / top
        shown = escape(language.number(category.value, unit))
        bar = (f'<rect class="actual" x="{label_w}" y="{y + 4}" width="{max(bar_w, 0.5):.1f}" '
               f'height="{row - 10}"><title>{escape(category.label)}: {shown}</title></rect>')
        if category.href:
            bar = f'<a href="{escape(category.href)}">{bar}</a>'
        parts.append(f'<text class="label" x="{label_w - 6}" y="{y + row / 2 + 4:.1f}" '
                     f'text-anchor="end">{escape(_shorten(category.label, 18))}</text>{bar}'
                     f'<text class="value" x="{label_w + bar_w + 5:.1f}" '
                     f'y="{y + row / 2 + 4:.1f}">{shown}</text>')
    description = "; ".join(f"{c.label}: {language.number(c.value, unit)}"
                            for c in categories) or language.gettext("No figures yet.")
    return _svg(title, description, "".join(parts), height, width)


def _axis(language: Language, values: list[float], y: object, unit: str | None) -> str:
    assert callable(y)
    lines = []
    for value in values:
        at = y(value)
        lines.append(f'<line class="grid" x1="{LEFT}" y1="{at:.1f}" x2="{WIDTH - RIGHT}" '
                     f'y2="{at:.1f}"/><text class="tick" x="{LEFT - 6}" y="{at + 4:.1f}" '
                     f'text-anchor="end">{escape(language.number(_tidy(value)))}</text>')
    if unit:
        lines.append(f'<text class="unit" x="{LEFT - 6}" y="{TOP - 12}" text-anchor="end">'
                     f'{escape(unit)}</text>')
    return "".join(lines)


def _legend(language: Language) -> str:
    _ = language.gettext
    x = LEFT
    return (f'<g class="legend" aria-hidden="true">'
            f'<rect class="actual" x="{x}" y="10" width="14" height="10"/>'
            f'<text x="{x + 20}" y="19">{_("actual")}</text>'
            f'<line class="target" x1="{x + 90}" y1="15" x2="{x + 106}" y2="15"/>'
            f'<text x="{x + 112}" y="19">{_("target")}</text>'
            f'<path class="baseline" d="M{x + 180},15H{x + 196}"/>'
            f'<text x="{x + 202}" y="19">{_("baseline")}</text></g>')


def _describe_point(point: PeriodPoint, unit: str | None, language: Language) -> str:
    _ = language.gettext
    said = [f"{_('actual')} {language.number(point.actual, unit)}"
            if point.actual is not None else _("no actual"),
            *([f"{_('target')} {language.number(point.target, unit)}"]
              if point.target is not None else []),
            *([f"{_('baseline')} {language.number(point.baseline, unit)}"]
              if point.baseline is not None else [])]
    return f"{point.period}: {', '.join(said)}"


def _svg(title: str, description: str, body: str, height: int, width: int = WIDTH) -> str:
    return (f'<svg class="chart" role="img" '
            f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet">'
            f'<title>{escape(title)}</title><desc>{escape(description)}</desc>{body}</svg>')


def _tidy(value: float) -> Number:
    return int(value) if float(value).is_integer() else round(value, 2)


def _shorten(label: str, most: int = 24) -> str:
    return label if len(label) <= most else label[: most - 1] + "\u2026"
