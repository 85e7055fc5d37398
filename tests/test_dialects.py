"""Framework dialects: each framework's definitions, defaults and kink derivatives, pinned."""

from __future__ import annotations

import numpy as np
import pytest

import actcli
from actcli.core import dialects

DIALECTS = dialects.DIALECT_NAMES


@pytest.mark.parametrize("dialect, alpha", [("torch", 0.01), ("jax", 0.01), ("keras", 0.2), ("keras2", 0.2), ("tf", 0.2)])
def test_leaky_relu_default_slope(dialect: str, alpha: float) -> None:
    act = actcli.get("leaky_relu", dialect=dialect)
    assert act.params["alpha"] == alpha
    assert act.value(-1.0) == -alpha


@pytest.mark.parametrize("dialect, target", [("torch", "gelu"), ("jax", "gelu_tanh"), ("keras", "gelu"), ("keras2", "gelu"), ("tf", "gelu")])
def test_gelu_default(dialect: str, target: str) -> None:
    assert actcli.get("gelu", dialect=dialect).name == target
    assert actcli.get("gelu", dialect=dialect).value(1.0) == actcli.get(target).value(1.0)


def test_hard_sigmoid_definitions() -> None:
    x = np.array([-2.5, -1.0, 0.0, 1.0, 2.5])
    relu6_form = np.clip(x + 3, 0, 6) / 6
    for d in ("torch", "jax", "keras"):
        assert np.array_equal(actcli.get("hardsigmoid", dialect=d).value(x), relu6_form)
    keras2 = actcli.get("hard_sigmoid", dialect="keras2")
    assert keras2.name == "keras2_hard_sigmoid"
    assert keras2.value(x).tolist() == [0.0, 0.3, 0.5, 0.7, 1.0]
    assert keras2.grad(x).tolist() == [0.2] * 5  # TF's clip gradient passes at ±2.5


@pytest.mark.parametrize(
    "spec, dialect",
    [("softplus:beta=2", "jax"), ("softplus:beta=2", "keras"), ("softplus:beta=2", "tf"),
     ("silu:beta=2", "torch"), ("silu:beta=2", "jax"), ("silu:beta=2", "keras"),
     ("hardtanh:min=-2", "jax"), ("elu:alpha=2", "tf")],
)
def test_parameters_a_framework_lacks_are_refused(spec: str, dialect: str) -> None:
    with pytest.raises(actcli.ParameterError, match="has no parameter"):
        actcli.get(spec, dialect=dialect)


def test_parameters_a_framework_has_are_accepted() -> None:
    assert actcli.get("softplus:beta=2", dialect="torch").params["beta"] == 2
    assert actcli.get("silu:beta=2", dialect="tf").params["beta"] == 2
    assert actcli.get("hardtanh:min=-2,max=2", dialect="torch").value(5.0) == 2


# f' at kinks: PyTorch's autograd against JAX's (issue 9, checked against their source).
KINKS = [
    ("leaky_relu", 0.0, {"torch": 0.01, "jax": 1.0, "keras": 0.2, "tf": 0.2}),
    ("hardtanh", -1.0, {"torch": 0.0, "jax": 1.0, "keras": 1.0}),
    ("hardtanh", 1.0, {"torch": 0.0, "jax": 1.0, "keras": 1.0}),
    ("relu6", 0.0, {"torch": 0.0, "jax": 0.0, "keras": 0.0, "tf": 0.0}),
    ("relu6", 6.0, {"torch": 0.0, "jax": 0.0, "keras": 0.0, "tf": 0.0}),
    ("hardsigmoid", -3.0, {"torch": 0.0, "jax": 0.0, "keras": 0.0}),
    ("hardsigmoid", 3.0, {"torch": 0.0, "jax": 0.0, "keras": 0.0}),
    ("hardswish", -3.0, {"torch": 0.0, "jax": 0.0, "keras": 0.0}),
    ("hardswish", 3.0, {"torch": 1.0, "jax": 1.0, "keras": 1.0}),
    ("relu", 0.0, {"torch": 0.0, "jax": 0.0, "keras": 0.0, "tf": 0.0}),
]


@pytest.mark.parametrize("name, x, slopes", KINKS)
def test_kink_derivatives(name: str, x: float, slopes: dict[str, float]) -> None:
    for dialect, slope in slopes.items():
        assert dialects.has(name, dialect)
        assert actcli.get(name, dialect=dialect).grad(x) == slope, dialect


def test_kink_override_leaves_other_points_alone() -> None:
    x = np.array([-1.0, -1e-300, 0.0, 1e-300, 1.0])
    assert actcli.get("leaky_relu", dialect="jax").grad(x).tolist() == [0.01, 0.01, 1.0, 1.0, 1.0]


def test_names_a_framework_lacks_fall_back_to_actcli() -> None:
    assert not dialects.has("snake", "jax") and not dialects.has("hardswish", "tf")
    assert actcli.get("snake", dialect="jax").value(1.0) == actcli.get("snake").value(1.0)


def test_unknown_dialect() -> None:
    with pytest.raises(actcli.ActivationError, match="unknown dialect 'pytorch'; did you mean 'torch'"):
        actcli.get("relu", dialect="pytorch")


def test_compare_flags_disagreements() -> None:
    pts = dialects.default_points("leaky_relu")
    rows, value_differs, grad_differs = dialects.compare("leaky_relu", pts)
    assert [r.dialect for r in rows] == list(DIALECTS)
    at0 = pts.index(0.0)
    assert grad_differs[at0] and not value_differs[at0]
    assert not grad_differs[pts.index(1.0)]


def test_every_variant_names_a_real_function_and_parameters() -> None:
    for d, table in dialects.DIALECTS.items():
        for name, var in table.items():
            decl = actcli.declaration(name)
            target = actcli.declaration(var.function or name)
            assert set(var.defaults) <= set(target.params), (d, name)
            assert set(var.fixed) <= set(decl.params), (d, name)
            assert set(var.kink_grad) <= set(actcli.get(name, dialect=d).kinks), (d, name)


def test_subgradient_interval_at_kinks() -> None:
    lo, hi = actcli.get("relu").subgradient([-1.0, 0.0, 1.0])
    assert lo.tolist() == [0.0, 0.0, 1.0] and hi.tolist() == [0.0, 1.0, 1.0]
    lo, hi = actcli.get("hardtanh").subgradient([-1.0, 1.0])
    assert lo.tolist() == [0.0, 0.0] and hi.tolist() == [1.0, 1.0]
