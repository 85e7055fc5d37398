"""Expressions in x: the language, its limits, hostile input, and derivatives exact to rounding.

- written-out catalog functions (x·tanh(softplus(x)), x·sigmoid(x), max(x, 0)) agree with the
  catalog's own kernels, in ULP;
- random expressions from a small grammar agree with mpmath's 40-digit derivatives of the same
  tree built in mpmath;
- hostile input is refused quickly, with a message that quotes the offending part, and
  without running anything.
"""

from __future__ import annotations

import ast
import builtins
import warnings
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import actcli
from actcli.core import kernels
from actcli.core.expr import ExpressionError, looks_like_expression, parse

GRID = np.concatenate(
    [np.linspace(-20, 20, 2001), [1e-8, -1e-8, 1e-300, -1e-300, 0.0, -0.0, 5e-324]]
)


def _quiet(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning for ordinary inputs
        return fn(*args)


# --- written-out catalog functions ---------------------------------------------------------


def _term_scale(inner: str, x: np.ndarray) -> list[np.ndarray]:
    """For f = x·g, the size of the terms summed last in f, f' = g + x·g', f'' = 2g' + x·g''.

    Next to a zero of f' or f'' these terms cancel, and a sum of doubles is only exact to
    rounding relative to them (the catalog uses Taylor expansions there): ULPs are counted
    at max(|f^(k)|, this scale), which is plain ULP error wherever nothing cancels.
    """
    g0, g1, g2 = (np.abs(parse(inner).derivative(x, k)) for k in range(3))
    ax = np.abs(x)
    return [ax * g0, g0 + ax * g1, 2 * g1 + ax * g2]


# Bounds in ULP for f, f', f''. f'' of mish: sech²(s) has condition number 2s, so rounding
# s = softplus(x) to a double costs up to ~2·20·½ ULP at x = 20; the catalog's closed form
# never forms s.
@pytest.mark.parametrize(
    "text, name, inner, bounds",
    [
        ("x*tanh(softplus(x))", "mish", "tanh(softplus(x))", (4, 8, 32)),
        ("x*sigmoid(x)", "silu", "sigmoid(x)", (4, 4, 4)),
    ],
)
def test_written_out_functions_match_the_catalog(text, name, inner, bounds) -> None:
    expr, act = parse(text), actcli.get(name)
    scale = _term_scale(inner, GRID)
    for order, bound in enumerate(bounds):
        got = _quiet(expr.derivative, GRID, order)
        want = act.derivative(GRID, order)
        ulps = np.abs(got - want) / np.spacing(np.maximum(np.abs(want), scale[order]))
        worst = int(np.argmax(ulps))
        assert ulps[worst] <= bound, (text, order, GRID[worst], got[worst], want[worst], ulps[worst])


def test_max_is_relu_bit_for_bit() -> None:
    x = np.concatenate([GRID, [np.inf, -np.inf]])
    expr, relu = parse("max(x, 0)"), actcli.get("relu")
    for order in range(3):
        got, want = expr.derivative(x, order), relu.derivative(x, order)
        assert np.array_equal(got, want)
        assert np.array_equal(np.signbit(got), np.signbit(want))
    assert expr.grad(0.0) == 0.0 and expr.kinks == (0.0,)


@pytest.mark.parametrize(
    "text, x, slope",
    [
        ("abs(x)", 0.0, 0.0), ("abs(x)", -2.0, -1.0), ("abs(x - 1)", 1.0, 0.0),
        ("max(x, 0)", 0.0, 0.0), ("max(0, x)", 0.0, 1.0),  # a tie takes the second argument
        ("min(x, 0)", 0.0, 0.0), ("min(2*x, x)", 0.0, 1.0), ("max(x, 2*x, 3*x)", 0.0, 3.0),
        ("where(x > 0, x, 2*x)", 0.0, 2.0), ("where(x >= 0, x, 2*x)", 0.0, 1.0),
        ("leaky_relu(x, alpha=0.2)", 0.0, 0.2), ("relu(x - 1)", 1.0, 0.0),
        ("hardtanh(2*x, min=-2, max=2)", 1.0, 0.0),
    ],
)
def test_kink_conventions(text: str, x: float, slope: float) -> None:
    assert parse(text).grad(x) == slope


@pytest.mark.parametrize(
    "text, kinks",
    [
        ("max(x, 0)", (0.0,)), ("leaky_relu(2*x + 1, alpha=0.2)", (-0.5,)),
        ("hardtanh(x, min=-2, max=3)", (-2.0, 3.0)), ("abs(x - 1) + relu(3 - x)", (1.0, 3.0)),
        ("where(x/4 < 1, x, 1)", (4.0,)), ("exp(relu(-x))", (0.0,)),
        ("x*sigmoid(x)", ()), ("abs(x*x - 1)", ()),  # smooth; not cheaply known
    ],
)
def test_kinks(text: str, kinks: tuple[float, ...]) -> None:
    assert parse(text).kinks == kinks


def test_activation_inside_uses_the_chain_rule() -> None:
    expr, silu = parse("silu(2*x + 1, beta=1.5)"), actcli.get("silu", beta=1.5)
    x = np.linspace(-5, 5, 101)
    u = 2 * x + 1
    assert np.array_equal(expr.value(x), silu.value(u))
    assert np.array_equal(expr.grad(x), 2 * silu.grad(u))
    assert np.array_equal(expr.grad2(x), 4 * silu.grad2(u))


# --- random expressions against mpmath -----------------------------------------------------

CONSTANTS = (0.5, 1.5, 2.0, 0.25, 3.0, 0.7)
POINTS = (-1.0931, 0.3147, 0.8713)

# A tree is ("x",), ("c", value), (op, a, b) or (function, a). Division and the functions are
# written so that every point is inside the domain.
UNARY = {
    "neg": ("-({})", lambda u: -u),
    "exp": ("exp({})", mpmath.exp),
    "tanh": ("tanh({})", mpmath.tanh),
    "sin": ("sin({})", mpmath.sin),
    "log1p_abs": ("log1p(abs({}))", lambda u: mpmath.log1p(abs(u))),
    "sqrt_1p_sq": ("sqrt(1 + ({0})*({0}))", lambda u: mpmath.sqrt(1 + u * u)),
    "sigmoid": ("sigmoid({})", lambda u: 1 / (1 + mpmath.exp(-u))),
}
BINARY = {
    "+": ("({}) + ({})", lambda a, b: a + b),
    "-": ("({}) - ({})", lambda a, b: a - b),
    "*": ("({})*({})", lambda a, b: a * b),
    "/": ("({0})/(1 + ({1})*({1}))", lambda a, b: a / (1 + b * b)),
}

leaves = st.one_of(st.just(("x",)), st.sampled_from(CONSTANTS).map(lambda c: ("c", c)))
trees = st.recursive(
    leaves,
    lambda sub: st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), sub),
        st.tuples(st.sampled_from(sorted(BINARY)), sub, sub),
    ),
    max_leaves=8,
)


def _text(tree: tuple) -> str:
    if tree[0] == "x":
        return "x"
    if tree[0] == "c":
        return repr(tree[1])
    if tree[0] in UNARY:
        return UNARY[tree[0]][0].format(_text(tree[1]))
    return BINARY[tree[0]][0].format(_text(tree[1]), _text(tree[2]))


def _mp(tree: tuple, x):
    if tree[0] == "x":
        return x
    if tree[0] == "c":
        return mpmath.mpf(tree[1])
    if tree[0] in UNARY:
        return UNARY[tree[0]][1](_mp(tree[1], x))
    return BINARY[tree[0]][1](_mp(tree[1], x), _mp(tree[2], x))


def _depends_on_x(tree: tuple) -> bool:
    return tree[0] == "x" or any(_depends_on_x(t) for t in tree[1:] if isinstance(t, tuple))


@settings(max_examples=80, deadline=None)
@given(tree=trees)
def test_random_expressions_match_mpmath(tree: tuple) -> None:
    assume(_depends_on_x(tree))
    expr = parse(_text(tree))
    with mpmath.workdps(40):
        for x0 in POINTS:
            want = [mpmath.diff(lambda t: _mp(tree, t), mpmath.mpf(x0), n) for n in range(3)]
            assume(all(abs(w) < 1e100 for w in want))
            for order in range(3):
                got = float(_quiet(expr.derivative, x0, order))
                w = float(want[order])
                # Relative to |f^(k)|, or to 1 where f^(k) is a small difference of O(1) terms.
                assert abs(got - w) <= 1e-12 * max(abs(w), 1.0), (expr.text, x0, order, got, w)


@settings(max_examples=60, deadline=None)
@given(tree=trees)
def test_formula_prints_the_same_tree(tree: tuple) -> None:
    try:
        expr = parse(_text(tree))
    except ExpressionError as e:  # a constant part that overflows, as exp(exp(exp(2))): refused
        assume("not a finite number" not in str(e))
        raise
    again = parse(expr.formula)
    assert again.formula == expr.formula
    x = np.array(POINTS)
    for order in range(3):
        assert np.array_equal(again.derivative(x, order), expr.derivative(x, order), equal_nan=True)


# --- the language --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, formula",
    [
        ("x*sigmoid(1.702*x)", "x*sigmoid(1.702*x)"),
        ("  x+1 ", "x + 1"),
        ("-x**2", "-x**2"),
        ("2**-x", "2**(-x)"),
        ("(x+1)*(x-1)/(2*x)", "(x + 1)*(x - 1)/(2*x)"),
        ("x - (1 - x)", "x - (1 - x)"),
        ("+x", "x"),
        ("--x", "-(-x)"),
        ("(x**2)**3", "(x**2)**3"),
        ("Swish(x)", "silu(x)"),
        ("LReLU(x, alpha=2/10)", "leaky_relu(x, alpha=2/10)"),
        ("where(x>0,x,pi*x)", "where(x > 0, x, pi*x)"),
        ("max(x, 0, -1)", "max(x, 0, -1)"),
        ("1e-8*x + 2.50", "1e-08*x + 2.5"),
    ],
)
def test_formula(text: str, formula: str) -> None:
    expr = parse(text)
    assert expr.formula == formula
    assert expr.text == expr.name == expr.label == text and expr.params == {}


@pytest.mark.parametrize(
    "text, x, f, df, d2f",
    [
        ("x**3", 2.0, 8.0, 12.0, 12.0),
        ("x**0.5", 4.0, 2.0, 0.25, -1 / 32),
        ("x**-1", 2.0, 0.5, -0.25, 0.25),
        ("2**x", 1.0, 2.0, 2 * np.log(2), 2 * np.log(2) ** 2),
        ("x**x", 1.0, 1.0, 1.0, 2.0),
        ("e**x", 0.0, 1.0, 1.0, 1.0),
        ("log(x)", 2.0, np.log(2), 0.5, -0.25),
        ("expm1(x)", 0.0, 0.0, 1.0, 1.0),
        ("erf(x)", 0.0, 0.0, 2 / np.sqrt(np.pi), 0.0),
        ("erfc(x)", 0.0, 1.0, -2 / np.sqrt(np.pi), 0.0),
        ("cos(x)", 0.0, 1.0, 0.0, -1.0),
        ("sqrt(x)", 4.0, 2.0, 0.25, -1 / 32),
        ("3", 5.0, 3.0, 0.0, 0.0),
    ],
)
def test_elementary_rules(text: str, x: float, f: float, df: float, d2f: float) -> None:
    expr = parse(text)
    got = [float(expr.derivative(x, k)) for k in range(3)]
    assert got == pytest.approx([f, df, d2f], rel=1e-15, abs=1e-300)


def test_nan_in_nan_out_and_dtype_kept() -> None:
    expr = parse("x*tanh(softplus(x)) + max(x, 0)")
    for order in range(3):
        for dtype in (np.float64, np.float32):
            got = expr.derivative(np.array([np.nan, 1.0, np.nan], dtype), order)
            assert got.dtype == dtype
            assert np.isnan(got[0]) and np.isnan(got[2]) and not np.isnan(got[1])
        x32 = np.linspace(-10, 10, 101, dtype=np.float32)
        want = expr.derivative(x32.astype(np.float64), order).astype(np.float32)
        assert np.array_equal(expr.derivative(x32, order), want)  # float64 inside, rounded once
        assert np.ndim(expr.derivative(1.5, order)) == 0
        assert expr.derivative([1, 2], order).dtype == np.float64


@pytest.mark.parametrize("text", ["relu(log(x))", "max(log(x), 0)", "where(log(x) > 0, 1, 2)"])
def test_nan_inside_stays_nan(text: str) -> None:
    expr = parse(text)
    for order in range(3):
        assert np.isnan(expr.derivative(-1.0, order))


@pytest.mark.parametrize(
    "text",
    ["x*tanh(softplus(x))", "x*sigmoid(x)", "tanh(x)*exp(-x*x)", "log1p(x*x)/(1 + abs(x))",
     "sqrt(1 + x*x) - x", "erf(x/2) + erfc(x)", "gelu(x) + elu(-x) + squareplus(x)", "x**3/(1 + x**4)"],
)
def test_no_floating_point_trouble_inside_the_domain(text: str) -> None:
    # Below the evaluation boundary, whose errstate would hide it: the rules themselves must
    # not overflow, divide by zero or produce nan for ordinary inputs.
    x = np.linspace(-30, 30, 601)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        jet = parse(text)._root.jet(x, 3)
    assert all(np.all(np.isfinite(part)) for part in jet if part is not None)


def test_chunks_and_threads_give_the_same_bits() -> None:
    expr = parse("x*sigmoid(1.702*x) + abs(x)")
    x = np.linspace(-20, 20, 3 * kernels.CHUNK + 17)
    whole = expr.grad2(x, threads=4)
    assert np.array_equal(whole, expr.grad2(x, threads=1))
    assert np.array_equal(whole[:1000], expr.grad2(x[:1000]))


def test_order_must_be_0_1_or_2() -> None:
    with pytest.raises(actcli.ActivationError, match="order must be 0, 1 or 2, not 3"):
        parse("x").derivative(1.0, 3)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("relu", False), ("leaky-relu:alpha=0.2", False), ("hardtanh:min=-2, max=2", False),
        ("quick-gelu", False), ("GELU", False), ("exp", False),
        ("x", True), ("x-1", True), ("pi-x", True), ("e", True), ("2*x", True), ("(x)", True),
        ("exp(x)", True), ("x*sigmoid(1.702*x)", True), ("-x", True), ("0.5", True),
        ("max(x, 0)", True), ("x + 1", True),
    ],
)
def test_looks_like_expression(text: str, expected: bool) -> None:
    assert looks_like_expression(text) is expected


# --- hostile input -------------------------------------------------------------------------

HOSTILE = [
    "__import__('os')", "__import__('os').system('touch pwned')", "().__class__", "x.__class__",
    "[x for x in ()]", "lambda: 1", "x[0]", "open('f')", "open('f', 'w').write('x')", "exec('1')",
    "eval('x')", "'a'", "b'a'", "f'{x}'", "9**9**9**9", "x**1e9", "2**100", "x**(2**7)",
    "(" * 5000 + "x" + ")" * 5000, "x + " * 500 + "x", "exp(" * 200 + "x" + ")" * 200,
    "exp(" * 101 + "x" + ")" * 101, "-" * 999 + "x", "sqrt(" * 60 + "-" * 60 + "x" + ")" * 60,
    "\uff58", "\u0445", "exp\uff08x\uff09", "x\u200b", "y", "X", "x if x else 1", "x; x",
    "x = 1", "x := 1", "sigmoid(x, beta=1)", "nosuchfn(x)", "*x", "exp(*x)", "exp(**x)",
    "x @ x", "x // 2", "x % 2", "x ^ 2", "~x", "not x", "x and 1", "x < 1", "1e400",
    "1" * 400, "0x10", "1j", "True", "None", "...", "x, x", "{x}", "{x: 1}", "x(1)",
    "relu + 1", "(exp + 1)(x)", "exp(x, base=2)", "leaky_relu(x, 0.2)", "leaky_relu(x, alpha=x)",
    "softplus(x, beta=0)", "hardtanh(x, min=2, max=1)", "where(x, 1, 0)",
    "where(0 < x < 1, x, 0)", "where(x is 0, 1, 2)", "where(x in x, 1, 2)", "max(x)", "exp()", "(-2)**x", "1/0", "log(0)", "", "   ",
    "x +", "exp(x", "x\n+ 1", "\\", "# comment", "yield x", "await x",
]


def test_hostile_input_is_refused_quickly_and_does_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    real_compile = builtins.compile

    def ast_only(source, filename, mode, flags=0, *args, **kwargs):
        # ast.parse compiles to a tree; anything else would be code.
        assert flags & ast.PyCF_ONLY_AST, "compiled to code"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def never(*args, **kwargs):
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "compile", ast_only)
    monkeypatch.setattr(builtins, "eval", never)
    monkeypatch.setattr(builtins, "exec", never)
    for text in HOSTILE:
        with pytest.raises(ExpressionError) as e:
            parse(text)
        assert isinstance(e.value, actcli.ActivationError) and isinstance(e.value, ValueError)
        assert "\n" not in str(e.value), text
    assert list(tmp_path.iterdir()) == []  # open('f') made no file; no 'pwned'


@pytest.mark.parametrize(
    "text, message",
    [
        ("sigmod(x)", "unknown function: 'sigmod' at column 1; did you mean 'sigmoid'?"),
        ("x.__class__", "attributes are not allowed: 'x.__class__' at column 1"),
        ("x**1e9", "exponent 1000000000 is out of range (|exponent| <= 64): '1e9' at column 4"),
        ("9**9**9**9", "exponent 387420489 is out of range (|exponent| <= 64): '9**9' at column 7"),
        ("2*y + 1", "unknown name: 'y' at column 3; the variable is 'x', the constants 'pi' and 'e'"),
        ("x // 2", "operator '//' is not supported (only + - * / ** and unary minus): 'x // 2' at column 1"),
        ("open('f')", "unknown function: 'open' at column 1; run 'actcli list' to see the names"),
        ("'a'", "strings are not allowed: \"'a'\" at column 1"),
        ("sigmoid(x, beta=1)", "sigmoid: unknown parameter 'beta': 'beta=1' at column 12; its parameters: none"),
        ("leaky_relu(x, alhpa=0.2)", "leaky_relu: unknown parameter 'alhpa': 'alhpa=0.2' at column 15; did you mean 'alpha'?"),
        ("softplus(x, beta=0)", "softplus: parameter beta=0 is not allowed (finite and > 0): 'beta=0' at column 13"),
        ("exp\uff08x\uff09", "character U+FF08 FULLWIDTH LEFT PARENTHESIS is not allowed (printable ASCII only): '\uff08' at column 4; did you mean '('?"),
        ("\u0445 + 1", "character U+0445 CYRILLIC SMALL LETTER HA is not allowed (printable ASCII only): '\u0445' at column 1"),
        ("x if x > 0 else 0", "conditional expressions are not allowed; use where(a > b, c, d): 'x if x > 0 else 0' at column 1"),
        ("x < 0", "a comparison is only allowed as the condition of where(a > b, c, d): 'x < 0' at column 1"),
        ("  x = 1", "syntax error (invalid syntax): '=' at column 5"),
        ("exp(x", "syntax error ('(' was never closed): '(' at column 4"),
        ("x *", "the expression is incomplete: 'x *' at column 1"),
        ("1/(1 - 1)", "this constant is not a finite number (inf): '1/(1 - 1)' at column 1"),
        ("x" * 1001, "the expression is 1001 characters long; the limit is 1000"),
    ],
)
def test_error_messages(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text)
    assert str(e.value) == message


def test_nesting_limits() -> None:
    ok = "exp(" * 50 + "x" + ")" * 50
    assert parse(ok).value(0.0) == np.inf  # exp(exp(...(1))) overflows: fine, it is the answer
    with pytest.raises(ExpressionError, match="parentheses nest deeper than 100 levels") as e:
        parse("exp(" * 101 + "x" + ")" * 101)
    assert e.value.column == 404
    with pytest.raises(ExpressionError, match="nests deeper than 100 levels"):
        parse("-" * 101 + "x")
    long_sum = " + ".join(["x"] * 200)  # a run of + is one level, however long
    assert parse(long_sum).grad(1.0) == 200.0


def test_expression_subgradient_at_kinks():
    lo, hi = actcli.get("max(x, 0)").subgradient([-1.0, 0.0, 1.0])
    assert lo.tolist() == [0.0, 0.0, 1.0] and hi.tolist() == [0.0, 1.0, 1.0]
    lo, hi = actcli.get("abs(x)").subgradient([0.0])
    assert (lo[0], hi[0]) == (-1.0, 1.0)
