"""Where each view stands, and rebuilding views (``projections status`` / ``rebuild``)."""

from __future__ import annotations

import time

from scaletrack.application.documents import Document
from scaletrack.application.queries.reading import ReadStore
from scaletrack.projections.registry import VIEWS
from scaletrack.projections.runner import OnPage

PROJECTIONS = tuple(VIEWS)
"""Every view the store keeps (projection), in the order they are built. The view
documents (``views.NAMES``) read these."""


def status(store: ReadStore) -> list[Document]:
    """Each view's position in the store, the store's head, the lag and its state."""
    return store.models.status()


def rebuild(store: ReadStore, name: str | None = None, on_page: OnPage | None = None
            ) -> Document:
    """Rebuild one view (all when None) from the first event: which, how many events read,
    and how long it took."""
    started = time.perf_counter()
    events = store.models.rebuild([name] if name else None, on_page)
    seconds = time.perf_counter() - started
    return {"views": [name] if name else list(PROJECTIONS), "events": events,
            "seconds": round(seconds, 3)}
