"""`actcli flow`, `dead` and `collapse`: exactly the core's results, as strict JSON, TSV with
every digit, tables and a chart; the same seed gives the same bytes; sizes are the core's."""

import math

import numpy as np
import pytest
from clitools import fails, ok, run, strict_loads  # tests/ is on the path

import actcli
from actcli.core import flow as core

SMALL = ["--depth", "3", "--width", "4", "--batch", "2"]


# --- flow ------------------------------------------------------------------------------------


def test_flow_json_exact_document():
    x = float(np.random.default_rng(0).standard_normal((1, 1))[0, 0])
    out = ok("flow", "linear", "--depth", "1", "--width", "1", "--batch", "1", "--json")
    assert out == (
        '{"depth": 1, "width": 1, "batch": 1, "seed": 0, "functions": [{"function": "linear", '
        f'"params": {{}}, "init": "xavier", "grad_norm": [{abs(x)!r}], "grad_norm_ratio": [1.0], '
        '"mean_abs_grad": [1.0], "dead_fraction": [0.0]}]}\n'
    )


def test_flow_json_is_the_core_result_with_nan_as_strings():
    out = ok("flow", "relu", *SMALL, "--json")
    assert out == (
        '{"depth": 3, "width": 4, "batch": 2, "seed": 0, "functions": [{"function": "relu", '
        '"params": {}, "init": "he", "grad_norm": [0.0, 0.0, 0.0], '
        '"grad_norm_ratio": ["NaN", "NaN", "NaN"], "mean_abs_grad": [0.375, 0.0, 0.0], '
        '"dead_fraction": [0.5, 1.0, 1.0]}]}\n'
    )
    acts = [actcli.get(n) for n in ("sigmoid", "tanh", "relu")]
    want = core.flow(acts, depth=5, width=8, batch=16, seed=3, init="normal:0.5").to_dict()
    args = "sigmoid tanh relu --depth 5 --width 8 --batch 16 --seed 3 --init normal:0.5"
    assert strict_loads(ok("flow", *args.split(), "--json")) == want


def test_flow_json_writes_infinity_as_a_string(monkeypatch):
    inf = core.FunctionFlow("relu", {}, "he", [1.0, 0.0], [math.inf, math.nan], [0.5, 0.0], [0, 1])
    monkeypatch.setattr(core, "flow", lambda *a, **k: core.FlowResult(2, 4, 2, 0, [inf]))
    doc = strict_loads(ok("flow", "relu", "--json"))
    assert doc["functions"][0]["grad_norm_ratio"] == ["Infinity", "NaN"]


def test_same_seed_same_bytes_other_seed_other_bytes():
    args = ["flow", "tanh", "relu", "--depth", "6", "--width", "16", "--batch", "32"]
    for fmt in ("--json", "--tsv", "--table"):
        assert ok(*args, fmt) == ok(*args, fmt)
    assert ok(*args, "--json", "--seed", "1") != ok(*args, "--json")
    assert ok("dead", "relu", *SMALL, "--json") == ok("dead", "relu", *SMALL, "--json")
    assert ok("collapse", *SMALL, "--json") == ok("collapse", *SMALL, "--json")


def test_flow_tsv_and_csv_keep_every_digit():
    res = core.flow([actcli.get("tanh")], depth=3, width=4, batch=2)
    (f,) = res.functions
    lines = ok("flow", "tanh", *SMALL).splitlines()
    assert lines[0].split("\t") == [
        "layer",
        "grad_norm[tanh]",
        "grad_norm_ratio[tanh]",
        "mean_abs_grad[tanh]",
        "dead_fraction[tanh]",
    ]
    assert lines[1].split("\t") == [
        "1",
        repr(f.grad_norm[0]),
        repr(f.grad_norm_ratio[0]),
        repr(f.mean_abs_grad[0]),
        repr(f.dead_fraction[0]),
    ]
    assert len(lines) == 4
    assert ok("flow", "relu", *SMALL, "--csv").splitlines()[1] == "1,0.0,nan,0.375,0.5"


def test_flow_table_sets_functions_side_by_side():
    out = ok("flow", "sigmoid", "relu", "--depth", "4", "--table")
    assert "gradient flow: depth 4, width 64, batch 256, seed 0" in out
    head = next(line for line in out.splitlines() if "sigmoid (xavier)" in line)
    assert "relu (he)" in head  # one group per function, on one line
    assert out.count("‖dL/dW‖") == 2 and out.count("÷ last") == 2 and "mean |f'|" in out
    assert "collapse" not in out


def test_flow_linear_mentions_the_collapse():
    out = ok("flow", "linear", "tanh", "--depth", "5", "--table")
    (line,) = [x for x in out.splitlines() if "collapse" in x]
    assert line.startswith("linear: the 5 layers collapse to the one map x·W + b")
    c = core.collapse(actcli.get("linear"), depth=5)
    assert f"max difference {c.max_abs_diff:.3g}" in line
    # the identity written as an expression collapses too
    assert "max(x, x): the 5 layers collapse" in ok("flow", "max(x, x)", "--depth", "5", "--table")


def test_flow_plot_is_a_log_chart_of_the_gradient_norm():
    r = run("flow", "sigmoid", "relu", "--depth", "6", "--plot")
    assert r.exit_code == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert "gradient norm" in lines[0] and "log scale" in lines[0]
    assert "sigmoid (xavier)" in lines[-1] and "relu (he)" in lines[-1]
    assert len(lines) == 24  # 80x24 in a pipe
    assert "─ ||dL/dW|| ─" in lines[1] and " layer " in lines[-3]  # its axes, not f(x) and x
    assert "f(x)" not in r.stdout
    # a layer with no gradient cannot sit on a log axis: left out, with a warning
    r = run("flow", "relu", *SMALL, "--plot")
    assert r.exit_code == 2 and "nothing to plot" in r.stderr


def test_flow_plot_warns_for_layers_left_out(monkeypatch):
    f = core.FunctionFlow("relu", {}, "he", [1.0, 0.0, 2.0], [0.5, 0.0, 1.0], [0.5] * 3, [0.0] * 3)
    monkeypatch.setattr(core, "flow", lambda *a, **k: core.FlowResult(3, 4, 2, 0, [f]))
    r = run("flow", "relu", "--plot")
    assert r.exit_code == 0 and "relu (he)" in r.stdout
    assert r.stderr == "actcli flow: relu (he): left out 1 point <= 0 (log y axis)\n"


def test_flow_takes_expressions_and_dialects():
    doc = strict_loads(ok("flow", "x*sigmoid(x)", "silu", *SMALL, "--json"))
    expr, silu = doc["functions"]
    assert expr["function"] == "x*sigmoid(x)" and expr["init"] == "xavier"
    assert silu["init"] == "he"
    same = strict_loads(ok("flow", "x*sigmoid(x)", "silu", *SMALL, "--init", "he", "--json"))
    np.testing.assert_allclose(
        same["functions"][0]["grad_norm"], same["functions"][1]["grad_norm"], rtol=1e-12
    )
    doc = strict_loads(ok("flow", "gelu", *SMALL, "--dialect", "jax", "--json"))
    assert doc["functions"][0]["function"] == "gelu_tanh"


@pytest.mark.parametrize(
    "args, words",
    [
        (["flow", "relu", "--depth", "0"], ["depth must be an integer from 1 to 1000, not 0"]),
        (["flow", "relu", "--width", "5000"], ["width", "1 to 4096"]),
        (["flow", "relu", "--batch", "0"], ["batch", "1 to 65536"]),
        (["flow", "relu", "--seed", "-1"], ["seed must be an integer >= 0"]),
        (["flow", "relu", "--init", "hee"], ["unknown init 'hee'", "did you mean 'he'?"]),
        (["flow", "relu", "--init", "normal:-1"], ["std", "> 0"]),
        (["flow", "relu", "--depth", "1000", "--width", "4096"], ["too large"]),
        (["flow", "relu", "--depth", "x"], ["--depth", "'x'"]),
        (["flow", "sigmod"], ["unknown function 'sigmod'", "'sigmoid'"]),
        (["flow", "relu", "--plot", "--json"], ["--plot", "leave out --json"]),
        (["flow", "relu", "--depth", "1", "--plot"], ["--plot", "2 layers"]),
        (["flow"], ["missing argument 'FUNC...'"]),
        (["dead", "relu", "--bias-shift", "nan"], ["bias_shift", "finite"]),
        (["dead", "relu", "--depth", "2000"], ["depth", "1 to 1000"]),
        (["collapse", "relu", "--bias", "inf"], ["bias", "finite"]),
        (["collapse", "relu", "--width", "0"], ["width"]),
    ],
)
def test_network_errors_are_one_line_exit_2(args, words):
    line = fails(*args)
    assert line.startswith(f"actcli {args[0]}: ")
    for w in words:
        assert w in line, line


# --- dead ------------------------------------------------------------------------------------


def test_dead_json_is_the_core_result():
    acts = [actcli.get(n) for n in ("relu", "leaky_relu", "elu")]
    want = core.dead(acts, bias_shift=-3.0, depth=3, width=4, batch=8).to_dict()
    args = "relu leaky_relu elu --bias-shift -3 --depth 3 --width 4 --batch 8 --json"
    got = strict_loads(ok("dead", *args.split()))
    assert got == want
    assert got["bias_shift"] == -3.0 and got["functions"][1]["dead_total"] == 0.0


def test_dead_default_shift_is_minus_5_and_relu_dies():
    doc = strict_loads(ok("dead", "relu", "leaky_relu", *SMALL, "--json"))
    assert doc["bias_shift"] == -5.0
    relu, leaky = doc["functions"]
    assert relu["dead_fraction"] == [1.0, 1.0, 1.0] and leaky["dead_fraction"] == [0.0] * 3


def test_dead_table_and_tsv():
    out = ok("dead", "relu", "leaky_relu", "--depth", "3", "--table")
    assert "dying units, every bias -5: depth 3, width 64" in out
    assert "relu (he)" in out and "f = 0" in out and "100%" in out
    assert "leaky_relu: 0% of the 192 units dead" in out
    lines = ok("dead", "relu", *SMALL).splitlines()
    assert lines[0].split("\t") == [
        "layer",
        "dead_fraction[relu]",
        "zero_output_fraction[relu]",
        "mean_abs_grad[relu]",
        "grad_norm[relu]",
    ]
    assert lines[1] == "1\t1.0\t1.0\t0.0\t0.0"


# --- collapse --------------------------------------------------------------------------------


def test_collapse_defaults_to_linear_tanh_relu():
    doc = strict_loads(ok("collapse", "--json"))
    assert [r["function"] for r in doc] == ["linear", "tanh", "relu"]
    want = [core.collapse(actcli.get(n)).to_dict() for n in ("linear", "tanh", "relu")]
    assert [{k: v for k, v in r.items() if k != "collapses"} for r in doc] == want
    assert [r["collapses"] for r in doc] == [True, False, False]  # what the table says
    linear, tanh, relu = doc
    assert linear["relative_residual"] < 1e-12  # rounding
    assert tanh["relative_residual"] > 0.1 and relu["relative_residual"] > 0.1


def test_collapse_json_exact_document():
    out = ok("collapse", "linear", "--depth", "1", "--width", "1", "--batch", "1", "--json")
    c = core.collapse(actcli.get("linear"), depth=1, width=1, batch=1)
    assert c.max_abs_diff == 0.0
    assert out == (
        '[{"function": "linear", "params": {}, "init": "xavier", "depth": 1, "width": 1, '
        f'"batch": 1, "seed": 0, "bias": 0.0, "max_abs_diff": 0.0, '
        f'"max_abs_output": {c.max_abs_output!r}, "relative_residual": 0.0, "collapses": true}}]\n'
    )


def test_collapse_tsv_and_table():
    lines = ok("collapse", "linear", "leaky_relu:alpha=1", "softsign", "--depth", "5").splitlines()
    assert lines[0] == (
        "function\tinit\tmax_abs_diff\tmax_abs_output\trelative_residual\tcollapses"
    )
    assert [line.split("\t")[0] for line in lines[1:]] == [
        "linear",
        "leaky_relu:alpha=1",
        "softsign",
    ]
    assert [line.split("\t")[-1] for line in lines[1:]] == ["yes", "yes", "no"]
    out = ok("collapse", "--table", "--bias", "0.5")
    assert "linear collapse: depth 20, width 64, batch 256, seed 0, bias 0.5" in out
    assert "x·W + b?" in out and "yes" in out and "no" in out


def test_collapse_takes_expressions():
    doc = strict_loads(ok("collapse", "x + 0", "x*sigmoid(x)", *SMALL, "--json"))
    assert [d["function"] for d in doc] == ["x + 0", "x*sigmoid(x)"]
    assert doc[0]["relative_residual"] < 1e-12 < doc[1]["relative_residual"]
