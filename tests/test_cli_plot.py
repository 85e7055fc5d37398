"""`actcli plot` and `compare --plot`: the same charts as actcli.render.charts draws, one writer, warnings
on stderr, colour only when asked for, one-line errors."""

import re

import pytest
from clitools import fails, ok, run  # tests/ is on the path

import actcli
from actcli.render.charts import chart

COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def drawn(specs, *args, **kw) -> str:
    return chart([actcli.get(s) for s in specs], *args, **kw).text + "\n"


def test_plot_is_the_chart_of_actcli_plot():
    out = ok("plot", "relu", "tanh", "--width", "60", "--height", "16")
    assert out == drawn(["relu", "tanh"], -6, 6, width=60, height=16)
    assert "▞ relu" in out and "tanh" in out


def test_plot_in_a_pipe_is_80_by_24():
    lines = ok("plot", "sigmoid").splitlines()
    assert len(lines) == 24 and max(len(line) for line in lines) == 80


@pytest.mark.parametrize(
    "flags, orders",
    [
        ([], (0,)),
        (["--deriv"], (0, 1)),
        (["--order", "2"], (0, 2)),  # alone, --order adds that derivative to f
        (["--deriv", "--order", "2"], (0, 2)),
        (["--only-deriv"], (1,)),
        (["--only-deriv", "--order", "2"], (2,)),
        (["--order", "1"], (0, 1)),
        (["--order", "2", "--order", "1"], (0, 1, 2)),  # both derivatives, in order
        (["--only-deriv", "--order", "1", "--order", "2"], (1, 2)),
    ],
)
def test_plot_orders(flags, orders):
    out = ok("plot", "tanh", *flags, "--width", "50", "--height", "14")
    assert out == drawn(["tanh"], -6, 6, orders=orders, width=50, height=14)


def test_overlay_keeps_one_axis():
    out = ok("plot", "tanh", "--deriv", "--overlay", "--width", "60", "--height", "16")
    assert out == drawn(["tanh"], -6, 6, orders=(0, 1), overlay=True, width=60, height=16)
    assert "├" not in out and "├" in ok("plot", "tanh", "--deriv", "--width", "60", "--height", "16")


def test_plot_options_reach_the_chart():
    args = ["--range", "-3", "2", "--points", "301", "--ylim", "-2", "3", "--title", "hi"]
    out = ok("plot", "elu:alpha=0.5", *args, "--width", "70", "--height", "18")
    want = drawn(
        ["elu:alpha=0.5"], -3, 2, points=301, ylim=(-2, 3), title="hi", width=70, height=18
    )
    assert out == want and "hi" in out.splitlines()[0]


def test_shading_default_threshold_and_threshold_option():
    out = ok("plot", "sigmoid", "--shade-vanishing", "--width", "60", "--height", "16")
    assert "|sigmoid'| < 0.01" in out and "▒" in out
    assert out == drawn(["sigmoid"], -6, 6, shade_vanishing=1e-2, width=60, height=16)
    out = ok("plot", "tanh", "--threshold", "0.5", "--width", "60", "--height", "16")
    assert "|tanh'| < 0.5" in out  # --threshold implies --shade-vanishing


def test_logy_warns_on_stderr_and_draws_the_rest():
    r = run("plot", "relu", "--logy", "--width", "40", "--height", "12")
    assert r.exit_code == 0
    assert r.stderr == "actcli plot: relu: left out 41 points <= 0 (log y axis)\n"
    assert r.stdout == drawn(["relu"], -6, 6, logy=True, width=40, height=12)


def test_save_txt_and_html_write_the_file_not_stdout(tmp_path):
    txt, html = tmp_path / "c.txt", tmp_path / "c.html"
    assert ok("plot", "relu", "--save", str(txt), "--width", "40", "--height", "12") == ""
    want = chart([actcli.get("relu")], width=40, height=12)
    assert txt.read_text() == want.plain() + "\n"
    assert ok("plot", "relu", "--save", str(html)) == ""
    assert html.read_text().startswith("<!DOCTYPE html>") and "<svg" in html.read_text()


def test_a_failed_save_exits_1(tmp_path):
    r = run("plot", "relu", "--save", str(tmp_path / "no" / "c.txt"))
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("actcli plot: cannot write") and r.stderr.count("\n") == 1


def test_colour_only_when_asked_for():
    assert not COLOUR.search(ok("plot", "relu"))  # a pipe, and NO_COLOR in conftest
    forced = {"NO_COLOR": None, "FORCE_COLOR": "1"}
    assert COLOUR.search(ok("plot", "relu", env=forced))
    assert not COLOUR.search(ok("plot", "relu", "--no-color", env=forced))
    assert not COLOUR.search(ok("plot", "relu", env={"NO_COLOR": "1", "FORCE_COLOR": "1"}))
    assert not COLOUR.search(ok("plot", "relu", env={"NO_COLOR": None, "FORCE_COLOR": None}))


def test_expressions_and_dialects_plot():
    out = ok("plot", "x*sigmoid(1.702*x)", "--width", "50", "--height", "12")
    *curve, legend = out.splitlines()
    assert curve == drawn(["quick_gelu"], -6, 6, width=50, height=12).splitlines()[:-1]
    assert legend.strip() == "▞ x*sigmoid(1.702*x)"
    out = ok("plot", "gelu", "--dialect", "jax", "--width", "50", "--height", "12")
    assert out == drawn(["gelu_tanh"], -6, 6, width=50, height=12)
    assert ok("plot", "-x", "--width", "40", "--height", "10").count("▞ -x") == 1


@pytest.mark.parametrize(
    "args, words",
    [
        (["plot", "sigmod"], ["actcli plot: unknown function 'sigmod'", "'sigmoid'"]),
        (["plot", "relu", "relu", "--range", "0", "1"], ["'relu' is given twice"]),
        (["plot", "sigmoid", "logistic"], ["'sigmoid' is given twice"]),
        (["plot", "relu", "--range", "1", "1"], ["x range is empty"]),
        (["plot", "relu", "--width", "10"], ["width", ">= 20", "not 10"]),
        (["plot", "relu", "--height", "2"], ["height", ">= 5"]),
        (["plot", "relu", "--points", "100000000"], ["--points", "10000000"]),
        (["plot", "relu", "--points", "1"], ["--points", "2<=x"]),
        (["plot", "relu", "--logy", "--range", "-3", "-1"], ["nothing to plot", "log y"]),
        (["plot", "relu", "--logy", "--ylim", "0", "1"], ["y limits", "> 0"]),
        (["plot", "relu", "--ylim", "1", "0"], ["y limits", "lo < hi"]),
        (["plot", "relu", "--threshold", "0"], ["threshold", "> 0"]),
        (["plot", "relu", "--deriv", "--only-deriv"], ["--deriv", "--only-deriv", "not both"]),
        (["plot", "relu", "--save", "c.jpg"], ["c.jpg", ".txt, .svg, .png, .pdf or .html"]),
        (["plot", "relu", "--order", "3"], ["--order", "3"]),
        (["plot", "__import__('os')"], ["unknown function", "__import__"]),
        (["plot"], ["missing argument 'FUNC...'"]),
    ],
)
def test_plot_errors_are_one_line_exit_2(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = fails(*args)
    assert line.startswith("actcli plot: ")
    for w in words:
        assert w in line, line


# --- compare --plot --------------------------------------------------------------------------


@pytest.mark.parametrize("flags, orders", [([], (0, 1)), (["--value"], (0,)), (["--grad"], (1,))])
def test_compare_plot_draws_the_compared_functions(flags, orders):
    r = run("compare", "relu", "gelu", "--plot", *flags, "--width", "60", "--height", "16")
    want = chart([actcli.get("relu"), actcli.get("gelu")], orders=orders, width=60, height=16)
    assert r.exit_code == 0 and r.stdout == want.text + "\n"
    assert r.stderr == "".join(f"actcli compare: {w}\n" for w in want.warnings)


def test_compare_plot_range_and_num():
    args = "relu tanh --plot --range -2 2 -n 9 --width 50 --height 14"
    out = ok("compare", *args.split())
    assert out == drawn(["relu", "tanh"], -2, 2, points=9, orders=(0, 1), width=50, height=14)


@pytest.mark.parametrize(
    "args, words",
    [
        (["compare", "relu", "tanh", "--plot", "1"], ["--plot draws over --range", "points"]),
        (["compare", "relu", "tanh", "--plot", "--json"], ["--plot", "leave out --json"]),
        (["compare", "relu", "tanh", "--plot", "-o", "x.json"], ["leave out --output"]),
        (["compare", "relu", "tanh", "--width", "50", "1"], ["--width", "add --plot"]),
        (["compare", "relu", "tanh", "--plot", "--range", "2", "2"], ["x range is empty"]),
    ],
)
def test_compare_plot_errors(args, words):
    line = fails(*args)
    for w in words:
        assert w in line, line


def test_shade_vanishing_takes_an_optional_threshold():
    base = ["plot", "sigmoid", "--width", "60", "--height", "14"]
    want = run(*base, "--threshold", "0.1")
    assert want.exit_code == 0 and "|sigmoid'| < 0.1" in want.stdout
    for form in (["--shade-vanishing", "0.1"], ["--shade-vanishing=0.1"]):
        got = run(*base, *form)
        assert got.exit_code == 0 and got.stdout == want.stdout
    assert "|sigmoid'| < 0.01" in run(*base, "--shade-vanishing").stdout


# --- compare --plot and flow --plot: sized and saved as plot is ------------------------------


def test_compare_plot_saves_like_plot(tmp_path):
    txt = tmp_path / "c.txt"
    args = ["relu", "gelu", "--width", "50", "--height", "14", "--save", str(txt)]
    assert run("compare", *args[:2], "--plot", *args[2:]).stdout == ""
    assert txt.read_text() == chart(
        [actcli.get("relu"), actcli.get("gelu")], orders=(0, 1), width=50, height=14
    ).plain() + "\n"
    assert "c.jpg" in fails("compare", "relu", "gelu", "--plot", "--save", str(tmp_path / "c.jpg"))


def test_flow_plot_is_sized_and_saved(tmp_path):
    r = run("flow", "relu", "tanh", "--depth", "6", "--plot", "--chart-width", "50", "--height", "13")
    out = r.stdout
    assert r.stderr.startswith("actcli flow: the title is cut to the chart's 50 columns: 'gradient")
    lines = out.splitlines()
    assert len(lines) == 13 and {len(line) for line in lines} == {50}
    txt = tmp_path / "f.txt"
    args = ["--depth", "6", "--plot", "--chart-width", "50", "--height", "13", "--save", str(txt)]
    assert run("flow", "relu", "tanh", *args).stdout == ""
    assert txt.read_text() == out
    assert "add --plot" in fails("flow", "relu", "--save", str(txt))
    assert "add --plot" in fails("flow", "relu", "--height", "12")


def test_plot_diff_and_annotate_reach_the_chart():
    r = run("plot", "gelu", "silu", "--diff", "--range", "-4", "3", "--width", "60", "--height", "14")
    fs = [actcli.get("gelu"), actcli.get("silu")]
    assert r.exit_code == 0 and r.stdout == chart(fs, -4, 3, diff=True, width=60, height=14).text + "\n"
    assert "max |f − g|" in r.stdout
    assert "two functions: give two, not 1" in fails("plot", "gelu", "--diff")
    out = ok("plot", "mish", "--annotate", "--width", "70", "--height", "18")
    assert out == drawn(["mish"], -6, 6, annotate=True, width=70, height=18)
    assert "f' = 0 at x = -1.192" in out


def test_a_range_given_backwards_draws_the_same_chart_as_eval_counts_down():
    """plot --range 2 1 was refused while eval --range 5 1 counts down: one rule now."""
    assert ok("plot", "relu", "--range", "2", "-1") == ok("plot", "relu", "--range", "-1", "2")
