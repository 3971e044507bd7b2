"""A table printed without rich's layout (a list of thousands of pilots) is byte for byte
the table rich prints: piped, in a terminal of any width, with or without a title."""

from __future__ import annotations

import io
import string
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from scaletrack.cli import render

WORDS = st.one_of(
    st.text(string.ascii_letters + string.digits + "-@.,= ", max_size=30),
    st.text(string.ascii_letters + string.digits + "-@.,;=()/ :[]_\u00e9\u0394\t\n",
            max_size=30))
"""Cells the plain path prints, and cells rich must print (markup, wide or control
characters, spaces at the ends)."""
COLUMNS = ["code", "consortium", "title", "stage", "origin_of"]


def _printed(monkeypatch: pytest.MonkeyPatch, rows: list[dict[str, Any]], title: str,
             columns: int | None, plain: bool) -> str:
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", str(columns))
    if not plain:
        monkeypatch.setattr(render, "_plain_table", lambda *_: None)
    render.emit_table(rows, COLUMNS, title=title, optional=["origin_of", "stage"])
    monkeypatch.undo()
    return out.getvalue()


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.lists(WORDS, min_size=len(COLUMNS), max_size=len(COLUMNS)),
                      max_size=6),
       title=WORDS, columns=st.one_of(st.none(), st.integers(20, 140)))
def test_a_table_reads_as_rich_prints_it(cells: list[list[str]], title: str,
                                         columns: int | None) -> None:
    rows = [dict(zip(COLUMNS, row, strict=True)) for row in cells]
    with pytest.MonkeyPatch.context() as patch:
        expected = _printed(patch, rows, title, columns, plain=False)
    with pytest.MonkeyPatch.context() as patch:
        assert _printed(patch, rows, title, columns, plain=True) == expected


def test_a_plain_table_is_what_is_printed_when_cells_fit(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    """The check above would pass if rich printed every table: a list of codes and plain
    words takes the plain path."""
    rows = [{"code": f"SEED-{n:05}", "consortium": "SEED", "title": f"Pilot {n} (synthetic)",
             "stage": "piloting", "origin_of": str(n)} for n in range(3)]
    console = Console(file=io.StringIO(), soft_wrap=False, width=10_000)
    table = render._plain_table(console, "Pilots", ["code", "consortium", "title", "stage",
                                                    "origin of"],
                                [[row[c] for row in rows] for c in COLUMNS], [None] * 5)
    assert table is not None
    assert table.splitlines()[4] == "│ SEED-00000 │ SEED       │ Pilot 0 (synthetic) │ piloting " \
                                    "│ 0         │"
