"""The stored type names of events, by family, as the views select them."""

from __future__ import annotations

from scaletrack.domain import pilot_events as ev
from scaletrack.domain.account import Account
from scaletrack.domain.envelope import every_event_type

EVENT_TYPES = every_event_type()
ALL = tuple(kind for kind, cls in EVENT_TYPES.items() if not issubclass(cls, Account.Event))
"""Every event about the programme (accounts are the server's, not the views')."""
PILOT = tuple(kind for kind, cls in EVENT_TYPES.items() if issubclass(cls, ev.PilotEvent))
ENTRIES = tuple(kind for kind, cls in EVENT_TYPES.items() if issubclass(cls, ev.Entry))
"""Entries: the events a correction or retraction may name."""
MILESTONES = tuple(cls.TYPE for cls in (ev.MilestonePlanned, ev.MilestoneAchieved,
                                        ev.MilestoneSlipped, ev.MilestoneDropped))
"""Milestone events: not entries, but an approved quarter's lock covers them too."""
CORRECTED = ev.EntryCorrected.TYPE
RETRACTED = ev.EntryRetracted.TYPE
