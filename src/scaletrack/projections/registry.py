"""Every view, by name."""

from __future__ import annotations

from scaletrack.projections.decisions import Decisions
from scaletrack.projections.directory import Directory
from scaletrack.projections.finance import Finance
from scaletrack.projections.impact import Impact
from scaletrack.projections.progress import Progress
from scaletrack.projections.quality import Quality
from scaletrack.projections.timeline import Timeline
from scaletrack.projections.view import View

VIEWS: dict[str, type[View]] = {
    view.name: view for view in (Directory, Progress, Impact, Decisions, Quality, Timeline,
                                  Finance)
}
"""The views in the order they are built."""
