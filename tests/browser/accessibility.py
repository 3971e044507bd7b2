"""Our own accessibility checks, run in the page: labels, headings, alternative texts, names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHECKS = (Path(__file__).parent / "accessibility.js").read_text()


def problems(page: Any) -> list[str]:
    """What our checks find wrong on the page now shown (empty when none)."""
    found: list[str] = page.evaluate(CHECKS)
    return found
