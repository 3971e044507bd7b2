"""The read side as the pages ask it: the application's queries, never written again here.

Views are read from the server's own read stores (scaletrack.server.reads), the
ones its JSON API reads, each used by one request at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from scaletrack.application.documents import Document, plain
from scaletrack.application.queries import diff, history, lists, show, views
from scaletrack.application.queries.reading import ReadStore
from scaletrack.application.timetravel import PointInTime
from scaletrack.audit.verify import head_digest, head_known_at
from scaletrack.projections.filters import EVERYTHING, Filters
from scaletrack.server import reads
from scaletrack.web.pages import Page


@contextmanager
def _store(page: Page) -> Iterator[ReadStore]:
    with reads.read_stores(page.server).one() as store:
        yield store


def view(page: Page, name: str, filters: Filters = EVERYTHING) -> Document:
    """The view ``name`` at the page's point, in JSON's own types (what the API answers)."""
    with _store(page) as store:
        document = views.document(store, name, filters, page.point.at)
    found: Document = plain(document)
    return found


def pilot(page: Page, code: str) -> Document | None:
    found = show.pilot_show(page.ledger, code, page.point.at)
    return None if found is None else dict(plain(found))


def pilot_history(page: Page, code: str) -> list[Document]:
    records = history.pilot_history(page.ledger, code, page.point.at)
    found: list[Document] = plain(records)
    return found


def pilots(page: Page, consortium: str | None = None) -> list[Document]:
    with _store(page) as store:
        found: list[Document] = plain(lists.pilot_list(store, consortium))
    return found


def indicators(page: Page) -> list[Document]:
    with _store(page) as store:
        found: list[Document] = plain(lists.indicator_list(store))
    return found


def submitter(page: Page, code: str, period: str) -> str | None:
    """Who submitted a pilot's period report last (separation of duties asks)."""
    from scaletrack.server.writes import submitted_by

    return submitted_by(page.server, code, period)


def events_behind(page: Page, name: str, filters: Filters, since: datetime) -> Document:
    """The events behind a view's figures at the page's point: what ``diff`` names between
    ``since`` (when the pilot was registered: its figures were all empty) and that point,
    for the same view and filters."""
    with _store(page) as store:
        found: Document = plain(diff.view_diff(store, name, filters,
                                               PointInTime(known_at=since), page.point.at))
    return found


def view_diff(page: Page, name: str, filters: Filters, before: PointInTime,
              after: PointInTime) -> Document:
    with _store(page) as store:
        found: Document = plain(diff.view_diff(store, name, filters, before, after))
    return found


def digest(page: Page) -> str:
    """The store's head digest at the page's known-at moment (now if none), as a person
    pastes it into a report: the same line as ``scaletrack digest --known-at``."""
    known_at = page.point.at.known_at
    head = head_known_at(page.ledger, known_at) if known_at else head_digest(page.ledger)
    line: str = head.line
    return line
