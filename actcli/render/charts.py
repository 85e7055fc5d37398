"""Charts of activations for the terminal: cells we lay out ourselves (actcli.render.canvas),
written out by plotext (imported only when a chart is drawn).

- `chart(acts, ...)`: f, f', f'' of one or more functions, as a `Chart`.
- `Chart`: `.text` for stdout, `.warnings` for stderr, `.html()`, `.plain()`, `.save(path)`.
- `PlotError`: a bad range, size, limit or file name; `str()` is one line a user can act on.
- shading rows come from actcli.render.shading (`vanishing_columns`).

The layout, top to bottom: the title; a panel for f and one under it for each derivative asked
for (all sharing the x axis; `overlay` puts every series on one axis); the x tick labels; one
shading row per function when `shade_vanishing` is given; notes from `annotate`; the legend.
Every series in the legend can be seen: in colour, the braille dots of all series are merged
and the cells they share take their colours in turn; without colour (a pipe, NO_COLOR, .txt)
each series has a glyph of its own (▞ • + x ...) and takes its turn in the cells it shares.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from actcli.core.registry import Activation, ActivationError
from actcli.render import ticks as tk
from actcli.render.annotate import FLAT, KINK, STEEPEST, Difference, annotations, max_gap
from actcli.render.canvas import DIM, Grid, Layer, clip_segment, decimate, dots, paint
from actcli.render.palette import PALETTE
from actcli.render.shading import SHADE, shade_row

MIN_WIDTH = 20
MIN_HEIGHT = 5
PIPE_SIZE = (80, 24)  # when stdout is not a terminal

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Without colour each series has its own glyph, so f, f' and f'' of several functions differ
# in a pipe or a .txt file too. With colour the curves are braille dots and the legend shows
# the glyph in the series' colour.
GLYPHS = ("▞", "•", "+", "x", "*", "o", "#", "%", "=", "~", "@", "&")
JUMP = "●"  # the value the kink convention gives, where f^(k) jumps
ZERO = "┈"  # the dim line at y = 0
MIN_PANEL_ROWS = 2  # a derivative panel shorter than this is not worth having: overlay instead
DECIMATE_OVER = 4  # decimate when a series has over 4 points per braille sub-column


class PlotError(ActivationError):
    """A chart that cannot be drawn as asked: size, range, limits, orders or file type."""


@dataclass(frozen=True)
class Chart:
    """A rendered chart. `text` has ANSI colours only if `chart(color=True)` asked for them."""

    text: str
    warnings: list[str]
    width: int
    height: int
    _grids: dict[bool, Grid] = field(repr=False, compare=False)  # colour -> cells

    def plain(self) -> str:
        """The chart without colour: each series in its own glyph, no ANSI code."""
        return ANSI.sub("", self._grids[False].matrix(False).string(colorless=True)).rstrip("\n")

    def html(self) -> str:
        """A standalone HTML page with the chart in colour."""
        return (
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>actcli chart</title>\n'
            "<style>pre {font-family: monospace; line-height: 1.1}</style>\n"
            f"</head>\n<body>\n{self._grids[True].matrix().html()}\n</body>\n</html>\n"
        )

    def save(self, path: str | Path) -> Path:
        """Write `.txt` (plain text, no ANSI) or `.html` (coloured page); other suffixes fail."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix not in (".txt", ".html"):
            raise PlotError(f"cannot save a chart as '{path.name}': use a .txt or .html file name")
        content = self.html() if suffix == ".html" else self.plain() + "\n"
        try:
            path.write_text(content, encoding="utf-8")
        except OSError as e:
            raise PlotError(f"cannot write '{path}': {e.strerror or e}") from None
        return path


def series_label(act: Activation, order: int) -> str:
    """'sigmoid', "sigmoid'", "leaky_relu:alpha=0.2'": the primes after the function as it is
    typed, as in the tables' headers ("leaky_relu:alpha=0.2'(x)")."""
    return act.label + "'" * order


def terminal_size() -> tuple[int, int]:
    """The terminal's columns and rows (one row left for the prompt), or 80x24 in a pipe."""
    if not sys.stdout.isatty():
        return PIPE_SIZE
    cols, rows = shutil.get_terminal_size(PIPE_SIZE)
    return cols, rows - 1


def chart(
    acts: Sequence[Activation],
    start: float = -6.0,
    stop: float = 6.0,
    *,
    points: int | None = None,
    orders: Sequence[int] = (0,),
    width: int | None = None,
    height: int | None = None,
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
    shade_vanishing: float | None = None,
    color: bool = False,
    logy: bool = False,
    overlay: bool = False,
    annotate: bool = False,
    diff: bool = False,
    axis_names: tuple[str, str] | None = None,
) -> Chart:
    """Draw f (order 0), f' (1) and/or f'' (2) of each function over [start, stop].

    - `points`: samples per series, default 2 per character column (odd, so that x = 0 is one
      of them on a symmetric range); over 4 per braille sub-column, each sub-column keeps only
      its min and max, so spikes survive and 1e6 samples cost little more than a few hundred.
    - `orders`: f, f', f'' each get a panel of their own, f on top, all on one x axis; with
      `overlay` (or when the chart is too short for panels) they share one axis.
    - `width`, `height`: the whole chart in characters, legend and shading rows included; by
      default the terminal's size, or 80x24 when stdout is not a terminal.
    - `ylim`: (lo, hi) for every panel; by default each panel's data range, widened to round
      tick values.
    - `shade_vanishing`: mark the columns where |f'| < this threshold, one row per function.
    - `logy`: log-scaled y; values <= 0 are left out with a warning, as nan and inf always
      are; PlotError if nothing is left to draw.
    - `color`: ANSI colours in `.text` (`.html()` is always coloured, `.plain()` never).
    - `annotate`: mark each function's kinks (◆, from the registry), its maximum slope (▲, from
      actcli.core.analysis) and the zeros of f' (○) on the f curve, and say them under the chart.
    - `diff`: draw f − g of exactly two functions, with max |f − g| in the legend: the honest
      chart when two curves coincide.
    - `axis_names`: (x, y) for series that are not functions of x (flow's layers); by default
      x and f(x), f'(x), ...

    Where a kink of the registry makes f^(k) jump, the curve stops on one side and starts on
    the other, with no riser, and the value the kink convention gives is marked (●). Warnings
    (for stderr): points left out, repeated colours or glyphs, a cut title, and pairs of
    series within one row of each other everywhere.
    """
    acts = list(acts)
    if diff:
        if len(acts) != 2:
            raise PlotError(f"--diff draws f − g of two functions: give two, not {len(acts)}")
        acts = [Difference(*acts)]
    orders = _check_orders(orders)
    start, stop = _check_range(start, stop)
    auto_size = width is None or height is None
    width, height = _check_size(width, height)
    ylim = _check_ylim(ylim, logy)
    if not acts:
        raise PlotError("nothing to plot: give at least one function")
    if shade_vanishing is not None and not (math.isfinite(shade_vanishing) and shade_vanishing > 0):
        raise PlotError(f"the shading threshold must be a number > 0, not {shade_vanishing:g}")
    if points is not None and (int(points) != points or points < 2):
        raise PlotError(f"points must be a whole number >= 2, not {points}")

    pairs = [(i, act, order) for i, act in enumerate(acts) for order in orders]
    series = [
        _Series(act, order, _color(i), GLYPHS[k % len(GLYPHS)])
        for k, (i, act, order) in enumerate(pairs)
    ]
    warnings = _crowding(acts, series)
    if diff:
        largest, at = max_gap(acts[0], start, stop)
        for s in series:
            if s.order == 0:
                s.label += f" (max |f − g| = {largest:.4g} at x = {at:.4g})"
    note_lines = []
    if annotate:  # marks on the lowest order drawn (f, unless --only-deriv)
        notes = [annotations(a, a.label, start, stop) for a in acts]
        note_lines = [f"{KINK} kink · {STEEPEST} max f' · {FLAT} f' = 0"]
        note_lines += [line for a in notes for line in _wrap(a.note, width - 1)]
        for s in series:
            if s.order == min(orders):
                s.marks = next(a.marks for a, f in zip(notes, acts, strict=True) if f is s.act)
    if title and len(title) > width:
        warnings.append(f"the title is cut to the chart's {width} columns: '{title}'")
        title = title[: width - 1] + "…"

    n = int(points) if points is not None else 2 * width + 1  # odd: x = 0 is a sample
    x = np.linspace(start, stop, n)
    bins = 2 * max(1, width - 8)  # braille sub-columns, near enough: for decimation only
    for s in series:
        warnings += s.sample(x, logy, bins)
    if not any(len(s.xs) for s in series):
        why = "non-finite or <= 0 on a log y axis" if logy else "non-finite"
        raise PlotError(f"nothing to plot: every value is {why}")

    shaded = acts if shade_vanishing is not None else []
    legend = _legend_entries(series)
    extra: list[tuple[str, str, int]] = []  # shading labels no gap of their row holds
    for _ in range(3):  # a shading label may need a legend row the first layout lacked
        lay = _layout(orders, overlay, height, auto_size, title, len(shaded) + len(note_lines),
                      len(_pack(legend + extra, width)))  # fmt: skip
        height = lay.height
        axes = [
            _Panel([s for s in series if s.order in group], r, ylim, logy,
                   axis_names[1] if axis_names else _axis_label(acts, group, diff))  # fmt: skip
            for group, r in zip(lay.panels, lay.rows, strict=True)
        ]
        gutter = max(1, *(len(lab) for p in axes for lab in p.ylabels))
        columns = width - gutter - 2
        shades = [
            shade_row(act, series_label(act, 1), shade_vanishing, start, stop, columns)
            for act in shaded
        ]  # fmt: skip
        more = [(SHADE, r.label, _color(i)) for i, r in enumerate(shades) if r.at is None]
        if len(_pack(legend + more, width)) <= len(_pack(legend + extra, width)):
            extra = more
            break
        extra = more
    warnings += lay.warnings
    xticks, xlabels = tk.x_ticks(start, stop, columns)
    for p in axes:
        warnings += p.place((start, stop), columns)

    def braille(colored: bool) -> bool:
        # Merged dots tell series apart by colour alone: not when colours repeat.
        return (colored and len(acts) <= len(PALETTE)) or len(series) == 1

    def draw(colored: bool) -> Grid:
        grid = Grid(width, height)
        row = 0
        if title:
            grid.put(0, (width - len(title)) // 2, title)
            row = 1
        for k, p in enumerate(axes):
            p.draw(grid, row, gutter, columns, first=k == 0, braille=braille(colored))
            row += p.rows + 1
        _x_axis(grid, row, gutter, columns, start, stop, xticks, xlabels, axis_names[0] if axis_names else "x" if _is_math(acts) else "")
        row += 2
        for i, shade in enumerate(shades):
            shade.draw(grid, row, gutter + 1, _color(i))
            row += 1
        for line in note_lines:
            grid.put(row, 1, line)
            row += 1
        for line in _pack(legend + extra, width):
            col = 1
            for sample, label, c in line:
                grid.put(row, col, f"{sample} {label}", c)
                col += len(sample) + 1 + len(label) + 3
            row += 1
        return grid

    grids = _LazyGrids({color: draw(color)}, draw)  # the other one when .plain() or .html() asks
    text = grids[color].matrix(color).string(colorless=not color).rstrip("\n")
    if not color:
        text = ANSI.sub("", text)  # plotext writes reset codes even without colours
    return Chart(text, warnings, width, height, grids)


@dataclass
class _Layout:
    height: int
    panels: list[list[int]]  # the orders drawn in each panel, top to bottom
    rows: list[int]  # canvas rows of each panel
    warnings: list[str]


def _layout(
    orders: Sequence[int],
    overlay: bool,
    height: int,
    auto_size: bool,
    title: str | None,
    shaded: int,
    legend_rows: int,
) -> _Layout:
    """How the rows are shared: a panel per order unless `overlay` or too short for them."""
    warnings = []
    fixed = 3 + bool(title) + shaded  # top border, bottom border, x tick labels
    panels = [list(orders)] if overlay or len(orders) == 1 else [[o] for o in orders]
    spare = height - fixed - legend_rows - (len(panels) - 1)
    if len(panels) > 1 and spare < MIN_PANEL_ROWS * len(panels):
        need = fixed + legend_rows + len(panels) * (MIN_PANEL_ROWS + 1) - 1
        warnings.append(
            f"{height} rows are too few for a panel per derivative: they share one axis"
            f" (give --height {need} or more for panels)"
        )
        panels = [list(orders)]
        spare = height - fixed - legend_rows
    if spare < 1:
        need = height - spare + 1
        if not auto_size:
            raise PlotError(
                f"height {height} is too small for this chart: it needs at least {need} rows"
                f" ({legend_rows} for the legend, {shaded} for shading)"
            )
        height, spare = need, 1
    rows = [spare // len(panels) + (k < spare % len(panels)) for k in range(len(panels))]
    return _Layout(height, panels, rows, warnings)


class _LazyGrids(dict):
    """{colour: grid}, each drawn on first use."""

    def __init__(self, grids: dict[bool, Grid], draw: Any) -> None:
        super().__init__(grids)
        self._draw = draw

    def __missing__(self, colored: bool) -> Grid:
        self[colored] = self._draw(colored)
        return self[colored]


def _crowding(acts: list[Activation], series: list[_Series]) -> list[str]:
    """One line when colours or glyphs must repeat, naming what shares them."""
    notes: list[str] = []
    if len(acts) > len(PALETTE):
        shared = ", ".join(
            f"{acts[i].label} and {acts[i - len(PALETTE)].label}"
            for i in range(len(PALETTE), len(acts))
        )
        apart = " (their glyphs differ)" if len(series) <= len(GLYPHS) else ""
        notes.append(f"{len(acts)} functions, {len(PALETTE)} colours: {shared} share a colour{apart}")
    if len(series) > len(GLYPHS):
        shared = ", ".join(
            f"{series[k].label} and {series[k - len(GLYPHS)].label}"
            for k in range(len(GLYPHS), len(series))
        )
        notes.append(f"{len(series)} series, {len(GLYPHS)} glyphs: {shared} share a glyph")
    return ["; ".join(notes)] if notes else []


def _color(i: int) -> int:
    """The colour of the i-th function: its f, f', f'' and shading row share it."""
    return PALETTE[i % len(PALETTE)]


def _is_math(acts: Sequence[Any]) -> bool:
    """Activations (not flow's layers dressed as one): their axes are x and f(x)."""
    return all(hasattr(a, "grad") for a in acts)


def _axis_label(acts: Sequence[Any], orders: Sequence[int], diff: bool = False) -> str:
    if not _is_math(acts):
        return ""
    if diff:
        return ", ".join(f"f{'′' * o}(x) − g{'′' * o}(x)".replace("′", "'") for o in orders)
    return ", ".join("f" + "'" * o + "(x)" for o in orders)


def _wrap(text: str, width: int) -> list[str]:
    """A note in lines of at most `width`, broken after ' · ' where it can be, else anywhere."""
    lines: list[str] = []
    for part in text.split(" · "):
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines += [("  " if lines else "") + part[i : i + width - 2] for i in range(0, len(part), width - 2)]
    return lines


# Checks


def _check_orders(orders: Sequence[int]) -> tuple[int, ...]:
    out: list[int] = []
    for o in orders:
        if o not in (0, 1, 2) or isinstance(o, bool):
            raise PlotError(f"derivative order must be 0, 1 or 2, not {o!r}")
        if o not in out:
            out.append(int(o))
    if not out:
        raise PlotError("nothing to plot: no derivative order given")
    return tuple(out)


def _check_range(start: float, stop: float) -> tuple[float, float]:
    start, stop = float(start), float(stop)
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise PlotError(f"the x range must be finite, not [{start:g}, {stop:g}]")
    if start >= stop:
        raise PlotError(f"the x range is empty: start {start:g} must be less than stop {stop:g}")
    if not math.isfinite(stop - start):
        raise PlotError(f"the x range [{start:g}, {stop:g}] is too wide")
    return start, stop


def _check_size(width: int | None, height: int | None) -> tuple[int, int]:
    tw, th = terminal_size() if width is None or height is None else (0, 0)
    for value, what, least in ((width, "width", MIN_WIDTH), (height, "height", MIN_HEIGHT)):
        if value is not None and (int(value) != value or value < least):
            raise PlotError(f"chart {what} must be a whole number >= {least}, not {value}")
    # A small terminal gets the smallest chart rather than an error it did not ask for.
    width = int(width) if width is not None else max(tw, MIN_WIDTH)
    height = int(height) if height is not None else max(th, MIN_HEIGHT)
    return width, height


def _check_ylim(ylim: tuple[float, float] | None, logy: bool) -> tuple[float, float] | None:
    if ylim is None:
        return None
    lo, hi = (float(v) for v in ylim)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise PlotError(f"y limits must be finite with lo < hi, not ({lo:g}, {hi:g})")
    if logy and lo <= 0:
        raise PlotError(f"y limits must be > 0 on a log y axis, not ({lo:g}, {hi:g})")
    return lo, hi


# Data


class _Series:
    """One curve: f^(order) of one function, its colour and glyph, its points once sampled."""

    def __init__(self, act: Activation, order: int, color: int, glyph: str) -> None:
        self.act, self.order, self.color, self.glyph = act, order, color, glyph
        self.label = series_label(act, order)
        self.xs = self.ys = np.empty(0)
        self.breaks = np.empty(0, dtype=np.intp)  # indices that start a new stroke
        self.jumps: list[tuple[float, float]] = []  # (kink, the convention's value there)
        self.marks: list[tuple[float, str]] = []  # (x, mark) from annotate, drawn on the curve
        self.grid_x = self.grid_y = np.empty(0)  # every sample, for the closeness check

    def sample(self, x: np.ndarray, logy: bool, bins: int) -> list[str]:
        y = np.asarray(self.act.derivative(x, self.order), dtype=np.float64)
        finite = np.isfinite(y)
        keep = finite & (y > 0) if logy else finite
        warnings = []
        if not finite.all():
            warnings.append(f"{self.label}: left out {_count(~finite, 'non-finite point')}")
        nonpositive = finite & ~keep
        if nonpositive.any():
            warnings.append(
                f"{self.label}: left out {_count(nonpositive, 'point')} <= 0 (log y axis)"
            )
        idx = decimate(y, keep, bins) if len(x) > DECIMATE_OVER * bins else np.flatnonzero(keep)
        # On a log axis we plot log10(y) on a linear one and label the ticks 10^k ourselves.
        self.xs, self.ys = x[idx], np.log10(y[idx]) if logy else y[idx]
        if not keep.all():  # a stroke stops where a point was left out, not bridging the gap
            dropped = np.cumsum(~keep)[idx]
            self.breaks = np.flatnonzero(np.diff(dropped)) + 1
        self.grid_x = x
        with np.errstate(all="ignore"):
            self.grid_y = np.where(keep, np.log10(np.where(keep, y, 1)) if logy else y, np.nan)
        self._cut_jumps(float(x[0]), float(x[-1]), logy)
        return warnings

    def _cut_jumps(self, start: float, stop: float, logy: bool) -> None:
        """At each kink where f^(order) jumps, end the stroke at the left limit and start the
        next at the right one: no riser, as if every value between were taken."""
        kinks = [k for k in getattr(self.act, "kinks", ()) if start <= k <= stop]
        for k in kinks:
            d = 1e-9 * max(1.0, abs(k))
            with np.errstate(all="ignore"):
                left, at, right = (
                    float(v)
                    for v in np.asarray(
                        self.act.derivative(np.array([k - d, k, k + d]), self.order), np.float64
                    )
                )
            if not (math.isfinite(left) and math.isfinite(right)):
                continue
            if abs(left - right) <= 1e-6 * max(1.0, abs(left), abs(right)):
                continue  # continuous here: a kink of a lower derivative
            self.jumps.append((k, at))
            pts = [(k, left, False), (k, right, True)]
            if logy:
                pts = [(px, math.log10(py), b) for px, py, b in pts if py > 0]
            pts = [p for p in pts if (p[2] and k < stop) or (not p[2] and k > start)]
            i = int(np.searchsorted(self.xs, k - d / 2, "left"))
            j = int(np.searchsorted(self.xs, k + d / 2, "right"))
            starts = np.zeros(len(self.xs), dtype=bool)
            starts[self.breaks] = True
            self.xs = np.concatenate([self.xs[:i], [p[0] for p in pts], self.xs[j:]])
            self.ys = np.concatenate([self.ys[:i], [p[1] for p in pts], self.ys[j:]])
            starts = np.concatenate([starts[:i], [p[2] for p in pts], starts[j:]]).astype(bool)
            self.breaks = np.flatnonzero(starts[1:]) + 1

    def clip(self, lo: float, hi: float) -> None:
        """Cut the strokes at y = lo and y = hi. plotext 6.1 walks a line cell by cell, even
        off the canvas: a point at 1e300 would make it allocate until it aborts."""
        out = (self.ys < lo) | (self.ys > hi)
        if not out.any():
            return
        xs, ys, starts = self.xs.tolist(), self.ys.tolist(), set(self.breaks.tolist()) | {0}
        cx: list[float] = []
        cy: list[float] = []
        breaks: list[int] = []
        for i in range(len(xs)):
            if i in starts:
                if not out[i]:
                    breaks.append(len(cx))
                    cx.append(xs[i])
                    cy.append(ys[i])
                continue
            seg = clip_segment(xs[i - 1], ys[i - 1], xs[i], ys[i], lo, hi)
            if seg is None:
                continue
            (ax, ay), (bx, by) = seg
            if out[i - 1]:  # the stroke comes back in: a new one starts at the boundary
                breaks.append(len(cx))
                cx.append(ax)
                cy.append(ay)
            if out[i] or not out[i - 1]:
                cx.append(bx)
                cy.append(by)
            else:
                cx.append(xs[i])
                cy.append(ys[i])
        self.xs, self.ys = np.array(cx), np.array(cy)
        self.breaks = np.array([b for b in breaks if b > 0], dtype=np.intp)


def _count(mask: np.ndarray, noun: str) -> str:
    n = int(np.count_nonzero(mask))
    return f"{'all ' if n == len(mask) > 1 else ''}{n} {noun}{'' if n == 1 else 's'}"


# Panels and axes


class _Panel:
    """One set of y axes: the series drawn on it, its limits, ticks and rows."""

    def __init__(
        self,
        series: list[_Series],
        rows: int,
        ylim: tuple[float, float] | None,
        logy: bool,
        label: str,
    ) -> None:
        self.series, self.rows, self.logy, self.label = series, rows, logy, label
        ys = [s.ys for s in series if len(s.ys)]
        target = max(2, rows // 3)
        if not ys:  # nothing finite in this panel: an empty axis
            ys = [np.array([0.0, 1.0])]
        ymin = min(float(y.min()) for y in ys)
        ymax = max(float(y.max()) for y in ys)
        if logy:
            self.lo, self.hi, self.yticks = tk.log_ticks(ymin, ymax, ylim, target)
            self.ylabels = tk.log_labels(self.yticks)
        else:
            self.lo, self.hi, self.yticks = tk.linear_ticks(ymin, ymax, ylim, target)
            step = self.yticks[1] - self.yticks[0] if len(self.yticks) > 1 else 0
            self.ylabels = tk.tick_labels(self.yticks, step * 1e-6)
        self.layers: list[Layer] = []

    def row_of(self, y: float) -> int:
        """The cell row of value y, as the curves' dots are placed (0 at the top)."""
        d = (self.hi - y) / (self.hi - self.lo) * (4 * self.rows - 1)
        return int(min(max(round(d), 0), 4 * self.rows - 1)) // 4

    def place(self, x_range: tuple[float, float], columns: int) -> list[str]:
        """Clip and rasterise the series; a note for each pair that stays within one row."""
        start, stop = x_range
        self.layers = []
        for s in self.series:
            whole = s.xs, s.ys, s.breaks
            s.clip(self.lo, self.hi)
            r, c = dots(s.xs, s.ys, s.breaks, x_range, (self.lo, self.hi), columns, self.rows)
            s.xs, s.ys, s.breaks = whole
            marks = []
            for k, v in s.jumps:
                v = math.log10(v) if self.logy and v > 0 else v if not self.logy else math.nan
                if math.isfinite(v) and self.lo <= v <= self.hi:
                    col = round((k - start) / (stop - start) * (columns - 1))
                    marks.append((self.row_of(v), col, JUMP))
            for mx, mark in s.marks:
                with np.errstate(all="ignore"):
                    v = float(np.asarray(s.act.derivative(np.array([mx]), s.order))[0])
                v = (math.log10(v) if v > 0 else math.nan) if self.logy else v
                if math.isfinite(v) and self.lo <= v <= self.hi and start <= mx <= stop:
                    col = round((mx - start) / (stop - start) * (columns - 1))
                    marks.append((self.row_of(v), col, mark))
            self.layers.append(Layer(r, c, s.color, s.glyph, marks))
        return self._close_pairs(x_range)

    def _close_pairs(self, x_range: tuple[float, float]) -> list[str]:
        notes = []
        scale = (4 * self.rows - 1) / (self.hi - self.lo) / 4  # rows per y unit
        for k, a in enumerate(self.series):
            for b in self.series[k + 1 :]:
                ya, yb = a.grid_y, b.grid_y
                both = np.isfinite(ya) & np.isfinite(yb)
                if len(ya) != len(yb) or not both.any() or (np.isfinite(ya) != np.isfinite(yb)).any():
                    continue
                with np.errstate(all="ignore"):
                    gap = np.abs(np.clip(ya[both], self.lo, self.hi) - np.clip(yb[both], self.lo, self.hi))
                if float(gap.max()) * scale < 1:
                    notes.append(
                        f"{a.label} and {b.label} are within one row of each other over"
                        f" [{x_range[0]:g}, {x_range[1]:g}]: to see them apart, narrow --range,"
                        " or draw the difference with --diff"
                    )
        return notes

    def draw(self, grid: Grid, top: int, gutter: int, columns: int, first: bool, braille: bool) -> None:
        """The panel's top border (with its axis label), its y labels, zero line and curves."""
        left, right = gutter + 1, gutter + 1 + columns
        grid.put(top, gutter, ("┌" if first else "├") + "─" * columns + ("┐" if first else "┤"))
        if self.label and len(self.label) + 4 <= columns:
            grid.put(top, left + 1, f" {self.label} ")
        labelled: set[int] = set()
        for value, label in zip(self.yticks, self.ylabels, strict=True):
            r = self.row_of(value)
            if r in labelled:
                continue
            labelled.add(r)
            grid.put(top + 1 + r, gutter - len(label), label + "┤")
        for r in range(self.rows):
            if r not in labelled:
                grid.put(top + 1 + r, gutter, "│")
            grid.put(top + 1 + r, right, "│")
        if not self.logy and self.lo < 0 < self.hi:
            grid.put(top + 1 + self.row_of(0.0), left, ZERO * columns, DIM)
        paint(grid, top + 1, left, columns, self.rows, self.layers, braille)


def _x_axis(
    grid: Grid,
    row: int,
    gutter: int,
    columns: int,
    start: float,
    stop: float,
    xticks: list[float],
    xlabels: list[str],
    name: str,
) -> None:
    """The bottom border with a ┬ at each tick, the axis name, and the tick labels under it."""
    left = gutter + 1
    border = ["─"] * columns
    cols = [round((t - start) / (stop - start) * (columns - 1)) for t in xticks]
    for c in cols:
        border[c] = "┬"
    if name and len(cols) > 1:  # " x " just left of the last tick, where there is room
        at = cols[-1] - len(name) - 3
        if at > cols[-2] + 1:
            border[at : at + len(name) + 2] = list(f" {name} ")
    grid.put(row, gutter, "└" + "".join(border) + "┘")
    for c, label in zip(cols, xlabels, strict=True):
        at = left + c - (len(label) - 1) // 2
        at = min(max(at, 0), grid.width - len(label))
        grid.put(row + 1, at, label)


def _legend_entries(series: list[_Series]) -> list[tuple[str, str, int]]:
    return [(s.glyph, s.label, s.color) for s in series]


def _pack(
    entries: list[tuple[str, str, int]], width: int
) -> list[list[tuple[str, str, int]]]:
    """The legend entries, 'glyph label', packed into as few lines of `width` as they fit
    (an entry too long for a line is cut with …)."""
    lines: list[list[tuple[str, str, int]]] = []
    used = 0
    for sample, label, color in entries:
        if len(sample) + 1 + len(label) > width - 2:
            label = label[: width - 4 - len(sample)] + "…"
        size = len(sample) + 1 + len(label)
        if lines and used + 3 + size <= width - 1:
            lines[-1].append((sample, label, color))
            used += 3 + size
        else:  # a new line, one space in, as the plot's frame is
            lines.append([(sample, label, color)])
            used = 1 + size
    return lines
