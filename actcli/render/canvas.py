"""A chart's cells and how they are written out; how curves become cells.

- `Grid`: rows of cells (a character, an xterm colour or none); `.matrix()` the same as a
  plotext matrix, which writes it as text with or without ANSI codes, or as HTML.
- `dots(xs, ys, breaks, ...)`: a curve's braille dots (2 x 4 per cell), strokes joined.
- `clip_segment`, `decimate`: a segment cut to the y limits; the min and max of each run.
- `paint(grid, ...)`: the curves of one panel into the grid. Every series stays visible: with
  colour the dots of all series in a cell are merged and the cell takes the colour of one of
  them, in turn; without colour each cell shows one series' glyph, and where series share
  cells they take them in turn, so each holds cells of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# Braille dot bits by (row in the cell, column in the cell).
_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]], dtype=np.int64)
DIM = 244  # a mid grey, 3.9:1 on white and 5.3:1 on black: the zero line


class Grid:
    """`height` rows of `width` cells; text put in with a colour (xterm number) or none."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.chars = [[" "] * width for _ in range(height)]
        self.colors: list[list[int | None]] = [[None] * width for _ in range(height)]

    def put(self, row: int, col: int, text: str, color: int | None = None) -> None:
        """Write `text` from (row, col) on, cut at the edges."""
        for k, ch in enumerate(text):
            c = col + k
            if 0 <= c < self.width and 0 <= row < self.height:
                self.chars[row][c], self.colors[row][c] = ch, color

    def free(self, row: int, col: int, n: int = 1) -> bool:
        return all(self.chars[row][c] == " " for c in range(max(col, 0), min(col + n, self.width)))

    def matrix(self, colored: bool = True) -> Any:
        """The grid as a plotext matrix (plotext imported here, when a chart is drawn): its
        `.string(colorless)` is the text, `.html()` the coloured page. Without `colored`
        every cell is left uncoloured (and the matrix is built a row at a time, 5x faster)."""
        import plotext as plt
        from plotext._primitives.pixel import pixel

        rows = None
        for chars, colors in zip(self.chars, self.colors, strict=True):
            if not colored:
                part = plt.colorize("".join(chars)).matrix()
                rows = part if rows is None else rows.vstack(part, True)
                continue
            row, k = None, 0
            while k < self.width:
                j = k
                while j < self.width and colors[j] == colors[k]:
                    j += 1
                px = pixel(foreground=colors[k]) if colors[k] is not None else None
                part = plt.colorize("".join(chars[k:j]), pixel=px)
                row = part.matrix() if row is None else row.hstack(part, True)
                k = j
            rows = row if rows is None else rows.vstack(row, True)
        return rows


@dataclass
class Layer:
    """One series as it is painted: its dots, colour, glyph, and points marked on it."""

    rows: np.ndarray  # dot rows (0 at the top, 4 per cell)
    cols: np.ndarray  # dot columns (2 per cell)
    color: int
    glyph: str
    marks: Sequence[tuple[int, int, str]] = ()  # (cell row, cell col, character)


def dots(
    xs: np.ndarray,
    ys: np.ndarray,
    breaks: np.ndarray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    columns: int,
    rows: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The braille dots of a curve: each stroke's consecutive points joined by straight steps.

    x = start falls in the first dot column, stop in the last; y = hi in the top dot row, lo in
    the bottom one (ys are already clipped to [lo, hi])."""
    if not len(xs):
        return np.empty(0, np.intp), np.empty(0, np.intp)
    (start, stop), (lo, hi) = x_range, y_range
    px = (xs - start) / (stop - start) * (2 * columns - 1)
    py = (hi - ys) / (hi - lo) * (4 * rows - 1)
    joined = np.ones(len(xs), dtype=bool)
    joined[0] = False
    joined[breaks[breaks < len(xs)]] = False  # point i starts a stroke: no step from i - 1
    seg = np.flatnonzero(joined[1:]) + 1
    n = np.maximum(np.abs(px[seg] - px[seg - 1]), np.abs(py[seg] - py[seg - 1]))
    steps = np.ceil(n).astype(np.intp) + 1
    which = np.repeat(np.arange(len(seg)), steps)
    t = (np.arange(len(which)) - np.repeat(np.cumsum(steps) - steps, steps)) / np.repeat(
        np.maximum(steps - 1, 1), steps
    )
    a, b = seg[which] - 1, seg[which]
    all_x = np.concatenate([px, px[a] + t * (px[b] - px[a])])
    all_y = np.concatenate([py, py[a] + t * (py[b] - py[a])])
    c = np.clip(np.rint(all_x), 0, 2 * columns - 1).astype(np.intp)
    r = np.clip(np.rint(all_y), 0, 4 * rows - 1).astype(np.intp)
    return r, c


def paint(
    grid: Grid,
    top: int,
    left: int,
    columns: int,
    rows: int,
    layers: Sequence[Layer],
    braille: bool,
) -> list[int]:
    """Paint the layers into the panel whose first cell is (top, left); return how many cells
    each layer shows. `braille`: merged dots, coloured by turns; else one glyph per cell."""
    bits = np.zeros((len(layers), rows, columns), dtype=np.int64)
    for k, layer in enumerate(layers):
        if len(layer.rows):
            np.bitwise_or.at(
                bits[k], (layer.rows // 4, layer.cols // 2), _BITS[layer.rows % 4, layer.cols % 2]
            )
    present = bits != 0
    count = present.sum(axis=0)
    owner = present.argmax(axis=0)  # the only series in a cell, or the first of several
    merged = np.bitwise_or.reduce(bits, axis=0)
    turns = [0] * len(layers)  # shared cells each layer has taken: the fewest takes the next
    for col, row in np.argwhere(count.T > 1).tolist():  # column by column, left to right
        who = np.flatnonzero(present[:, row, col]).tolist()
        k = min(who, key=lambda k: (turns[k], k))
        turns[k] += 1
        owner[row, col] = k
    shown = [0] * len(layers)
    for row, col in np.argwhere(count > 0).tolist():
        k = int(owner[row, col])
        shown[k] += 1
        ch = chr(0x2800 + int(merged[row, col])) if braille else layers[k].glyph
        grid.put(top + row, left + col, ch, layers[k].color)
    for layer in layers:
        for row, col, ch in layer.marks:
            if 0 <= row < rows and 0 <= col < columns:
                grid.put(top + row, left + col, ch, layer.color)
    return shown


def clip_segment(
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


def decimate(y: np.ndarray, keep: np.ndarray, bins: int) -> np.ndarray:
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
