"""Spreadsheet cells to typed values and back, one field shape at a time.

A cell arrives as text (CSV), as text, number, date or boolean (XLSX), or as
any JSON value (JSON Lines). Each field has a *shape* that says how to read
it; writing a value and reading it back gives the same value, so exported
rows re-import exactly.

Lists are written ``a; b; c``, pairs ``grants=60; fees=40``, breakdowns
``sex:women=6; sex:men=4``; any of them may also be written as JSON, which
the writer falls back to when an item holds a separator.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum, StrEnum
from typing import Any


class Shape(StrEnum):
    TEXT = "text"
    CODE = "code"
    DATE = "date"
    DECIMAL = "decimal"
    INT = "int"
    FLAG = "flag"
    LIST = "list"
    PAIRS = "pairs"
    NESTED = "nested"
    OBJECT = "object"


EXPECTED = {
    Shape.TEXT: "text",
    Shape.CODE: "a code such as SEED-GR-01",
    Shape.DATE: "a date YYYY-MM-DD",
    Shape.DECIMAL: "a number like 1234.5",
    Shape.INT: "a whole number",
    Shape.FLAG: "yes or no",
    Shape.LIST: "items separated by ';' (or a JSON list)",
    Shape.PAIRS: "KEY=NUMBER pairs separated by ';' (or a JSON object)",
    Shape.NESTED: "DIMENSION:CATEGORY=NUMBER parts separated by ';' (or a JSON object)",
    Shape.OBJECT: "a JSON object, e.g. {\"value\": 130}",
}


class CellError(ValueError):
    """A cell that cannot be read as its field's shape; the message says what is expected."""


@dataclass(frozen=True)
class Reading:
    """How to read ambiguous cells: the user's spreadsheet conventions."""

    dayfirst: bool = False
    decimal_comma: bool = False


_EXCEL_EPOCH = date(1899, 12, 30)
"""Day 0 of Excel's serial dates (1900 system, after its 1900 leap-year bug)."""

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$")
"""One comma or point followed by exactly three digits (1,250 or 1.250): a decimal mark
or a thousands separator, and nothing in the cell says which."""
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse(shape: Shape, raw: Any, reading: Reading) -> Any:
    """The typed value of a non-blank cell, or CellError."""
    return _PARSERS[shape](raw, reading)


def _text(raw: Any, reading: Reading) -> str:
    if isinstance(raw, (bool, list, dict)):
        raise CellError(EXPECTED[Shape.TEXT])
    if isinstance(raw, float):
        return str(_decimal_of_float(raw))
    if isinstance(raw, datetime):
        return raw.date().isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def _code(raw: Any, reading: Reading) -> str:
    """Codes are case-insensitive (seed-gr-01 is SEED-GR-01)."""
    return _text(raw, reading).upper()


def _date(raw: Any, reading: Reading) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if not 1 <= raw < 2958466:
            raise CellError("a date (this number is no Excel date)")
        return _EXCEL_EPOCH + timedelta(days=int(raw))
    text = str(raw).strip()
    iso = _ISO_DATE.match(text)
    day_first = _DAY_FIRST.match(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if day_first and reading.dayfirst:
            return date(int(day_first[3]), int(day_first[2]), int(day_first[1]))
    except ValueError:
        raise CellError(f"{EXPECTED[Shape.DATE]} that exists in the calendar") from None
    if day_first:
        raise CellError(f"{EXPECTED[Shape.DATE]}, or give --dayfirst for DD/MM/YYYY")
    raise CellError(EXPECTED[Shape.DATE] + (" or DD/MM/YYYY" if reading.dayfirst else ""))


def _decimal_of_float(value: float) -> Decimal:
    """A float cell as the decimal a spreadsheet shows (15 significant digits)."""
    return Decimal(f"{value:.15g}")


def _decimal(raw: Any, reading: Reading) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (int, float, Decimal, str)):
        raise CellError(EXPECTED[Shape.DECIMAL])
    if isinstance(raw, Decimal):
        return _bounded(raw) if raw.is_finite() else _decimal(str(raw), reading)
    if isinstance(raw, int):
        return _bounded(Decimal(raw))
    if isinstance(raw, float):
        number = _decimal_of_float(raw)
        if not number.is_finite():
            raise CellError(EXPECTED[Shape.DECIMAL])
        return _bounded(number)
    text = _SPACES.sub("", raw)
    if _AMBIGUOUS.match(text) and (reading.decimal_comma or "," in text):
        raise CellError(_ambiguous(text, reading))
    if reading.decimal_comma:
        if _GROUPED_COMMA.match(text):
            text = text.replace(".", "")
        elif "." in text:
            raise CellError("a number with a decimal comma, e.g. 1234,5 (--decimal-comma)")
        text = text.replace(",", ".")
    elif "," in text:
        raise CellError(f"{EXPECTED[Shape.DECIMAL]} (no thousands separators); "
                        "give --decimal-comma for 1234,5")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CellError(EXPECTED[Shape.DECIMAL]) from None
    if not value.is_finite():
        raise CellError(EXPECTED[Shape.DECIMAL])
    return _bounded(value)


MAX_DIGITS = 30
"""The most digits a number may have before or after its decimal mark."""


def _bounded(value: Decimal) -> Decimal:
    """A number no figure of the domain comes near in size or precision is a mistake."""
    exponent = value.as_tuple().exponent
    if abs(value.adjusted()) >= MAX_DIGITS or (isinstance(exponent, int)
                                               and -exponent > MAX_DIGITS):
        raise CellError(f"{EXPECTED[Shape.DECIMAL]} of at most {MAX_DIGITS} digits before "
                        "and after the decimal mark")
    return value


def _ambiguous(text: str, reading: Reading) -> str:
    """Why 1,250 is refused, and the two ways to write what was meant."""
    sign = text[0] if text[0] in "+-" else ""
    whole, part = text.lstrip("+-")[:-4], text[-3:]
    mark = "," if reading.decimal_comma else "."
    digits = part.rstrip("0") or "0"
    return (f"an unambiguous number: {text} may mean {sign}{whole}{part} (a thousands "
            f"separator) or {sign}{whole}.{digits} (a decimal mark); write {sign}{whole}{part} "
            f"or {sign}{whole}{mark}{digits}")


def _int(raw: Any, reading: Reading) -> int:
    try:
        value = _decimal(raw, reading)
    except CellError:
        raise CellError(EXPECTED[Shape.INT]) from None
    if value != value.to_integral_value():
        raise CellError(EXPECTED[Shape.INT])
    return int(value)


_FLAGS = {"yes": True, "y": True, "true": True, "1": True,
          "no": False, "n": False, "false": False, "0": False}


def _flag(raw: Any, reading: Reading) -> bool:
    """yes or no, as people and spreadsheets write it (an XLSX or JSON boolean too)."""
    if isinstance(raw, bool):
        return raw
    flag = _FLAGS.get(str(raw).strip().lower()) if isinstance(raw, (str, int)) else None
    if flag is None:
        raise CellError(EXPECTED[Shape.FLAG])
    return flag


def _json(text: str, kind: type, shape: Shape) -> Any:
    try:
        value = json.loads(text, parse_float=Decimal)
    except (json.JSONDecodeError, RecursionError):
        raise CellError(f"{EXPECTED[shape]}: this JSON does not parse") from None
    except ValueError as error:  # an integer of more digits than Python reads
        raise CellError(f"{EXPECTED[shape]}: {error}") from None
    if not isinstance(value, kind):
        raise CellError(EXPECTED[shape])
    return value


def _items(raw: Any, shape: Shape, opener: str, kind: type) -> Any:
    """Raw JSON structures as they are, text in JSON as parsed, else ';'-separated parts."""
    if isinstance(raw, kind):
        return raw
    if not isinstance(raw, str):
        raise CellError(EXPECTED[shape])
    text = raw.strip()
    if text.startswith(opener):
        return _json(text, kind, shape)
    return [part.strip() for part in text.split(";") if part.strip()]


def _list(raw: Any, reading: Reading) -> list[str]:
    items = _items(raw, Shape.LIST, "[", list)
    return [_text(item, reading) for item in items]


def _pairs(raw: Any, reading: Reading) -> dict[str, Decimal]:
    items = _items(raw, Shape.PAIRS, "{", dict)
    if isinstance(items, dict):
        return {_text(k, reading): _decimal(v, reading) for k, v in items.items()}
    pairs: dict[str, Decimal] = {}
    for item in items:
        key, sep, amount = item.rpartition("=")
        if not sep or not key.strip():
            raise CellError(f"{EXPECTED[Shape.PAIRS]}; {item!r} has no KEY=")
        pairs[key.strip()] = _decimal(amount, reading)
    return pairs


def _nested(raw: Any, reading: Reading) -> dict[str, dict[str, Decimal]]:
    items = _items(raw, Shape.NESTED, "{", dict)
    if isinstance(items, dict):
        if not all(isinstance(v, dict) for v in items.values()):
            raise CellError(EXPECTED[Shape.NESTED])
        return {_text(k, reading): {_text(c, reading): _decimal(n, reading)
                                    for c, n in v.items()} for k, v in items.items()}
    nested: dict[str, dict[str, Decimal]] = {}
    for item in items:
        key, sep, amount = item.rpartition("=")
        outer, colon, inner = key.partition(":")
        if not (sep and colon and outer.strip() and inner.strip()):
            raise CellError(f"{EXPECTED[Shape.NESTED]}; {item!r} is not DIMENSION:CATEGORY=N")
        nested.setdefault(outer.strip(), {})[inner.strip()] = _decimal(amount, reading)
    return nested


def _object(raw: Any, reading: Reading) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str):
        raise CellError(EXPECTED[Shape.OBJECT])
    value: dict[str, Any] = _json(raw.strip(), dict, Shape.OBJECT)
    return value


_PARSERS = {
    Shape.TEXT: _text, Shape.CODE: _code, Shape.DATE: _date, Shape.DECIMAL: _decimal,
    Shape.INT: _int, Shape.FLAG: _flag, Shape.LIST: _list, Shape.PAIRS: _pairs,
    Shape.NESTED: _nested, Shape.OBJECT: _object,
}


# -- writing ------------------------------------------------------------------------


def as_text(shape: Shape, value: Any) -> str:
    """A value as one CSV cell that :func:`parse` reads back to the same value."""
    if value is None or (shape in _CONTAINERS and not value):
        return ""
    if shape is Shape.LIST:
        items = [_scalar(v) for v in value]
        return "; ".join(items) if _separable(items, "[") else _dumps(items)
    if shape is Shape.PAIRS:
        keys = list(value)
        return "; ".join(f"{k}={_scalar(v)}" for k, v in value.items()) if _separable(
            keys, "{", "=") else _dumps(value)
    if shape is Shape.NESTED:
        flat = {f"{d}:{c}": n for d, parts in value.items() for c, n in parts.items()}
        simple = all(parts and ":" not in d for d, parts in value.items())
        return "; ".join(f"{k}={_scalar(v)}" for k, v in flat.items()) if simple and _separable(
            list(flat), "{", "=") else _dumps(value)
    if shape is Shape.OBJECT:
        return _dumps(value)
    if shape is Shape.FLAG:
        return "yes" if value else "no"
    return _scalar(value)


_CONTAINERS = frozenset({Shape.LIST, Shape.PAIRS, Shape.NESTED, Shape.OBJECT})


def _separable(items: list[str], opener: str, *reserved: str) -> bool:
    """Whether items can be joined with ';' and split back unchanged."""
    return not items[0].startswith(opener) and all(
        item and item == item.strip() and ";" not in item
        and not any(r in item for r in reserved) for item in items)


def _scalar(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(plain_json(value), ensure_ascii=False, separators=(", ", ": "))


def plain_json(value: Any) -> Any:
    """Dates, decimals and enums as strings, inside lists and dicts too."""
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(v) for v in value]
    if isinstance(value, (Decimal, date, Enum)):
        return _scalar(value)
    return value


def as_cell(shape: Shape, value: Any) -> Any:
    """A value as an XLSX cell: real dates and numbers where they read back exactly."""
    if value is None:
        return None
    if shape is Shape.DATE:
        return value
    if shape is Shape.INT:
        return int(value)
    if shape is Shape.FLAG:
        return bool(value)
    if shape is Shape.DECIMAL:
        number = float(value)
        if str(_decimal_of_float(number)) == str(value):
            return int(value) if value == value.to_integral_value() and "." not in str(
                value) else number
    return as_text(shape, value)
