"""A query's document as JSON: exactly what ``--json`` prints and the HTTP API answers.

Documents keep exact figures as ``Decimal`` and days as ``date`` (a table
shows them as they are); in JSON a whole decimal is an integer, any other a
number, dates and moments ISO 8601 text, enums their values.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

Document = dict[str, Any]
"""A document: what one query answers."""


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "as_dict"):
        return value.as_dict()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(document: Any, *, indent: int | None = 2) -> str:
    """The document as JSON text (indented as ``--json`` prints it; one line with None)."""
    return json.dumps(document, default=_value, ensure_ascii=False, indent=indent)


def plain(document: Any) -> Any:
    """The document in JSON's own types (dicts, lists, str, int, float, bool, None)."""
    return json.loads(to_json(document, indent=None))
