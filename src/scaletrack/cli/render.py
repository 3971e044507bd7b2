"""Output: JSON documents and JSON Lines on stdout, readable tables, messages on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import click


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "as_dict"):
        return value.as_dict()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=2)


def emit_json(data: Any) -> None:
    click.echo(to_json(data))


def emit_jsonl(rows: Iterable[Any]) -> None:
    for row in rows:
        click.echo(json.dumps(row, default=_default, ensure_ascii=False))


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={cell(v)}" for k, v in value.items())
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def emit_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str = "") -> None:
    """A readable table on stdout (rich, imported only when a table is printed)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title or None, show_lines=False, header_style="bold")
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*(cell(row.get(c)) for c in columns))
    # Piped into a file or grep, a table keeps whole cells instead of fitting 80 columns.
    width = None if sys.stdout.isatty() else 10_000
    Console(soft_wrap=False, width=width).print(table)
    if not rows:
        say("(no rows)")


def emit_fields(record: dict[str, Any]) -> None:
    """One record as aligned 'field  value' lines."""
    width = max((len(k) for k in record), default=0)
    for key, value in record.items():
        click.echo(f"{key.replace('_', ' '):<{width}}  {cell(value)}")


def say(message: str) -> None:
    """A message for the person, on stderr (stdout carries data only)."""
    click.echo(message, err=True)
