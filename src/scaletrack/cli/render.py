"""Output: JSON documents and JSON Lines on stdout, readable tables, messages on stderr.

Tables fit the terminal (its width, or ``COLUMNS``; piped output keeps whole
cells): where a table is wider, the columns a command names as optional are
left out, last first, with one line saying so; then the columns with room to spare
(a heading or a text longer than its longest word) give it up in proportion, so text
wraps between words, and folds a word only where nothing else is left. A code
(a cell without spaces, such as SEED-GR-01 or SEED-GR-01@12) is never wrapped
or cut. Every moment is shown one way: ``YYYY-MM-DD HH:MM UTC``.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import click

from scaletrack.application.documents import to_json

__all__ = ["cell", "emit_fields", "emit_json", "emit_jsonl", "emit_note", "emit_table", "moment",
           "say", "to_json"]

MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?")
"""An ISO 8601 date and time, as documents carry recorded-at moments."""
CODE_LENGTH = 24
"""A cell without spaces up to this long is a code, kept whole on one line."""
FRAME = 3
"""What rich adds per column (a space each side and a rule), besides one rule."""
TEXT = 16
"""A text column wraps to no fewer characters than this while columns can be left out."""
NARROWEST = 8
"""A text column's least width when no column can be left out."""


def emit_json(data: Any) -> None:
    click.echo(to_json(data))


def emit_jsonl(rows: Iterable[Any]) -> None:
    for row in rows:
        click.echo(to_json(row, indent=None))


def moment(value: datetime | str) -> str:
    """A recorded moment as people read it: ``2022-07-15 10:00 UTC``."""
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # a person reads yes or no, not Python's True
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={cell(v)}" for k, v in value.items())
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, datetime) or (isinstance(value, str) and MOMENT.fullmatch(value)):
        return moment(value)
    return str(value)


def width() -> int | None:
    """The terminal's width in characters; None where nobody reads a terminal."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


SHOWN_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")


def _longest_line(texts: Sequence[str]) -> int:
    return max(len(line) for text in texts for line in text.split("\n"))


def _is_code(texts: Sequence[str]) -> bool:
    """Codes, dates, moments and figures: cells that must stay whole on one line."""
    return all((" " not in line and len(line) <= CODE_LENGTH) or SHOWN_MOMENT.fullmatch(line)
               for text in texts for line in text.split("\n"))


def _longest_word(texts: Sequence[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=0)


def least(title: str, texts: Sequence[str]) -> int:
    """The fewest characters a column can take: a code's whole width (its heading
    may wrap); a text column's ``TEXT``, or less if all of it is shorter (a longer
    word folds)."""
    whole = _longest_line([title, *texts])
    heading = _longest_word([title])
    if _is_code(texts):
        return max(heading, _longest_line(texts or [""]))
    return min(whole, TEXT)


def _floors(header: Mapping[str, str], cells: Mapping[str, list[str]], shown: Sequence[str],
            widths: Mapping[str, int]) -> list[dict[str, int]]:
    """How far each column may narrow, in the order the floors are tried: first no word
    folds (a code stays whole, a heading and a text wrap between words); then, where
    that is still too wide, a text's words fold down to ``NARROWEST``. A code never
    folds."""
    whole_words = {c: min(widths[c], max(_longest_word([header[c]]),
                                         _longest_line(cells[c] or [""]) if _is_code(cells[c])
                                         else _longest_word(cells[c])))
                   for c in shown}
    folded = {c: whole_words[c] if _is_code(cells[c]) else min(whole_words[c], NARROWEST)
              for c in shown}
    return [whole_words, folded]


def _frame(columns: Sequence[str]) -> int:
    return FRAME * len(columns) + 1


def _share(excess: int, slack: Mapping[str, int]) -> dict[str, int]:
    """``excess`` characters taken from the columns in proportion to their slack (the
    largest remainders, then the leftmost, take the odd characters)."""
    total = sum(slack.values())
    taken = {c: excess * s // total for c, s in slack.items()}
    rest = excess - sum(taken.values())
    by_remainder = sorted(enumerate(slack), key=lambda n_c: (-(excess * slack[n_c[1]] % total),
                                                              n_c[0]))
    for _, column in by_remainder[:rest]:
        taken[column] += 1
    return taken


def fit(header: Mapping[str, str], cells: Mapping[str, list[str]], optional: Sequence[str],
        room: int | None) -> dict[str, int | None]:
    """Each column shown and its width, in ``room`` characters: optional columns left
    out, last first, until the rest fit; then every column with slack gives up room in
    proportion to its slack, none below its longest word while that fits, text below it
    only where the table is still too wide, a code never (see ``_floors``)."""
    shown = list(header)
    if room is None:
        return dict.fromkeys(shown)
    smallest = {column: least(header[column], cells[column]) for column in shown}
    for column in reversed(optional):
        if sum(smallest[c] for c in shown) + _frame(shown) <= room:
            break
        if column in shown:
            shown.remove(column)
    widths = {c: _longest_line([header[c], *cells[c]]) for c in shown}
    excess = sum(widths.values()) + _frame(shown) - room
    for floor in _floors(header, cells, shown, widths):
        if excess <= 0:
            break
        slack = {c: widths[c] - floor[c] for c in shown if widths[c] > floor[c]}
        if not slack:
            continue
        taken = _share(min(excess, sum(slack.values())), slack)
        for column, characters in taken.items():
            widths[column] -= characters
        excess -= sum(taken.values())
    return dict(widths)


def emit_table(rows: Sequence[dict[str, Any]], columns: Sequence[str], title: str = "",
               optional: Sequence[str] = ()) -> None:
    """A readable table on stdout (rich, imported only when a table is printed).

    ``optional`` names the columns of least value, most valuable first: the
    ones left out where the terminal is too narrow for the table.
    """
    from rich.console import Console
    from rich.table import Table

    header = {column: column.replace("_", " ") for column in columns}
    cells = {column: [cell(row.get(column)) for row in rows] for column in columns}
    room = width()
    widths = fit(header, cells, optional, room)
    _tell_left_out([header[c] for c in columns if c not in widths], room)
    # Piped into a file or grep, a table keeps whole cells instead of fitting 80 columns;
    # a terminal too narrow even for the codes gets a wider table, never a cut code.
    used = sum(size or 0 for size in widths.values()) + _frame(list(widths))
    console = Console(soft_wrap=False, width=10_000 if room is None else max(room, used))
    console.on_broken_pipe = _reader_gone  # type: ignore[method-assign]
    plain = _plain_table(console, title, [header[c] for c in widths],
                         [cells[c] for c in widths], list(widths.values()))
    if plain is not None:
        console.file.write(plain)
        console.file.flush()
    else:
        table = Table(title=title or None, show_lines=False, header_style="bold")
        for column, size in widths.items():
            table.add_column(header[column], overflow="fold", width=size)
        for index in range(len(rows)):
            table.add_row(*(cells[column][index] for column in widths))
        console.print(table)
    if not rows:
        say("(no rows)")


RICH_MARKUP = re.compile(r"[\[\]]|:\S*:")
"""What rich could read as markup or an emoji code in a cell (so it would not print it
as it is)."""


def _plain_table(console: Any, title: str, headings: list[str], columns: list[list[str]],
                 widths: list[int | None]) -> str | None:
    """The table exactly as rich prints it, without rich's layout: for a long table
    (a list of thousands of pilots) rich takes seconds and hundreds of MB laying out every
    cell. None where it could differ: colour or a non-UTF-8 output, a cell rich would
    wrap, read as markup, trim or measure differently; then rich prints it."""
    from rich.box import HEAVY_HEAD

    if console.color_system is not None or console.legacy_windows or \
            not console.encoding.lower().startswith("utf") or not columns or not columns[0]:
        return None
    texts = [title, *headings, *(text for column in columns for text in column)]
    if any(not text.isascii() or not text.isprintable() or text != text.strip()
           or RICH_MARKUP.search(text) for text in texts if text):
        return None
    sizes = [max(len(heading), *(len(text) for text in column)) if size is None else size
             for heading, column, size in zip(headings, columns, widths, strict=True)]
    if any(len(heading) > size or any(len(text) > size for text in column)
           for heading, column, size in zip(headings, columns, sizes, strict=True)):
        return None
    full = sum(sizes) + _frame(headings)
    if full > console.width or len(title) > full:
        return None
    box = HEAVY_HEAD
    lines = []
    if title:
        left = (full - len(title)) // 2
        lines.append(" " * left + title + " " * (full - len(title) - left))
    lines.append(box.top_left + box.top_divider.join(box.top * (size + 2) for size in sizes)
                 + box.top_right)
    lines.append(box.head_left + box.head_vertical.join(
        f" {heading:<{size}} " for heading, size in zip(headings, sizes, strict=True))
        + box.head_right)
    lines.append(box.head_row_left + box.head_row_cross.join(
        box.head_row_horizontal * (size + 2) for size in sizes) + box.head_row_right)
    for row in zip(*columns, strict=True):
        lines.append(box.mid_left + box.mid_vertical.join(
            f" {text:<{size}} " for text, size in zip(row, sizes, strict=True)) + box.mid_right)
    lines.append(box.bottom_left + box.bottom_divider.join(
        box.bottom * (size + 2) for size in sizes) + box.bottom_right)
    return "\n".join(lines) + "\n"


def _tell_left_out(names: list[str], room: int | None) -> None:
    """Once per command: which columns did not fit, and where to find them."""
    context = click.get_current_context(silent=True)
    told: set[str] = set() if context is None else context.meta.setdefault("left out", set())
    new = [name for name in names if name not in told]
    if new:
        told.update(new)
        say(f"left out to fit {room} columns: {', '.join(new)} (--json has every field)")


def _reader_gone() -> None:
    """rich would exit 1 when the reader of a table goes away; the CLI says 0 (main)."""
    raise BrokenPipeError


class Lines(list[str]):
    """A field shown one item per line under its name (milestones, partners)."""


def emit_fields(record: dict[str, Any]) -> None:
    """One record as aligned 'field  value' lines; long values wrap under their value."""
    label = max((len(k) for k in record), default=0)
    room = width()
    for key, value in record.items():
        name = f"{key.replace('_', ' '):<{label}}  "
        lines = list(value) if isinstance(value, Lines) else [cell(value)]
        for number, line in enumerate(lines or [""]):
            lead = name if number == 0 else " " * len(name)
            if room is None or len(lead) + len(line) <= room:
                click.echo(f"{lead}{line}".rstrip())
                continue
            wrapped = textwrap.wrap(line, max(room - len(name), 20), break_long_words=False,
                                    break_on_hyphens=False) or [""]
            click.echo(f"{lead}{wrapped[0]}")
            for more in wrapped[1:]:
                click.echo(f"{' ' * len(name)}{more}")


def emit_note(text: str) -> None:
    """A sentence among the tables, wrapped to the terminal's width."""
    room = width()
    click.echo(text if room is None else "\n".join(textwrap.wrap(text, room)))


def say(message: str) -> None:
    """A message for the person, on stderr (stdout carries data only)."""
    click.echo(message, err=True)
