"""The aggregates the ledger's commands change, and the noun each is called by."""

from __future__ import annotations

from typing import TypeVar

from scaletrack.domain.consortium import Consortium
from scaletrack.domain.indicator import Indicator
from scaletrack.domain.organisation import Organisation
from scaletrack.domain.pilot import Pilot

Changed = Consortium | Indicator | Organisation | Pilot
"""An aggregate a command changes (accounts have their own use cases)."""

AggregateT = TypeVar("AggregateT", Consortium, Indicator, Organisation, Pilot)

NOUNS: dict[type[Changed], str] = {Consortium: "consortium", Indicator: "indicator",
                                   Organisation: "organisation", Pilot: "pilot"}
"""What messages, import columns and ``scaletrack NOUN list`` call each kind of aggregate."""
