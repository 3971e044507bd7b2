"""The rating settings a view rates by at a point: the latest change the store knew at the
point's known-at moment (now: the latest), whatever day the point is about."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, select

from scaletrack.projections.bitemporal import NOW, Point
from scaletrack.projections.database import table
from scaletrack.projections.rules import DEFAULT, Rating
from scaletrack.projections.tables import RatingSetting


def rating(connection: Connection, point: Point = NOW) -> Rating:
    settings = table(RatingSetting)
    query = (select(settings.c.version, settings.c.on_track, settings.c.at_risk, settings.c.cap)
             .order_by(settings.c.position.desc()).limit(1))
    if point.moment is not None:
        query = query.where(settings.c.since <= point.moment)
    found = connection.execute(query).first()
    if found is None:
        return DEFAULT
    version, on_track, at_risk, cap = found
    return Rating(Decimal(on_track), Decimal(at_risk), None if cap is None else Decimal(cap),
                  version)
