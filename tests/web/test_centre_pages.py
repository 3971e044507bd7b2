"""The centres' pages through the ASGI app, for every role: every centre, and one centre's
map, plan and activities, now and as of a day of the demo."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

import pytest

from people import PEOPLE, SignIn

READERS = sorted(PEOPLE)


@pytest.mark.parametrize("login", READERS)
def test_every_role_reads_every_centre_and_one_centre_s_map_and_plan(
        as_: SignIn, login: str) -> None:
    client = as_(login)
    listing = client.get("/centres?consortium=SEED")
    assert listing.status_code == 200
    assert 'href="/centres/SEED/GR"' in listing.text
    assert "FUSE" not in listing.text.split("<main", 1)[-1]
    page = client.get("/centres/SEED/GR")
    assert page.status_code == 200
    for text in ("Ecosystem map", "Hellenic Local Innovation Network (synthetic)",
                 "Action plan", "Publish the national SI ecosystem map", "Activities"):
        assert text in page.text, text
    assert 'href="/centres"' in client.get("/").text


def test_every_centre_is_listed_by_its_name_then_consortium_and_country(
        as_: SignIn) -> None:
    """The demo registers ESIA's centres first; the page lists Austria's first."""
    from scaletrack.application.queries.ordering import folded

    page = as_("evaluator").get("/centres").text.split("<tbody>", 1)[1]
    listed = re.findall(r'<a href="/centres/([A-Z]+)/([A-Z]{2})">([^<]+)</a>', page)
    assert len(listed) > 20
    assert listed[0][:2] == ("SIPLUS", "AT")
    keys = [(folded(unescape(name)), consortium, country)
            for consortium, country, name in listed]
    assert keys == sorted(keys)


def test_a_centre_as_of_a_day_shows_the_map_and_plan_of_that_day(as_: SignIn) -> None:
    client = as_("lead")
    early = client.get("/centres/SEED/GR?as_of=2021-05-05")
    assert early.status_code == 200
    assert "Nobody is on the map yet." in early.text
    assert "No action is planned yet." in early.text
    later = client.get("/centres/SEED/GR?as_of=2021-06-30")
    assert "Nobody is on the map yet." not in later.text
    assert "Publish the national SI ecosystem map" in later.text


def test_an_unknown_centre_is_not_found_and_a_visitor_signs_in_first(as_: SignIn) -> None:
    assert as_("evaluator").get("/centres/SEED/FR").status_code == 404
    answer = as_("").get("/centres/SEED/GR")
    assert answer.status_code == 303
    assert unquote(answer.headers["location"]) == "/sign-in?next=/centres/SEED/GR"
