"""Spreadsheet cells read as the field they fill, and written so they read back the same."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scaletrack.application.importing.cells import (
    CellError,
    Reading,
    Shape,
    as_cell,
    as_text,
    parse,
)

PLAIN = Reading()
DAYFIRST = Reading(dayfirst=True)
COMMA = Reading(decimal_comma=True)


@pytest.mark.parametrize(("raw", "reading", "expected"), [
    ("2022-03-31", PLAIN, date(2022, 3, 31)),
    ("2022-03-31", DAYFIRST, date(2022, 3, 31)),
    ("31/03/2022", DAYFIRST, date(2022, 3, 31)),
    ("1.4.2022", DAYFIRST, date(2022, 4, 1)),
    (datetime(2022, 3, 31, 0, 0), PLAIN, date(2022, 3, 31)),
    (44651, PLAIN, date(2022, 3, 31)),
    (44651.5, PLAIN, date(2022, 3, 31)),
])
def test_dates_are_read_in_the_forms_spreadsheets_write(raw: Any, reading: Reading,
                                                        expected: date) -> None:
    assert parse(Shape.DATE, raw, reading) == expected


@pytest.mark.parametrize(("raw", "reading", "hint"), [
    ("31/03/2022", PLAIN, "--dayfirst"),
    ("31/02/2022", DAYFIRST, "calendar"),
    ("2022-02-30", PLAIN, "calendar"),
    ("March 2022", PLAIN, "YYYY-MM-DD"),
    (0, PLAIN, "Excel"),
])
def test_a_date_that_cannot_be_read_says_what_is_expected(raw: Any, reading: Reading,
                                                          hint: str) -> None:
    with pytest.raises(CellError, match=hint):
        parse(Shape.DATE, raw, reading)


@pytest.mark.parametrize(("raw", "reading", "expected"), [
    ("1234.5", PLAIN, Decimal("1234.5")),
    ("1 234.5", PLAIN, Decimal("1234.5")),
    ("1234,5", COMMA, Decimal("1234.5")),
    ("1.234,5", COMMA, Decimal("1234.5")),
    ("1.234.567", COMMA, Decimal("1234567")),
    (1234, PLAIN, Decimal("1234")),
    (0.1 + 0.2, PLAIN, Decimal("0.3")),
])
def test_numbers_are_read_with_the_user_s_decimal_mark(raw: Any, reading: Reading,
                                                      expected: Decimal) -> None:
    assert parse(Shape.DECIMAL, raw, reading) == expected


@pytest.mark.parametrize(("raw", "reading", "hint"), [
    ("1234,5", PLAIN, "--decimal-comma"),
    ("1,234.5", PLAIN, "--decimal-comma"),
    ("12.5", COMMA, "decimal comma"),
    ("twelve", PLAIN, "number"),
    ("NaN", PLAIN, "number"),
])
def test_an_ambiguous_or_bad_number_is_refused(raw: str, reading: Reading, hint: str) -> None:
    with pytest.raises(CellError, match=hint):
        parse(Shape.DECIMAL, raw, reading)


def test_whole_numbers_refuse_fractions() -> None:
    assert parse(Shape.INT, "70", PLAIN) == 70
    with pytest.raises(CellError, match="whole number"):
        parse(Shape.INT, "70.5", PLAIN)


def test_lists_pairs_and_breakdowns_have_a_spreadsheet_form_and_a_json_form() -> None:
    assert parse(Shape.LIST, "IT; GR ;", PLAIN) == ["IT", "GR"]
    assert parse(Shape.LIST, '["a; b", "c"]', PLAIN) == ["a; b", "c"]
    assert parse(Shape.PAIRS, "grants=60; fees=40", PLAIN) == {
        "grants": Decimal(60), "fees": Decimal(40)}
    assert parse(Shape.PAIRS, "grants=60,5; fees=39,5", COMMA) == {
        "grants": Decimal("60.5"), "fees": Decimal("39.5")}
    assert parse(Shape.NESTED, "sex:women=6; sex:men=4; age-band:18-29=10", PLAIN) == {
        "sex": {"women": Decimal(6), "men": Decimal(4)}, "age-band": {"18-29": Decimal(10)}}
    assert parse(Shape.NESTED, {"sex": {"women": 6}}, PLAIN) == {"sex": {"women": Decimal(6)}}
    with pytest.raises(CellError, match="DIMENSION:CATEGORY"):
        parse(Shape.NESTED, "women=6", PLAIN)


_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
               max_size=12).map(str.strip).filter(bool)
"""Cells are read stripped of surrounding spaces, as the domain's text fields are."""
_number = st.decimals(allow_nan=False, allow_infinity=False, places=4,
                      min_value=-10**9, max_value=10**9)
_values = {
    Shape.LIST: st.lists(_text, min_size=1, max_size=4),
    Shape.PAIRS: st.dictionaries(_text, _number, min_size=1, max_size=3),
    Shape.NESTED: st.dictionaries(_text, st.dictionaries(_text, _number, min_size=1,
                                                         max_size=3), min_size=1, max_size=3),
    Shape.DECIMAL: _number,
    Shape.DATE: st.dates(min_value=date(1901, 1, 1)),
}


@given(st.sampled_from(list(_values)).flatmap(lambda s: st.tuples(st.just(s), _values[s])))
def test_a_written_cell_reads_back_as_the_same_value(case: tuple[Shape, Any]) -> None:
    shape, value = case
    text = as_text(shape, value)
    assert repr(parse(shape, text, PLAIN)) == repr(value)
    assert repr(parse(shape, as_cell(shape, value), PLAIN)) == repr(value)
