"""Shared options and parameter types: every command validates its input here."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


class ISODate(click.ParamType[date, Any]):
    """A calendar date written YYYY-MM-DD, nothing else."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> date:
        if isinstance(value, date):
            return value
        try:
            if len(str(value)) != 10:
                raise ValueError
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date; write YYYY-MM-DD", param, ctx)


class UpperCode(click.ParamType[str, Any]):
    """A short human code, case-insensitive on input (seed-gr-01 is SEED-GR-01)."""

    name = "CODE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> str:
        from scaletrack.domain.vocabulary import canonical  # not at startup: pydantic

        text = canonical(str(value))
        if not text or not all(c.isalnum() or c in "-_" for c in text):
            self.fail(f"{value!r} is not a code (letters, digits, '-' and '_')", param, ctx)
        return text


class ISOMoment(click.ParamType[datetime, Any]):
    """An ISO 8601 moment; a bare date is the end of that day, no zone is UTC."""

    name = "DATETIME"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> datetime:
        from scaletrack.application.timetravel import parse_moment
        from scaletrack.domain.errors import InvalidInput

        if isinstance(value, datetime):
            return value
        try:
            return parse_moment(str(value))
        except InvalidInput as error:
            self.fail(str(error), param, ctx)


NAME_MAX = 255
"""The longest file or folder name, in bytes, that Linux and macOS file systems take."""


class FilePath(click.Path):
    """A path the system can name: not empty, no NUL character, no name over
    ``NAME_MAX`` bytes (said as invalid input, exit 2, instead of failing when the file
    is opened)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> Any:
        text = os.fsdecode(value) if isinstance(value, bytes) else str(value)
        if not text.strip():
            self.fail("give a file name, not an empty one", param, ctx)
        if "\x00" in text:
            self.fail("a path cannot contain a NUL character", param, ctx)
        if any(len(os.fsencode(part)) > NAME_MAX for part in Path(text).parts):
            self.fail(f"a file or folder name is longer than {NAME_MAX} bytes", param, ctx)
        return super().convert(value, param, ctx)


class OutputFile(FilePath):
    """A file to write: its folder must exist (checked before any work is done)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> Any:
        path = Path(os.fsdecode(super().convert(value, param, ctx)))
        if not path.parent.is_dir():
            self.fail(f"no folder {path.parent} to write {path.name} in; create it first",
                      param, ctx)
        return path


DATE = ISODate()
MOMENT = ISOMoment()
CODE = UpperCode()


def json_option(f: F) -> F:
    """``--json``: print one JSON document instead of a table."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print one JSON document instead of a table.")(f)


def _actor_of_session(ctx: click.Context, param: click.Parameter, value: str | None
                      ) -> str | None:
    """An actor given after the command, else the one given before it (or by the env)."""
    from scaletrack.cli.context import Session

    before = ctx.find_root().obj
    return value if value is not None or not isinstance(before, Session) else before.actor


def actor_option(f: F) -> F:
    return click.option("--actor", metavar="NAME", callback=_actor_of_session,
                        help="Who records this (required). Env: SCALETRACK_ACTOR.")(f)


def provenance_options(f: F) -> F:
    """``--actor``, ``--occurred-on`` and ``--reason`` for every write."""

    @actor_option
    @click.option("--occurred-on", type=DATE, metavar="YYYY-MM-DD",
                  help="When it happened in the world (default: today).")
    @click.option("--reason", metavar="TEXT", help="Why (required for revisions, drops, "
                  "unlocks, corrections, retractions and amendments).")
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return f(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def by_from(kwargs: dict[str, Any]) -> Any:
    """The provenance of a write from its common options (removed from kwargs)."""
    from scaletrack.cli.context import session

    return session().ledger().provenance(
        kwargs.pop("actor"), kwargs.pop("occurred_on"), kwargs.pop("reason"))


def point_in_time_options(f: F) -> F:
    """``--as-of DATE`` (valid time) and ``--known-at DATETIME`` (transaction time)."""

    @click.option("--as-of", type=DATE, metavar="YYYY-MM-DD",
                  help="Only what had happened by the end of this day (valid time).")
    @click.option("--known-at", type=MOMENT, metavar="DATETIME",
                  help="Only what had been recorded by this moment (transaction time; ISO "
                       "8601; a bare date means the end of that day; no zone means UTC).")
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return f(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def point_from(kwargs: dict[str, Any]) -> Any:
    """The point in time of a query from its options (removed from kwargs)."""
    from scaletrack.application.timetravel import PointInTime

    return PointInTime(as_of=kwargs.pop("as_of"), known_at=kwargs.pop("known_at"))
