"""The store's settings: change how the views rate results, and show it.

The settings are one aggregate (:mod:`scaletrack.domain.settings`); its first change
creates it. The views read the changes from the directory, by the moment each was
recorded (:mod:`scaletrack.projections.queries.rating`).
"""

from __future__ import annotations

from decimal import Decimal

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from scaletrack.application.documents import Document
from scaletrack.application.ledger import Ledger
from scaletrack.domain.envelope import Provenance
from scaletrack.domain.errors import ConcurrentChange
from scaletrack.domain.settings import CODE, DEFAULTS, Settings


def current(ledger: Ledger) -> Settings | None:
    """The settings as they stand; None while nothing was ever changed (the defaults)."""
    try:
        found: Settings = ledger.repository.get(Settings.id_for())
    except AggregateNotFoundError:
        return None
    return found


def change_rating(ledger: Ledger, *, on_track: Decimal | None, at_risk: Decimal | None,
                  cap: Decimal | None, no_cap: bool, by: Provenance) -> Settings:
    """New status thresholds or cap on over-achievement (None keeps what holds)."""
    settings = current(ledger) or Settings.create(by)
    settings.change_rating(on_track, at_risk, cap, by, no_cap=no_cap)
    try:
        ledger.save(settings)
    except IntegrityError:
        raise ConcurrentChange("the settings changed meanwhile",
                               hint="see scaletrack settings show and retry") from None
    return settings


def settings_show(ledger: Ledger) -> Document:
    """The rating settings that hold now, and every change of them (oldest first)."""
    settings = current(ledger)
    on_track, at_risk, cap = settings.current_rating if settings else DEFAULTS
    changes = [] if settings is None else [
        {"id": f"{CODE}@{event.originator_version}", "recorded_at": event.recorded_at,
         "actor": event.actor, "reason": event.reason, "on_track": event.on_track,
         "at_risk": event.at_risk, "cap": event.cap}
        for event in ledger.events.get(settings.id)
        if isinstance(event, Settings.RatingChanged)]
    return {"rating": {"on_track": on_track, "at_risk": at_risk, "cap": cap,
                       "settings_version": settings.version if settings else None},
            "changes": changes}
