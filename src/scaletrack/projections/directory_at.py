"""The directory as a point in time saw it, within one read transaction.

Consortia, pilots and indicators are few beside the events about them, and
every view reads the directory through the same tables (codes, a pilot's
consortium, countries, pathway and stage, the indicators' definitions). So
at a point the directory's own facts that the point sees (``DirectoryFact``,
an indexed query on both times) are folded by the directory's own handlers
into temporary tables of the same names, which the transaction's queries
then read in place of the live ones (a temporary table hides the table of
the same name on SQLite and on PostgreSQL). Only the consortia, the
indicators and the pilots the filters can select are folded: a pilot's code,
consortium and countries never change, so the live directory says which.
The temporary tables are dropped when the block ends (or, if it fails,
with the transaction's rollback).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.schema import CreateTable

from scaletrack.projections.bitemporal import Point
from scaletrack.projections.database import table
from scaletrack.projections.directory import Directory
from scaletrack.projections.facts import Fact
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries.selection import selected
from scaletrack.projections.tables import (
    DirectoryFact,
    ImpactEntry,
    ImpactFigures,
    ProgressEvent,
    RatingSetting,
    TimelineEvent,
)
from scaletrack.projections.tracking import ViewTracking

FOLDED = tuple(table(model) for model in Directory.tables
               if model not in (DirectoryFact, RatingSetting))
"""The tables a point folds anew (the rating settings are read by the point's moment
alone: :mod:`scaletrack.projections.queries.rating`)."""


class _PointDirectory(Directory):
    """The directory's handlers, folding into the point's tables (and keeping no facts)."""

    kept = False


@contextmanager
def directory_at(connection: Connection, point: Point, filters: Filters) -> Iterator[None]:
    """Within the block, the directory tables of ``connection`` are those of ``point``."""
    if point.is_now:
        yield
        return
    facts = _seen(connection, point, filters)
    temporary = "pg_temp" if connection.dialect.name == "postgresql" else "temp"
    _create(connection)
    view = _PointDirectory(ViewTracking(connection.engine, Directory.name, "point"))
    if facts:
        view.fold(connection, facts)
    yield
    # Only when the block succeeds: a failed one rolls its transaction back, creation
    # of the temporary tables included (on PostgreSQL, after an error the transaction
    # would take no statement).
    for model in FOLDED:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {temporary}.{model.name}")


def _seen(connection: Connection, point: Point, filters: Filters) -> list[Fact]:
    """The directory's facts the point sees, of the subjects the filters may select, in
    the store's order (each family read through the index on family and subject)."""
    facts = table(DirectoryFact)
    pilots = facts.c.family == "pilot"
    if filters.consortium or filters.pilot or filters.country:
        pilots = pilots & facts.c.subject.in_(selected(filters, ever=True))
    found: list[Any] = []
    for about in (facts.c.family.in_(("consortium", "indicator", "settings")), pilots):
        found += connection.execute(
            select(facts.c.position, facts.c.subject, facts.c.version, facts.c.type,
                   facts.c.state).where(about, point.holds(facts))).all()
    return [Fact(position, subject, version, kind, json.loads(state), state)
            for position, subject, version, kind, state in sorted(found)]


_DDL: dict[str, list[str]] = {}


def _create(connection: Connection) -> None:
    """The point's directory tables: temporary, named as the live ones."""
    dialect = connection.dialect
    statements = _DDL.get(dialect.name)
    if statements is None:
        statements = _DDL[dialect.name] = [
            str(CreateTable(model).compile(dialect=dialect)).strip().replace(
                "CREATE TABLE", "CREATE TEMPORARY TABLE", 1) for model in FOLDED]
    for statement in statements:
        connection.exec_driver_sql(statement)


def sees_anything(connection: Connection, point: Point, views: Collection[str]) -> bool:
    """Whether the point sees any event that the directory or the named views hold."""
    entries, figures = table(ImpactEntry), table(ImpactFigures)
    held = {"directory": select(table(DirectoryFact).c.position)
            .where(point.holds(table(DirectoryFact))),
            "timeline": select(table(TimelineEvent).c.position)
            .where(point.holds(table(TimelineEvent))),
            "progress": select(table(ProgressEvent).c.version)
            .where(point.holds(table(ProgressEvent))),
            "impact": select(entries.c.version).join(figures, (
                figures.c.subject == entries.c.subject)
                & (figures.c.version == entries.c.version)).where(point.holds(entries, figures))}
    return any(connection.execute(held[name].limit(1)).first() is not None
               for name in ("directory", *views) if name in held)
