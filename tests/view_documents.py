"""Every view's JSON document read from a database, as ``scaletrack VIEW --json`` prints it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Engine

from scaletrack.cli.render import to_json
from scaletrack.projections.database import reading
from scaletrack.projections.filters import Filters
from scaletrack.projections.queries import decisions, impact, portfolio, progress, quality, timeline


def documents(engine: Engine, today: date) -> dict[str, Any]:
    every = Filters()
    with reading(engine) as connection:
        found = {"progress": progress.progress(connection, every, today),
                 "impact": impact.impact(connection, every, today=today),
                 "portfolio": portfolio.portfolio(connection, every),
                 "decisions": decisions.decisions(connection, every),
                 "quality": quality.quality(connection, every, today),
                 "timeline": timeline.timeline(connection, every)}
    loaded: dict[str, Any] = json.loads(to_json(found))
    return loaded
