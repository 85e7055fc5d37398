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
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import actcli
from actcli.core.analysis import probe, vanishing_claim, verify

NAMES = actcli.names()
# Non-default parameters, edge values first: where a declaration changes with a parameter
# (leaky_relu α = 1 is the identity, α = 0 is relu) or a tail underflows (softplus β = 100).
VARIANTS = NAMES + [
    "leaky_relu:alpha=0.2", "leaky_relu:alpha=0", "leaky_relu:alpha=1", "leaky_relu:alpha=0.0001",
    "leaky_relu:alpha=2", "elu:alpha=0.5", "elu:alpha=0.0001", "elu:alpha=2", "celu:alpha=2",
    "celu:alpha=0.001", "silu:beta=1.5", "silu:beta=100", "softplus:beta=2", "softplus:beta=100",
    "softplus:beta=0.01", "hardtanh:min=-2,max=3", "hardtanh:min=-2,max=2", "hardtanh:min=0.5,max=2",
    "softshrink:lambd=1", "softshrink:lambd=0", "hardshrink:lambd=0", "hardshrink:lambd=2",
    "squareplus:b=1", "squareplus:b=0.01", "snake:a=0.5", "snake:a=3",
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


# Where a parameter shrinks the length over which f bends, the step shrinks with it: celu's
# exp(x/alpha) changes by e^1 over alpha = 0.001, so a step of 1e-3 is no derivative at all.
LENGTH = {"celu:alpha=0.001": 1e-3}


@pytest.mark.parametrize("spec", VARIANTS)
@settings(max_examples=60, deadline=None)
@given(x=xs)
@example(x=-0.015625)  # celu:alpha=0.001 failed here with the step of 1e-3
def test_grad_matches_finite_difference(spec: str, x: float) -> None:
    act = actcli.get(spec)
    h = 1e-3 * max(1.0, abs(x)) * LENGTH.get(spec, 1.0)
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
    "softshrink:lambd=1", "leaky_relu:alpha=1", "hardtanh:min=-2,max=2", "softshrink:lambd=0",
    "hardshrink:lambd=0", "hardshrink:lambd=2",
]
NOT_MONOTONIC = [
    "gelu", "gelu_tanh", "silu", "quick_gelu", "mish", "hardswish", "silu:beta=1.5", "silu:beta=100",
]
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


# Declarations that change with a parameter, cell by cell: (smoothness, kinks, dying units).
BY_PARAMETER = {
    "leaky_relu": ("C^0", (0.0,), "no"),
    "leaky_relu:alpha=1": ("C^inf", (), "no"),  # the identity
    "leaky_relu:alpha=0": ("C^0", (0.0,), "yes"),  # relu
    "elu": ("C^1", (0.0,), "no"),  # f' is 1 on both sides of 0 at α = 1
    "elu:alpha=0.5": ("C^0", (0.0,), "no"),
    "softshrink:lambd=0": ("C^inf", (0.0,), "no"),  # the identity, with f'(0) = 0 by convention
    "hardshrink": ("discontinuous", (-0.5, 0.5), "no"),
    "hardshrink:lambd=0": ("C^inf", (0.0,), "no"),
}


@pytest.mark.parametrize("spec", BY_PARAMETER)
def test_declarations_follow_their_parameters(spec: str) -> None:
    act = actcli.get(spec)
    assert (act.prop("smoothness"), act.kinks, act.prop("dying_units")) == BY_PARAMETER[spec]


def test_a_tail_that_underflows_is_not_a_flat_side() -> None:
    """softplus:beta=100's f' = σ(100x) is exactly 0 in float64 for x < -7.5: a tail that
    underflowed, not a dying unit; relu's f' = 0 on x <= 0 is one."""
    p = probe(actcli.get("softplus:beta=100"))
    assert p.dead == (False, False) and p.flat_from == (None, None)
    r = probe(actcli.get("relu"))
    assert r.dead == (True, False) and r.flat_from == (0.0, None)
    h = probe(actcli.get("hardtanh:min=-2,max=3"))
    assert h.dead == (True, True) and h.flat_from == (-2.0, 3.0)


def test_a_small_constant_slope_does_not_vanish() -> None:
    assert vanishing_claim(probe(actcli.get("leaky_relu:alpha=0.0001"))) == "no"
    assert vanishing_claim(probe(actcli.get("softplus:beta=0.01"))) == "negative side"


@pytest.mark.parametrize(
    "spec, check, measured",
    [
        ("relu", "vanishing_gradient", "no: f' = 0 exactly for x ≤ 0; f' does not tend to 0 as x → inf"),
        ("relu", "dying_units", "yes: f' = 0 exactly for x ≤ 0"),
        ("relu", "output_range", "[0, inf)"),
        ("sigmoid", "output_range", "[0, 1]"),
        ("sigmoid", "dying_units", "no: f' = 0 exactly on no half-line"),
        ("tanh", "zero_centered", "yes: f(0) = 0, odd"),
        ("leaky_relu:alpha=0.0001", "output_range", "(-inf, inf)"),
        ("squared_relu", "output_range", "[0, inf)"),  # overflows to inf at 1e300
        (
            "softplus:beta=100", "vanishing_gradient",
            "negative side: f' → 0 as x → -inf (|f'| < 0.001 for x < -0.0695); "
            "f' does not tend to 0 as x → inf",
        ),
    ],
)
def test_measured_strings_say_what_was_measured(spec: str, check: str, measured: str) -> None:
    got = {c.prop: c.measured for c in verify(actcli.get(spec))}
    assert got[check] == measured
