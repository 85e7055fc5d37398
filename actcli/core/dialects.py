"""Framework dialects: where PyTorch, JAX, Keras and TensorFlow disagree about a name.

Each dialect maps a catalog name to the framework's `Variant`: which catalog function its call
computes, its defaults, the parameters it does not expose, and the derivative its autograd gives
at kinks where that differs from PyTorch's. A name a framework lacks resolves to actcli's own
(PyTorch's) definition; `has()` says whether the framework has it.

Every fact carries its source. Checked against the frameworks' source code (PyTorch 2.x
torch/nn/functional.py and aten/src/ATen/native/cpu/Activation.cpp; JAX jax/_src/nn/functions.py;
Keras 3 keras/src/activations/activations.py and keras/src/backend/tensorflow/nn.py; Keras 2
keras/backend.py; TensorFlow python/ops/nn_ops.py, python/ops/clip_ops.py, python/ops/math_grad.py
and core/kernels/relu_op_functor.h). Keras 3's kink derivatives depend on its backend: the
`keras` dialect follows the TensorFlow backend, Keras 3's default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import actcli.core.catalog  # noqa: F401  (declares the functions the frameworks redefine)
from actcli.core.registry import (
    Activation,
    ParameterError,
    UnknownFunctionError,
    declaration,
    parse_spec,
    suggest,
)

DIALECT_NAMES = ("torch", "jax", "keras", "keras2", "tf")
DESCRIPTIONS = {
    "torch": "PyTorch 2.x (torch.nn.functional); actcli's own definitions",
    "jax": "JAX (jax.nn)",
    "keras": "Keras 3 (keras.activations, TensorFlow backend)",
    "keras2": "Keras 2 / tf.keras 2.x (tf.keras.activations)",
    "tf": "TensorFlow 2.x (tf.nn, tf.math)",
}


@dataclass(frozen=True)
class Variant:
    api: str  # the framework's call
    function: str = ""  # the catalog function it computes ("" = the same name)
    defaults: dict[str, float] = field(default_factory=dict)  # where they differ from actcli's
    fixed: tuple[str, ...] = ()  # catalog parameters the framework does not expose
    kink_grad: dict[float, float] = field(default_factory=dict)  # f'(kink), where not PyTorch's
    note: str = ""


V = Variant
_NO_BETA = ("beta",)

# PyTorch: torch/nn/functional.py. softplus(beta=1, threshold=20): `(a * beta) > threshold ? a :
# log1p(exp(a * beta)) / beta` in Activation.cpp; actcli keeps the true function.
TORCH: dict[str, Variant] = {
    "sigmoid": V("torch.sigmoid"), "tanh": V("torch.tanh"), "relu": V("F.relu"),
    "leaky_relu": V("F.leaky_relu(negative_slope=0.01)"), "linear": V("nn.Identity"),
    "elu": V("F.elu(alpha=1.0)"), "selu": V("F.selu"), "celu": V("F.celu(alpha=1.0)"),
    "gelu": V("F.gelu(approximate='none')"), "gelu_tanh": V("F.gelu(approximate='tanh')"),
    "silu": V("F.silu", fixed=_NO_BETA), "mish": V("F.mish"),
    "softplus": V("F.softplus(beta=1, threshold=20)",
                  note="PyTorch returns x where βx > 20; actcli computes the true function"),
    "softsign": V("F.softsign"), "logsigmoid": V("F.logsigmoid"), "hardsigmoid": V("F.hardsigmoid"),
    "hardswish": V("F.hardswish", note="hardswish'(±3) was −0.5 and 1.5 before PyTorch 2.7 (pytorch#148049)"),
    "hardtanh": V("F.hardtanh(min_val=-1, max_val=1)"), "relu6": V("F.relu6"),
    "tanhshrink": V("F.tanhshrink"), "softshrink": V("F.softshrink(lambd=0.5)"),
    "hardshrink": V("F.hardshrink(lambd=0.5)"),
}

# JAX: jax/_src/nn/functions.py.
JAX: dict[str, Variant] = {
    "sigmoid": V("jax.nn.sigmoid"), "tanh": V("jnp.tanh"), "linear": V("jax.nn.identity"),
    "relu": V("jax.nn.relu"),  # custom_jvp: lax.select(x > 0, g, 0) -> relu'(0) = 0
    # jnp.where(x >= 0, x, negative_slope * x): at 0 the x branch is differentiated -> 1
    "leaky_relu": V("jax.nn.leaky_relu(negative_slope=0.01)", kink_grad={0.0: 1.0}),
    "elu": V("jax.nn.elu(alpha=1.0)"),  # jnp.where(x > 0, ...): the expm1 side at 0 -> alpha
    "selu": V("jax.nn.selu"), "celu": V("jax.nn.celu(alpha=1.0)"),
    "gelu": V("jax.nn.gelu(approximate=True)", function="gelu_tanh",
              note="JAX's gelu is the tanh approximation unless approximate=False"),
    "gelu_tanh": V("jax.nn.gelu(approximate=True)"),
    "silu": V("jax.nn.silu", fixed=_NO_BETA), "softplus": V("jax.nn.softplus", fixed=_NO_BETA),
    "mish": V("jax.nn.mish"), "softsign": V("jax.nn.soft_sign"), "logsigmoid": V("jax.nn.log_sigmoid"),
    "hardsigmoid": V("jax.nn.hard_sigmoid"),  # relu6(x + 3.) / 6.
    "hardswish": V("jax.nn.hard_swish"),  # x * hard_sigmoid(x)
    # jnp.where(x > 1, 1, jnp.where(x < -1, -1, x)): the x branch at ±1 -> 1
    "hardtanh": V("jax.nn.hard_tanh", fixed=("min", "max"), kink_grad={-1.0: 1.0, 1.0: 1.0}),
    "relu6": V("jax.nn.relu6"),  # custom_jvp: select((x > 0) & (x < 6), g, 0)
    "squareplus": V("jax.nn.squareplus(b=4)"),
}

# Keras 3: keras/src/activations/activations.py; kink rules of the TensorFlow backend
# (keras/src/backend/tensorflow/nn.py), whose hard_tanh is tf.clip_by_value: TF's Minimum and
# Maximum gradients use <= and >=, so the gradient passes at the bounds.
KERAS: dict[str, Variant] = {
    "sigmoid": V("keras.activations.sigmoid"), "tanh": V("keras.activations.tanh"),
    "relu": V("keras.activations.relu"), "linear": V("keras.activations.linear"),
    "leaky_relu": V("keras.activations.leaky_relu(negative_slope=0.2)", defaults={"alpha": 0.2},
                    note="the LeakyReLU layer defaults to negative_slope=0.3"),
    "elu": V("keras.activations.elu(alpha=1.0)"), "selu": V("keras.activations.selu"),
    "celu": V("keras.activations.celu(alpha=1.0)"),
    "gelu": V("keras.activations.gelu(approximate=False)",
              note="keras.ops.gelu defaults to approximate=True"),
    "gelu_tanh": V("keras.activations.gelu(approximate=True)"),
    "silu": V("keras.activations.silu", fixed=_NO_BETA),
    "softplus": V("keras.activations.softplus", fixed=_NO_BETA),
    "mish": V("keras.activations.mish"), "softsign": V("keras.activations.softsign"),
    "logsigmoid": V("keras.activations.log_sigmoid"),
    "hardsigmoid": V("keras.activations.hard_sigmoid"),  # relu6(x + 3) / 6
    "hardswish": V("keras.activations.hard_silu"),
    "hardtanh": V("keras.activations.hard_tanh", fixed=("min", "max"), kink_grad={-1.0: 1.0, 1.0: 1.0}),
    "relu6": V("keras.activations.relu6"), "tanhshrink": V("keras.activations.tanh_shrink"),
    "softshrink": V("keras.activations.soft_shrink(threshold=0.5)"),
    "hardshrink": V("keras.activations.hard_shrink(threshold=0.5)"),
    "squareplus": V("keras.activations.squareplus(b=4)"),
}

# Keras 2 / tf.keras 2.x: keras/activations.py and keras/backend.py.
KERAS2: dict[str, Variant] = {
    "sigmoid": V("tf.keras.activations.sigmoid"), "tanh": V("tf.keras.activations.tanh"),
    "relu": V("tf.keras.activations.relu"), "linear": V("tf.keras.activations.linear"),
    # 'leaky_relu' deserialises to tf.nn.leaky_relu(alpha=0.2); the LeakyReLU layer uses 0.3
    "leaky_relu": V("tf.nn.leaky_relu(alpha=0.2)", defaults={"alpha": 0.2},
                    note="the LeakyReLU layer defaults to alpha=0.3"),
    "elu": V("tf.keras.activations.elu(alpha=1.0)"), "selu": V("tf.keras.activations.selu"),
    "gelu": V("tf.keras.activations.gelu(approximate=False)"),
    "gelu_tanh": V("tf.keras.activations.gelu(approximate=True)"),
    "silu": V("tf.keras.activations.swish", fixed=_NO_BETA),
    "softplus": V("tf.keras.activations.softplus", fixed=_NO_BETA),
    "softsign": V("tf.keras.activations.softsign"),
    "relu6": V("tf.keras.activations.relu(max_value=6)"),
    # x = 0.2 * x + 0.5; tf.clip_by_value(x, 0., 1.): the gradient passes at the bounds
    "hardsigmoid": V("tf.keras.activations.hard_sigmoid", function="keras2_hard_sigmoid",
                     note="clip(0.2x + 0.5, 0, 1), not relu6(x + 3)/6"),
    "keras2_hard_sigmoid": V("tf.keras.activations.hard_sigmoid"),
}

# TensorFlow: python/ops/nn_ops.py; gradients in core/kernels/relu_op_functor.h
# (LeakyReluGrad: features > 0 ? g : g * alpha; EluGrad: activations < 0 ? ... : g).
TF: dict[str, Variant] = {
    "sigmoid": V("tf.math.sigmoid"), "tanh": V("tf.math.tanh"), "relu": V("tf.nn.relu"),
    "linear": V("tf.identity"), "leaky_relu": V("tf.nn.leaky_relu(alpha=0.2)", defaults={"alpha": 0.2}),
    "elu": V("tf.nn.elu", fixed=("alpha",)), "selu": V("tf.nn.selu"),
    "gelu": V("tf.nn.gelu(approximate=False)"), "gelu_tanh": V("tf.nn.gelu(approximate=True)"),
    "silu": V("tf.nn.silu(beta=1.0)", note="beta since TensorFlow 2.8"),
    "softplus": V("tf.math.softplus", fixed=_NO_BETA), "softsign": V("tf.nn.softsign"),
    "logsigmoid": V("tf.math.log_sigmoid"), "relu6": V("tf.nn.relu6"),
}

DIALECTS: dict[str, dict[str, Variant]] = {"torch": TORCH, "jax": JAX, "keras": KERAS, "keras2": KERAS2, "tf": TF}


def check_dialect(dialect: str) -> str:
    key = dialect.strip().lower()
    if key not in DIALECTS:
        hint = suggest(key, list(DIALECTS)) or f" (choose from {', '.join(DIALECT_NAMES)})"
        raise UnknownFunctionError(f"unknown dialect '{dialect}'{hint}")
    return key


def variant(name: str, dialect: str) -> Variant | None:
    """The framework's variant of a catalog function, or None if the framework lacks it."""
    return DIALECTS[check_dialect(dialect)].get(declaration(name).name)


def has(name: str, dialect: str) -> bool:
    return variant(name, dialect) is not None


def resolve(spec: str, dialect: str, **params: Any) -> Activation:
    """The function a framework means by this name, with its defaults and kink conventions."""
    name, given = parse_spec(spec)
    given = {**given, **params}
    decl = declaration(name)
    var = variant(decl.name, dialect)
    if var is None:  # the framework lacks it: actcli's own definition
        return Activation(decl, given, dialect=check_dialect(dialect))
    for p in var.fixed:
        if p in given:
            raise ParameterError(f"{decl.name}: {var.api} in {dialect} has no parameter '{p}'")
    target = declaration(var.function) if var.function else decl
    bound = {**var.defaults, **given}
    return Activation(target, bound, dialect=check_dialect(dialect), kink_grad=dict(var.kink_grad))


@dataclass(frozen=True)
class DialectRow:
    dialect: str
    api: str | None  # None: the framework has no such function
    act: Activation
    note: str
    y: Any  # f(x) at the points
    dydx: Any  # f'(x)


def default_points(name: str) -> list[float]:
    """Points that expose the differences: every dialect's kinks, and −3, −1, 0, 1, 3."""
    pts = {-3.0, -1.0, 0.0, 1.0, 3.0}
    for d in DIALECT_NAMES:
        pts.update(resolve(name, d).kinks)
    return sorted(pts)


def compare(name: str, x: Any) -> tuple[list[DialectRow], Any, Any]:
    """Each framework's reading of `name` at the points x, and where they disagree.

    Returns (rows, value_disagrees, grad_disagrees): the masks are True at points where the
    frameworks that have the function do not all give the same bits.
    """
    import numpy as np

    xs = np.asarray(x, dtype=np.float64)
    rows = []
    for d in DIALECT_NAMES:
        var = variant(name, d)
        act = resolve(name, d)
        rows.append(DialectRow(d, var.api if var else None, act, var.note if var else "", act.value(xs), act.grad(xs)))
    present = [r for r in rows if r.api is not None] or rows

    def disagree(attr: str) -> Any:
        stack = np.array([getattr(r, attr) for r in present])
        same = np.all((stack == stack[0]) | (np.isnan(stack) & np.isnan(stack[0])), axis=0)
        return ~same

    return rows, disagree("y"), disagree("dydx")
