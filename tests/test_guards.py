"""Guards written against hand-made bugs (#21): each test here failed with one small, realistic
bug in a module the mutation runs do not cover (analysis, flow, dialects, saturation, stream,
tables, charts, figures, the CLI), while the rest of the suite passed. Expectations are literals
or computed another way, never by the code under test."""

from __future__ import annotations

import contextlib
import re

import numpy as np
import pytest
from clitools import ok, strict_loads  # tests/ is on the path

ANSI = re.compile(r"\x1b\[([0-9;]*)m")
COLOUR_ON = {"NO_COLOR": None, "FORCE_COLOR": "1"}


def _rule_width(out: str) -> list[int]:
    """The width of each table's header rule (a line of '─'), in order."""
    return [len(line.rstrip()) for line in out.splitlines() if line.strip() and set(line.strip()) == {"─"}]


# --- points tables -------------------------------------------------------------------------


def test_the_caption_counts_a_single_point_left_out():
    out = ok("eval", "relu", "--table", "--range", "0", "1", "--num", "1001")
    assert "1000 of 1001 points shown" in out
    out = ok("eval", "relu", "--table", "--range", "0", "1", "--num", "1000")
    assert "points shown" not in out


def test_a_stacked_table_may_be_exactly_as_wide_as_the_terminal():
    """Each column needs its widest text and 3 characters (padding, edge), the table 1 more: a
    group of columns whose need is exactly the terminal's width is drawn as one table."""
    tsv = ok("compare", "sigmoid", "tanh", "relu", "gelu", "--", "-1", "0", "1")
    rows = [line.split("\t") for line in tsv.splitlines()]
    headers = ["x"] + [f"{f}{s}(x)" for f in ("sigmoid", "tanh", "relu", "gelu") for s in ("", "'")]
    need = [max(len(h), *(len(r[i]) for r in rows)) + 3 for i, h in enumerate(headers)]
    width = 1 + need[0] + need[6] + need[7] + need[8]  # x, relu'(x), gelu(x), gelu'(x)
    # the tables before: x sigmoid sigmoid' | x tanh tanh' relu (relu' does not fit beside them)
    assert 1 + need[0] + need[1] + need[2] + need[3] > width
    assert 1 + need[0] + sum(need[3:6]) <= width < 1 + need[0] + sum(need[3:7])
    out = ok("compare", "sigmoid", "tanh", "relu", "gelu", "--table", "--", "-1", "0", "1",
             env={"COLUMNS": str(width)})  # fmt: skip
    heads = [line.split() for line in out.splitlines() if line.strip().startswith("x ")]
    assert ["x", "relu'(x)", "gelu(x)", "gelu'(x)"] in heads, heads
    assert "rounded" not in out and all(len(line) <= width for line in out.splitlines())


def test_adjacent_doubles_get_the_digits_that_tell_them_apart():
    from actcli.render.tables import _telling_apart

    a = 0.1
    b = float(np.nextafter(a, 1.0))
    texts = _telling_apart(np.array([a, b]), np.array([a, b]))
    assert texts[0] != texts[1]
    assert [float(t) for t in texts] == [a, b]
    assert _telling_apart(np.array([0.25, 0.5]), np.array([0.25, 0.5])) == ["0.25", "0.5"]


# --- the summary table ---------------------------------------------------------------------


def _coloured_cells(line: str) -> list[tuple[str, str]]:
    """(SGR code, word) of each coloured yes/no cell of a table line."""
    return re.findall(r"\x1b\[(3[123])m(yes|no)\b", line)


def test_summary_cells_are_red_where_training_suffers_and_green_where_it_does_not():
    out = ok("table", "sigmoid", "relu", "--table", env={**COLOUR_ON, "COLUMNS": "140"})
    lines = {name: next(ln for ln in out.splitlines() if f"{name} " in ANSI.sub("", ln)[:12])
             for name in ("sigmoid", "relu")}  # fmt: skip
    yellow, red, green = "33", "31", "32"
    # zero-centred, vanishing gradient, dying units
    assert _coloured_cells(lines["sigmoid"]) == [(yellow, "no"), (red, "yes"), (green, "no")]
    assert _coloured_cells(lines["relu"]) == [(yellow, "no"), (green, "no"), (red, "yes")]


def test_info_in_float16_says_where_the_gradient_is_zero():
    out = ok("info", "relu", "--dtype", "float16", "--table", env={"COLUMNS": "140"})
    assert "f' = 0 for x ≤ 0" in out
    assert "f = 0.0 (its limit at -inf) for x ≤ 0" in out


# --- flow and dead tables ------------------------------------------------------------------


def test_flow_table_numbers_its_layers_from_one():
    out = ok("flow", "sigmoid", "relu", "--table", "--depth", "4")
    lines = out.splitlines()
    rule = next(i for i, ln in enumerate(lines) if set(ln.strip()) == {"─"})
    layers = [ln.split()[0] for ln in lines[rule + 1 : rule + 5]]
    assert layers == ["1", "2", "3", "4"]


def test_flow_table_writes_short_exponents():
    out = ok("flow", "sigmoid", "relu", "--table", "--depth", "4")
    assert re.search(r"\d\.?\d*e[1-9]\b", out)  # relu's norms are in the thousands: 1.95e3
    assert "e+" not in out and "e0" not in out and "e-0" not in out


def test_flow_groups_side_by_side_when_they_fit_exactly():
    wide = ok("flow", "sigmoid", "relu", "--table", "--depth", "4", env={"COLUMNS": "200"})
    (width,) = _rule_width(wide)  # one table: both functions side by side
    out = ok("flow", "sigmoid", "relu", "--table", "--depth", "4", env={"COLUMNS": str(width)})
    assert _rule_width(out) == [width]
    narrower = ok("flow", "sigmoid", "relu", "--table", "--depth", "4",
                  env={"COLUMNS": str(width - 1)})  # fmt: skip
    assert len(_rule_width(narrower)) == 2


# --- progress ------------------------------------------------------------------------------


def test_the_progress_bar_of_a_json_document_reaches_its_total(monkeypatch):
    """A JSON document reads its points once per array (x, then each column): the bar's total
    counts every pass, so it ends full, not at two thirds."""
    from actcli.io import sources
    from actcli.render import tables

    seen: dict[str, float] = {"done": 0.0}

    @contextlib.contextmanager
    def fake(total, stream=None):
        seen["total"] = total

        def tick(amount):
            seen["done"] += amount

        yield tick

    monkeypatch.setattr(sources, "isatty", lambda stream: True)
    monkeypatch.setattr(tables, "progress", fake)
    out = ok("compare", "relu", "tanh", "--json", "--range", "0", "1", "--num", "7")
    assert len(strict_loads(out)["x"]) == 7
    assert seen["total"] == 7 * 5  # x, then f and f' of relu and of tanh
    assert seen["done"] == seen["total"]


# --- terminal charts -----------------------------------------------------------------------


def _acts(*specs: str) -> list:
    import actcli

    return [actcli.get(s) for s in specs]


def test_twelve_series_in_twelve_glyphs_still_tell_shared_colours_apart():
    import actcli
    from actcli.render.charts import chart

    names = actcli.names()[:12]
    c = chart(_acts(*names), width=120, height=30)
    (note,) = [w for w in c.warnings if "share" in w]
    assert note.endswith("share a colour (their glyphs differ)"), note
    assert "glyphs:" not in note  # 12 series, 12 glyphs: none repeats


def test_a_title_exactly_as_wide_as_the_chart_is_not_cut():
    from actcli.render.charts import chart

    title = "t" * 39 + "T"
    c = chart(_acts("relu"), width=40, height=12, title=title)
    assert not [w for w in c.warnings if "title" in w]
    assert c.plain().splitlines()[0] == title
    c = chart(_acts("relu"), width=39, height=12, title=title)
    assert [w for w in c.warnings if "title is cut" in w]


@pytest.mark.parametrize("orders", [(0,), (0, 1)])
def test_a_titled_chart_keeps_its_x_labels_and_legend(orders):
    from actcli.render.charts import chart

    c = chart(_acts("sigmoid", "relu"), width=60, height=14, title="two", orders=orders)
    lines = c.plain().splitlines()
    assert len(lines) == 14 and lines[0].strip() == "two"
    assert "└" in lines[-3]
    assert lines[-2].split() == ["-6.0", "-2.5", "0.0", "2.5", "6.0"]
    assert "▞ sigmoid" in lines[-1] and "relu" in lines[-1]


def test_the_height_a_warning_asks_for_gives_panels():
    from actcli.render.charts import chart

    c = chart(_acts("sigmoid"), orders=(0, 1, 2), width=60, height=9)
    (w,) = [w for w in c.warnings if "too few for a panel" in w]
    need = int(re.search(r"--height (\d+) or more", w).group(1))
    c = chart(_acts("sigmoid"), orders=(0, 1, 2), width=60, height=need)
    assert not [w for w in c.warnings if "too few" in w]
    assert c.plain().count("├") == 2  # three panels
    c = chart(_acts("sigmoid"), orders=(0, 1, 2), width=60, height=need - 1)
    assert [w for w in c.warnings if "too few" in w]


def test_a_terminal_chart_leaves_a_row_for_the_prompt(monkeypatch):
    import os
    import shutil
    import sys

    from actcli.render.charts import chart

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=None: os.terminal_size((90, 30)))
    c = chart(_acts("relu"))
    assert (c.width, c.height) == (90, 29)
    assert len(c.plain().splitlines()) == 29


# --- output files --------------------------------------------------------------------------


def test_an_unknown_extension_lists_every_format_the_command_writes(tmp_path):
    from clitools import fails

    out = tmp_path / "out.xyz"
    assert fails("eval", "relu", "1", "-o", str(out)) == (
        f"actcli eval: cannot tell how to write '{out}'; name it .json, .jsonl, .csv, .tsv or "
        ".npy, or add --json, --jsonl, --csv or --tsv"
    )
    assert fails("table", "relu", "-o", str(out)) == (
        f"actcli table: cannot tell how to write '{out}'; name it .json, .jsonl, .csv or .tsv, "
        "or add --json, --jsonl, --csv or --tsv"
    )


@pytest.fixture
def late_error(monkeypatch):
    """Standard input whose bad token comes in a later block than the first rows written."""
    from actcli.io import sources

    monkeypatch.setattr(sources, "BLOCK", 1000)
    monkeypatch.setattr(sources, "TEXT_BLOCK", 4096)
    return " ".join(str(i) for i in range(5000)) + " x\n"


def test_a_file_half_written_when_the_input_goes_bad_is_removed(tmp_path, late_error):
    from clitools import run

    out = tmp_path / "out.tsv"
    r = run("eval", "relu", "-o", str(out), stdin=late_error)
    assert r.exit_code == 1 and "'x' is not a number" in r.stderr
    assert not out.exists()


def test_a_device_written_to_is_never_removed(monkeypatch, late_error):
    from clitools import run

    from actcli.cli import output

    removed = []
    monkeypatch.setattr(output.os, "remove", removed.append)  # never the real /dev/null
    r = run("eval", "relu", "--tsv", "-o", "/dev/null", stdin=late_error)
    assert r.exit_code == 1 and "'x' is not a number" in r.stderr
    assert removed == []


# --- the error boundary --------------------------------------------------------------------


def test_a_warning_is_said_once_even_when_python_shows_every_warning(monkeypatch):
    """python -W always (or PYTHONWARNINGS=always) repeats a warning at every call; the CLI's
    own record still says it once per run."""
    import warnings

    from clitools import run

    from actcli.io import sources

    monkeypatch.setattr(sources, "BLOCK", 100)
    monkeypatch.setattr(sources, "TEXT_BLOCK", 4096)
    text = "".join(f"{i}\n1e999\n" for i in range(3000))  # in many blocks
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        r = run("eval", "relu", "--tsv", stdin=text)
    assert r.exit_code == 0 and r.stdout.count("\n") == 6000
    assert r.stderr == (
        "actcli eval: warning: standard input: numbers beyond float64's range are read as inf "
        "or -inf\n"
    )


def test_out_of_memory_is_one_line_naming_the_command(monkeypatch):
    from clitools import run

    from actcli.io import stream

    def no_memory(*args, **kw):
        raise MemoryError

    monkeypatch.setattr(stream, "series", no_memory)
    r = run("grad", "relu", "1", "2")
    assert (r.exit_code, r.stdout) == (1, "")
    assert r.stderr == "actcli grad: out of memory; ask for fewer points\n"


# --- plot ----------------------------------------------------------------------------------


def test_every_warning_of_a_chart_is_said():
    from clitools import run

    title = "t" * 50
    r = run("plot", "relu", "--logy", "--title", title, "--width", "40", "--height", "12")
    assert r.exit_code == 0 and "└" in r.stdout
    lines = r.stderr.splitlines()
    assert len(lines) == 2, r.stderr
    assert lines[0] == f"actcli plot: the title is cut to the chart's 40 columns: '{title}'"
    assert lines[1].startswith("actcli plot: relu: left out ") and lines[1].endswith(
        " points <= 0 (log y axis)"
    )


# --- flow, dead, collapse ------------------------------------------------------------------


class _Scripted:
    """An activation whose value and f' are given by functions of z (flow takes any object
    with a name, params, value and grad)."""

    def __init__(self, value, grad, name="scripted"):
        self.name, self.label, self.params = name, name, {}
        self._value, self._grad = value, grad

    def value(self, z):
        return self._value(np.asarray(z, dtype=np.float64))

    def grad(self, z):
        return self._grad(np.asarray(z, dtype=np.float64))


def test_the_largest_stack_allowed_is_exactly_the_limit(monkeypatch):
    from clitools import fails

    from actcli.core import flow

    monkeypatch.setattr(flow, "MAX_CELLS", 4 * 8 * 16)
    out = ok("flow", "relu", "--depth", "4", "--width", "8", "--batch", "16", "--json")
    assert strict_loads(out)["batch"] == 16
    line = fails("flow", "relu", "--depth", "4", "--width", "8", "--batch", "17")
    assert "4 x 8 x 17 = 544 is too large (at most 512" in line


def test_a_blank_normal_std_is_asked_for():
    from clitools import fails

    line = fails("flow", "relu", "--init", "normal: ")
    assert line == "actcli flow: init 'normal: ': normal needs a standard deviation, as in normal:0.05"


def test_dead_total_is_the_share_of_all_units():
    import actcli
    from actcli.core import flow

    (f,) = flow.dead(actcli.get("relu"), bias_shift=-1.0, depth=6).functions
    assert min(f.dead_fraction) < max(f.dead_fraction)  # layers differ: the mean is not the max
    units = [round(d * 64) for d in f.dead_fraction]  # dead units per layer of 64
    assert f.dead_total == pytest.approx(sum(units) / (6 * 64), abs=0)


def test_an_affine_function_with_a_bias_collapses_to_one_map():
    import actcli
    from actcli.core import flow

    for bias in (0.0, 0.3, -2.0):
        r = flow.collapse(actcli.get("0.5*x+1"), bias=bias, depth=8)
        assert r.relative_residual < 1e-12, (bias, r)
    assert flow.collapse(actcli.get("tanh"), bias=0.3, depth=8).relative_residual > 0.1


def test_the_zero_function_collapses_with_no_residual():
    import actcli
    from actcli.core import flow

    r = flow.collapse(actcli.get("0*x"), depth=4)
    assert (r.max_abs_diff, r.max_abs_output, r.relative_residual) == (0.0, 0.0, 0.0)


def test_an_overflowing_gradient_norm_is_inf_and_no_gradient_is_nan_beside_zero():
    from actcli.core import flow

    # |z| keeps every later input >= 0, and f' = 1e308 makes h^T f' overflow to +inf
    big = _Scripted(np.abs, lambda z: np.full_like(z, 1e308))
    (f,) = flow.flow(big, depth=2, width=4, batch=8).functions
    assert f.grad_norm[-1] == np.inf
    # f' nan on layer 1 and 0 on layer 2: no gradient reaches layer 2, none defined at layer 1
    calls = []

    def grad(z):
        calls.append(1)
        return np.full_like(z, np.nan if len(calls) == 1 else 0.0)

    (f,) = flow.flow(_Scripted(lambda z: z, grad), depth=2, width=4, batch=8).functions
    assert f.grad_norm[1] == 0.0 and np.isnan(f.grad_norm[0])
    assert all(np.isnan(r) for r in f.grad_norm_ratio)  # nan / 0 and 0 / 0: neither is inf


# --- dialects ------------------------------------------------------------------------------


def test_a_parameter_given_beats_the_frameworks_default():
    assert ok("eval", "leaky_relu:alpha=0.05", "--dialect", "keras", "--", "-1") == "-1.0\t-0.05\n"
    assert ok("eval", "leaky_relu", "--dialect", "keras", "--", "-1") == "-1.0\t-0.2\n"


def test_a_parameter_the_framework_lacks_is_refused_naming_the_framework():
    from clitools import fails

    assert fails("eval", "silu:beta=2", "--dialect", "jax", "1") == (
        "actcli eval: silu: jax.nn.silu in jax has no parameter 'beta'"
    )


def test_a_function_the_framework_lacks_still_says_which_dialect_was_asked():
    doc = strict_loads(ok("eval", "tanhshrink", "--dialect", "jax", "--json", "1"))
    assert doc["dialect"] == "jax" and doc["function"] == "tanhshrink"


def test_nan_where_every_framework_gives_nan_is_no_disagreement():
    out = ok("dialects", "relu", "--table", "nan", "1")
    assert "nan" in out and "*" not in out and "disagree" not in out
    out = ok("dialects", "leaky_relu", "--table", "0")  # jax's leaky_relu'(0) = 1, torch's 0.01
    assert "*: the frameworks disagree" in out


def test_the_default_points_include_zero_and_every_kink():
    assert strict_loads(ok("dialects", "sigmoid", "--json"))["x"] == [-3.0, -1.0, 0.0, 1.0, 3.0]
    assert strict_loads(ok("dialects", "relu6", "--json"))["x"] == [-3.0, -1.0, 0.0, 1.0, 3.0, 6.0]


# --- ticks ---------------------------------------------------------------------------------


def test_tick_steps_include_two_and_a_half():
    from actcli.render import ticks

    assert ticks.nice_step(10.0, 4) == 2.5  # 4 intervals of 2.5, not 2 of 5
    assert ticks.nice_step(10.0, 5) == 2.0
    assert ticks.nice_step(1.0, 3) == 0.5


def test_decades_up_to_a_thousand_are_written_out():
    from actcli.render import ticks

    assert ticks.log_labels([-2.0, 0.0, 3.0]) == ["0.01", "1", "1000"]
    assert ticks.log_labels([0.0, 4.0]) == ["1e0", "1e4"]


def test_a_hundred_thousand_is_labelled_as_a_power():
    from actcli.render import ticks

    assert ticks.tick_labels([0.0, 50000.0, 100000.0], 0.1) == ["0", "5e4", "1e5"]
    assert ticks.tick_labels([0.0, 40000.0, 80000.0], 0.1) == ["0", "40000", "80000"]


def test_a_constant_on_a_log_axis_sits_between_two_decades():
    from actcli.render import ticks

    assert ticks.log_ticks(0.0, 0.0, None, 3) == (-1, 1, [-1.0, 0.0, 1.0])  # f = 1: 0.1 .. 10


# --- figures -------------------------------------------------------------------------------


def _lines_by_gid(fig) -> dict:
    return {ln.get_gid(): ln for ax in fig.axes for ln in ax.get_lines() if ln.get_gid()}


def test_a_figure_draws_f_solid_f1_dashed_and_f2_dotted():
    from actcli.render import figures
    from actcli.render.plan import plan

    p = plan(_acts("sigmoid"), -3, 3, orders=(0, 1, 2))
    lines = _lines_by_gid(figures.figure(p))
    styles = {}
    for k, s in enumerate(p.series):
        ln = lines[f"series-{k}-0"]
        styles[s.order] = ln.get_linestyle(), ln._dash_pattern[1]
    assert styles[0][0] == "-"
    dash, gap = styles[1][1][:2]
    assert dash > 2 * gap  # dashes: long strokes, short gaps
    dot, gap = styles[2][1][:2]
    assert dot < gap  # dots: short strokes, longer gaps


def test_seven_functions_have_seven_colours_in_a_figure():
    import actcli
    from actcli.render import figures
    from actcli.render.plan import plan

    names = actcli.names()[:8]
    assert figures._crowding(plan(_acts(*names[:7]), -3, 3)) == []
    (w,) = figures._crowding(plan(_acts(*names), -3, 3))
    assert w == f"8 functions, 7 colours in a figure: {names[7]} and {names[0]} share a colour"


def test_a_log_figure_labels_negative_powers_of_ten():
    from actcli.render import figures
    from actcli.render.plan import plan

    fig = figures.figure(plan(_acts("sigmoid"), -10, 10, orders=(1,), logy=True))
    fmt = fig.axes[0].yaxis.get_major_formatter()
    assert [fmt(v) for v in (1e-4, 1.0, 100.0)] == ["10⁻⁴", "10⁰", "10²"]


def test_a_figure_spans_exactly_the_range_asked_for():
    from actcli.render import figures
    from actcli.render.plan import plan

    fig = figures.figure(plan(_acts("relu", "tanh"), -2.5, 4, orders=(0, 1)))
    assert {ax.get_xlim() for ax in fig.axes if ax.get_lines()} == {(-2.5, 4.0)}


def test_an_empty_title_gives_a_figure_none():
    from actcli.render import figures
    from actcli.render.plan import plan

    assert figures.title_of(plan(_acts("relu", "tanh"), -3, 3, title="")) == ""
    assert figures.title_of(plan(_acts("relu", "tanh"), -3, 3)) == "relu, tanh"


def test_the_lowest_dpi_is_allowed():
    from actcli.render import figures
    from actcli.render.plan import PlotError

    figures.check_dpi(10.0, ".png")
    figures.check_dpi(1200.0, ".png")
    with pytest.raises(PlotError, match="dpi must be 10 to 1200, not 9.9"):
        figures.check_dpi(9.9, ".png")


# --- annotations ---------------------------------------------------------------------------


def test_a_kink_at_the_edge_of_the_range_is_still_marked():
    from actcli.render import annotate

    a = annotate.annotations(_acts("relu")[0], "relu", 0.0, 3.0)
    assert "kink at x = 0 " in a.note and (0.0, annotate.KINK) in a.marks
    a = annotate.annotations(_acts("relu6")[0], "relu6", -1.0, 6.0)
    assert "kink at x = 0, 6 " in a.note


def test_a_zero_of_f1_found_next_to_zero_is_written_as_zero():
    from actcli.render import annotate

    a = annotate.annotations(_acts("x*x")[0], "sq", -3.0, 2.2)
    assert a.note.endswith("f' = 0 at x = 0"), a.note


def test_the_difference_is_f_minus_g_with_both_kinks():
    from actcli.render import annotate

    gelu, silu, relu = _acts("gelu", "silu", "relu")
    d = annotate.Difference(gelu, silu)
    assert float(d.derivative(np.array([1.0]), 0)[0]) == pytest.approx(
        0.8413447460685429 - 0.7310585786300049, rel=1e-12
    )  # gelu(1) = Φ(1), silu(1) = σ(1)
    assert annotate.Difference(_acts("sigmoid")[0], relu).kinks == (0.0,)


def test_the_largest_gap_skips_where_the_difference_is_undefined():
    from actcli.render import annotate

    log, linear = _acts("log(x)", "linear")
    gap, at = annotate.max_gap(annotate.Difference(log, linear), -1.0, 2.0)
    assert np.isfinite(gap) and gap > 10 and 0 < at < 1e-4  # next to 0, where log → -inf


# --- shading and records -------------------------------------------------------------------


def test_the_widest_gap_is_the_first_of_equal_ones():
    from actcli.render.shading import widest_run

    assert widest_run(np.array([1, 1, 0, 1, 1], dtype=bool)) == (0, 2)
    assert widest_run(np.array([0, 1, 1, 0, 1, 1, 1], dtype=bool)) == (4, 7)


def test_a_shaded_span_covers_half_a_step_either_side_of_its_columns():
    from actcli.render.shading import column_spans

    # 5 columns centred on 0, 1, 2, 3, 4: columns 1 and 2 cover [0.5, 2.5]
    assert column_spans(np.array([0, 1, 1, 0, 0], dtype=bool), 0.0, 4.0) == [(0.5, 2.5)]
    assert column_spans(np.array([1, 0, 0, 0, 1], dtype=bool), 0.0, 4.0) == [(0.0, 0.5), (3.5, 4.0)]


def test_a_parameter_keeps_its_digits_in_info():
    out = ok("info", "leaky_relu:alpha=0.0123456", "--tsv")
    assert "params\talpha=0.0123456\n" in out


# --- plan and page -------------------------------------------------------------------------


def test_one_point_left_out_is_said_in_the_singular():
    from clitools import run

    r = run("plot", "relu", "--logy", "--range", "0", "5", "--points", "11", "--width", "40",
            "--height", "10")  # fmt: skip
    assert r.exit_code == 0
    assert r.stderr == "actcli plot: relu: left out 1 point <= 0 (log y axis)\n"


def test_a_note_exactly_as_wide_as_its_line_stays_on_one_line():
    from actcli.render.plan import wrap_note

    assert wrap_note("aaa · bbb", 9) == ["aaa · bbb"]
    assert wrap_note("aaa · bbb", 8) == ["aaa", "  bbb"]


def test_the_page_caption_says_log_y_and_its_table_ends_at_stop(tmp_path):
    out = tmp_path / "p.html"
    r = ok("plot", "relu", "--logy", "--range", "0.5", "7", "--points", "4000", "--save", str(out))
    assert r == ""
    text = out.read_text()
    assert "<figcaption>relu, x from 0.5 to 7 (log y)." in text
    assert "The numbers: one sample in 2 of the 4000" in text
    rows = re.findall(r"<tr><td>([^<]*)</td>", text)
    assert rows[0] == "0.5" and rows[-1] == "7.0" and len(rows) == 2001


# --- where the maximum slope is ------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "where"),
    [
        (["gelu"], "x = 1.414"),  # gelu'' = φ(x)·(2 − x²): the top at √2
        (["relu"], "x in (0, inf)"),  # relu'(0) = 0
        (["relu6"], "x in (0, 6)"),
        (["leaky_relu", "--dialect", "jax"], "x in [0, inf)"),  # jax: leaky_relu'(0) = 1
    ],
)
def test_info_says_where_the_slope_is_largest(args, where):
    out = ok("info", *args, "--tsv")
    assert f"max_slope_where\t{where}\n" in out
