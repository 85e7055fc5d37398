"""The registry's types: what a declaration holds, and a declared function bound to parameters.

- `Param`, `Interval`: parts of a declaration.
- `activation(...)`: the class decorator that declares a function (see `catalog.py`).
- `Activation`: a declared function bound to parameter values; `.value`, `.grad`, `.grad2`.
- `declaration`, `names`, `declarations`, `parse_spec`: what has been declared so far, and the
  errors they raise. `actcli.core.lookup` (`get`) loads the catalog first: use that one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actcli.core.kernels import apply

inf = math.inf


class ActivationError(ValueError):
    """A bad function name, spec or parameter. `str()` is one line a user can act on."""


class UnknownFunctionError(ActivationError, KeyError):
    """No function of that name or alias."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class ParameterError(ActivationError):
    """An unknown parameter, or a value outside its domain."""


@dataclass(frozen=True)
class Param:
    """A parameter: its default, what it means and which values are allowed."""

    default: float
    doc: str
    domain: str = "finite"  # "finite", "> 0", ">= 0"

    def check(self, fname: str, pname: str, value: float) -> float:
        value = float(value)
        ok = math.isfinite(value) and {
            "finite": True,
            "> 0": value > 0,
            ">= 0": value >= 0,
        }[self.domain]
        if not ok:
            need = "a finite number" if self.domain == "finite" else f"finite and {self.domain}"
            raise ParameterError(f"{fname}: parameter {pname}={value:g} is not allowed ({need})")
        return value


@dataclass(frozen=True)
class Interval:
    """An interval of the real line, printed in interval notation: `(0, 1)`, `[0, inf)`."""

    lo: float
    hi: float
    lo_closed: bool = False
    hi_closed: bool = False

    def __str__(self) -> str:
        def num(v: float) -> str:
            return "inf" if v == inf else "-inf" if v == -inf else f"{v:.6g}"

        return f"{'[' if self.lo_closed else '('}{num(self.lo)}, {num(self.hi)}{']' if self.hi_closed else ')'}"

    def contains(self, y: np.ndarray, rtol: float = 0.0) -> np.ndarray:
        """Elementwise membership, with a relative slack `rtol` for approximate bounds."""
        lo = self.lo - rtol * abs(self.lo)
        hi = self.hi + rtol * abs(self.hi)
        above = y >= lo if self.lo_closed or rtol else y > lo
        below = y <= hi if self.hi_closed or rtol else y < hi
        return above & below


Kernel = Callable[..., np.ndarray]
# A declared property is a value, or a function of the parameters when it depends on them.
Prop = Any


@dataclass(frozen=True)
class Declaration:
    """Everything actcli knows about one activation. See `catalog.py` for the entries."""

    name: str
    aliases: tuple[str, ...]
    params: Mapping[str, Param]
    formula: str  # f(x), plain Unicode
    derivative: str  # f'(x), plain Unicode
    output_range: Prop  # Interval, or params -> Interval
    zero_centered: Prop  # bool: f(0) = 0 and f is odd, so outputs centre on 0
    monotonic: Prop  # bool: non-decreasing
    smoothness: Prop  # "C^0", "C^1", "C^2", "C^inf", "discontinuous", or params -> one of them
    kinks: Prop  # tuple of x where f or f' is not differentiable, or params -> tuple
    kink_convention: Prop  # the derivative used at the kinks, or params -> that text
    # f' -> 0 as x -> -inf and inf ("yes"; "yes (less)" when sup f' >= 1), on one side only
    # ("negative side", "positive side"), or on neither ("no"); a flat side is a dying unit, and
    # a small constant slope (leaky_relu's α) does not vanish
    vanishing_gradient: Prop  # "yes", "yes (less)", "negative side", "positive side", "no"
    dying_units: Prop  # "yes" if f' = 0 exactly on a half-line, else "no"
    use: str
    limitations: str
    source: str
    value: Kernel
    grad: Kernel
    grad2: Kernel
    notes: str = ""
    init: str = "xavier"  # the weight initialisation it is usually paired with (flow's default)
    max_slope: Prop = None  # sup f' over the reals (reached or approached); None: unbounded
    validate: Callable[[Mapping[str, float]], str | None] | None = None  # cross-parameter check

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


_REGISTRY: dict[str, Declaration] = {}
_LOOKUP: dict[str, str] = {}  # normalised name or alias -> canonical name


def _norm(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def activation(**decl: Any) -> Callable[[type], type]:
    """Class decorator: declare an activation with `value`, `grad`, `grad2` defined on the class."""

    def register(cls: type) -> type:
        kernels = {k: cls.__dict__[k] for k in ("value", "grad", "grad2")}
        d = Declaration(**decl, **kernels)
        for n in d.all_names:
            key = _norm(n)
            if key in _LOOKUP:
                raise RuntimeError(f"duplicate activation name {n!r}")
            _LOOKUP[key] = d.name
        _REGISTRY[d.name] = d
        return cls

    return register


def declarations() -> Iterator[Declaration]:
    """Every declared activation, in catalog order."""
    return iter(_REGISTRY.values())


def names(aliases: bool = False) -> list[str]:
    """Canonical names in catalog order; with `aliases=True`, the aliases follow each name."""
    if aliases:
        return [n for d in _REGISTRY.values() for n in d.all_names]
    return list(_REGISTRY)


def is_declared(spec: str) -> bool:
    """Whether the name before any ':' in `spec` is a declared name or alias."""
    return _norm(spec.partition(":")[0]) in _LOOKUP


def suggest(word: str, choices: list[str]) -> str:
    """' did you mean ...?' for the closest choice, or ''."""
    import difflib  # only on a mistake: it costs 5 ms to import

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def declaration(name: str) -> Declaration:
    """The declaration for a name or alias (case-insensitive, '-' and '_' alike)."""
    key = _norm(name)
    if key not in _LOOKUP:
        hint = suggest(key, list(_LOOKUP)) or "; run 'actcli list' to see the names"
        raise UnknownFunctionError(f"unknown function '{name}'{hint}")
    return _REGISTRY[_LOOKUP[key]]


def _number(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ParameterError(f"{where}: '{text}' is not a number") from None


def parse_spec(spec: str) -> tuple[str, dict[str, float]]:
    """Split 'hardtanh:min=-2,max=2' into ('hardtanh', {'min': -2.0, 'max': 2.0})."""
    name, _, rest = spec.partition(":")
    params: dict[str, float] = {}
    for item in filter(None, (s.strip() for s in rest.split(","))):
        key, eq, val = item.partition("=")
        if not eq:
            raise ParameterError(f"'{spec}': parameter '{item}' needs a value, as in name=value")
        key = key.strip().lower()
        if key in params:
            raise ParameterError(f"'{spec}': parameter '{key}' is given twice; give it once")
        params[key] = _number(val.strip(), f"'{spec}': parameter {key}")
    return name, params


def _resolve(prop: Prop, params: Mapping[str, float]) -> Any:
    return prop(params) if callable(prop) else prop


@dataclass(frozen=True)
class Activation:
    """A declared activation with its parameters bound. Values keep the dtype of x (float64,
    float32, float16, bfloat16; anything else is float64)."""

    decl: Declaration
    params: dict[str, float] = field(default_factory=dict)
    dialect: str | None = None  # the framework whose meaning this is; None = actcli's (PyTorch's)
    kink_grad: dict[float, float] = field(default_factory=dict)  # f'(kink) where not PyTorch's

    def __post_init__(self) -> None:
        d = self.decl
        unknown = [p for p in self.params if p not in d.params]
        if unknown:
            known = ", ".join(d.params) or "none"
            hint = suggest(unknown[0], list(d.params))
            raise ParameterError(
                f"{d.name}: unknown parameter '{unknown[0]}'{hint or f' (parameters: {known})'}"
            )
        bound = {k: p.check(d.name, k, self.params.get(k, p.default)) for k, p in d.params.items()}
        problem = d.validate(bound) if d.validate else None
        if problem:
            raise ParameterError(f"{d.name}: {problem}")
        object.__setattr__(self, "params", bound)

    @property
    def name(self) -> str:
        return self.decl.name

    @property
    def label(self) -> str:
        """The spec that recreates this function: 'leaky_relu:alpha=0.2' (non-defaults only)."""
        changed = [
            f"{k}={v:g}" for k, v in self.params.items() if v != self.decl.params[k].default
        ]
        return f"{self.name}:{','.join(changed)}" if changed else self.name

    def value(self, x: Any, threads: int | None = None, out: np.ndarray | None = None) -> np.ndarray:
        """f(x). Large inputs use `threads` threads (default: every core); same bits either way."""
        return apply(self.decl.value, x, self.params, threads, out)

    def grad(self, x: Any, threads: int | None = None, out: np.ndarray | None = None) -> np.ndarray:
        """f'(x), with the declared convention at kinks (or the dialect's)."""
        return apply(self._grad_kernel, x, self.params, threads, out)

    @property
    def _grad_kernel(self) -> Kernel:
        if not self.kink_grad:
            return self.decl.grad

        def grad(x: np.ndarray, out: np.ndarray, **params: float) -> np.ndarray:
            y = self.decl.grad(x, out, **params)
            for kink, slope in self.kink_grad.items():
                np.copyto(y, slope, where=x == kink)
            return y

        return grad

    def grad2(self, x: Any, threads: int | None = None, out: np.ndarray | None = None) -> np.ndarray:
        """f''(x)."""
        return apply(self.decl.grad2, x, self.params, threads, out)

    def derivative(
        self, x: Any, order: int = 1, threads: int | None = None, out: np.ndarray | None = None
    ) -> np.ndarray:
        """f (order 0), f' (1) or f'' (2)."""
        kernels = {0: self.decl.value, 1: self._grad_kernel, 2: self.decl.grad2}
        if order not in kernels:
            raise ActivationError(f"order must be 0, 1 or 2, not {order}")
        return apply(kernels[order], x, self.params, threads, out)

    def subgradient(self, x: Any) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi): the interval of one-sided derivatives; see `subgradient`."""
        return subgradient(self, x)

    def prop(self, key: str) -> Any:
        """A declared property, resolved for these parameters (e.g. 'output_range', 'kinks')."""
        return _resolve(getattr(self.decl, key), self.params)

    @property
    def output_range(self) -> Interval:
        return self.prop("output_range")

    @property
    def kinks(self) -> tuple[float, ...]:
        return tuple(self.prop("kinks"))


def subgradient(fn: Any, x: Any) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) for anything with `.grad` and `.kinks`: lo == hi == f'(x) away from kinks; at a
    kink, the interval between the one-sided derivatives.

    The one-sided limits are read just beside the kink, which is exact for the piecewise-linear
    functions and within rounding for the others.
    """
    xs = np.asarray(x, dtype=np.float64)
    g = np.asarray(fn.grad(xs), dtype=np.float64)
    lo, hi = g.copy(), g.copy()
    for k in fn.kinks:
        at = xs == k
        if at.any():
            left = float(fn.grad(np.nextafter(k, -np.inf)))
            right = float(fn.grad(np.nextafter(k, np.inf)))
            lo[at], hi[at] = min(left, right), max(left, right)
    return lo, hi
