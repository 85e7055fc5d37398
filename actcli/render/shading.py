"""Shading of vanishing gradients: which columns of a chart have |f'| < t somewhere inside them,
the row under the chart that marks them, and the same columns as x intervals for a figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from actcli.render.canvas import Grid

SHADE = "▒"  # a shading row's mark for a column where |f'| < threshold


def vanishing_columns(
    act: Any, threshold: float, start: float, stop: float, columns: int
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


def column_spans(marked: np.ndarray, start: float, stop: float) -> list[tuple[float, float]]:
    """The marked columns (of `vanishing_columns`) as x intervals [a, b], neighbours merged:
    what a figure shades (each column spans half a step either side of its centre)."""
    h = (stop - start) / max(1, len(marked) - 1)
    edges = np.diff(np.concatenate([[0], marked.astype(np.int8), [0]]))
    first, last = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    lo = np.maximum(start + (first - 0.5) * h, start)
    hi = np.minimum(start + (last + 0.5) * h, stop)
    return list(zip(lo.tolist(), hi.tolist(), strict=True))


def shade_label(label: str, threshold: float, marked: np.ndarray, start: float, stop: float) -> str:
    """"|sigmoid'| < 0.01", with "nowhere in [a, b]" or "everywhere" when it is."""
    text = f"|{label}| < {threshold:g}"
    if not marked.any():
        text += f" nowhere in [{start:g}, {stop:g}]"
    elif marked.all():
        text += " everywhere"
    return text


def widest_run(mask: np.ndarray) -> tuple[int, int]:
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


@dataclass(frozen=True)
class ShadeRow:
    """A shading row: the marked columns, its label, and where the label goes (None: no gap
    holds it, so it goes to the legend rather than over a mark)."""

    marked: np.ndarray
    label: str
    at: int | None

    def draw(self, grid: Grid, row: int, left: int, color: int) -> None:
        for c in np.flatnonzero(self.marked).tolist():
            grid.put(row, left + c, SHADE, color)
        if self.at is not None:
            grid.put(row, left + self.at, f" {self.label} ", color)


def shade_row(
    act: Any, label: str, threshold: float, start: float, stop: float, columns: int
) -> ShadeRow:
    """|f'| < threshold under the plot's columns, labelled "|f'| < t" in the widest gap."""
    marked = vanishing_columns(act, threshold, start, stop, columns)
    label = shade_label(label, threshold, marked, start, stop)
    a, b = widest_run(~marked)
    width = len(label) + 2
    return ShadeRow(marked, label, a + (b - a - width) // 2 if b - a >= width else None)
