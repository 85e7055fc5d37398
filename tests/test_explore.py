"""`actcli explore`: the View's changes, the app driven by Textual's Pilot (keys change the state,
the readout's numbers are the library's, `q` gives a plot command that redraws the chart shown),
a real run on a pseudo-terminal with stdout redirected, and no other command loading Textual."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from typing import Any

import pytest
from clitools import fails, ok, run  # tests/ is on the path

import actcli
from actcli.cli.explore import plot_command
from actcli.render.charts import ANSI
from actcli.render.explorer import fit
from actcli.render.view import View


def run_app(view: View, script: Any, size: tuple[int, int] = (120, 40)) -> Any:
    """Run the app headless at `size`, `await script(app, pilot)`, and return the app."""
    from actcli.render.explorer import ExploreApp

    async def go() -> Any:
        app = ExploreApp(view)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await script(app, pilot)
        return app

    return asyncio.run(go())


async def typed(app: Any, pilot: Any, key: str, text: str) -> None:
    """Press `key`, put `text` in the line it opens (as if typed: one Changed event, not one
    per character, to keep the test quick), press enter."""
    await pilot.press(key)
    app.screen.query_one("#ask").value = text
    await pilot.press("enter")


def screen_lines(app: Any) -> list[str]:
    """The screen as text, one line per row (the compositor's own strips)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def plotted(view: View, color: bool = False) -> str:
    """What the printed `actcli plot` command writes (in-process), without escape codes; with
    `color`, as on a colour terminal (the app draws in colour: braille where a pipe has glyphs)."""
    cmd = plot_command(view)
    assert cmd[:2] == ["actcli", "plot"]
    r = run(*cmd[1:], env={"NO_COLOR": None, "FORCE_COLOR": "1"} if color else None)
    # stderr may hold the chart's notes (curves within a row of each other)
    assert r.exit_code == 0 and r.exception is None, (r.stderr, r.exception)
    return ANSI.sub("", r.stdout)


# --- the View: each change, and each refusal with the registry's message ----------------------


def test_view_changes():
    v = View.of(["sigmoid", "tanh", "relu"])
    v.toggle(1)
    v.toggle(2)
    assert v.orders == (0, 1, 2)
    v.move(3)
    assert v.cursor == 0.3  # tidy: not 0.30000000000000004
    v.move(-400)
    assert v.cursor == -6.0  # within the range
    v.cursor = 1.0
    v.zoom(0.5)
    assert (v.start, v.stop) == (-2.5, 3.5)
    v.pan(0.25)
    assert (v.start, v.stop, v.cursor) == (-1.0, 5.0, 2.5)
    v.reset_range()
    assert (v.start, v.stop) == (-6.0, 6.0)
    v.add("leaky_relu:alpha=0.2")
    assert v.selected == 3 and v.current.act.params == {"alpha": 0.2}
    v.step_param(1)
    assert v.current.act.params == {"alpha": 0.21}
    v.set_param(0.01)  # the default again: the spec drops it
    assert v.current.spec() == "leaky_relu"
    v.remove()
    assert [e.name for e in v.entries] == ["sigmoid", "tanh", "relu"]


def test_view_refusals_keep_the_view():
    v = View.of(["elu", "silu:beta=2"])
    with pytest.raises(actcli.ParameterError, match=r"elu: parameter alpha=0 is not allowed \(finite and > 0\)"):
        v.set_param(0.0)
    assert v.current.act.params == {"alpha": 1.0}
    with pytest.raises(actcli.ActivationError, match="one curve stays"):
        v.toggle(0)
    v.add("x*sigmoid(x)")
    with pytest.raises(actcli.ActivationError, match="no parameters"):
        v.step_param(1)
    with pytest.raises(actcli.UnknownFunctionError, match="did you mean 'sigmoid'"):
        v.add("sigmod")
    v.remove(), v.remove()
    with pytest.raises(actcli.ActivationError, match="last function stays"):
        v.remove()


def test_dialects_cycle_and_skip_those_without_a_parameter():
    v = View.of(["gelu", "silu:beta=2"])
    note = v.cycle_dialect()  # only TensorFlow's silu has a beta
    assert v.dialect == "tf" and "jax: silu: jax.nn.silu in jax has no parameter 'beta'" in note
    assert note.startswith("skipped torch: silu: F.silu in torch has no parameter 'beta'; jax")
    assert v.cycle_dialect() is None and v.dialect is None
    v = View.of(["gelu"], dialect="torch")
    v.cycle_dialect()
    assert v.dialect == "jax" and v.entries[0].act.name == "gelu_tanh"


def test_readout_is_the_library():
    v = View.of(["sigmoid", "leaky_relu:alpha=0.3", "x*tanh(softplus(x))"])
    v.move(-17)
    for (label, *got), spec in zip(v.readout(), ["sigmoid", "leaky_relu:alpha=0.3", "x*tanh(softplus(x))"], strict=True):
        a = actcli.get(spec)
        assert label == a.label
        assert got == [float(a.value(-1.7)), float(a.grad(-1.7)), float(a.grad2(-1.7))]


@pytest.mark.parametrize("shown", [(0,), (0, 1), (0, 2), (0, 1, 2), (1,), (2,), (1, 2)])
def test_the_plot_command_draws_every_combination_of_curves(shown):
    v = View.of(["tanh", "hardtanh:min=-2"])
    v.shown = {k: k in shown for k in (0, 1, 2)}
    c = v.chart(60, 18, color=False)
    assert plotted(v) == c.text + "\n"


def test_the_plot_command_keeps_range_dialect_shading_and_every_digit():
    v = View.of(["leaky_relu", "-x*sigmoid(-x)"], dialect="keras")
    v.set_param(0.123456789012)
    v.cursor = 1.0
    v.zoom(0.5), v.pan(-0.25), v.toggle_shade(), v.toggle(1)
    cmd = plot_command(v)
    assert "leaky_relu:alpha=0.123456789012" in cmd and cmd[cmd.index("--") + 1 :][-1] == "-x*sigmoid(-x)"
    assert cmd[cmd.index("--range") + 1 : cmd.index("--range") + 3] == ["-4.0", "2.0"]
    assert "--shade-vanishing" in cmd and cmd[cmd.index("--dialect") + 1] == "keras"
    c = v.chart(72, 20, color=False)
    assert plotted(v) == c.text + "\n"


def test_after_a_chart_that_did_not_fit_the_command_leaves_the_size_to_the_terminal():
    from actcli.render.charts import PlotError

    v = View.of(["sigmoid", "tanh", "relu", "gelu", "elu", "silu"])
    with pytest.raises(PlotError, match="too small"):
        v.chart(20, 5)
    assert "--width" not in plot_command(v) and "--height" not in plot_command(v)


# --- the app, driven by keys ---------------------------------------------------------------


def test_keys_change_the_state_and_the_readout_shows_the_library():
    view, twin = View.of(["sigmoid", "tanh", "relu"]), View.of(["sigmoid", "tanh", "relu"])
    shown = {}

    async def script(app: Any, pilot: Any) -> None:
        await pilot.press("1", "2", "right", "right", "right", "shift+right", "tab")
        assert view.orders == (0, 1, 2) and view.cursor == 1.3 and view.selected == 1
        await pilot.press("plus", "greater_than_sign", "s", "d")
        twin.cursor = 1.3
        twin.zoom(0.5), twin.pan(0.25)
        assert (view.start, view.stop, view.cursor) == (twin.start, twin.stop, twin.cursor)
        assert view.shade and view.dialect == "torch"
        lines = screen_lines(app)
        row = next(line for line in lines if line.startswith("▶ tanh "))
        t, x = actcli.get("tanh"), view.cursor
        assert x == 2.8 and any(line.startswith("x = 2.8 ") for line in lines)
        assert row.split()[-3:] == [repr(float(t.value(x))), repr(float(t.grad(x))),
                                    repr(float(t.grad2(x)))]  # fmt: skip
        await pilot.press("r", "minus", "0")
        twin.reset_range(), twin.zoom(2)
        assert (view.start, view.stop) == (twin.start, twin.stop) and view.orders == (1, 2)
        shown["chart"] = app.screen.chart_text
        assert "tanh''" in shown["chart"] and "|sigmoid'| < 0.01" in shown["chart"]
        await pilot.press("q")

    app = run_app(view, script)
    assert app.return_code == 0
    assert plotted(view, color=True) == shown["chart"] + "\n"


def test_parameters_by_keys_and_typed_refused_with_the_registry_message():
    view = View.of(["relu", "elu"])

    async def script(app: Any, pilot: Any) -> None:
        await pilot.press("tab", "right_square_bracket", "right_curly_bracket")
        assert view.current.act.params == {"alpha": 2.1}
        await pilot.press("e", *"ctrl+a ctrl+k".split(), "0", "enter")  # clear, type 0
        error = str(app.screen.query_one("#error").content)
        assert error == "elu: parameter alpha=0 is not allowed (finite and > 0)"
        assert view.current.act.params == {"alpha": 2.1}  # refused: unchanged
        await pilot.press("ctrl+a", "ctrl+k", *"0.5", "enter")
        assert view.current.act.params == {"alpha": 0.5}
        assert "elu:alpha=0.5" in app.screen.chart_text
        await pilot.press("tab", "right_square_bracket")  # relu has none: said on the screen
        assert any("relu: no parameters to change" in line for line in screen_lines(app))
        await pilot.press("q")

    run_app(view, script)


def test_add_by_search_or_expression_remove_info_and_help():
    view = View.of(["relu"])

    async def script(app: Any, pilot: Any) -> None:
        await pilot.press("a", *"swi", "enter")  # an alias finds silu
        assert [e.name for e in view.entries] == ["relu", "silu"]
        await typed(app, pilot, "a", "log(x)")  # the chart's warnings, on the message line
        assert any("log(x): left out" in line for line in screen_lines(app))
        await pilot.press("x")
        await typed(app, pilot, "a", "x*sigmoid(2*x)")
        assert view.entries[-1].name == "x*sigmoid(2*x)" and view.selected == 2
        await typed(app, pilot, "a", "x*sigmoid(")  # not a function: said, stays open
        assert "was never closed" in str(app.screen.query_one("#error").content)
        await pilot.press("escape", "i")  # an expression's card: what is measured
        card = "\n".join(screen_lines(app))
        assert "parsed as" in card and "range on the grid" in card and "maximum slope" in card
        await pilot.press("escape", "x")
        assert [e.name for e in view.entries] == ["relu", "silu"]
        await pilot.press("i")
        card = "\n".join(screen_lines(app))
        assert "silu" in card and "f'(x)" in card and "output range" in card
        assert actcli.declaration("silu").formula in card  # the registry's own text
        await pilot.press("escape", "question_mark")
        assert any("these keys" in line for line in screen_lines(app))
        await pilot.press("escape", "ctrl+c")

    app = run_app(view, script)
    assert app.return_code == 130


def test_a_small_terminal_shows_chart_and_readout_and_a_resize_redraws():
    view = View.of(["sigmoid", "tanh", "relu"])
    shown = {}

    async def script(app: Any, pilot: Any) -> None:
        await pilot.press("1", "right", "right", "right")
        lines = screen_lines(app)
        assert len(lines) == 24 and "▞ sigmoid" in "\n".join(lines)
        assert sum(line.startswith(("▶ ", "  sigmoid", "  tanh", "  relu")) for line in lines) >= 3
        await pilot.resize_terminal(120, 40)  # redrawn at the new size
        await pilot.pause()
        shown["chart"] = app.screen.chart_text
        assert len(shown["chart"].splitlines()[0]) == 90 and len(screen_lines(app)) == 40
        await pilot.resize_terminal(60, 16)  # no side panel; numbers rounded to fit, not cut
        await pilot.pause()
        assert not app.screen.query_one("#side").display
        row = next(line for line in screen_lines(app) if line.startswith("  tanh "))
        t, x = actcli.get("tanh"), view.cursor
        for token, y in zip(row.split()[1:], (t.value(x), t.grad(x), t.grad2(x)), strict=True):
            assert token == fit(float(y), len(token))
        await pilot.press("q")

    run_app(view, script, size=(80, 24))
    view.width, view.height = 90, 34  # the command of the 120x40 chart, compared above
    assert plotted(view, color=True) == shown["chart"] + "\n"


# --- the command --------------------------------------------------------------------------


def test_without_a_terminal_one_line_and_exit_2():
    assert "needs a terminal on stdin and stderr" in fails("explore")
    assert fails("explore", "sigmod") == "actcli explore: unknown function 'sigmod'; did you mean 'sigmoid'?"
    assert "start < stop" in fails("explore", "relu", "--range", "3", "1")
    r = subprocess.run([sys.executable, "-m", "actcli", "explore"], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)  # fmt: skip
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.splitlines()) == 1


def _on_a_pty(args: list[str], keys: bytes, size: tuple[int, int]) -> tuple[int, str, float]:
    """`actcli explore ARGS` with stdin and stderr on a pseudo-terminal of `size` and stdout a
    pipe; `keys` typed once the chart is drawn. Its exit code, stdout, seconds to first frame."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    master, slave = pty.openpty()
    cols, rows = size
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    t0 = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-m", "actcli", "explore", *args], stdin=slave,
                         stderr=slave, stdout=subprocess.PIPE, env=env, start_new_session=True)  # fmt: skip
    os.close(slave)
    seen = bytearray()
    drawn = threading.Event()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)
            if b"f''(x)" in seen:
                drawn.set()

    threading.Thread(target=drain, daemon=True).start()
    assert drawn.wait(30), bytes(seen[-500:])
    first = time.perf_counter() - t0
    time.sleep(0.3)
    os.write(master, keys)
    out, _ = p.communicate(timeout=30)
    os.close(master)
    return p.returncode, out.decode(), first


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX pseudo-terminal")
def test_a_real_terminal_with_stdout_redirected():
    code, out, _ = _on_a_pty(["relu", "gelu"], b"1q", (110, 32))
    # 110 columns less the 30 of the side panel: the size is stderr's, not a default 80x24
    assert code == 0 and out.startswith("actcli plot relu gelu --deriv --width 80 --height 27"), out
    assert out.count("\n") == 1
    code, out, _ = _on_a_pty([], b"\x03", (100, 30))
    assert code == 130 and out == ""


def test_no_other_command_loads_textual():
    code = (
        "import sys\n"
        "from actcli.cli import main\n"
        "for argv in (['plot', 'relu', '--width', '40', '--height', '10'], ['info', 'elu'],\n"
        "             ['list'], ['table', 'relu'], ['compare', 'relu', 'tanh', '--plot', '1'],\n"
        "             ['dialects', 'gelu'], ['explore', '--help'], ['--help']):\n"
        "    sys.argv = ['actcli', *argv]\n"
        "    try: main()\n"
        "    except SystemExit: pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'numpy'}), file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stderr.strip().splitlines()[-1] == "['numpy']", r.stderr  # numpy: the checks can tell
    assert re.search(r"sigmoid", ok("explore", "--help")) and "Usage: actcli explore" in ok("explore", "--help")


# --- the README's screen ----------------------------------------------------------------------

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")
SCREEN = re.compile(r"(<!-- explore:start -->\n```text\n)(.*?)(```\n<!-- explore:end -->)", re.S)
README_RUN = ["leaky_relu:alpha=0.1", "elu", "gelu"]
README_KEYS = ["1", *["left"] * 10]  # f' on, the cursor to x = -1


def readme_screen() -> str:
    """The screen the README shows: `actcli explore leaky_relu:alpha=0.1 elu gelu` at 100x32,
    after the keys README_KEYS; then the command `q` prints."""
    view = View.of(README_RUN)
    shown = {}

    async def script(app: Any, pilot: Any) -> None:
        await pilot.press(*README_KEYS)
        shown["screen"] = "\n".join(line.rstrip() for line in screen_lines(app))
        await pilot.press("q")

    run_app(view, script, size=(100, 32))
    command = " ".join(plot_command(view))
    return f"{shown['screen']}\n\n$ actcli explore {' '.join(README_RUN)}   # 1, then ← ten times, then q\n{command}\n"


def test_the_readme_screen_is_real():
    with open(README, encoding="utf-8") as f:
        match = SCREEN.search(f.read())
    assert match, "the README has no explore screen"
    assert match.group(2) == readme_screen(), "run: python tests/test_explore.py"


if __name__ == "__main__":  # rewrite the README's screen from a fresh run
    with open(README, encoding="utf-8") as f:
        text = f.read()
    with open(README, "w", encoding="utf-8") as f:
        f.write(SCREEN.sub(lambda m: m.group(1) + readme_screen() + m.group(3), text))
