"""The competence centres' pages: every centre, and one centre's ecosystem map, action plan
and activities, each the HTML rendering of the document ``GET /api/v1/centres...`` answers
at the point the URL names (everyone signed in reads them, at any point)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from scaletrack.application.access import Action
from scaletrack.application.documents import plain
from scaletrack.application.queries import centres
from scaletrack.web.pages import POINT_PARAMETERS, PageRoute, Viewer

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/centres")
def centre_list(page: Viewer, consortium: str | None = None) -> Response:
    """Every centre (or a consortium's) and how far its map, plan and activities came."""
    page.require_known_query(("consortium", *POINT_PARAMETERS))
    page.require(Action.READ_CENTRES)
    code = consortium.strip().upper() if consortium else None
    rows = plain(centres.centre_list(page.ledger, code, page.point.at))
    for row in rows:
        row["href"] = page.link(f"/centres/{row['consortium']}/{row['country']}")
    return page.render("centres.html", centres=rows, consortium=code)


@router.get("/centres/{consortium}/{country}")
def centre(page: Viewer, consortium: str, country: str) -> Response:
    """One centre: who is on its map, their needs and connections; its plan's progress;
    its capacity building, networking and exchange."""
    page.require_known_query(POINT_PARAMETERS)
    page.require(Action.READ_CENTRES)
    at = page.point.at
    found = plain(centres.centre_map(page.ledger, consortium, country, at))
    plan = plain(centres.action_plan(page.ledger, consortium, country, at))
    activities = plain(centres.activities(page.ledger, consortium, country, at))
    return page.render("centre.html", map=found, plan=plan, activities=activities,
                       back=page.link("/centres", consortium=found["consortium"]))
