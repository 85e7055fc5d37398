"""Text to `Expression`: a whitelist walk over Python's `ast` (never eval), with the limits
checked before anything is evaluated, and `looks_like_expression`, which tells an expression
from a catalog spec.
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

import actcli.core.catalog  # noqa: F401  (declares the functions an expression may call)
from actcli.core.expr.jets import COMPARISONS, ELEMENTARY, SPECIAL
from actcli.core.expr.tree import (
    CONSTANTS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NUMBER,
    VARIABLE,
    Abs,
    ActivationCall,
    Call,
    Chain,
    Clip,
    ExpressionError,
    MinMax,
    Neg,
    Node,
    Number,
    Pow,
    Where,
    X,
    kinks_of,
    number_text,
)
from actcli.core.kernels import apply
from actcli.core.registry import (
    Activation,
    ActivationError,
    ParameterError,
    UnknownFunctionError,
    declaration,
    names,
    suggest,
)

_DECIMAL = re.compile(r"(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d[\d_]*)?")


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


def _functions_hint() -> str:
    return (
        f"; the functions are {', '.join(sorted([*ELEMENTARY, *SPECIAL]))} and the catalog's "
        "activations (see 'actcli info --expressions')"
    )


class _Parser:
    """Turns a checked `ast` tree into `Node`s, one whitelisted node type at a time."""

    def __init__(self, src: str, lead: int) -> None:
        self.src, self.lead = src, lead

    def fail(self, reason: str, node: ast.AST, hint: str = "") -> ExpressionError:
        segment = ast.get_source_segment(self.src, node) or ""
        return ExpressionError(reason, segment, self.lead + node.col_offset + 1, hint)

    def build(self, node: ast.AST, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.fail(f"the expression nests deeper than {MAX_DEPTH} levels", node)
        if isinstance(node, ast.Constant):
            out: Node = self.constant(node)
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

    def fold(self, out: Node, node: ast.AST) -> Node:
        """Give an x-free node its value now, the same float operations evaluation would do."""
        if out.const is not None or isinstance(out, X):
            return out
        if all(c.const is not None for c in out.children()):
            with np.errstate(all="ignore"):  # a non-finite result is reported just below
                value = float(np.asarray(out.jet(None, 1)[0], dtype=np.float64).reshape(-1)[0])
            if not math.isfinite(value):
                raise self.fail(f"this constant is not a finite number ({value})", node)
            out.const = np.float64(value)
        return out

    def constant(self, node: ast.Constant) -> Node:
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
        return Number(value)

    def name(self, node: ast.Name) -> Node:
        # Every name is read without case, as catalog specs are: X, PI, Exp, GELU, Alpha.
        lower = node.id.lower()
        if lower == VARIABLE:
            return X()
        if lower in CONSTANTS:
            return Number(CONSTANTS[lower], lower)
        if lower in ELEMENTARY or lower in SPECIAL or lower in names(aliases=True):
            raise self.fail(f"'{node.id}' is a function; call it, as in {node.id}(x)", node)
        hint = f"; the variable is '{VARIABLE}', the constants 'pi' and 'e'"
        raise self.fail("unknown name", node, hint)

    def unary(self, node: ast.UnaryOp, depth: int) -> Node:
        if isinstance(node.op, ast.USub):
            return Neg(self.build(node.operand, depth + 1))
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand, depth + 1)
        op = _OTHER_OPERATORS.get(type(node.op), type(node.op).__name__)
        raise self.fail(f"operator '{op}' is not supported (only {_SUPPORTED})", node)

    def binary(self, node: ast.BinOp, depth: int) -> Node:
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
        return Chain(first, terms)

    def power(self, node: ast.BinOp, depth: int) -> Node:
        return self.pow_of(node.left, node.right, depth)

    def pow_of(self, left: ast.AST, right: ast.AST, depth: int) -> Node:
        """a**b and pow(a, b): the same node, rules and limits."""
        base = self.build(left, depth + 1)
        exponent = self.build(right, depth + 1)
        p = exponent.const
        if p is not None and abs(p) > MAX_EXPONENT:
            raise self.fail(
                f"exponent {number_text(p)} is out of range (|exponent| <= {MAX_EXPONENT:g})", right
            )
        if p is None and base.const is not None and not base.const > 0:
            raise self.fail("a power with a variable exponent needs a positive base", left)
        return Pow(base, exponent)

    def call(self, node: ast.Call, depth: int) -> Node:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only named functions can be called", node.func)
        name = node.func.id.lower()
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.fail("starred arguments are not allowed", arg)
        for kw in node.keywords:
            if kw.arg is None:
                raise self.fail("'**' arguments are not allowed", kw)
        if name in (VARIABLE, *CONSTANTS):
            raise self.fail(f"'{node.func.id}' is not a function", node.func)
        if name in ELEMENTARY or name in SPECIAL:
            if node.keywords:
                raise self.fail(f"{name} takes no parameters", node.keywords[0])
            return self.elementary(node, name, depth)
        try:
            decl = declaration(name)
        except UnknownFunctionError:
            hint = suggest(name, _known_functions()) or _functions_hint()
            raise self.fail("unknown function", node.func, hint) from None
        if len(node.args) != 1:
            raise self.fail(
                f"{decl.name} takes one argument, the input; give parameters as keywords, "
                f"as in {decl.name}(x{''.join(f', {k}={p.default:g}' for k, p in decl.params.items())})",
                node,
            )
        arg = self.build(node.args[0], depth + 1)
        keywords: list[tuple[str, Node]] = []
        for kw in node.keywords:
            key = (kw.arg or "").lower()
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
        return ActivationCall(act, arg, tuple(keywords))

    def elementary(self, node: ast.Call, name: str, depth: int) -> Node:
        n = len(node.args)
        if name in ("min", "max"):
            if n < 2:
                raise self.fail(f"{name} takes two or more arguments", node)
            return MinMax(name, tuple(self.build(a, depth + 1) for a in node.args))
        if name == "pow":
            if n != 2:
                raise self.fail(f"pow takes two arguments, pow(a, b), not {n}", node)
            return self.pow_of(node.args[0], node.args[1], depth)
        if name == "clip":
            return self.clip(node, depth)
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
            return Where(
                type(cond.ops[0]),
                self.build(cond.left, depth + 2),
                self.build(cond.comparators[0], depth + 2),
                self.build(node.args[1], depth + 1),
                self.build(node.args[2], depth + 1),
            )
        if n != 1:
            raise self.fail(f"{name} takes one argument, not {n}", node)
        arg = self.build(node.args[0], depth + 1)
        return Abs(arg) if name == "abs" else Call(name, arg)

    def clip(self, node: ast.Call, depth: int) -> Node:
        if len(node.args) != 3:
            raise self.fail(f"clip takes three arguments, clip(x, lo, hi), not {len(node.args)}", node)
        arg, lo, hi = (self.build(a, depth + 1) for a in node.args)
        for bound, src in ((lo, node.args[1]), (hi, node.args[2])):
            if bound.const is None:
                raise self.fail("clip: the bounds lo and hi must be constants", src)
        if not lo.const < hi.const:
            raise self.fail("clip needs lo < hi", node)
        return Clip(arg, lo, hi)


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
    return Expression(text, root.show(), kinks_of(root), root)


@dataclass(frozen=True)
class Expression:
    """A parsed expression in x, used like an `Activation`; make one with `parse`.

    Values keep float32/float16 (computed in float64, rounded once), like the catalog.
    """

    text: str
    formula: str  # the parsed tree printed back: one space around + and -, canonical names
    kinks: tuple[float, ...]  # x where an abs/max/min/where or a kinked activation switches
    _root: Node = field(repr=False, compare=False)

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
    optionally ':' and parameters; the name is not x, pi or e (in any case), nor has one of them
    between dashes (x-1, pi-x and PI-X are expressions). Anything else, e.g. '2*x', '(x)', 'x', is one.
    """
    name = text.strip().partition(":")[0].strip()
    if not _SPEC_NAME.fullmatch(name):
        return True
    return any(part.lower() in (VARIABLE, *CONSTANTS) for part in name.split("-"))
