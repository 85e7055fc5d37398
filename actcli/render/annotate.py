"""What a chart can mark on a curve and say under it, computed, never typed in.

- `annotations(act, start, stop)`: the kinks the registry declares, the maximum slope the
  analysis measures (actcli.core.analysis), and the zeros of f' (sign changes, bisected), as
  points to mark and one note.
- `zeros(fn, order, start, stop)`: where f^(order) changes sign in [start, stop].
- `Difference(f, g)`: f - g as a function a chart draws; `max_gap(...)` its largest |f - g|.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

KINK, STEEPEST, FLAT = "◆", "▲", "○"  # marks: a kink, the maximum slope, a zero of f'


@dataclass(frozen=True)
class Annotation:
    marks: list[tuple[float, str]]  # (x, mark) on the f curve
    note: str  # "relu: kink at x = 0 (relu'(0) = 0) · max f' = 1 at x in (0, inf)"


def _num(v: float) -> str:
    return f"{0.0 if abs(v) < 1e-9 else v:.4g}"


def zeros(fn: Any, order: int, start: float, stop: float, n: int = 20_001) -> list[float]:
    """Each x in [start, stop] where f^(order) changes sign between samples, bisected to the
    float spacing (a jump through 0, as sign(x) has, is found too: the caller checks f')."""
    x = np.linspace(start, stop, n)
    with np.errstate(all="ignore"):
        d = np.asarray(fn.derivative(x, order), dtype=np.float64)
    i = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) < 0)
    a, b, da = x[i], x[i + 1], d[i]
    for _ in range(60):
        m = (a + b) / 2
        with np.errstate(all="ignore"):
            dm = np.asarray(fn.derivative(m, order), dtype=np.float64)
        left = np.sign(dm) == np.sign(da)
        a, da, b = np.where(left, m, a), np.where(left, dm, da), np.where(left, b, m)
    return [float(v) for v in (a + b) / 2]


def annotations(act: Any, label: str, start: float, stop: float) -> Annotation:
    """Kinks (from the registry), the maximum slope (from the analysis), zeros of f'."""
    from actcli.core import analysis

    marks: list[tuple[float, str]] = []
    parts: list[str] = []
    kinks = [k for k in getattr(act, "kinks", ()) if start <= k <= stop]
    if kinks:
        conv = act.prop("kink_convention") if hasattr(act, "decl") else ""
        where = ", ".join(_num(k) for k in kinks)
        parts.append(f"kink at x = {where}" + (f" ({conv})" if conv else ""))
        marks += [(k, KINK) for k in kinks]
    try:
        p = analysis.probe(act)
        at = analysis.max_slope_where(act, p)
    except Exception:  # an expression the probe cannot take: say nothing rather than guess
        p = None
    if p is not None and np.isfinite(p.max_slope):
        parts.append(f"max f' = {_num(p.max_slope)} at {at}")
        if at.startswith("x = ") and start <= p.max_slope_at <= stop:
            marks.append((p.max_slope_at, STEEPEST))
    flat = [z for z in zeros(act, 1, start, stop)
            if abs(float(act.derivative(np.array([z]), 1)[0])) < 1e-6]  # fmt: skip
    if flat:
        parts.append("f' = 0 at x = " + ", ".join(_num(z) for z in flat))
        marks += [(z, FLAT) for z in flat]
    return Annotation(marks, f"{label}: " + (" · ".join(parts) or "nothing to mark"))


class Difference:
    """f - g, drawn as one function: its derivatives are f's minus g's, its kinks both's."""

    def __init__(self, f: Any, g: Any) -> None:
        self.f, self.g = f, g
        self.name = self.label = f"{f.label} − {g.label}"
        self.kinks = tuple(sorted(set(getattr(f, "kinks", ())) | set(getattr(g, "kinks", ()))))

    def derivative(self, x: Any, order: int = 1) -> np.ndarray:
        a = np.asarray(self.f.derivative(x, order), dtype=np.float64)
        return a - np.asarray(self.g.derivative(x, order), dtype=np.float64)

    def grad(self, x: Any) -> np.ndarray:
        return self.derivative(x, 1)


def max_gap(d: Difference, start: float, stop: float, n: int = 200_001) -> tuple[float, float]:
    """(max |f - g|, x where it is reached) over [start, stop] on a fine grid."""
    x = np.linspace(start, stop, n)
    with np.errstate(all="ignore"):
        gap = np.abs(d.derivative(x, 0))
    gap = np.where(np.isfinite(gap), gap, -1.0)
    i = int(np.argmax(gap))
    return float(gap[i]), float(x[i])
