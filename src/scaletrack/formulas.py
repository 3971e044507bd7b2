"""Texts a spreadsheet would run as formulas, and how to write them as text in CSV.

Excel and LibreOffice run a CSV cell, or a typed-in XLSX cell, that starts
with ``=``, ``+``, ``-`` or ``@`` as a formula (tab and carriage return too,
after the spreadsheet strips them), so a stored reason reading
``=HYPERLINK(...)`` would become a live link in a lead's spreadsheet. A text
that starts so, and is not simply a number (``-3`` or ``+1.5`` are numbers a
spreadsheet reads as numbers), is written with a leading apostrophe in CSV,
the spreadsheets' own mark for "this is text". Texts that already start with
apostrophes before such a character get one more, so reading a file back
(``from_csv_text``) drops exactly one and gives every text back as it was.

Standard library only, and nothing of scaletrack: the views' files
(:mod:`scaletrack.application.files`) and the audit bundle's CSV
(:mod:`scaletrack.audit.bundle`) both write their cells with it.
"""

from __future__ import annotations

import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet takes as the start of a formula."""

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet would evaluate this text typed into a cell."""
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def csv_text(text: str) -> str:
    """The text as a CSV cell that a spreadsheet shows as text (see the module docstring)."""
    if runs_as_formula(text.lstrip("'")):
        return "'" + text
    return text


def from_csv_text(text: str) -> str:
    """A CSV cell's text as it was before ``csv_text``."""
    if text.startswith("'") and runs_as_formula(text.lstrip("'")):
        return text[1:]
    return text


def csv_row(cells: Any) -> list[Any]:
    """A row for ``csv.writer`` with every text made safe."""
    return [csv_text(c) if isinstance(c, str) else c for c in cells]
