"""User-defined activations: a small, safe expression language in x, with exact derivatives.

- `parse(text)`: checks `text` against a whitelist of Python's expression syntax (`ast`, never
  eval) and returns an `Expression`, or raises `ExpressionError` quoting the offending part.
- `Expression`: `.value`, `.grad`, `.grad2`, `.derivative`, like an `Activation`. Derivatives
  are exact to rounding: forward-mode automatic differentiation carries the jet (f, f', f'')
  through the tree; catalog activations inside use their own accurate kernels in the chain rule.
- `looks_like_expression(text)`: whether a FUNC argument is an expression or a catalog spec.

The language:

    numbers (decimal), x, pi, e; + - * / ** and unary minus; parentheses;
    exp log log1p expm1 sqrt abs sin cos tanh erf erfc     one argument each
    min(a, b, ...)  max(a, b, ...)                         two or more arguments
    where(a < b, c, d)   one comparison (< <= > >= == !=) of two sub-expressions, then c if true
    every catalog activation by name or alias, the input first and parameters as keywords with
    constant values: leaky_relu(2*x, alpha=0.2), hardtanh(x, min=-2, max=2)

Conventions at kinks, the catalog's:
    abs'(0) = 0 (sign(0) = 0);
    max(a, b) and min(a, b) take b, value and derivatives, when a == b: max(x, 0) is relu bit for
    bit, with max(x, 0)'(0) = 0. Put the constant last. Three or more arguments fold from the
    left: max(a, b, c) = max(max(a, b), c);
    where(c, a, b) differentiates the branch it picks.

Powers: u**p with a constant p needs |p| <= 64 and is defined where numpy's power is (a negative
u needs an integer p). u**v with v depending on x is exp(v·log u): u > 0, and a constant u must
be positive.

Limits, all checked before anything is evaluated: 1000 characters; 100 levels of nesting, both
of parentheses (counted before `ast.parse` sees the text) and of the parsed tree, where a run of
+ and - or of * and / is one level; |number| <= 1e300; plain printable ASCII only.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actcli.core.kernels import apply
from actcli.core.numerics import sech2, two_prod
from actcli.core.registry import (
    Activation,
    ActivationError,
    ParameterError,
    UnknownFunctionError,
    declaration,
    names,
    suggest,
)

MAX_LENGTH = 1000
MAX_DEPTH = 100
MAX_EXPONENT = 64.0
MAX_NUMBER = 1e300
VARIABLE = "x"
CONSTANTS = {"pi": math.pi, "e": math.e}

_TWO_OVER_SQRT_PI = 1.1283791670955126  # 2/√π, correctly rounded
_DECIMAL = re.compile(r"(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d[\d_]*)?")


class ExpressionError(ActivationError):
    """An expression outside the language or its limits.

    `str()` is one line: what is wrong, the offending part in quotes and its 1-based column, as
    in "unknown function: 'sigmod' at column 3; did you mean 'sigmoid'?". `.segment` and
    `.column` hold the part and its column (None for whole-text problems such as the length).
    """

    def __init__(
        self, reason: str, segment: str | None = None, column: int | None = None, hint: str = ""
    ) -> None:
        self.reason, self.segment, self.column = reason, segment, column
        at = f": {_quote(_clip(segment))} at column {column}" if segment is not None else ""
        super().__init__(f"{reason}{at}{hint}")


def _clip(segment: str, width: int = 40) -> str:
    return segment if len(segment) <= width else segment[: width - 3] + "..."


def _quote(segment: str) -> str:
    return f'"{segment}"' if "'" in segment else f"'{segment}'"


# --- jets: (f, f', f'') --------------------------------------------------------------------
# Each part is an array or a float; a derivative that is exactly zero by construction (of a
# constant, or f'' of x) is None, so that 0·inf never turns a true zero into nan.

Jet = tuple[Any, Any, Any]


def _add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    return a if b is None else a + b


def _neg(a: Any) -> Any:
    return None if a is None else -a


def _times(a: Any, b: Any) -> Any:
    return None if a is None or b is None else a * b


def _chain(u: Jet, g: tuple[Any, Any, Any], n: int) -> Jet:
    """(g∘u)' = g'(u)·u', (g∘u)'' = g''(u)·u'² + g'(u)·u'' from g's jet at u."""
    _, u1, u2 = u
    f1 = _times(g[1], u1) if n > 1 else None
    f2 = _add(_times(g[2], _times(u1, u1)), _times(g[1], u2)) if n > 2 else None
    return g[0], f1, f2


def _product(a: Jet, b: Jet, n: int) -> Jet:
    """(ab)' = a'b + ab', (ab)'' = a''b + 2a'b' + ab''."""
    f1 = _add(_times(a[1], b[0]), _times(a[0], b[1])) if n > 1 else None
    f2 = None
    if n > 2:
        f2 = _add(_add(_times(a[2], b[0]), _times(2.0, _times(a[1], b[1]))), _times(a[0], b[2]))
    return a[0] * b[0], f1, f2


def _quotient(a: Jet, b: Jet, n: int) -> Jet:
    """q = a/b; q' = (a' − q·b')/b, q'' = (a'' − 2q'b' − q·b'')/b: no b² or b³ to overflow."""
    q = a[0] / b[0]
    q1 = q2 = None
    if n > 1:
        top = _add(a[1], _neg(_times(q, b[1])))
        q1 = None if top is None else top / b[0]
    if n > 2:
        top = _add(_add(a[2], _neg(_times(2.0, _times(q1, b[1])))), _neg(_times(q, b[2])))
        q2 = None if top is None else top / b[0]
    return q, q1, q2


# --- the elementary functions: v -> (g(v), g'(v), g''(v)), the derivatives only when n asks ---


def _gauss(v: Any) -> Any:
    """e^(−v²), with v² carried as hi + lo: rounding v² first would cost v²·eps of relative error."""
    vc = np.clip(v, -40.0, 40.0)  # beyond, e^(−v²) is 0; and two_prod needs |v| < 1e300
    hi, lo = two_prod(vc, vc)
    return np.exp(-hi) * (1.0 - lo)


def _exp(v: Any, n: int) -> tuple[Any, Any, Any]:
    e = np.exp(v)
    return e, e, e


def _log(v: Any, n: int) -> tuple[Any, Any, Any]:
    r = 1.0 / v if n > 1 else None
    return np.log(v), r, _neg(_times(r, r))


def _log1p(v: Any, n: int) -> tuple[Any, Any, Any]:
    r = 1.0 / (1.0 + v) if n > 1 else None
    return np.log1p(v), r, _neg(_times(r, r))


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
    return t, s2, _times(-2.0 * t, s2)


def _erf(v: Any, n: int) -> tuple[Any, Any, Any]:
    from scipy.special import erf

    d = _TWO_OVER_SQRT_PI * _gauss(v) if n > 1 else None
    return erf(v), d, _times(-2.0 * v, d)


def _erfc(v: Any, n: int) -> tuple[Any, Any, Any]:
    from scipy.special import erfc

    d = _TWO_OVER_SQRT_PI * _gauss(v) if n > 1 else None
    return erfc(v), _neg(d), _times(2.0 * v, d)


ELEMENTARY: dict[str, Callable[[Any, int], tuple[Any, Any, Any]]] = {
    "exp": _exp, "log": _log, "log1p": _log1p, "expm1": _expm1, "sqrt": _sqrt,
    "sin": _sin, "cos": _cos, "tanh": _tanh, "erf": _erf, "erfc": _erfc,
}
SPECIAL = ("abs", "min", "max", "where")  # kinked: their own nodes below
COMPARISONS: dict[type, tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Lt: ("<", np.less), ast.LtE: ("<=", np.less_equal), ast.Gt: (">", np.greater),
    ast.GtE: (">=", np.greater_equal), ast.Eq: ("==", np.equal), ast.NotEq: ("!=", np.not_equal),
}


# --- the parsed tree -----------------------------------------------------------------------
# Precedence, for printing with the fewest parentheses that keep the tree.
SUM, PRODUCT, SIGN, POWER, ATOM = range(5)


def _number(v: float) -> str:
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


class _Node:
    """A node of the parsed tree. `const` is its value when it does not depend on x."""

    prec = ATOM
    const: float | None = None

    def children(self) -> tuple[_Node, ...]:
        return ()

    def jet(self, x: Any, n: int) -> Jet:
        """The first n of (f, f', f'') at x; a constant is (value, None, None)."""
        if self.const is not None:
            return self.const, None, None
        return self._jet(x, n)

    def _jet(self, x: Any, n: int) -> Jet:
        raise NotImplementedError

    def show(self) -> str:
        raise NotImplementedError

    def switches(self) -> tuple[tuple[_Node, _Node | None, tuple[float, ...]], ...] | None:
        """Where this node switches branch: (u, v, ks) for u − v = k, k in ks (v None: 0);
        None when that is not cheaply known."""
        return ()


def _wrap(node: _Node, parens: bool) -> str:
    return f"({node.show()})" if parens else node.show()


class _X(_Node):
    def _jet(self, x: Any, n: int) -> Jet:
        return x, 1.0, None

    def show(self) -> str:
        return VARIABLE


class _Number(_Node):
    def __init__(self, value: float, name: str | None = None) -> None:
        # numpy scalars, not Python floats: 1/0 gives inf (reported by the parser), not an error.
        self.const, self.name = np.float64(value), name

    def show(self) -> str:
        return self.name or _number(self.const)


class _Neg(_Node):
    prec = SIGN

    def __init__(self, arg: _Node) -> None:
        self.arg = arg

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)

    def _jet(self, x: Any, n: int) -> Jet:
        f0, f1, f2 = self.arg.jet(x, n)
        return -f0, _neg(f1), _neg(f2)

    def show(self) -> str:
        return "-" + _wrap(self.arg, self.arg.prec <= SIGN)


class _Chain(_Node):
    """A run of + and − (or of * and /), evaluated left to right as Python would."""

    def __init__(self, first: _Node, rest: tuple[tuple[str, _Node], ...]) -> None:
        self.first, self.rest = first, rest
        self.prec = SUM if rest[0][0] in "+-" else PRODUCT

    def children(self) -> tuple[_Node, ...]:
        return (self.first, *(node for _, node in self.rest))

    def _jet(self, x: Any, n: int) -> Jet:
        acc = self.first.jet(x, n)
        for op, node in self.rest:
            b = node.jet(x, n)
            if op == "+":
                acc = (acc[0] + b[0], _add(acc[1], b[1]), _add(acc[2], b[2]))
            elif op == "-":
                acc = (acc[0] - b[0], _add(acc[1], _neg(b[1])), _add(acc[2], _neg(b[2])))
            elif op == "*":
                acc = _product(acc, b, n)
            else:
                acc = _quotient(acc, b, n)
        return acc

    def show(self) -> str:
        out = _wrap(self.first, self.first.prec < self.prec)
        for op, node in self.rest:
            term = _wrap(node, node.prec <= self.prec or node.prec == SIGN)
            out += f" {op} {term}" if self.prec == SUM else f"{op}{term}"
        return out


class _Pow(_Node):
    prec = POWER

    def __init__(self, base: _Node, exponent: _Node) -> None:
        self.base, self.exponent = base, exponent

    def children(self) -> tuple[_Node, ...]:
        return (self.base, self.exponent)

    def _jet(self, x: Any, n: int) -> Jet:
        u = self.base.jet(x, n)
        p = self.exponent.const
        if p is not None:
            if p == 0.0:
                return np.power(u[0], 0.0), None, None
            if p == 1.0:
                return u
            g1 = p * np.power(u[0], p - 1.0) if n > 1 else None
            g2 = p * (p - 1.0) * np.power(u[0], p - 2.0) if n > 2 else None
            return _chain(u, (np.power(u[0], p), g1, g2), n)
        # u**v = exp(w) with w = v·log u; the value itself from power, which is exact to rounding.
        v = self.exponent.jet(x, n)
        f0 = np.power(u[0], v[0])
        if n == 1:
            return f0, None, None
        _, w1, w2 = _product(v, _chain(u, _log(u[0], n), n), n)
        return f0, _times(f0, w1), _times(f0, _add(_times(w1, w1), w2)) if n > 2 else None

    def show(self) -> str:
        base = _wrap(self.base, self.base.prec <= POWER)
        exponent = _wrap(self.exponent, self.exponent.prec <= SIGN)
        return f"{base}**{exponent}"


class _Call(_Node):
    """An elementary function of one argument."""

    def __init__(self, name: str, arg: _Node) -> None:
        self.name, self.arg, self.fn = name, arg, ELEMENTARY[name]

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)

    def _jet(self, x: Any, n: int) -> Jet:
        u = self.arg.jet(x, n)
        return _chain(u, self.fn(u[0], n), n)

    def show(self) -> str:
        return f"{self.name}({self.arg.show()})"


class _Abs(_Node):
    def __init__(self, arg: _Node) -> None:
        self.arg = arg

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)

    def _jet(self, x: Any, n: int) -> Jet:
        u0, u1, u2 = self.arg.jet(x, n)
        s = np.sign(u0) if n > 1 else None  # sign(0) = 0: abs'(0) = 0
        return np.abs(u0), _times(s, u1), _times(s, u2)

    def show(self) -> str:
        return f"abs({self.arg.show()})"

    def switches(self) -> tuple[tuple[_Node, _Node | None, tuple[float, ...]], ...]:
        return ((self.arg, None, (0.0,)),)


def _pick(take: Any, bad: Any, a: Jet, b: Jet, n: int) -> Jet:
    """a where take, else b; the value is nan where `bad` (a comparison with nan is False)."""
    f0 = np.where(bad, np.nan, np.where(take, a[0], b[0]))
    out = [f0]
    for k in (1, 2):
        if k >= n or (a[k] is None and b[k] is None):
            out.append(None)
        else:
            out.append(np.where(take, 0.0 if a[k] is None else a[k], 0.0 if b[k] is None else b[k]))
    return out[0], out[1], out[2]


class _MinMax(_Node):
    def __init__(self, name: str, args: tuple[_Node, ...]) -> None:
        self.name, self.args = name, args

    def children(self) -> tuple[_Node, ...]:
        return self.args

    def _jet(self, x: Any, n: int) -> Jet:
        better = np.greater if self.name == "max" else np.less
        acc = self.args[0].jet(x, n)
        for node in self.args[1:]:
            b = node.jet(x, n)
            # Strictly better, or b: on a tie the second argument's derivatives win.
            acc = _pick(better(acc[0], b[0]), np.isnan(acc[0]) | np.isnan(b[0]), acc, b, n)
        return acc

    def show(self) -> str:
        return f"{self.name}({', '.join(a.show() for a in self.args)})"

    def switches(self) -> tuple[tuple[_Node, _Node | None, tuple[float, ...]], ...] | None:
        if len(self.args) != 2:
            return None
        return ((self.args[0], self.args[1], (0.0,)),)


class _Where(_Node):
    def __init__(self, op: type, left: _Node, right: _Node, a: _Node, b: _Node) -> None:
        self.op, self.left, self.right, self.a, self.b = op, left, right, a, b

    def children(self) -> tuple[_Node, ...]:
        return (self.left, self.right, self.a, self.b)

    def _jet(self, x: Any, n: int) -> Jet:
        lhs, rhs = self.left.jet(x, 1)[0], self.right.jet(x, 1)[0]
        take = COMPARISONS[self.op][1](lhs, rhs)
        return _pick(take, np.isnan(lhs) | np.isnan(rhs), self.a.jet(x, n), self.b.jet(x, n), n)

    def show(self) -> str:
        cond = f"{self.left.show()} {COMPARISONS[self.op][0]} {self.right.show()}"
        return f"where({cond}, {self.a.show()}, {self.b.show()})"

    def switches(self) -> tuple[tuple[_Node, _Node | None, tuple[float, ...]], ...]:
        return ((self.left, self.right, (0.0,)),)


class _Activation(_Node):
    """A catalog activation, through its own kernels: (g∘u)' = g'(u)·u'."""

    def __init__(self, act: Activation, arg: _Node, keywords: tuple[tuple[str, _Node], ...]) -> None:
        self.act, self.arg, self.keywords = act, arg, keywords

    def children(self) -> tuple[_Node, ...]:
        return (self.arg,)

    def _jet(self, x: Any, n: int) -> Jet:
        u0, u1, u2 = self.arg.jet(x, n)
        v = np.atleast_1d(np.asarray(u0, dtype=np.float64))
        d, p = self.act.decl, self.act.params
        # Kernels write into `out`: each result gets its own buffer.
        g0 = d.value(v, np.empty_like(v), **p)
        # Kernels branch on comparisons, which are False for nan: put the nan back.
        g0 = np.where(np.isnan(v), np.nan, g0)
        g1 = d.grad(v, np.empty_like(v), **p) if n > 1 else None
        g2 = d.grad2(v, np.empty_like(v), **p) if n > 2 else None
        return _chain((v, u1, u2), (g0, g1, g2), n)

    def show(self) -> str:
        args = [self.arg.show(), *(f"{k}={v.show()}" for k, v in self.keywords)]
        return f"{self.act.name}({', '.join(args)})"

    def switches(self) -> tuple[tuple[_Node, _Node | None, tuple[float, ...]], ...]:
        kinks = self.act.kinks
        return ((self.arg, None, kinks),) if kinks else ()


# --- kinks ---------------------------------------------------------------------------------


def _affine(node: _Node) -> tuple[float, float] | None:
    """(a, b) with node = a·x + b, or None when node is not affine in x (as far as cheaply seen)."""
    if node.const is not None:
        return 0.0, node.const
    if isinstance(node, _X):
        return 1.0, 0.0
    if isinstance(node, _Neg):
        inner = _affine(node.arg)
        return None if inner is None else (-inner[0], -inner[1])
    if isinstance(node, _Chain):
        acc = _affine(node.first)
        for op, child in node.rest:
            b = _affine(child)
            if acc is None or b is None:
                return None
            if op in "+-":
                s = 1.0 if op == "+" else -1.0
                acc = (acc[0] + s * b[0], acc[1] + s * b[1])
            elif op == "*" and (acc[0] == 0.0 or b[0] == 0.0):
                acc = (acc[0] * b[1] + acc[1] * b[0], acc[1] * b[1])
            elif op == "/" and b[0] == 0.0:
                acc = (acc[0] / b[1], acc[1] / b[1])
            else:
                return None
        return acc
    return None


def _kinks(root: _Node) -> tuple[float, ...]:
    """The x where some node switches branch, when every switch is affine in x; else ()."""
    found: set[float] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if node.const is not None:
            continue  # a constant does not switch as x moves
        stack.extend(node.children())
        switches = node.switches()
        if switches is None:
            return ()
        for u, v, ks in switches:
            a, b = _affine(u), (0.0, 0.0) if v is None else _affine(v)
            if a is None or b is None:
                return ()
            slope, offset = a[0] - b[0], a[1] - b[1]
            if slope != 0.0:
                found.update((k - offset) / slope for k in ks)
    return tuple(sorted(k for k in found if math.isfinite(k)))


# --- parsing -------------------------------------------------------------------------------

_REJECTED: dict[type, str] = {
    ast.Attribute: "attributes are not allowed",
    ast.Subscript: "indexing is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.IfExp: "conditional expressions are not allowed; use where(a > b, c, d)",
    ast.Compare: "a comparison is only allowed as the condition of where(a > b, c, d)",
    ast.BoolOp: "'and' and 'or' are not allowed; use where(a > b, c, d)",
    ast.NamedExpr: "assignment is not allowed",
    ast.Starred: "starred arguments are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}
_OPERATORS: dict[type, str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_OTHER_OPERATORS: dict[type, str] = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^", ast.Invert: "~", ast.Not: "not",
}
_SUPPORTED = "+ - * / ** and unary minus"


def _known_functions() -> list[str]:
    return [*ELEMENTARY, *SPECIAL, *names(aliases=True)]


class _Parser:
    """Turns a checked `ast` tree into `_Node`s, one whitelisted node type at a time."""

    def __init__(self, src: str, lead: int) -> None:
        self.src, self.lead = src, lead

    def fail(self, reason: str, node: ast.AST, hint: str = "") -> ExpressionError:
        segment = ast.get_source_segment(self.src, node) or ""
        return ExpressionError(reason, segment, self.lead + node.col_offset + 1, hint)

    def build(self, node: ast.AST, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            raise self.fail(f"the expression nests deeper than {MAX_DEPTH} levels", node)
        if isinstance(node, ast.Constant):
            out: _Node = self.constant(node)
        elif isinstance(node, ast.Name):
            out = self.name(node)
        elif isinstance(node, ast.UnaryOp):
            out = self.unary(node, depth)
        elif isinstance(node, ast.BinOp):
            out = self.binary(node, depth)
        elif isinstance(node, ast.Call):
            out = self.call(node, depth)
        else:
            reason = _REJECTED.get(type(node), "this is not part of the expression language")
            raise self.fail(reason, node)
        return self.fold(out, node)

    def fold(self, out: _Node, node: ast.AST) -> _Node:
        """Give an x-free node its value now, the same float operations evaluation would do."""
        if out.const is not None or isinstance(out, _X):
            return out
        if all(c.const is not None for c in out.children()):
            with np.errstate(all="ignore"):  # a non-finite result is reported just below
                value = float(np.asarray(out.jet(None, 1)[0], dtype=np.float64).reshape(-1)[0])
            if not math.isfinite(value):
                raise self.fail(f"this constant is not a finite number ({value})", node)
            out.const = np.float64(value)
        return out

    def constant(self, node: ast.Constant) -> _Node:
        v = node.value
        if isinstance(v, (str, bytes)):
            raise self.fail("strings are not allowed", node)
        if isinstance(v, complex):
            raise self.fail("complex numbers are not allowed", node)
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.fail("not a number", node)
        segment = ast.get_source_segment(self.src, node) or ""
        if not _DECIMAL.fullmatch(segment):
            raise self.fail("only decimal numbers are allowed, as in 2, 0.5, 1e-3", node)
        try:
            value = float(v)
        except OverflowError:
            value = math.inf
        if not value <= MAX_NUMBER:
            raise self.fail(f"number too large (the limit is {MAX_NUMBER:g})", node)
        return _Number(value)

    def name(self, node: ast.Name) -> _Node:
        if node.id == VARIABLE:
            return _X()
        if node.id in CONSTANTS:
            return _Number(CONSTANTS[node.id], node.id)
        if node.id in ELEMENTARY or node.id in SPECIAL or node.id.lower() in names(aliases=True):
            raise self.fail(f"'{node.id}' is a function; call it, as in {node.id}(x)", node)
        lower = node.id.lower()
        hint = (
            f"; did you mean '{lower}'?"
            if lower in (VARIABLE, *CONSTANTS)
            else f"; the variable is '{VARIABLE}', the constants 'pi' and 'e'"
        )
        raise self.fail("unknown name", node, hint)

    def unary(self, node: ast.UnaryOp, depth: int) -> _Node:
        if isinstance(node.op, ast.USub):
            return _Neg(self.build(node.operand, depth + 1))
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand, depth + 1)
        op = _OTHER_OPERATORS.get(type(node.op), type(node.op).__name__)
        raise self.fail(f"operator '{op}' is not supported (only {_SUPPORTED})", node)

    def binary(self, node: ast.BinOp, depth: int) -> _Node:
        if isinstance(node.op, ast.Pow):
            return self.power(node, depth)
        if type(node.op) not in _OPERATORS:
            op = _OTHER_OPERATORS.get(type(node.op), type(node.op).__name__)
            raise self.fail(f"operator '{op}' is not supported (only {_SUPPORTED})", node)
        # Walk down the left spine of a run like a + b − c without recursing: a long sum is
        # one level, however many terms it has.
        group = (ast.Add, ast.Sub) if isinstance(node.op, (ast.Add, ast.Sub)) else (ast.Mult, ast.Div)
        rest: list[tuple[str, ast.AST]] = []
        left: ast.AST = node
        while isinstance(left, ast.BinOp) and isinstance(left.op, group):
            rest.append((_OPERATORS[type(left.op)], left.right))
            left = left.left
        first = self.build(left, depth + 1)
        terms = tuple((op, self.build(right, depth + 1)) for op, right in reversed(rest))
        return _Chain(first, terms)

    def power(self, node: ast.BinOp, depth: int) -> _Node:
        base = self.build(node.left, depth + 1)
        exponent = self.build(node.right, depth + 1)
        p = exponent.const
        if p is not None and abs(p) > MAX_EXPONENT:
            raise self.fail(
                f"exponent {_number(p)} is out of range (|exponent| <= {MAX_EXPONENT:g})", node.right
            )
        if p is None and base.const is not None and not base.const > 0:
            raise self.fail("a power with a variable exponent needs a positive base", node.left)
        return _Pow(base, exponent)

    def call(self, node: ast.Call, depth: int) -> _Node:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only named functions can be called", node.func)
        name = node.func.id
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail("starred arguments are not allowed", arg)
        for kw in node.keywords:
            if kw.arg is None:
                raise self.fail("'**' arguments are not allowed", kw)
        if name in (VARIABLE, *CONSTANTS):
            raise self.fail(f"'{name}' is not a function", node.func)
        if name in ELEMENTARY or name in SPECIAL:
            if node.keywords:
                raise self.fail(f"{name} takes no parameters", node.keywords[0])
            return self.elementary(node, name, depth)
        try:
            decl = declaration(name)
        except UnknownFunctionError:
            hint = suggest(name.lower(), _known_functions()) or "; run 'actcli list' to see the names"
            raise self.fail("unknown function", node.func, hint) from None
        if len(node.args) != 1:
            raise self.fail(
                f"{decl.name} takes one argument, the input; give parameters as keywords, "
                f"as in {decl.name}(x{''.join(f', {k}={p.default:g}' for k, p in decl.params.items())})",
                node,
            )
        arg = self.build(node.args[0], depth + 1)
        keywords: list[tuple[str, _Node]] = []
        for kw in node.keywords:
            key = kw.arg or ""
            if key not in decl.params:
                known = ", ".join(decl.params) or "none"
                hint = suggest(key, list(decl.params)) or f"; its parameters: {known}"
                raise self.fail(f"{decl.name}: unknown parameter '{key}'", kw, hint)
            if any(k == key for k, _ in keywords):
                raise self.fail(f"{decl.name}: parameter '{key}' is given twice", kw)
            value = self.build(kw.value, depth + 1)
            if value.const is None:
                raise self.fail(f"{decl.name}: parameter '{key}' must be a constant", kw)
            try:
                decl.params[key].check(decl.name, key, value.const)
            except ParameterError as e:
                raise self.fail(str(e), kw) from None
            keywords.append((key, value))
        try:
            act = Activation(decl, {k: v.const for k, v in keywords})
        except ParameterError as e:  # a rule across parameters, as hardtanh's min < max
            raise self.fail(str(e), node) from None
        return _Activation(act, arg, tuple(keywords))

    def elementary(self, node: ast.Call, name: str, depth: int) -> _Node:
        n = len(node.args)
        if name in ("min", "max"):
            if n < 2:
                raise self.fail(f"{name} takes two or more arguments", node)
            return _MinMax(name, tuple(self.build(a, depth + 1) for a in node.args))
        if name == "where":
            if n != 3:
                raise self.fail("where takes three arguments: where(a > b, c, d)", node)
            cond = node.args[0]
            if not (
                isinstance(cond, ast.Compare)
                and len(cond.ops) == 1
                and type(cond.ops[0]) in COMPARISONS
            ):
                raise self.fail(
                    "the condition of where must be one comparison of two expressions, as in x > 0",
                    cond,
                )
            return _Where(
                type(cond.ops[0]),
                self.build(cond.left, depth + 2),
                self.build(cond.comparators[0], depth + 2),
                self.build(node.args[1], depth + 1),
                self.build(node.args[2], depth + 1),
            )
        if n != 1:
            raise self.fail(f"{name} takes one argument, not {n}", node)
        arg = self.build(node.args[0], depth + 1)
        return _Abs(arg) if name == "abs" else _Call(name, arg)


def _describe(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    label = unicodedata.name(ch, "")
    return f"{code} {label}" if label else code


def _precheck(text: str) -> tuple[str, int]:
    """Length, characters and parenthesis depth, before `ast.parse` sees the text.

    Returns the stripped source and the number of characters stripped in front of it.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}"
        )
    src = text.strip()
    if not src:
        raise ExpressionError("the expression is empty")
    lead = len(text) - len(text.lstrip())
    depth = 0
    for i, ch in enumerate(src):
        if not " " <= ch <= "~":
            # Python would read 'ｘ' as x (NFKC) and accept 'х' (Cyrillic) as a name: refuse both.
            plain = unicodedata.normalize("NFKC", ch)
            hint = f"; did you mean '{plain}'?" if plain.isascii() and plain.isprintable() else ""
            shown = ch if ch.isprintable() else ch.encode("unicode_escape").decode()
            raise ExpressionError(
                f"character {_describe(ch)} is not allowed (printable ASCII only)", shown, lead + i + 1, hint
            )
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(
                    f"parentheses nest deeper than {MAX_DEPTH} levels", src[i:], lead + i + 1
                )
        elif ch in ")]}":
            depth -= 1
    return src, lead


def _syntax_error(e: SyntaxError, src: str, lead: int) -> ExpressionError:
    # Python's suggestions ("Perhaps you forgot a comma?") are about Python, not this language.
    msg = (e.msg or "invalid syntax").split(". ")[0]
    offset = e.offset or 0
    if not 1 <= offset <= len(src):
        return ExpressionError("the expression is incomplete", src, lead + 1)
    token = re.match(r"\w+|\S", src[offset - 1 :])
    return ExpressionError(f"syntax error ({msg})", token.group() if token else "", lead + offset)


def parse(text: str) -> Expression:
    """Check and parse an expression in x; raise `ExpressionError` for anything else."""
    src, lead = _precheck(text)
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as e:
        raise _syntax_error(e, src, lead) from None
    except (RecursionError, MemoryError):  # cannot happen within the limits above; but never crash
        raise ExpressionError(f"the expression nests deeper than {MAX_DEPTH} levels") from None
    root = _Parser(src, lead).build(tree.body, 1)
    return Expression(text, root.show(), _kinks(root), root)


@dataclass(frozen=True)
class Expression:
    """A parsed expression in x, used like an `Activation`; make one with `parse`.

    Values keep float32/float16 (computed in float64, rounded once), like the catalog.
    """

    text: str
    formula: str  # the parsed tree printed back: one space around + and -, canonical names
    kinks: tuple[float, ...]  # x where an abs/max/min/where or a kinked activation switches
    _root: _Node = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        return self.text

    @property
    def params(self) -> dict[str, float]:
        return {}

    def _kernel(self, order: int) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
        def kernel(x: np.ndarray, out: np.ndarray) -> np.ndarray:
            # The evaluation boundary. A user's formula may leave its own domain (log of a
            # negative, 1/0, exp overflow), and where(c, a, b) evaluates both branches
            # everywhere: the IEEE result (nan, ±inf) is then the answer, as for numpy itself,
            # and a warning would blame the caller for a branch that was never picked. The
            # rules above avoid spurious overflow and cancellation inside their domains.
            with np.errstate(all="ignore"):
                jet = self._root.jet(x, order + 1)
            out[...] = 0.0 if jet[order] is None else jet[order]
            if order:  # a derivative is nan wherever the value is
                out[np.isnan(np.broadcast_to(jet[0], x.shape))] = np.nan
            return out

        return kernel

    def value(self, x: Any, threads: int | None = None, out: np.ndarray | None = None) -> Any:
        """f(x). Large inputs use `threads` threads (default: every core); same bits either way."""
        return apply(self._kernel(0), x, {}, threads, out)

    def grad(self, x: Any, threads: int | None = None, out: np.ndarray | None = None) -> Any:
        """f'(x), exact to rounding; kinks follow the conventions in the module docstring."""
        return apply(self._kernel(1), x, {}, threads, out)

    def grad2(self, x: Any, threads: int | None = None, out: np.ndarray | None = None) -> Any:
        """f''(x)."""
        return apply(self._kernel(2), x, {}, threads, out)

    def derivative(
        self, x: Any, order: int = 1, threads: int | None = None, out: np.ndarray | None = None
    ) -> Any:
        """f (order 0), f' (1) or f'' (2)."""
        if order not in (0, 1, 2):
            raise ActivationError(f"order must be 0, 1 or 2, not {order}")
        return apply(self._kernel(order), x, {}, threads, out)

    def subgradient(self, x: Any) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi): the interval of one-sided derivatives at the known kinks, else f'(x)."""
        from actcli.core.registry import subgradient

        return subgradient(self, x)


_SPEC_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(-[A-Za-z_][A-Za-z0-9_]*)*")


def looks_like_expression(text: str) -> bool:
    """True when `text` cannot be a catalog spec like 'leaky-relu:alpha=0.2', so is an expression.

    A spec is a name of letters, digits, '_' and '-' (each '-' followed by a letter), then
    optionally ':' and parameters; the name is not x, pi or e, nor has one of them between
    dashes (x-1 and pi-x are expressions). Anything else, e.g. '2*x', '(x)', 'x', is one.
    """
    name = text.strip().partition(":")[0].strip()
    if not _SPEC_NAME.fullmatch(name):
        return True
    return any(part in (VARIABLE, *CONSTANTS) for part in name.split("-"))
