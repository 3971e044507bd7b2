"""The ``scaletrack`` command group and the one place errors become exit codes.

Subcommands load lazily, each from its own module, so a command imports only
what it needs (a ``log`` never imports SQLAlchemy).
"""

from __future__ import annotations

import importlib
import sys

import click

from scaletrack import __version__
from scaletrack.cli.exits import exit_code_for

COMMANDS: dict[str, str] = {
    "init": "scaletrack.cli.store:init",
    "demo": "scaletrack.cli.demo:demo",
    "consortium": "scaletrack.cli.consortium:consortium",
    "indicator": "scaletrack.cli.indicator:indicator",
    "pilot": "scaletrack.cli.pilot:pilot",
    "log": "scaletrack.cli.log:log",
    "correct": "scaletrack.cli.corrections:correct",
    "retract": "scaletrack.cli.corrections:retract",
    "progress": "scaletrack.cli.views:progress",
    "impact": "scaletrack.cli.views:impact",
    "portfolio": "scaletrack.cli.views:portfolio",
    "decisions": "scaletrack.cli.views:decisions",
    "quality": "scaletrack.cli.views:quality",
    "timeline": "scaletrack.cli.views:timeline",
    "projections": "scaletrack.cli.projections:projections",
    "diff": "scaletrack.cli.diff:diff",
    "export": "scaletrack.cli.audit:export",
    "verify": "scaletrack.cli.audit:verify",
    "digest": "scaletrack.cli.audit:digest",
    "keygen": "scaletrack.cli.audit:keygen",
    "report": "scaletrack.cli.report:report",
    "import": "scaletrack.cli.importing:import_",
    "copy": "scaletrack.cli.copy:copy",
    "user": "scaletrack.cli.user:user",
    "serve": "scaletrack.cli.serve:serve",
}
"""Every top-level command and where it lives; a missing module is skipped."""


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when they are used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, _, attr = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as missing:
            if missing.name == module_name:
                return None
            raise
        command: click.Command = getattr(module, attr)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"],
                                              "max_content_width": 100})
@click.option("--db", "db", envvar="SCALETRACK_DB", metavar="URL",
              help="Store URL: sqlite:///FILE.db (default sqlite:///scaletrack.db) or "
                   "postgresql://USER@HOST:PORT/DBNAME. Env: SCALETRACK_DB.")
@click.option("--server", "server", envvar="SCALETRACK_SERVER", metavar="URL",
              help="Work through a scaletrack server instead of the store (log, correct, "
                   "retract, pilot history and the views); the API token comes from "
                   "SCALETRACK_TOKEN. Env: SCALETRACK_SERVER.")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(__version__, prog_name="scaletrack")
@click.pass_context
def cli(ctx: click.Context, db: str | None, server: str | None, debug: bool) -> None:
    """Track pilots that scale up or replicate social innovations.

    Every change is an event, stored append-only; views, history, time travel
    and audit exports are built from the events.

    \b
    Exit codes: 0 ok, 1 rejected by a rule or verification failed,
    2 usage or invalid input, 3 not found, 4 concurrent change,
    5 internal error or store unavailable.

    \b
    Start with:  scaletrack demo        (fills ./scaletrack.db)
                 scaletrack pilot list
    """
    from scaletrack.cli.context import Session

    ctx.obj = Session(db_url=db, debug=debug, server=server)
    ctx.call_on_close(ctx.obj.close)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into one line and an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="scaletrack", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.UsageError as usage:
        where = f"; see '{usage.ctx.command_path} --help'" if usage.ctx else ""
        click.echo(f"error: {one_line(usage.format_message()).rstrip('.')}{where}", err=True)
        sys.exit(usage.exit_code)
    except click.ClickException as failure:
        click.echo(f"error: {one_line(failure.format_message())}", err=True)
        sys.exit(failure.exit_code)
    except Exception as error:
        if debug:
            raise
        code, message = exit_code_for(error)
        click.echo(f"error: {one_line(message)}", err=True)
        sys.exit(code)
    sys.exit(0)


def one_line(message: str) -> str:
    """A message on one line (click lists choices one per line)."""
    return " ".join(message.split())
