"""The registry and library API: names, specs, parameters, dtypes, kink conventions."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest

import actcli
from actcli.core.registry import parse_spec

CATALOG = (
    "sigmoid tanh relu leaky_relu linear elu selu celu gelu gelu_tanh silu softplus mish softsign "
    "logsigmoid hardsigmoid hardswish hardtanh relu6 tanhshrink softshrink hardshrink squareplus "
    "quick_gelu snake squared_relu"
).split()


def test_catalog_has_every_function_the_issue_lists() -> None:
    assert set(CATALOG) <= set(actcli.names())
    assert actcli.names()[:5] == ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]


@pytest.mark.parametrize(
    "spec, name",
    [("logistic", "sigmoid"), ("LReLU", "leaky_relu"), ("identity", "linear"), ("swish", "silu"),
     ("Leaky-ReLU", "leaky_relu"), ("GELU", "gelu"), ("quick-gelu", "quick_gelu")],
)
def test_aliases_case_and_dashes(spec: str, name: str) -> None:
    assert actcli.get(spec).name == name


def test_every_declaration_is_complete() -> None:
    for d in actcli.declarations():
        act = actcli.get(d.name)  # a property may be a function of the parameters: at defaults
        for field in ("formula", "derivative", "kink_convention", "use", "limitations", "source"):
            assert act.prop(field).strip(), (d.name, field)
        assert act.prop("smoothness") in {"C^0", "C^1", "C^inf", "discontinuous"}


def test_parameters_from_spec_and_keywords() -> None:
    a = actcli.get("leaky_relu:alpha=0.2")
    assert a.params == {"alpha": 0.2} and a.label == "leaky_relu:alpha=0.2"
    assert actcli.get("leaky_relu", alpha=0.2).value(-1.0) == -0.2
    assert actcli.get("hardtanh:min=-2,max=2").value(np.array([-5.0, 5.0])).tolist() == [-2.0, 2.0]
    assert actcli.get("leaky_relu").label == "leaky_relu"
    assert parse_spec("hardtanh:min=-2, max=2") == ("hardtanh", {"min": -2.0, "max": 2.0})


@pytest.mark.parametrize(
    "spec, message",
    [
        ("sigmod", "unknown function 'sigmod'; did you mean 'sigmoid'?"),
        ("leaky_relu:alhpa=0.2", "leaky_relu: unknown parameter 'alhpa'; did you mean 'alpha'?"),
        ("relu:alpha=1", "relu: unknown parameter 'alpha' (parameters: none)"),
        ("softplus:beta=0", "softplus: parameter beta=0 is not allowed (finite and > 0)"),
        ("softplus:beta=-1", "softplus: parameter beta=-1 is not allowed (finite and > 0)"),
        ("elu:alpha=nan", "elu: parameter alpha=nan is not allowed (finite and > 0)"),
        ("hardtanh:min=2,max=1", "hardtanh: min (2) must be below max (1)"),
        ("leaky_relu:alpha=x", "'leaky_relu:alpha=x': parameter alpha: 'x' is not a number"),
        ("leaky_relu:alpha", "'leaky_relu:alpha': parameter 'alpha' needs a value, as in name=value"),
        ("leaky_relu:alpha=inf", "leaky_relu: parameter alpha=inf is not allowed (finite and >= 0)"),
        ("leaky_relu:alpha=-1", "leaky_relu: parameter alpha=-1 is not allowed (finite and >= 0)"),
        ("hardtanh:min=-inf", "hardtanh: parameter min=-inf is not allowed (a finite number)"),
        ("hardtanh:zzz=1", "hardtanh: unknown parameter 'zzz' (parameters: min, max)"),
        ("leaky_relu:alpha=1,alpha=2",
         "'leaky_relu:alpha=1,alpha=2': parameter 'alpha' is given twice; give it once"),
        ("leaky_relu:alpha==1", "'leaky_relu:alpha==1': parameter alpha: '=1' is not a number"),
    ],
)
def test_bad_specs_raise_clear_errors(spec: str, message: str) -> None:
    with pytest.raises(actcli.ActivationError) as e:
        actcli.get(spec)
    assert str(e.value) == message


def test_unknown_function_is_a_key_error_too() -> None:
    with pytest.raises(KeyError):
        actcli.get("nope")
    with pytest.raises(ValueError):
        actcli.get("nope")


@pytest.mark.parametrize("name", CATALOG)
def test_dtype_in_is_dtype_out(name: str) -> None:
    act = actcli.get(name)
    for order in range(3):
        assert act.derivative(np.ones(3, np.float32), order).dtype == np.float32
        assert act.derivative(np.ones(3), order).dtype == np.float64
        assert act.derivative([1, 2, 3], order).dtype == np.float64
        assert act.derivative(np.arange(3), order).dtype == np.float64
        assert act.derivative(np.ones((2, 3), np.float32), order).shape == (2, 3)
        assert np.ndim(act.derivative(1.5, order)) == 0


def test_chunked_evaluation_matches_elementwise() -> None:
    from actcli.core import kernels

    x = np.linspace(-20, 20, 3 * kernels.CHUNK + 17)
    act = actcli.get("gelu")
    whole = act.grad(x)
    parts = np.concatenate([act.grad(x[i : i + 1000]) for i in range(0, x.size, 1000)])
    assert np.array_equal(whole, parts)


def _native_kernels() -> list[tuple[str, int]]:
    return [
        (d.name, order)
        for d in actcli.declarations()
        for order, kernel in enumerate((d.value, d.grad, d.grad2))
        if getattr(kernel, "native", False)
    ]


@pytest.mark.parametrize("name, order", _native_kernels())
@pytest.mark.parametrize("shifted", [False, True], ids=["defaults", "params-not-float32"])
def test_native_float32_kernels_give_the_bits_of_float64_rounded(name, order, shifted) -> None:
    """A kernel marked native runs float32 in float32: it must give exactly what the float64
    path rounded to float32 gives, kinks and their float32 neighbours included."""
    from actcli.core import kernels

    decl = actcli.get(name).decl
    # 1.1·p + 0.1 is not a float32 number (−1 becomes −1.0000000000000002): float64 path.
    params = {k: (p.default * 1.1 + 0.1 if shifted else p.default) for k, p in decl.params.items()}
    act = actcli.get(name, **params)
    edges = [v for v in params.values()] + [-v for v in params.values()] + [0.0, 6.0, -3.0, 3.0]
    e32 = np.array(edges, np.float32)
    f = np.finfo(np.float32)
    x = np.concatenate([
        e32, np.nextafter(e32, np.float32(np.inf)), np.nextafter(e32, np.float32(-np.inf)),
        np.array([-0.0, f.tiny, -f.tiny, 1e-45, f.max, -f.max, np.inf, -np.inf, np.nan], np.float32),
        np.linspace(-8, 8, 3 * kernels.CHUNK + 5, dtype=np.float32),
    ])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        got = act.derivative(x, order)
    want = act.derivative(x.astype(np.float64), order).astype(np.float32)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(np.signbit(got), np.signbit(want))


@pytest.mark.parametrize("spec", ["leaky_relu:alpha=2", "leaky_relu:alpha=1.1", "hardtanh:min=-2,max=0.5", "softshrink:lambd=0"])
def test_native_kernels_with_float32_parameters(spec: str) -> None:
    act = actcli.get(spec)
    f = np.finfo(np.float32)
    x = np.array([-f.max, -2.0, -0.5, -0.0, 0.0, 1e-45, 0.5, 2.0, f.max, np.nan], np.float32)
    x = np.concatenate([x, np.linspace(-3, 3, 1001, dtype=np.float32)])
    for order in (0, 1, 2):
        with np.errstate(over="raise", invalid="raise"):
            got = act.derivative(x, order)
        want = act.derivative(x.astype(np.float64), order)
        with np.errstate(over="ignore"):  # −2·f32max rounds to −inf, as it should
            want = want.astype(np.float32)
        np.testing.assert_array_equal(got, want)


def test_relu_family_kernels_are_native() -> None:
    native = set(_native_kernels())
    for name in ("relu", "leaky_relu", "linear", "hardtanh", "relu6"):
        assert {(name, 0), (name, 1), (name, 2)} <= native


# The derivative at each kink follows PyTorch autograd (issue 2).
KINKS = [
    ("relu", 0.0, 0.0), ("leaky_relu", 0.0, 0.01), ("leaky_relu:alpha=0.2", 0.0, 0.2),
    ("elu", 0.0, 1.0), ("celu", 0.0, 1.0), ("celu:alpha=2", 0.0, 1.0),
    ("selu", 0.0, 1.0507009873554804934193349852946 * 1.6732632423543772848170429916717),
    ("hardtanh", -1.0, 0.0), ("hardtanh", 1.0, 0.0), ("hardtanh:min=-2,max=3", 3.0, 0.0),
    ("relu6", 0.0, 0.0), ("relu6", 6.0, 0.0), ("hardsigmoid", -3.0, 0.0), ("hardsigmoid", 3.0, 0.0),
    ("hardswish", -3.0, 0.0), ("hardswish", 3.0, 1.0),
    ("softshrink", 0.5, 0.0), ("softshrink", -0.5, 0.0), ("hardshrink", 0.5, 0.0), ("hardshrink", -0.5, 0.0),
]


@pytest.mark.parametrize("spec, x, slope", KINKS)
def test_kink_conventions(spec: str, x: float, slope: float) -> None:
    assert actcli.get(spec).grad(x) == slope


def test_kinks_are_declared_where_conventions_apply() -> None:
    for spec, x, _ in KINKS:
        assert x in actcli.get(spec).kinks, spec


def test_library_import_costs_no_cli() -> None:
    import subprocess
    import sys

    code = "import actcli, sys; actcli.get('gelu').grad(1.0); print(sorted(m for m in ('typer', 'rich', 'plotext', 'click') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_get_parses_expressions_but_prefers_catalog_names() -> None:
    from actcli.core.expr import Expression

    assert isinstance(actcli.get("x*sigmoid(x)"), Expression)
    assert actcli.get("x*sigmoid(x)").value(1.0) == actcli.get("silu").value(1.0)
    assert isinstance(actcli.get("relu"), actcli.Activation)
    with pytest.raises(actcli.UnknownFunctionError, match="did you mean 'sigmoid'"):
        actcli.get("sigmod")
    with pytest.raises(actcli.ParameterError, match="takes no parameters"):
        actcli.get("x*x", alpha=1.0)


def test_parameter_names_are_case_insensitive_too() -> None:
    assert actcli.get("Leaky-ReLU:ALPHA=0.2").params == {"alpha": 0.2}


def test_unknown_name_with_a_colon_but_no_parameters_is_read_as_an_expression() -> None:
    with pytest.raises(actcli.ActivationError, match="lambda is not allowed"):
        actcli.get("lambda: 1")


def test_every_function_declares_its_paired_init_and_max_slope() -> None:
    from actcli.core.flow import INITS

    for d in actcli.declarations():
        assert d.init in INITS, d.name
    assert actcli.declaration("relu").init == "he" and actcli.declaration("selu").init == "lecun"
    assert actcli.declaration("sigmoid").max_slope == 0.25
    assert actcli.declaration("squared_relu").max_slope is None


@pytest.mark.parametrize("name", CATALOG)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_out_may_be_the_input_itself(name: str, dtype: type) -> None:
    from actcli.core import kernels

    act = actcli.get(name)
    x = np.linspace(-8, 8, kernels.CHUNK + 101, dtype=dtype)
    for order in (0, 1, 2):
        y = x.copy()
        act.derivative(y, order, out=y)
        np.testing.assert_array_equal(y, act.derivative(x, order))


# Parameters at the edges of their domains, inputs at the edges of the dtype: no warnings.
EXTREME_SPECS = [
    "leaky_relu:alpha=0", "leaky_relu:alpha=1e300", "leaky_relu:alpha=1e-300",
    "hardtanh:min=-1e40,max=1e40", "hardtanh:min=-1e-300,max=1e-300", "softshrink:lambd=1e40",
    "snake:a=3", "snake:a=1e-300", "snake:a=1e300", "silu:beta=1e-300", "silu:beta=1e300",
    "softplus:beta=1e-300", "softplus:beta=1e300", "elu:alpha=1e300", "celu:alpha=1e-300",
    "squareplus:b=1e300",
]


@pytest.mark.parametrize("spec", EXTREME_SPECS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_extreme_parameters_raise_no_warnings(spec: str, dtype: type) -> None:
    f = np.finfo(dtype)
    x = np.array([-np.inf, -f.max, -1e30, -3.0, -f.tiny, -0.0, 0.0, f.tiny, 3.0, 1e30, f.max, np.inf], dtype)
    act = actcli.get(spec)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for order in (0, 1, 2):
            y = act.derivative(x, order)
            assert y.dtype == dtype
            assert not np.isnan(y[[0, -1]]).any() or spec.startswith("snake"), (order, y)


def test_leaky_relu_with_zero_slope_is_relu_at_infinity() -> None:
    act = actcli.get("leaky_relu", alpha=0.0)
    assert list(act.value([-np.inf, np.inf])) == [0.0, np.inf]


def test_a_forked_child_evaluates_after_the_parent_used_threads() -> None:
    """A data loader's worker (fork) computes after its parent filled the thread pool: the pool
    is not inherited, or the child waits forever for threads it does not have."""
    import os
    import subprocess
    import sys

    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    script = (
        "import os, numpy as np, actcli\n"
        "x = np.linspace(-5, 5, 4_000_000)\n"
        "want = actcli.get('silu').value(x, threads=2)\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    got = actcli.get('silu').value(x, threads=2)\n"
        "    os._exit(0 if np.array_equal(got, want) else 3)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "raise SystemExit(os.waitstatus_to_exitcode(status))\n"
    )
    try:
        r = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("the forked child hung on the parent's thread pool")
    assert r.returncode == 0, r.stderr.decode()


# --- found by mutation testing of registry.py (tests/MUTANTS.md) ------------------------------


def test_an_unknown_name_without_a_close_match_points_to_the_list() -> None:
    from actcli.core.registry import UnknownFunctionError, declaration

    with pytest.raises(UnknownFunctionError) as e:
        declaration("zzzqqq")
    assert str(e.value) == "unknown function 'zzzqqq'; run 'actcli list' to see the names"


@pytest.mark.parametrize(
    "spec, declared",
    [
        ("relu", True),
        ("Leaky-ReLU", True),
        ("leaky_relu:alpha=0.2", True),
        ("relu:a=1:b", True),
        ("x + 1", False),
        ("reluu", False),
        ("", False),
    ],
)
def test_is_declared_reads_the_name_before_the_first_colon(spec: str, declared: bool) -> None:
    from actcli.core.registry import is_declared

    assert is_declared(spec) is declared


@pytest.mark.parametrize(
    "lo, hi, lo_closed, hi_closed, text",
    [
        (0.0, 1.0, False, False, "(0, 1)"),
        (0.0, np.inf, True, False, "[0, inf)"),
        (-np.inf, 1.5, False, True, "(-inf, 1.5]"),
        (-1 / 3, 2.0, True, True, "[-0.333333, 2]"),
        (-np.inf, np.inf, False, False, "(-inf, inf)"),
    ],
)
def test_interval_text(lo: float, hi: float, lo_closed: bool, hi_closed: bool, text: str) -> None:
    from actcli.core.registry import Interval

    assert str(Interval(lo, hi, lo_closed, hi_closed)) == text


def test_interval_membership_with_and_without_slack() -> None:
    from actcli.core.registry import Interval

    y = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, np.nan])
    assert Interval(0, 1).contains(y).tolist() == [False, False, True, False, False, False]
    assert Interval(0, 1, True).contains(y).tolist() == [False, True, True, False, False, False]
    assert Interval(0, 1, False, True).contains(y).tolist() == [
        False,
        False,
        True,
        True,
        False,
        False,
    ]
    # rtol widens each bound by rtol·|bound| and closes it: [1.998, 4.004] and [-4.004, -1.998]
    y = np.array([1.997, 1.999, 2.0, 4.003, 4.005])
    assert Interval(2, 4).contains(y, rtol=1e-3).tolist() == [False, True, True, True, False]
    y = np.array([-4.005, -4.003, -1.999, -1.997])
    assert Interval(-4, -2).contains(y, rtol=1e-3).tolist() == [False, True, True, False]
    assert Interval(0, 1).contains(np.array([0.0, -1e-300]), rtol=1e-3).tolist() == [True, False]


def test_threads_and_out_reach_the_kernel_runner(monkeypatch: pytest.MonkeyPatch) -> None:
    """threads=1 starts no pool, even where the default would (4 cores); out= is written."""
    from actcli.core import kernels

    def no_pool(n: int) -> None:
        raise AssertionError(f"threads=1 started a pool of {n}")

    monkeypatch.setattr(kernels, "default_threads", lambda: 4)
    monkeypatch.setattr(kernels, "_pool", no_pool)
    act = actcli.get("leaky_relu:alpha=0.5")
    x = np.linspace(-3.0, 3.0, kernels.MIN_PARALLEL)  # an even count: no point at the kink
    want = [
        [v if v > 0 else 0.5 * v for v in x.tolist()],
        [1.0 if v > 0 else 0.5 for v in x.tolist()],
        [0.0] * x.size,
    ]
    for order, method in enumerate((act.value, act.grad, act.grad2)):
        for by_order in (False, True):
            out = np.full_like(x, np.nan)
            if by_order:
                y = act.derivative(x, order, threads=1, out=out)
            else:
                y = method(x, threads=1, out=out)
            assert np.shares_memory(y, out) and out.tolist() == want[order], (order, by_order)


def test_derivative_defaults_to_the_first_and_refuses_other_orders() -> None:
    act = actcli.get("leaky_relu:alpha=0.5")
    assert act.derivative(np.array([-2.0, 3.0])).tolist() == [0.5, 1.0]
    with pytest.raises(actcli.ActivationError) as e:
        act.derivative(1.0, 3)
    assert str(e.value) == "order must be 0, 1 or 2, not 3"


def test_subgradient_reads_float32_input_as_float64() -> None:
    """elu'(x) = e^x for x < 0, taken at the float32 inputs' exact values: not rounded to float32."""
    import math

    from actcli.core.registry import subgradient

    x = np.array([-0.1, -1.7, 0.0, 2.0], dtype=np.float32)
    lo, hi = subgradient(actcli.get("elu"), x)
    want = [math.exp(float(x[0])), math.exp(float(x[1])), 1.0, 1.0]
    assert lo.dtype == hi.dtype == np.float64
    np.testing.assert_allclose(lo, want, rtol=4e-16)
    np.testing.assert_allclose(hi, want, rtol=4e-16)


def test_a_declaration_registers_its_names_and_kernels(monkeypatch: pytest.MonkeyPatch) -> None:
    """The catalog's decorator runs at import, where mutation testing cannot see it: run it here."""
    import dataclasses

    from actcli.core import registry

    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    monkeypatch.setattr(registry, "_LOOKUP", dict(registry._LOOKUP))
    fields = {
        f.name: getattr(registry.declaration("relu"), f.name)
        for f in dataclasses.fields(registry.Declaration)
    }
    for k in ("value", "grad", "grad2"):
        del fields[k]
    fields.update(name="probe_fn", aliases=("Probe-Alias",))

    class Probe:
        def value(x, out):
            return np.multiply(x, 3.0, out=out)

        def grad(x, out):
            return np.multiply(x, 0.0, out=out) + 3.0

        def grad2(x, out):
            return np.multiply(x, 0.0, out=out)

    assert registry.activation(**fields)(Probe) is Probe
    d = registry.declaration("probe_alias")
    assert d.name == "probe_fn" and d.aliases == ("Probe-Alias",)
    assert (d.value, d.grad, d.grad2) == (
        Probe.__dict__["value"],
        Probe.__dict__["grad"],
        Probe.__dict__["grad2"],
    )
    assert registry.names()[-1] == "probe_fn" and registry.declaration("PROBE-FN") is d
    fields["name"] = "another_probe"
    with pytest.raises(RuntimeError) as e:
        registry.activation(**fields)(Probe)
    assert str(e.value) == "duplicate activation name 'Probe-Alias'"


# --- found by mutation testing of kernels.py (tests/MUTANTS.md) -------------------------------


def test_native_kernels_get_float32_only_when_that_is_exact() -> None:
    """The marks are set by decorators at import, where mutation testing cannot see them: they
    are made here, on stand-in kernels that record the dtype they are handed."""
    from actcli.core.kernels import apply, native

    seen: list[str] = []

    def stand_in() -> Callable[..., np.ndarray]:
        def scale(x: np.ndarray, out: np.ndarray, a: float) -> np.ndarray:
            seen.append(x.dtype.name)
            return np.multiply(x, a, out=out)

        return scale

    by_params = stand_in()
    kernels = (stand_in(), native(by_params), native(any_params=True)(stand_in()))
    assert kernels[1] is by_params
    x = np.array([1.0, 3.0], np.float32)
    for kernel in kernels:
        for a in (0.5, 0.1, 1e-300):  # a float32 number; one that is not; below float32's range
            apply(kernel, x, {"a": a})
    assert seen == ["float64"] * 3 + ["float32", "float64", "float64"] + ["float32"] * 3


def test_ties_up_rounds_float32_subnormal_midpoints_up() -> None:
    """x/2 at x = k·2^-149 is a float32 midpoint for odd k; a kernel marked ties_up (its truth is
    just above x/2) rounds it up, where round-to-even would go down for k = 1, 5."""
    from actcli.core.kernels import apply, ties_up

    def half(x: np.ndarray, out: np.ndarray) -> np.ndarray:
        return np.multiply(x, 0.5, out=out)

    tiny = 2.0**-149
    x = np.array([1, 5, 3, 7, -5, -3], np.float32) * np.float32(tiny)
    assert (apply(half, x, {}) / tiny).tolist() == [0, 2, 2, 4, -2, -2]  # round to even
    assert ties_up(half) is half
    assert (apply(half, x, {}) / tiny).tolist() == [1, 3, 2, 4, -2, -1]
    # bfloat16 has float32's exponent range: its subnormal midpoints too, stepped by their bits
    import ml_dtypes

    tiny = 2.0**-133
    x = (np.array([1, 5, 3, 7, -5, -3, -7]) * tiny).astype(ml_dtypes.bfloat16)
    assert (apply(half, x, {}).astype(np.float64) / tiny).tolist() == [1, 3, 2, 4, -2, -1, -3]


def test_a_narrow_evaluation_leaves_the_tails_on_for_the_next_caller() -> None:
    """A float32 result skips the deep tails' redo (it rounds to 0 anyway); a kernel called
    after it, outside `apply` (a Declaration's kernel, say), gets them again."""
    from actcli.core.numerics import tail_points

    actcli.get("gelu").value(np.ones(3, np.float32))
    assert tail_points(np.array([-800.0, 1.0])).tolist() == [0]


def test_scalars_in_give_numpy_scalars_out() -> None:
    act = actcli.get("relu")
    assert type(act.value(1.5)) is np.float64 and act.value(1.5) == 1.5
    assert type(act.value(np.float32(-2.0))) is np.float32
    assert type(act.grad(np.array(3.0))) is np.float64
    y = act.value([1.5])
    assert type(y) is np.ndarray and y.shape == (1,)


def test_complex_input_is_refused_by_name() -> None:
    with pytest.raises(TypeError, match="^complex input is not supported$"):
        actcli.get("relu").value(np.array([1 + 1j]))


@pytest.mark.parametrize("dtype", [np.int16, np.uint16, np.int8, np.int64, np.bool_])
def test_integer_input_gives_float64(dtype) -> None:
    """Only float32, float16 and bfloat16 are kept; 2-byte integers are no 16-bit floats."""
    y = actcli.get("relu").value(np.array([1, 0], dtype))
    assert y.dtype == np.float64 and y.tolist() == [1.0, 0.0]
