"""Every command and option, walked from the command tree that ``--help`` lists, given
malformed values of every kind: never a traceback, never exit 5 (an internal error), and
the store still verifies afterwards."""

from __future__ import annotations

import itertools
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from scaletrack.cli.main import cli as group
from test_cli_reference import paths

MALFORMED = [
    "", " ", "x" * 5000, "-1", "0", "1e400", "NaN", "-inf", "9" * 400, "1,250", "1.2.3",
    "2022-13-45", "30/06/2022", "2022-Q5", "0000-00-00T99:99", "nul\x00here", "tab\tand\nline",
    "\u202egnp.exe", "Ωμέγα 🙂", "../../../etc/passwd", "'; DROP TABLE stored_events; --",
    "=HYPERLINK(\"http://x\")", "{\"a\": [1, {\"b\": null}]}", "[" * 200, "a=b=c", "k:=",
    "SEED-GR-01@999999", "SEED-GR-01@-1", "@", "--", "sqlite:///", "postgresql://:0/",
    "http://[::1", "xx", "ZZ-99",
]
"""Values no option should take as they are, one of each kind: empty and blank, too long,
numbers out of range or in a foreign notation, malformed dates and periods, control and
NUL characters, right-to-left tricks, paths that climb out, SQL, formulas, deep JSON, event
ids that do not exist, URLs that do not parse."""

SKIPPED = {("serve",), ("demo",)}
"""A server that would keep running, and the demo's nine seconds of writes."""

PLAUSIBLE = {"pilot": "SEED-GR-01", "code": "SEED", "event_id": "SEED-GR-01@12",
             "indicator": "EECO01", "consortium": "SEED", "period": "2022-Q3",
             "country": "GR", "milestone": "M1", "risk": "R1", "login": "ana"}
"""Good values for the parameters a malformed one stands beside, so that each
invocation gets past the others to the value under test."""


def commands() -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command that runs (not the groups), as --help lists them."""
    for words in paths(group):
        command: Any = group
        for word in words:
            command = command.get_command(click.Context(command), word)
        if not isinstance(command, click.Group) and words not in SKIPPED:
            yield words, command


def plausible(param: click.Parameter, folder: Path) -> list[str]:
    """A value the parameter takes, as a user would give it."""
    name = param.name or ""
    if isinstance(param.type, click.Choice):
        value = str(param.type.choices[0])
    elif name in PLAUSIBLE:
        value = PLAUSIBLE[name]
    elif "YYYY-MM-DD" in (param.type.name, getattr(param, "metavar", None) or ""):
        value = "2022-06-30"
    elif isinstance(param.type, click.Path):
        value = str(folder / f"{name}.out")
    elif isinstance(param.type, click.types.IntParamType | click.types.FloatParamType):
        value = "1"
    else:
        value = "text"
    return [value] if isinstance(param, click.Argument) else [param.opts[0], value]


def invocations(folder: Path) -> Iterator[list[str]]:
    """Each parameter of each command once or twice malformed, the others plausible."""
    bad = itertools.cycle(MALFORMED)
    for words, command in commands():
        params = [p for p in command.params if not getattr(p, "hidden", False)
                  and p.name != "help" and not getattr(p, "is_flag", False)]
        for target in params:
            for _ in range(2 if isinstance(target, click.Argument) or target.required else 1):
                args: list[str] = list(words)
                for param in params:
                    if param is target:
                        value = next(bad)
                        args += [value] if isinstance(param, click.Argument) else [
                            param.opts[0], value]
                    elif param.required or isinstance(param, click.Argument):
                        args += plausible(param, folder)
                yield args
    for value in MALFORMED[:12]:  # the options every command takes, before and after it
        yield ["--db", value, "pilot", "list"]
        yield ["pilot", "list", "--db", value]
        yield ["--server", value, "pilot", "list"]


@pytest.fixture
def store(demo_url: str, tmp_path: Path) -> str:
    mine = tmp_path / "fuzzed.db"
    shutil.copyfile(demo_url.removeprefix("sqlite:///"), mine)
    return f"sqlite:///{mine}"


def test_no_malformed_value_gives_a_traceback_or_an_internal_error(
        cli: Any, store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)  # a default store, a key or a file lands here if anywhere
    monkeypatch.setenv("SCALETRACK_DB", store)
    monkeypatch.delenv("SCALETRACK_SERVER", raising=False)
    started, failures, count = time.monotonic(), [], 0
    for args in invocations(here):
        count += 1
        result = cli(*args)
        if result.exit_code == 5 or "Traceback" in result.stderr + result.stdout:
            failures.append((args, result.exit_code, result.stderr[-300:]))
    took = time.monotonic() - started
    assert not failures, "\n".join(map(repr, failures[:20]))
    assert count >= 300, count
    assert took < 120, f"{count} invocations took {took:.0f} s"
    verified = cli("--db", store, "verify", "--store")
    assert verified.exit_code == 0, verified.stderr
