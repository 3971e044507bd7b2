"""Assertions the CLI tests share."""

from __future__ import annotations

from typing import Any

import pytest

RENDERED = pytest.StashKey[list[str]]()
"""Pictures a test made for a person to look at; the run lists where they are at its end."""


def refused(result: Any, code: int, *words: str) -> None:
    """Refused with exit ``code``: nothing on stdout, one line on stderr naming ``words``."""
    assert (result.exit_code, result.stdout) == (code, ""), result
    assert result.stderr.startswith("error: "), result
    assert result.stderr.count("\n") == 1, result
    for word in words:
        assert word in result.stderr, result.stderr


def store_digest_of(url: str) -> tuple[int, str]:
    """The head digest (event count, head hash) of the store at ``url``."""
    from scaletrack.application.copying import store_digest
    from scaletrack.application.ledger import Ledger
    from scaletrack.application.store import StoreURL

    ledger = Ledger(StoreURL.parse(url))
    try:
        return store_digest(ledger)
    finally:
        ledger.close()
