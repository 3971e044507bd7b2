"""The README's examples run as tests, so the README cannot rot.

Each ```console block is run in a fresh folder, command by command, in one
shell. A command's expected output, when the README shows one, must match;
a command annotated ``# exits N`` must exit with N.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parent.parent / "README.md"
BIN = Path(sys.executable).parent


def console_blocks() -> list[list[tuple[str, list[str]]]]:
    """Each console block as (command, expected output lines) pairs."""
    blocks = re.findall(r"```console\n(.*?)```", README.read_text(), flags=re.S)
    parsed = []
    for block in blocks:
        steps: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        parsed.append(steps)
    return parsed


@pytest.mark.parametrize("steps", console_blocks(), ids=lambda s: s[0][0][:40])
def test_readme_console_examples_run_as_documented(steps: list[tuple[str, list[str]]],
                                                   tmp_path: Path) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SCALETRACK_DB", None)
    script = []
    for command, expected in steps:
        match = re.search(r"#\s*exits (\d+)", command)
        want = int(match.group(1)) if match else 0
        if command.startswith("export "):
            script.append(command)
            continue
        script.append(f"out=$({command.split('  #')[0]} 2>_stderr); rc=$?")
        failed = shlex.quote(f"FAILED (wanted exit {want}): {command}")
        script.append(f'if [ $rc -ne {want} ]; then echo {failed} "got $rc"; cat _stderr; '
                      "exit 1; fi")
        if expected:
            literal = shlex.quote("\n".join(expected))
            differs = shlex.quote(f"OUTPUT of {command}:")
            script.append(f'if [ "$out" != {literal} ]; then echo {differs}; echo "$out"; '
                          "exit 1; fi")
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


MAKEFILE = README.parent / "Makefile"


def test_readme_documents_every_setting_of_make_demo() -> None:
    """Each variable the demo's recipe reads that a user may set (``?=``) is shown
    in the README as ``make demo NAME=...``, so a busy port has a documented way out."""
    text = MAKEFILE.read_text()
    settable = set(re.findall(r"^([A-Z_]+) \?=", text, flags=re.M))
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", text, flags=re.M)
    assert recipe is not None
    used = set(re.findall(r"\$\(([A-Z_]+)\)", recipe.group(1))) & settable
    assert used >= {"PORT", "DEMO_DB"}
    readme = README.read_text()
    assert [name for name in sorted(used) if f"make demo {name}=" not in readme
            and not re.search(rf"make demo (\S+=\S+ )*{name}=", readme)] == []
