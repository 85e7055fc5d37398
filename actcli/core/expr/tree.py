"""The parsed expression: a tree of nodes, each evaluating its jet (f, f', f'') from its
children's, with the language's limits, its one error type (`ExpressionError`) and the kinks
that the tree's kinked nodes put at affine functions of x.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from actcli.core.expr.jets import (
    COMPARISONS,
    ELEMENTARY,
    KINKED,
    Jet,
    add,
    chain,
    neg,
    product,
    quotient,
    times,
)
from actcli.core.registry import (
    Activation,
    ActivationError,
)

MAX_LENGTH = 1000
MAX_DEPTH = 100
MAX_EXPONENT = 64.0
MAX_NUMBER = 1e300
VARIABLE = "x"
CONSTANTS = {"pi": math.pi, "e": math.e}




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


# --- the parsed tree -----------------------------------------------------------------------
# Precedence, for printing with the fewest parentheses that keep the tree.
SUM, PRODUCT, SIGN, POWER, ATOM = range(5)


def number_text(v: float) -> str:
    text = repr(float(v))
    return text[:-2] if text.endswith(".0") else text


class Node:
    """A node of the parsed tree. `const` is its value when it does not depend on x."""

    prec = ATOM
    const: float | None = None

    def children(self) -> tuple[Node, ...]:
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

    def switches(self) -> tuple[tuple[Node, Node | None, tuple[float, ...]], ...] | None:
        """Where this node switches branch: (u, v, ks) for u − v = k, k in ks (v None: 0);
        None when that is not cheaply known."""
        return ()


def _wrap(node: Node, parens: bool) -> str:
    return f"({node.show()})" if parens else node.show()


class X(Node):
    def _jet(self, x: Any, n: int) -> Jet:
        return x, 1.0, None

    def show(self) -> str:
        return VARIABLE


class Number(Node):
    def __init__(self, value: float, name: str | None = None) -> None:
        # numpy scalars, not Python floats: 1/0 gives inf (reported by the parser), not an error.
        self.const, self.name = np.float64(value), name

    def show(self) -> str:
        return self.name or number_text(self.const)


class Neg(Node):
    prec = SIGN

    def __init__(self, arg: Node) -> None:
        self.arg = arg

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)

    def _jet(self, x: Any, n: int) -> Jet:
        f0, f1, f2 = self.arg.jet(x, n)
        return -f0, neg(f1), neg(f2)

    def show(self) -> str:
        return "-" + _wrap(self.arg, self.arg.prec <= SIGN)


class Chain(Node):
    """A run of + and − (or of * and /), evaluated left to right as Python would."""

    def __init__(self, first: Node, rest: tuple[tuple[str, Node], ...]) -> None:
        self.first, self.rest = first, rest
        self.prec = SUM if rest[0][0] in "+-" else PRODUCT

    def children(self) -> tuple[Node, ...]:
        return (self.first, *(node for _, node in self.rest))

    def _jet(self, x: Any, n: int) -> Jet:
        acc = self.first.jet(x, n)
        for op, node in self.rest:
            b = node.jet(x, n)
            if op == "+":
                acc = (acc[0] + b[0], add(acc[1], b[1]), add(acc[2], b[2]))
            elif op == "-":
                acc = (acc[0] - b[0], add(acc[1], neg(b[1])), add(acc[2], neg(b[2])))
            elif op == "*":
                acc = product(acc, b, n)
            else:
                acc = quotient(acc, b, n)
        return acc

    def show(self) -> str:
        out = _wrap(self.first, self.first.prec < self.prec)
        for op, node in self.rest:
            term = _wrap(node, node.prec <= self.prec or node.prec == SIGN)
            out += f" {op} {term}" if self.prec == SUM else f"{op}{term}"
        return out


class Pow(Node):
    prec = POWER

    def __init__(self, base: Node, exponent: Node) -> None:
        self.base, self.exponent = base, exponent

    def children(self) -> tuple[Node, ...]:
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
            return chain(u, (np.power(u[0], p), g1, g2), n)
        # u**v = exp(w) with w = v·log u; the value itself from power, which is exact to rounding.
        v = self.exponent.jet(x, n)
        f0 = np.power(u[0], v[0])
        if n == 1:
            return f0, None, None
        _, w1, w2 = product(v, chain(u, ELEMENTARY["log"](u[0], n), n), n)
        return f0, times(f0, w1), times(f0, add(times(w1, w1), w2)) if n > 2 else None

    def show(self) -> str:
        base = _wrap(self.base, self.base.prec <= POWER)
        exponent = _wrap(self.exponent, self.exponent.prec <= SIGN)
        return f"{base}**{exponent}"


class Call(Node):
    """An elementary function of one argument."""

    def __init__(self, name: str, arg: Node) -> None:
        self.name, self.arg, self.fn = name, arg, ELEMENTARY[name]

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)

    def _jet(self, x: Any, n: int) -> Jet:
        u = self.arg.jet(x, n)
        return chain(u, self.fn(u[0], n), n)

    def show(self) -> str:
        return f"{self.name}({self.arg.show()})"

    def switches(self) -> tuple[tuple[Node, Node | None, tuple[float, ...]], ...]:
        return ((self.arg, None, KINKED[self.name]),) if self.name in KINKED else ()


class Clip(Node):
    """clip(u, lo, hi) with constants lo < hi: hardtanh's rule, clip'(lo) = clip'(hi) = 0."""

    def __init__(self, arg: Node, lo: Node, hi: Node) -> None:
        self.arg, self.lo, self.hi = arg, lo, hi

    def children(self) -> tuple[Node, ...]:
        return (self.arg, self.lo, self.hi)

    def _jet(self, x: Any, n: int) -> Jet:
        u0, u1, u2 = self.arg.jet(x, n)
        lo, hi = self.lo.const, self.hi.const
        inside = (u0 > lo) & (u0 < hi) if n > 1 else None  # open: 0 at the kinks, as hardtanh
        f0 = np.clip(u0, lo, hi)  # nan stays nan
        f1 = None if u1 is None or n < 2 else np.where(inside, u1, 0.0)
        f2 = None if u2 is None or n < 3 else np.where(inside, u2, 0.0)
        return f0, f1, f2

    def show(self) -> str:
        return f"clip({self.arg.show()}, {self.lo.show()}, {self.hi.show()})"

    def switches(self) -> tuple[tuple[Node, Node | None, tuple[float, ...]], ...]:
        return ((self.arg, None, (float(self.lo.const), float(self.hi.const))),)


class Abs(Node):
    def __init__(self, arg: Node) -> None:
        self.arg = arg

    def children(self) -> tuple[Node, ...]:
        return (self.arg,)

    def _jet(self, x: Any, n: int) -> Jet:
        u0, u1, u2 = self.arg.jet(x, n)
        s = np.sign(u0) if n > 1 else None  # sign(0) = 0: abs'(0) = 0
        return np.abs(u0), times(s, u1), times(s, u2)

    def show(self) -> str:
        return f"abs({self.arg.show()})"

    def switches(self) -> tuple[tuple[Node, Node | None, tuple[float, ...]], ...]:
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


class MinMax(Node):
    def __init__(self, name: str, args: tuple[Node, ...]) -> None:
        self.name, self.args = name, args

    def children(self) -> tuple[Node, ...]:
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

    def switches(self) -> tuple[tuple[Node, Node | None, tuple[float, ...]], ...] | None:
        if len(self.args) != 2:
            return None
        return ((self.args[0], self.args[1], (0.0,)),)


class Where(Node):
    def __init__(self, op: type, left: Node, right: Node, a: Node, b: Node) -> None:
        self.op, self.left, self.right, self.a, self.b = op, left, right, a, b

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right, self.a, self.b)

    def _jet(self, x: Any, n: int) -> Jet:
        lhs, rhs = self.left.jet(x, 1)[0], self.right.jet(x, 1)[0]
        take = COMPARISONS[self.op][1](lhs, rhs)
        return _pick(take, np.isnan(lhs) | np.isnan(rhs), self.a.jet(x, n), self.b.jet(x, n), n)

    def show(self) -> str:
        cond = f"{self.left.show()} {COMPARISONS[self.op][0]} {self.right.show()}"
        return f"where({cond}, {self.a.show()}, {self.b.show()})"

    def switches(self) -> tuple[tuple[Node, Node | None, tuple[float, ...]], ...]:
        return ((self.left, self.right, (0.0,)),)


class ActivationCall(Node):
    """A catalog activation, through its own kernels: (g∘u)' = g'(u)·u'."""

    def __init__(self, act: Activation, arg: Node, keywords: tuple[tuple[str, Node], ...]) -> None:
        self.act, self.arg, self.keywords = act, arg, keywords

    def children(self) -> tuple[Node, ...]:
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
        return chain((v, u1, u2), (g0, g1, g2), n)

    def show(self) -> str:
        args = [self.arg.show(), *(f"{k}={v.show()}" for k, v in self.keywords)]
        return f"{self.act.name}({', '.join(args)})"

    def switches(self) -> tuple[tuple[Node, Node | None, tuple[float, ...]], ...]:
        kinks = self.act.kinks
        return ((self.arg, None, kinks),) if kinks else ()


# --- kinks ---------------------------------------------------------------------------------


def _affine(node: Node) -> tuple[float, float] | None:
    """(a, b) with node = a·x + b, or None when node is not affine in x (as far as cheaply seen)."""
    if node.const is not None:
        return 0.0, node.const
    if isinstance(node, X):
        return 1.0, 0.0
    if isinstance(node, Neg):
        inner = _affine(node.arg)
        return None if inner is None else (-inner[0], -inner[1])
    if isinstance(node, Chain):
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


def kinks_of(root: Node) -> tuple[float, ...]:
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
