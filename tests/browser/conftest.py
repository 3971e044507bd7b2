"""The browser-test harness: the app served by uvicorn, Debian's chromium driven by Playwright.

These tests never skip: where chromium or Playwright is missing they fail,
saying how to get it (``make test`` installs both). Each test leaves a
screenshot in the folder printed at the end of the run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS_ROOT = Path(__file__).resolve().parents[2] / "build" / "screenshots"
TIMEOUT_MS = 15_000

_shots: list[Path] = []


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = SHOTS_ROOT / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium "
                    "(apt-get install chromium)", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is missing: `make test` installs the test extra", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, screenshots: Path, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser tab; its last sight is saved as a screenshot whatever the outcome."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    outside: list[str] = []
    tab.on("request", lambda r: outside.append(r.url)
           if not r.url.startswith(("http://127.0.0.1:", "data:", "about:")) else None)
    yield tab
    shot = screenshots / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', request.node.name)}.png"
    try:
        tab.screenshot(path=str(shot), full_page=True)
        _shots.append(shot)
    finally:
        context.close()
    assert not outside, f"the page asked another origin: {outside}"


@pytest.fixture
def shoot(page: Any, screenshots: Path, request: pytest.FixtureRequest
          ) -> Callable[..., Path]:
    """Save a screenshot of a step within a test: ``shoot("after-sign-in")`` (the whole
    page; ``full=False``: what the window shows)."""
    def save(step: str, full: bool = True) -> Path:
        shot = screenshots / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(shot), full_page=full)
        _shots.append(shot)
        return shot
    return save


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _shots:
        terminalreporter.write_sep("-", f"browser screenshots ({len(_shots)}) in "
                                   f"{_shots[0].parent}")
