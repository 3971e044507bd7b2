"""Output: JSON documents and JSON Lines on stdout, readable tables, messages on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

import click

from scaletrack.application.documents import to_json

__all__ = ["cell", "emit_fields", "emit_json", "emit_jsonl", "emit_table", "say", "to_json"]


def emit_json(data: Any) -> None:
    click.echo(to_json(data))


def emit_jsonl(rows: Iterable[Any]) -> None:
    for row in rows:
        click.echo(to_json(row, indent=None))


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
    console = Console(soft_wrap=False, width=width)
    console.on_broken_pipe = _reader_gone  # type: ignore[method-assign]
    console.print(table)
    if not rows:
        say("(no rows)")


def _reader_gone() -> None:
    """rich would exit 1 when the reader of a table goes away; the CLI says 0 (main)."""
    raise BrokenPipeError


def emit_fields(record: dict[str, Any]) -> None:
    """One record as aligned 'field  value' lines."""
    width = max((len(k) for k in record), default=0)
    for key, value in record.items():
        click.echo(f"{key.replace('_', ' '):<{width}}  {cell(value)}")


def say(message: str) -> None:
    """A message for the person, on stderr (stdout carries data only)."""
    click.echo(message, err=True)
