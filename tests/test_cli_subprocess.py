"""The installed `actcli` as a shell runs it: pipes, `| head -1`, stdin, a real terminal."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_BIN = Path(sys.executable).with_name("actcli")
ACTCLI = [str(_BIN)] if _BIN.exists() else [sys.executable, "-m", "actcli"]
ENV = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
COLOUR = re.compile(r"\x1b\[[0-9;]*3[0-9]")  # a foreground colour, not just bold


def run(*args: str, stdin: str | None = None, env: dict | None = None):
    return subprocess.run(
        [*ACTCLI, *args], input=stdin, capture_output=True, text=True, env=env or ENV, timeout=60
    )


def test_pipe_into_head_has_no_broken_pipe_message():
    cmd = " ".join(ACTCLI) + " eval relu --range -1000 1000 --num 3000000"
    r = subprocess.run(
        ["bash", "-c", f"{cmd} | head -1; echo status=${{PIPESTATUS[0]}}"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert r.stdout == "-1000.0\t0.0\nstatus=141\n"
    assert r.stderr == ""


def test_stdin_and_python_m():
    r = run("eval", "relu", stdin="-1 2\n")
    assert (r.returncode, r.stdout, r.stderr) == (0, "-1.0\t0.0\n2.0\t2.0\n", "")
    r = subprocess.run(
        [sys.executable, "-m", "actcli", "--version"],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=60,
    )
    assert r.stdout.startswith("actcli ") and r.returncode == 0


def test_error_is_one_line_without_traceback():
    r = run("grad", "relu", "-2", "oops")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "'oops'" in r.stderr


@pytest.mark.skipif(shutil.which("jq") is None, reason="jq not installed")
def test_jq_reads_the_json():
    cmd = " ".join(ACTCLI) + " eval sigmoid --json -- nan -inf 0"
    r = subprocess.run(
        ["bash", "-c", f"{cmd} | jq -c ."], capture_output=True, text=True, env=ENV, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["y"] == ["NaN", 0, 0.5]


def _on_a_terminal(*args: str, env: dict) -> str:
    """Run with stdout on a pseudo-terminal, as a person at a shell would."""
    import pty

    main, sub = pty.openpty()
    try:
        proc = subprocess.run(
            [*ACTCLI, *args],
            stdout=sub,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            timeout=60,
        )
        os.close(sub)
        chunks = []
        while True:
            try:
                data = os.read(main, 65536)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(main)
    assert proc.returncode == 0, proc.stderr
    return b"".join(chunks).decode()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_terminal_gets_a_table_in_colour_unless_no_color():
    env = {**ENV, "TERM": "xterm-256color", "COLUMNS": "100"}
    coloured = _on_a_terminal("table", "relu", env=env)
    assert "[0, inf)" in coloured and "─" in coloured and COLOUR.search(coloured)
    plain = _on_a_terminal("table", "relu", env={**env, "NO_COLOR": "1"})
    assert "[0, inf)" in plain and "─" in plain and not COLOUR.search(plain)
    flag = _on_a_terminal("grad", "relu", "--no-color", "--", "-2", "0", "3", env=env)
    assert "relu'(x)" in flag and not COLOUR.search(flag)


def test_one_shot_loads_no_rich_scipy_or_plotext():
    code = (
        "import sys; sys.argv = ['actcli', 'eval', 'relu', '--json', '1'];"
        "from actcli.cli import main\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('rich', 'scipy', 'plotext')]\n"
        "print(bad, file=sys.stderr)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=60
    )
    assert r.stdout.startswith('{"function": "relu"')
    assert r.stderr.strip() == "[]"


def _modules_after(*argv: str) -> tuple[str, list[str]]:
    """Run `python -m actcli ARGV` in a fresh interpreter; its stdout and the heavy modules
    (rich, scipy, plotext) it loaded."""
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['actcli', *{list(argv)!r}]\n"
        "try: runpy.run_module('actcli', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'scipy', 'plotext'})\n"
        "print(bad, file=sys.stderr)"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=60
    )
    return r.stdout, eval(r.stderr.strip().splitlines()[-1])


def test_python_m_grad_json_loads_nothing_heavy():
    out, heavy = _modules_after("grad", "relu", "--json", "--", "1")
    assert out.startswith('{"function": "relu"') and heavy == []


@pytest.mark.parametrize(
    "argv",
    [
        ["eval", "x*tanh(x)", "--dialect", "jax", "--json", "1"],
        ["flow", "relu", "--depth", "3", "--json"],
        ["dialects", "relu", "--json"],
    ],
)
def test_new_commands_stay_light_where_they_can(argv):
    out, heavy = _modules_after(*argv)
    assert out and heavy == []


def test_plot_loads_plotext_only_when_it_draws():
    out, heavy = _modules_after("plot", "--help")  # help is drawn by rich, as typer does
    assert "Examples" in out and "plotext" not in heavy
    out, heavy = _modules_after("plot", "relu", "--width", "40", "--height", "10")
    assert "relu" in out and "plotext" in heavy and "rich" not in heavy


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_plot_on_a_terminal_is_coloured_unless_no_color():
    env = {**ENV, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    coloured = _on_a_terminal("plot", "relu", "tanh", env=env)
    assert "▞ relu" in coloured and COLOUR.search(coloured)
    plain = _on_a_terminal("plot", "relu", "tanh", env={**env, "NO_COLOR": "1"})
    assert "▞ relu" in plain and "\x1b[" not in plain
    flag = _on_a_terminal("plot", "relu", "--no-color", env=env)
    assert "\x1b[" not in flag


@pytest.mark.parametrize(
    "args",
    [
        ["info", "sigmoid"],
        ["info", "sigmoid", "--table"],
        ["table", "sigmoid", "tanh", "--table"],
        ["dialects", "gelu", "--table"],
        ["plot", "sigmoid", "tanh", "relu", "--width", "60", "--height", "12"],
        ["eval", "sigmod", "1"],
    ],
)
def test_an_ascii_only_stream_gets_ascii_not_a_traceback(args):
    """PYTHONIOENCODING=ascii was a UnicodeEncodeError traceback (sigma in a formula, the
    chart's braille). Look-alikes instead, and tables keep their columns aligned."""
    r = subprocess.run(
        [*ACTCLI, *args], capture_output=True, timeout=60,
        env={**ENV, "PYTHONIOENCODING": "ascii", "COLUMNS": "150"},
    )
    out, err = r.stdout.decode("ascii"), r.stderr.decode("ascii")  # raises if not ASCII
    assert r.returncode == (2 if "sigmod" in args else 0), err
    assert "Traceback" not in err
    if "--table" in args:
        # every line of a framed table as wide as the border above it
        widths, frames = None, 0
        for line in out.splitlines():
            if line.strip()[:1] not in ("|", "+"):
                widths = None
            elif widths is None:
                widths, frames = len(line), frames + 1
            else:
                assert len(line) == widths, out
        assert frames, out
    if "info" in args:
        assert "sigma(x) = 1 / (1 + e^(-x))" in out


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP"])
def test_a_signal_during_a_long_write_leaves_no_file(tmp_path, sig):
    """SIGTERM or SIGHUP mid-write left a .npy whose header claimed the full shape; Ctrl-C
    already cleaned up. The process still ends by the signal."""
    import signal
    import time

    out = tmp_path / "big.npy"
    p = subprocess.Popen([*ACTCLI, "eval", "relu", "--range", "0", "1", "--num", "2e8", "-o",
                          str(out)], env=ENV, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not (out.exists() and out.stat().st_size > 1 << 20):
            assert time.monotonic() < deadline and p.poll() is None
            time.sleep(0.02)
        p.send_signal(getattr(signal, sig))
        assert p.wait(timeout=30) == -getattr(signal, sig)
    finally:
        p.kill()
    assert not out.exists()
    assert b"Traceback" not in p.stderr.read()


@pytest.mark.parametrize(
    "args",
    [["compare", "relu", "gelu", "silu", "--table", "--", "-1.2", "0", "2.5"], ["table", "--table"]],
)
def test_stacked_tables_into_head_end_quietly(args):
    """Stacked tables and per-function blocks are several prints: a reader that went away
    after the first made rich exit 1; now it is the quiet 141 of one table."""
    cmd = " ".join(ACTCLI + args)
    r = subprocess.run(
        ["bash", "-c", f"{cmd} | head -1 > /dev/null; echo status=${{PIPESTATUS[0]}}"],
        capture_output=True, text=True, env={**ENV, "COLUMNS": "40"}, timeout=60,
    )  # fmt: skip
    assert r.stdout in ("status=141\n", "status=0\n") and r.stderr == "", (r.stdout, r.stderr)


def test_ascii_look_alikes_keep_the_maths():
    """NFKD made '½' '12' and '²' '2': x*12*(1 + erf(...)) and 1 - tanh2(x)."""
    from actcli.render.asciify import to_ascii

    assert to_ascii("x·Φ(x) = x·½·(1 + erf(x/√2))") == "x*Phi(x) = x*1/2*(1 + erf(x/sqrt2))"
    assert to_ascii("1 − tanh²(x) = sech²(x)") == "1 - tanh^2(x) = sech^2(x)"
    assert to_ascii("café ±∞ x₁") == "cafe +-inf x?"
