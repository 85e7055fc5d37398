"""Where a function saturates in a 16-bit format: found by evaluating the real kernels at every
finite value of float16 or bfloat16 (65,536 bit patterns: the search is exhaustive, so exact).

For each side (x → −inf, x → +inf), `saturation(act, dtype)` gives

- `f_limit`: f(±inf) in the format (the asymptote as it rounds there);
- `f_saturates`: from which x on f equals that limit, for every x beyond (None if f never
  rounds to it, or the limit is ±inf or nan); x may lie past 0 (float16's squared_relu is 0
  for every x <= 0.000244);
- `grad_zero`: from which x on f' is exactly 0, for every x beyond (None: never);
- `f_finite`: the last x, going out from 0, whose f is still finite (every x between 0 and it
  has a finite f); the largest finite value of the format when f never overflows; `f_beyond`
  is f at the next x (±inf, or nan), None when there is none.

Only the 16-bit formats: float32 has 4 billion values, and no bisection would be exact
without assuming monotone tails.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from actcli.core import formats
from actcli.core.registry import Activation

SIDES = ("-inf", "inf")


@dataclass(frozen=True)
class Side:
    """The facts of one side, as values of the format (floats; None where there is none)."""

    f_limit: float
    f_saturates: float | None
    grad_zero: float | None
    f_finite: float | None
    f_beyond: float | None  # f at the x after f_finite (±inf or nan); None: f is finite to the end
    overflows: bool  # f_beyond is ±inf


def _run_from_end(ok: np.ndarray) -> int | None:
    """The first index of the run of True that ends the array (None: it ends in False)."""
    bad = np.flatnonzero(~ok)
    if not bad.size:
        return 0
    return int(bad[-1]) + 1 if bad[-1] + 1 < ok.size else None


def _value(v: Any) -> float:
    """A value of the format as a float, +0 for −0 (x ≥ −0 is x ≥ 0)."""
    return float(v) + 0.0


def saturation(act: Activation, dtype: Any) -> dict[str, Side]:
    """The facts of both sides, by `SIDES`; `dtype` is float16 or bfloat16."""
    dtype = np.dtype(dtype)
    if not formats.is_half(dtype):
        raise ValueError(f"saturation facts are computed for float16 and bfloat16, not {dtype}")
    x = formats.finite_values(dtype)  # increasing; −0 then +0 in the middle
    f = np.asarray(act.value(x)).astype(np.float64)
    g = np.asarray(act.grad(x)).astype(np.float64)
    limits = np.asarray(act.value(np.array([-np.inf, np.inf], dtype))).astype(np.float64)
    zero = int(np.flatnonzero(x.astype(np.float64) == 0)[0])  # −0's index
    out = {}
    for side, lim in zip(SIDES, limits.tolist(), strict=True):
        # The runs are looked for on the whole line (squared_relu is 0 in float16 up to
        # x = 0.000244, past 0), walking toward the side; finiteness outward from 0.
        line = np.arange(x.size) if side == "inf" else np.arange(x.size - 1, -1, -1)
        sat = _run_from_end(f[line] == lim) if np.isfinite(lim) else None
        flat = _run_from_end(g[line] == 0)
        # outward from the side's own zero (1/x: −inf at −0, inf at +0)
        half = np.arange(zero + 1, x.size) if side == "inf" else np.arange(zero, -1, -1)
        xs, fs = x[half], f[half]
        finite = np.isfinite(fs)
        first_bad = np.flatnonzero(~finite)
        last_ok = (first_bad[0] - 1) if first_bad.size else xs.size - 1
        beyond = float(fs[first_bad[0]]) if first_bad.size else None
        overflows = beyond is not None and bool(np.isinf(beyond))
        out[side] = Side(
            f_limit=lim,
            f_saturates=None if sat is None else _value(x[line][sat]),
            grad_zero=None if flat is None else _value(x[line][flat]),
            f_finite=None if last_ok < 0 else _value(xs[last_ok]),
            f_beyond=beyond,
            overflows=overflows,
        )
    return out
