"""Tables narrowed to the terminal: the room comes from every column that has some to
spare, so a text's words stay whole while number columns' headings can still wrap, the
table fits whenever its codes leave room, and no word shorter than its column is split."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scaletrack.cli.render import FRAME, NARROWEST, emit_table, fit

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=24)
NUMBER = st.integers(min_value=0, max_value=10**9).map(str)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[dict[str, str]], int]:
    """Columns (named by a few words each), rows of numbers or texts of words, a width."""
    count = draw(st.integers(min_value=1, max_value=6))
    columns = ["_".join([f"c{n}", *draw(st.lists(WORD, min_size=0, max_size=3))])
               for n in range(count)]
    numeric = {c: draw(st.booleans()) for c in columns}
    rows = draw(st.lists(st.fixed_dictionaries({
        c: NUMBER if numeric[c] else st.lists(WORD, min_size=2, max_size=8).map(" ".join)
        for c in columns}), min_size=1, max_size=4))
    return columns, rows, draw(st.integers(min_value=10, max_value=160))


def _words(texts: list[str]) -> int:
    return max(len(word) for text in texts for word in text.split())


def _floors(columns: list[str], rows: list[dict[str, str]]
            ) -> tuple[dict[str, int], dict[str, int]]:
    """Per column: the width that keeps every word whole, and the least it can take
    (a number whole, a text folded to NARROWEST)."""
    whole, least = {}, {}
    for c in columns:
        heading, texts = c.replace("_", " "), [row[c] for row in rows]
        natural = max(len(t) for t in [heading, *texts])
        whole[c] = min(natural, max(_words([heading]), _words(texts)))
        numbers = all(" " not in t for t in texts)
        least[c] = whole[c] if numbers else min(whole[c], NARROWEST)
    return whole, least


def _frame(columns: list[str] | dict[str, int]) -> int:
    return FRAME * len(columns) + 1


def _rendered(columns: list[str], rows: list[dict[str, str]], room: int,
              monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("COLUMNS", str(room))
    shown, told = io.StringIO(), io.StringIO()
    with redirect_stdout(shown), redirect_stderr(told):
        emit_table(rows, columns)
    return shown.getvalue().splitlines()


@settings(max_examples=300, deadline=None)
@given(tables())
def test_a_table_fits_whenever_its_numbers_leave_room(table: tuple[list[str], list[dict[
        str, str]], int]) -> None:
    columns, rows, room = table
    header = {c: c.replace("_", " ") for c in columns}
    cells = {c: [row[c] for row in rows] for c in columns}
    widths = fit(header, cells, (), room)
    whole, least = _floors(columns, rows)
    sized = {c: w or 0 for c, w in widths.items()}
    if sum(least.values()) + _frame(columns) <= room:
        assert sum(sized.values()) + _frame(sized) <= room
    if sum(whole.values()) + _frame(columns) <= room:
        assert all(sized[c] >= whole[c] for c in columns), (sized, whole)
    for c in columns:
        assert sized[c] >= least[c]


@settings(max_examples=100, deadline=None)
@given(tables())
def test_no_word_shorter_than_its_column_is_split(table: tuple[list[str], list[dict[
        str, str]], int]) -> None:
    columns, rows, room = table
    header = {c: c.replace("_", " ") for c in columns}
    widths = fit(header, {c: [row[c] for row in rows] for c in columns}, (), room)
    with pytest.MonkeyPatch.context() as monkeypatch:
        lines = _rendered(columns, rows, room, monkeypatch)
    body = [line.split("│")[1:-1] for line in lines if line.startswith("│")]
    shown = {c: {word for line in body for word in line[n].split()}
             for n, c in enumerate(columns)}
    for c in columns:
        for word in {w for row in rows for w in row[c].split()}:
            if len(word) <= (widths[c] or 0):
                assert word in shown[c], (c, word, widths[c])


def test_text_keeps_its_words_whole_while_a_heading_beside_it_can_wrap() -> None:
    """Narrowing the widest column first folded the details' 25-character word while the
    figure's four-word heading kept its whole line: now both give room by their slack."""
    header = {"details": "details", "cost": "stated cost per beneficiary"}
    cells = {"details": ["approved_by=someone; component=workshop-format"], "cost": ["1673"]}
    widths = fit(header, cells, (), 48)
    assert widths == {"details": 28, "cost": 13}
    assert 28 + 13 + FRAME * 2 + 1 == 48
