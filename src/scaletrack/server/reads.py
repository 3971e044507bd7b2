"""Reads: every view with the CLI's filters, now or at a point; a pilot's events; lists,
show and diff. Each answers the very document the CLI's ``--json`` prints, from the
same application query (scaletrack.application.queries)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from queue import Empty, Queue
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from scaletrack.application.access import Action, require
from scaletrack.application.documents import plain
from scaletrack.application.queries import Filters, diff, history, lists, show, views
from scaletrack.application.queries.reading import ReadStore
from scaletrack.application.timetravel import PointInTime, parse_moment
from scaletrack.domain.account import Account
from scaletrack.domain.errors import InvalidInput, NotFound
from scaletrack.domain.vocabulary import canonical
from scaletrack.server.auth import ServerState, current_account, state
from scaletrack.server.query import KnownQueryRoute

router = APIRouter(prefix="/api/v1", route_class=KnownQueryRoute)
Signed = Annotated[Account, Depends(current_account)]

CODE = r"^[A-Za-z0-9][A-Za-z0-9_-]{1,39}$"
Code = Annotated[str | None, Query(pattern=CODE, description="a code, e.g. SEED-GR-01")]
Period = Annotated[str | None, Query(pattern=r"^20\d\d-[Qq][1-4]$", description="YYYY-QN")]
Country = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="two letters")]
AsOf = Annotated[date | None, Query(description="valid time: what had happened by this day")]
KnownAt = Annotated[str | None, Query(description="transaction time: what had been "
                                      "recorded by this moment (ISO 8601; a bare date is "
                                      "the end of that day; no zone is UTC)")]

READERS = 4
"""Read stores a server process keeps (each has its own connections)."""


class ReadStores:
    """A few read stores shared by the request threads, one request at a time each."""

    def __init__(self, server: ServerState) -> None:
        self.server = server
        self.idle: Queue[ReadStore] = Queue()
        self.made = 0
        self.lock = threading.Lock()

    @contextmanager
    def one(self) -> Iterator[ReadStore]:
        try:
            store = self.idle.get_nowait()
        except Empty:
            with self.lock:
                make = self.made < READERS
                self.made += make
            store = ReadStore(self.server.ledger) if make else self.idle.get()
        try:
            yield store
        finally:
            self.idle.put(store)

    def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().close()


_POOLS: dict[int, ReadStores] = {}


def read_stores(server: ServerState) -> ReadStores:
    """The server's read stores (made on its first read, closed with it): every read of
    the views, the API's and the pages', goes through them."""
    found = _POOLS.get(id(server))
    if found is None:
        found = _POOLS[id(server)] = ReadStores(server)
        server.on_close.append(lambda: _close_pool(id(server)))
    return found


def _close_pool(key: int) -> None:
    pool = _POOLS.pop(key, None)
    if pool is not None:
        pool.close()


def point(as_of: date | None, known_at: str | None) -> PointInTime:
    try:
        moment = parse_moment(known_at) if known_at else None
    except InvalidInput as error:
        raise InvalidInput(error.message, field="known_at", hint=error.hint) from None
    return PointInTime(as_of=as_of, known_at=moment)


def _reading(account: Account, at: PointInTime) -> None:
    require(account, Action.READ if at.is_now else Action.READ_AT_POINT)


def _upper(code: str | None) -> str | None:
    return canonical(code) if code else None


def answer(document: Any) -> JSONResponse:
    return JSONResponse(plain(document))


@router.get("/views/{name}", tags=["views"])
def view(name: str, request: Request, account: Signed, consortium: Code = None,
         country: Country = None, pilot: Code = None, indicator: Code = None,
         period: Period = None, as_of: AsOf = None, known_at: KnownAt = None,
         format: Annotated[Literal["json", "csv", "xlsx"], Query(
             description="json (the document), or the file `--format csv|xlsx` writes")
         ] = "json") -> Any:
    """A view's document, as ``scaletrack NAME --json`` prints it (progress, impact,
    portfolio, decisions, quality, timeline, finance); filters a view does not take are
    ignored, a query parameter none of them is refused (400).
    With ``format`` csv or xlsx, the file ``scaletrack NAME --format ... -o`` writes."""
    at = point(as_of, known_at)
    _reading(account, at)
    filters = Filters(consortium=_upper(consortium), country=_upper(country),
                      pilot=_upper(pilot), indicator=_upper(indicator), period=_upper(period))
    with read_stores(state(request)).one() as store:
        document = views.document(store, name, filters, at)
    if format == "json":
        return answer(document)
    from scaletrack.server.downloads import view_file

    asked = {**filters.describe(), "as_of": as_of,
             "known_at": at.known_at}
    return view_file(state(request), name, document, asked, format)


@router.get("/pilots/{code}/events", tags=["pilots"])
def pilot_events(code: str, request: Request, account: Signed, as_of: AsOf = None,
                 known_at: KnownAt = None) -> Any:
    """A pilot's events, as ``pilot history --json`` prints them."""
    at = point(as_of, known_at)
    _reading(account, at)
    return answer(history.pilot_history(state(request).ledger, canonical(code), at))


@router.get("/pilots", tags=["pilots"])
def pilots(request: Request, account: Signed, consortium: Code = None) -> Any:
    """Every pilot (or a consortium's), as ``pilot list --json``."""
    require(account, Action.READ)
    with read_stores(state(request)).one() as store:
        return answer(lists.pilot_list(store, _upper(consortium)))


@router.get("/pilots/{code}", tags=["pilots"])
def pilot(code: str, request: Request, account: Signed, as_of: AsOf = None,
          known_at: KnownAt = None,
          version: Annotated[int | None, Query(ge=1)] = None) -> Any:
    """One pilot, as ``pilot show --json`` (after its VERSION-th event, or at a point)."""
    at = point(as_of, known_at)
    _reading(account, at)
    if version is not None and not at.is_now:
        raise InvalidInput("version cannot be combined with as_of or known_at",
                           field="version")
    found = show.pilot_show(state(request).ledger, canonical(code), at, version)
    if found is None:
        raise NotFound(f"{code.upper()} did not exist yet at that point")
    return answer(found)


def _catalogue(plural: str, noun: str, listing: Any, showing: Any) -> None:
    """``GET /{plural}`` (``{noun} list --json``) and ``GET /{plural}/{code}``
    (``{noun} show --json``), for consortia and indicators alike."""

    @router.get(f"/{plural}", tags=[plural], name=f"{plural}",
                summary=f"Every {noun}, as `{noun} list --json`")
    def every(request: Request, account: Signed) -> Any:
        require(account, Action.READ)
        with read_stores(state(request)).one() as store:
            return answer(listing(store))

    @router.get(f"/{plural}/{{code}}", tags=[plural], name=f"{noun}",
                summary=f"One {noun}, as `{noun} show --json`")
    def one(code: str, request: Request, account: Signed) -> Any:
        require(account, Action.READ)
        return answer(showing(state(request).ledger, canonical(code)))


_catalogue("consortia", "consortium", lists.consortium_list, show.consortium_show)
_catalogue("indicators", "indicator", lists.indicator_list, show.indicator_show)


@router.get("/diff/views/{name}", tags=["diff"])
def view_diff(name: str, request: Request, account: Signed, as_of: AsOf = None,
              known_at: KnownAt = None, to_as_of: AsOf = None, to_known_at: KnownAt = None,
              consortium: Code = None, country: Country = None, pilot: Code = None,
              indicator: Code = None, period: Period = None) -> Any:
    """What differs in a view between two points (``scaletrack diff NAME --json``)."""
    require(account, Action.DIFF)
    filters = Filters(consortium=_upper(consortium), country=_upper(country),
                      pilot=_upper(pilot), indicator=_upper(indicator), period=_upper(period))
    with read_stores(state(request)).one() as store:
        return answer(diff.view_diff(store, name, filters, point(as_of, known_at),
                                     point(to_as_of, to_known_at)))


@router.get("/diff/pilots/{code}", tags=["diff"])
def pilot_diff(code: str, request: Request, account: Signed, as_of: AsOf = None,
               known_at: KnownAt = None, to_as_of: AsOf = None,
               to_known_at: KnownAt = None) -> Any:
    """What differs in a pilot between two points (``scaletrack diff pilot CODE --json``)."""
    require(account, Action.DIFF)
    return answer(diff.pilot_diff(state(request).ledger, canonical(code),
                                  point(as_of, known_at), point(to_as_of, to_known_at)))
