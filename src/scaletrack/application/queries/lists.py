"""The lists of pilots, consortia and indicators, read from the directory view.

The directory holds each aggregate's summary as it stands, so a list reads
one view brought up to date instead of loading every aggregate.
"""

from __future__ import annotations

from scaletrack.application.documents import Document
from scaletrack.application.queries.reading import ReadStore
from scaletrack.projections.queries import directory
from scaletrack.projections.runner import OnPage


def pilot_list(store: ReadStore, consortium: str | None = None, *,
               on_page: OnPage | None = None) -> list[Document]:
    """Every pilot (or only a consortium's) as ``pilot show`` summarises it, by code."""
    with store.current(directory.USES, on_page) as connection:
        return directory.pilots(connection, consortium)


def consortium_list(store: ReadStore, *, on_page: OnPage | None = None) -> list[Document]:
    with store.current(directory.USES, on_page) as connection:
        return directory.consortia(connection)


def indicator_list(store: ReadStore, *, on_page: OnPage | None = None) -> list[Document]:
    """The indicator catalogue: each indicator's current definition."""
    with store.current(directory.USES, on_page) as connection:
        return directory.indicators(connection)
