"""What a measure reports: a figure beside its baseline, and whether it meets its target."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.generate import StoreShape
from bench.stores import Backend, Stores


@dataclass
class Figure:
    """One row of the table."""

    figure: str
    size: int | None
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": self.ratio}


def unavailable(figure: str, size: int | None, why: str) -> Figure:
    """A figure whose part of scaletrack has not landed yet."""
    return Figure(figure, size, None, "", note=f"not available yet: {why}")


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def at_least_ratio(row: Figure, minimum: float) -> Figure:
    row.target = f"ratio >= {minimum:g}"
    row.met = None if row.ratio is None else row.ratio >= minimum
    return row


def at_most(row: Figure, maximum: float, unit: str) -> Figure:
    row.target = f"<= {maximum:g} {unit}"
    row.met = None if row.value is None else row.value <= maximum
    return row


@dataclass
class Context:
    """What a measure needs for one store size."""

    backend: Backend
    stores: Stores
    size: int
    url: str
    shape: StoreShape
    runs: int
    sizes: list[int]
    work: Path
    memo: dict[str, Any]
    """What a measure keeps across sizes (to report growth at the end)."""

    @property
    def heavy_runs(self) -> int:
        """Runs of an operation over the whole store: fewer on the largest stores."""
        return self.runs if self.size < 500_000 else min(self.runs, 3)

    @property
    def largest(self) -> bool:
        return self.size == max(self.sizes)

    @property
    def smallest(self) -> bool:
        return self.size == min(self.sizes)

