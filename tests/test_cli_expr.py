"""Expressions wherever a FUNC is taken, hostile ones refused in one line; `info EXPR`;
`--threads`; and every --help example runs."""

import shlex

import numpy as np
import pytest
from clitools import handled, ok, run, strict_loads  # tests/ is on the path

import actcli
from actcli.core.registry import Activation

MISH = "x*tanh(softplus(x))"


def test_eval_and_grad_json_name_the_expression_by_its_text():
    y = float(actcli.get(MISH).value(1.0))
    assert ok("eval", MISH, "--json", "1") == (
        f'{{"function": "{MISH}", "params": {{}}, "dtype": "float64", "x": [1.0], "y": [{y!r}]}}\n'
    )
    doc = strict_loads(ok("grad", MISH, "--json", "--", "-1", "1"))
    assert doc["function"] == MISH and doc["order"] == 1
    np.testing.assert_allclose(doc["dydx"], actcli.get("mish").grad([-1.0, 1.0]), rtol=1e-14)


def test_compare_mixes_catalog_and_expressions():
    doc = strict_loads(ok("compare", "relu", "max(x, 0)", "--json", "--", "-1", "0", "2"))
    relu, expr = doc["functions"]
    assert expr["function"] == "max(x, 0)" and expr["params"] == {}
    assert relu["y"] == expr["y"] and relu["dydx"] == expr["dydx"]  # max(x, 0)'(0) = 0, as relu


def test_expressions_that_start_with_a_minus_are_not_options():
    assert ok("eval", "-x", "--", "1", "-2") == "1.0\t-1.0\n-2.0\t2.0\n"
    assert ok("eval", "-x*sigmoid(-x)", "0") == "0.0\t-0.0\n"
    assert ok("compare", "-x", "relu", "--value", "1") == "1.0\t-1.0\t1.0\n"
    # options and their typos are still options
    r = run("eval", "relu", "-n5", "--range", "0", "1")
    assert r.exit_code == 0 and len(r.stdout.splitlines()) == 5
    r = run("eval", "relu", "--jsn", "1")
    assert r.exit_code == 2 and "did you mean '--json'?" in r.stderr


def test_info_expression_measures_what_is_not_declared():
    rec = strict_loads(ok("info", MISH, "--json"))
    assert list(rec) == [
        "function",
        "formula",
        "params",
        "kinks",
        "output_range",
        "f0",
        "odd",
        "zero_centered",
        "monotonic",
        "vanishing_gradient",
        "dying_units",
        "max_slope",
        "max_slope_where",
    ]
    assert rec["function"] == MISH and rec["formula"] == MISH and rec["kinks"] == []
    assert rec["output_range"] == "[-0.308843, inf)"  # still growing at x = 1e300: unbounded
    assert rec["f0"] == 0.0 and rec["odd"] is False and rec["zero_centered"] is False
    assert rec["monotonic"] is False and rec["dying_units"] is False
    assert rec["max_slope"] == pytest.approx(1.0885, abs=1e-4)
    assert rec["max_slope_where"].startswith("x = 1.49")
    rec = strict_loads(ok("info", "2*relu(x) - abs(x)", "--json"))  # = x, written the long way
    assert rec["formula"] == "2*relu(x) - abs(x)" and rec["kinks"] == [0.0]
    assert rec["zero_centered"] is True and rec["monotonic"] is True


def test_info_expression_table_and_tsv():
    out = ok("info", MISH, "--table")
    for text in ("expression", "parsed as", "range on the grid", "maximum slope", "computed"):
        assert text in out
    lines = dict(line.split("\t") for line in ok("info", "2 * x").splitlines())
    assert lines["formula"] == "2*x" and lines["max_slope"] == "2"
    assert lines["max_slope_where"] == "every x" and lines["zero_centered"] == "yes"


def test_info_expression_with_nonfinite_values_is_strict_json():
    rec = strict_loads(ok("info", "log(x)", "--json"))
    assert rec["f0"] == "-Infinity"
    assert rec["max_slope"] == "Infinity"  # log'(x) = 1/x is unbounded at 0
    assert rec["max_slope_where"] == "x = 0"
    assert rec["output_range"] == "(-inf, inf)"  # log(0) = -inf; log(1e300) still growing
    assert strict_loads(ok("info", "tanh(x)", "--json"))["output_range"] == "[-1, 1]"


def test_table_refuses_expressions_with_a_pointer_to_info():
    r = run("table", "relu", "2*x")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == (
        "actcli table: '2*x' is an expression: it declares no properties for the table; "
        "'info' measures them: actcli info '2*x'\n"
    )


HOSTILE = [
    "__import__('os')",
    "().__class__",
    "9**9**9**9",
    "x.__class__.__bases__",
    "[x for x in ()]",
    "open('/etc/passwd')",
    "lambda: 1",
    "exp(" * 200 + "x" + ")" * 200,
    "x" * 2000,
]
COMMANDS = [
    ["eval", "{}", "1"],
    ["grad", "{}", "1"],
    ["compare", "relu", "{}", "1"],
    ["plot", "{}"],
    ["info", "{}"],
    ["flow", "{}", "--depth", "2"],
    ["dead", "{}", "--depth", "2"],
    ["collapse", "{}", "--depth", "2"],
    ["table", "{}"],
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_hostile_expressions_exit_2_in_one_line(text, command):
    r = run(*[text if a == "{}" else a for a in command])
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr)
    assert r.stdout == ""
    handled(r)
    assert r.stderr.count("\n") == 1
    assert r.stderr.startswith(f"actcli {command[0]}: ")


# --- --threads -------------------------------------------------------------------------------


def test_threads_reach_the_kernels(monkeypatch):
    seen = []
    real = Activation.derivative

    def spy(self, x, order=1, threads=None, out=None):
        seen.append(threads)
        return real(self, x, order, threads, out)

    monkeypatch.setattr(Activation, "derivative", spy)
    ok("eval", "relu", "--threads", "3", "1")
    ok("grad", "relu", "--threads", "1", "1")
    ok("compare", "relu", "tanh", "--threads", "2", "1")
    ok("eval", "relu", "1")
    assert seen == [3, 1, 2, 2, 2, 2, None]


def test_threads_give_the_same_bits():
    args = ["eval", "gelu", "--range", "-30", "30", "-n", "1200000", "--json"]
    assert ok(*args, "--threads", "1") == ok(*args, "--threads", "2") == ok(*args)


def test_threads_must_be_positive():
    r = run("eval", "relu", "--threads", "0", "1")
    assert r.exit_code == 2 and "--threads" in r.stderr


# --- every --help example runs ----------------------------------------------------------------

EXAMPLED = "eval grad compare plot table list info dialects flow dead collapse".split()


@pytest.mark.parametrize("command", EXAMPLED)
def test_help_examples_are_real(command, tmp_path, monkeypatch):
    out = ok(command, "--help")
    tail = out[out.index("Examples:") :]
    examples = [line.strip() for line in tail.splitlines() if "actcli" in line]
    assert 2 <= len(examples) <= 3
    monkeypatch.chdir(tmp_path)
    for example in examples:
        stdin = None
        if example.startswith("seq 0 5 |"):  # the one example fed from another program
            example, stdin = example.split("|", 1)[1], "0 1 2 3 4 5"
        words = shlex.split(example.split(" | ")[0])
        assert words[:2] == ["actcli", command]
        r = run(*words[1:], stdin=stdin)
        assert r.exit_code == 0, (example, r.stdout, r.stderr)


def test_the_whole_hostile_list_exits_2_through_the_cli_with_no_side_effect(tmp_path, monkeypatch):
    """Every input of the parser's hostile list (dunders, huge exponents, deep nesting, long
    text, unicode look-alikes, ...) through `actcli grad`: exit 2, one line, no file made."""
    from test_expr import HOSTILE as ALL  # tests/ is on the path (pytest prepends it)

    monkeypatch.chdir(tmp_path)
    assert len(ALL) >= 20
    for text in ALL:
        r = run("grad", text, "1")
        assert r.exit_code == 2, (text, r.exit_code, r.stdout, r.stderr)
        assert r.stdout == "" and r.stderr.count("\n") == 1, text
        handled(r)
    assert list(tmp_path.iterdir()) == []  # open('f', 'w'), touch pwned: nothing happened


# --- the language through the CLI: values written here, messages pinned --------------------------


@pytest.mark.parametrize(
    "args, stdout",
    [
        (["eval", "min(x, 2*x)", "--", "-1", "1"], "-1.0\t-2.0\n1.0\t1.0\n"),
        (["eval", "max(x, 2*x)", "--", "-1", "1"], "-1.0\t-1.0\n1.0\t2.0\n"),
        (["grad", "min(x, 2*x)", "--", "-1", "1"], "-1.0\t2.0\n1.0\t1.0\n"),
        (["grad", "relu((x+1)/2)", "--", "-3", "-1", "0"], "-3.0\t0.0\n-1.0\t0.0\n0.0\t0.5\n"),
        (["eval", "x**0", "0", "2"], "0.0\t1.0\n2.0\t1.0\n"),
        (["grad", "x**1", "--order", "2", "0"], "0.0\t0.0\n"),
        (["grad", "x**2", "--order", "2", "0"], "0.0\t2.0\n"),
        (["grad", "where(x > 0, x**3, -x*x)", "--order", "2", "--", "-1", "2"], "-1.0\t-2.0\n2.0\t12.0\n"),
        (["grad", "cos(x)", "0"], "0.0\t-0.0\n"),
        (["grad", "erfc(x)", "--order", "2", "0"], "0.0\t0.0\n"),
    ],
)
def test_expression_values_through_the_cli(args, stdout):
    assert ok(*args) == stdout


def test_info_reports_kinks_away_from_zero():
    rec = strict_loads(ok("info", "relu((x+1)/2)", "--json"))
    assert rec["formula"] == "relu((x + 1)/2)" and rec["kinks"] == [-1.0]
    assert rec["f0"] == 0.5 and rec["max_slope"] == 0.5
    rec = strict_loads(ok("info", "abs(x - 1) + relu(3 - x)", "--json"))
    assert rec["kinks"] == [1.0, 3.0]


@pytest.mark.parametrize(
    "text, message",
    [
        ("where(x > 0, 1)", "where takes three arguments: where(a > b, c, d): 'where(x > 0, 1)' at column 1"),
        ("leaky_relu(x, alpha=1, alpha=2)", "leaky_relu: parameter 'alpha' is given twice: 'alpha=2' at column 24"),
        ("np.exp(x)", "only named functions can be called: 'np.exp' at column 1"),
        ("x.tanh(x)", "only named functions can be called: 'x.tanh' at column 1"),
        ("x**65", "exponent 65 is out of range (|exponent| <= 64): '65' at column 4"),
        ("0**x", "a power with a variable exponent needs a positive base: '0' at column 1"),
        ("1e301*x", "number too large (the limit is 1e+300): '1e301' at column 1"),
        ("x+" * 500 + "x", "the expression is 1001 characters long; the limit is 1000"),
    ],
)
@pytest.mark.parametrize("command", ["eval", "grad", "info"])
def test_expression_errors_through_the_cli_are_one_exact_line(command, text, message):
    args = [command, text] + ([] if command == "info" else ["1"])
    r = run(*args)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert r.stderr == f"actcli {command}: {message}\n"


# --- the language's reference: `info --expressions` and the README --------------------------


def test_the_reference_lists_exactly_the_parsers_functions_and_constants():
    from actcli.core.expr.jets import ELEMENTARY, SPECIAL
    from actcli.core.expr.reference import FUNCTIONS, reference_text
    from actcli.core.expr.tree import CONSTANTS

    assert set(FUNCTIONS) == set(ELEMENTARY) | set(SPECIAL)
    text = reference_text()
    for name, (call, _) in FUNCTIONS.items():
        assert call.startswith(f"{name}(") and f"\n  {call} " in text
    for name, value in CONSTANTS.items():
        assert f"{name} = {value!r}" in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_info_expressions_prints_the_reference_and_the_readme_carries_it():
    from pathlib import Path

    from actcli.core.expr.reference import reference_text

    assert ok("info", "--expressions") == reference_text()
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- expressions:start -->\n", 1)[1].split("<!-- expressions:end -->", 1)[0]
    assert block == "```text\n" + reference_text() + "```\n", "regenerate the README's Expressions section"


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "a FUNC is needed, as in: actcli info sigmoid; or --expressions for the expression language"),
        (["relu", "--expressions"], "--expressions prints the expression reference and takes no FUNC"),
        (["--expressions", "--json"], "--expressions prints the expression reference and takes no --json"),
        (["--expressions", "--dialect", "jax"], "--expressions prints the expression reference and takes no --dialect"),
    ],
)
def test_info_without_func_or_with_expressions_and_more_is_one_line(args, message):
    r = run("info", *args)
    assert (r.exit_code, r.stdout, r.stderr) == (2, "", f"actcli info: {message}\n")


def test_an_unknown_function_in_an_expression_lists_the_expression_functions():
    r = run("eval", "2*foo(x)", "1")
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr == (
        "actcli eval: unknown function: 'foo' at column 3; the functions are abs, atan, clip, "
        "cos, cosh, erf, erfc, exp, expm1, log, log1p, max, min, pow, sign, sin, sinh, sqrt, tan, "
        "tanh, where and the catalog's activations (see 'actcli info --expressions')\n"
    )


def test_new_functions_and_any_case_through_the_cli():
    assert ok("eval", "CLIP(X, -1, 1) + sign(x)", "--", "-3", "0", "0.5") == "-3.0\t-2.0\n0.0\t0.0\n0.5\t1.5\n"
    assert ok("grad", "clip(x, -1, 1)", "--", "-1", "0", "1") == "-1.0\t0.0\n0.0\t1.0\n1.0\t0.0\n"
    assert ok("eval", "pow(2, x)", "3") == "3.0\t8.0\n"
    assert ok("eval", "sinh(x)", "800") == "800.0\tinf\n"
    doc = strict_loads(ok("info", "sign(x - 1) + clip(x, -2, 2)", "--json"))
    assert doc["kinks"] == [-2.0, 1.0, 2.0]


def test_a_function_flat_everywhere_has_dying_units_and_no_vanishing_gradient():
    """sign(x): f' = 0 on the whole line, so both sides are flat (dying units), and a flat
    side is not a gradient that tends to 0."""
    rec = strict_loads(ok("info", "sign(x)", "--json"))
    assert rec["dying_units"] is True and rec["vanishing_gradient"] == "no"


@pytest.mark.parametrize(
    "expr, odd, monotonic",
    [
        ("where(x > 0, 1/(x - x), 1)", False, True),  # 1, then inf: was odd (inf <= 1e-12*inf)
        ("exp(1e6*x)", False, True),  # inf from x = 0.00071 on: inf - inf is no decrease
        ("x*x*x*1e300", True, True),  # -inf and inf: odd
        ("1/x", False, False),  # inf at 0 is not -inf
        ("tanh(x)", True, True),
    ],
)
def test_info_measures_functions_with_infinite_values_without_a_warning(expr, odd, monotonic):
    doc = strict_loads(ok("info", expr, "--json"))  # ok: nothing on stderr
    assert (doc["odd"], doc["monotonic"]) == (odd, monotonic)
