"""The views: ``progress``, ``impact``, ``portfolio``, ``decisions``, ``quality``, ``timeline``.

Each command reads one view document (``application.queries.views``), which
is never stale, and prints readable tables or, with ``--json``, the document
as JSON. With ``--as-of`` / ``--known-at`` it shows the view as it stood at
that point.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import CODE, json_option, point_from, point_in_time_options
from scaletrack.cli.render import cell, emit_json, emit_table, say
from scaletrack.cli.saving import output_from, output_options, save

F = TypeVar("F", bound=Callable[..., Any])


class Quarter(click.ParamType[str, Any]):
    """A reporting period: YYYY-QN."""

    name = "YYYY-QN"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> str:
        from scaletrack.domain.vocabulary import canonical  # not at startup: pydantic

        text = canonical(str(value))
        if not re.fullmatch(r"20\d\d-Q[1-4]", text):
            self.fail(f"{value!r} is not a reporting period; write YYYY-QN, e.g. 2022-Q3",
                      param, ctx)
        return text


class Country(click.ParamType[str, Any]):
    name = "CC"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> str:
        from scaletrack.domain.vocabulary import canonical  # not at startup: pydantic

        text = canonical(str(value))
        if not re.fullmatch(r"[A-Z]{2}", text):
            self.fail(f"{value!r} is not a two-letter country code", param, ctx)
        return text


def filters(*names: str, saved: bool = False) -> Callable[[F], F]:
    """The filter options a view accepts, gathered into ``filters``; with ``saved``, also
    ``--format`` and ``-o`` (the command is named after its view)."""
    options = {
        "consortium": click.option("--consortium", type=CODE, help="Only this consortium."),
        "country": click.option("--country", type=Country(),
                                help="Only pilots in this country (origin or target)."),
        "pilot": click.option("--pilot", type=CODE, help="Only this pilot."),
        "indicator": click.option("--indicator", type=CODE, help="Only this indicator."),
        "period": click.option("--period", type=Quarter(), help="Only this reporting period."),
    }

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def gathered(*args: Any, **kwargs: Any) -> Any:
            from scaletrack.application.queries import Filters

            output = output_from(kwargs) if saved else None
            asked = dict(kwargs)
            chosen = Filters(**{name: kwargs.pop(name) for name in names})
            if output is None or output.printed_by_the_command:
                return f(*args, filters=chosen, **kwargs)
            return save(output, f.__name__, read(f.__name__, chosen, kwargs), asked)

        wrapped: Any = point_in_time_options(gathered)
        if saved:
            wrapped = output_options(wrapped)
        for name in reversed(names):
            wrapped = options[name](wrapped)
        return json_option(wrapped)  # type: ignore[no-any-return]

    return decorate


def read(name: str, filters: Any, point: dict[str, Any]) -> dict[str, Any]:
    """The view document ``name`` at the point the options name (now if none)."""
    from scaletrack.application.queries.views import document
    from scaletrack.cli import remote
    from scaletrack.cli.projections import progress_bar

    if (server := remote.remote()) is not None:
        return remote.view(server, name, filters, point_from(point))
    with progress_bar("updating views") as on_page:
        return document(session().read_store(), name, filters, point_from(point), tell=say,
                        on_page=on_page)


@click.command()
@filters("consortium", "country", "pilot", saved=True)
def progress(filters: Any, as_json: bool, **point: Any) -> None:
    """Per pilot: stage, milestones, slips, risks, pending approvals; rolled up.

    Overdue milestones are those still planned whose due date has passed.

    \b
    Example:
      scaletrack progress --consortium SEED --json
    """
    document = read("progress", filters, point)
    if as_json:
        emit_json(document)
        return
    emit_table(document["pilots"], ["pilot", "consortium", "stage", "planned", "done",
                                    "overdue", "dropped", "slips", "open_risks",
                                    "pending_approvals", "last_activity"],
               title=f"Progress on {document['today']}")
    totals = ["pilots", "planned", "done", "overdue", "slips", "open_risks", "pending_approvals"]
    emit_table(document["consortia"], ["consortium", *totals], title="By consortium")
    emit_table(document["countries"], ["country", *totals], title="By country")


@click.command()
@filters("consortium", "country", "pilot", "indicator", "period", saved=True)
def impact(filters: Any, as_json: bool, **point: Any) -> None:
    """Per pilot, indicator and period: baseline, target, actual, percent achieved, status.

    Achieved adds up incremental values, takes the latest cumulative one and
    the period's own snapshot. Percent runs from the baseline to the target in
    the indicator's direction. Status: on track at 90% or more, at risk from
    60%, off track under 60%, not rated without a percent.

    \b
    Example:
      scaletrack impact --pilot SEED-GR-01 --indicator PART --json
    """
    document = read("impact", filters, point)
    if as_json:
        emit_json(document)
        return
    rows = [{**row, "version": row["indicator_version"],
             "percent": None if row["percent"] is None else f"{cell(row['percent'])}%",
             "actual": row["actual"] if row["actual"] is not None else row["narrative"],
             "breakdown": "; ".join(f"{dimension}: {_parts(parts)}"
                                    for dimension, parts in row["breakdown"].items())}
            for row in document["rows"]]
    emit_table(rows, ["pilot", "indicator", "version", "period", "baseline", "target", "actual",
                      "target_to_date", "achieved", "percent", "status", "breakdown"],
               title="Impact")


@click.command()
@filters("consortium", "country", "pilot", "indicator", saved=True)
def portfolio(filters: Any, as_json: bool, **point: Any) -> None:
    """Consortia by country; pilots by type, dimension, mechanism, stage; ESF+ roll-ups.

    \b
    Example:
      scaletrack portfolio --json
    """
    document = read("portfolio", filters, point)
    if as_json:
        emit_json(document)
        return
    emit_table(document["matrix"], ["consortium", "country", "member", "centre", "partners",
                                    "pilots"], title="Consortia by country")
    emit_table([{"by": aspect, "value": value, "pilots": count}
                for aspect, counts in document["pilots_by"].items()
                for value, count in counts.items()], ["by", "value", "pilots"],
               title="Pilots by type, dimension, mechanism and stage")
    emit_table([{**row, "by_sex": _parts(row["by_sex"]),
                 "by_age_band": _parts(row["by_age_band"])} for row in document["esf"]],
               ["indicator", "name", "unit", "pilots", "total", "by_sex", "by_age_band"],
               title="ESF+ roll-ups (to date)")


@click.command()
@filters("consortium", "country", "pilot", "period", saved=True)
def decisions(filters: Any, as_json: bool, **point: Any) -> None:
    """The decision log: pathway, stage, adoption, business model, HR, adaptations, evaluations.

    \b
    Example:
      scaletrack decisions --pilot SEED-GR-01 --json
    """
    document = read("decisions", filters, point)
    if as_json:
        emit_json(document)
        return
    emit_table([{**row, "details": cell(row["details"])} for row in document["decisions"]],
               ["id", "occurred_on", "decision", "details", "actor", "reason", "corrected_by"],
               title="Decisions")


@click.command()
@filters("consortium", "country", "pilot", "period", saved=True)
def quality(filters: Any, as_json: bool, **point: Any) -> None:
    """Data quality: reporting lag, edits after a lock, mismatches, fidelity deviations.

    \b
    Example:
      scaletrack quality --consortium SEED --json
    """
    document = read("quality", filters, point)
    if as_json:
        emit_json(document)
        return
    emit_table(document["lag"], ["pilot", "events", "mean_days", "max_days", "late"],
               title=f"Reporting lag (late: over {document['late_after_days']} days)")
    emit_table(document["edits_after_lock"], ["id", "what", "touches", "period", "recorded_at",
                                              "actor", "reason"], title="Edits after a lock")
    emit_table(document["disaggregation_mismatches"], ["id", "indicator", "period", "total",
                                                       "sums"], title="Disaggregation mismatches")
    emit_table(document["fidelity_deviations"], ["id", "component", "summary", "occurred_on",
                                                 "actor", "reason"],
               title="Fidelity deviations (core components adapted)")


@click.command()
@filters("consortium", "country", "pilot", "period", saved=True)
def timeline(filters: Any, as_json: bool, **point: Any) -> None:
    """Every event with both times, actor and reason; corrections linked both ways.

    \b
    Example:
      scaletrack timeline --pilot SEED-GR-01 --json
    """
    document = read("timeline", filters, point)
    if as_json:
        emit_json(document)
        return
    rows = [{**event, "type": event["type"].split(".", 1)[1],
             "recorded": event["recorded_at"][:16].replace("T", " "),
             "link": (f"{_verb(event['type'])} {event['corrects']}" if event["corrects"] else
                      f"corrected by {', '.join(event['corrected_by'])}"
                      if event["corrected_by"] else "")}
            for event in document["events"]]
    emit_table(rows, ["id", "type", "occurred_on", "recorded", "actor", "reason", "link"],
               title="Timeline")


def _parts(parts: dict[str, Any]) -> str:
    """Categories and figures, e.g. "women 6, men 4"."""
    return ", ".join(f"{category} {cell(value)}" for category, value in parts.items())


def _verb(event_type: str) -> str:
    return "retracts" if event_type.endswith("retracted") else "corrects"
