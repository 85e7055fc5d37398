"""Gradient flow through a deep stack of one activation: the textbook failures, computed.

- `flow(acts, ...)`: vanishing (or not) gradients. A random batch goes through a deep MLP and a
  unit gradient comes back; per layer the weight-gradient norm, the mean |f'| and the fraction
  of dead units.
- `dead(acts, bias_shift, ...)`: dying units. The same network after every bias was shifted far
  negative, as one oversized learning-rate step can do.
- `collapse(act, ...)`: linear collapse. A stack of affine layers is one affine map unless f
  bends; the stack against that single map.
- `init_std`, `default_init`: the weight initialisations, and which one each function gets
  unless told otherwise (the registry's `init`).

The network (square layers, row vectors, layer 1 nearest the input)::

    h_0 = x,  z_l = h_{l-1} @ W_l + b_l,  h_l = f(z_l),  l = 1 .. L
    x   = np.random.default_rng(seed).standard_normal((batch, width))
    W_l = std · np.random.default_rng([seed, l]).standard_normal((width, width))
    b_l = 0 (flow, collapse by default) or bias_shift (dead)

Each layer's weights come from their own stream, so every function, every init and every depth
sees the same x and the same W_l up to the init's scale: runs compare like with like, and the
same seed gives bit-identical numbers. The loss is the sum of the last layer's outputs over the
batch and the units, so dL/dh_L = 1.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from actcli.core.registry import Activation, ActivationError, suggest


class FlowError(ActivationError):
    """A bad size, seed, init or bias for a flow experiment."""


DEPTH = (1, 1000)
WIDTH = (1, 4096)
BATCH = (1, 65536)
# Backprop keeps h_{l-1} and f'(z_l) for every layer: 16 bytes per cell, so this is 1 GiB.
MAX_CELLS = 1 << 26

INITS = ("xavier", "he", "lecun", "normal:STD")

def default_init(act: Activation) -> str:
    """The init `flow`, `dead` and `collapse` use for `act` unless one is given: the one the
    registry pairs it with (He et al. 2015 for the ReLU family, LeCun for selu, Glorot & Bengio
    2010 for the rest); xavier for an expression."""
    decl = getattr(act, "decl", None)
    return decl.init if decl is not None else "xavier"


def _parse_init(init: str) -> tuple[str, float | None]:
    """('xavier'|'he'|'lecun', None) or ('normal', std); a FlowError for anything else."""
    if not isinstance(init, str):
        raise FlowError(f"init must be a string ({', '.join(INITS)}), not {init!r}")
    kind, colon, arg = init.strip().lower().partition(":")
    kind = kind.strip()
    if kind in ("xavier", "he", "lecun") and not colon:
        return kind, None
    if kind == "normal":
        if not colon or not arg.strip():
            raise FlowError(f"init '{init}': normal needs a standard deviation, as in normal:0.05")
        try:
            std = float(arg)
        except ValueError:
            raise FlowError(f"init '{init}': '{arg.strip()}' is not a number") from None
        if not (math.isfinite(std) and std > 0):
            raise FlowError(f"init '{init}': std must be a finite number > 0, not {arg.strip()}")
        return kind, std
    hint = suggest(kind, ["xavier", "he", "lecun", "normal"])
    raise FlowError(f"unknown init '{init}'{hint or ''} (choices: {', '.join(INITS)})")


def _canonical_init(init: str) -> str:
    kind, std = _parse_init(init)
    return kind if std is None else f"normal:{std!r}"


def init_std(init: str, width: int) -> float:
    """The weights' standard deviation for a width x width layer (fan_in = fan_out = width).

    - "xavier": Glorot normal, std = sqrt(2 / (fan_in + fan_out)) = sqrt(1 / width), gain 1,
      not truncated (PyTorch's `xavier_normal_`);
    - "he": std = sqrt(2 / fan_in) (PyTorch's `kaiming_normal_`, relu gain, fan_in mode);
    - "lecun": std = sqrt(1 / fan_in); for square layers the same number as "xavier";
    - "normal:STD": std as given.
    """
    kind, std = _parse_init(init)
    if std is not None:
        return std
    return {"xavier": math.sqrt(2.0 / (width + width)), "he": math.sqrt(2.0 / width),
            "lecun": math.sqrt(1.0 / width)}[kind]


# --- checks ----------------------------------------------------------------------------------


def _size(name: str, value: Any, bounds: tuple[int, int]) -> int:
    lo, hi = bounds
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not lo <= value <= hi:
        raise FlowError(f"{name} must be an integer from {lo} to {hi}, not {value!r}")
    return int(value)


def _sizes(depth: Any, width: Any, batch: Any, seed: Any) -> tuple[int, int, int, int]:
    depth = _size("depth", depth, DEPTH)
    width = _size("width", width, WIDTH)
    batch = _size("batch", batch, BATCH)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise FlowError(f"seed must be an integer >= 0, not {seed!r}")
    cells = depth * width * batch
    if cells > MAX_CELLS:
        raise FlowError(
            f"depth x width x batch = {depth} x {width} x {batch} = {cells} is too large "
            f"(at most {MAX_CELLS}, about 1 GiB kept for backprop); lower one of them"
        )
    return depth, width, batch, int(seed)


def _finite(name: str, value: Any) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise FlowError(f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(v):
        raise FlowError(f"{name} must be a finite number, not {value!r}")
    return v


def _is_function(a: object) -> bool:
    """A catalog Activation or an Expression: anything with a name and value/grad of arrays."""
    return all(hasattr(a, k) for k in ("name", "params", "value", "grad"))


def _acts(acts: Activation | Iterable[Activation]) -> list[Activation]:
    acts = [acts] if _is_function(acts) else list(acts)  # type: ignore[list-item]
    for a in acts:
        if not _is_function(a):
            raise FlowError(f"expected activations from actcli.get(...), not {a!r}")
    return acts


def _affine(act: Activation) -> tuple[float, float] | None:
    """(a, c) when f(x) = a·x + c exactly on a wide grid (f' constant), else None."""
    x = np.linspace(-50.0, 50.0, 2001)
    g = np.asarray(act.grad(x), dtype=np.float64)
    if not np.all(g == g[0]):
        return None
    a, c = float(g[0]), float(act.value(0.0))
    return (a, c) if np.allclose(act.value(x), a * x + c, rtol=1e-12, atol=1e-12) else None


# --- the network -----------------------------------------------------------------------------


def inputs(batch: int, width: int, seed: int) -> np.ndarray:
    """The input batch x: standard normal, (batch, width), the first draw of default_rng(seed)."""
    return np.random.default_rng(seed).standard_normal((batch, width))


def _gaussian(seed: int, layer: int, width: int) -> np.ndarray:
    """W_l / std. One stream per layer, so a layer's weights never depend on what came before."""
    return np.random.default_rng([seed, layer]).standard_normal((width, width))


def _fro(a: np.ndarray) -> float:
    """Frobenius norm, scaled so that squares neither underflow (1e-170) nor overflow (1e170)."""
    m = float(np.max(np.abs(a))) if a.size else 0.0
    if m == 0.0 or not math.isfinite(m):
        return m
    return m * math.sqrt(float(np.sum(np.square(a / m))))


@dataclass(frozen=True)
class _Pass:
    grad_norm: list[float]
    mean_abs_grad: list[float]
    dead_fraction: list[float]
    zero_output_fraction: list[float]


def _run(act: Activation, x: np.ndarray, depth: int, seed: int, std: float, bias: float) -> _Pass:
    """Forward the batch, then back-propagate dL/dh_L = 1; per-layer statistics."""
    width = x.shape[1]
    h = x
    h_in: list[np.ndarray] = []  # h_{l-1}: dL/dW_l = h_{l-1}^T dL/dz_l
    slopes: list[np.ndarray] = []  # f'(z_l)
    mean_abs, dead, zero_out = [], [], []
    # A stack that blows up (squared_relu, a large normal:STD) gives inf and then nan: those are
    # the honest answers, reported as such, not warnings.
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for layer in range(1, depth + 1):
            z = h @ (std * _gaussian(seed, layer, width)) + bias
            g = act.grad(z)
            h_in.append(h)
            slopes.append(g)
            h = act.value(z)
            mean_abs.append(float(np.mean(np.abs(g))))
            dead.append(float(np.mean(np.all(g == 0, axis=0))))
            zero_out.append(float(np.mean(np.all(h == 0, axis=0))))
        norms = [0.0] * depth
        dh = np.ones_like(h)
        for layer in range(depth, 0, -1):
            dz = dh * slopes[layer - 1]
            norms[layer - 1] = _fro(h_in[layer - 1].T @ dz)
            if layer > 1:  # the weights are drawn again rather than kept: width² per layer
                dh = dz @ (std * _gaussian(seed, layer, width)).T
    return _Pass(norms, mean_abs, dead, zero_out)


def _ratio(a: float, b: float) -> float:
    """a / b, and for b = 0: nan when a is 0 too (no gradient anywhere), else inf."""
    if b != 0:
        return a / b
    return math.nan if a == 0 or math.isnan(a) else math.inf


# --- vanishing gradients -------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionFlow:
    """One function's run. Lists are per layer, layer 1 (nearest the input) first."""

    function: str
    params: dict[str, float]
    init: str
    grad_norm: list[float]  # ||dL/dW_l||_F
    grad_norm_ratio: list[float]  # grad_norm[l] / grad_norm[L]; nan if both are 0
    mean_abs_grad: list[float]  # mean |f'(z_l)| over batch and units
    dead_fraction: list[float]  # units with f'(z_l) = 0 for every input

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # the JSON document: fields in order, nested results too


@dataclass(frozen=True)
class FlowResult:
    depth: int
    width: int
    batch: int
    seed: int
    functions: list[FunctionFlow]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # the JSON document: fields in order, nested results too


def _inits(acts: Sequence[Activation], init: str | None) -> list[str]:
    given = None if init is None else _canonical_init(init)
    return [given or default_init(a) for a in acts]


def flow(
    acts: Activation | Iterable[Activation],
    depth: int = 20,
    width: int = 64,
    batch: int = 256,
    seed: int = 0,
    init: str | None = None,
) -> FlowResult:
    """Back-propagate a unit gradient through `depth` layers of each function.

    Biases are 0. For each layer l: grad_norm[l] = ||h_{l-1}^T (dL/dh_l ⊙ f'(z_l))||_F with
    dL/dh_{l-1} = (dL/dh_l ⊙ f'(z_l)) W_l^T and dL/dh_L = 1. `init` (see `init_std`) applies
    to every function; None gives each its `default_init`.
    """
    depth, width, batch, seed = _sizes(depth, width, batch, seed)
    acts = _acts(acts)
    inits = _inits(acts, init)
    x = inputs(batch, width, seed)
    out = []
    for act, name in zip(acts, inits, strict=True):
        p = _run(act, x, depth, seed, init_std(name, width), 0.0)
        last = p.grad_norm[-1]
        out.append(FunctionFlow(
            function=act.name, params=dict(act.params), init=name,
            grad_norm=p.grad_norm, grad_norm_ratio=[_ratio(g, last) for g in p.grad_norm],
            mean_abs_grad=p.mean_abs_grad, dead_fraction=p.dead_fraction,
        ))
    return FlowResult(depth, width, batch, seed, out)


# --- dying units ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionDead:
    """One function after the bias shift. Lists are per layer, layer 1 first."""

    function: str
    params: dict[str, float]
    init: str
    dead_total: float  # dead units over all depth x width units
    dead_fraction: list[float]  # units with f'(z_l) = 0 for every input
    zero_output_fraction: list[float]  # units with f(z_l) = 0 for every input
    mean_abs_grad: list[float]  # mean |f'(z_l)|
    grad_norm: list[float]  # ||dL/dW_l||_F: 0 where no gradient gets through

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # the JSON document: fields in order, nested results too


@dataclass(frozen=True)
class DeadResult:
    depth: int
    width: int
    batch: int
    seed: int
    bias_shift: float
    functions: list[FunctionDead]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # the JSON document: fields in order, nested results too


def dead(
    acts: Activation | Iterable[Activation],
    bias_shift: float = -5.0,
    depth: int = 20,
    width: int = 64,
    batch: int = 256,
    seed: int = 0,
    init: str | None = None,
) -> DeadResult:
    """The `flow` network with every bias set to `bias_shift`: which units still pass gradient.

    A unit is dead when f'(z_l) = 0 for every input of the batch: it gets no gradient, so no
    step can revive it. relu dies wholesale after a large negative shift (z ≈ bias_shift ± a
    few std); leaky_relu (f' = α there) and elu (f' = α·e^z > 0) keep every unit alive.
    """
    depth, width, batch, seed = _sizes(depth, width, batch, seed)
    bias_shift = _finite("bias_shift", bias_shift)
    acts = _acts(acts)
    inits = _inits(acts, init)
    x = inputs(batch, width, seed)
    out = []
    for act, name in zip(acts, inits, strict=True):
        p = _run(act, x, depth, seed, init_std(name, width), bias_shift)
        out.append(FunctionDead(
            function=act.name, params=dict(act.params), init=name,
            dead_total=float(np.mean(p.dead_fraction)), dead_fraction=p.dead_fraction,
            zero_output_fraction=p.zero_output_fraction, mean_abs_grad=p.mean_abs_grad,
            grad_norm=p.grad_norm,
        ))
    return DeadResult(depth, width, batch, seed, bias_shift, out)


# --- linear collapse -----------------------------------------------------------------------


@dataclass(frozen=True)
class CollapseResult:
    function: str
    params: dict[str, float]
    init: str
    depth: int
    width: int
    batch: int
    seed: int
    bias: float
    max_abs_diff: float  # max |stack(x) − (x W + b)|
    max_abs_output: float  # max |stack(x)|
    relative_residual: float  # max_abs_diff / max_abs_output

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # the JSON document: fields in order, nested results too


def collapse(
    act: Activation,
    depth: int = 20,
    width: int = 64,
    batch: int = 256,
    seed: int = 0,
    init: str | None = None,
    bias: float = 0.0,
) -> CollapseResult:
    """The stack against the single affine map its layers would be if f were affine.

    With f(x) = a·x + c (a = 1, c = 0 when f is not affine: the identity it is compared with),
    W = a^L·W_1 W_2 ... W_L and b = a·(...(a·(b_1) + c) W_2 + b_2 ...) + c, every b_l filled
    with `bias`. For an affine f the two agree to rounding; a residual of order 1 is what
    the non-linearity adds, and what lets depth represent more than one layer can.
    """
    depth, width, batch, seed = _sizes(depth, width, batch, seed)
    bias = _finite("bias", bias)
    if not _is_function(act):
        raise FlowError(f"expected one activation from actcli.get(...), not {act!r}")
    slope, shift = _affine(act) or (1.0, 0.0)
    (name,) = _inits([act], init)
    std = init_std(name, width)
    x = inputs(batch, width, seed)
    h = x
    w_all = np.eye(width)
    b_all = np.zeros(width)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        for layer in range(1, depth + 1):
            w = std * _gaussian(seed, layer, width)
            h = act.value(h @ w + bias)
            w_all = slope * (w_all @ w)
            b_all = slope * (b_all @ w + bias) + shift
        diff = float(np.max(np.abs(h - (x @ w_all + b_all))))
        scale = float(np.max(np.abs(h)))
    return CollapseResult(
        function=act.name, params=dict(act.params), init=name, depth=depth, width=width,
        batch=batch, seed=seed, bias=bias, max_abs_diff=diff, max_abs_output=scale,
        relative_residual=_ratio(diff, scale) if diff else 0.0,
    )
