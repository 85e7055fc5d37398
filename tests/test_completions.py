"""Shell completion: shipped scripts are current, bash really completes, TAB stays light."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from actcli import completions

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin, where the actcli script is installed


@pytest.mark.parametrize("shell, filename", sorted(completions.SHELLS.items()))
def test_shipped_scripts_are_current(shell: str, filename: str) -> None:
    shipped = (ROOT / "completions" / filename).read_text()
    assert shipped == completions.script(shell), "run: python -m actcli.completions"


def test_function_names_and_parameters_come_from_the_registry() -> None:
    assert completions.complete_function("si") == ["sigmoid", "silu"]
    assert "lrelu" in completions.complete_function("l")
    assert completions.complete_function("leaky_relu:") == ["leaky_relu:alpha="]
    assert completions.complete_function("hardtanh:min=-2,") == ["hardtanh:min=-2,max="]
    assert completions.complete_function("nosuch:") == []


def _bash_complete(words: list[str]) -> list[str]:
    """What TAB offers after the typed `words` (the last one being completed, maybe ''), as bash
    calls the completion function: COMP_LINE/COMP_POINT, and COMP_WORDS split at ':' too."""
    if shutil.which("actcli", path=str(BIN)) is None:
        pytest.skip("actcli is not installed next to this python")
    script = ROOT / "completions" / "actcli.bash"
    line = " ".join(words)
    cmd = (
        f"source {script}; COMP_LINE={shlex.quote(line)}; COMP_POINT={len(line)}; "
        f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)}); COMP_CWORD={len(words) - 1}; "
        "_actcli_completion actcli; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    out = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_bash_completes_function_names() -> None:
    offered = _bash_complete(["actcli", "grad", "si"])
    assert "sigmoid" in offered and "silu" in offered
    assert "relu" not in offered


def test_bash_completes_subcommands_and_options() -> None:
    assert {"eval", "grad", "compare", "table", "info"} <= set(_bash_complete(["actcli", ""]))
    assert "--dtype" in _bash_complete(["actcli", "grad", "--dt"])
    assert set(_bash_complete(["actcli", "grad", "relu", "--dtype", ""])) == {"float16", "bfloat16", "float32", "float64"}


def test_bash_completes_parameters_after_a_colon() -> None:
    # bash replaces only what follows the last ':' or '=', so the reply is trimmed to it
    assert _bash_complete(["actcli", "eval", "leaky_relu:"]) == ["alpha="]
    assert _bash_complete(["actcli", "eval", "hardtanh:min=-2,"]) == ["-2,max="]  # after "="


def test_sourcing_the_bash_script_leaves_the_shell_settings_alone() -> None:
    script = ROOT / "completions" / "actcli.bash"
    out = subprocess.run(
        ["bash", "-c", f'before="$COMP_WORDBREAKS"; source {script}; [[ "$before" == "$COMP_WORDBREAKS" ]]'],
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0


@pytest.mark.parametrize(
    "shell, check",
    [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])],
)
def test_script_syntax(shell: str, check: list[str]) -> None:
    if shutil.which(check[0]) is None:
        pytest.skip(f"{check[0]} is not installed (apt-get install {check[0]})")
    path = ROOT / "completions" / completions.SHELLS[shell]
    out = subprocess.run([*check, str(path)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def _loaded_after(argv: list[str], env: dict[str, str]) -> tuple[str, list[str]]:
    """Run `actcli argv` in a fresh interpreter: its stdout, and which heavy modules it loaded."""
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['actcli', *{argv!r}]\n"
        "try:\n    runpy.run_module('actcli', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('numpy', 'rich', 'plotext', 'scipy', 'textual') if m in sys.modules)\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, **env}, timeout=60)
    assert "HEAVY=" in out.stderr, out.stderr  # the child ran to the end
    return out.stdout, out.stderr.strip().rpartition("HEAVY=")[2].split(",")


def test_a_tab_press_imports_nothing_heavy_not_even_numpy() -> None:
    env = {"_ACTCLI_COMPLETE": "complete_bash", "COMP_WORDS": "actcli grad leaky_relu:", "COMP_CWORD": "2"}
    stdout, heavy = _loaded_after([], env)
    assert stdout.split() == ["leaky_relu:alpha="]
    assert heavy == [""]


@pytest.mark.parametrize(
    "argv", [["--help"], ["grad", "--help"], ["plot", "--help"], ["table", "--help"], ["explore", "--help"]]
)
def test_help_imports_nothing_heavy_not_even_numpy(argv: list[str]) -> None:
    stdout, heavy = _loaded_after(argv, {})
    assert "Usage: actcli" in stdout
    assert heavy == [""]


def test_the_light_index_is_current() -> None:
    assert completions.INDEX.read_text() == completions.index(), "run: python -m actcli.completions"


def test_a_real_command_still_loads_numpy() -> None:  # the check above can tell
    _, heavy = _loaded_after(["grad", "relu", "1"], {})
    assert heavy == ["numpy"]


def test_fish_completes_function_names(tmp_path: Path) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed (apt-get install fish)")
    script = ROOT / "completions" / "actcli.fish"
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    cmd = f"set -x PATH {BIN} $PATH; source {script}; complete -C 'actcli grad si'"
    out = subprocess.run(["fish", "-c", cmd], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.split() == ["sigmoid", "silu"], out.stderr


@pytest.mark.parametrize("shell, filename", sorted(completions.SHELLS.items()))
def test_install_completion_installs_the_shipped_script(shell, filename, tmp_path, monkeypatch):
    """--install-completion wrote typer's bash script, which completes files after
    'leaky_relu:'; it now installs (and --show-completion prints) the shipped one."""
    from clitools import run  # tests/ is on the path

    monkeypatch.setattr(completions, "detect_shell", lambda: shell)
    monkeypatch.setenv("HOME", str(tmp_path))
    shipped = (ROOT / "completions" / filename).read_text()
    r = run("--show-completion")
    assert r.exit_code == 0 and r.stdout == shipped + "\n"
    r = run("--install-completion")
    assert r.exit_code == 0, (r.stdout, r.stderr, r.exception)
    installed = [p for p in tmp_path.rglob("*") if p.is_file() and p.read_text() == shipped]
    assert len(installed) == 1, sorted(tmp_path.rglob("*"))
    assert f"{shell} completion installed in {installed[0]}" in r.stdout
    if shell == "bash":
        assert f"source '{installed[0]}'" in (tmp_path / ".bashrc").read_text()
