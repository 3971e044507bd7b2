"""``scaletrack log KIND PILOT``: one subcommand per pilot event kind.

The subcommands are generated from the application's catalogue of kinds
(:mod:`scaletrack.application.kinds`), so every kind a pilot knows can be
logged, with options named after the event's fields.
"""

from __future__ import annotations

import typing
from datetime import date
from enum import Enum
from typing import Any

import click

from scaletrack.application.kinds import FIELD_CHOICES, FIELD_HELP, KINDS, Kind, plain_type
from scaletrack.cli.context import session
from scaletrack.cli.options import CODE, DATE, by_from, json_option, provenance_options
from scaletrack.cli.render import emit_json
from scaletrack.domain.vocabulary import Code


class Pairs(click.ParamType[tuple[str, ...], Any]):
    """KEY=VALUE, or DIMENSION:CATEGORY=VALUE when nested."""

    def __init__(self, nested: bool) -> None:
        self.nested = nested
        self.name = "DIM:CAT=VALUE" if nested else "KEY=VALUE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> tuple[str, ...]:
        if isinstance(value, tuple):
            return value
        key, sep, amount = str(value).partition("=")
        outer, colon, inner = key.partition(":")
        if not sep or not amount.strip() or (self.nested and not (colon and inner)):
            self.fail(f"{value!r} is not {self.name}", param, ctx)
        parts = (outer, inner, amount) if self.nested else (key, amount)
        return tuple(p.strip() for p in parts)


def _option(kind: Kind, name: str) -> click.Option:
    hints = typing.get_type_hints(kind.event, include_extras=True)
    annotation = plain_type(hints[name])
    origin = typing.get_origin(annotation)
    flag = "--" + name.replace("_", "-")
    help_ = FIELD_HELP.get(name, "")
    if origin is dict:
        nested = typing.get_origin(plain_type(typing.get_args(annotation)[1])) is dict
        return click.Option([flag, name], type=Pairs(nested), multiple=True, help=help_)
    if origin is list:
        item = plain_type(typing.get_args(annotation)[0])
        choice = click.Choice([e.value for e in item]) if _is_enum(item) else None
        return click.Option([flag, name], type=choice, multiple=True,
                            required=kind.required(name), help=help_)
    if annotation is bool:
        return click.Option([f"{flag}/--not-{flag[2:]}", name], default=None, help=help_)
    if annotation is date:
        return click.Option([flag, name], type=DATE, required=kind.required(name), help=help_)
    if hints[name] == Code:  # an indicator code, case-insensitive like every code
        return click.Option([flag, name], type=CODE, required=kind.required(name), help=help_)
    if _is_enum(annotation) or name in FIELD_CHOICES:
        offered = FIELD_CHOICES.get(name) or [e.value for e in annotation]
        return click.Option([flag, name], type=click.Choice(offered),
                            required=kind.required(name), help=help_)
    default = kind.defaults.get(name)
    return click.Option([flag, name], required=kind.required(name) and default is None,
                        default=default, show_default=default is not None, help=help_)


def _is_enum(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, Enum)


def _values(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Option values as the catalogue expects them (pairs folded into dicts)."""
    values: dict[str, Any] = {}
    for name, value in kwargs.items():
        if isinstance(value, tuple) and value and isinstance(value[0], tuple):
            folded: dict[str, Any] = {}
            for pair in value:
                if len(pair) == 3:
                    folded.setdefault(pair[0], {})[pair[1]] = pair[2]
                else:
                    folded[pair[0]] = pair[1]
            values[name] = folded
        elif isinstance(value, tuple):
            values[name] = list(value)
        else:
            values[name] = value
    return values


def _command(kind: Kind) -> click.Command:
    def callback(pilot: str, as_json: bool, **kwargs: Any) -> None:
        from scaletrack.application.commands import LogPilotEvent
        from scaletrack.application.records import EventRecord
        from scaletrack.cli import remote

        if (server := remote.remote()) is not None:
            given = remote.envelope(kwargs)
            done = remote.log_event(server, kind.name, pilot, _values(kwargs), given)
            emit_json(done) if as_json else click.echo(done["id"])
            return
        by = by_from(kwargs)
        ledger = session().ledger()
        recorded = ledger.handle(LogPilotEvent.checked(kind.name, pilot, _values(kwargs)), by=by)
        if as_json:
            event = ledger.pilot_event(recorded.code, recorded.version)
            emit_json(EventRecord.of(event, recorded.code).as_dict())
        else:
            click.echo(f"{recorded.code}@{recorded.version}")

    reason = " Needs --reason." if kind.needs_reason else ""
    command = click.Command(
        kind.name,
        callback=callback,
        params=[click.Argument(["pilot"], type=CODE),
                *(_option(kind, name) for name in kind.inputs)],
        help=f"{kind.summary[0].upper()}{kind.summary[1:]}.{reason}\n\n\b\nExample:\n"
             f"  scaletrack log {kind.name} SEED-GR-01 {kind.example} --actor ana",
        short_help=kind.summary,
    )
    command.params.extend(_shared_params())
    return command


def _shared_params() -> list[click.Parameter]:
    """--actor, --occurred-on, --reason and --json, taken from the shared decorators."""
    def probe(**_: Any) -> None:
        pass

    holder = click.command()(provenance_options(json_option(probe)))
    return list(holder.params)


class KindGroup(click.Group):
    """The ``log`` group: a kind's subcommand is built only when it is used.

    Building all of them (their options come from the event classes' type
    hints) took about 40 ms of every ``scaletrack log`` process.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(KINDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        kind = KINDS.get(cmd_name)
        return _command(kind) if kind is not None else None


@click.group(cls=KindGroup)
def log() -> None:
    """Record what happened in a pilot: one subcommand per kind of event.

    \b
    Example:
      scaletrack log milestone-achieved SEED-GR-01 --milestone M1 \\
        --occurred-on 2022-03-30 --actor ana
    """

