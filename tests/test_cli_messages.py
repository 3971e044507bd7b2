"""Messages in the domain's words, and help texts that point only at what users have."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from expect import refused
from scaletrack.cli.main import cli as group
from scaletrack.domain.consortium import Consortium
from scaletrack.domain.envelope import validated
from scaletrack.domain.errors import InvalidInput
from test_cli_reference import paths

LIBRARY_WORDS = re.compile(r"Input should|String should|should match pattern|Decimal\(|"
                           r"Value error|valid decimal|\^\[|type=|pydantic")


@pytest.fixture
def store(demo_url: str, tmp_path: Path) -> str:
    mine = tmp_path / "mine.db"
    shutil.copyfile(demo_url.removeprefix("sqlite:///"), mine)
    return f"sqlite:///{mine}"


BAD_VALUES = [
    (("log", "hr-change", "SEED-GR-01", "--roles", "coach", "--fte", "-1", "--training", "T",
      "--summary", "S"), "fte: must be 0 or more"),
    (("log", "funding", "SEED-GR-01", "--funder", "F", "--amount-eur", "1.234"),
     "amount-eur: takes at most 2 decimal places"),
    (("log", "business-model", "SEED-GR-01", "--revenue-mix", "grants=130",
      "--cost-per-beneficiary-eur", "1", "--summary", "S"), "revenue-mix grants: must be 100"),
    (("log", "business-model", "SEED-GR-01", "--revenue-mix", "grants=30",
      "--revenue-mix", "fees=x", "--cost-per-beneficiary-eur", "1", "--summary", "S"),
     "'x' is not a number"),
    (("consortium", "register", "ZZ", "--name", " ", "--lead", "L", "--country", "IT"),
     "name: must not be empty"),
    (("log", "milestone-planned", "SEED-GR-01", "--milestone", "M 1", "--title", "T",
      "--due-on", "2023-01-01"), "'M 1' is not a reference"),
    (("log", "result", "SEED-GR-01", "--indicator", "EECO01", "--period", "2023-Q2",
      "--value", "abc"), "'abc' is not a number"),
]


@pytest.mark.parametrize(("words", "said"), BAD_VALUES)
def test_invalid_values_are_explained_in_the_domains_words(cli: Any, store: str,
                                                           words: tuple[str, ...],
                                                           said: str) -> None:
    result = cli("--db", store, *words)
    refused(result, 2, said)
    assert not LIBRARY_WORDS.search(result.stderr), result.stderr


def test_a_list_of_countries_is_explained_without_the_pattern() -> None:
    with pytest.raises(InvalidInput) as error:
        validated(Consortium.Registered, {"code": "ZZ", "name": "N", "lead": "L",
                                          "countries": ["it", "1X"]}, new=True)
    assert not LIBRARY_WORDS.search(str(error.value)), str(error.value)
    assert "countries: '1X' is not a two-letter country code" in str(error.value)
    assert ".0" not in str(error.value)


def test_help_points_only_at_what_users_have(cli: Any) -> None:
    for words in [(), *paths(group)]:
        shown = cli(*words, "--help")
        assert shown.exit_code == 0, words
        assert not re.search(r"\b[A-Z]+\.md\b|README|docs/|src/", shown.stdout), (
            words, shown.stdout)
    stage = cli("log", "stage", "--help").stdout
    offered = re.search(r"--to-stage \[([^\]]+)\]", stage)
    assert offered is not None
    assert "closed" not in offered.group(1).split("|")
    assert "proposed" not in offered.group(1).split("|")
    assert "must exist" in " ".join(cli("copy", "--help").stdout.split())
