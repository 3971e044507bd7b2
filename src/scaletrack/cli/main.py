"""The ``scaletrack`` command group and the one place errors become exit codes.

Subcommands load lazily, each from its own module, so a command imports only
what it needs (a ``log`` never imports SQLAlchemy).
"""

from __future__ import annotations

import errno
import importlib
import os
import signal
import sys
import traceback
from typing import Any, NoReturn

import click

from scaletrack import __version__
from scaletrack.cli.exits import exit_code_for

COMMANDS: dict[str, str] = {
    "init": "scaletrack.cli.store:init",
    "demo": "scaletrack.cli.demo:demo",
    "consortium": "scaletrack.cli.consortium:consortium",
    "organisation": "scaletrack.cli.organisation:organisation",
    "centre": "scaletrack.cli.centre:centre",
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
    "finance": "scaletrack.cli.views:finance",
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
    "settings": "scaletrack.cli.settings:settings",
    "serve": "scaletrack.cli.serve:serve",
}
"""Every top-level command and where it lives; a missing module is skipped."""


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when they are used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self._load(name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as error:
            if not isinstance(error, BrokenPipeError) and error.errno != errno.EPIPE:
                raise
            stopped_reading()

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
        return everywhere(command)


def _set_on_session(name: str) -> Any:
    """A callback that puts an option given after the subcommand on the session."""

    def keep(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value not in (None, False):
            from scaletrack.cli.context import session

            setattr(session(), name, value)

    return keep


def everywhere(command: click.Command) -> click.Command:
    """The command, and every command under it, also taking ``--db`` and ``--debug`` (and
    ``--actor`` where it writes) after its name: users put options where they like."""
    if getattr(command, "_takes_the_session_options", False):
        return command
    names = {name for param in command.params for name in param.opts}
    if "--db" not in names:
        command.params.append(click.Option(
            ["--db", "db_url"], metavar="URL", hidden=True, expose_value=False,
            callback=_set_on_session("db_url"), help="Store URL (see scaletrack --help)."))
    if "--debug" not in names:
        command.params.append(click.Option(
            ["--debug"], is_flag=True, hidden=True, expose_value=False,
            callback=_set_on_session("debug"), help="Show the full traceback of an error."))
    command._takes_the_session_options = True  # type: ignore[attr-defined]
    if isinstance(command, click.Group):  # its subcommands too, even those built when asked
        children = command.get_command

        def get_command(ctx: click.Context, cmd_name: str) -> click.Command | None:
            found = children(ctx, cmd_name)
            return None if found is None else everywhere(found)

        command.get_command = get_command  # type: ignore[method-assign]
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
@click.option("--actor", envvar="SCALETRACK_ACTOR", metavar="NAME",
              help="Who records the writes (or give --actor after the command). "
                   "Env: SCALETRACK_ACTOR.")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.version_option(__version__, prog_name="scaletrack")
@click.pass_context
def cli(ctx: click.Context, db: str | None, server: str | None, actor: str | None,
        debug: bool) -> None:
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

    ctx.obj = Session(db_url=db, debug=debug, server=server, actor=actor)
    ctx.call_on_close(ctx.obj.close)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn errors into one line and an exit code.

    ``--debug`` adds the traceback and keeps the exit code; a reader that stops
    reading (``| head``) ends the command quietly with 0.
    """
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args[:args.index("--")] if "--" in args else "--debug" in args
    stopped = _stop_cleanly_when_terminated()
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
        fail(error, debug)
    finally:
        if stopped is not None:
            signal.signal(signal.SIGTERM, stopped)
    sys.exit(0)


def _stop_cleanly_when_terminated() -> Any:
    """SIGTERM (``kill``) ends the command as an exception would, so half-written files and
    folders are removed; returns the handler it replaced (None off the main thread)."""
    def terminated(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    try:
        return signal.signal(signal.SIGTERM, terminated)
    except ValueError:  # not the main thread
        return None


def fail(error: BaseException, debug: bool) -> None:
    """One line on stderr (after the traceback with ``--debug``) and the error's exit code."""
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    code, message = exit_code_for(error)
    click.echo(f"error: {one_line(message)}", err=True)
    sys.exit(code)


def stopped_reading() -> NoReturn:
    """The reader of stdout went away (``| head``): nothing more to say, nothing went wrong."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush must not fail
    except (OSError, ValueError):  # a stdout without a file descriptor (in-process)
        pass
    raise click.exceptions.Exit(0)


def one_line(message: str) -> str:
    """A message on one line (click lists choices one per line)."""
    return " ".join(message.split())
