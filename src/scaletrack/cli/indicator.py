"""``scaletrack indicator``: the versioned catalogue of what pilots measure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import CODE, by_from, json_option, provenance_options
from scaletrack.cli.render import emit_fields, emit_json, emit_table
from scaletrack.domain.vocabulary import (
    Accumulation,
    Dimension,
    Direction,
    IndicatorLevel,
    Measure,
)

F = TypeVar("F", bound=Callable[..., Any])


def _choice(enum: Any) -> click.Choice[str]:
    return click.Choice([e.value for e in enum])


def definition_options(required: bool) -> Callable[[F], F]:
    def decorate(f: F) -> F:
        for option in reversed([
            click.option("--name", required=required, help="What is counted."),
            click.option("--level", type=_choice(IndicatorLevel), required=required),
            click.option("--measure", type=_choice(Measure), required=required),
            click.option("--unit", required=required, help="Unit, e.g. people, %, EUR."),
            click.option("--direction", type=_choice(Direction), required=required,
                         help="Is higher or lower better?"),
            click.option("--accumulation", type=_choice(Accumulation), required=required,
                         help="incremental: adds up across periods; cumulative: running "
                              "total; snapshot: the period's value."),
            click.option("--dimension", "dimensions", type=_choice(Dimension), multiple=True,
                         help="A dimension results may be broken down by (repeatable)."),
            click.option("--esf-common/--not-esf-common", "esf_common",
                         default=False if required else None,
                         help="Whether it is an ESF+ common indicator (Regulation (EU) "
                              "2021/1057, Annex I): only these count in the ESF+ roll-ups."
                              + ("" if required else " Unchanged if neither is given.")),
        ]):
            f = option(f)
        return f
    return decorate


def _done(indicator: Any, as_json: bool) -> None:
    from scaletrack.application.summaries import indicator_summary

    if as_json:
        emit_json(indicator_summary(indicator))
    else:
        click.echo(f"indicator:{indicator.code}@{indicator.version}")


@click.group()
def indicator() -> None:
    """Indicators: versioned definitions of outputs, outcomes and impacts."""


@indicator.command()
@click.argument("code", type=CODE)
@definition_options(required=True)
@provenance_options
@json_option
def define(code: str, as_json: bool, **kwargs: Any) -> None:
    """Define a new indicator.

    \b
    Example:
      scaletrack indicator define STAFF --name "Staff trained" --level output \\
        --measure unit --unit people --direction higher --accumulation incremental \\
        --dimension sex --actor ana
    """
    from scaletrack.application.commands import DefineIndicator

    by = by_from(kwargs)
    _done(session().ledger().handle(DefineIndicator(code, **kwargs), by=by), as_json)


@indicator.command()
@click.argument("code", type=CODE)
@definition_options(required=False)
@provenance_options
@json_option
def revise(code: str, as_json: bool, **kwargs: Any) -> None:
    """Revise an indicator: a new definition version (results keep theirs).

    \b
    Example:
      scaletrack indicator revise STAFF --unit FTE --reason "Count FTE, not heads" --actor ana
    """
    from scaletrack.application.commands import ReviseIndicator

    by = by_from(kwargs)
    kwargs["dimensions"] = kwargs["dimensions"] or None
    _done(session().ledger().handle(ReviseIndicator(code, **kwargs), by=by), as_json)


@indicator.command()
@click.argument("code", type=CODE)
@provenance_options
@json_option
def retire(code: str, as_json: bool, **kwargs: Any) -> None:
    """Retire an indicator: no new targets or results against it.

    \b
    Example:
      scaletrack indicator retire STAFF --reason "Replaced by FTE" --actor ana
    """
    from scaletrack.application.commands import RetireIndicator

    by = by_from(kwargs)
    _done(session().ledger().handle(RetireIndicator(code), by=by), as_json)


@indicator.command("list")
@json_option
def list_(as_json: bool) -> None:
    """List the indicator catalogue.

    An ESF+ common indicator shows what Regulation (EU) 2021/1057, Annex I says of it: its
    counting rule (at entry, upon leaving, six months after leaving), whether it may be an
    informed estimate, and for EECO02-EECO11 the breakdown of EECO01 it is.

    \b
    Example:
      scaletrack indicator list --json
    """
    from scaletrack.application.queries.lists import indicator_list

    rows = indicator_list(session().read_store())
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, ["code", "name", "level", "measure", "unit", "direction",
                          "accumulation", "dimensions", "esf_common", "counting_rule",
                          "estimate_allowed", "definition_version", "retired"],
                   optional=["accumulation", "esf_common", "counting_rule", "estimate_allowed",
                             "dimensions", "direction", "measure", "level",
                             "definition_version", "retired"])


@indicator.command()
@click.argument("code", type=CODE)
@json_option
def show(code: str, as_json: bool) -> None:
    """Show one indicator's current definition.

    \b
    Example:
      scaletrack indicator show EECO01
    """
    from scaletrack.application.queries.show import indicator_show

    summary = indicator_show(session().ledger(), code)
    emit_json(summary) if as_json else emit_fields(summary)
