"""Gradient flow, dying units and linear collapse (actcli.core.flow), against independent math."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import actcli
from actcli.core.flow import FlowError, collapse, dead, flow, init_std
from actcli.core.registry import ActivationError


def _weights(depth: int, width: int, seed: int, std: float) -> list[np.ndarray]:
    """The documented recipe, written out again: W_l = std · default_rng([seed, l]) normals."""
    return [
        std * np.random.default_rng([seed, layer]).standard_normal((width, width))
        for layer in range(1, depth + 1)
    ]


def _explicit_grad_norms(act, x, ws, bias=0.0):
    """||dL/dW_l||_F from per-sample Jacobians J_l = diag(f'(z_l)) W_l^T, L = sum of outputs."""
    depth, width = len(ws), x.shape[1]
    total = [np.zeros((width, width)) for _ in ws]
    for sample in x:
        hs, zs = [sample], []  # column vectors, as in the textbook
        for w in ws:
            zs.append(w.T @ hs[-1] + bias)
            hs.append(act.value(zs[-1]))
        jac = [np.diag(act.grad(z)) @ w.T for z, w in zip(zs, ws, strict=True)]
        for layer in range(depth):
            # dL/dh_l = 1^T J_L ... J_{l+2}, then through diag(f'(z_{l+1})) to dL/dz_{l+1}
            row = np.ones(width)
            for j in reversed(jac[layer + 1 :]):
                row = row @ j
            dz = row @ np.diag(act.grad(zs[layer]))
            total[layer] += np.outer(hs[layer], dz)
    return [float(np.linalg.norm(g)) for g in total]


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "elu", "softsign", "linear"])
@pytest.mark.parametrize("init", [None, "normal:0.9"])
def test_grad_norms_match_explicit_jacobians(name: str, init: str | None) -> None:
    act = actcli.get(name)
    depth, width, batch, seed = 4, 3, 2, 7
    he, xavier = math.sqrt(2 / width), math.sqrt(1 / width)
    std = 0.9 if init else he if name in ("relu", "elu") else xavier
    x = np.random.default_rng(seed).standard_normal((batch, width))
    want = _explicit_grad_norms(act, x, _weights(depth, width, seed, std))
    (got,) = flow([act], depth=depth, width=width, batch=batch, seed=seed, init=init).functions
    np.testing.assert_allclose(got.grad_norm, want, rtol=1e-12)
    np.testing.assert_allclose(got.grad_norm_ratio, np.array(want) / want[-1], rtol=1e-12)


def test_grad_norms_match_finite_differences() -> None:
    act = actcli.get("tanh")
    depth, width, batch, seed, std = 4, 3, 2, 3, 0.8
    x = np.random.default_rng(seed).standard_normal((batch, width))
    ws = _weights(depth, width, seed, std)

    def loss(ws: list[np.ndarray]) -> float:
        h = x
        for w in ws:
            h = np.tanh(h @ w)
        return float(h.sum())

    want = []
    step = 1e-6
    for layer in range(depth):
        g = np.zeros((width, width))
        for idx in np.ndindex(width, width):
            up = [w.copy() for w in ws]
            down = [w.copy() for w in ws]
            up[layer][idx] += step
            down[layer][idx] -= step
            g[idx] = (loss(up) - loss(down)) / (2 * step)
        want.append(np.linalg.norm(g))
    res = flow(act, depth=depth, width=width, batch=batch, seed=seed, init="normal:0.8")
    (got,) = res.functions
    np.testing.assert_allclose(got.grad_norm, want, rtol=1e-7)


def test_per_layer_slopes_and_dead_units_by_hand() -> None:
    act = actcli.get("relu")
    depth, width, batch, seed, shift = 3, 4, 5, 11, -0.7
    x = np.random.default_rng(seed).standard_normal((batch, width))
    ws = _weights(depth, width, seed, math.sqrt(2 / width))
    h, mean_abs, dead_frac = x, [], []
    for w in ws:
        z = h @ w + shift
        slope = (z > 0).astype(float)
        mean_abs.append(slope.mean())
        dead_frac.append(float((slope.sum(axis=0) == 0).mean()))
        h = np.maximum(z, 0)
    res = dead([act], bias_shift=shift, depth=depth, width=width, batch=batch, seed=seed)
    (got,) = res.functions
    assert got.mean_abs_grad == mean_abs
    assert got.dead_fraction == dead_frac
    np.testing.assert_allclose(got.grad_norm, _explicit_grad_norms(act, x, ws, shift), rtol=1e-12)


def test_vanishing_gradients_with_the_defaults() -> None:
    res = flow([actcli.get(n) for n in ("sigmoid", "tanh", "relu")])
    assert (res.depth, res.width, res.batch, res.seed) == (20, 64, 256, 0)
    sig, tanh, relu = res.functions
    assert [f.init for f in res.functions] == ["xavier", "xavier", "he"]
    assert sig.grad_norm[0] * 100 <= relu.grad_norm[0]
    assert sig.grad_norm[0] < tanh.grad_norm[0] < relu.grad_norm[0]
    # the loss of gradient is the stack's doing: sigmoid's last layer gets a normal gradient
    assert sig.grad_norm_ratio[0] < 1e-6 and sig.grad_norm_ratio[-1] == 1.0
    assert all(s <= 0.25 for s in sig.mean_abs_grad)



def test_dying_units_after_a_negative_bias_shift() -> None:
    res = dead([actcli.get(n) for n in ("relu", "leaky_relu", "elu")], bias_shift=-5.0)
    relu, leaky, elu = res.functions
    assert relu.dead_total > 0.9 and relu.dead_fraction[0] > 0.9
    assert relu.grad_norm[0] == 0.0
    assert leaky.dead_total == 0.0 and set(leaky.dead_fraction) == {0.0}
    assert elu.dead_total == 0.0 and set(elu.dead_fraction) == {0.0}
    # their units are alive: some gradient still reaches layer 1
    assert leaky.grad_norm[0] > 0 and elu.grad_norm[0] > 0
    assert leaky.zero_output_fraction == [0.0] * res.depth


def test_no_shift_no_mass_death() -> None:
    (relu,) = dead([actcli.get("relu")], bias_shift=0.0).functions
    assert relu.dead_fraction[0] == 0.0


@pytest.mark.parametrize("bias", [0.0, 0.3])
def test_linear_stack_collapses_to_one_map(bias: float) -> None:
    res = collapse(actcli.get("linear"), bias=bias)
    assert res.relative_residual < 1e-12
    assert res.max_abs_output > 1


@pytest.mark.parametrize("name", ["tanh", "relu"])
def test_nonlinear_stack_does_not_collapse(name: str) -> None:
    assert collapse(actcli.get(name)).relative_residual > 1e-2


def test_collapse_by_hand() -> None:
    act = actcli.get("linear")
    ws = _weights(3, 4, 5, 0.5)
    x = np.random.default_rng(5).standard_normal((6, 4))
    b = ((0.2 * np.ones(4) @ ws[1] + 0.2) @ ws[2]) + 0.2
    single = x @ ws[0] @ ws[1] @ ws[2] + b
    stack = x
    for w in ws:
        stack = stack @ w + 0.2
    res = collapse(act, depth=3, width=4, batch=6, seed=5, init="normal:0.5", bias=0.2)
    assert res.max_abs_output == np.max(np.abs(stack))
    assert res.max_abs_diff <= 1e-14 * res.max_abs_output
    assert np.max(np.abs(stack - single)) <= 1e-14 * res.max_abs_output


def test_to_dict_shapes() -> None:
    res = flow([actcli.get("leaky_relu:alpha=0.2"), actcli.get("tanh")], depth=5, width=8, batch=4)
    d = res.to_dict()
    assert list(d) == ["depth", "width", "batch", "seed", "functions"]
    assert (d["depth"], d["width"], d["batch"], d["seed"]) == (5, 8, 4, 0)
    first = d["functions"][0]
    assert list(first) == [
        "function",
        "params",
        "init",
        "grad_norm",
        "grad_norm_ratio",
        "mean_abs_grad",
        "dead_fraction",
    ]
    assert first["function"] == "leaky_relu"
    assert first["params"] == {"alpha": 0.2} and first["init"] == "he"
    for key in ("grad_norm", "grad_norm_ratio", "mean_abs_grad", "dead_fraction"):
        assert len(first[key]) == 5 and all(type(v) is float for v in first[key])
    json.dumps(d, allow_nan=False)

    dd = dead([actcli.get("relu")], depth=3, width=4, batch=2).to_dict()
    assert list(dd) == ["depth", "width", "batch", "seed", "bias_shift", "functions"]
    assert list(dd["functions"][0]) == [
        "function",
        "params",
        "init",
        "dead_total",
        "dead_fraction",
        "zero_output_fraction",
        "mean_abs_grad",
        "grad_norm",
    ]
    cd = collapse(actcli.get("linear"), depth=3, width=4, batch=2).to_dict()
    assert list(cd) == [
        "function",
        "params",
        "init",
        "depth",
        "width",
        "batch",
        "seed",
        "bias",
        "max_abs_diff",
        "max_abs_output",
        "relative_residual",
    ]
    for key in ("max_abs_diff", "max_abs_output", "relative_residual"):
        assert type(cd[key]) is float
    json.dumps(dd, allow_nan=False), json.dumps(cd, allow_nan=False)


def test_same_seed_bit_identical_other_seed_differs() -> None:
    acts = [actcli.get(n) for n in ("sigmoid", "tanh", "relu")]
    size = {"depth": 8, "width": 32, "batch": 64}
    first = flow(acts, seed=3, **size).to_dict()
    assert first == flow(acts, seed=3, **size).to_dict()
    other = flow(acts, seed=4, **size).to_dict()
    for a, b in zip(first["functions"], other["functions"], strict=True):
        assert a["grad_norm"] != b["grad_norm"] and a["mean_abs_grad"] != b["mean_abs_grad"]
    assert dead(acts, seed=3, **size).to_dict() == dead(acts, seed=3, **size).to_dict()
    tanh = acts[1]
    assert collapse(tanh, seed=3, **size).to_dict() == collapse(tanh, seed=3, **size).to_dict()
    diff3, diff4 = (collapse(tanh, seed=s, **size).max_abs_diff for s in (3, 4))
    assert diff3 != diff4


def test_each_function_sees_the_same_network() -> None:
    relu, tanh = actcli.get("relu"), actcli.get("tanh")
    both = flow([relu, tanh], depth=6, width=16, batch=32).functions
    alone = flow([tanh], depth=6, width=16, batch=32).functions
    assert both[1] == alone[0]
    # one init for all: the weights are the same
    lin = flow([actcli.get("linear")] * 2, depth=6, width=16, batch=32, init="he").functions
    assert lin[0] == lin[1]


def test_init_std() -> None:
    assert init_std("xavier", 64) == math.sqrt(1 / 64) == init_std("lecun", 64)
    assert init_std("he", 50) == math.sqrt(2 / 50)
    assert init_std("normal:0.05", 7) == 0.05
    (run,) = flow(actcli.get("relu"), depth=2, width=2, batch=2, init=" Normal:0.50").functions
    assert run.init == "normal:0.5"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"depth": 0}, r"^depth must be an integer from 1 to 1000, not 0$"),
        ({"depth": 1001}, r"^depth must be an integer from 1 to 1000, not 1001$"),
        ({"depth": 2.5}, r"^depth must be an integer from 1 to 1000, not 2\.5$"),
        ({"depth": True}, r"^depth must be an integer from 1 to 1000, not True$"),
        ({"width": 0}, r"^width must be an integer from 1 to 4096, not 0$"),
        ({"width": 4097}, r"^width must be an integer from 1 to 4096, not 4097$"),
        ({"batch": 0}, r"^batch must be an integer from 1 to 65536, not 0$"),
        ({"batch": 65537}, r"^batch must be an integer from 1 to 65536, not 65537$"),
        ({"seed": -1}, r"^seed must be an integer >= 0, not -1$"),
        ({"init": "glorot"}, r"^unknown init 'glorot' \(choices: xavier, he, lecun, normal:STD\)$"),
        ({"init": "xavir"}, r"^unknown init 'xavir'; did you mean 'xavier'\? \(choices: "),
        ({"init": "normal"}, r"^init 'normal': normal needs a standard deviation, as in normal:"),
        ({"init": "normal:-1"}, r"^init 'normal:-1': std must be a finite number > 0, not -1$"),
        ({"init": "normal:0"}, r"^init 'normal:0': std must be a finite number > 0, not 0$"),
        ({"init": "normal:nan"}, r"^init 'normal:nan': std must be a finite number > 0, not nan$"),
        ({"init": "normal:x"}, r"^init 'normal:x': 'x' is not a number$"),
        ({"depth": 1000, "width": 4096, "batch": 4096}, r"^depth x width x batch = 1000 x 4096 x "),
    ],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    act = actcli.get("relu")
    for run in (flow, dead, collapse):
        with pytest.raises(FlowError, match=message) as err:
            run(act if run is collapse else [act], **kwargs)
        assert isinstance(err.value, ActivationError)
        assert "\n" not in str(err.value)


def test_bad_bias_and_functions() -> None:
    relu = actcli.get("relu")
    with pytest.raises(FlowError, match=r"^bias_shift must be a finite number, not nan$"):
        dead([relu], bias_shift=float("nan"))
    with pytest.raises(FlowError, match=r"^bias must be a finite number, not inf$"):
        collapse(relu, bias=float("inf"))
    with pytest.raises(FlowError, match=r"^expected activations from actcli\.get"):
        flow(["relu"])
    with pytest.raises(FlowError, match=r"^expected one activation from actcli\.get"):
        collapse([relu])


def test_expressions_flow_like_catalog_functions():
    from actcli.core import flow as fl

    expr = fl.flow([actcli.get("x*sigmoid(x)")], depth=4, width=8, batch=16).to_dict()
    cat = fl.flow([actcli.get("silu")], depth=4, width=8, batch=16, init="xavier").to_dict()
    assert expr["functions"][0]["grad_norm"] == pytest.approx(cat["functions"][0]["grad_norm"], rel=1e-12)


@pytest.mark.parametrize("spec", ["linear", "2*x", "3*x - 1", "leaky_relu:alpha=1"])
def test_every_affine_function_collapses(spec):
    from actcli.core import flow as fl

    assert fl.collapse(actcli.get(spec)).relative_residual < 1e-12
