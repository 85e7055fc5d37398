"""Laws every catalog function obeys, checked with hypothesis and dense grids.

- f' agrees with a Richardson-extrapolated central difference of f (and f'' with one of f'),
  away from kinks;
- the declared properties (range, zero-centring, monotonicity, vanishing gradient, dying units)
  agree with what `actcli.core.analysis` measures: this is what makes `table` honest;
- zero-centred functions are odd, bit for bit; monotonic ones never decrease.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import actcli
from actcli.core.analysis import probe, verify

NAMES = actcli.names()
VARIANTS = NAMES + [
    "leaky_relu:alpha=0.2", "leaky_relu:alpha=0", "elu:alpha=0.5", "celu:alpha=2", "silu:beta=1.5",
    "softplus:beta=2", "hardtanh:min=-2,max=3", "softshrink:lambd=1", "squareplus:b=1", "snake:a=0.5",
]
xs = st.floats(-30, 30, allow_nan=False, allow_infinity=False)


def richardson(f, x: float, h: float) -> float:
    """Central difference extrapolated twice: error O(h^6) plus rounding ~ eps·|f|/h."""
    def d(h):
        return (f(x + h) - f(x - h)) / (2 * h)

    d1, d2, d3 = d(h), d(h / 2), d(h / 4)
    e1, e2 = (4 * d2 - d1) / 3, (4 * d3 - d2) / 3
    return (16 * e2 - e1) / 15


def _near_kink(act, x: float, h: float) -> bool:
    return any(abs(x - k) <= 2 * h for k in act.kinks)


@pytest.mark.parametrize("spec", VARIANTS)
@settings(max_examples=60, deadline=None)
@given(x=xs)
def test_grad_matches_finite_difference(spec: str, x: float) -> None:
    act = actcli.get(spec)
    h = 1e-3 * max(1.0, abs(x))
    assume(not _near_kink(act, x, 4 * h))
    for lower, upper in ((act.value, act.grad), (act.grad, act.grad2)):
        fd = richardson(lambda t, lower=lower: float(lower(t)), x, h)
        scale = max(abs(float(lower(x))), abs(float(upper(x))), 1e-3)
        assert abs(float(upper(x)) - fd) <= 1e-7 * scale, (spec, x, float(upper(x)), fd)


@pytest.mark.parametrize("spec", VARIANTS)
def test_declared_properties_hold_numerically(spec: str) -> None:
    bad = [c for c in verify(actcli.get(spec)) if not c.agrees]
    assert not bad, bad


# Written here, not read from the declarations: a declaration wrongly set to False must fail a
# case, not remove it. Zero-centred means odd in this catalog.
ODD = [
    "tanh", "linear", "softsign", "hardtanh", "softshrink", "hardshrink", "tanhshrink",
    "softshrink:lambd=1",
]
NOT_MONOTONIC = ["gelu", "gelu_tanh", "silu", "quick_gelu", "mish", "hardswish", "silu:beta=1.5"]
MONOTONIC = [s for s in VARIANTS if s not in NOT_MONOTONIC]


@pytest.mark.parametrize("spec", VARIANTS)
def test_zero_centring_and_monotonicity_are_declared_as_listed_here(spec: str) -> None:
    act = actcli.get(spec)
    assert act.prop("zero_centered") == (spec in ODD)
    assert act.prop("monotonic") == (spec in MONOTONIC)


@pytest.mark.parametrize("spec", NOT_MONOTONIC)
def test_non_monotonic_functions_dip_below_zero_for_negative_x(spec: str) -> None:
    x = np.linspace(-6, 0, 6001)
    assert np.min(actcli.get(spec).grad(x)) < -0.01


@pytest.mark.parametrize("spec", ODD)
@settings(max_examples=100, deadline=None)
@given(x=st.floats(-1e6, 1e6, allow_nan=False))
def test_zero_centred_functions_are_odd(spec: str, x: float) -> None:
    act = actcli.get(spec)
    assert act.value(-x) == -act.value(x)
    assert act.value(0.0) == 0.0


@pytest.mark.parametrize("spec", MONOTONIC)
@settings(max_examples=100, deadline=None)
@given(a=st.floats(-1e3, 1e3, allow_nan=False), b=st.floats(-1e3, 1e3, allow_nan=False))
def test_monotonic_functions_never_decrease(spec: str, a: float, b: float) -> None:
    act = actcli.get(spec)
    lo, hi = min(a, b), max(a, b)
    assert act.value(lo) <= act.value(hi)
    assert act.grad(lo) >= 0


@pytest.mark.parametrize("spec", VARIANTS)
@settings(max_examples=100, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False))
def test_values_stay_in_the_declared_range(spec: str, x: float) -> None:
    act = actcli.get(spec)
    assert act.output_range.contains(np.array([act.value(x)]), rtol=1e-15)[0] or abs(x) > 1e300


# The classic table (shared/seed-explainer.md), cell by cell, except leaky ReLU's loose "[~0, inf)".
SEED = {
    "sigmoid": ("(0, 1)", False, "yes", "no"),
    "tanh": ("(-1, 1)", True, "yes (less)", "no"),
    "relu": ("[0, inf)", False, "no", "yes"),
    "leaky_relu": ("(-inf, inf)", False, "no", "no"),
    "linear": ("(-inf, inf)", True, "no", "no"),
}


@pytest.mark.parametrize("name", SEED)
def test_seed_five_say_what_the_classic_table_says(name: str) -> None:
    act = actcli.get(name)
    got = (str(act.output_range), act.prop("zero_centered"), act.prop("vanishing_gradient"), act.prop("dying_units"))
    assert got == SEED[name]


def test_max_slopes_are_computed() -> None:
    s, t = probe(actcli.get("sigmoid")), probe(actcli.get("tanh"))
    assert s.max_slope == 0.25 and abs(s.max_slope_at) < 1e-6
    assert t.max_slope == 1.0 and abs(t.max_slope_at) < 1e-6


def test_saturation_where_the_seed_says() -> None:
    """sigmoid's |f'| < 1e-3 beyond |x| ≈ 6.9; relu never saturates for x > 0."""
    s = probe(actcli.get("sigmoid"))
    assert 6.8 < -s.saturation[0] < 7.0 and 6.8 < s.saturation[1] < 7.0
    r = probe(actcli.get("relu"))
    assert r.saturation[1] is None and r.dead == (True, False)
