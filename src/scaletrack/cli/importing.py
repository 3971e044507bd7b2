"""``scaletrack import FILE...``: bulk import from spreadsheets; ``import template`` and
``import dump`` write files in the same format.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scaletrack.cli import remote
from scaletrack.cli.context import session
from scaletrack.cli.options import FilePath, actor_option, json_option
from scaletrack.cli.render import emit_json, say

if TYPE_CHECKING:
    from scaletrack.application.importing.importer import FileReport

FILES = "files"
"""The subcommand that runs when ``import`` is followed by file names."""

SHOWN_PROBLEMS = 50
"""Problems printed for people; --json gives all of them."""


class _FilesByDefault(click.Group):
    """A group whose first argument, unless it names a subcommand, is a file to import."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = [FILES, *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        files = self.commands[FILES]
        with click.Context(files, info_name=ctx.info_name, parent=ctx.parent) as sub:
            files.format_help(sub, formatter)
        self.format_commands(ctx, formatter)


class _KindName(click.ParamType[str, Any]):
    """An import kind's name, checked against the catalogue only when used."""

    name = "KIND"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> str:
        from scaletrack.application.importing.row_kinds import IMPORT_KINDS, kind_named

        kind = kind_named(str(value))
        if kind is None:
            self.fail(f"{value!r} is not a kind; choose among {', '.join(IMPORT_KINDS)}",
                      param, ctx)
        return kind.name


KIND = _KindName()


@click.group(cls=_FilesByDefault)
def import_() -> None:
    """Bulk import from spreadsheets."""


@import_.command(FILES, hidden=True)
@click.argument("paths", nargs=-1, required=True, metavar="FILE...",
                type=FilePath(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=KIND, help="The kind of every row of a file without a kind "
              "column (e.g. result).")
@click.option("--sheet", metavar="NAME", help="Read only this worksheet of an XLSX workbook "
              "(else every visible worksheet whose first row names the columns).")
@actor_option
@click.option("--dry-run", is_flag=True, help="Check every row and report; write nothing.")
@click.option("--apply-corrections", is_flag=True, help="Correct a result or target "
              "recorded with other values (a row edited since its import) instead of "
              "refusing the row; the row's reason column says why.")
@click.option("--dayfirst", is_flag=True, help="Read dates written DD/MM/YYYY (ISO dates "
              "are always read).")
@click.option("--decimal-comma", is_flag=True, help="Read numbers written 1234,5 or 1.234,5.")
@json_option
def files(paths: tuple[Path, ...], kind: str | None, sheet: str | None, actor: str | None,
          dry_run: bool, apply_corrections: bool, dayfirst: bool, decimal_comma: bool,
          as_json: bool) -> None:
    """Import rows from CSV, XLSX or JSON Lines files, each file all or nothing.

    Every row is checked before anything is written, against the store as it
    will be after the rows above it. If a row is invalid, nothing from its
    file is written and every problem is listed (file, row, column, value,
    what is expected); exit 2. Each row has a key (the key column, or a hash
    of its content): rows already recorded are skipped, so importing a file
    again adds nothing twice. A row whose result or target (its indicator and
    period) is recorded with other values is refused as changed since it was
    recorded, or corrected with --apply-corrections. Every visible worksheet
    of an XLSX workbook whose first row names the columns is read (a sheet of
    instructions is skipped with a warning). Rows whose first cell
    starts with '#' are comments. Lists are written 'a; b', pairs
    'grants=60; fees=40', breakdowns 'sex:women=6; sex:men=4'.

    \b
    Examples:
      scaletrack import template result -o results.csv
      scaletrack import results.csv --actor ana
      scaletrack import q3.xlsx q4.xlsx --dry-run --json
      scaletrack import dump -o everything.csv     # the whole store as rows
    """
    from scaletrack.application.importing.cells import Reading
    from scaletrack.application.importing.importer import import_files
    from scaletrack.application.importing.rows import ImportOptions

    options = ImportOptions(Reading(dayfirst=dayfirst, decimal_comma=decimal_comma),
                            kind=kind, sheet=sheet, actor=actor, dry_run=dry_run,
                            apply_corrections=apply_corrections)
    if (server := remote.remote()) is not None:
        reports = [remote.import_file(server, path, kind, dry_run, dayfirst, decimal_comma)
                   for path in paths]
    else:
        with _progress() as progress:
            reports = import_files(session().ledger(), list(paths), options, progress)
    if as_json:
        emit_json({"dry_run": dry_run, "files": [r.as_dict() for r in reports],
                   "recorded": sum(sum(r.recorded.values()) for r in reports),
                   "skipped": sum(sum(r.skipped.values()) for r in reports)})
    else:
        for report in reports:
            _summarise(report, dry_run)
    _fail_if_invalid(reports)


def _summarise(report: FileReport, dry_run: bool) -> None:
    """A summary for people on stderr: recorded and skipped rows per kind, or the problems."""
    for warning in report.warnings:
        say(f"warning: {warning}")
    if report.problems:
        for problem in report.problems[:SHOWN_PROBLEMS]:
            say(str(problem))
        if len(report.problems) > SHOWN_PROBLEMS:
            say(f"... and {len(report.problems) - SHOWN_PROBLEMS} more (--json lists all)")
        return
    verb = "would record" if dry_run else "recorded"
    recorded, skipped = sum(report.recorded.values()), sum(report.skipped.values())
    say(f"{report.file}: {report.rows} rows, {verb} {recorded}, skipped {skipped} "
        "(already recorded)")
    for kind in sorted(set(report.recorded) | set(report.skipped)):
        say(f"  {kind:<20} {verb} {report.recorded[kind]:>7}, skipped {report.skipped[kind]:>7}")


def _fail_if_invalid(reports: list[FileReport]) -> None:
    from scaletrack.domain.errors import InvalidInput

    invalid = [r for r in reports if r.problems]
    if invalid:
        count = sum(len(r.problems) for r in invalid)
        names = ", ".join(r.file for r in invalid)
        raise InvalidInput(f"{count} problem{'s' if count != 1 else ''}; nothing from "
                           f"{names} was imported", hint="fix the rows and import again")


class _Bar:
    """A rich progress bar on stderr, shown only on a terminal."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self._progress = Progress(console=Console(stderr=True), transient=True)
        self._task: Any = None

    def __enter__(self) -> _Bar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def phase(self, description: str, total: int | None) -> None:
        if self._task is not None:
            self._progress.remove_task(self._task)
        self._task = self._progress.add_task(description, total=total)

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)


class _Quiet:
    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def phase(self, description: str, total: int | None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


def _progress() -> _Bar | _Quiet:
    return _Bar() if sys.stderr.isatty() else _Quiet()


def _writable(path: Path, force: bool) -> Path:
    if path.exists() and not force:
        from scaletrack.domain.errors import InvalidInput

        raise InvalidInput(f"{path} exists", hint="give --force to overwrite it")
    return path


@import_.command()
@click.argument("kind", type=KIND)
@click.option("-o", "--output", type=FilePath(dir_okay=False, path_type=Path),
              required=True, help="The file to write: .csv, .xlsx or .jsonl.")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@json_option
def template(kind: str, output: Path, force: bool, as_json: bool) -> None:
    """Write a template for one kind of row: its columns, what each holds, one example.

    The example row is valid against the demo store, so right after
    `scaletrack demo` the template imports as it is. Kinds: the `log`
    kinds (result, target, stage, milestone-planned, ...) and consortium,
    consortium-country, consortium-country-removed, consortium-amended,
    consortium-partner, consortium-centre, indicator, indicator-revised,
    indicator-retired, pilot, pilot-amended, correction, retraction.

    \b
    Example:
      scaletrack import template result -o results.xlsx
    """
    from scaletrack.application.importing.row_kinds import IMPORT_KINDS
    from scaletrack.application.importing.templates import write_template

    chosen = IMPORT_KINDS[kind]
    write_template(chosen, _writable(output, force))
    if as_json:
        emit_json({"kind": chosen.name, "file": str(output), "columns": [
            {"name": c.name, "required": c.required, "description": c.describe()}
            for c in chosen.columns]})
    else:
        say(f"wrote a {chosen.name} template to {output}")


@import_.command()
@click.option("-o", "--output", type=FilePath(dir_okay=False, path_type=Path),
              required=True, help="The file to write: .csv, .xlsx or .jsonl.")
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@json_option
def dump(output: Path, force: bool, as_json: bool) -> None:
    """Write every event of the store as rows in the template format, in recorded order.

    Importing the file into an empty store records the same events (with the
    same occurred-on dates, actors and reasons); importing it into the store it
    came from adds nothing.

    \b
    Example:
      scaletrack import dump -o everything.csv
      scaletrack --db sqlite:///copy.db init
      scaletrack --db sqlite:///copy.db import everything.csv
    """
    from scaletrack.application.importing.templates import dump as dump_rows

    rows = dump_rows(session().ledger(), _writable(output, force))
    if as_json:
        emit_json({"file": str(output), "rows": rows})
    else:
        say(f"wrote {rows} rows to {output}")
