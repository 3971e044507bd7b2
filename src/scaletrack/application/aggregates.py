"""The aggregates the ledger's commands change, and the noun each is called by.

They are named, not imported: a command imports only its own aggregate's module
(a pilot's write needs neither consortia nor organisations).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeVar, Union

if TYPE_CHECKING:
    from scaletrack.domain.consortium import Consortium
    from scaletrack.domain.indicator import Indicator
    from scaletrack.domain.organisation import Organisation
    from scaletrack.domain.pilot import Pilot

    Changed: TypeAlias = Consortium | Indicator | Organisation | Pilot
else:
    Changed = Union["Consortium", "Indicator", "Organisation", "Pilot"]
"""An aggregate a command changes (accounts have their own use cases)."""

AggregateT = TypeVar("AggregateT", "Consortium", "Indicator", "Organisation", "Pilot")

NOUNS: dict[str, str] = {"Consortium": "consortium", "Indicator": "indicator",
                         "Organisation": "organisation", "Pilot": "pilot"}
"""What messages, import columns and ``scaletrack NOUN list`` call each kind of aggregate,
by its class's name (see :func:`noun_of`)."""


def noun_of(cls: type[Changed]) -> str:
    """What messages, import columns and ``scaletrack NOUN list`` call a kind of aggregate."""
    return NOUNS[cls.__name__]
