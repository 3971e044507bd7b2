"""``--format table|json|csv|xlsx`` and ``-o FILE`` for the view commands.

A table is printed; JSON and CSV are printed or written; XLSX is written.
``-o`` alone takes the format from the file's suffix. Files are written
atomically and no cell runs as a formula (``application.files``); a
workbook carries its basis (the command, the point, the head digest) in
its properties.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from scaletrack.cli.options import OutputFile
from scaletrack.cli.render import emit_json, say

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ("table", "json", "csv", "xlsx")
SUFFIXES = {".json": "json", ".csv": "csv", ".xlsx": "xlsx"}


def output_options(f: F) -> F:
    f = click.option("-o", "--output", type=OutputFile(),
                     help="Write to this file (replaced if it exists) instead of printing; "
                          "without --format its suffix (.csv, .xlsx, .json) says how.")(f)
    return click.option("--format", "format_", type=click.Choice(FORMATS),
                        help="table (default), json (as --json), csv, or xlsx (with -o): "
                             "typed cells, a header row, frozen panes.")(f)


@dataclass(frozen=True)
class Output:
    format: str
    path: Path | None

    @property
    def printed_by_the_command(self) -> bool:
        """A table or JSON on stdout: the command prints it as it always has."""
        return self.path is None and self.format in ("table", "json")


def output_from(kwargs: dict[str, Any]) -> Output:
    """The output the options ask for (``--format``, ``-o`` and ``--json`` taken from kwargs;
    ``as_json`` is put back for a command that prints JSON itself)."""
    format_, path, as_json = kwargs.pop("format_"), kwargs.pop("output"), kwargs["as_json"]
    if as_json and format_ not in (None, "json"):
        raise click.UsageError(f"--json and --format {format_} ask for different things")
    if format_ is None:
        format_ = "json" if as_json else SUFFIXES.get(path.suffix.lower(), "") if path \
            else "table"
        if not format_:
            raise click.UsageError(f"say how to write {path}: --format csv, xlsx or json "
                                   "(or name it .csv, .xlsx or .json)")
    if format_ == "table" and path is not None:
        raise click.UsageError("a table is printed; write a file with --format csv, xlsx "
                               "or json")
    if format_ == "xlsx" and path is None:
        raise click.UsageError("--format xlsx writes a workbook: give -o FILE.xlsx")
    kwargs["as_json"] = format_ == "json"
    return Output(format_, path)


def save(output: Output, view: str, document: dict[str, Any], asked: dict[str, Any]) -> None:
    """Print or write the document as the output says; ``asked``: the command's options."""
    from scaletrack.application.documents import plain, to_json
    from scaletrack.application.files import write_atomic
    from scaletrack.application.reports.sheets import csv_text, write_xlsx

    if output.format == "xlsx":
        assert output.path is not None
        write_xlsx(output.path, plain(document), basis(view, asked, output))
    elif output.path is None:
        if output.format == "json":
            emit_json(document)
        else:
            click.echo(csv_text(plain(document)), nl=False)
        return
    elif output.format == "json":
        write_atomic(output.path, (to_json(document) + "\n").encode())
    else:
        write_atomic(output.path, csv_text(plain(document)).encode())
    say(f"wrote the {view} view to {output.path} ({output.format.upper()})")


def basis(view: str, asked: dict[str, Any], output: Output) -> dict[str, str]:
    """What a saved view stands on: the command that writes it again, the point, the head."""
    from scaletrack.application.reports.sheets import view_basis
    from scaletrack.cli.context import session

    return view_basis(session().ledger(), view, asked, output.format, str(output.path))
