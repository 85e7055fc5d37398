"""Tick values and labels for chart axes: round steps (1, 2, 2.5, 5 x 10^k), one label format
per axis, decades on a log axis.

- `linear_ticks(ymin, ymax, ylim, target)`, `log_ticks(...)`: limits and tick values for y.
- `x_ticks(start, stop, columns)`: ticks and labels for x, start and stop always labelled.
- `tick_labels(ticks, tol)`: the shortest common format; `log_labels(ks)`: 10^k.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

GAP = 10  # at least this many characters between x ticks


def nice_step(span: float, target: int) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k giving at most `target` + 1 intervals over `span`."""
    raw = span / max(1, target)
    mag = 10.0 ** math.floor(math.log10(raw))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * mag >= raw * (1 - 1e-9):
            return m * mag
    return 10 * mag


def multiples(lo: float, hi: float, step: float) -> list[float]:
    eps = step * 1e-9
    first, last = math.ceil((lo - eps) / step), math.floor((hi + eps) / step)
    return [k * step + 0.0 for k in range(first, last + 1)]  # + 0.0: no "-0"


def linear_ticks(
    ymin: float, ymax: float, ylim: tuple[float, float] | None, target: int
) -> tuple[float, float, list[float]]:
    if ylim is not None:
        lo, hi = ylim
        return lo, hi, multiples(lo, hi, nice_step(hi - lo, target))
    if ymax - ymin <= 1e-12 * max(1.0, abs(ymin)):  # a constant: centred, and a tick of its own
        pad = max(1.0, abs(ymin)) / 2
        return ymin - pad, ymax + pad, [ymin - pad, ymin, ymin + pad]
    step = nice_step(ymax - ymin, target)
    # Widen the auto range to round values, as gnuplot does (sigmoid gets 0 and 1 at the
    # edges), but only to half a tick step, so tanh's -1 does not stretch the axis to -2.
    unit = step / 2
    lo = min(ymin, math.floor(ymin / unit + 1e-9) * unit)
    hi = max(ymax, math.ceil(ymax / unit - 1e-9) * unit)
    return lo, hi, multiples(lo, hi, step)


def log_ticks(
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


def log_labels(ks: list[float]) -> list[str]:
    """10^k as 0.01 ... 1000 when all fit that way, else as 1e-5 ... 1e0 ... 1e5."""
    ks_int = [round(k) for k in ks]
    if all(-2 <= k <= 3 for k in ks_int):
        return [f"{10.0**k:g}" for k in ks_int]
    return [f"1e{k}" for k in ks_int]


def x_ticks(start: float, stop: float, canvas_width: int) -> tuple[list[float], list[str]]:
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
        ticks = multiples(start, stop, step)
        ends = [e for e in (start, stop) if all(abs(t - e) > 1e-9 * span for t in ticks)]
        labels: dict[float, str] = {}
        for _ in range(2):  # labels depend on which ticks stay, and the reverse
            every = sorted(ticks + ends)
            # One format for all, ends included: not "-6 -2.5 0.0 2.5 6".
            tols = [span * 1e-4 if t in ends else step * 1e-6 for t in every]
            labels = dict(zip(every, tick_labels(every, tols), strict=True))
            ticks = [t for t in ticks if all(apart(sorted([t, e]), labels) for e in ends)]
        every = sorted(ticks + ends)
        tols = [span * 1e-4 if t in ends else step * 1e-6 for t in every]
        labels = dict(zip(every, tick_labels(every, tols), strict=True))
        if not apart(every, labels):
            continue
        if not ends:
            return every, [labels[t] for t in every]
        first = first or (step, every, [labels[t] for t in every])
    if first is None:
        return [start, stop], tick_labels([start, stop], span * 1e-4)
    return first[1], first[2]


def tick_labels(ticks: list[float], tol: float | Sequence[float]) -> list[str]:
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
