"""actcli.render.charts: charts built as strings and read back like a user would read them."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
from clitools import ok  # tests/ is on the path

import actcli
from actcli.render.charts import ANSI, SHADE, Chart, PlotError, chart, series_label

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


class Fake:
    """An activation-like object whose values we choose, nan and inf included."""

    def __init__(self, name: str, f):
        self.name = self.label = name
        self.f = f

    def derivative(self, x, order=1):
        return self.f(np.asarray(x, dtype=np.float64), order)


def acts(*specs: str) -> list[actcli.Activation]:
    return [actcli.get(s) for s in specs]


def lines_of(c: Chart) -> list[str]:
    return ANSI.sub("", c.text).split("\n")


def axis(c: Chart) -> tuple[int, int, int]:
    """The row of the x axis (└┬──┬┘) and the first and last canvas columns."""
    lines = lines_of(c)
    row = next(i for i, line in enumerate(lines) if "└" in line)
    return row, lines[row].index("└") + 1, lines[row].index("┘") - 1


def column_x(c: Chart, start: float, stop: float) -> dict[int, float]:
    """x at the middle of each canvas column: start in the first, stop in the last."""
    _, c0, c1 = axis(c)
    return {col: start + (col - c0) * (stop - start) / (c1 - c0) for col in range(c0, c1 + 1)}


def shade_row(c: Chart, label: str) -> str:
    return next(line for line in lines_of(c) if label in line)


# Legend


def test_legend_names_every_series_with_primes_and_parameters():
    c = chart(acts("sigmoid", "leaky_relu:alpha=0.2"), orders=(0, 1), width=100, height=30)
    legend = "\n".join(lines_of(c)[axis(c)[0] + 2 :])
    for label in ("sigmoid", "sigmoid'", "leaky_relu:alpha=0.2", "leaky_relu:alpha=0.2'"):
        assert re.search(rf"(^|\s){re.escape(label)}(\s|$)", legend, re.M), label


@pytest.mark.parametrize(
    ("orders", "expected"),
    [((1,), ["tanh'"]), ((2,), ["tanh''"]), ((0, 1, 2), ["tanh", "tanh'", "tanh''"])],
)
def test_only_the_orders_asked_for(orders, expected):
    c = chart(acts("tanh"), orders=orders, width=80, height=20)
    legend = lines_of(c)[-1].split()
    assert legend[1::2] == expected


def test_series_label():
    assert series_label(actcli.get("sigmoid"), 2) == "sigmoid''"
    assert series_label(actcli.get("elu:alpha=2"), 1) == "elu:alpha=2'"
    # one rule with the tables' headers
    out = ok("grad", "elu:alpha=2", "--table", "1")
    assert "elu:alpha=2'(x)" in out


def test_legend_wraps_to_the_width():
    c = chart(acts("sigmoid", "tanh", "relu", "gelu", "silu", "mish"), orders=(0, 1), width=60)
    assert all(len(line) == 60 for line in lines_of(c))
    legend = " ".join(lines_of(c)[axis(c)[0] + 2 :])
    assert "mish'" in legend and "gelu" in legend


# Axes and size


@pytest.mark.parametrize(
    ("start", "stop"), [(-6, 6), (-3, 7), (-5.5, 7.3), (0, 1), (-100, 250), (1e-3, 2e-3)]
)
@pytest.mark.parametrize("width", [40, 100])
def test_x_axis_covers_the_range(start, stop, width):
    c = chart(acts("tanh"), start, stop, width=width, height=12)
    row, c0, c1 = axis(c)
    ticks_row = lines_of(c)[row + 1]
    labels = [float(s) for s in NUMBER.findall(ticks_row)]
    assert labels[0] == pytest.approx(start, rel=1e-3, abs=1e-12)
    assert labels[-1] == pytest.approx(stop, rel=1e-3, abs=1e-12)
    assert labels == sorted(labels)


def test_x_ticks_sit_where_their_labels_say():
    c = chart(acts("tanh"), -6, 6, width=100, height=12)
    row, c0, c1 = axis(c)
    xs = column_x(c, -6, 6)
    ticks = [col for col, ch in enumerate(lines_of(c)[row]) if ch == "┬"]
    labels = [float(s) for s in NUMBER.findall(lines_of(c)[row + 1])]
    assert len(ticks) == len(labels) == 7
    half_column = 12 / (c1 - c0) / 2
    for col, label in zip(ticks, labels, strict=True):
        assert xs[col] == pytest.approx(label, abs=half_column + 1e-9)


def decimals(label: str) -> int | str:
    return "e" if "e" in label else len(label.split(".")[1]) if "." in label else 0


@pytest.mark.parametrize(
    ("start", "stop"),
    [(-6, 6), (-5.5, 7.3), (-3, 7), (0, 1), (-100, 250), (1e-3, 2e-3), (-2, 2.5), (-7, 3.2)],
)
@pytest.mark.parametrize("width", [20, 30, 40, 57, 80, 120])
def test_x_ticks_are_in_one_format(start, stop, width):
    c = chart(acts("tanh"), start, stop, width=width, height=12)
    labels = NUMBER.findall(lines_of(c)[axis(c)[0] + 1])
    assert len({decimals(s) for s in labels}) == 1, labels


@pytest.mark.parametrize(("width", "height"), [(20, 5), (80, 24), (100, 30), (137, 41), (300, 9)])
@pytest.mark.parametrize(
    "options",
    [{}, {"orders": (0, 1), "shade_vanishing": 0.01, "title": "saturation"}, {"color": True}],
)
def test_size_is_the_one_asked_for(width, height, options):
    specs = ("sigmoid", "relu") if options else ("sigmoid",)
    if height < 9 and options.get("shade_vanishing"):
        with pytest.raises(PlotError, match="too small"):
            chart(acts(*specs), width=width, height=height, **options)
        return
    c = chart(acts(*specs), width=width, height=height, **options)
    lines = lines_of(c)
    assert len(lines) == height
    assert {len(line) for line in lines} == {width}
    assert (c.width, c.height) == (width, height)


def test_size_defaults_to_80x24_in_a_pipe():
    c = chart(acts("sigmoid"))  # pytest captures stdout: not a terminal
    lines = lines_of(c)
    assert len(lines) == 24 and {len(line) for line in lines} == {80}


def test_title():
    c = chart(acts("sigmoid"), title="Logistic", width=60, height=12)
    assert lines_of(c)[0].strip() == "Logistic"


def test_ylim_is_respected_and_clips_without_crashing():
    c = chart(acts("relu", "tanh"), ylim=(-0.5, 0.5), width=60, height=16)
    labels = [float(line.split("┤")[0]) for line in lines_of(c) if "┤" in line]
    assert min(labels) >= -0.5 and max(labels) <= 0.5
    # plotext 6.1 walks a line cell by cell, off the canvas too: a value of 1e300 used to abort.
    huge = Fake("huge", lambda x, o: 1e300 * x)
    assert "huge" in chart([huge], ylim=(-1, 1), width=60, height=12).text


# Colour


def test_no_ansi_without_color_and_some_with():
    a = acts("sigmoid", "tanh")
    plain = chart(a, orders=(0, 1), shade_vanishing=0.01, width=80, height=24)
    colored = chart(a, orders=(0, 1), shade_vanishing=0.01, width=80, height=24, color=True)
    assert "\x1b[" not in plain.text
    assert "\x1b[" in colored.text
    assert plain.text == colored.plain()  # without colour, glyphs; with it, braille dots
    stripped = ANSI.sub("", colored.text).split("\n")
    assert len(stripped) == 24 and {len(line) for line in stripped} == {80}
    assert stripped[-1] == plain.text.split("\n")[-1]  # the same legend


# Shading of vanishing gradients


def marked_x(c: Chart, label: str, start: float, stop: float) -> tuple[list[float], list[float]]:
    """x of the marked and unmarked columns of a shading row (the label's own cells left out)."""
    row, xs = shade_row(c, label), column_x(c, start, stop)
    at = row.index(label)
    skip = range(at - 1, at + len(label) + 1)
    marked = [x for col, x in xs.items() if row[col] == SHADE]
    clear = [x for col, x in xs.items() if row[col] == " " and col not in skip]
    return marked, clear


@pytest.mark.parametrize("width", [60, 100, 157])
def test_shading_marks_sigmoid_beyond_4_6(width):
    c = chart(acts("sigmoid"), shade_vanishing=0.01, width=width, height=20)
    marked, clear = marked_x(c, "|sigmoid'| < 0.01", -6, 6)
    # sigmoid'(x) < 0.01 exactly where |x| > 4.5951...
    assert marked and min(marked) < -5.9 and max(marked) > 5.9
    assert all(abs(x) > 4.5 for x in marked)
    assert not [x for x in clear if abs(x) > 4.7]


def test_shading_never_marks_relu_for_x_above_0():
    c = chart(acts("relu", "sigmoid"), -3, 9, shade_vanishing=0.01, width=100, height=20)
    marked, clear = marked_x(c, "|relu'| < 0.01", -3, 9)
    half_column = 12 / (axis(c)[2] - axis(c)[1]) / 2
    assert all(x <= half_column for x in marked)  # the column holding relu'(0) = 0 is marked
    assert min(marked) < -2.9 and not [x for x in clear if x < -0.1]  # relu' = 0 for x < 0


@pytest.mark.parametrize("width", [40, 80, 121, 200])
def test_shading_finds_a_dip_narrower_than_a_column(width):
    # mish' = 0 at x = -1.1924 and |mish'| < 0.01 only within about ±0.012 of it: one x per
    # column missed it and the row said "nowhere".
    c = chart(acts("mish"), shade_vanishing=0.01, width=width, height=20)
    marked, _ = marked_x(c, "|mish'| < 0.01", -6, 6)
    assert "nowhere" not in c.text
    half_column = 12 / (axis(c)[2] - axis(c)[1]) / 2
    assert marked and all(abs(x + 1.1924) <= 2 * half_column + 0.02 for x in marked)


def test_nowhere_is_said_only_when_true():
    for name in actcli.names():
        act = actcli.get(name)
        c = chart([act], shade_vanishing=0.01, width=60, height=12)
        x = np.linspace(-6, 6, 2_000_001)
        small = np.abs(act.derivative(x, 1)) < 0.01
        assert ("nowhere" in c.text) == (not small.any()), name


def test_shading_rows_have_the_function_colour_and_say_when_nothing_is_marked():
    c = chart(acts("linear"), shade_vanishing=0.01, width=80, height=12)
    assert "|linear'| < 0.01 nowhere in [-6, 6]" in c.text
    c = chart(acts("relu"), 1, 5, shade_vanishing=1e-2, width=80, height=12)
    assert "|relu'| < 0.01 nowhere in [1, 5]" in c.text
    c = chart(acts("relu"), -5, -1, shade_vanishing=1e-2, width=80, height=12)
    assert "|relu'| < 0.01 everywhere" in c.text


# Saving


def test_save_txt(tmp_path):
    c = chart(acts("sigmoid"), orders=(0, 1), shade_vanishing=0.01, width=80, height=24, color=True)
    txt = c.save(tmp_path / "chart.TXT").read_text(encoding="utf-8")
    assert "\x1b" not in txt and txt == c.plain() + "\n" and "sigmoid'" in txt


def test_save_refuses_other_formats(tmp_path):
    c = chart(acts("sigmoid"), width=40, height=10)
    with pytest.raises(PlotError, match=r"'chart.jpg'.*\.txt, \.svg, \.png, \.pdf or \.html"):
        c.save(tmp_path / "chart.jpg")
    with pytest.raises(PlotError, match="cannot write"):
        c.save(tmp_path / "missing" / "chart.txt")
    with pytest.raises(PlotError, match="size and dpi are for"):
        c.save(tmp_path / "chart.txt", dpi=100)


# Bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": 6, "stop": -6}, "start 6 must be less than stop -6"),
        ({"start": 1, "stop": 1}, "start 1 must be less than stop 1"),
        ({"start": float("nan")}, "must be finite"),
        ({"stop": float("inf")}, "must be finite"),
        ({"start": -1e308, "stop": 1e308}, "too wide"),
        ({"width": 19}, "width must be a whole number >= 20, not 19"),
        ({"height": 4}, "height must be a whole number >= 5, not 4"),
        ({"width": 50.5}, "width must be a whole number"),
        ({"ylim": (1, 0)}, r"lo < hi, not \(1, 0\)"),
        ({"ylim": (0, float("nan"))}, "y limits must be finite"),
        ({"ylim": (0, 1), "logy": True}, "> 0 on a log y axis"),
        ({"orders": (3,)}, "order must be 0, 1 or 2, not 3"),
        ({"orders": ()}, "no derivative order"),
        ({"points": 1}, "points must be a whole number >= 2"),
        ({"shade_vanishing": 0}, "threshold must be a number > 0"),
        ({"orders": (0, 1, 2), "shade_vanishing": 0.01, "height": 5}, "needs at least 6 rows"),
    ],
)
def test_bad_input_is_one_clear_line(kwargs, message):
    with pytest.raises(PlotError, match=message) as err:
        chart(acts("sigmoid"), **{"width": 60, "height": 20, **kwargs})
    assert "\n" not in str(err.value)
    assert isinstance(err.value, actcli.ActivationError)


def test_nothing_to_plot():
    with pytest.raises(PlotError, match="at least one function"):
        chart([], width=40, height=10)
    with pytest.raises(PlotError, match="every value is non-finite"):
        chart([Fake("void", lambda x, o: x * np.nan)], width=40, height=10)
    with pytest.raises(PlotError, match="<= 0 on a log y axis"):
        chart(acts("relu"), -5, -1, width=40, height=10, logy=True)


# nan, inf and log scale


def test_nan_and_inf_are_left_out_with_a_warning():
    gappy = Fake("gappy", lambda x, o: np.where(np.abs(x) < 1, np.nan, np.sin(x)))
    blowup = Fake("blowup", lambda x, o: np.where(x > 3, np.inf, np.cos(x)))
    c = chart([gappy, blowup, actcli.get("tanh")], width=80, height=20, points=121)
    assert c.warnings == [
        "gappy: left out 19 non-finite points",
        "blowup: left out 30 non-finite points",
    ]
    assert "gappy" in c.text and "blowup" in c.text


def test_a_series_with_no_finite_value_is_named_in_the_warnings():
    void = Fake("void", lambda x, o: x * np.nan)
    c = chart([void, actcli.get("tanh")], width=60, height=12, points=50)
    assert c.warnings == ["void: left out all 50 non-finite points"]


def test_log_y():
    c = chart(acts("sigmoid"), -20, 20, orders=(1,), logy=True, width=80, height=20)
    labels = [line.split("┤")[0].strip() for line in lines_of(c) if "┤" in line]
    assert labels[0] == "1e0" and labels[-1].startswith("1e-")  # sigmoid' falls to 2e-9
    assert c.warnings == []
    c = chart(acts("relu"), logy=True, width=80, height=20, points=121)
    assert c.warnings == ["relu: left out 61 points <= 0 (log y axis)"]


# Decimation


def test_a_million_points_keep_their_spike():
    n = 1_000_001
    spike = Fake("spike", lambda x, o: (np.arange(len(x)) == 400_000).astype(float))
    c = chart([spike], points=n, width=80, height=14)
    lines = lines_of(c)
    top = next(line for line in lines if line.startswith("1") and "┤" in line)
    assert top.split("┤")[1].strip(" │"), "the one point at y = 1 must still show"


def test_calls_do_not_accumulate():
    a = acts("sigmoid", "tanh")
    first = chart(a, width=70, height=20)
    chart(acts("relu"), width=50, height=10, title="other")
    again = chart(a, width=70, height=20)
    assert first.text == again.text
    assert first.plain() == again.plain()


# Import cost


def test_importing_actcli_plot_loads_neither_plotext_nor_typer():
    code = (
        "import sys, actcli.render.charts\n"
        "print(sorted(m for m in ('plotext', 'typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# Palette


def wcag_contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    def lum(c):
        v = [x / 255 for x in c]
        v = [x / 12.92 if x <= 0.04045 else ((x + 0.055) / 1.055) ** 2.4 for x in v]
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def xterm_rgb(n: int) -> tuple[int, int, int]:
    assert 16 <= n <= 231, f"colour {n} is not in the cube: its look depends on the theme"
    levels = (0, 95, 135, 175, 215, 255)
    n -= 16
    return levels[n // 36], levels[n // 6 % 6], levels[n % 6]


def test_palette_reads_on_white_and_on_black():
    from actcli.render.palette import PALETTE, contrast, rgb

    assert len(PALETTE) == len(set(PALETTE)) == 8
    for n in PALETTE:
        color = xterm_rgb(n)
        assert rgb(n) == color
        for background in ((255, 255, 255), (0, 0, 0)):
            assert wcag_contrast(color, background) >= 3, (n, background)
            assert contrast(color, background) == pytest.approx(wcag_contrast(color, background))
        r, g, b = color
        assert not (r >= 135 and g >= 135 and b <= 95), f"{n} is a yellow"


def test_the_chart_uses_the_palette_in_order():
    from actcli.render.palette import PALETTE

    c = chart(acts("sigmoid", "tanh", "relu"), width=80, height=16, color=True)
    used = [int(n) for n in re.findall(r"\x1b\[38;5;(\d+)m", c.text)]
    assert set(used) - {244} == set(PALETTE[:3])  # 244: the grey zero line


def test_more_functions_than_colours_or_series_than_glyphs_is_one_note():
    names = actcli.names()[:9]
    c = chart(acts(*names), width=100, height=20)
    assert c.warnings[:1] == [
        f"9 functions, 8 colours: {names[8]} and {names[0]} share a colour (their glyphs differ)"
    ]
    c = chart(acts(*names[:7]), orders=(0, 1), width=100, height=24)
    assert c.warnings[:1] == [
        f"14 series, 12 glyphs: {names[6]} and {names[0]}, {names[6]}' and {names[0]}' share a glyph"
    ]
    assert not [w for w in chart(acts(*names[:8]), width=100, height=20).warnings if "share" in w]
    c = chart(acts(*names), orders=(0, 1), width=100, height=30)
    (note,) = [w for w in c.warnings if "share" in w]  # one line for both
    assert note.startswith("9 functions, 8 colours: ") and "; 18 series, 12 glyphs: " in note


def test_when_colours_repeat_the_coloured_chart_draws_glyphs():
    from actcli.render.charts import GLYPHS

    names = actcli.names()[:9]
    c = chart(acts(*names), width=100, height=30, color=True)
    canvas = ANSI.sub("", c.text.split("└")[0])
    assert GLYPHS[8] in canvas and GLYPHS[0] in canvas  # the 9th shares the 1st's colour
