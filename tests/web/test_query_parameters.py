"""Every page that takes query parameters refuses one it does not take: a mistyped
``?asof=`` would otherwise show today's view as if it were the one asked for."""

from __future__ import annotations

import html
import re

import pytest

from people import SignIn

PILOT = "SEED-GR-01"
POINT = "as_of, known_at"
PAGES = [("/", f"consortium, country, {POINT}"), (f"/pilots/{PILOT}", f"recorded, {POINT}"),
         (f"/pilots/{PILOT}/figures", f"indicator, period, {POINT}"),
         (f"/pilots/{PILOT}/history", f"recorded, {POINT}"),
         (f"/pilots/{PILOT}/diff", "from_as_of, from_known_at, to_as_of, to_known_at"),
         ("/centres", f"consortium, {POINT}"), ("/centres/SEED/GR", POINT),
         ("/periods", "decided"), ("/audit/bundle", "pilot, consortium"),
         ("/import/template", "kind, format"),
         (f"/pilots/{PILOT}/log", "kind, indicator, period, value, ")]


@pytest.mark.parametrize(("path", "takes"), PAGES, ids=[path for path, _ in PAGES])
def test_a_page_refuses_a_query_parameter_it_does_not_take(as_: SignIn, path: str,
                                                           takes: str) -> None:
    page = as_("admin").get(f"{path}?asof=2022-06-30")

    assert page.status_code == 400
    shown = html.unescape(page.text)
    (said,) = re.findall(r'<p class="error" role="alert">([^<]*)</p>', shown)
    assert said == "this page takes no query parameter asof"
    assert f"it takes {takes}" in shown


@pytest.mark.parametrize("path", [path for path, takes in PAGES if "as_of" in takes.split(", ")])
def test_a_page_at_a_point_still_takes_its_parameters(as_: SignIn, path: str) -> None:
    assert as_("admin").get(f"{path}?as_of=2022-06-30&known_at=").status_code == 200
