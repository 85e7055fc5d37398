"""What a chart shows, before it is drawn anywhere: the one data model that the terminal chart
(actcli.render.charts) and the figure (actcli.render.figures) both read.

- `plan(acts, start, stop, ...)`: checks the request and samples every series, as a `Plan`.
- `Plan`: the x range, the series (sampled, strokes cut at jumps, annotation marks), how they
  share panels and the panels' axis labels, the shading threshold, the annotation notes, the
  warnings the data gives (points left out).
- `Series`: f^(order) of one function, its points and strokes.
- `PlotError`: a chart that cannot be drawn as asked; `str()` is one line a user can act on;
  `WriteError`, one whose file could not be written.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actcli.core.registry import Activation, ActivationError
from actcli.render.annotate import Annotation, Difference, annotations, max_gap
from actcli.render.canvas import clip_segment, decimate

DECIMATE_OVER = 4  # decimate when a series has over 4 points per sub-column
FIGURE_COLUMNS = 1000  # a figure's detail: 2001 samples by default, as a 1000-column chart's
FIGURE_SUFFIXES = (".svg", ".png", ".pdf", ".html")  # drawn by matplotlib (render.figures)
SAVE_AS = "use a .txt, .svg, .png, .pdf or .html file name"


class PlotError(ActivationError):
    """A chart that cannot be drawn as asked: size, range, limits, orders or file type."""


class WriteError(PlotError):
    """A chart or figure drawn whose file could not be written: a failure, not a mistake."""


def series_label(act: Activation, order: int) -> str:
    """'sigmoid', "sigmoid'", "leaky_relu:alpha=0.2'": the primes after the function as it is
    typed, as in the tables' headers ("leaky_relu:alpha=0.2'(x)")."""
    return act.label + "'" * order


@dataclass
class Plan:
    """A chart's content: what is drawn, not where. `panels` lists the orders each panel
    holds, top to bottom (one panel for all with `overlay`); `notes` has one annotation per
    function with `annotate`; `call` is the request, so a figure can sample it more finely."""

    acts: list[Any]
    start: float
    stop: float
    orders: tuple[int, ...]
    series: list[Series]
    ylim: tuple[float, float] | None
    logy: bool
    overlay: bool
    diff: bool
    title: str | None
    shade: float | None
    notes: list[Annotation]
    axis_names: tuple[str, str] | None
    warnings: list[str]
    x: np.ndarray
    call: dict[str, Any] = field(repr=False)

    @property
    def panels(self) -> list[list[int]]:
        return [list(self.orders)] if self.overlay or len(self.orders) == 1 else [[o] for o in self.orders]

    @property
    def x_name(self) -> str:
        return self.axis_names[0] if self.axis_names else "x" if is_math(self.acts) else ""

    def panel_label(self, orders: Sequence[int]) -> str:
        """'f(x)', "f'(x)", "f(x) − g(x)", or the y name given (flow's '||dL/dW||')."""
        return self.axis_names[1] if self.axis_names else axis_label(self.acts, orders, self.diff)

    def resampled(self, columns: int) -> Plan:
        """The same request sampled for `columns` columns (unless it gave `points`)."""
        return plan(**{**self.call, "columns": columns})


def plan(
    acts: Sequence[Activation],
    start: float = -6.0,
    stop: float = 6.0,
    *,
    points: int | None = None,
    orders: Sequence[int] = (0,),
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
    shade_vanishing: float | None = None,
    logy: bool = False,
    overlay: bool = False,
    annotate: bool = False,
    diff: bool = False,
    axis_names: tuple[str, str] | None = None,
    columns: int = FIGURE_COLUMNS,
) -> Plan:
    """Check a chart's request and sample its series: 2·columns + 1 points by default (odd, so
    x = 0 is a sample on a symmetric range), over 4 per sub-column (2 per column) decimated
    to each one's min and max. The arguments are `actcli.render.charts.chart`'s."""
    call = {k: v for k, v in locals().items() if k != "call"}
    acts = list(acts)
    if diff:
        if len(acts) != 2:
            raise PlotError(f"--diff draws f − g of two functions: give two, not {len(acts)}")
        acts = [Difference(*acts)]
    orders = check_orders(orders)
    start, stop = check_range(start, stop)
    ylim = check_ylim(ylim, logy)
    if not acts:
        raise PlotError("nothing to plot: give at least one function")
    if shade_vanishing is not None and not (math.isfinite(shade_vanishing) and shade_vanishing > 0):
        raise PlotError(f"the shading threshold must be a number > 0, not {shade_vanishing:g}")
    if points is not None and (int(points) != points or points < 2):
        raise PlotError(f"points must be a whole number >= 2, not {points}")

    series = [Series(act, order, i) for i, act in enumerate(acts) for order in orders]
    if diff:
        largest, at = max_gap(acts[0], start, stop)
        for s in series:
            if s.order == 0:
                s.label += f" (max |f − g| = {largest:.4g} at x = {at:.4g})"
    notes: list[Annotation] = []
    if annotate:  # marks on the lowest order drawn (f, unless --only-deriv)
        notes = [annotations(a, a.label, start, stop) for a in acts]
        for s in series:
            if s.order == min(orders):
                s.marks = notes[s.index].marks

    n = int(points) if points is not None else 2 * columns + 1
    x = np.linspace(start, stop, n)
    bins = 2 * max(1, columns - 8)  # sub-columns, near enough: for decimation only
    warnings: list[str] = []
    for s in series:
        warnings += s.sample(x, logy, bins)
    if not any(len(s.xs) for s in series):
        why = "non-finite or <= 0 on a log y axis" if logy else "non-finite"
        raise PlotError(f"nothing to plot: every value is {why}")
    return Plan(acts, start, stop, orders, series, ylim, logy, overlay, diff, title,
                shade_vanishing, notes, axis_names, warnings, x, call)  # fmt: skip


def is_math(acts: Sequence[Any]) -> bool:
    """Activations (not flow's layers dressed as one): their axes are x and f(x)."""
    return all(hasattr(a, "grad") for a in acts)


def axis_label(acts: Sequence[Any], orders: Sequence[int], diff: bool = False) -> str:
    if not is_math(acts):
        return ""
    if diff:
        return ", ".join(f"f{'′' * o}(x) − g{'′' * o}(x)".replace("′", "'") for o in orders)
    return ", ".join("f" + "'" * o + "(x)" for o in orders)


def wrap_note(text: str, width: int) -> list[str]:
    """A note in lines of at most `width`, broken after ' · ' where it can be, else anywhere."""
    lines: list[str] = []
    for part in text.split(" · "):
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines += [("  " if lines else "") + part[i : i + width - 2] for i in range(0, len(part), width - 2)]
    return lines


# Checks


def check_orders(orders: Sequence[int]) -> tuple[int, ...]:
    out: list[int] = []
    for o in orders:
        if o not in (0, 1, 2) or isinstance(o, bool):
            raise PlotError(f"derivative order must be 0, 1 or 2, not {o!r}")
        if o not in out:
            out.append(int(o))
    if not out:
        raise PlotError("nothing to plot: no derivative order given")
    return tuple(out)


def check_range(start: float, stop: float) -> tuple[float, float]:
    start, stop = float(start), float(stop)
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise PlotError(f"the x range must be finite, not [{start:g}, {stop:g}]")
    if start >= stop:
        raise PlotError(f"the x range is empty: start {start:g} must be less than stop {stop:g}")
    if not math.isfinite(stop - start):
        raise PlotError(f"the x range [{start:g}, {stop:g}] is too wide")
    return start, stop


def check_ylim(ylim: tuple[float, float] | None, logy: bool) -> tuple[float, float] | None:
    if ylim is None:
        return None
    lo, hi = (float(v) for v in ylim)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise PlotError(f"y limits must be finite with lo < hi, not ({lo:g}, {hi:g})")
    if logy and lo <= 0:
        raise PlotError(f"y limits must be > 0 on a log y axis, not ({lo:g}, {hi:g})")
    return lo, hi


# Data


class Series:
    """One curve: f^(order) of the index-th function, its points once sampled. `color` and
    `glyph` are the terminal's, set by the chart that draws it."""

    def __init__(self, act: Activation, order: int, index: int) -> None:
        self.act, self.order, self.index = act, order, index
        self.color, self.glyph = 0, ""
        self.label = series_label(act, order)
        self.xs = self.ys = np.empty(0)
        self.breaks = np.empty(0, dtype=np.intp)  # indices that start a new stroke
        self.jumps: list[tuple[float, float]] = []  # (kink, the convention's value there)
        self.marks: list[tuple[float, str]] = []  # (x, mark) from annotate, drawn on the curve
        self.grid_x = self.grid_y = np.empty(0)  # every sample, for the closeness check
        self.values = np.empty(0)  # f^(order) at every sample, as computed (the figure's table)

    def sample(self, x: np.ndarray, logy: bool, bins: int) -> list[str]:
        y = np.asarray(self.act.derivative(x, self.order), dtype=np.float64)
        self.values = y
        finite = np.isfinite(y)
        keep = finite & (y > 0) if logy else finite
        warnings = []
        if not finite.all():
            warnings.append(f"{self.label}: left out {count(~finite, 'non-finite point')}")
        nonpositive = finite & ~keep
        if nonpositive.any():
            warnings.append(
                f"{self.label}: left out {count(nonpositive, 'point')} <= 0 (log y axis)"
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

    def strokes(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """The curve as the pieces drawn without lifting the pen."""
        bounds = [0, *self.breaks.tolist(), len(self.xs)]
        return [(self.xs[a:b], self.ys[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]

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


def count(mask: np.ndarray, noun: str) -> str:
    n = int(np.count_nonzero(mask))
    return f"{'all ' if n == len(mask) > 1 else ''}{n} {noun}{'' if n == 1 else 's'}"
