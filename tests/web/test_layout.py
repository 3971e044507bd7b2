"""The layout through the ASGI app: its own static files, and nothing from another origin."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from people import SignIn
from scaletrack.web.rendering import STATIC, TEMPLATES


@pytest.fixture(scope="module")
def client(as_: SignIn) -> TestClient:
    """Nobody signed in, on the whole app (the sign-in form's token needs the server)."""
    client: TestClient = as_("")
    return client


def test_the_style_sheet_and_script_come_from_the_package(client: TestClient) -> None:
    page = client.get("/sign-in").text
    for address in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        answer = client.get(address)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith(("text/css", "text/javascript"))


@pytest.mark.parametrize("name", ["../i18n.py", "..%2Fi18n.py", ".hidden.css", "missing.css",
                                  "style.py"])
def test_nothing_but_the_static_files_is_served(client: TestClient, name: str) -> None:
    assert client.get(f"/static/{name}").status_code == 404


def test_no_template_or_static_file_names_another_origin() -> None:
    for path in [*TEMPLATES.rglob("*"), *STATIC.rglob("*")]:
        if path.is_file():
            assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", path.read_text(),
                                 re.IGNORECASE), path


def test_the_sign_in_form_has_the_fields_scripts_rely_on(client: TestClient) -> None:
    page = client.get("/sign-in", headers={"accept-language": "de-DE,en;q=0.5"}).text
    assert 'name="login"' in page
    assert 'name="password"' in page
    assert '<html lang="en">' in page
    assert '<label for="login">Login</label>' in page
