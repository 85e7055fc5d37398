"""Numerical probes of an activation: what its values say, to check what it declares.

`probe(act)` measures range, zero-centring, monotonicity, maximum slope and saturation on a
dense grid; `verify(act)` sets each declared property beside the measurement. `info`,
`table --verify` and the tests all use these, so a claim in the table is checked, not typed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from actcli.core.registry import Activation, Interval

SATURATION = 1e-3  # |f'| below this counts as a vanished gradient


@dataclass(frozen=True)
class Probe:
    lo: float  # min f on the grid
    hi: float  # max f on the grid
    lo_at: float
    f0: float
    odd: bool  # f(−x) = −f(x) on the grid
    monotonic: bool  # non-decreasing on the grid
    max_slope: float
    max_slope_at: float
    saturation: tuple[float | None, float | None]  # |f'| < 1e-3 for all x < a / x > b
    dead: tuple[bool, bool]  # f' == 0 exactly on a half-line: a flat side, not an underflowed tail
    flat_from: tuple[float | None, float | None]  # f' == 0 exactly for x <= a / x >= b (if dead)
    tail: tuple[float, float]  # max |f'| for |x| >= 1e200 on each side: 0 where f' -> 0
    unbounded: tuple[bool, bool] = (False, False)  # lo / hi still growing at |x| = 1e300


def _grid(span: float, n: int) -> np.ndarray:
    x = np.linspace(-span, span, n)
    x[n // 2] = 0.0
    return x


def _refine_max(act: Activation, x: np.ndarray, g: np.ndarray) -> tuple[float, float]:
    """Golden-section refinement of max f' around the best grid point (nan where f' is nowhere
    finite, as for log(x) on the negative side)."""
    if np.any(g == np.inf):  # unbounded, as log'(x) at 0: say where, not a large finite number
        return float("inf"), float(x[int(np.argmax(g == np.inf))])
    finite = np.isfinite(g)
    if not finite.any():
        return float("nan"), float("nan")
    gf = np.where(finite, g, -np.inf)
    # Of the grid points that reach the top (snake' = 2 at every π/4 + kπ), the one nearest 0.
    near_top = np.flatnonzero(gf >= gf.max() - 1e-6 * abs(gf.max()))
    i = int(near_top[np.argmin(np.abs(x[near_top]))])
    while i + 1 < len(gf) and gf[i + 1] > gf[i]:  # climb to the grid's local maximum
        i += 1
    while i > 0 and gf[i - 1] > gf[i]:
        i -= 1
    a, b = x[max(i - 1, 0)], x[min(i + 1, len(x) - 1)]
    for _ in range(80):
        m1, m2 = a + 0.382 * (b - a), a + 0.618 * (b - a)
        if act.grad(m1) >= act.grad(m2):
            b = m2
        else:
            a = m1
    best = np.array([x[i], 0.5 * (a + b)])
    gb = np.asarray(act.grad(best), dtype=np.float64)
    j = int(np.argmax(np.where(np.isfinite(gb), gb, -np.inf)))
    return float(gb[j]), float(best[j])


def _saturation(x: np.ndarray, g: np.ndarray) -> tuple[float | None, float | None]:
    """Where |f'| falls below SATURATION for good (and stays non-zero), on each side."""
    small = np.abs(g) < SATURATION
    out: list[float | None] = []
    for side in (x < 0, x > 0):
        xs, ss = x[side], small[side]
        if side[0]:  # negative side: scan outwards from 0
            xs, ss = xs[::-1], ss[::-1]
        if not ss[-1]:
            out.append(None)
            continue
        last_big = np.flatnonzero(~ss)
        start = last_big[-1] + 1 if last_big.size else 0
        out.append(float(xs[start]))
    return out[0], out[1]


UNDERFLOW = 1e-200  # a nonzero |f'| this small next to exact zeros is a tail that underflowed
TENDS_TO_ZERO = 1e-100  # |f'| at |x| >= 1e200 below this: f' -> 0 (a vanishing gradient)


def _flat_sides(x: np.ndarray, g: np.ndarray) -> tuple[tuple[bool, bool], tuple[float | None, float | None]]:
    """Where f' == 0 exactly from the grid's end inwards, and the side is truly flat: the first
    nonzero f' inside the run is not a tail that merely underflowed (softplus:beta=100's
    e^(100x) reaches 0 near x = -7.5, a flat side only in floating point)."""
    dead, start = [False, False], [None, None]
    for k, (xs, gs) in enumerate(((x, g), (x[::-1], g[::-1]))):
        nonzero = np.flatnonzero(gs != 0)
        if nonzero.size == 0:  # f' = 0 on the whole grid (sign): flat on both sides
            dead[k], start[k] = True, float(xs[-1])
            continue
        if nonzero[0] == 0:
            continue
        first = int(nonzero[0])
        if not abs(float(gs[first])) > UNDERFLOW:  # nan counts as underflow: no claim
            continue
        dead[k], start[k] = True, float(xs[first - 1])
    return (dead[0], dead[1]), (start[0], start[1])


def probe(act: Activation, span: float = 100.0, n: int = 400_001) -> Probe:
    """Measure on a dense grid over ±span, and the range also far out (to ±1e300)."""
    x = _grid(span, n)
    y = act.value(x)
    g = act.grad(x)
    far = np.logspace(0, 300, 301)
    y_far = act.value(np.concatenate([-far, far]))
    i_lo = int(np.nanargmin(y)) if not np.all(np.isnan(y)) else 0
    finite = np.isfinite(y)
    scale = max(float(np.max(np.abs(y[finite]), initial=0.0)), 1.0)
    # odd: f(−x) = −f(x) within rounding where both are finite, exactly where either is not
    # (inf and −inf; a one-sided inf, or nan, is not odd); compared, never subtracted, so
    # inf − inf warns of nothing
    mirror = -y[::-1]
    both = finite & finite[::-1]
    odd = bool(np.all(np.abs(y[both] - mirror[both]) <= 1e-12 * scale)) and bool(
        np.all(y[~both] == mirror[~both])
    )
    monotonic = bool(np.all(y[1:] >= y[:-1]))  # inf >= inf holds; nan fails
    max_slope, at = _refine_max(act, x, g)
    dead, flat_from = _flat_sides(x, g)
    far_g = np.abs(np.asarray(act.grad(np.concatenate([-far[200:], far[200:]])), dtype=np.float64))
    # nan (no derivative out there, as for log on x < 0) is not a gradient that tends to 0
    tail = tuple(float(np.max(side)) if not np.isnan(side).any() else float("nan") for side in np.split(far_g, 2))
    lo = float(np.nanmin([y[i_lo], np.nanmin(y_far, initial=np.inf)]))
    hi = float(np.nanmax([np.nanmax(y, initial=-np.inf), np.nanmax(y_far, initial=-np.inf)]))
    # An extreme reached at |x| = 1e300 where f still moves towards it (f(1e300) beyond
    # f(1e299)) has no bound: relu, log. sigmoid(1e300) == sigmoid(1e299): bounded.
    e = np.asarray(act.value(np.array([-1e300, -1e299, 1e299, 1e300])), dtype=np.float64)
    with np.errstate(invalid="ignore"):
        grows_up = (e[0] >= hi and e[0] > e[1]) or (e[3] >= hi and e[3] > e[2])
        grows_down = (e[0] <= lo and e[0] < e[1]) or (e[3] <= lo and e[3] < e[2])
    return Probe(
        lo=lo, hi=hi,
        lo_at=float(x[i_lo]), f0=float(act.value(0.0)),
        odd=odd, monotonic=monotonic, max_slope=max_slope, max_slope_at=at,
        saturation=_saturation(x, g), dead=dead, flat_from=flat_from, tail=(tail[0], tail[1]),
        # f overflowing to ±inf (squared_relu at 1e300) is unbounded too
        unbounded=(bool(grows_down or lo == -np.inf), bool(grows_up or hi == np.inf)),
    )


def max_slope_where(act: Activation, p: Probe, span: float = 100.0, n: int = 20_001) -> str:
    """Where f' reaches the probe's maximum: 'x = 0', 'x in (0, inf)', or the probe's edge.

    A piecewise-linear function such as relu reaches its maximum slope on a whole interval, so
    look on a grid for every x where f' equals it exactly, and bisect each end of such a run
    down to adjacent doubles to tell '(0' from '[0' (the kink conventions).
    """
    top_value = p.max_slope

    def is_top(v: float) -> bool:
        return bool(act.grad(v) == top_value)

    def nice(v: float) -> float:
        return 0.0 if abs(v) < 1e-6 else float(f"{v:.4g}")  # the refinement leaves ~1e-9 noise

    def end(inside: float, outside: float, left: bool) -> str:
        while True:
            mid = inside + (outside - inside) / 2
            if mid in (inside, outside):
                break
            inside, outside = (mid, outside) if is_top(mid) else (inside, mid)
        b = nice(inside)
        closed = is_top(b)
        return ("[" if closed else "(") + f"{b:.4g}" if left else f"{b:.4g}" + ("]" if closed else ")")

    if np.isnan(top_value):
        return "unknown"
    if top_value == np.inf:  # unbounded at a point, as log'(x) at 0
        return f"x = {nice(p.max_slope_at):.4g}"
    x = np.linspace(-span, span, n)
    x[n // 2] = 0.0
    top = np.flatnonzero(act.grad(x) == top_value)
    if top.size <= 1:
        at = nice(p.max_slope_at)
        if abs(at) >= span:
            return f"x = {at:.4g}, the edge of the probed range; larger beyond"
        there = float(act.grad(at))
        if there < top_value - 1e-4 * abs(top_value):  # a sup the kink convention does not reach
            return f"x → {at:.4g}, not reached: f'({at:.4g}) = {there:.4g} by convention"
        return f"x = {at:.4g}"
    parts = []
    for run in np.split(top, np.flatnonzero(np.diff(top) > 1) + 1):
        i, j = int(run[0]), int(run[-1])
        lo = "(-inf" if i == 0 else end(float(x[i]), float(x[i - 1]), left=True)
        hi = "inf)" if j == n - 1 else end(float(x[j]), float(x[j + 1]), left=False)
        parts.append(f"{lo}, {hi}")
    if parts == ["(-inf, inf)"]:
        return "every x"
    return "x in " + " and ".join(parts)


def _vanishes(p: Probe) -> tuple[bool, bool]:
    """f' -> 0 as x -> -inf / inf, the declared meaning of a vanishing gradient: |f'| far out
    (|x| >= 1e200) is below 1e-100, and the side is not flat (that is a dying unit). A small
    constant slope, as leaky_relu:alpha=0.0001's, does not vanish."""
    return (
        not p.dead[0] and p.tail[0] < TENDS_TO_ZERO,
        not p.dead[1] and p.tail[1] < TENDS_TO_ZERO,
    )


def vanishing_claim(p: Probe) -> str:
    """The vanishing-gradient cell that the measurements support (see registry's docs)."""
    left, right = _vanishes(p)
    if left and right:
        return "yes" if p.max_slope < 1 else "yes (less)"
    if left:
        return "negative side"
    if right:
        return "positive side"
    return "no"


def _side(p: Probe, k: int) -> str:
    """What f' does on one side, in words: 'f' = 0 for x ≤ 0', 'f' → 0 as x → -inf (...)'."""
    end, cmp, far = ("-inf", "<", "≤") if k == 0 else ("inf", ">", "≥")
    if p.dead[k]:
        return f"f' = 0 exactly for x {far} {p.flat_from[k]:.4g}"
    if _vanishes(p)[k]:
        sat = p.saturation[k]
        below = f" (|f'| < {SATURATION:g} for x {cmp} {sat:.3g})" if sat is not None else ""
        return f"f' → 0 as x → {end}{below}"
    return f"f' does not tend to 0 as x → {end}"


def vanishing_measured(p: Probe) -> str:
    """The vanishing-gradient claim and, per side, what f' was seen to do."""
    return f"{vanishing_claim(p)}: {_side(p, 0)}; {_side(p, 1)}"


def dying_measured(p: Probe) -> str:
    """'yes: f' = 0 exactly for x ≤ 0', or 'no: ...'."""
    flat = [_side(p, k) for k in (0, 1) if p.dead[k]]
    if flat:
        return "yes: " + "; ".join(flat)
    return "no: f' = 0 exactly on no half-line"


def measured_range(p: Probe) -> str:
    """The smallest and largest f seen, as an interval: an end still growing at |x| = 1e300
    is unbounded (`-inf`, `inf`); a finite end was reached on the grid (closed)."""
    lo = "(-inf" if p.unbounded[0] else f"[{p.lo:.6g}"
    hi = "inf)" if p.unbounded[1] else f"{p.hi:.6g}]"
    return f"{lo}, {hi}"


def _range_agrees(declared: Interval, p: Probe) -> bool:
    """The grid's min/max sit inside the declared range, and reach its finite bounds."""
    tol = 1e-6
    inside = declared.lo - tol <= p.lo and p.hi <= declared.hi + tol
    reach_lo = (declared.lo == -np.inf and p.unbounded[0]) or abs(p.lo - declared.lo) <= 1e-4 * max(
        1, abs(declared.lo)
    )
    reach_hi = (declared.hi == np.inf and p.unbounded[1]) or abs(p.hi - declared.hi) <= 1e-4 * max(
        1, abs(declared.hi)
    )
    return inside and reach_lo and reach_hi


def _slope_check(act: Activation, p: Probe, span: float) -> Check:
    """The declared sup f' against the probe's; None declares it unbounded (the probe then peaks
    at the edge of its range, or at inf)."""
    declared = act.prop("max_slope") if hasattr(act, "decl") else None
    far = np.array([1e3, 1e6, 1e12, 1e100])
    g_far = np.asarray(act.grad(np.concatenate([-far, far])), dtype=np.float64)
    top_far = float(np.nanmax(g_far))
    unbounded = p.max_slope == np.inf or top_far > 1e6 * max(1.0, p.max_slope)
    sup = max(p.max_slope, top_far)
    measured = "unbounded" if unbounded else f"{sup:.6g}"
    if not unbounded and sup == p.max_slope:
        measured += f" at {max_slope_where(act, p)}"
    elif not unbounded:
        measured += " (approached as |x| grows)"
    if declared is None:
        return Check("max_slope", "unbounded", measured, unbounded)
    agrees = not unbounded and abs(sup - declared) <= 1e-6 * max(1.0, abs(declared))
    return Check("max_slope", f"{declared:.6g}", measured, agrees)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


@dataclass(frozen=True)
class Check:
    prop: str
    declared: str
    measured: str
    agrees: bool


def verify(act: Activation, p: Probe | None = None, span: float = 100.0) -> list[Check]:
    """Each declared property beside what the probe measured."""
    p = p or probe(act, span=span)
    rng = act.output_range
    zc = bool(act.prop("zero_centered"))
    mono = bool(act.prop("monotonic"))
    van = act.prop("vanishing_gradient")
    dying_declared = act.prop("dying_units")
    zc_measured = p.f0 == 0 and p.odd
    dying = "yes" if any(p.dead) else "no"
    return [
        Check("output_range", str(rng), measured_range(p), _range_agrees(rng, p)),
        Check("zero_centered", _yes(zc), f"{_yes(zc_measured)}: f(0) = {p.f0:g}, {'odd' if p.odd else 'not odd'}", zc == zc_measured),
        Check("monotonic", _yes(mono), _yes(p.monotonic), mono == p.monotonic),
        Check("vanishing_gradient", van, vanishing_measured(p), van == vanishing_claim(p)),
        Check("dying_units", dying_declared, dying_measured(p), dying_declared == dying),
        _slope_check(act, p, span),
    ]
