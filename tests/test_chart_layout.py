"""Chart layout that says nothing false: y labels on the rows of their values, a jump drawn as
a jump, axis labels and a zero line, a panel per derivative, shading labels off the marks (#14)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import actcli
from actcli.render.charts import ANSI, SHADE, chart

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


def lines_of(c) -> list[str]:
    return ANSI.sub("", c.text).split("\n")


def canvas_rows(c) -> list[tuple[str, str]]:
    """(y label, inner cells) of each canvas row of every panel, top to bottom."""
    lines = lines_of(c)
    bottom = next(line for line in lines if "└" in line)
    c0, c1 = bottom.index("└"), bottom.index("┘")
    out = []
    for line in lines:
        if "└" in line:
            break
        if line[c0] in "┤│" and line[c1] == "│":
            out.append((line[:c0].strip(), line[c0 + 1 : c1]))
    return out


@pytest.mark.parametrize("value", ["3", "-2", "0.5", "100", "0"])
@pytest.mark.parametrize("height", [7, 8, 10, 13])
def test_a_constant_is_drawn_on_the_row_labelled_with_it(value, height):
    c = chart([actcli.get(f"0*x+{value}")], width=40, height=height)
    drawn = [label for label, cells in canvas_rows(c) if cells.strip()]
    assert len(drawn) == 1 and drawn[0], "\n" + c.text
    assert float(drawn[0]) == float(value), "\n" + c.text


@pytest.mark.parametrize("height", [12, 20, 30])
def test_every_y_label_is_on_the_row_where_its_value_is_drawn(height):
    # A line y = x crosses every row: the row labelled v holds the cells at x = v.
    c = chart([actcli.get("linear")], -4, 4, width=81, height=height, points=8001)
    rows = canvas_rows(c)
    lines = lines_of(c)
    bottom = next(line for line in lines if "└" in line)
    c0, c1 = bottom.index("└") + 1, bottom.index("┘") - 1
    for label, cells in rows:
        if not label:
            continue
        v = float(label)
        if not -4 <= v <= 4:
            continue
        col = round((v + 4) / 8 * (c1 - c0))
        assert cells[col].strip(), (label, "\n" + c.text)


def test_a_jump_is_a_jump_and_the_convention_is_marked():
    c = chart([actcli.get("relu")], -2, 2, orders=(1,), width=41, height=20)
    rows = canvas_rows(c)
    lines = lines_of(c)
    bottom = next(line for line in lines if "└" in line)
    mid = (bottom.index("┘") - bottom.index("└") - 1) // 2  # x = 0
    column = [cells[mid] for _, cells in rows]
    filled = [i for i, ch in enumerate(column) if ch != " " and ch != "┈"]
    assert len(filled) == 2, "\n" + c.text  # the end of relu' = 1 and the mark at 0, no riser
    labels = {label: i for i, (label, _) in enumerate(rows) if label}
    assert column[labels["0.0"]] == "●"  # relu'(0) = 0, PyTorch's convention
    assert filled[0] == labels["1.0"]


def test_a_continuous_kink_is_not_cut():
    c = chart([actcli.get("relu")], -2, 2, width=41, height=14)
    assert "●" not in c.text


def test_axis_labels_and_a_zero_line():
    c = chart([actcli.get("tanh")], orders=(0, 1), width=80, height=24)
    lines = lines_of(c)
    assert "┌─ f(x) ─" in lines[0]
    assert any("├─ f'(x) ─" in line for line in lines)
    assert " x ─┬┘" in next(line for line in lines if "└" in line)
    zero = next(line for line in lines if re.match(r"\s*0(\.0*)?┤", line))
    assert "┈" in zero  # the zero line, where no curve is
    colored = chart([actcli.get("tanh")], width=80, height=24, color=True)
    assert "\x1b[38;5;244m┈" in colored.text  # grey: dim on white and on black


def test_no_zero_line_when_zero_is_off_the_axis():
    assert "┈" not in chart([actcli.get("sigmoid")], 1, 5, width=60, height=14).text


def y_labels(rows) -> list[float]:
    return [float(label) for label, _ in rows if label]


def test_derivatives_have_a_panel_of_their_own():
    fs = [actcli.get(s) for s in ("sigmoid", "tanh", "relu")]
    c = chart(fs, orders=(0, 1), width=80, height=30)
    text = "\n".join(lines_of(c))
    top, bottom = text.split("├─ f'(x)")
    f_labels = [float(s.split("┤")[0]) for s in top.split("\n") if "┤" in s]
    d_labels = [float(s.split("┤")[0]) for s in bottom.split("\n") if "┤" in s and "─" not in s]
    assert max(f_labels) >= 6 and max(d_labels) <= 1.5  # relu's 6 does not squeeze f'
    one = chart(fs, orders=(0, 1), width=80, height=30, overlay=True)
    assert "├" not in one.text and "┌─ f(x), f'(x) ─" in one.text


def test_a_chart_too_short_for_panels_shares_one_axis_and_says_so():
    c = chart([actcli.get("tanh")], orders=(0, 1, 2), width=60, height=10)
    assert "├" not in c.text
    assert [w for w in c.warnings if "too few for a panel per derivative" in w]


@pytest.mark.parametrize("spec, start, stop", [("relu", -3, 9), ("sigmoid", -6, 6), ("mish", -6, 6),
                                              ("tanh", -0.1, 0.1), ("relu", -5, -1), ("gelu", -8, 8)])
@pytest.mark.parametrize("width", [24, 40, 80])
def test_a_shading_label_never_covers_a_mark(spec, start, stop, width):
    from actcli.render.shading import vanishing_columns

    act = actcli.get(spec)
    c = chart([act], start, stop, shade_vanishing=0.01, width=width, height=14)
    lines = lines_of(c)
    bottom = next(line for line in lines if "└" in line)
    c0, c1 = bottom.index("└") + 1, bottom.index("┘")
    marked = vanishing_columns(act, 0.01, start, stop, c1 - c0)
    label = f"|{spec}'| < 0.01"
    row = lines.index(bottom) + 2
    assert [ch == SHADE for ch in lines[row][c0:c1]] == marked.tolist(), "\n" + c.text
    assert label in "\n".join(lines[row:])  # on the row, or in the legend when no gap holds it


# --annotate and --diff


def test_annotate_marks_kinks_max_slope_and_zeros_of_the_derivative_from_the_analysis():
    from actcli.core import analysis

    fs = [actcli.get(s) for s in ("relu", "mish", "gelu")]
    c = chart(fs, -3, 3, annotate=True, width=100, height=30)
    text = "\n".join(lines_of(c))
    assert "relu: kink at x = 0 (relu'(0) = 0 (PyTorch))" in text
    for act in fs:
        p = analysis.probe(act)
        assert f"max f' = {p.max_slope:.4g} at {analysis.max_slope_where(act, p)}" in text
    assert "mish: max f' = 1.088 at x = 1.491 · f' = 0 at x = -1.192" in text
    assert "gelu:" in text and "f' = 0 at x = -0.7518" in text
    rows = canvas_rows(c)
    cells = "".join(row for _, row in rows)
    for mark in ("◆", "▲", "○"):
        assert mark in cells, mark
    assert "◆ kink · ▲ max f' · ○ f' = 0" in text


def test_diff_draws_f_minus_g_with_its_largest_gap():
    f, g = actcli.get("gelu"), actcli.get("silu")
    c = chart([f, g], -4, 3, diff=True, width=80, height=16)
    x = np.linspace(-4, 3, 400_001)
    gap = np.abs(f.value(x) - g.value(x))
    want = f"gelu − silu (max |f − g| = {gap.max():.4g} at x = {x[gap.argmax()]:.4g})"
    assert want in c.text and "f(x) − g(x)" in c.text
    with pytest.raises(Exception, match="two functions: give two, not 3"):
        chart([f, g, f], diff=True, width=80, height=16)
