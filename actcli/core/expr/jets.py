"""Forward-mode differentiation: jets (f, f', f'') and their arithmetic, and the elementary
functions of the expression language as v -> (g(v), g'(v), g''(v)), each in its stable form.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

import numpy as np

from actcli.core.numerics import sech2, two_prod

_TWO_OVER_SQRT_PI = 1.1283791670955126  # 2/√π, correctly rounded


# --- jets: (f, f', f'') --------------------------------------------------------------------
# Each part is an array or a float; a derivative that is exactly zero by construction (of a
# constant, or f'' of x) is None, so that 0·inf never turns a true zero into nan.

Jet = tuple[Any, Any, Any]


def add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    return a if b is None else a + b


def neg(a: Any) -> Any:
    return None if a is None else -a


def times(a: Any, b: Any) -> Any:
    return None if a is None or b is None else a * b


def chain(u: Jet, g: tuple[Any, Any, Any], n: int) -> Jet:
    """(g∘u)' = g'(u)·u', (g∘u)'' = g''(u)·u'² + g'(u)·u'' from g's jet at u."""
    _, u1, u2 = u
    f1 = times(g[1], u1) if n > 1 else None
    f2 = add(times(g[2], times(u1, u1)), times(g[1], u2)) if n > 2 else None
    return g[0], f1, f2


def product(a: Jet, b: Jet, n: int) -> Jet:
    """(ab)' = a'b + ab', (ab)'' = a''b + 2a'b' + ab''."""
    f1 = add(times(a[1], b[0]), times(a[0], b[1])) if n > 1 else None
    f2 = None
    if n > 2:
        f2 = add(add(times(a[2], b[0]), times(2.0, times(a[1], b[1]))), times(a[0], b[2]))
    return a[0] * b[0], f1, f2


def quotient(a: Jet, b: Jet, n: int) -> Jet:
    """q = a/b; q' = (a' − q·b')/b, q'' = (a'' − 2q'b' − q·b'')/b: no b² or b³ to overflow."""
    q = a[0] / b[0]
    q1 = q2 = None
    if n > 1:
        top = add(a[1], neg(times(q, b[1])))
        q1 = None if top is None else top / b[0]
    if n > 2:
        top = add(add(a[2], neg(times(2.0, times(q1, b[1])))), neg(times(q, b[2])))
        q2 = None if top is None else top / b[0]
    return q, q1, q2


# --- the elementary functions: v -> (g(v), g'(v), g''(v)), the derivatives only when n asks ---


def _clip40(v: Any) -> Any:
    # Beyond ±40, e^(−v²) is 0: clipped, v·e^(−v²) is 0 at ±inf too (not inf·0 = nan), and
    # two_prod gets |v| < 1e300.
    return np.clip(v, -40.0, 40.0)


def _gauss(v: Any) -> Any:
    """e^(−v²), with v² carried as hi + lo: rounding v² first would cost v²·eps of relative error."""
    vc = _clip40(v)
    hi, lo = two_prod(vc, vc)
    return np.exp(-hi) * (1.0 - lo)


def _exp(v: Any, n: int) -> tuple[Any, Any, Any]:
    e = np.exp(v)
    return e, e, e


def _log(v: Any, n: int) -> tuple[Any, Any, Any]:
    r = 1.0 / v if n > 1 else None
    return np.log(v), r, neg(times(r, r))


def _log1p(v: Any, n: int) -> tuple[Any, Any, Any]:
    r = 1.0 / (1.0 + v) if n > 1 else None
    return np.log1p(v), r, neg(times(r, r))


def _expm1(v: Any, n: int) -> tuple[Any, Any, Any]:
    e = np.exp(v) if n > 1 else None
    return np.expm1(v), e, e


def _sqrt(v: Any, n: int) -> tuple[Any, Any, Any]:
    s = np.sqrt(v)
    g1 = 0.5 / s if n > 1 else None
    # −¼·v^(−3/2) as −½·g'/v: forming v·√v would overflow for v beyond 1e205.
    return s, g1, -0.5 * g1 / v if n > 2 else None


def _sin(v: Any, n: int) -> tuple[Any, Any, Any]:
    s = np.sin(v)
    return s, np.cos(v) if n > 1 else None, -s


def _cos(v: Any, n: int) -> tuple[Any, Any, Any]:
    c = np.cos(v)
    return c, -np.sin(v) if n > 1 else None, -c


def _tanh(v: Any, n: int) -> tuple[Any, Any, Any]:
    t = np.tanh(v)
    s2 = sech2(v) if n > 1 else None  # not 1 − t², which is 0 beyond |v| = 19
    return t, s2, times(-2.0 * t, s2)


def _erf(v: Any, n: int) -> tuple[Any, Any, Any]:
    from scipy.special import erf

    d = _TWO_OVER_SQRT_PI * _gauss(v) if n > 1 else None
    return erf(v), d, times(-2.0 * _clip40(v), d) if n > 2 else None


def _erfc(v: Any, n: int) -> tuple[Any, Any, Any]:
    from scipy.special import erfc

    d = _TWO_OVER_SQRT_PI * _gauss(v) if n > 1 else None
    return erfc(v), neg(d), times(2.0 * _clip40(v), d) if n > 2 else None


def _tan(v: Any, n: int) -> tuple[Any, Any, Any]:
    t = np.tan(v)
    g1 = 1.0 + t * t if n > 1 else None  # sec² as 1 + tan²: one tan, no cos to divide by
    return t, g1, times(2.0 * t, g1) if n > 2 else None


def _atan(v: Any, n: int) -> tuple[Any, Any, Any]:
    if n == 1:
        return np.arctan(v), None, None
    # 1/(1 + v²) and v/(1 + v²), in w = 1/|v| beyond |v| = 1: v² would overflow past 1e154
    # (and underflow the derivatives to 0 long before the true values do).
    a = np.abs(v)
    small = np.minimum(a, 1.0)
    w = 1.0 / np.maximum(a, 1.0)
    big = a > 1.0
    g1 = np.where(big, w * w / (1.0 + w * w), 1.0 / (1.0 + small * small))
    q = np.where(big, np.sign(v) * w / (1.0 + w * w), np.sign(v) * small / (1.0 + small * small))
    return np.arctan(v), g1, -2.0 * q * g1 if n > 2 else None  # −2v/(1 + v²)²


def _sinh(v: Any, n: int) -> tuple[Any, Any, Any]:
    with np.errstate(over="ignore"):  # beyond |v| ≈ 710.5 the true value overflows: ±inf
        s = np.sinh(v)
        c = np.cosh(v) if n > 1 else None
    return s, c, s


def _cosh(v: Any, n: int) -> tuple[Any, Any, Any]:
    with np.errstate(over="ignore"):  # beyond |v| ≈ 710.5 the true value overflows: inf
        c = np.cosh(v)
        s = np.sinh(v) if n > 1 else None
    return c, s, c


def _sign(v: Any, n: int) -> tuple[Any, Any, Any]:
    # sign(0) = 0, and sign' = sign'' = 0 everywhere, at the jump too (as relu'(0) = 0): an
    # exact zero (None), so 0·inf in the chain rule stays 0.
    return np.sign(v), None, None


ELEMENTARY: dict[str, Callable[[Any, int], tuple[Any, Any, Any]]] = {
    "exp": _exp, "log": _log, "log1p": _log1p, "expm1": _expm1, "sqrt": _sqrt,
    "sin": _sin, "cos": _cos, "tan": _tan, "atan": _atan, "sinh": _sinh, "cosh": _cosh,
    "tanh": _tanh, "erf": _erf, "erfc": _erfc, "sign": _sign,
}
KINKED = {"sign": (0.0,)}  # elementary functions with a jump: where their argument switches
SPECIAL = ("abs", "min", "max", "clip", "where", "pow")  # their own nodes (or rules) in tree/parse
COMPARISONS: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Lt: ("<", np.less), ast.LtE: ("<=", np.less_equal), ast.Gt: (">", np.greater),
    ast.GtE: (">=", np.greater_equal), ast.Eq: ("==", np.equal), ast.NotEq: ("!=", np.not_equal),
}
