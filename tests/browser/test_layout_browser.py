"""The layout in a real browser: the sign-in page is usable by keyboard and passes our checks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from accessibility import problems
from live import LiveServer

from people import copy_store
from scaletrack.server.app import create_app


@pytest.fixture(scope="module")
def layout_server(demo_url: str, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[LiveServer]:
    """The whole app (the sign-in form's CSRF token is the server's), on a copy of the demo."""
    with LiveServer(create_app(copy_store(demo_url, tmp_path_factory.mktemp("layout")))
                    ) as served:
        yield served


def test_the_sign_in_page_is_labelled_and_keyboard_usable(page: Any,
                                                          layout_server: LiveServer) -> None:
    page.goto(f"{layout_server.url}/sign-in")
    assert problems(page) == []
    assert page.evaluate("document.activeElement.name") == "login"
    page.keyboard.type("ana")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    assert page.locator("link[rel=stylesheet]").get_attribute("href").startswith("/static/")
    assert page.evaluate("getComputedStyle(document.body).margin") == "0px"


def test_the_sign_in_page_fits_a_phone(browser: Any, layout_server: LiveServer,
                                       page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{layout_server.url}/sign-in")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_checks_find_what_they_look_for(page: Any) -> None:
    page.set_content('<html><head><title>t</title></head><body><h1>A</h1><h3>B</h3>'
                     '<input name="q"><img src="data:,"><p style="color:#bbb">pale</p>'
                     '<svg></svg><a href="/x"></a></body></html>')
    found = " | ".join(problems(page))
    for expected in ["no lang", "skips a level", "field q has no label", "no alt text",
                     "contrast", "chart without", "a without a name"]:
        assert expected in found
