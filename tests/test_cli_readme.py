"""The README's Quick tour shows real output: every `$ actcli ...` in it is run again (NO_COLOR,
100 columns, stderr with stdout) and must print what the README says.

    python tests/test_cli_readme.py     # rewrite the outputs in the tour from fresh runs
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- tour:start -->", "<!-- tour:end -->"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
BIN = Path(sys.executable).parent  # the venv's bin, where the actcli script is installed


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "LINES")}
    env.update(NO_COLOR="1", COLUMNS="100", PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
    return env


def shown(command: str) -> str:
    """What a shell prints for `command`, as the README shows it: trailing blanks trimmed."""
    r = subprocess.run(
        ["bash", "-c", f"{command} 2>&1"],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=120,
    )
    return "\n".join(line.rstrip() for line in r.stdout.splitlines()).strip("\n")


def tour(text: str) -> str:
    return text[text.index(START) + len(START) : text.index(END)]


def examples(text: str) -> list[tuple[str, str]]:
    """(command, output) for every `$ ` line of the tour's console blocks."""
    out = []
    for block in BLOCK.findall(tour(text)):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            out.append((command, output.strip("\n")))
    return out


def regenerate(text: str) -> str:
    def fresh(block: re.Match[str]) -> str:
        chunks = re.split(r"^\$ ", block.group(1), flags=re.M)[1:]
        commands = [c.partition("\n")[0] for c in chunks]
        return "```console\n" + "".join(f"$ {c}\n{shown(c)}\n" for c in commands) + "```"

    i, j = text.index(START) + len(START), text.index(END)
    return text[:i] + BLOCK.sub(fresh, text[i:j]) + text[j:]


def test_the_tour_has_every_command():
    commands = {c.split()[1] for c, _ in examples(README.read_text())}
    assert {"eval", "grad", "compare", "plot", "table", "info", "flow", "dead", "collapse",
            "dialects"} <= commands  # fmt: skip
    assert any(c.startswith("actcli dialects gelu") for c, _ in examples(README.read_text()))


@pytest.mark.skipif(
    not (BIN / "actcli").exists(), reason="actcli is not installed next to this python"
)
@pytest.mark.parametrize("command, output", examples(README.read_text()))
def test_tour_output_is_real(command, output):
    assert shown(command) == output, "run: python tests/test_cli_readme.py"


if __name__ == "__main__":
    README.write_text(regenerate(README.read_text()))
