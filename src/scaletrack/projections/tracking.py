"""How far each view has read the store: the eventsourcing library's tracking, in our tables.

One row per view holds the notification id of the last event applied to it.
The row is written in the same transaction as the view's rows, so a view and
its position can never disagree: that is what makes each event apply exactly
once. Like the library's own recorders, a position only moves forward, and
recording one that was already reached raises ``IntegrityError`` (the
transaction, rows included, is then rolled back).
"""

from __future__ import annotations

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder
from sqlalchemy import BigInteger, Connection, Engine, Integer, String, select, update
from sqlalchemy.orm import Mapped, mapped_column

from scaletrack.projections.database import ViewTable, table


class Position(ViewTable):
    __tablename__ = "scaletrack_view_tracking"

    view: Mapped[str] = mapped_column(String(40), primary_key=True)
    application_name: Mapped[str] = mapped_column(String(80))
    notification_id: Mapped[int] = mapped_column(BigInteger)
    """The last event applied; 0 before the first."""
    schema: Mapped[int] = mapped_column(Integer)
    """The version of the view's tables that the rows were written with."""


POSITIONS = table(Position)


class ViewTracking(TrackingRecorder):
    """The tracking recorder of one view, on the view's own database."""

    def __init__(self, engine: Engine, view: str, application_name: str) -> None:
        self.engine = engine
        self.view = view
        self.application_name = application_name

    # -- the library's TrackingRecorder interface, each call its own transaction --

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.engine.begin() as connection:
            self.record(connection, tracking)

    def max_tracking_id(self, application_name: str) -> int | None:
        with self.engine.connect() as connection:
            row = connection.execute(
                select(Position.notification_id).where(
                    Position.view == self.view,
                    Position.application_name == application_name)).first()
        return int(row[0]) if row and row[0] else None

    # -- within the caller's transaction ------------------------------------------

    def record(self, connection: Connection, tracking: Tracking) -> None:
        """Move the position forward to the tracked event, or raise IntegrityError."""
        moved = connection.execute(
            update(POSITIONS)
            .where(POSITIONS.c.view == self.view,
                   POSITIONS.c.application_name == tracking.application_name,
                   POSITIONS.c.notification_id < tracking.notification_id)
            .values(notification_id=tracking.notification_id))
        if moved.rowcount != 1:
            raise IntegrityError(f"view {self.view} has already applied event "
                                 f"{tracking.notification_id} of {tracking.application_name}")

    def position(self, connection: Connection, *, lock: bool = False) -> int:
        """The last event applied (0 if none); ``lock`` keeps other writers out until commit."""
        query = select(Position.notification_id).where(Position.view == self.view)
        if lock and connection.dialect.name == "postgresql":
            query = query.with_for_update()
        found = connection.execute(query).scalar()
        return int(found or 0)

    def schema(self, connection: Connection) -> int | None:
        """The table version the view was built with; None if it was never built."""
        found = connection.execute(select(Position.schema).where(Position.view == self.view))
        value = found.scalar()
        return None if value is None else int(value)

    def restart(self, connection: Connection, schema: int) -> None:
        """Back to before the first event, for a view being built from scratch."""
        connection.execute(POSITIONS.delete().where(POSITIONS.c.view == self.view))
        connection.execute(POSITIONS.insert().values(
            view=self.view, application_name=self.application_name, notification_id=0,
            schema=schema))
