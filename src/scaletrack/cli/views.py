"""The views: ``progress``, ``impact``, ``portfolio``, ``decisions``, ``quality``, ``timeline``,
``finance``.

Each command reads one view document (``application.queries.views``), which
is never stale, and prints readable tables or, with ``--json``, the document
as JSON. With ``--as-of`` / ``--known-at`` it shows the view as it stood at
that point.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from scaletrack.application.details import details_text
from scaletrack.application.wording import ENGLISH
from scaletrack.cli.context import session
from scaletrack.cli.options import CODE, json_option, point_from, point_in_time_options
from scaletrack.cli.render import cell, emit_json, emit_note, emit_table, say
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

    Overdue milestones are those still planned whose due date has passed; a
    closed pilot's are left open at closure, as are its open risks. ESF+
    follow-ups: participants who left in a quarter (EECR01-EECR04) are due an
    EECR05 result two quarters on, six months after they left.

    \b
    Example:
      scaletrack progress --consortium SEED --json
    """
    document = read("progress", filters, point)
    if as_json:
        emit_json(document)
        return
    emit_table([{**_left_open(row), "stage": ENGLISH.word(row["stage"])}
                for row in document["pilots"]],
               ["pilot", "consortium", "stage", "planned", "done",
                                    "overdue", "dropped", "slips", "open_risks",
                                    "follow_ups_due", "follow_ups_overdue",
                                    "pending_approvals", "last_activity"],
               title=f"Progress on {document['today']}",
               optional=["last_activity", "pending_approvals", "consortium", "dropped",
                         "follow_ups_due", "follow_ups_overdue"])
    totals = ["pilots", "planned", "done", "overdue", "slips", "open_risks", "pending_approvals"]
    emit_table(document["consortia"], ["consortium", *totals], title="By consortium")
    emit_table(document["countries"], ["country", *totals], title="By country")


def _left_open(row: dict[str, Any]) -> dict[str, Any]:
    """A closed pilot's row: what it left open at closure where the overdue milestones and
    open risks of a running pilot go."""
    if not row["closed_on"]:
        return row
    return {**row, "overdue": f"{row['left_open']} left open" if row["left_open"] else 0,
            "open_risks": f"{row['risks_left_open']} left open" if row["risks_left_open"]
            else 0}


@click.command()
@filters("consortium", "country", "pilot", "indicator", "period", saved=True)
def impact(filters: Any, as_json: bool, **point: Any) -> None:
    """Per pilot, indicator and period: baseline, target, actual, percent achieved, status.

    Achieved adds up incremental values, takes the latest cumulative one and
    the period's own snapshot. Percent runs from the baseline to the target in
    the indicator's direction. Status: on track at 90% or more, at risk from
    60%, off track under 60% (see scaletrack settings show), not rated without
    a percent; not due yet or no report yet for a period without a report of
    its own; closed after the pilot's closure. An ordinal score (fidelity 1-5) is
    no ratio: it shows as a point on its scale ("4 of 5"), on track at its target,
    at risk one step short.

    \b
    Example:
      scaletrack impact --pilot SEED-GR-01 --indicator EECO01 --json
    """
    document = read("impact", filters, point)
    if as_json:
        emit_json(document)
        return
    if not document["rows"]:
        emit_table([], IMPACT_COLUMNS, title="Impact")
    for (pilot, indicator, version), rows in itertools.groupby(
            document["rows"], key=lambda row: (row["pilot"], row["indicator"],
                                               row["indicator_version"])):
        _impact_table(f"{pilot}: {indicator} (definition {version})", list(rows))


IMPACT_COLUMNS = ["period", "unit", "baseline", "target", "actual", "target_to_date", "achieved",
                  "percent", "score", "status", "breakdown", "target_narrative", "narrative"]
TO_DATE = {"target_to_date": "target", "achieved": "actual"}
"""The to-date columns, and the period's own column they repeat for a snapshot."""


def _impact_table(title: str, rows: list[dict[str, Any]]) -> None:
    """One pilot's indicator, a period per row; columns nobody filled, and to-date
    figures that repeat the period's own, are left out; narratives have their own."""
    shown = [{**row, "status": ENGLISH.word(row["status"]),
              "percent": None if row["percent"] is None
              else f"{cell(row['percent'])}%{' (cap)' if row['capped'] else ''}",
              "score": row.get("score"),
              "breakdown": "\n".join(f"{dimension}: {_parts(parts)}"
                                     for dimension, parts in row["breakdown"].items())}
             for row in rows]
    columns = [column for column in IMPACT_COLUMNS
               if column in ("period", "status") or any(row[column] not in (None, "")
                                                        for row in shown)]
    columns = [column for column in columns if column not in TO_DATE or any(
        row[column] != row[TO_DATE[column]] for row in shown)]
    emit_table(shown, columns, title=title, optional=["narrative", "breakdown", "baseline"])


@click.command()
@filters("consortium", "country", "pilot", "indicator", saved=True)
def portfolio(filters: Any, as_json: bool, **point: Any) -> None:
    """Consortia by country; pilots by type, dimension, mechanism, stage; roll-ups.

    Counts of people and entities (incremental or cumulative) are summed, with
    their breakdowns and the part they do not break down ("unknown"); snapshots,
    rates and scores are shown per pilot, with their median. A pilot's results
    count in the countries it is scaled into: with --country, its country
    breakdown's part, and results not broken down by country are shown apart.
    ESF+ roll-ups count only indicators marked as ESF+ common indicators, in EU
    member states.

    \b
    Example:
      scaletrack portfolio --json
    """
    document = read("portfolio", filters, point)
    if as_json:
        emit_json(document)
        return
    emit_table(document["matrix"], ["consortium", "country", "member", "centre", "partners",
                                    "pilots", "origin_of"], title="Consortia by country")
    emit_table([{"by": aspect, "value": ENGLISH.word(value) if aspect == "stage" else value,
                 "pilots": count}
                for aspect, counts in document["pilots_by"].items()
                for value, count in counts.items()], ["by", "value", "pilots"],
               title="Pilots by type, dimension, mechanism and stage")
    where = ", ".join(document["roll_ups_countries"] or ["every country"])
    _roll_ups(document["roll_ups"], f"Roll-ups to date, in {where}")
    scope = document["esf_scope"]
    if scope["note"]:
        emit_note(f"ESF+ roll-ups: {scope['note']}.")
    else:
        left_out = ", ".join(scope["left_out"])
        _roll_ups(document["esf"], "ESF+ roll-ups to date (ESF+ common indicators in EU "
                  "member states" + (f"; not {left_out}" if left_out else "") + ")")


def _roll_ups(figures: list[dict[str, Any]], title: str) -> None:
    """Summed figures with their breakdowns (the country's apart), then the figures that do
    not add up, pilot by pilot."""
    emit_table([{**row, "total": row["total"] if row["aggregation"] == "sum"
                 else f"median {cell(row['median'])}",
                 "breakdown": "; ".join(f"{dimension}: {_parts(parts)}"
                                        for dimension, parts in row.get("by", {}).items()
                                        if dimension != "country" and parts),
                 "not_broken_down_by_country": (row.get("not_broken_down_by_country") or {}
                                                ).get("total")}
                for row in figures],
               ["indicator", "unit", "aggregation", "pilots", "total", "breakdown",
                "not_broken_down_by_country"], title=title)
    apart = [{"indicator": row["indicator"], "unit": row["unit"], **each}
             for row in figures for each in row.get("per_pilot", [])]
    if apart:
        emit_table(apart, ["indicator", "pilot", "period", "value", "unit"],
                   title="Not summed (snapshots, rates, scores): each pilot's latest figure")


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
    emit_table([{**row, "decision": ENGLISH.word(row["decision"]),
                 "details": details_text(row["details"])} for row in document["decisions"]],
               ["id", "occurred_on", "decision", "details", "actor", "reason", "corrected_by"],
               title="Decisions", optional=["reason", "corrected_by", "actor"])


@click.command()
@filters("consortium", "country", "pilot", "period", saved=True)
def quality(filters: Any, as_json: bool, **point: Any) -> None:
    """Data quality: lag, edits after a lock, mismatches, deviations, findings.

    Findings, each with a stable code: missing-report, missing-breakdown,
    duplicate-result, subgroup-above-total, cumulative-falls, outlier (over 3.5 robust
    standard deviations from the pilot's median), outside-pilot-dates,
    contradicts-decisions (providers commissioning beyond the adoptions logged),
    deviation-without-reason.

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
                                              "actor", "reason"], title="Edits after a lock",
               optional=["reason", "actor"])
    emit_table(document["disaggregation_mismatches"], ["id", "indicator", "period", "total",
                                                       "sums"], title="Disaggregation mismatches")
    emit_table(document["fidelity_deviations"], ["id", "component", "summary", "occurred_on",
                                                 "actor", "reason"],
               title="Fidelity deviations (core components adapted)")
    emit_table(document["findings"], ["pilot", "period", "code", "message"], title="Findings")


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
    from scaletrack.application.wording import ENGLISH

    rows = [{**event, "type": ENGLISH.word(event["type"].split(".", 1)[1]),
             "recorded": event["recorded_at"],
             "link": (f"{_verb(event['type'])} {event['corrects']}" if event["corrects"] else
                      f"corrected by {', '.join(event['corrected_by'])}"
                      if event["corrected_by"] else "")}
            for event in document["events"]]
    emit_table(rows, ["id", "type", "occurred_on", "recorded", "actor", "reason", "link"],
               title="Timeline", optional=["recorded", "reason", "link", "actor"])


MONEY_OPTIONAL = ["co_financing_rate", "participants", "stated_cost_per_beneficiary",
                  "cost_per_result", "national_contribution", "private_contribution"]
"""What a narrow terminal leaves out of the money per pilot, most valuable first: the
budget, payments, declarations, EU share and cost per participant stay (--json has all)."""


@click.command()
@filters("consortium", "country", "pilot", saved=True)
def finance(filters: Any, as_json: bool, **point: Any) -> None:
    """Per pilot: budget by source (committed, paid), contributions, expenditure, costs.

    The EU contribution is each commitment times its co-financing rate; the
    co-financing rate is the EU's share of all that is committed. Cost per
    participant is the expenditure declared divided by the participants to
    date (EECO01), cost per result the same per ESF+ result
    indicator (EECR..); both are computed, never typed. A finding
    cost-disagrees says the computed cost and the business model's stated
    cost per beneficiary are more than the cost factor apart.

    \b
    Example:
      scaletrack finance --pilot SEED-GR-01 --json
    """
    document = read("finance", filters, point)
    if as_json:
        emit_json(document)
        return
    emit_table(document["pilots"], ["pilot", "committed", "paid", "declared",
                                    "eu_contribution", "national_contribution",
                                    "private_contribution", "co_financing_rate",
                                    "participants", "cost_per_participant",
                                    "stated_cost_per_beneficiary", "cost_per_result"],
               title="Money per pilot (EUR)", optional=MONEY_OPTIONAL)
    emit_table(document["budget"], ["pilot", "funding_source", "committed", "paid"],
               title="Budget by source")
    emit_table(document["expenditure"],
               ["id", "period", "amount_eur", "cost_option", "units", "unit_cost_eur"],
               title="Expenditure declared", optional=["units", "unit_cost_eur"])
    emit_table(document["consortia"], ["consortium", "pilots", "committed", "paid",
                                       "declared", "eu_contribution", "co_financing_rate"],
               title="By consortium", optional=["co_financing_rate", "pilots"])
    emit_table(document["consortium_budget"], ["consortium", "funding_source", "committed",
                                               "paid"], title="By consortium and source")
    emit_table(document["findings"], ["code", "pilot", "entry", "message"],
               title=f"Findings (cost factor {cell(document['cost_factor'])})")


def _parts(parts: dict[str, Any]) -> str:
    """Categories and figures, e.g. "women 6, men 4"."""
    return ", ".join(f"{category} {cell(value)}" for category, value in parts.items())


def _verb(event_type: str) -> str:
    return "retracts" if event_type.endswith("retracted") else "corrects"
