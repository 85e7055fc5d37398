"""Every value and derivative against an mpmath reference, in ULP.

The reference (tests/data/reference.npz) is made by tests/reference/make_reference.py: mpmath
at 80+ digits with adaptive precision, rounded once to each dtype, over a dense grid, log-spaced
magnitudes 1e-300..1e4, the tails where textbook forms break, signed zeros, subnormals, kinks
and the zeros of f' and f'' with their float neighbours.

Bounds (issue 2): float64 value 4 ULP, f' 8 ULP, f'' 16 ULP away from its zeros; float32 1 ULP.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import actcli

REF = np.load(Path(__file__).parent / "data" / "reference.npz")
KEYS = sorted({k.split("/")[0] for k in REF.files})
ORDERS = {0: "value", 1: "grad", 2: "grad2_"}
BOUND64 = {0: 4.0, 1: 8.0, 2: 16.0}
# f'' is held to its bound "away from its zeros": outside this relative distance of each zero.
GRAD2_ZERO_GAP = 1e-3


def _ref(key: str, order: int, bits: int) -> tuple[np.ndarray, ...]:
    stem = f"{ORDERS[order]}{bits}"
    return (
        REF[f"{key}/x{bits}"],
        REF[f"{key}/{stem}"],
        REF[f"{key}/normal_{stem}"],
        REF[f"{key}/zero_{stem}"],
    )


def ulp_error(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    """|got − want| in units of the last place of want (want normal, so spacing is its ULP)."""
    g = got.astype(np.float64)
    w = want.astype(np.float64)
    with np.errstate(over="ignore"):  # the spacing above float32's max is inf: 0 ulp there
        ulp = np.spacing(np.abs(want)).astype(np.float64)
    return np.abs(g - w) / ulp


def _evaluate(key: str, order: int, x: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning, for any input
        return actcli.get(key).derivative(x, order)


def _worst(x, got, want, err, n=5) -> str:
    idx = np.argsort(err)[::-1][:n]
    return "; ".join(f"x={x[i]!r}: got {got[i]!r}, want {want[i]!r} ({err[i]:.1f} ulp)" for i in idx)


def _away_from_zeros(key: str, x: np.ndarray) -> np.ndarray:
    keep = np.ones(x.shape, bool)
    for z in REF[f"{key}/grad2_zeros"]:
        keep &= np.abs(x.astype(np.float64) - z) > GRAD2_ZERO_GAP * max(1.0, abs(z))
    return keep


@pytest.mark.parametrize("order", [0, 1, 2])
@pytest.mark.parametrize("key", KEYS)
def test_float64_within_bound(key: str, order: int) -> None:
    x, want, normal, zero = _ref(key, order, 64)
    got = _evaluate(key, order, x)
    assert got.dtype == np.float64
    keep = normal & (_away_from_zeros(key, x) if order == 2 else True)
    err = ulp_error(got[keep], want[keep])
    bound = BOUND64[order]
    assert err.max(initial=0) <= bound, _worst(x[keep], got[keep], want[keep], err)
    # Exact zeros (relu(-1), kinks' conventions) are exact.
    assert np.all(got[zero] == 0), x[zero][got[zero] != 0][:5]


@pytest.mark.parametrize("order", [0, 1, 2])
@pytest.mark.parametrize("key", KEYS)
def test_float32_within_one_ulp(key: str, order: int) -> None:
    x, want, normal, zero = _ref(key, order, 32)
    got = _evaluate(key, order, x)
    assert got.dtype == np.float32
    keep = normal & (_away_from_zeros(key, x) if order == 2 else True)
    err = ulp_error(got[keep], want[keep])
    assert err.max(initial=0) <= 1.0, _worst(x[keep], got[keep], want[keep], err)
    assert np.all(got[zero] == 0)


@pytest.mark.parametrize("bits", [64, 32])
@pytest.mark.parametrize("order", [0, 1, 2])
@pytest.mark.parametrize("key", KEYS)
def test_no_tail_failures(key: str, order: int, bits: int) -> None:
    """Never 0, inf or nan where the true result is a finite non-zero number; underflow stays tiny."""
    x, want, normal, zero = _ref(key, order, bits)
    got = _evaluate(key, order, x)
    finite = np.isfinite(want)
    assert np.all(np.isfinite(got[finite])), x[finite & ~np.isfinite(got)][:5]
    assert np.all(got[normal] != 0), x[normal & (got == 0)][:5]
    assert np.all(np.isinf(got[np.isinf(want)]))
    tiny = np.finfo(np.float32 if bits == 32 else np.float64).tiny
    underflow = finite & ~normal & ~zero
    assert np.all(np.abs(got[underflow]) <= 2 * tiny), x[underflow][:5]


@pytest.mark.parametrize("key", KEYS)
def test_limits_at_infinity(key: str) -> None:
    limits = REF[f"{key}/limits"]  # rows +inf, -inf; columns value, grad, grad2
    act = actcli.get(key)
    for row, x in enumerate((np.inf, -np.inf)):
        for order in range(3):
            got = _evaluate(key, order, np.array([x]))[0]
            want = limits[row, order]
            if np.isnan(want):
                assert np.isnan(got), (act.label, x, order, got)
            else:
                assert got == want, (act.label, x, order, got, want)


@pytest.mark.parametrize("key", KEYS)
def test_nan_in_nan_out(key: str) -> None:
    for order in range(3):
        for dtype in (np.float64, np.float32):
            got = _evaluate(key, order, np.array([np.nan, 1.0, np.nan], dtype=dtype))
            assert np.isnan(got[0]) and np.isnan(got[2]) and not np.isnan(got[1])


@pytest.mark.parametrize("key", KEYS)
def test_no_warnings_at_extremes(key: str) -> None:
    for dtype in (np.float64, np.float32):
        fi = np.finfo(dtype)
        tiny = fi.smallest_subnormal
        x = np.array([-fi.max, -fi.max / 2, -1e4, -tiny, -0.0, 0.0, tiny, 1e4, fi.max / 2, fi.max], dtype)
        for order in range(3):
            _evaluate(key, order, x)


# --- sin² by range reduction (snake) ---------------------------------------------------------
# The reference covers |x| <= 10 and a few huge x; the reduction's error grows with the
# multiple m of π it removes, so check far out as well the doubles nearest the zeros of f'
# (ax = −π/4 + kπ) and the points where sin² is 1 (ax = π/2 + kπ), where x + sin²/a cancels most.


@pytest.mark.parametrize("a", [1.0, 0.5, 3.0])
def test_snake_far_from_zero_and_next_to_the_zeros_of_its_derivative(a: float) -> None:
    import mpmath as mp

    mp.mp.dps = 80
    ks = np.unique(np.geomspace(1, 1.8e6, 60).astype(int))  # |ax| up to REDUCE_MAX
    zeros = [(-mp.pi / 4 + k * mp.pi) / a for k in ks] + [(mp.pi / 2 + k * mp.pi) / a for k in ks]
    x = np.array([float(z) for z in zeros])
    x = np.concatenate([x, np.nextafter(x, np.inf), np.nextafter(x, -np.inf), -x])
    act = actcli.get("snake", a=a)
    f = [mp.mpf(v) + mp.sin(a * mp.mpf(v)) ** 2 / a for v in x]
    g = [1 + mp.sin(2 * a * mp.mpf(v)) for v in x]
    for order, ref, bound in ((0, f, BOUND64[0]), (1, g, BOUND64[1])):
        got = act.derivative(x, order)
        want = np.array([float(v) for v in ref])
        err = ulp_error(got, want)
        assert err.max() <= bound, _worst(x, got, want, err)


@pytest.mark.parametrize("beta", [1.0, 1.5, 1.7, 1.702])
def test_silu_derivative_next_to_its_zero_for_any_beta(beta: float) -> None:
    """Both sides of the Taylor window's edge at |βx − c| = 0.15, densely: within 5 ULP (a
    window of 0.1 gave 7 for β != 1, whose βx carries one more rounding)."""
    import mpmath as mp

    mp.mp.dps = 40
    c = -1.2784645427610737
    x = np.linspace((c - 0.3) / beta, (c + 0.3) / beta, 2401)
    got = actcli.get("silu", beta=beta).grad(x)
    want = []
    for v in x:
        z = mp.mpf(beta) * mp.mpf(v)
        s = 1 / (1 + mp.exp(-z))
        want.append(float(s * (1 + z * (1 - s))))
    want = np.array(want)
    err = ulp_error(got, want)
    assert err.max() <= 5.0, _worst(x, got, want, err)
