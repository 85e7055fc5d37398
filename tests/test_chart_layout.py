"""Chart layout that says nothing false: y labels on the rows of their values, a jump drawn as
a jump, axis labels and a zero line, a panel per derivative, shading labels off the marks (#14)."""

from __future__ import annotations

import re

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
