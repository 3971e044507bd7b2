"""The store's settings: how the views rate a pilot's results against its targets.

Settings are events like everything else, so a change is audited (who, when,
why) and every view at a point in time rates by the settings the store held
at that point's known-at moment. There is one settings aggregate per store;
its first change creates it, and until then the defaults hold.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from eventsourcing.domain import Aggregate
from pydantic import Field

from scaletrack.domain.envelope import Provenance, Recorded, aggregate_id, record, start
from scaletrack.domain.errors import InvalidInput, RuleViolation

DEFAULT_ON_TRACK = Decimal(90)
DEFAULT_AT_RISK = Decimal(60)
CODE = "settings"
"""The settings' code, as event ids name it (``settings@2``)."""

Thresholds = tuple[Decimal, Decimal, Decimal | None]
"""On track from, at risk from, and the cap (None: none)."""
DEFAULTS: Thresholds = (DEFAULT_ON_TRACK, DEFAULT_AT_RISK, None)

Percent = Annotated[Decimal, Field(ge=0, le=10000, max_digits=6, decimal_places=1)]
"""A threshold or cap, in percent of the target achieved (one decimal)."""


class Settings(Aggregate):
    """The status thresholds and the cap on over-achievement."""

    class Event(Recorded):
        pass

    class Created(Event, Aggregate.Created):
        TYPE = "settings.created"
        code: Literal["settings"]

        def apply(self, settings: Any) -> None:
            settings.rating = None

    class RatingChanged(Event):
        TYPE = "settings.rating-changed"
        on_track: Percent
        at_risk: Percent
        cap: Percent | None

        def apply(self, settings: Any) -> None:
            settings.rating = (self.on_track, self.at_risk, self.cap)

    def __init__(self) -> None:
        self.rating: Thresholds | None = None

    @staticmethod
    def id_for(code: str = CODE) -> UUID:
        return aggregate_id("settings", CODE)

    @classmethod
    def create(cls, by: Provenance) -> Settings:
        return start(cls, cls.Created, cls.id_for(), by, code=CODE)

    @property
    def code(self) -> str:
        return CODE

    @property
    def current_rating(self) -> Thresholds:
        return self.rating or DEFAULTS

    def change_rating(self, on_track: Decimal | None, at_risk: Decimal | None,
                      cap: Decimal | None, by: Provenance, *, no_cap: bool = False) -> None:
        """New thresholds or cap (None: keep that one; ``no_cap`` removes the cap)."""
        if not (by.reason and by.reason.strip()):
            raise RuleViolation("reason-required", "a change of the rating settings needs a "
                                "reason", field="reason", hint="give --reason")
        if on_track is None and at_risk is None and cap is None and not no_cap:
            raise InvalidInput("the change of the rating settings names nothing to change",
                               hint="give a threshold, the cap or no cap")
        held = self.current_rating
        wanted = (held[0] if on_track is None else on_track,
                  held[1] if at_risk is None else at_risk,
                  None if no_cap else (held[2] if cap is None else cap))
        if wanted[1] >= wanted[0]:
            raise RuleViolation("thresholds-out-of-order",
                                f"the at-risk threshold ({_shown(wanted[1])}) must be "
                                f"below the on-track one ({_shown(wanted[0])})", field="at_risk")
        if wanted[2] is not None and wanted[2] < max(wanted[0], Decimal(100)):
            raise RuleViolation("cap-below-target",
                                f"a cap on over-achievement ({_shown(wanted[2])}) is 100% or "
                                f"more and not below the on-track threshold "
                                f"({_shown(wanted[0])})",
                                field="cap")
        if wanted == held:
            raise RuleViolation("settings-change-nothing",
                                "the rating settings are already "
                                f"{_words(wanted)}", hint="give the values that change")
        record(self, self.RatingChanged, by, on_track=wanted[0], at_risk=wanted[1],
               cap=wanted[2])


def _words(rating: Thresholds) -> str:
    cap = "no cap" if rating[2] is None else f"cap {_shown(rating[2])}"
    return f"on track {_shown(rating[0])}, at risk {_shown(rating[1])}, {cap}"


def _shown(percent: Decimal) -> str:
    return f"{percent.normalize():f}%"
