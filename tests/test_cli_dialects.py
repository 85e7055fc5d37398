"""Framework dialects on the command line: `--dialect` wherever a FUNC is taken, the
`dialects` command, dialect differences in `info`, and `grad --kink math`."""

import json

import numpy as np
import pytest
from clitools import fails, ok, run, strict_loads  # tests/ is on the path

import actcli
from actcli.core import dialects

# --- --dialect -------------------------------------------------------------------------------


def test_eval_with_a_dialect_says_so_in_json():
    assert ok("eval", "leaky_relu", "--dialect", "keras", "--json", "-1") == (
        '{"function": "leaky_relu", "params": {"alpha": 0.2}, "dialect": "keras", '
        '"dtype": "float64", "x": [-1.0], "y": [-0.2]}\n'
    )
    doc = strict_loads(ok("eval", "gelu", "--dialect", "jax", "--json", "1"))
    assert doc["function"] == "gelu_tanh"
    assert doc["y"] == [float(actcli.get("gelu_tanh").value(1.0))]
    # without --dialect, no "dialect" key: the shape is unchanged
    assert "dialect" not in strict_loads(ok("eval", "gelu", "--json", "1"))


def test_grad_follows_the_dialects_kink_convention():
    assert ok("grad", "hardtanh", "--", "-1", "1") == "-1.0\t0.0\n1.0\t0.0\n"
    assert ok("grad", "hardtanh", "--dialect", "jax", "--", "-1", "1") == "-1.0\t1.0\n1.0\t1.0\n"
    assert ok("grad", "leaky_relu", "--dialect", "jax", "0") == "0.0\t1.0\n"


def test_compare_table_info_with_a_dialect():
    doc = strict_loads(ok("compare", "leaky_relu", "gelu", "--dialect", "tf", "--json", "-1"))
    assert [(f["function"], f["params"], f["dialect"]) for f in doc["functions"]] == [
        ("leaky_relu", {"alpha": 0.2}, "tf"),
        ("gelu", {}, "tf"),
    ]
    rows = strict_loads(ok("table", "gelu", "hard_sigmoid", "--dialect", "keras2", "--json"))
    assert [r["name"] for r in rows] == ["gelu", "keras2_hard_sigmoid"]
    rec = strict_loads(ok("info", "gelu", "--dialect", "jax", "--json"))
    assert rec["name"] == "gelu_tanh" and rec["dialect"] == "jax"


def test_parameters_a_framework_lacks_and_unknown_dialects_exit_2():
    line = fails("eval", "softplus:beta=2", "--dialect", "jax", "1")
    assert "has no parameter 'beta'" in line
    line = fails("eval", "relu", "--dialect", "pytorch", "1")
    assert "--dialect" in line and "'torch'" in line and "'keras2'" in line


# --- the dialects command --------------------------------------------------------------------


def test_dialects_json_exact_document():
    assert ok("dialects", "leaky_relu", "--json", "0", "1") == (
        '{"function": "leaky_relu", "x": [0.0, 1.0], "dialects": ['
        '{"dialect": "torch", "api": "F.leaky_relu(negative_slope=0.01)", '
        '"function": "leaky_relu", "params": {"alpha": 0.01}, "note": "", '
        '"y": [0.0, 1.0], "dydx": [0.01, 1.0]}, '
        '{"dialect": "jax", "api": "jax.nn.leaky_relu(negative_slope=0.01)", '
        '"function": "leaky_relu", "params": {"alpha": 0.01}, "note": "", '
        '"y": [0.0, 1.0], "dydx": [1.0, 1.0]}, '
        '{"dialect": "keras", "api": "keras.activations.leaky_relu(negative_slope=0.2)", '
        '"function": "leaky_relu", "params": {"alpha": 0.2}, '
        '"note": "the LeakyReLU layer defaults to negative_slope=0.3", '
        '"y": [0.0, 1.0], "dydx": [0.2, 1.0]}, '
        '{"dialect": "keras2", "api": "tf.nn.leaky_relu(alpha=0.2)", '
        '"function": "leaky_relu", "params": {"alpha": 0.2}, '
        '"note": "the LeakyReLU layer defaults to alpha=0.3", '
        '"y": [0.0, 1.0], "dydx": [0.2, 1.0]}, '
        '{"dialect": "tf", "api": "tf.nn.leaky_relu(alpha=0.2)", '
        '"function": "leaky_relu", "params": {"alpha": 0.2}, "note": "", '
        '"y": [0.0, 1.0], "dydx": [0.2, 1.0]}], '
        '"value_differs": [false, false], "grad_differs": [true, false]}\n'
    )


def test_dialects_default_points_and_missing_frameworks():
    doc = strict_loads(ok("dialects", "hardtanh", "--json"))
    assert doc["x"] == dialects.default_points("hardtanh")
    by = {d["dialect"]: d for d in doc["dialects"]}
    assert by["keras2"]["api"] is None and by["tf"]["api"] is None  # actcli's definition
    assert by["jax"]["dydx"][doc["x"].index(1.0)] == 1.0
    assert by["torch"]["dydx"][doc["x"].index(1.0)] == 0.0
    assert doc["grad_differs"][doc["x"].index(1.0)] is True
    assert doc["value_differs"] == [False] * len(doc["x"])


def test_dialects_gelu_matches_the_core_comparison():
    doc = strict_loads(ok("dialects", "gelu", "--json"))
    x = np.array(doc["x"])
    rows, vd, gd = dialects.compare("gelu", x)
    assert doc["value_differs"] == vd.tolist() and doc["grad_differs"] == gd.tolist()
    for row, got in zip(rows, doc["dialects"], strict=True):
        assert got["function"] == row.act.name and got["y"] == row.y.tolist()
    assert [d["function"] for d in doc["dialects"]] == ["gelu", "gelu_tanh", "gelu", "gelu", "gelu"]


def test_dialects_tsv_and_csv_keep_numbers_and_disagreement_in_columns_of_their_own(tmp_path):
    lines = ok("dialects", "leaky_relu", "--", "-1", "0").splitlines()
    assert lines[0].split("\t") == [
        "dialect", "api", "function", "note", "x", "y", "dydx", "y_differs", "dydx_differs"
    ]
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == 5 * 2  # five frameworks, two points
    assert rows[0] == ["torch", "F.leaky_relu(negative_slope=0.01)", "leaky_relu", "",
                       "-1.0", "-0.01", "0.01", "yes", "yes"]
    assert rows[1][4:] == ["0.0", "0.0", "0.01", "no", "yes"]
    assert rows[3][:1] + rows[3][4:] == ["jax", "0.0", "0.0", "1.0", "no", "yes"]
    assert rows[4][2] == "leaky_relu:alpha=0.2"
    for r in rows:
        float(r[5]), float(r[6])  # numbers in number cells: no marks
    torch = ok("dialects", "squareplus", "0").splitlines()[1].split("\t")
    assert torch[1] == "—" and torch[7:] == ["—", "—"]  # torch lacks it: no part in the masks
    out = tmp_path / "d.csv"
    ok("dialects", "relu", "-o", str(out), "--", "-1", "0")
    assert out.read_text().splitlines()[:2] == [
        "dialect,api,function,note,x,y,dydx,y_differs,dydx_differs",
        "torch,F.relu,relu,,-1.0,0.0,0.0,no,no",
    ]


def test_dialects_table_plain_and_coloured():
    out = ok("dialects", "gelu", "--table")
    for text in ("gelu in each framework", "jax.nn.gelu(approximate=True)", "gelu_tanh (1)"):
        assert text in out
    assert "(1) JAX's gelu is the tanh approximation" in out
    assert "-0.003637*" in out and "-0.00405*" in out  # the digits that tell them apart
    assert "*: the frameworks disagree" in out and "\x1b" not in out
    coloured = ok("dialects", "gelu", "--table", env={"NO_COLOR": None, "FORCE_COLOR": "1"})
    assert "\x1b[1;33m" in coloured and "-0.003637*" not in coloured
    out = ok("dialects", "hardtanh", "--table")
    assert "—: no such function there" in out


@pytest.mark.parametrize(
    "args, words",
    [
        (["dialects", "x*sigmoid(x)"], ["expression", "catalog name"]),
        (["dialects", "leaky_relu:alpha=0.3"], ["without parameters"]),
        (["dialects", "gelx"], ["unknown function 'gelx'", "'gelu'"]),
        (["dialects", "gelu", "--jsonl"], ["no such option '--jsonl'"]),
        (["dialects", "gelu", "abc"], ["'abc'", "not a number"]),
    ],
)
def test_dialects_errors(args, words):
    line = fails(*args)
    for w in words:
        assert w in line, line


# --- info lists the differences --------------------------------------------------------------


def test_info_lists_dialect_differences():
    rec = strict_loads(ok("info", "leaky_relu", "--json"))
    by = {d["dialect"]: d for d in rec["dialect_differences"]}
    assert "torch" not in by
    assert by["jax"] == {
        "dialect": "jax",
        "api": "jax.nn.leaky_relu(negative_slope=0.01)",
        "differences": ["f'(0) = 1 (actcli: 0.01)"],
    }
    assert by["keras"]["differences"][0] == "default alpha=0.2 (actcli: 0.01)"
    assert strict_loads(ok("info", "relu", "--json"))["dialect_differences"] == []
    rec = strict_loads(ok("info", "squareplus", "--json"))
    assert {d["dialect"] for d in rec["dialect_differences"] if d["api"] is None} == {
        "torch",
        "keras2",
        "tf",
    }


def test_info_table_and_tsv_show_dialect_differences():
    out = ok("info", "gelu", "--table")
    assert "other frameworks" in out and "jax: jax.nn.gelu(approximate=True); computes" in out
    lines = ok("info", "hardtanh").splitlines()
    assert "dialect:jax\tjax.nn.hard_tanh; no parameter min (fixed at -1); " in "\n".join(lines)
    assert "dialect:tf\t—; no such function; actcli's is used" in lines


# --- grad --kink math ------------------------------------------------------------------------


def test_kink_math_json_exact_document():
    assert ok("grad", "relu", "--kink", "math", "--json", "--", "-1", "0", "1") == (
        '{"function": "relu", "params": {}, "dtype": "float64", "order": 1, "kink": "math", '
        '"x": [-1.0, 0.0, 1.0], "dydx": [0.0, [0.0, 1.0], 1.0]}\n'
    )


def test_kink_math_text_formats():
    assert ok("grad", "relu", "--kink", "math", "--", "-1", "0") == "-1.0\t0.0\n0.0\t[0.0, 1.0]\n"
    assert ok("grad", "leaky_relu", "--kink", "math", "--csv", "0") == (
        'x,dydx\n0.0,"[0.01, 1.0]"\n'
    )
    assert ok("grad", "relu6", "--kink", "math", "--jsonl", "6", "7") == (
        '{"x": 6.0, "dydx": [0.0, 1.0]}\n{"x": 7.0, "dydx": 0.0}\n'
    )
    out = ok("grad", "hardtanh", "--kink", "math", "--table", "--", "-1", "0")
    assert "[0.0, 1.0]" in out and "hardtanh'(x)" in out


def test_kink_math_where_smooth_is_the_plain_derivative():
    plain = ok("grad", "tanh", "--json", "--", "-1", "0", "1")
    math = ok("grad", "tanh", "--kink", "math", "--json", "--", "-1", "0", "1")
    assert math == plain.replace('"order": 1,', '"order": 1, "kink": "math",')
    # a kink where f' is continuous (celu, alpha = 1) gives a number, not an interval
    assert "[" not in ok("grad", "celu", "--kink", "math", "0")


def test_kink_math_float32_and_dialect():
    doc = strict_loads(
        ok("grad", "leaky_relu", "--kink", "math", "--dtype", "float32", "--json", "0")
    )
    assert doc["dydx"] == [[0.01, 1.0]]  # float32's shortest text, not 0.009999999776482582
    # jax's autograd gives leaky_relu'(0) = 1; the interval is the same for every framework
    doc = strict_loads(
        ok("grad", "leaky_relu", "--dialect", "jax", "--kink", "math", "--json", "0")
    )
    assert doc["dydx"] == [[0.01, 1.0]] and doc["dialect"] == "jax"


@pytest.mark.parametrize(
    "args, words",
    [
        (["grad", "relu", "--kink", "math", "--order", "2", "0"], ["--kink math", "--order 1"]),
        (["grad", "relu", "--kink", "math", "-o", "g.npy", "0"], [".npy", ".json"]),
        (["grad", "abs(x)", "--kink", "math", "0"], ["catalog function", "expression"]),
        (["grad", "relu", "--kink", "maths", "0"], ["--kink", "'maths'"]),
    ],
)
def test_kink_math_errors(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = fails(*args)
    for w in words:
        assert w in line, line


def test_list_with_a_dialect_shows_that_frameworks_functions_and_calls():
    r = run("list", "--dialect", "tf", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    names = [row["name"] for row in rows]
    assert "hardswish" not in names and "leaky_relu" in names
    leaky = rows[names.index("leaky_relu")]
    assert leaky["params"] == {"alpha": 0.2} and leaky["api"] == "tf.nn.leaky_relu(alpha=0.2)"
