"""``scaletrack pilot``: register pilots, list them, show one, read its history."""

from __future__ import annotations

from typing import Any

import click

from scaletrack.cli.context import session
from scaletrack.cli.options import (
    CODE,
    DATE,
    by_from,
    json_option,
    point_from,
    point_in_time_options,
    provenance_options,
)
from scaletrack.cli.render import Lines, emit_fields, emit_json, emit_table, say


@click.group()
def pilot() -> None:
    """Pilots: time-boxed tests of scaling one innovation into new contexts."""


@pilot.command()
@click.argument("code", type=CODE)
@click.option("--consortium", type=CODE, required=True, help="The consortium running it.")
@click.option("--title", required=True, help="Short title.")
@click.option("--innovation", required=True, help="The innovation being scaled.")
@click.option("--origin-country", required=True, metavar="CC",
              help="Where the innovation comes from.")
@click.option("--target-country", "target_countries", multiple=True, required=True,
              metavar="CC", help="A country it is scaled into (repeatable; consortium members).")
@click.option("--core", "core_components", multiple=True, metavar="TEXT",
              help="A core component: must be kept (repeatable).")
@click.option("--adaptable", "adaptable_components", multiple=True, metavar="TEXT",
              help="An adaptable component: may change (repeatable).")
@click.option("--starts-on", type=DATE, required=True, metavar="YYYY-MM-DD")
@click.option("--ends-on", type=DATE, required=True, metavar="YYYY-MM-DD")
@click.option("--originator-approval-required", is_flag=True,
              help="A deviation from a core component needs the originator's approval.")
@provenance_options
@json_option
def register(code: str, consortium: str, as_json: bool, **kwargs: Any) -> None:
    """Register a pilot under a consortium.

    \b
    Example:
      scaletrack pilot register SEED-SI-02 --consortium SEED --title "Digital SI lab" \\
        --innovation "Digital social innovation lab" --origin-country SI \\
        --target-country SI --core "Co-design method" --adaptable "Venue" \\
        --starts-on 2022-01-10 --ends-on 2023-06-30 --actor ana
    """
    from scaletrack.application.commands import RegisterPilot
    from scaletrack.application.summaries import pilot_summary

    by = by_from(kwargs)
    p = session().ledger().handle(RegisterPilot(code, consortium, **kwargs), by=by)
    emit_json(pilot_summary(p)) if as_json else click.echo(f"{p.code}@{p.version}")


@pilot.command()
@click.argument("code", type=CODE)
@click.option("--title", help="The new short title.")
@click.option("--innovation", help="The innovation being scaled, as it should read.")
@click.option("--target-country", "target_countries", multiple=True, metavar="CC",
              help="A country it is scaled into (repeatable; the whole new list; "
                   "consortium members).")
@click.option("--core", "core_components", multiple=True, metavar="TEXT",
              help="A core component (repeatable; the whole new list).")
@click.option("--adaptable", "adaptable_components", multiple=True, metavar="TEXT",
              help="An adaptable component (repeatable; the whole new list).")
@click.option("--ends-on", type=DATE, metavar="YYYY-MM-DD",
              help="The new last day (a later one extends the pilot).")
@provenance_options
@json_option
def amend(code: str, as_json: bool, **kwargs: Any) -> None:
    """Amend what the registration says (needs --reason); what is not given stays.

    The amendment holds from --occurred-on: the pilot as of an earlier day
    still reads as registered. Its code, consortium, origin country and
    start stay (a wrong one: register the pilot again under another code).

    \b
    Examples:
      scaletrack pilot amend SEED-GR-01 --title "Local SI mapping in twelve Greek cities" \\
        --reason "Two more cities joined" --actor ana
      scaletrack pilot amend SEED-GR-01 --ends-on 2023-12-31 --reason "Extension granted" \\
        --occurred-on 2023-05-15 --actor ana
    """
    from scaletrack.application.commands import AmendPilot
    from scaletrack.application.summaries import pilot_summary

    by = by_from(kwargs)
    changes = {name: (None if value == () else value) for name, value in kwargs.items()}
    p = session().ledger().handle(AmendPilot(code, **changes), by=by)
    emit_json(pilot_summary(p)) if as_json else click.echo(f"{p.code}@{p.version}")


@pilot.command("list")
@click.option("--consortium", type=CODE, help="Only this consortium's pilots.")
@json_option
def list_(consortium: str | None, as_json: bool) -> None:
    """List pilots.

    \b
    Example:
      scaletrack pilot list --consortium SEED --json
    """
    from scaletrack.application.queries.lists import pilot_list
    from scaletrack.application.wording import ENGLISH

    rows = pilot_list(session().read_store(), consortium)
    if as_json:
        emit_json(rows)
    else:
        emit_table([{**row, "stage": ENGLISH.word(row["stage"])} for row in rows],
                   ["code", "consortium", "title", "type", "stage", "countries"])


@pilot.command()
@click.argument("code", type=CODE)
@click.option("--version", type=click.IntRange(min=1), help="As it was after its N-th event.")
@point_in_time_options
@json_option
def show(code: str, version: int | None, as_json: bool, **kwargs: Any) -> None:
    """Show one pilot: stage, pathway, milestones, partners, risks, periods.

    With --as-of and/or --known-at, the pilot as it was then (overdue
    milestones are judged on the as-of day).

    \b
    Examples:
      scaletrack pilot show SEED-GR-01 --json
      scaletrack pilot show SEED-GR-01 --as-of 2022-06-30 --known-at 2022-07-15
      scaletrack pilot show SEED-GR-01 --version 12
    """
    from scaletrack.application.queries.show import pilot_show

    point = point_from(kwargs)
    ledger = session().ledger()
    if version is not None and not point.is_now:
        raise click.UsageError("--version cannot be combined with --as-of or --known-at")
    detail = pilot_show(ledger, code, point, version)
    if detail is None:
        say(f"{code} did not exist yet at that point ({point.words()}); nothing to show")
        emit_json(None) if as_json else None
        return
    emit_json(detail) if as_json else emit_fields(_readable(detail))


def _readable(detail: dict[str, Any]) -> dict[str, Any]:
    """Milestones (by due date), partners and periods one per line; codes in words."""
    from scaletrack.application.wording import ENGLISH

    def milestone(ref: str, m: dict[str, Any]) -> str:
        notes = [f"slipped {m['slips']}x" if m["slips"] else "", "overdue" if m["overdue"] else ""]
        extra = ", ".join(note for note in notes if note)
        return f"{ref}  due {m['due_on']}  {ENGLISH.word(m['status']):<9} {m['title']}" + (
            f" ({extra})" if extra else "")

    return {**detail, "stage": ENGLISH.word(detail["stage"]),
            "milestones": Lines(milestone(ref, m) for ref, m in detail["milestones"].items()),
            "partners": Lines(f"{name} ({country})"
                              for name, country in detail["partners"].items()),
            "periods": Lines(f"{period}  {ENGLISH.word(state)}"
                             for period, state in detail["periods"].items())}


@pilot.command()
@click.argument("code", type=CODE)
@point_in_time_options
@json_option
@click.option("--jsonl", is_flag=True, help="Print one JSON object per event (JSON Lines).")
def history(code: str, as_json: bool, jsonl: bool, **kwargs: Any) -> None:
    """The pilot's events in order, with both times, actor and reason.

    With --as-of / --known-at, only the events that point in time sees
    (corrections follow the entry they correct).

    \b
    Examples:
      scaletrack pilot history SEED-GR-01 --json
      scaletrack pilot history SEED-GR-01 --known-at 2022-07-15
    """
    from scaletrack.application.queries.history import pilot_history
    from scaletrack.cli import remote
    from scaletrack.cli.render import emit_jsonl

    point = point_from(kwargs)
    server = remote.remote()
    records = (remote.history(server, code, point) if server is not None
               else pilot_history(session().ledger(), code, point))
    if as_json:
        emit_json(records)
    elif jsonl:
        emit_jsonl(records)
    else:
        emit_table([_history_row(r) for r in records],
                   ["id", "what", "occurred_on", "recorded", "actor", "details"],
                   optional=["details", "recorded", "actor"])


def _history_row(record: dict[str, Any]) -> dict[str, Any]:
    """A history line for people: what happened in words, recorded-at to the minute, the
    event's fields labelled (as the pilot page's decision log) + reason."""
    from scaletrack.application.details import event_text
    from scaletrack.application.wording import ENGLISH

    pilot = record["id"].rpartition("@")[0]
    data = {**record["data"], **{ref: f"{pilot}@{record['data'][ref]}"
                                 for ref in ("corrects", "retracts")
                                 if record["data"].get(ref) is not None}}
    details = event_text(data)  # the entry corrected named as the table's ids name it
    if record["reason"]:
        details = f"{details} (why: {record['reason']})"
    return {"id": record["id"], "what": ENGLISH.word(record["type"].split(".", 1)[1]),
            "occurred_on": record["occurred_on"], "recorded": record["recorded_at"],
            "actor": record["actor"], "details": details}
