"""Charts of activations for the terminal: cells we lay out ourselves (actcli.render.canvas),
written out by plotext (imported only when a chart is drawn).

- `chart(acts, ...)`: f, f', f'' of one or more functions, as a `Chart`.
- `Chart`: `.text` for stdout, `.warnings` for stderr, `.plain()`, `.save(path)` (a .txt, or a
  figure: actcli.render.figures), `.plan` (what it shows: actcli.render.plan).
- `PlotError` (from actcli.render.plan): a bad range, size, limit or file name.
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

from actcli.core.registry import Activation
from actcli.render import ticks as tk
from actcli.render.annotate import FLAT, KINK, STEEPEST
from actcli.render.canvas import DIM, Grid, Layer, dots, paint
from actcli.render.palette import PALETTE
from actcli.render.plan import (  # noqa: F401  (importers' names)
    FIGURE_COLUMNS,
    FIGURE_SUFFIXES,
    SAVE_AS,
    Plan,
    PlotError,
    Series,
    WriteError,
    plan,
    series_label,
    wrap_note,
)
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


@dataclass(frozen=True)
class Chart:
    """A rendered chart. `text` has ANSI colours only if `chart(color=True)` asked for them;
    `plan` is what it shows (actcli.render.plan), which a figure draws too."""

    text: str
    warnings: list[str]
    width: int
    height: int
    _grids: dict[bool, Grid] = field(repr=False, compare=False)  # colour -> cells
    plan: Plan | None = field(default=None, repr=False, compare=False)

    def plain(self) -> str:
        """The chart without colour: each series in its own glyph, no ANSI code."""
        return ANSI.sub("", self._grids[False].matrix(False).string(colorless=True)).rstrip("\n")

    def save(
        self, path: str | Path, *, size: tuple[float, float] | None = None, dpi: float | None = None
    ) -> Path:
        """Write `.txt` (the chart as plain text, no ANSI), or a figure of the same plan,
        sampled finely (`.svg`, `.png`, `.pdf`, `.html`: actcli.render.figures.save, with its
        `size` in inches and a PNG's `dpi`); other suffixes fail."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in FIGURE_SUFFIXES and self.plan is not None:
            from actcli.render import figures

            return figures.save(self.plan.resampled(FIGURE_COLUMNS), path, size=size, dpi=dpi)
        if suffix != ".txt":
            raise PlotError(f"cannot save a chart as '{path.name}': {SAVE_AS}")
        if size is not None or dpi is not None:
            raise PlotError("a figure's size and dpi are for .svg, .png, .pdf or .html, not .txt")
        try:
            path.write_text(self.plain() + "\n", encoding="utf-8")
        except OSError as e:
            raise WriteError(f"cannot write '{path}': {e.strerror or e}") from None
        return path


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
    - `color`: ANSI colours in `.text` (`.plain()` never has them).
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
    auto_size = width is None or height is None
    width, height = _check_size(width, height)
    pl = plan(acts, start, stop, points=points, orders=orders, ylim=ylim, title=title,
             shade_vanishing=shade_vanishing, logy=logy, overlay=overlay, annotate=annotate,
             diff=diff, axis_names=axis_names, columns=width)  # fmt: skip
    acts, start, stop, orders, ylim, series = pl.acts, pl.start, pl.stop, pl.orders, pl.ylim, pl.series
    for k, s in enumerate(series):
        s.color, s.glyph = _color(s.index), GLYPHS[k % len(GLYPHS)]
    warnings = _crowding(acts, series)
    note_lines = []
    if annotate:
        note_lines = [f"{KINK} kink · {STEEPEST} max f' · {FLAT} f' = 0"]
        note_lines += [line for a in pl.notes for line in wrap_note(a.note, width - 1)]
    if title and len(title) > width:
        warnings.append(f"the title is cut to the chart's {width} columns: '{title}'")
        title = title[: width - 1] + "…"
    warnings += pl.warnings

    shaded = acts if shade_vanishing is not None else []
    legend = _legend_entries(series)
    extra: list[tuple[str, str, int]] = []  # shading labels no gap of their row holds
    for _ in range(3):  # a shading label may need a legend row the first layout lacked
        lay = _layout(orders, overlay, height, auto_size, title, len(shaded) + len(note_lines),
                      len(_pack(legend + extra, width)))  # fmt: skip
        height = lay.height
        axes = [
            _Panel([s for s in series if s.order in group], r, ylim, logy,
                   pl.panel_label(group))  # fmt: skip
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
        _x_axis(grid, row, gutter, columns, start, stop, xticks, xlabels, pl.x_name)
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

    grids = _LazyGrids({color: draw(color)}, draw)  # the other one when .plain() asks
    text = grids[color].matrix(color).string(colorless=not color).rstrip("\n")
    if not color:
        text = ANSI.sub("", text)  # plotext writes reset codes even without colours
    return Chart(text, warnings, width, height, grids, pl)


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


def _crowding(acts: list[Activation], series: list[Series]) -> list[str]:
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


def _check_size(width: int | None, height: int | None) -> tuple[int, int]:
    tw, th = terminal_size() if width is None or height is None else (0, 0)
    for value, what, least in ((width, "width", MIN_WIDTH), (height, "height", MIN_HEIGHT)):
        if value is not None and (int(value) != value or value < least):
            raise PlotError(f"chart {what} must be a whole number >= {least}, not {value}")
    # A small terminal gets the smallest chart rather than an error it did not ask for.
    width = int(width) if width is not None else max(tw, MIN_WIDTH)
    height = int(height) if height is not None else max(th, MIN_HEIGHT)
    return width, height


# Panels and axes


class _Panel:
    """One set of y axes: the series drawn on it, its limits, ticks and rows."""

    def __init__(
        self,
        series: list[Series],
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


def _legend_entries(series: list[Series]) -> list[tuple[str, str, int]]:
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
