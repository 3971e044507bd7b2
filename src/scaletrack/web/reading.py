"""The read side as the pages ask it: the application's queries, never written again here.

One ``ReadStore`` per app (the views of the server's store), used one request
at a time: bringing a view up to date writes its tracking position, and two
catch-ups at once would both try to.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from scaletrack.application.documents import Document, plain
from scaletrack.application.queries import diff, history, lists, show, views
from scaletrack.application.queries.reading import ReadStore
from scaletrack.application.timetravel import PointInTime
from scaletrack.audit.verify import head_digest
from scaletrack.projections.filters import EVERYTHING, Filters
from scaletrack.web.pages import Page

_lock = threading.Lock()


def _store(page: Page) -> ReadStore:
    app_state = page.request.app.state
    found = getattr(app_state, "web_read_store", None)
    if found is None:
        found = app_state.web_read_store = ReadStore(page.ledger)
    assert isinstance(found, ReadStore)
    return found


def view(page: Page, name: str, filters: Filters = EVERYTHING) -> Document:
    """The view ``name`` at the page's point, in JSON's own types (what the API answers)."""
    with _lock:
        document = views.document(_store(page), name, filters, page.point.at)
    found: Document = plain(document)
    return found


def pilot(page: Page, code: str) -> Document | None:
    with _lock:
        found = show.pilot_show(page.ledger, code, page.point.at)
    return None if found is None else dict(plain(found))


def pilot_history(page: Page, code: str) -> list[Document]:
    with _lock:
        records = history.pilot_history(page.ledger, code, page.point.at)
    found: list[Document] = plain(records)
    return found


def pilots(page: Page, consortium: str | None = None) -> list[Document]:
    with _lock:
        found: list[Document] = plain(lists.pilot_list(_store(page), consortium))
    return found


def indicators(page: Page) -> list[Document]:
    with _lock:
        found: list[Document] = plain(lists.indicator_list(_store(page)))
    return found


def submitter(page: Page, code: str, period: str) -> str | None:
    """Who submitted a pilot's period report last (separation of duties asks)."""
    from scaletrack.server.writes import submitted_by

    with _lock:
        return submitted_by(page.server, code, period)


def events_behind(page: Page, name: str, filters: Filters, since: datetime) -> Document:
    """The events behind a view's figures at the page's point: what ``diff`` names between
    ``since`` (when the pilot was registered: its figures were all empty) and that point,
    for the same view and filters."""
    with _lock:
        found: Document = plain(diff.view_diff(_store(page), name, filters,
                                               PointInTime(known_at=since), page.point.at))
    return found


def view_diff(page: Page, name: str, filters: Filters, before: PointInTime,
              after: PointInTime) -> Document:
    with _lock:
        found: Document = plain(diff.view_diff(_store(page), name, filters, before, after))
    return found


def digest(page: Page) -> str:
    """The store's head digest as a person pastes it into a report."""
    with _lock:
        line: str = head_digest(page.ledger).line
    return line


def close(app_state: Any) -> None:
    found = getattr(app_state, "web_read_store", None)
    if found is not None:
        found.close()
