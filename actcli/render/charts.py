"""Charts of activations for the terminal, drawn with plotext 6 (imported inside `chart` only).

- `chart(acts, ...)`: f, f', f'' of one or more functions on one set of axes, as a `Chart`.
- `Chart`: `.text` for stdout, `.warnings` for stderr, `.html()`, `.plain()`, `.save(path)`.
- `PlotError`: a bad range, size, limit or file name; `str()` is one line a user can act on.

The layout, top to bottom: the title, the plot, one shading row per function when
`shade_vanishing` is given (aligned with the plot's columns, under the x tick labels), and the
legend. Colour tells the functions apart; each series also has its own glyph (▞ ⣀ • + x * ...),
so the chart still reads without colour, in a pipe or in a .txt file.
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
from actcli.render.palette import PALETTE

MIN_WIDTH = 20
MIN_HEIGHT = 5
PIPE_SIZE = (80, 24)  # when stdout is not a terminal

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# Each series takes the next glyph, so f, f' and f'' differ without colour too. plotext draws
# "hd" with quarter blocks and "braille" with dots; the others are single characters.
GLYPHS = ("hd", "braille", "•", "+", "x", "*", "o", "#", "%", "=", "~", "@")
SAMPLE = {"hd": "▞", "braille": "⠤"}  # the legend's picture of a multi-glyph marker
SHADE = "▒"  # a shading row's mark for a column where |f'| < threshold
MIN_CANVAS_ROWS = 1
GAP = 10  # at least this many characters between x ticks
DECIMATE_OVER = 4  # decimate when a series has over 4 points per hd sub-column


class PlotError(ActivationError):
    """A chart that cannot be drawn as asked: size, range, limits, orders or file type."""


@dataclass(frozen=True)
class Chart:
    """A rendered chart. `text` has ANSI colours only if `chart(color=True)` asked for them."""

    text: str
    warnings: list[str]
    width: int
    height: int
    _matrix: Any = field(repr=False, compare=False)  # the plotext matrix, always in colour

    def plain(self) -> str:
        """The chart without any ANSI code."""
        return ANSI.sub("", self._matrix.string(colorless=True)).rstrip("\n")

    def html(self) -> str:
        """A standalone HTML page with the chart in colour."""
        return (
            '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>actcli chart</title>\n'
            "<style>pre {font-family: monospace; line-height: 1.1}</style>\n"
            f"</head>\n<body>\n{self._matrix.html()}\n</body>\n</html>\n"
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
    """'sigmoid', "sigmoid'", "leaky_relu':alpha=0.2": primes on the name, parameters after."""
    label, name = act.label, act.name
    primes = "'" * order
    return name + primes + label[len(name) :] if label.startswith(name) else label + primes


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
) -> Chart:
    """Draw f (order 0), f' (1) and/or f'' (2) of each function over [start, stop].

    - `points`: samples per series, default 2 per character column (one per hd sub-column,
      odd so that x = 0 is one of them on a symmetric range); over 4 per sub-column, each
      sub-column keeps only its first min and max, so spikes survive and plotext draws no
      more points for 1e6 samples than for a few hundred.
    - `width`, `height`: the whole chart in characters, legend and shading rows included; by
      default the terminal's size, or 80x24 when stdout is not a terminal.
    - `ylim`: (lo, hi); by default the data's range, widened to round tick values.
    - `shade_vanishing`: mark the x where |f'| < this threshold, one row per function.
    - `logy`: log-scaled y; values <= 0 are left out with a warning, as nan and inf always
      are; PlotError if nothing is left to draw.
    - `color`: ANSI colours in `.text` (`.html()` is always coloured, `.plain()` never).
    """
    acts = list(acts)
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
    warnings: list[str] = _crowding(acts, series)
    legend = _legend_lines(series, width)
    shaded = acts if shade_vanishing is not None else []
    need = len(legend) + len(shaded) + _frame_rows(title) + MIN_CANVAS_ROWS
    if height < need:
        if not auto_size:
            raise PlotError(
                f"height {height} is too small for this chart: it needs at least {need} rows"
                f" ({len(legend)} for the legend, {len(shaded)} for shading)"
            )
        height = need
    plot_height = height - len(legend) - len(shaded)

    n = int(points) if points is not None else 2 * width + 1  # odd: x = 0 is a sample
    x = np.linspace(start, stop, n)
    bins = 2 * _canvas_width_guess(width)
    for s in series:
        warnings += s.sample(x, logy, bins)
    if not any(len(s.xs) for s in series):
        why = "non-finite or <= 0 on a log y axis" if logy else "non-finite"
        raise PlotError(f"nothing to plot: every value is {why}")

    import plotext as plt  # ~120 ms: only charts pay for it

    term, fig = plt.terminal, plt.figure
    limit = list(term._limit)
    term.limit(False, False)  # the size asked for, even beyond a small (or absent) terminal
    try:
        fig.clear()
        fig.theme("simple")  # colours on the curves only: no backgrounds fighting the terminal's
        fig.plot_size(width, plot_height)
        if title:
            fig.title(title)
        lo, hi = _set_axes(fig, series, start, stop, ylim, logy, width, plot_height, title)
        for s in reversed(series):  # the first function on top, as the legend reads
            s.clip(lo, hi)
            s.draw(plt, fig)
        matrix = fig.build()
        col0, _ = fig._parts.canvas.position()
        canvas_width, _ = fig._parts.canvas.size()
        rows = [
            _shade_row(plt, act, _color(i), shade_vanishing, start, stop, col0, canvas_width, width)
            for i, act in enumerate(shaded)
        ]
        rows += [_colored_row(plt, pieces, width) for pieces in legend]
        for row in rows:
            matrix = matrix.vstack(row, True)
    finally:
        fig.clear()
        term.limit(*limit)

    text = matrix.string(colorless=not color).rstrip("\n")
    if not color:
        text = ANSI.sub("", text)  # plotext writes reset codes even without colours
    return Chart(text, warnings, width, height, matrix)


def _crowding(acts: list[Activation], series: list[_Series]) -> list[str]:
    """One line when colours or glyphs must repeat, naming what shares them."""
    notes = []
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
    return notes


def _color(i: int) -> int:
    """The colour of the i-th function: its f, f', f'' and shading row share it."""
    return PALETTE[i % len(PALETTE)]


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
        idx = _decimate(y, keep, bins) if len(x) > DECIMATE_OVER * bins else np.flatnonzero(keep)
        # On a log axis we plot log10(y) on a linear one and label the ticks 10^k ourselves:
        # plotext 6.1 leaves explicit limits unlogged when the ticks are explicit.
        self.xs, self.ys = x[idx], np.log10(y[idx]) if logy else y[idx]
        if not keep.all():  # a stroke stops where a point was left out, not bridging the gap
            dropped = np.cumsum(~keep)[idx]
            self.breaks = np.flatnonzero(np.diff(dropped)) + 1
        return warnings

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
            seg = _clip_segment(xs[i - 1], ys[i - 1], xs[i], ys[i], lo, hi)
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

    def draw(self, plt: Any, fig: Any) -> None:
        from plotext._primitives.pixel import pixel

        marker = plt.marker(self.glyph, pixel=pixel(foreground=self.color))
        sig = fig.signal(self.xs.tolist(), self.ys.tolist(), marker=marker).lines(True)
        for i in self.breaks.tolist():
            sig.line(i, False)
        sig.label(None)  # the legend is ours, below the plot
        fig.draw(sig)


def _clip_segment(
    x0: float, y0: float, x1: float, y1: float, lo: float, hi: float
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """The part of the segment from (x0, y0) to (x1, y1) with lo <= y <= hi, or None."""
    if y0 == y1:
        return ((x0, y0), (x1, y1)) if lo <= y0 <= hi else None
    # Halves, so y1 - y0 cannot overflow for values near the float maximum.
    h0, dh = y0 / 2, y1 / 2 - y0 / 2
    t_lo, t_hi = (lo / 2 - h0) / dh, (hi / 2 - h0) / dh
    t0, t1 = max(0.0, min(t_lo, t_hi)), min(1.0, max(t_lo, t_hi))
    if t0 > t1:
        return None

    def at(t: float) -> tuple[float, float]:
        y = y0 if t == 0 else y1 if t == 1 else 2 * (h0 + t * dh)
        return x0 + t * (x1 - x0), min(hi, max(lo, y))

    return at(t0), at(t1)


def _count(mask: np.ndarray, noun: str) -> str:
    n = int(np.count_nonzero(mask))
    return f"{'all ' if n == len(mask) > 1 else ''}{n} {noun}{'' if n == 1 else 's'}"


def _decimate(y: np.ndarray, keep: np.ndarray, bins: int) -> np.ndarray:
    """Indices of the min and max kept point of each of `bins` runs of y, in order (M4-style:
    a line through them covers the same cells as one through every point)."""
    n = len(y)
    m = n // bins
    if keep.all():
        lo = hi = y
    else:  # slow path, only with nan/inf (or <= 0 on a log axis) in the data
        lo, hi = np.where(keep, y, np.inf), np.where(keep, y, -np.inf)
    # Views, no copies: `bins` rows of m points; the n % bins left over form one more row.
    imin = lo[: bins * m].reshape(bins, m).argmin(axis=1) + np.arange(bins) * m
    imax = hi[: bins * m].reshape(bins, m).argmax(axis=1) + np.arange(bins) * m
    if bins * m < n:
        imin = np.append(imin, bins * m + lo[bins * m :].argmin())
        imax = np.append(imax, bins * m + hi[bins * m :].argmax())
    idx = np.stack([np.minimum(imin, imax), np.maximum(imin, imax)], axis=1).ravel()
    idx = idx[keep[idx]]  # rows with nothing kept pick a left-out point: drop it
    return idx[np.concatenate([[True], np.diff(idx) > 0])] if len(idx) else idx


# Axes


def _frame_rows(title: str | None) -> int:
    """Rows plotext takes around the canvas: top and bottom frame, x tick labels, title."""
    return 3 + bool(title)


def _canvas_width_guess(width: int) -> int:
    return max(1, width - 8)  # y tick labels (~6) and the two side frames


def _set_axes(
    fig: Any,
    series: list[_Series],
    start: float,
    stop: float,
    ylim: tuple[float, float] | None,
    logy: bool,
    width: int,
    plot_height: int,
    title: str | None,
) -> tuple[float, float]:
    """Set limits and ticks on both axes; return the y limits (log10 units on a log axis)."""
    canvas_rows = max(1, plot_height - _frame_rows(title))
    ys = [s.ys for s in series if len(s.ys)]
    ymin = min(float(y.min()) for y in ys)
    ymax = max(float(y.max()) for y in ys)
    if logy:
        lo, hi, yticks = _log_ticks(ymin, ymax, ylim, max(2, canvas_rows // 3))
        ylabels = _log_labels(yticks)
    else:
        lo, hi, yticks = _linear_ticks(ymin, ymax, ylim, max(2, canvas_rows // 3))
        ylabels = _tick_labels(yticks, (yticks[1] - yticks[0]) * 1e-6 if len(yticks) > 1 else 0)
    fig.ruler("y").lim(lo, hi)
    fig.ruler("y").ticks(yticks, labels=ylabels)
    canvas_width = width - max(len(label) for label in ylabels) - 2  # as plotext lays it out
    xticks, xlabels = _x_ticks(start, stop, max(1, canvas_width))
    fig.ruler("x").lim(start, stop)
    fig.ruler("x").ticks(xticks, labels=xlabels)
    return lo, hi


def _nice_step(span: float, target: int) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k giving at most `target` + 1 intervals over `span`."""
    raw = span / max(1, target)
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * mag >= raw * (1 - 1e-9):
            return m * mag
    return 10 * mag


def _multiples(lo: float, hi: float, step: float) -> list[float]:
    eps = step * 1e-9
    first, last = math.ceil((lo - eps) / step), math.floor((hi + eps) / step)
    return [k * step + 0.0 for k in range(first, last + 1)]  # + 0.0: no "-0"


def _linear_ticks(
    ymin: float, ymax: float, ylim: tuple[float, float] | None, target: int
) -> tuple[float, float, list[float]]:
    if ylim is not None:
        lo, hi = ylim
        return lo, hi, _multiples(lo, hi, _nice_step(hi - lo, target))
    if ymax - ymin <= 1e-12 * max(1.0, abs(ymin)):  # a constant: centre it
        pad = max(1.0, abs(ymin)) / 2
        ymin, ymax = ymin - pad, ymax + pad
    step = _nice_step(ymax - ymin, target)
    # Widen the auto range to round values, as gnuplot does (sigmoid gets 0 and 1 at the
    # edges), but only to half a tick step, so tanh's -1 does not stretch the axis to -2.
    unit = step / 2
    lo = min(ymin, math.floor(ymin / unit + 1e-9) * unit)
    hi = max(ymax, math.ceil(ymax / unit - 1e-9) * unit)
    return lo, hi, _multiples(lo, hi, step)


def _log_ticks(
    kmin: float, kmax: float, ylim: tuple[float, float] | None, target: int
) -> tuple[float, float, list[float]]:
    """Limits and ticks in log10 units: the auto range is widened to whole decades."""
    if ylim is not None:
        lo, hi = math.log10(ylim[0]), math.log10(ylim[1])
    else:
        lo, hi = math.floor(kmin + 1e-9), math.ceil(kmax - 1e-9)
        if lo == hi:
            lo, hi = lo - 1, hi + 1
    k0, k1 = math.ceil(lo - 1e-9), math.floor(hi + 1e-9)
    every = max(1, math.ceil((k1 - k0 + 1) / max(1, target)))
    if ylim is None:  # one more decade at the bottom, if need be, so both ends get a label
        lo = k0 = k1 - every * math.ceil((k1 - k0) / every)
    return lo, hi, [float(k) for k in range(k1, k0 - 1, -every)][::-1]


def _log_labels(ks: list[float]) -> list[str]:
    """10^k as 0.01 ... 1000 when all fit that way, else as 1e-5 ... 1e0 ... 1e5."""
    ks_int = [round(k) for k in ks]
    if all(-2 <= k <= 3 for k in ks_int):
        return [f"{10.0**k:g}" for k in ks_int]
    return [f"1e{k}" for k in ks_int]


def _x_ticks(start: float, stop: float, canvas_width: int) -> tuple[list[float], list[str]]:
    """Round ticks, and start and stop themselves so the range asked for is on the axis: the
    most that fit with their labels 10 or more characters apart, or a few fewer if that puts
    start and stop on round ticks (-6 -4 ... 6 rather than -6 -5 -2.5 ... 6)."""
    span = stop - start
    chars = canvas_width / span  # characters per x unit

    def apart(ticks: list[float], labels: dict[float, str]) -> bool:
        pairs = zip(ticks[:-1], ticks[1:], strict=True)
        return all(
            (b - a) * chars >= max(GAP, (len(labels[a]) + len(labels[b])) / 2 + 3) for a, b in pairs
        )

    first: tuple[float, list[float], list[str]] | None = None
    mag = 10.0 ** math.floor(math.log10(span / max(1, canvas_width)))
    for step in (m * mag * 10**e for e in range(0, 20) for m in (1, 2, 2.5, 5)):
        if first is not None and step > 2.5 * first[0] or step > span:
            break
        ticks = _multiples(start, stop, step)
        ends = [e for e in (start, stop) if all(abs(t - e) > 1e-9 * span for t in ticks)]
        labels: dict[float, str] = {}
        for _ in range(2):  # labels depend on which ticks stay, and the reverse
            every = sorted(ticks + ends)
            # One format for all, ends included: not "-6 -2.5 0.0 2.5 6".
            tols = [span * 1e-4 if t in ends else step * 1e-6 for t in every]
            labels = dict(zip(every, _tick_labels(every, tols), strict=True))
            ticks = [t for t in ticks if all(apart(sorted([t, e]), labels) for e in ends)]
        every = sorted(ticks + ends)
        tols = [span * 1e-4 if t in ends else step * 1e-6 for t in every]
        labels = dict(zip(every, _tick_labels(every, tols), strict=True))
        if not apart(every, labels):
            continue
        if not ends:
            return every, [labels[t] for t in every]
        first = first or (step, every, [labels[t] for t in every])
    if first is None:
        return [start, stop], _tick_labels([start, stop], span * 1e-4)
    return first[1], first[2]


def _tick_labels(ticks: list[float], tol: float | Sequence[float]) -> list[str]:
    """The shortest common format that writes every tick to within its `tol` (one for all, or
    one per tick)."""
    tols = [tol] * len(ticks) if isinstance(tol, (int, float)) else list(tol)
    big = max((abs(t) for t in ticks), default=0.0)
    if big == 0 or 1e-3 <= big < 1e5:
        for decimals in range(0, 16):
            if all(abs(round(t, decimals) - t) <= e for t, e in zip(ticks, tols, strict=True)):
                return [f"{t:.{decimals}f}" for t in ticks]
    for digits in range(1, 18):
        labels = [f"{t:.{digits}g}" for t in ticks]
        if all(abs(float(s) - t) <= e for s, t, e in zip(labels, ticks, tols, strict=True)):
            break
    return [s.replace("e+", "e").replace("e0", "e").replace("e-0", "e-") for s in labels]


# Rows below the plot


def _shade_row(
    plt: Any,
    act: Activation,
    color: int,
    threshold: float,
    start: float,
    stop: float,
    col0: int,
    canvas_width: int,
    width: int,
) -> Any:
    """|f'| < threshold marked under the plot's columns, labelled in the widest gap."""
    marked = vanishing_columns(act, threshold, start, stop, canvas_width)
    cells = [SHADE if m else " " for m in marked.tolist()]
    label = f"|{series_label(act, 1)}| < {threshold:g}"
    if not marked.any():
        label += f" nowhere in [{start:g}, {stop:g}]"
    elif marked.all():
        label += " everywhere"
    text = f" {label} "
    a, b = _widest_run(~marked) if not marked.all() else (0, canvas_width)
    if b - a < len(text):
        a, b = 0, canvas_width  # no gap wide enough: write it over the middle of the row
    if len(text) > canvas_width:
        text = text[: canvas_width - 1] + "…"
    at = a + (b - a - len(text)) // 2
    pieces: list[tuple[str, int | None]] = [(" " * col0, None)]
    for is_mark, run in _runs(cells[:at]):
        pieces.append((run, color if is_mark else None))
    pieces.append((text, color))
    for is_mark, run in _runs(cells[at + len(text) :]):
        pieces.append((run, color if is_mark else None))
    return _colored_row(plt, pieces, width)


def vanishing_columns(
    act: Activation, threshold: float, start: float, stop: float, columns: int
) -> np.ndarray:
    """For each of `columns` columns, whether |f'| < threshold anywhere inside it.

    Column k is centred on start + k·h (h = (stop - start) / (columns - 1), as plotext puts start
    and stop at the middles of the first and last columns) and spans half a step either side,
    cut at start and stop. One x per column misses a dip narrower than a column (mish' is 0 at
    x = -1.19 and below 0.01 only within ±0.012 of it), so each column is sampled densely, its
    kinks (the convention's value) included, and every sign change of f' (a zero of f') or of f''
    (an extremum of f') between samples is bisected and f' is read there.
    """
    per = 16  # samples per column
    h = (stop - start) / max(1, columns - 1)
    lo, hi = start - h / 2, stop + h / 2
    x = np.clip(np.linspace(lo, hi, columns * per + 1), start, stop)
    kinks = [k for k in getattr(act, "kinks", ()) if start <= k <= stop]
    x = np.union1d(x, np.array(kinks, dtype=np.float64))

    def grad(order: int, at: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(act.derivative(at, order), dtype=np.float64)

    g = grad(1, x)
    found = [(x, np.abs(g))]
    for order, d in ((1, g), (2, grad(2, x))):
        i = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)
        if not len(i):
            continue
        a, b, da = x[i], x[i + 1], d[i]
        for _ in range(60):  # bisection: down to the float spacing on any sane range
            m = (a + b) / 2
            dm = grad(order, m)
            left = np.sign(dm) == np.sign(da)
            a, da = np.where(left, m, a), np.where(left, dm, da)
            b = np.where(left, b, m)
        ends = np.concatenate([a, b])
        found.append((ends, np.abs(grad(1, ends))))
    marked = np.zeros(columns, dtype=bool)
    for at, size in found:
        small = at[size < threshold]  # nan compares False: never marked
        cols = np.clip(np.floor((small - lo) / h).astype(np.intp), 0, columns - 1)
        marked[cols] = True
    return marked


def _widest_run(mask: np.ndarray) -> tuple[int, int]:
    """[a, b) of the longest run of True in `mask` (the first one on ties)."""
    best, a = (0, 0), None
    for i, m in enumerate([*mask.tolist(), False]):
        if m and a is None:
            a = i
        elif not m and a is not None:
            if i - a > best[1] - best[0]:
                best = (a, i)
            a = None
    return best


def _runs(cells: list[str]) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    for c in cells:
        is_mark = c != " "
        if out and out[-1][0] == is_mark:
            out[-1] = (is_mark, out[-1][1] + c)
        else:
            out.append((is_mark, c))
    return out


def _legend_lines(series: list[_Series], width: int) -> list[list[tuple[str, int | None]]]:
    """The legend entries, 'glyph label', packed into as few lines of `width` as they fit."""
    lines: list[list[tuple[str, int | None]]] = []
    used = 0
    for s in series:
        entry = f"{SAMPLE.get(s.glyph, s.glyph)} {s.label}"
        if len(entry) > width - 2:
            entry = entry[: width - 3] + "…"
        if lines and used + 3 + len(entry) <= width - 1:
            lines[-1] += [("   ", None), (entry, s.color)]
            used += 3 + len(entry)
        else:  # a new line, one space in, as the plot's frame is
            lines.append([(" ", None), (entry, s.color)])
            used = 1 + len(entry)
    return lines


def _colored_row(plt: Any, pieces: list[tuple[str, int | None]], width: int) -> Any:
    """One line of `width` characters as a plotext matrix: text pieces, some of them coloured."""
    from plotext._primitives.pixel import pixel

    row = None
    for text, color in pieces:
        if not text:
            continue
        part = plt.colorize(text, pixel=pixel(foreground=color) if color is not None else None)
        row = part.matrix() if row is None else row.hstack(part, True)
    used = row.width() if row is not None else 0
    pad = plt.colorize(" " * max(1, width - used))
    row = pad.matrix() if row is None else row.hstack(pad, True)
    return row[:, :width] if row.width() > width else row
