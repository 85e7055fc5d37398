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
import sys
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
        ("x", True), ("x-1", True), ("pi-x", True), ("e", True), ("X", True), ("PI-X", True),
        ("E", True), ("Pi", True), ("2*x", True), ("(x)", True),
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
    "\uff58", "\u0445", "exp\uff08x\uff09", "x\u200b", "y", "xx", "x if x else 1", "x; x",
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
    import actcli.core.lookup  # noqa: F401  (imported lazily by `actcli.ActivationError` below: before the patch)

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
        ("open('f')", "unknown function: 'open' at column 1; the functions are abs, atan, clip, cos, cosh, erf, erfc, exp, expm1, log, log1p, max, min, pow, sign, sin, sinh, sqrt, tan, tanh, where and the catalog's activations (see 'actcli info --expressions')"),
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


# --- every part of the language, against values from mpmath or written here -----------------
# Expectations never come from the code under test: a reference is either written in the test
# or computed by mpmath at 40 digits (derivatives by mpmath.diff of the same formula).


def _mp_jet(fn, x0: float) -> list[float]:
    with mpmath.workdps(40):
        return [float(mpmath.diff(fn, mpmath.mpf(x0), k)) for k in range(3)]


def _close(got: float, want: float, rel: float) -> bool:
    if want == 0.0:
        return got == 0.0 or abs(got) <= 1e-300
    return abs(got - want) <= rel * abs(want)


_M = mpmath.mpf
_SQPI = 2 / mpmath.sqrt(mpmath.pi)

# (text, f, f', f'' written out in mpmath, points). Points include the tails, where a careless
# form (1 − t² for sech², e^(−v²) from a rounded v²) loses every digit.
ELEMENTARY_CASES = [
    ("exp(x)", (mpmath.exp, mpmath.exp, mpmath.exp), (-3.5, 0.0, 0.7, 40.0)),
    ("log(x)", (mpmath.log, lambda t: 1 / t, lambda t: -1 / t**2), (1e-5, 0.3, 2.0, 1e6)),
    (
        "log1p(x)",
        (mpmath.log1p, lambda t: 1 / (1 + t), lambda t: -1 / (1 + t) ** 2),
        (-0.9, -1e-9, 0.0, 0.4, 1e5),
    ),
    ("expm1(x)", (mpmath.expm1, mpmath.exp, mpmath.exp), (-30.0, -1e-9, 0.0, 1e-7, 2.5)),
    (
        "sqrt(x)",
        (mpmath.sqrt, lambda t: 1 / (2 * mpmath.sqrt(t)), lambda t: -1 / (4 * t * mpmath.sqrt(t))),
        (1e-6, 0.25, 4.0, 1e250),
    ),
    ("sin(x)", (mpmath.sin, mpmath.cos, lambda t: -mpmath.sin(t)), (-2.0, 0.0, 0.5, 3.0)),
    ("cos(x)", (mpmath.cos, lambda t: -mpmath.sin(t), lambda t: -mpmath.cos(t)), (-2.0, 0.0, 0.5, 3.0)),
    (
        "tanh(x)",
        (mpmath.tanh, lambda t: mpmath.sech(t) ** 2, lambda t: -2 * mpmath.tanh(t) * mpmath.sech(t) ** 2),
        (-30.0, -0.5, 0.0, 0.25, 22.0),
    ),
    (
        "erf(x)",
        (mpmath.erf, lambda t: _SQPI * mpmath.exp(-t * t), lambda t: -2 * t * _SQPI * mpmath.exp(-t * t)),
        (-3.0, -0.5, 0.0, 0.6, 5.0, 25.3),
    ),
    (
        "erfc(x)",
        (mpmath.erfc, lambda t: -_SQPI * mpmath.exp(-t * t), lambda t: 2 * t * _SQPI * mpmath.exp(-t * t)),
        (-3.0, -0.5, 0.0, 0.6, 5.0, 25.3),
    ),
    ("abs(x)", (abs, mpmath.sign, lambda t: 0), (-2.5, -1e-300, 1e-300, 3.0)),
]


@pytest.mark.parametrize(
    "text, fns, points", ELEMENTARY_CASES, ids=[c[0] for c in ELEMENTARY_CASES]
)
def test_elementary_functions_and_both_derivatives_match_mpmath(text, fns, points) -> None:
    expr = parse(text)
    for x0 in points:
        with mpmath.workdps(40):
            want = [float(fn(_M(x0))) for fn in fns]
        for order in range(3):
            got = float(_quiet(expr.derivative, x0, order))
            # scipy's erfc is good to ~20 ULP deep in its tail; the rest is correctly rounded
            rel = 1e-14 if order == 0 and text.startswith("erf") else 4e-16
            assert _close(got, want[order], rel), (text, x0, order, got, want[order])


COMPOSITE_CASES = [
    # compound and integer powers: constant exponent through the chain rule
    ("x**2", lambda t: t**2, (-3.0, -0.5, 0.0, 1.5)),
    ("x**3", lambda t: t**3, (-2.0, 0.0, 1.25)),
    ("x**-2", lambda t: t**-2, (-2.0, 0.5, 3.0)),
    ("x**-1.5", lambda t: t**-1.5, (0.5, 3.0)),
    ("x**0.5", mpmath.sqrt, (0.5, 3.0)),
    ("x**64", lambda t: t**64, (0.9, -1.1)),
    ("x**-64", lambda t: t**-64, (0.9, -1.1)),
    ("(x + 1)**3", lambda t: (t + 1) ** 3, (-2.0, 0.3)),
    ("(2*x - 1)**-2", lambda t: (2 * t - 1) ** -2, (-1.0, 2.0)),
    ("(1 + x*x)**0.5", lambda t: mpmath.sqrt(1 + t * t), (-2.0, 0.0, 0.7)),
    ("(x**2)**3", lambda t: t**6, (-1.5, 0.8)),
    ("x**2**-1", mpmath.sqrt, (0.3, 5.0)),  # ** is right-associative: x**(2**-1)
    ("-x**2", lambda t: -(t**2), (-1.5, 2.0)),
    ("(x*x + 1)**(1/3)", lambda t: mpmath.cbrt(t * t + 1), (-1.0, 0.5)),
    # variable exponents: exp(v·log u)
    ("2**x", lambda t: mpmath.mpf(2) ** t, (-3.0, 0.0, 1.5)),
    ("x**x", lambda t: t**t, (0.3, 1.0, 2.5)),
    ("(1 + x*x)**sin(x)", lambda t: (1 + t * t) ** mpmath.sin(t), (-1.2, 0.4, 2.0)),
    ("0.5**(x*x)", lambda t: mpmath.mpf(0.5) ** (t * t), (-1.0, 0.7)),
    ("e**x", mpmath.exp, (-1.0, 2.0)),
    # products, quotients, sums, constants
    ("1/x", lambda t: 1 / t, (-3.0, 0.5, 2.0)),
    ("x/4", lambda t: t / 4, (-3.0, 0.5)),
    ("x/(1 + x*x)", lambda t: t / (1 + t * t), (-2.0, 0.0, 0.6)),
    ("sin(x)/x", lambda t: mpmath.sin(t) / t, (-2.0, 0.7)),
    ("(x - 1)*(x + 2)*(x - 3)", lambda t: (t - 1) * (t + 2) * (t - 3), (-1.0, 0.0, 2.5)),
    ("3 - x - x*x", lambda t: 3 - t - t * t, (-1.0, 2.0)),
    ("pi*x - e", lambda t: mpmath.pi * t - mpmath.e, (-1.0, 2.0)),
    ("cos(2*x + 1)", lambda t: mpmath.cos(2 * t + 1), (-1.0, 0.0, 0.8)),
    ("erf(x*x)", lambda t: mpmath.erf(t * t), (-1.1, 0.4, 2.0)),
    ("erfc(3*x)", lambda t: mpmath.erfc(3 * t), (-0.6, 0.2, 1.5)),
    ("log(1 + x*x)", lambda t: mpmath.log(1 + t * t), (-2.0, 0.5)),
    ("expm1(-x)", lambda t: mpmath.expm1(-t), (-2.0, 0.5)),
    ("log1p(x/2)", lambda t: mpmath.log1p(t / 2), (-1.0, 0.5)),
    ("sqrt(x + 2)", lambda t: mpmath.sqrt(t + 2), (-1.0, 0.5)),
    ("tanh(x/3)", lambda t: mpmath.tanh(t / 3), (-2.0, 1.0)),
    ("abs(x - 1)**3", lambda t: abs(t - 1) ** 3, (-1.0, 2.5)),
    ("-(x*x)", lambda t: -(t * t), (-1.0, 2.0)),
    ("--x*x", lambda t: t * t, (-1.0, 2.0)),
    # the catalog inside, by the chain rule
    ("relu((x + 1)/2)", lambda t: max((t + 1) / 2, 0), (-3.0, 0.5)),
    ("leaky_relu(2*x, alpha=0.25)**2", lambda t: (2 * t if t > 0 else 0.5 * t) ** 2, (-1.0, 0.75)),
    ("sigmoid(x*x)", lambda t: 1 / (1 + mpmath.exp(-t * t)), (-1.2, 0.3)),
]


@pytest.mark.parametrize(
    "text, fn, points", COMPOSITE_CASES, ids=[c[0] for c in COMPOSITE_CASES]
)
def test_compound_expressions_and_both_derivatives_match_mpmath(text, fn, points) -> None:
    expr = parse(text)
    for x0 in points:
        want = _mp_jet(fn, x0)
        for order in range(3):
            got = float(_quiet(expr.derivative, x0, order))
            # Relative to |f^(k)|, or to 1 where f^(k) is a small difference of O(1) terms.
            assert abs(got - want[order]) <= 2e-15 * max(abs(want[order]), 1.0), (
                text, x0, order, got, want[order]
            )


@pytest.mark.parametrize(
    "text, x, jet",
    [
        # x**0 is 1 with zero derivatives everywhere, x = 0 too (0**0 = 1, not 0·0**-1 = nan)
        ("x**0", [-2.0, 0.0, 3.0, np.inf], [[1.0] * 4, [0.0] * 4, [0.0] * 4]),
        ("x**-0.0", [-2.0, 0.0], [[1.0, 1.0], [0.0, 0.0], [0.0, 0.0]]),
        ("(x - 1)**0", [1.0], [[1.0], [0.0], [0.0]]),
        # x**1 is x, and f'' = 0 at 0 (not 1·0·0**-1 = nan)
        ("x**1", [-2.0, 0.0, 3.0, np.inf], [[-2.0, 0.0, 3.0, np.inf], [1.0] * 4, [0.0] * 4]),
        ("(3*x)**1", [0.0, 2.0], [[0.0, 6.0], [3.0, 3.0], [0.0, 0.0]]),
        ("x**2", [-3.0, 0.0, 0.5, np.inf], [[9.0, 0.0, 0.25, np.inf], [-6.0, 0.0, 1.0, np.inf], [2.0] * 4]),
        ("x**3", [-2.0, 0.0], [[-8.0, 0.0], [12.0, 0.0], [-12.0, 0.0]]),
        ("x**-1", [-2.0, 4.0], [[-0.5, 0.25], [-0.25, -0.0625], [-0.25, 0.03125]]),
        ("(-x)**2", [3.0], [[9.0], [6.0], [2.0]]),
        ("x**0.5", [0.0], [[0.0], [np.inf], [-np.inf]]),
        ("x**2.5", [0.0, 4.0], [[0.0, 32.0], [0.0, 20.0], [0.0, 7.5]]),
        ("x**1.5", [-1.0], [[np.nan], [np.nan], [np.nan]]),  # numpy's power: nan, as documented
        ("1/x", [2.0], [[0.5], [-0.25], [0.25]]),
        ("x/2", [3.0], [[1.5], [0.5], [0.0]]),
        ("2/(x*x)", [1.0], [[2.0], [-4.0], [12.0]]),
        ("(x + 1)/(x - 1)", [0.0], [[-1.0], [-2.0], [-4.0]]),
        ("3", [5.0, -1.0], [[3.0, 3.0], [0.0, 0.0], [0.0, 0.0]]),
        ("x - x", [5.0], [[0.0], [0.0], [0.0]]),
        ("x*x*x", [2.0], [[8.0], [12.0], [12.0]]),
        ("-x", [2.0], [[-2.0], [-1.0], [0.0]]),
        ("-(x*x)", [3.0], [[-9.0], [-6.0], [-2.0]]),
        ("x*x - x*x*x", [2.0], [[-4.0], [-8.0], [-10.0]]),
    ],
)
def test_written_values(text: str, x: list, jet: list) -> None:
    expr = parse(text)
    for order in range(3):
        got = _quiet(expr.derivative, np.array(x), order)
        np.testing.assert_array_equal(got, np.array(jet[order]), err_msg=f"{text} order {order}")


X5 = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])


@pytest.mark.parametrize(
    "text, jet",
    [
        # min and max of x·x and 1 − x·x (equal at ±1/√2): f'' is 2 on one side, −2 on the other
        ("min(x*x, 1 - x*x)", [[-3.0, 0.25, 0.0, 0.25, -3.0], [4.0, -1.0, 0.0, 1.0, -4.0], [-2.0, 2.0, 2.0, 2.0, -2.0]]),
        ("max(x*x, 1 - x*x)", [[4.0, 0.75, 1.0, 0.75, 4.0], [-4.0, 1.0, -0.0, -1.0, 4.0], [2.0, -2.0, -2.0, -2.0, 2.0]]),
        ("min(x, 2*x)", [[-4.0, -1.0, 0.0, 0.5, 2.0], [2.0, 2.0, 2.0, 1.0, 1.0], [0.0] * 5]),
        ("max(x, 2*x)", [[-2.0, -0.5, 0.0, 1.0, 4.0], [1.0, 1.0, 2.0, 2.0, 2.0], [0.0] * 5]),
        # a constant argument has no derivatives: 0 where it is picked
        ("min(x, 1)", [[-2.0, -0.5, 0.0, 0.5, 1.0], [1.0, 1.0, 1.0, 1.0, 0.0], [0.0] * 5]),
        ("min(1, x)", [[-2.0, -0.5, 0.0, 0.5, 1.0], [1.0, 1.0, 1.0, 1.0, 0.0], [0.0] * 5]),
        ("max(x*x*x, -1)", [[-1.0, -0.125, 0.0, 0.125, 8.0], [0.0, 0.75, 0.0, 0.75, 12.0], [0.0, -3.0, 0.0, 3.0, 12.0]]),
        # three or more arguments fold from the left
        ("min(x, -x, 0.25)", [[-2.0, -0.5, 0.0, -0.5, -2.0], [1.0, 1.0, -1.0, -1.0, -1.0], [0.0] * 5]),
        ("max(x, -x, 1, x*x)", [[4.0, 1.0, 1.0, 1.0, 4.0], [-4.0, 0.0, 0.0, 0.0, 4.0], [2.0, 0.0, 0.0, 0.0, 2.0]]),
        # where differentiates the branch it picks, f'' too
        ("where(x > 0, x*x*x, -x*x)", [[-4.0, -0.25, -0.0, 0.125, 8.0], [4.0, 1.0, -0.0, 0.75, 12.0], [-2.0, -2.0, -2.0, 3.0, 12.0]]),
        ("where(x < 0.5, sin(x), 3)", [[np.sin(-2.0), np.sin(-0.5), 0.0, 3.0, 3.0], [np.cos(-2.0), np.cos(-0.5), 1.0, 0.0, 0.0], [-np.sin(-2.0), -np.sin(-0.5), -0.0, 0.0, 0.0]]),
        ("where(1 > x*x, 2, x)", [[-2.0, 2.0, 2.0, 2.0, 2.0], [1.0, 0.0, 0.0, 0.0, 1.0], [0.0] * 5]),
    ],
)
def test_min_max_where_values_and_both_derivatives(text: str, jet: list) -> None:
    expr = parse(text)
    for order in range(3):
        got = _quiet(expr.derivative, X5, order)
        np.testing.assert_array_equal(got, np.array(jet[order]), err_msg=f"{text} order {order}")


@pytest.mark.parametrize(
    "op, picks",  # at x = 0, 1, 2 against 1: True picks 10, False 20
    [
        ("<", [10, 20, 20]), ("<=", [10, 10, 20]), (">", [20, 20, 10]),
        (">=", [20, 10, 10]), ("==", [20, 10, 20]), ("!=", [10, 20, 10]),
    ],
)
def test_where_comparisons(op: str, picks: list) -> None:
    expr = parse(f"where(x {op} 1, 10*x, 20*x)")
    x = np.array([0.0, 1.0, 2.0])
    assert expr.grad(x).tolist() == picks
    assert expr.value(x).tolist() == [p * v for p, v in zip(picks, x.tolist(), strict=True)]
    assert expr.formula == f"where(x {op} 1, 10*x, 20*x)"
    assert np.isnan(expr.value(np.nan)) and np.isnan(expr.grad(np.nan))


@pytest.mark.parametrize(
    "text", ["min(log(x), 0)", "min(0, log(x))", "max(0, log(x))", "where(x*0 < 1, log(x), 1)",
             "where(1 < log(x), 1, 2)", "min(x, log(x), 5)"],
)
def test_nan_argument_gives_nan_whatever_is_picked(text: str) -> None:
    expr = parse(text)
    for order in range(3):
        assert np.isnan(expr.derivative(-1.0, order)), (text, order)


def test_relu_of_an_affine_argument_kinks_away_from_zero() -> None:
    expr = parse("relu((x + 1)/2)")
    assert expr.kinks == (-1.0,)
    x = np.array([-3.0, -1.0 - 2.0**-20, -1.0, -1.0 + 2.0**-20, 0.0, 3.0])
    np.testing.assert_array_equal(expr.value(x), [0.0, 0.0, 0.0, 2.0**-21, 0.5, 2.0])
    # relu'(0) = 0, the catalog's convention, at the kink x = -1: f' = relu'(0)·½ = 0
    np.testing.assert_array_equal(expr.grad(x), [0.0, 0.0, 0.0, 0.5, 0.5, 0.5])
    np.testing.assert_array_equal(expr.grad2(x), np.zeros(6))
    lo, hi = expr.subgradient([-1.0, 0.0])
    assert lo.tolist() == [0.0, 0.5] and hi.tolist() == [0.5, 0.5]


@pytest.mark.parametrize(
    "text, x, slope",
    [
        ("abs(x - 1)", 1.0, 0.0), ("abs(3 - x)", 3.0, 0.0), ("abs(2*x + 1)", -0.5, 0.0),
        ("relu(x + 2)", -2.0, 0.0), ("relu(2 - x)", 2.0, 0.0), ("relu(-x - 2)", -2.0, 0.0),
        ("max(x, 1)", 1.0, 0.0), ("max(1, x)", 1.0, 1.0), ("min(x, 1)", 1.0, 0.0),
        ("min(1, x)", 1.0, 1.0), ("max(2*x, x + 3)", 3.0, 1.0), ("max(x + 3, 2*x)", 3.0, 2.0),
        ("min(2*x, x + 3)", 3.0, 1.0), ("min(x + 3, 2*x)", 3.0, 2.0),
        ("where(x > 2, 3*x, x)", 2.0, 1.0), ("where(x >= 2, 3*x, x)", 2.0, 3.0),
        ("where(x < 2, 3*x, x)", 2.0, 1.0), ("where(x <= 2, 3*x, x)", 2.0, 3.0),
        ("leaky_relu(x - 1, alpha=0.25)", 1.0, 0.25), ("hardtanh(x - 1)", 2.0, 0.0),
        ("hardtanh(x - 1)", 0.0, 0.0), ("hardtanh(x - 1)", 1.0, 1.0),
    ],
)
def test_kink_conventions_away_from_zero(text: str, x: float, slope: float) -> None:
    assert parse(text).grad(x) == slope


@pytest.mark.parametrize(
    "text, kinks",
    [
        ("relu((x + 1)/2)", (-1.0,)), ("relu(3*x - 6)", (2.0,)), ("relu(x*3 - 6)", (2.0,)),
        ("relu((x - 2)*3)", (2.0,)), ("relu(3*(x - 2))", (2.0,)), ("relu((x - 2)/4)", (2.0,)),
        ("relu(-(x - 2))", (2.0,)), ("relu(4 - 2*x)", (2.0,)), ("relu(-x + 2)", (2.0,)),
        ("relu(x - pi)", (np.pi,)), ("abs(x + 1) + relu(x - 3) + abs(x)", (-1.0, 0.0, 3.0)),
        ("relu(x - 3) + abs(x + 2)", (-2.0, 3.0)), ("abs(x) + relu(x)", (0.0,)),
        ("max(2*x, x + 3)", (3.0,)), ("min(x, 1)", (1.0,)), ("min(1 - x, 3)", (-2.0,)),
        ("where(2*x > 3, 1, x)", (1.5,)), ("where(1 < x/2, x, 1)", (2.0,)),
        ("hardtanh(x + 1, min=-2, max=3)", (-3.0, 2.0)), ("hardtanh(2*x)", (-0.5, 0.5)),
        ("exp(relu(x - 1))", (1.0,)), ("relu(relu(x) - 1)", ()),  # inner kink fine, outer not affine
        ("relu(x - x)", ()), ("relu(x*x)", ()), ("relu(2/x)", ()), ("relu(x/x)", ()),
        ("abs(exp(x)) + relu(x - 1)", ()), ("min(x, 0, 1)", ()), ("min(x, 0, 1) + abs(x)", ()),
        ("max(x*x, 1)", ()), ("where(x*x > 1, 1, 2)", ()), ("x + abs(pi - 4)", ()),
        ("tanh(x)", ()), ("relu(2)*x", ()), ("relu(-(x*x))", ()), ("abs(-exp(x))", ()), ("where(1 > 0, x, 2*x)", ()),
    ],
)
def test_kinks_reported(text: str, kinks: tuple) -> None:
    assert parse(text).kinks == pytest.approx(kinks, rel=1e-15, abs=0.0)
    assert all(type(k) in (float, np.float64) for k in parse(text).kinks)


def test_out_and_the_default_order() -> None:
    expr = parse("x*x*x")
    x = np.array([1.0, 2.0, -3.0])
    want = {0: [1.0, 8.0, -27.0], 1: [3.0, 12.0, 27.0], 2: [6.0, 12.0, -18.0]}
    assert expr.derivative(x).tolist() == want[1]  # the default order is 1, f'
    assert float(expr.derivative(2.0)) == 12.0
    for order in range(3):
        assert expr.derivative(x, order).tolist() == want[order]
        out = np.full(3, np.nan)
        got = expr.derivative(x, order, out=out)
        assert out.tolist() == want[order] and np.shares_memory(got, out)
        assert expr.derivative(x, order, threads=2, out=np.empty(3)).tolist() == want[order]
    for method, order in ((expr.value, 0), (expr.grad, 1), (expr.grad2, 2)):
        out = np.full(3, np.nan)
        got = method(x, out=out)
        assert out.tolist() == want[order] and np.shares_memory(got, out)
        assert method(x).tolist() == want[order]
        assert method(x, 1).tolist() == want[order]  # threads, positional
    out = np.zeros((2, 2), np.float32)
    parse("2*x").grad(np.ones((2, 2), np.float32), out=out)
    assert out.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    with pytest.raises(ValueError, match="out must be a contiguous float64 array of shape"):
        expr.value(x, out=np.empty(4))


# --- every message for rejected input, pinned ------------------------------------------------
# One case or more for each `raise` in actcli/core/expr: the message a user reads is behaviour.

LONG_MESSAGES = [
    ("-" * 100 + "x", "the expression nests deeper than 100 levels: 'x' at column 101"),
    ("1" * 301, "number too large (the limit is 1e+300): '" + "1" * 37 + "...' at column 1"),
    ("9" * 400 + "*x", "number too large (the limit is 1e+300): '" + "9" * 37 + "...' at column 1"),
    ("x" * 1001, "the expression is 1001 characters long; the limit is 1000"),
    (" " * 1000 + "x", "the expression is 1001 characters long; the limit is 1000"),
    ("(" * 101 + "x" + ")" * 101, "parentheses nest deeper than 100 levels: '(x" + ")" * 35 + "...' at column 101"),
    ("[" * 101, "parentheses nest deeper than 100 levels: '[' at column 101"),
    ("x + " + "{" * 101, "parentheses nest deeper than 100 levels: '{' at column 105"),
    ("  " + "(" * 101, "parentheses nest deeper than 100 levels: '(' at column 103"),
    ("y" * 40, "unknown name: '" + "y" * 40 + "' at column 1; the variable is 'x', the constants 'pi' and 'e'"),
    ("y" * 41, "unknown name: '" + "y" * 37 + "...' at column 1; the variable is 'x', the constants 'pi' and 'e'"),
    ("  2*y", "unknown name: 'y' at column 5; the variable is 'x', the constants 'pi' and 'e'"),
    (" \uff58", "character U+FF58 FULLWIDTH LATIN SMALL LETTER X is not allowed (printable ASCII only): '\uff58' at column 2; did you mean 'x'?"),
    ("x**(2**7)", "exponent 128 is out of range (|exponent| <= 64): '2**7' at column 5"),
    ("hardtanh(x, foo=1)", "hardtanh: unknown parameter 'foo': 'foo=1' at column 13; its parameters: min, max"),
    ("X" * 101, "unknown name: '" + "X" * 37 + "...' at column 1; the variable is 'x', the constants 'pi' and 'e'"),
    ("X" + "(" * 101, "parentheses nest deeper than 100 levels: '(' at column 102"),
    ("(((x) + " + "(" * 99 + "x" + ")" * 101, "parentheses nest deeper than 100 levels: '(x" + ")" * 35 + "...' at column 107"),
    ("(x) + " + "(" * 101 + "x" + ")" * 101, "parentheses nest deeper than 100 levels: '(x" + ")" * 35 + "...' at column 107"),
    ("swsh(x)", "unknown function: 'swsh' at column 1; did you mean 'swish'?"),  # an alias
    ("logistc(x)", "unknown function: 'logistc' at column 1; did you mean 'logistic'?"),
]
MESSAGES = [
        ('x.y', "attributes are not allowed: 'x.y' at column 1"),
        ('x[0]', "indexing is not allowed: 'x[0]' at column 1"),
        ('lambda: 1', "lambda is not allowed: 'lambda: 1' at column 1"),
        ('x if x > 0 else 0', "conditional expressions are not allowed; use where(a > b, c, d): 'x if x > 0 else 0' at column 1"),
        ('x < 0', "a comparison is only allowed as the condition of where(a > b, c, d): 'x < 0' at column 1"),
        ('x or 1', "'and' and 'or' are not allowed; use where(a > b, c, d): 'x or 1' at column 1"),
        ('(x := 1)', "assignment is not allowed: 'x := 1' at column 2"),
        ("f'{x}'", 'f-strings are not allowed: "f\'{x}\'" at column 1'),
        ('[x]', "lists are not allowed: '[x]' at column 1"),
        ('(x, 1)', "tuples are not allowed: '(x, 1)' at column 1"),
        ('{x}', "sets are not allowed: '{x}' at column 1"),
        ('{x: 1}', "dicts are not allowed: '{x: 1}' at column 1"),
        ('[x for x in x]', "comprehensions are not allowed: '[x for x in x]' at column 1"),
        ('{x for x in x}', "comprehensions are not allowed: '{x for x in x}' at column 1"),
        ('{x: 1 for x in x}', "comprehensions are not allowed: '{x: 1 for x in x}' at column 1"),
        ('(x for x in x)', "comprehensions are not allowed: '(x for x in x)' at column 1"),
        ('await x', "await is not allowed: 'await x' at column 1"),
        ('(yield x)', "yield is not allowed: 'yield x' at column 2"),
        ('(yield from x)', "yield is not allowed: 'yield from x' at column 2"),
        ('1/(1 - 1)', "this constant is not a finite number (inf): '1/(1 - 1)' at column 1"),
        ('exp(1000)', "this constant is not a finite number (inf): 'exp(1000)' at column 1"),
        ('log(0) + x', "this constant is not a finite number (-inf): 'log(0)' at column 1"),
        ('(-1)**0.5', "this constant is not a finite number (nan): '(-1)**0.5' at column 1"),
        ('0**-1', "this constant is not a finite number (inf): '0**-1' at column 1"),
        ('x**(1/0)', "this constant is not a finite number (inf): '1/0' at column 5"),
        ("'a' + x", 'strings are not allowed: "\'a\'" at column 1'),
        ("b'a'", 'strings are not allowed: "b\'a\'" at column 1'),
        ('2j*x', "complex numbers are not allowed: '2j' at column 1"),
        ('True', "not a number: 'True' at column 1"),
        ('None', "not a number: 'None' at column 1"),
        ('...', "not a number: '...' at column 1"),
        ('0x10', "only decimal numbers are allowed, as in 2, 0.5, 1e-3: '0x10' at column 1"),
        ('0o7', "only decimal numbers are allowed, as in 2, 0.5, 1e-3: '0o7' at column 1"),
        ('0b1', "only decimal numbers are allowed, as in 2, 0.5, 1e-3: '0b1' at column 1"),
        ('1e301', "number too large (the limit is 1e+300): '1e301' at column 1"),
        ('1e400*x', "number too large (the limit is 1e+300): '1e400' at column 1"),
        ('relu', "'relu' is a function; call it, as in relu(x): 'relu' at column 1"),
        ('exp + 1', "'exp' is a function; call it, as in exp(x): 'exp' at column 1"),
        ('x*Swish', "'Swish' is a function; call it, as in Swish(x): 'Swish' at column 3"),
        ('min', "'min' is a function; call it, as in min(x): 'min' at column 1"),
        ('2*y', "unknown name: 'y' at column 3; the variable is 'x', the constants 'pi' and 'e'"),
        ('Y', "unknown name: 'Y' at column 1; the variable is 'x', the constants 'pi' and 'e'"),
        ('PIE', "unknown name: 'PIE' at column 1; the variable is 'x', the constants 'pi' and 'e'"),
        ('X(1)', "'X' is not a function: 'X' at column 1"),
        ('EXP', "'EXP' is a function; call it, as in EXP(x): 'EXP' at column 1"),
        ('pi2', "unknown name: 'pi2' at column 1; the variable is 'x', the constants 'pi' and 'e'"),
        ('~x', "operator '~' is not supported (only + - * / ** and unary minus): '~x' at column 1"),
        ('not x', "operator 'not' is not supported (only + - * / ** and unary minus): 'not x' at column 1"),
        ('x @ x', "operator '@' is not supported (only + - * / ** and unary minus): 'x @ x' at column 1"),
        ('x // 2', "operator '//' is not supported (only + - * / ** and unary minus): 'x // 2' at column 1"),
        ('x % 2', "operator '%' is not supported (only + - * / ** and unary minus): 'x % 2' at column 1"),
        ('x << 1', "operator '<<' is not supported (only + - * / ** and unary minus): 'x << 1' at column 1"),
        ('x >> 1', "operator '>>' is not supported (only + - * / ** and unary minus): 'x >> 1' at column 1"),
        ('x | 1', "operator '|' is not supported (only + - * / ** and unary minus): 'x | 1' at column 1"),
        ('x & 1', "operator '&' is not supported (only + - * / ** and unary minus): 'x & 1' at column 1"),
        ('x ^ 2', "operator '^' is not supported (only + - * / ** and unary minus): 'x ^ 2' at column 1"),
        ('x**65', "exponent 65 is out of range (|exponent| <= 64): '65' at column 4"),
        ('x**-65', "exponent -65 is out of range (|exponent| <= 64): '-65' at column 4"),
        ('x**64.5', "exponent 64.5 is out of range (|exponent| <= 64): '64.5' at column 4"),
        ('x**(8*8 + 1)', "exponent 65 is out of range (|exponent| <= 64): '8*8 + 1' at column 5"),
        ('0**x', "a power with a variable exponent needs a positive base: '0' at column 1"),
        ('(-2)**x', "a power with a variable exponent needs a positive base: '-2' at column 2"),
        ('(1 - 1)**x', "a power with a variable exponent needs a positive base: '1 - 1' at column 2"),
        ('(-0.0)**x', "a power with a variable exponent needs a positive base: '-0.0' at column 2"),
        ('np.exp(x)', "only named functions can be called: 'np.exp' at column 1"),
        ('x.tanh(x)', "only named functions can be called: 'x.tanh' at column 1"),
        ('exp(x)(x)', "only named functions can be called: 'exp(x)' at column 1"),
        ('exp(*x)', "starred arguments are not allowed: '*x' at column 5"),
        ('relu(*x)', "starred arguments are not allowed: '*x' at column 6"),
        ('exp(**x)', "'**' arguments are not allowed: '**x' at column 5"),
        ('relu(x, **x)', "'**' arguments are not allowed: '**x' at column 9"),
        ('x(1)', "'x' is not a function: 'x' at column 1"),
        ('pi(x)', "'pi' is not a function: 'pi' at column 1"),
        ('e(x, 1)', "'e' is not a function: 'e' at column 1"),
        ('exp(x, base=2)', "exp takes no parameters: 'base=2' at column 8"),
        ('min(x, 1, key=2)', "min takes no parameters: 'key=2' at column 11"),
        ('where(x > 0, 1, 2, a=1)', "where takes no parameters: 'a=1' at column 20"),
        ('abs(x, a=1)', "abs takes no parameters: 'a=1' at column 8"),
        ('sigmod(x)', "unknown function: 'sigmod' at column 1; did you mean 'sigmoid'?"),
        ('nosuchfn(x)', "unknown function: 'nosuchfn' at column 1; the functions are abs, atan, clip, cos, cosh, erf, erfc, exp, expm1, log, log1p, max, min, pow, sign, sin, sinh, sqrt, tan, tanh, where and the catalog's activations (see 'actcli info --expressions')"),
        ('Sigmoid2(x)', "unknown function: 'Sigmoid2' at column 1; did you mean 'sigmoid'?"),
        ('relu(x, x)', "relu takes one argument, the input; give parameters as keywords, as in relu(x): 'relu(x, x)' at column 1"),
        ('relu()', "relu takes one argument, the input; give parameters as keywords, as in relu(x): 'relu()' at column 1"),
        ('leaky_relu(x, 0.2)', "leaky_relu takes one argument, the input; give parameters as keywords, as in leaky_relu(x, alpha=0.01): 'leaky_relu(x, 0.2)' at column 1"),
        ('hardtanh(x, -2, 2)', "hardtanh takes one argument, the input; give parameters as keywords, as in hardtanh(x, min=-1, max=1): 'hardtanh(x, -2, 2)' at column 1"),
        ('sigmoid(x, beta=1)', "sigmoid: unknown parameter 'beta': 'beta=1' at column 12; its parameters: none"),
        ('leaky_relu(x, alhpa=0.2)', "leaky_relu: unknown parameter 'alhpa': 'alhpa=0.2' at column 15; did you mean 'alpha'?"),
        ('hardtanh(x, mn=-2)', "hardtanh: unknown parameter 'mn': 'mn=-2' at column 13; did you mean 'min'?"),
        ('leaky_relu(x, alpha=1, alpha=2)', "leaky_relu: parameter 'alpha' is given twice: 'alpha=2' at column 24"),
        ('leaky_relu(x, alpha=x)', "leaky_relu: parameter 'alpha' must be a constant: 'alpha=x' at column 15"),
        ('softplus(x, beta=0)', "softplus: parameter beta=0 is not allowed (finite and > 0): 'beta=0' at column 13"),
        ('softplus(x, beta=-1)', "softplus: parameter beta=-1 is not allowed (finite and > 0): 'beta=-1' at column 13"),
        ('hardtanh(x, min=2, max=1)', "hardtanh: min (2) must be below max (1): 'hardtanh(x, min=2, max=1)' at column 1"),
        ('hardtanh(x, min=1, max=1)', "hardtanh: min (1) must be below max (1): 'hardtanh(x, min=1, max=1)' at column 1"),
        ('min(x)', "min takes two or more arguments: 'min(x)' at column 1"),
        ('max()', "max takes two or more arguments: 'max()' at column 1"),
        ('where(x > 0, 1)', "where takes three arguments: where(a > b, c, d): 'where(x > 0, 1)' at column 1"),
        ('where(x > 0, 1, 2, 3)', "where takes three arguments: where(a > b, c, d): 'where(x > 0, 1, 2, 3)' at column 1"),
        ('where(x, 1, 0)', "the condition of where must be one comparison of two expressions, as in x > 0: 'x' at column 7"),
        ('where(0 < x < 1, x, 0)', "the condition of where must be one comparison of two expressions, as in x > 0: '0 < x < 1' at column 7"),
        ('where(x is 0, 1, 2)', "the condition of where must be one comparison of two expressions, as in x > 0: 'x is 0' at column 7"),
        ('where(x in x, 1, 2)', "the condition of where must be one comparison of two expressions, as in x > 0: 'x in x' at column 7"),
        ('where(x and 1, 1, 2)', "the condition of where must be one comparison of two expressions, as in x > 0: 'x and 1' at column 7"),
        ('exp()', "exp takes one argument, not 0: 'exp()' at column 1"),
        ('exp(x, x)', "exp takes one argument, not 2: 'exp(x, x)' at column 1"),
        ('abs(x, 1)', "abs takes one argument, not 2: 'abs(x, 1)' at column 1"),
        ('sqrt()', "sqrt takes one argument, not 0: 'sqrt()' at column 1"),
        ('', 'the expression is empty'),
        ('   ', 'the expression is empty'),
        ('\t', 'the expression is empty'),
        ('x\t+ 1', "character U+0009 is not allowed (printable ASCII only): '\\t' at column 2"),
        ('ｘ', "character U+FF58 FULLWIDTH LATIN SMALL LETTER X is not allowed (printable ASCII only): 'ｘ' at column 1; did you mean 'x'?"),
        ('exp（x）', "character U+FF08 FULLWIDTH LEFT PARENTHESIS is not allowed (printable ASCII only): '（' at column 4; did you mean '('?"),
        ('х + 1', "character U+0445 CYRILLIC SMALL LETTER HA is not allowed (printable ASCII only): 'х' at column 1"),
        ('x\u200b', "character U+200B ZERO WIDTH SPACE is not allowed (printable ASCII only): '\\u200b' at column 2"),
        ('x\x00', "character U+0000 is not allowed (printable ASCII only): '\\x00' at column 2"),
        ('café', "character U+00E9 LATIN SMALL LETTER E WITH ACUTE is not allowed (printable ASCII only): 'é' at column 4"),
        ('  x = 1', "syntax error (invalid syntax): '=' at column 5"),
        ('exp(x', "syntax error ('(' was never closed): '(' at column 4"),
        ('x *', "the expression is incomplete: 'x *' at column 1"),
        ('x  +', "the expression is incomplete: 'x  +' at column 1"),
        ('x)', "syntax error (unmatched ')'): ')' at column 2"),
        ('x x', "syntax error (invalid syntax): 'x' at column 3"),
        ('exp(x y)', "syntax error (invalid syntax): 'x' at column 5"),
        ('\\', "syntax error (unexpected character after line continuation character): '\\' at column 1"),
        ('# c', "the expression is incomplete: '# c' at column 1"),
        ('x;x', "syntax error (invalid syntax): ';' at column 2"),
        ('yield x', "syntax error (invalid syntax): 'yield' at column 1"),
        ('*x', "syntax error (invalid syntax): '*' at column 1"),
        ('relu(1=x)', 'syntax error (expression cannot contain assignment, perhaps you meant "=="?): \'1\' at column 6'),
        ('relu(x, a=1, 2)', "syntax error (positional argument follows keyword argument): ')' at column 15"),
    *LONG_MESSAGES,
]


@pytest.mark.parametrize("text, message", MESSAGES)
def test_every_rejection_message(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text)
    assert str(e.value) == message


def test_error_carries_its_parts() -> None:
    with pytest.raises(ExpressionError) as e:
        parse("  2*y")
    assert (e.value.reason, e.value.segment, e.value.column) == ("unknown name", "y", 5)
    with pytest.raises(ExpressionError) as e:
        parse("x" * 1001)
    assert (e.value.segment, e.value.column) == (None, None)
    for text in (1, None, b"x"):
        with pytest.raises(ExpressionError) as e:
            parse(text)  # type: ignore[arg-type]
        assert str(e.value) == f"an expression must be a string, not {type(text).__name__}"


@pytest.mark.parametrize("error", [RecursionError, MemoryError])
def test_a_parser_that_runs_out_of_stack_is_an_expression_error(monkeypatch, error) -> None:
    parse_module = sys.modules["actcli.core.expr.parse"]  # the package's `parse` is the function

    def exhausted(*args, **kwargs):
        raise error

    monkeypatch.setattr(parse_module.ast, "parse", exhausted)
    with pytest.raises(ExpressionError) as e:
        parse("x")
    assert str(e.value) == "the expression nests deeper than 100 levels"


def test_a_syntax_error_without_a_message(monkeypatch) -> None:
    parse_module = sys.modules["actcli.core.expr.parse"]  # the package's `parse` is the function

    def bare(*args, **kwargs):
        raise SyntaxError(None, ("<unknown>", 1, 3, "x x"))

    monkeypatch.setattr(parse_module.ast, "parse", bare)
    with pytest.raises(ExpressionError) as e:
        parse("x x")
    assert str(e.value) == "syntax error (invalid syntax): 'x' at column 3"


def test_python_s_hints_are_cut_from_syntax_errors() -> None:
    # Python says "invalid syntax. Perhaps you forgot a comma?": advice about Python
    with pytest.raises(ExpressionError) as e:
        parse("exp(x y)")
    assert str(e.value) == "syntax error (invalid syntax): 'x' at column 5"


def _build(src: str, pick, replace=None) -> str:
    """The message for one ast node that `parse` never hands to the walk by itself."""
    from actcli.core.expr.parse import _Parser

    node = pick(ast.parse(src, mode="eval").body)
    with pytest.raises(ExpressionError) as e:
        _Parser(src, 0).build(node if replace is None else replace(node), 1)
    return e.value.reason


class _NewUnary(ast.unaryop):
    pass


class _NewBinary(ast.operator):
    pass


def test_rejections_behind_other_rejections() -> None:
    # Python reaches these only inside nodes refused first; the walk refuses them by themselves.
    assert _build("x[1:2]", lambda b: b.slice) == "slices are not allowed"
    assert _build("f'{x}'", lambda b: b.values[0]) == "f-strings are not allowed"
    assert _build("f(*x)", lambda b: b.args[0]) == "starred arguments are not allowed"
    assert _build("f(a=1)", lambda b: b.keywords[0]) == "this is not part of the expression language"
    # an operator a later Python might add is refused by its class name
    assert _build("-x", lambda b: b, lambda b: ast.copy_location(ast.UnaryOp(_NewUnary(), b.operand), b)) == (
        "operator '_NewUnary' is not supported (only + - * / ** and unary minus)"
    )
    assert _build("x + 1", lambda b: b, lambda b: ast.copy_location(ast.BinOp(b.left, _NewBinary(), b.right), b)) == (
        "operator '_NewBinary' is not supported (only + - * / ** and unary minus)"
    )


# --- limits, exactly at their boundaries ------------------------------------------------------


def test_length_limit_is_1000_characters_of_the_raw_text() -> None:
    assert parse("x" + " " * 999).value(2.0) == 2.0
    assert parse(" " * 999 + "x").value(2.0) == 2.0
    sum_1000 = "x" + "+x" * 499 + " "
    assert len(sum_1000) == 1000 and parse(sum_1000).grad(1.0) == 500.0
    for text in ("x" + " " * 1000, " " * 1001, sum_1000 + "1"):
        with pytest.raises(ExpressionError, match="^the expression is 1001 characters long; the limit is 1000$"):
            parse(text)


def test_number_limit_is_1e300() -> None:
    assert parse("1e300").value(0.0) == 1e300
    assert parse("-1e300*x").grad(0.0) == -1e300
    assert parse("1" + "0" * 300).value(0.0) == 1e300  # an integer literal, as a float
    assert parse("1e-320*x").grad(1.0) == 1e-320  # small is fine
    just_over = repr(float(np.nextafter(1e300, np.inf)))  # '1.0000000000000002e+300'
    for text in (just_over, "1" + "0" * 301, "1e309", "9" * 400):
        with pytest.raises(ExpressionError) as e:
            parse(text)
        assert e.value.reason == "number too large (the limit is 1e+300)"


def test_exponent_limit_is_64() -> None:
    for p in ("64", "-64", "64.0", "(8*8)", "(-64)", "(2**6)"):
        expr = parse(f"x**{p}")
        q = -64 if "-" in p else 64
        assert expr.value(2.0) == 2.0**q
        assert expr.grad(2.0) == q * 2.0 ** (q - 1)
    for p, shown in (("65", "65"), ("-65", "-65"), ("64.00000000000001", "64.00000000000001"),
                     ("(-64.00000000000001)", "-64.00000000000001"), ("(8*8 + 1)", "65")):
        with pytest.raises(ExpressionError) as e:
            parse(f"x**{p}")
        assert e.value.reason == f"exponent {shown} is out of range (|exponent| <= 64)"
    assert parse("2**64").value(0.0) == 2.0**64  # a constant power: only its exponent is limited


def test_variable_exponent_needs_a_positive_base() -> None:
    assert parse("1e-300**x").value(0.0) == 1.0
    assert parse("1**x").grad(3.0) == 0.0
    assert parse("0.5**x").value(2.0) == 0.25
    assert parse("0**2*x").value(3.0) == 0.0  # a constant exponent: base 0 is fine
    assert parse("0**0").value(3.0) == 1.0
    assert parse("(-2)**2*x").value(1.0) == 4.0
    for base in ("0", "(-0.0)", "(1 - 1)", "(-1e-300)", "(-2)", "(0*pi)"):
        with pytest.raises(ExpressionError) as e:
            parse(f"{base}**x")
        assert e.value.reason == "a power with a variable exponent needs a positive base"
        with pytest.raises(ExpressionError):
            parse(f"{base}**(x*0)")


def _deepest(template: str) -> int:
    """The most unary minuses `template` can sit under before the tree is too deep."""
    k = 0
    while k < 200:
        try:
            parse("-" * (k + 1) + template)
        except ExpressionError as e:
            assert e.reason == "the expression nests deeper than 100 levels"
            return k
        k += 1
    raise AssertionError("no limit")


@pytest.mark.parametrize(
    "template, levels",
    [
        # levels below the top: x alone is one level; each call, operator run or where adds one
        ("x", 1), ("(x)", 1), ("+x", 2), ("exp(x)", 2), ("x**2", 2),
        # unary minus binds tighter than + and *: parentheses put the run under the minuses
        ("(x + 1 - x)", 2), ("(x*2/x)", 2), ("(x + exp(x))", 3), ("(exp(x) - x)", 3),
        ("(x*exp(x))", 3), ("(exp(x)/x)", 3), ("where(1 > 0, exp(exp(x)), 2)", 4),
        ("max(x, 1)", 2), ("min(1, exp(x))", 3), ("relu(x)", 2), ("leaky_relu(x, alpha=0.5)", 2),
        ("hardtanh(x, min=-0.5)", 3), ("where(x > 0, 1, 2)", 3), ("where(1 > 0, x, 2)", 3),
        ("where(1 > 0, exp(x), 2)", 3), ("where(1 > 0, 1, exp(exp(x)))", 4), ("-x", 2),
        ("exp(x)**2", 3), ("2**exp(x)", 3), ("where(exp(x) > 0, 1, 2)", 4),
        ("where(0 > exp(x), 1, 2)", 4), ("max(exp(x), 1)", 3), ("max(1, exp(x))", 3),
        ("relu(exp(x))", 3), ("hardtanh(x, min=-exp(1))", 4), ("clip(x, 0, 1)", 2),
        ("clip(exp(x), 0, 1)", 3), ("clip(x, -exp(1), 1)", 4), ("clip(x, 0, exp(1))", 3),
    ],
)
def test_tree_depth_limit_is_100_levels(template: str, levels: int) -> None:
    assert _deepest(template) == 100 - levels


def test_unary_plus_counts_as_a_level() -> None:
    assert parse("+" * 99 + "x").value(2.0) == 2.0
    with pytest.raises(ExpressionError) as e:
        parse("+" * 100 + "x")
    assert str(e.value) == "the expression nests deeper than 100 levels: 'x' at column 101"


def test_parenthesis_depth_limit_is_100() -> None:
    assert parse("(" * 100 + "x" + ")" * 100).value(3.0) == 3.0
    assert parse("exp(" * 49 + "(" * 51 + "x" + ")" * 100).kinks == ()
    many = " + ".join(["(x)"] * 150)  # closed parentheses do not add up
    assert parse(many).grad(0.0) == 150.0
    # ] and } close too: a refused index or set is refused for itself, not for depth
    for text, reason in (("x" + "[0]" * 150, "indexing is not allowed"), ("x + " + "{1} + " * 150 + "x", "sets are not allowed")):
        with pytest.raises(ExpressionError) as e:
            parse(text)
        assert e.value.reason == reason
    for text in ("(" * 101 + "x" + ")" * 101, "[" * 101, "{" * 101, "(" * 50 + "[" * 51):
        with pytest.raises(ExpressionError) as e:
            parse(text)
        assert e.value.reason == "parentheses nest deeper than 100 levels"


# --- a law over the whole language: f, f', f'' against mpmath, away from kinks -------------------

_MARGINS: list = []  # |a − b| at every switch mpmath's reference meets


def _switch(a, b):
    _MARGINS.append(abs(a - b))
    return a > b


WIDE_UNARY = {
    **UNARY,
    "cos": ("cos({})", mpmath.cos),
    "erf": ("erf({})", mpmath.erf),
    "erfc": ("erfc({})", mpmath.erfc),
    "expm1_neg_sq": ("expm1(-({0})*({0}))", lambda u: mpmath.expm1(-u * u)),
    "log_1p_sq": ("log(1 + ({0})*({0}))", lambda u: mpmath.log(1 + u * u)),
    "sq": ("({})**2", lambda u: u**2),
    "cube": ("({})**3", lambda u: u**3),
    "one": ("({})**1", lambda u: u),
    "zero": ("({})**0", lambda u: mpmath.mpf(1)),
    "inv_1p_sq": ("(1 + ({0})*({0}))**-1.5", lambda u: (1 + u * u) ** -1.5),
    "pow_var": ("1.5**({})", lambda u: mpmath.mpf(1.5) ** u),
    "abs": ("abs({})", lambda u: -u if _switch(0, u) else u),
    "relu_shift": ("relu({} - 0.25)", lambda u: u - 0.25 if _switch(u, 0.25) else mpmath.mpf(0)),
}
WIDE_BINARY = {
    **BINARY,
    "min": ("min({}, {})", lambda a, b: b if _switch(a, b) else a),
    "max": ("max({}, {})", lambda a, b: a if _switch(a, b) else b),
    "where": ("where({0} > {1}, ({1})*({1}), {0})", lambda a, b: b * b if _switch(a, b) else a),
    "pow_sq_var": ("(1 + ({0})*({0}))**({1})", lambda a, b: (1 + a * a) ** b),
}
wide_trees = st.recursive(
    leaves,
    lambda sub: st.one_of(
        st.tuples(st.sampled_from(sorted(WIDE_UNARY)), sub),
        st.tuples(st.sampled_from(sorted(WIDE_BINARY)), sub, sub),
    ),
    max_leaves=6,
)


def _wide_text(tree: tuple) -> str:
    if tree[0] == "x":
        return "x"
    if tree[0] == "c":
        return repr(tree[1])
    if tree[0] in WIDE_UNARY:
        return WIDE_UNARY[tree[0]][0].format(_wide_text(tree[1]))
    return WIDE_BINARY[tree[0]][0].format(_wide_text(tree[1]), _wide_text(tree[2]))


def _wide_mp(tree: tuple, x):
    if tree[0] == "x":
        return x
    if tree[0] == "c":
        return mpmath.mpf(tree[1])
    if tree[0] in WIDE_UNARY:
        return WIDE_UNARY[tree[0]][1](_wide_mp(tree[1], x))
    return WIDE_BINARY[tree[0]][1](_wide_mp(tree[1], x), _wide_mp(tree[2], x))


@settings(max_examples=150, deadline=None)
@given(tree=wide_trees, x0=st.sampled_from((-1.3171, -0.4093, 0.2281, 0.6917, 1.7713)))
def test_the_whole_language_matches_mpmath_away_from_kinks(tree: tuple, x0: float) -> None:
    assume(_depends_on_x(tree))
    try:
        expr = parse(_wide_text(tree))
    except ExpressionError as e:  # a constant part out of range, as 1.5**(1.5**(...)): refused
        assume("not a finite number" not in str(e) and "out of range" not in str(e))
        raise
    _MARGINS.clear()
    with mpmath.workdps(40):
        want = [mpmath.diff(lambda t: _wide_mp(tree, t), mpmath.mpf(x0), n) for n in range(3)]
    # a kink within reach of mpmath's step, or where float rounding could pick the other side
    assume(all(m > 1e-8 for m in _MARGINS))
    assume(all(abs(w) < 1e100 for w in want))
    for order in range(3):
        got = float(_quiet(expr.derivative, x0, order))
        w = float(want[order])
        # Relative to |f^(k)|, or to 1 where f^(k) is a small difference of O(1) terms.
        assert abs(got - w) <= 1e-11 * max(abs(w), 1.0), (expr.text, x0, order, got, w)



# --- work done only when asked ------------------------------------------------------------------

_UFUNCS: list[str] = []


class _Recorded(np.ndarray):
    """An array that notes each numpy ufunc (and operator) applied to it directly."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        _UFUNCS.append(ufunc.__name__)
        plain = [a.view(np.ndarray) if isinstance(a, _Recorded) else a for a in inputs]
        return getattr(ufunc, method)(*plain, **kwargs)


@pytest.mark.parametrize(
    "text, calls",  # the ufuncs applied to x itself when the jet is asked for f; f, f'; f, f', f''
    [
        ("exp(x)", (["exp"], ["exp"], ["exp"])),
        ("log(x)", (["log"], ["divide", "log"], ["divide", "log"])),
        ("log1p(x)", (["log1p"], ["add", "log1p"], ["add", "log1p"])),
        ("expm1(x)", (["expm1"], ["exp", "expm1"], ["exp", "expm1"])),
        ("sqrt(x)", (["sqrt"], ["sqrt"], ["sqrt", "divide"])),
        ("sin(x)", (["sin"], ["sin", "cos"], ["sin", "cos"])),
        ("cos(x)", (["cos"], ["cos", "sin"], ["cos", "sin"])),
        ("tanh(x)", (["tanh"], ["tanh", "absolute"], ["tanh", "absolute"])),
        ("erf(x)", (["erf"], ["clip", "erf"], ["clip", "erf", "clip"])),
        ("erfc(x)", (["erfc"], ["clip", "erfc"], ["clip", "erfc", "clip"])),
        ("abs(x)", (["absolute"], ["sign", "absolute"], ["sign", "absolute"])),
        ("sinh(x)", (["sinh"], ["sinh", "cosh"], ["sinh", "cosh"])),
        ("cosh(x)", (["cosh"], ["cosh", "sinh"], ["cosh", "sinh"])),
        ("atan(x)", (["arctan"], ["absolute", "sign", "sign", "arctan"], ["absolute", "sign", "sign", "arctan"])),
        ("clip(x, 0, 1)", (["clip"], ["greater", "less", "clip"], ["greater", "less", "clip"])),
        ("x**3", (["power"], ["power", "power"], ["power", "power", "power"])),
        ("x**0", (["power"], ["power"], ["power"])),
        ("x**1", ([], [], [])),
        ("2**x", (["power"], ["power", "multiply"], ["power", "multiply"])),
        ("where(x**3 > 0.5, 1, 2)", (["power"], ["power"], ["power"])),
        ("where(0.5 < x**3, 1, 2)", (["power"], ["power"], ["power"])),
    ],
)
def test_asking_for_f_computes_no_derivative(text: str, calls: tuple) -> None:
    x = np.array([0.5, 1.5]).view(_Recorded)
    for n, want in zip((1, 2, 3), calls, strict=True):
        _UFUNCS.clear()
        parse(text)._root.jet(x, n)
        assert _UFUNCS == want, (text, n)


@pytest.mark.parametrize(
    "text",
    ["exp(x)", "exp(2*x)", "x/(1 + x)", "x/exp(x)", "2**x", "x**x", "abs(x)*x", "min(x, 1)", "min(1, x*x)", "max(x*x, x)", "max(x, x*x, 2)", "where(x > 1, x, 2)",
     "where(x > 1, 1, x*x)", "where(x > 1, x*x, x*x*x)"],
)
def test_a_switch_carries_only_the_orders_asked_for(text: str) -> None:
    # an order not asked for is None (not computed), however many its branches carry
    x = np.array([0.5, 2.0])
    root = parse(text)._root
    assert root.jet(x, 1)[1:] == (None, None)
    assert root.jet(x, 2)[1] is not None and root.jet(x, 2)[2] is None
    if "x*x" in text:
        assert root.jet(x, 3)[2] is not None


def test_threads_reach_the_kernels(monkeypatch) -> None:
    parse_module = sys.modules["actcli.core.expr.parse"]
    seen = []
    real = parse_module.apply

    def spy(kernel, x, params, threads=None, out=None):
        seen.append(threads)
        return real(kernel, x, params, threads, out)

    monkeypatch.setattr(parse_module, "apply", spy)
    expr = parse("x*x")
    expr.value(1.0, 3), expr.grad(1.0, 2), expr.grad2(1.0, threads=5), expr.derivative(1.0, 0, 7)
    expr.value(1.0)
    assert seen == [3, 2, 5, 7, None]


def test_erf_and_erfc_derivatives_vanish_in_the_far_tails() -> None:
    x = np.array([-np.inf, -1e300, -1e200, -41.0, 41.0, 1e200, 1e300, np.inf])
    for text, values in (("erf(x)", [-1.0] * 4 + [1.0] * 4), ("erfc(x)", [2.0] * 4 + [0.0] * 4)):
        expr = parse(text)
        assert _quiet(expr.value, x).tolist() == values
        for order in (1, 2):
            assert np.all(_quiet(expr.derivative, x, order) == 0.0), (text, order)


def test_a_kernel_that_loses_nan_inside_an_expression_still_gives_nan() -> None:
    # A kernel that branches on v > 0 gives 0 for nan (the comparison is False): the call puts
    # the nan back, so relu(log(x)) is nan where log(x) is, whatever the kernel does.
    from types import SimpleNamespace

    def branchy(v, out):
        out[...] = np.where(v > 0, v, 0.0)
        return out

    def ones(v, out):
        out[...] = 1.0
        return out

    expr = parse("relu(log(x))")
    decl = SimpleNamespace(value=branchy, grad=ones, grad2=ones)
    expr._root.act = SimpleNamespace(decl=decl, params={}, kinks=(0.0,), name="relu")
    x = np.array([-1.0, np.e])
    for order in range(3):
        got = expr.derivative(x, order)
        assert np.isnan(got[0]) and not np.isnan(got[1]), order
    assert expr.value(np.e) == 1.0


def test_quotient_of_pieces_with_no_slope() -> None:
    expr = parse("where(x > 0, 1, 2)/where(x > 0, 4, 8)")
    for order, want in ((0, 0.25), (1, 0.0), (2, 0.0)):
        assert expr.derivative(1.0, order) == want


def test_a_constant_that_overflows_is_refused_without_a_warning() -> None:
    for text in ("1/(1 - 1)", "exp(1000)", "log(0) + x", "(-1)**0.5"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ExpressionError):
                parse(text)


# --- tan, atan, sinh, cosh, sign, clip, pow ------------------------------------------------
# References in mpmath at 50 digits, from the textbook formulas (never the code under test).




def _mp_refs(name: str, x: float) -> tuple:
    with mpmath.workdps(50):
        v = mpmath.mpf(x)
        if name == "tan":
            t, s2 = mpmath.tan(v), mpmath.sec(v) ** 2
            return t, s2, 2 * s2 * t
        if name == "atan":
            return mpmath.atan(v), 1 / (1 + v * v), -2 * v / (1 + v * v) ** 2
        if name == "sinh":
            return mpmath.sinh(v), mpmath.cosh(v), mpmath.sinh(v)
        if name == "cosh":
            return mpmath.cosh(v), mpmath.sinh(v), mpmath.cosh(v)
        if name == "pow(x, 2.5)":
            return v**2.5, 2.5 * v**1.5, 3.75 * v**0.5
        if name == "pow(2, x)":
            ln2 = mpmath.log(2)
            return 2**v, 2**v * ln2, 2**v * ln2**2
        if name == "pow(x, x)":
            f, lg = v**v, mpmath.log(v) + 1
            return f, f * lg, f * (lg * lg + 1 / v)
    raise AssertionError(name)


def _as_float(v) -> float:
    return float(mpmath.mpf(v)) if abs(v) < mpmath.mpf("1.8e308") else float(mpmath.sign(v)) * np.inf


NEW_POINTS = {
    "tan": [-1e10, -3.0, -1.5, -1.0, -1e-8, 0.0, 1e-300, 0.5, 1.0, 1.5707963, 2.0, 100.0, 1e10],
    # beyond 1.34e154, v² overflows: 1/(1 + v²) would be 0 where the truth is 5e-309
    "atan": [-1e200, -1e155, -1e100, -1e10, -3.0, -1.0, -1e-8, 0.0, 1e-300, 0.5, 1.0, 2.0,
             1e8, 1e100, 1e155, 1e200, 1e300],
    # up to about 710.47 sinh and cosh are finite; beyond, the true value overflows: inf
    "sinh": [-711.0, -710.4, -700.0, -30.0, -1.0, -1e-8, 0.0, 1e-300, 0.5, 3.0, 30.0, 700.0,
             710.4, 711.0, 1e10],
    "cosh": [-711.0, -710.4, -700.0, -30.0, -1.0, -1e-8, 0.0, 1e-300, 0.5, 3.0, 30.0, 700.0,
             710.4, 711.0, 1e10],
    "pow(x, 2.5)": [1e-300, 1e-8, 0.25, 1.0, 3.0, 1e10, 1e100],
    "pow(2, x)": [-1000.0, -3.0, -0.5, 0.0, 0.5, 3.0, 100.0, 1000.0],
    "pow(x, x)": [1e-8, 0.1, 0.5, 1.0, 2.0, 10.0, 100.0],
}


@pytest.mark.parametrize("name", list(NEW_POINTS))
def test_new_functions_match_mpmath(name: str) -> None:
    expr = parse(name if "(" in name else f"{name}(x)")
    x = np.array(NEW_POINTS[name])
    for order in range(3):
        got = _quiet(expr.derivative, x, order)
        for xi, g in zip(x, got, strict=True):
            want = _as_float(_mp_refs(name, float(xi))[order])
            if np.isinf(want):
                assert g == want, (name, xi, order, g, want)
            else:
                assert abs(g - want) <= 1e-14 * abs(want) + 1e-320, (name, xi, order, g, want)


@pytest.mark.parametrize("name", ["sinh", "cosh", "tan", "atan", "sign"])
def test_new_elementary_raise_no_warning(name: str) -> None:
    from actcli.core.expr.jets import ELEMENTARY

    v = np.array([-1e300, -800.0, -711.0, -1.0, 0.0, 1.0, 711.0, 800.0, 1e300, np.inf, -np.inf])
    if name == "tan":
        v = v[:-2]  # tan(±inf) is nan, as sin's: outside the domain, not an overflow
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = ELEMENTARY[name](v, 3)
    if name in ("sinh", "cosh"):
        assert out[0][7] == np.inf and out[1][7] == np.inf and out[2][7] == np.inf
        cosh_at = out[1] if name == "sinh" else out[0]
        assert cosh_at[1] == np.inf  # cosh(-800)
    if name == "atan":
        assert out[1][-1] == 0.0 and out[2][-1] == 0.0 and out[1][-2] == 0.0 and out[2][-2] == 0.0


def test_sign_convention_and_kink() -> None:
    """sign(0) = 0; sign' = sign'' = 0 everywhere, at the jump too (relu'(0) = 0's rule)."""
    expr = parse("sign(x)")
    x = np.array([-np.inf, -2.0, -5e-324, -0.0, 0.0, 5e-324, 3.0, np.inf])
    assert np.array_equal(expr.value(x), [-1, -1, -1, 0, 0, 1, 1, 1])
    for order in (1, 2):
        d = expr.derivative(x, order)
        assert np.array_equal(d, np.zeros_like(x)) and not np.signbit(d).any()
    assert expr.kinks == (0.0,)
    assert parse("sign(2*x - 1)").kinks == (0.5,)
    assert parse("x*sign(x)").kinks == (0.0,)
    assert np.isnan(expr.value(np.nan)) and np.isnan(expr.grad(np.nan))
    # sign(x)·x is |x|, with abs's convention at 0
    assert np.array_equal(parse("sign(x)*x").grad(x[1:-1]), parse("abs(x)").grad(x[1:-1]))


def test_clip_is_hardtanh_with_its_kinks_and_convention() -> None:
    """clip(x, lo, hi): value, f', f'' bit for bit as hardtanh:min=lo,max=hi, 0 at lo and hi."""
    expr, ht = parse("clip(x, -1, 2)"), actcli.get("hardtanh", min=-1.0, max=2.0)
    x = np.concatenate([np.linspace(-3, 3, 601), [-1.0, 2.0, np.nextafter(-1, 0), np.nextafter(2, 0)]])
    for order in range(3):
        assert np.array_equal(expr.derivative(x, order), ht.derivative(x, order))
    assert expr.grad(-1.0) == 0.0 and expr.grad(2.0) == 0.0 and expr.grad(0.0) == 1.0
    assert expr.kinks == (-1.0, 2.0)
    assert parse("clip(2*x, -1, 1)").kinks == (-0.5, 0.5)
    assert parse("clip(x*x, -1, 1)").kinks == ()  # not affine: unknown, not wrong
    inner = parse("clip(sin(x), -0.5, 0.5)")
    x0 = 0.25
    assert inner.grad(x0) == np.cos(x0) and inner.grad2(x0) == -np.sin(x0)
    assert inner.grad(1.0) == 0.0 and inner.grad2(1.0) == 0.0
    assert np.isnan(expr.value(np.nan)) and np.isnan(expr.grad(np.nan))


def test_pow_is_the_power_operator() -> None:
    for a, b in [("x", "2.5"), ("2", "x"), ("x", "x"), ("x + 1", "-3"), ("x", "0")]:
        f, g = parse(f"pow({a}, {b})"), parse(f"({a})**({b})")
        assert f.formula == g.formula
        x = np.linspace(0.1, 4, 40)
        for order in range(3):
            assert np.array_equal(f.derivative(x, order), g.derivative(x, order))


def test_new_functions_keep_the_dtype() -> None:
    expr = parse("tan(x) + atan(x) + sinh(x) + cosh(x) + sign(x) + clip(x, -1, 1) + pow(x, 2)")
    for dtype in (np.float32, np.float64):
        x = np.linspace(-1, 1, 9, dtype=dtype)
        for order in range(3):
            assert expr.derivative(x, order).dtype == dtype


@pytest.mark.parametrize(
    "text, formula",
    [
        ("X", "x"), ("PI*x", "pi*x"), ("E**X", "e**x"), ("EXP(X)", "exp(x)"), ("Tanh(x)", "tanh(x)"),
        ("SIGN(x)", "sign(x)"), ("Clip(x, -1, 1)", "clip(x, -1, 1)"), ("POW(x, 2)", "x**2"),
        ("MAX(x, 0)", "max(x, 0)"), ("Where(X > 0, x, 0)", "where(x > 0, x, 0)"),
        ("GELU(x)", "gelu(x)"), ("LEAKY_RELU(x, ALPHA=0.2)", "leaky_relu(x, alpha=0.2)"),
        ("hardtanh(x, Min=-2, MAX=2)", "hardtanh(x, min=-2, max=2)"),
    ],
)
def test_every_name_is_read_without_case(text: str, formula: str) -> None:
    """One rule: the variable, constants, functions, activations and parameter keywords alike."""
    assert parse(text).formula == formula


@pytest.mark.parametrize(
    "text, message",
    [
        ("clip(x, 1)", "clip takes three arguments, clip(x, lo, hi), not 2: 'clip(x, 1)' at column 1"),
        ("clip(x, x, 1)", "clip: the bounds lo and hi must be constants: 'x' at column 9"),
        ("clip(x, -1, x)", "clip: the bounds lo and hi must be constants: 'x' at column 13"),
        ("clip(x, 1, 1)", "clip needs lo < hi: 'clip(x, 1, 1)' at column 1"),
        ("clip(x, 2, 1)", "clip needs lo < hi: 'clip(x, 2, 1)' at column 1"),
        ("pow(x)", "pow takes two arguments, pow(a, b), not 1: 'pow(x)' at column 1"),
        ("pow(x, 100)", "exponent 100 is out of range (|exponent| <= 64): '100' at column 8"),
        ("pow(-2, x)", "a power with a variable exponent needs a positive base: '-2' at column 5"),
        ("pow(x, 2, 3)", "pow takes two arguments, pow(a, b), not 3: 'pow(x, 2, 3)' at column 1"),
        ("tan(x, 1)", "tan takes one argument, not 2: 'tan(x, 1)' at column 1"),
        ("sign(x, a=1)", "sign takes no parameters: 'a=1' at column 9"),
        ("sinh(1000)", "this constant is not a finite number (inf): 'sinh(1000)' at column 1"),
        ("SINH", "'SINH' is a function; call it, as in SINH(x): 'SINH' at column 1"),
        ("atn(x)", "unknown function: 'atn' at column 1; did you mean 'atan'?"),
    ],
)
def test_new_function_messages(text: str, message: str) -> None:
    with pytest.raises(ExpressionError) as e:
        parse(text)
    assert str(e.value) == message


def test_atan_derivatives_on_both_sides_of_one() -> None:
    """Beyond |v| = 1 the derivatives are formed in w = 1/|v| (v² would overflow past 1e154):
    each side, the switch at 1 and the far tail, against 1/(1 + x²) and −2x/(1 + x²)²."""
    x = np.array([0.0, 0.5, -0.99, 1.0, -1.0, 1.25, -1.5, 1.99, 2.0, -3.0, 1e10, -1e160])
    f = parse("atan(x)")
    want1 = np.array([1 / (1 + v * v) if abs(v) < 1e100 else 1 / v / v for v in x.tolist()])
    want2 = np.array([-2 * v / (1 + v * v) ** 2 if abs(v) < 1e100 else -2 / v / v / v for v in x.tolist()])
    np.testing.assert_allclose(f.grad(x), want1, rtol=4e-16, atol=0)
    np.testing.assert_allclose(f.derivative(x, 2), want2, rtol=8e-16, atol=0)
