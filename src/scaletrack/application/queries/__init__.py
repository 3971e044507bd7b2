"""The read side's use cases: what the CLI asks the store, and what the HTTP API will.

Each query takes typed parameters and returns a plain document, the very
dicts and lists ``--json`` prints (exact figures as ``Decimal``, days as
``date``: ``application.documents.plain`` turns one into JSON's own types,
``application.documents.to_json`` into the text the CLI prints). Errors are the domain's
(``NotFound``, ``InvalidInput``), which every entry point maps to its codes.

The parameters:

- ``Filters(consortium=, country=, pilot=, indicator=, period=)``: what a view
  document is about (codes upper-case, country two letters, period YYYY-QN);
- ``PointInTime(as_of=date, known_at=datetime)``: valid time and transaction
  time; ``PointInTime()`` is now.

The queries (one module each; the lists and views need a ``ReadStore``, the
rest the ``Ledger`` itself):

- ``reading.ReadStore(ledger)``: the views of the ledger's store and the
  source of their events for its backend; close it when done (or ``with``).
- ``views.document(store, name, filters, at, *, tell=None, on_page=None) -> dict``:
  the view ``name`` (one of ``views.NAMES``) now or at a point.
- ``diff.view_diff(store, name, filters, before, after) -> dict`` and
  ``diff.pilot_diff(ledger, code, before, after) -> dict``: what differs
  between two points, and the events responsible.
- ``history.pilot_history(ledger, code, at) -> list[dict]``: a pilot's events.
- ``show.pilot_show(ledger, code, at, version) -> dict | None``,
  ``show.consortium_show(ledger, code)``, ``show.indicator_show(ledger, code)``.
- ``lists.pilot_list(store, consortium=None)``, ``lists.consortium_list(store)``,
  ``lists.indicator_list(store) -> list[dict]``: from the directory view.
- ``status.status(store) -> list[dict]``, ``status.rebuild(store, name=None)``:
  the views' positions, and rebuilding them (``status.PROJECTIONS`` names them).

``tell`` receives notes for the person asking (the point lies after now, or
sees nothing); ``on_page(position, head)`` is told how far a catch-up got.
"""

from scaletrack.application.timetravel import PointInTime
from scaletrack.projections.filters import Filters

__all__ = ["Filters", "PointInTime"]
