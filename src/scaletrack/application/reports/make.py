"""A report's bytes from a store's views and the report's basis."""

from __future__ import annotations

from scaletrack.application.documents import plain
from scaletrack.application.queries import Filters, PointInTime
from scaletrack.application.queries.reading import ReadStore
from scaletrack.application.queries.views import NAMES, document
from scaletrack.application.reports.basis import Basis
from scaletrack.application.reports.content import build
from scaletrack.application.reports.render import render


def report_bytes(store: ReadStore, basis: Basis) -> bytes:
    """The report the basis asks for: every view's document at its point, built, rendered."""
    chosen = Filters(pilot=basis.pilot, consortium=basis.consortium)
    at = PointInTime(basis.as_of, basis.known_at)
    return render(build({name: plain(document(store, name, chosen, at)) for name in NAMES},
                        basis))
