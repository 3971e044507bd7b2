"""docs/CLI.md is every command's --help, generated and checked, so it cannot drift.

Regenerate it after changing a command: ``SCALETRACK_WRITE_CLI_REFERENCE=1 pytest
tests/test_cli_reference.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import click

from scaletrack.cli.main import cli

REFERENCE = Path(__file__).parent.parent / "docs" / "CLI.md"


def commands(group: click.Group, ctx: click.Context) -> Iterator[click.Context]:
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        if command.hidden:
            continue
        sub = click.Context(command, info_name=name, parent=ctx, terminal_width=100,
                            max_content_width=100)
        yield sub
        if isinstance(command, click.Group):
            yield from commands(command, sub)


def reference() -> str:
    root = click.Context(cli, info_name="scaletrack", terminal_width=100, max_content_width=100)
    parts = ["# Command reference", "",
             "Generated from each command's `--help` by `tests/test_cli_reference.py`.", "",
             "```text", cli.get_help(root), "```", ""]
    for ctx in commands(cli, root):
        parts += [f"## {ctx.command_path}", "", "```text", ctx.command.get_help(ctx), "```", ""]
    return "\n".join(parts)


def test_the_cli_reference_is_every_commands_help() -> None:
    text = reference()
    if os.environ.get("SCALETRACK_WRITE_CLI_REFERENCE"):
        REFERENCE.write_text(text)
    assert REFERENCE.read_text() == text, (
        "docs/CLI.md is out of date: SCALETRACK_WRITE_CLI_REFERENCE=1 pytest "
        "tests/test_cli_reference.py")
