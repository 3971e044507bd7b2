"""Fixtures for the page tests: a copy of the demo store with one account per role, the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from people import PEOPLE, SignIn, copy_store, with_people
from scaletrack.server.app import create_app
from serving import post_sign_in


@pytest.fixture(scope="session")
def pages_store(demo_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The demo with accounts, for page tests that only read it."""
    return with_people(copy_store(demo_url, tmp_path_factory.mktemp("pages")))


@pytest.fixture
def writable_store(demo_url: str, tmp_path: Path) -> str:
    """The demo with accounts, for one test that writes."""
    return with_people(copy_store(demo_url, tmp_path))


def signer(url: str) -> Iterator[SignIn]:
    app = create_app(url)
    clients: list[TestClient] = []

    def sign_in(login: str) -> TestClient:
        client = TestClient(app, follow_redirects=False)
        clients.append(client)
        if login:
            answer = post_sign_in(client, {"login": login,
                                           "password": PEOPLE[login].password})
            assert answer.status_code == 303, answer.text
            assert answer.headers["location"] == "/"
        return client

    with TestClient(app):  # runs the app's lifespan: the store is closed afterwards
        yield sign_in
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def as_(pages_store: str) -> Iterator[SignIn]:
    """``as_("lead")``: a client signed in as that person (``as_("")``: nobody)."""
    yield from signer(pages_store)


@pytest.fixture
def writing_as(writable_store: str) -> Iterator[SignIn]:
    yield from signer(writable_store)
