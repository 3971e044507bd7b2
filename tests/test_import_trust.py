"""Imports whose figures leads can trust: a file never records a number other than the
one it shows, and never loses or doubles one without saying so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scaletrack.application.importing.cells import CellError, Reading, Shape, parse
from scaletrack.application.ledger import Ledger
from test_import_files import CODE, events, seeded, write_csv

__all__ = ["seeded"]

FUNDING_HEADER = ["kind", "pilot", "occurred_on", "funder", "amount_eur"]


# -- 2. an amount written 1,250 ---------------------------------------------------------


def test_an_amount_of_1_250_with_decimal_comma_is_refused_as_ambiguous(
        seeded: Ledger, run: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "funding.csv", FUNDING_HEADER,
                     [["funding", CODE, "2022-03-01", "ESF+ OP", "1,250"]])

    plain = run("import", str(path))
    comma = run("import", str(path), "--decimal-comma")

    assert (plain.exit_code, comma.exit_code) == (2, 2)
    assert "1,250 may mean 1250 (a thousands separator) or 1.25" in comma.stderr
    assert "write 1250 or 1,25" in comma.stderr
    assert "give --decimal-comma" not in plain.stderr
    assert len(events(run)) == 1


def test_numbers_with_three_digits_after_one_mark_are_read_only_when_unambiguous() -> None:
    comma = Reading(decimal_comma=True)
    for text in ("1,250", "1.250", "-12,500"):
        with pytest.raises(CellError, match="unambiguous"):
            parse(Shape.DECIMAL, text, comma)
    assert [parse(Shape.DECIMAL, t, comma) for t in ("0,125", "1.234.567", "1.250,5")] == [
        parse(Shape.DECIMAL, t, Reading()) for t in ("0.125", "1234567", "1250.5")]
    assert str(parse(Shape.DECIMAL, "1.250", Reading())) == "1.250"
