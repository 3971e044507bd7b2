"""``scaletrack report``: a report to file with the managing authority, and its check."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scaletrack.cli.options import CODE, DATE, MOMENT, AnyPath, OutputFile
from scaletrack.cli.render import say
from scaletrack.cli.views import Quarter

if TYPE_CHECKING:
    from scaletrack.application.reports.basis import Basis

PATH = AnyPath(dir_okay=False, path_type=Path)


@click.command()
@click.option("--pilot", type=CODE, help="A report on this pilot.")
@click.option("--consortium", type=CODE, help="A report on this consortium and its pilots.")
@click.option("--period", type=Quarter(), help="The reporting period, e.g. 2022-Q3.")
@click.option("--from", "start", type=DATE, metavar="YYYY-MM-DD",
              help="Instead of a period: the first day the report covers.")
@click.option("--to", "end", type=DATE, metavar="YYYY-MM-DD",
              help="Instead of a period: the last day the report covers.")
@click.option("--as-of", type=DATE, metavar="YYYY-MM-DD",
              help="What had happened by the end of this day (default: the known-at day).")
@click.option("--known-at", type=MOMENT, metavar="DATETIME",
              help="What had been recorded by this moment (default: the last event's).")
@click.option("--format", "format_", type=click.Choice(["pdf", "html"]),
              help="PDF, or one self-contained HTML page.")
@click.option("-o", "--output", type=OutputFile(),
              help="The file to write (replaced if it exists).")
@click.option("--check", "checked", type=PATH, metavar="FILE",
              help="Regenerate FILE from the basis it carries and compare: exit 0 if the "
                   "bytes match, 1 if not, 2 if it is not a readable report.")
def report(pilot: str | None, consortium: str | None, period: str | None,
           start: date | None, end: date | None, as_of: date | None,
           known_at: datetime | None, format_: str | None, output: Path | None,
           checked: Path | None) -> None:
    """A report for a pilot, a consortium or the whole portfolio, as PDF or HTML.

    Stage, milestones, targets against actuals per indicator with charts,
    ESF+ participants by sex and age band, decisions and adaptations, funding,
    data-quality findings and the corrections made since the period began,
    all as the views show them at the report's point. Every page carries the
    basis: the store's head digest at the known-at moment (what 'scaletrack
    digest --known-at' prints), the as-of date and the command that makes the
    same bytes again. Without --period or --from/--to it covers every period.

    \b
    Example:
      scaletrack report --pilot SEED-GR-01 --period 2022-Q3 --known-at 2022-10-31 \\
        --format pdf -o r.pdf
      scaletrack report --check r.pdf
    """
    from scaletrack.application.files import write_atomic

    if checked is not None:
        if any(v is not None for v in (pilot, consortium, period, start, end, as_of,
                                       known_at, format_, output)):
            raise click.UsageError("--check takes only the report file")
        _check(checked)
        return
    if format_ is None or output is None:
        raise click.UsageError("give --format pdf|html and -o FILE (or --check FILE)")
    if pilot and consortium:
        raise click.UsageError("give --pilot or --consortium, not both")
    if period and (start or end):
        raise click.UsageError("give --period or --from/--to, not both")
    if start and end and start > end:
        raise click.UsageError(f"--from {start} is after --to {end}")
    basis = _basis(pilot, consortium, period, start, end, as_of, known_at, format_,
                   str(output))
    write_atomic(output, _make(basis))
    say(f"wrote the {basis.format.upper()} report on the {basis.scope}, {basis.span} to "
        f"{output}; basis {basis.digest}")


def _basis(pilot: str | None, consortium: str | None, period: str | None,
           start: date | None, end: date | None, as_of: date | None,
           known_at: datetime | None, format_: str, output: str) -> Basis:
    from scaletrack.application.reports.basis import basis_at
    from scaletrack.cli.context import session

    return basis_at(session().ledger(), pilot, consortium, period, start, end, as_of,
                    known_at, format_, output)


def _make(basis: Basis) -> bytes:
    from scaletrack.application.reports.make import report_bytes
    from scaletrack.cli.context import session

    return report_bytes(session().read_store(), basis)


def _check(path: Path) -> None:
    from scaletrack.application.reports.basis import ReportDiffers
    from scaletrack.application.reports.render import basis_of
    from scaletrack.domain.errors import InvalidInput

    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"cannot read {path} ({error.strerror})") from None
    basis = basis_of(data)
    again = _make(basis)
    if again == data:
        say(f"{path} matches: regenerated from its basis ({basis.digest}) byte for byte")
        return
    raise ReportDiffers(f"{path} differs from the report its basis makes "
                        f"({basis.command()})")
