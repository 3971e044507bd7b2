"""docs/CLI.md is every command's --help, generated and checked, so it cannot drift.

Regenerate it after changing a command: ``SCALETRACK_WRITE_CLI_REFERENCE=1 pytest
tests/test_cli_reference.py``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest

from scaletrack.cli.main import cli, main

REFERENCE = Path(__file__).parent.parent / "docs" / "CLI.md"


def paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every visible command's words, depth first, in the order --help lists them."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if command.hidden:
            continue
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from paths(command, (*prefix, name))


def reference(help_of: Callable[[tuple[str, ...]], str]) -> str:
    parts = ["# Command reference", "",
             "Generated from each command's `--help` by `tests/test_cli_reference.py`.", "",
             "```text", help_of(()).rstrip(), "```", ""]
    for words in paths(cli):
        parts += [f"## scaletrack {' '.join(words)}", "", "```text",
                  help_of(words).rstrip(), "```", ""]
    return "\n".join(parts)


def test_the_cli_reference_is_every_commands_help(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")

    def help_of(words: tuple[str, ...]) -> str:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main([*words, "--help"])
        assert done.value.code == 0
        return capsys.readouterr().out

    text = reference(help_of)
    if os.environ.get("SCALETRACK_WRITE_CLI_REFERENCE"):
        REFERENCE.write_text(text)
    assert REFERENCE.read_text() == text, (
        "docs/CLI.md is out of date: SCALETRACK_WRITE_CLI_REFERENCE=1 pytest "
        "tests/test_cli_reference.py")
