"""The command line through typer's CliRunner: every command, every output format, exact JSON."""

import itertools
import json
import math
import re

import numpy as np
import pytest
from clitools import ok, run, strict_loads  # tests/ is on the path

import actcli

ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


# --- eval and grad -------------------------------------------------------------------------


def test_eval_json_exact_document():
    assert ok("eval", "relu", "--json", "--", "-2", "0", "3") == (
        '{"function": "relu", "params": {}, "dtype": "float64", '
        '"x": [-2.0, 0.0, 3.0], "y": [0.0, 0.0, 3.0]}\n'
    )


def test_negative_numbers_need_no_double_dash():
    assert ok("grad", "relu", "-2", "0", "3") == ok("grad", "relu", "--", "-2", "0", "3")
    assert ok("grad", "relu", "-2", "0", "3") == "-2.0\t0.0\n0.0\t0.0\n3.0\t1.0\n"
    # options may come anywhere, and keep their own negative values
    assert ok("eval", "relu", "-1", "--json", "-inf", "2") == ok(
        "eval", "relu", "--json", "--", "-1", "-inf", "2"
    )
    assert ok("eval", "linear", "--range", "-5", "5", "--num", "3") == (
        "-5.0\t-5.0\n0.0\t0.0\n5.0\t5.0\n"
    )


def test_grad_json_exact_document():
    doc = strict_loads(ok("grad", "relu", "--json", "--", "-2", "0", "3"))
    assert doc == {
        "function": "relu",
        "params": {},
        "dtype": "float64",
        "order": 1,
        "x": [-2.0, 0.0, 3.0],
        "dydx": [0.0, 0.0, 1.0],  # relu'(0) = 0, PyTorch's convention
    }


def test_grad_order_2():
    doc = strict_loads(ok("grad", "tanh", "--order", "2", "--json", "0", "1"))
    assert doc["order"] == 2 and "dydx" not in doc
    t = math.tanh(1.0)
    assert doc["d2ydx2"][0] == 0.0
    assert doc["d2ydx2"][1] == pytest.approx(-2 * t * (1 - t * t), rel=1e-15)


def test_params_hold_every_parameter_with_defaults():
    doc = strict_loads(ok("eval", "leaky_relu", "--json", "-1"))
    assert doc["params"] == {"alpha": 0.01} and doc["y"] == [-0.01]
    doc = strict_loads(ok("eval", "hardtanh:min=-2", "--json", "-3", "3"))
    assert doc["function"] == "hardtanh" and doc["params"] == {"min": -2.0, "max": 1.0}
    assert doc["y"] == [-2.0, 1.0]
    doc = strict_loads(ok("eval", "LOGISTIC", "--json", "0"))  # alias, any case
    assert doc["function"] == "sigmoid" and doc["y"] == [0.5]


def test_nonfinite_numbers():
    doc = strict_loads(ok("eval", "sigmoid", "--json", "nan", "inf", "-inf", "1e-3"))
    assert doc["x"][:3] == ["NaN", "Infinity", "-Infinity"]
    assert doc["y"][:3] == ["NaN", 1.0, 0.0]
    assert doc["x"][3] == 0.001
    assert ok("eval", "sigmoid", "nan", "-inf") == "nan\tnan\n-inf\t0.0\n"


def test_float32_results_are_float32_shortest():
    out = ok("eval", "sigmoid", "--dtype", "float32", "--json", "0.1", "-3")
    doc = strict_loads(out)
    assert doc["dtype"] == "float32" and doc["x"] == [0.1, -3.0]
    want = actcli.get("sigmoid").value(np.array([0.1, -3.0], dtype=np.float32))
    assert np.array_equal(np.array(doc["y"], dtype=np.float32), want)
    # shortest float32 text, not the float32 widened to float64 (0.52497917...0807...)
    assert f'"y": [{str(want[0])}, {str(want[1])}]' in out
    assert str(want[0]) == "0.5249792"


def test_range_and_num():
    lines = ok("eval", "relu", "--range", "-1", "1").splitlines()
    assert len(lines) == 101 and lines[0] == "-1.0\t0.0" and lines[-1] == "1.0\t1.0"
    doc = strict_loads(ok("eval", "relu", "--range", "-1", "1", "-n", "5", "--json"))
    assert doc["x"] == [-1.0, -0.5, 0.0, 0.5, 1.0]


def test_input_files(tmp_path):
    (tmp_path / "p.txt").write_text("-1 0\n2,3\n")
    (tmp_path / "p.json").write_text('[-1, "NaN", "Infinity"]')
    np.save(tmp_path / "p.npy", np.array([-1.0, 2.0]))
    assert ok("eval", "relu", "-i", str(tmp_path / "p.txt")).splitlines()[-1] == "3.0\t3.0"
    doc = strict_loads(ok("eval", "relu", "--json", "--input", str(tmp_path / "p.json")))
    assert doc["y"] == [0.0, "NaN", "Infinity"]
    assert ok("grad", "relu", "--input", str(tmp_path / "p.npy")) == "-1.0\t0.0\n2.0\t1.0\n"


def test_stdin_text_json_and_dash():
    assert ok("eval", "relu", stdin="-1, 2\n3\n") == "-1.0\t0.0\n2.0\t2.0\n3.0\t3.0\n"
    assert ok("eval", "relu", stdin='[1, "-Infinity"]') == "1.0\t1.0\n-inf\t0.0\n"
    assert ok("eval", "relu", "-", stdin="4") == "4.0\t4.0\n"
    assert ok("eval", "relu", "--input", "-", stdin="5") == "5.0\t5.0\n"


def test_points_come_from_one_place_and_piped_stdin_only_when_nothing_else_is_given(tmp_path):
    f = tmp_path / "p.txt"
    f.write_text("7")
    given = {
        "args": ["1"],
        "-": ["-"],
        "--range": ["--range", "0", "1", "-n", "1"],
        "--input": ["--input", str(f)],
    }
    for a, b in itertools.combinations(given, 2):  # -i p.txt 5 used 5; --range 0 1 1 2 used 1 2
        r = run("eval", "linear", *given[a], *given[b], stdin="9")
        assert r.exit_code == 2 and r.stdout == "", (a, b, r.stdout)
        assert "points come from one place" in r.stderr and "keep one" in r.stderr
    r = run("eval", "linear", *given["--range"], *given["--input"], "1", stdin="9")
    assert "numbers as arguments and --range and --input FILE are given" in r.stderr
    # piped standard input that nobody asked for is data only when no other place is given
    assert ok("eval", "linear", *given["--range"], stdin="9") == "0.0\t0.0\n"
    assert ok("eval", "linear", *given["--input"], stdin="9") == "7.0\t7.0\n"
    assert ok("eval", "linear", stdin="9") == "9.0\t9.0\n"


def test_jsonl_and_csv():
    assert (
        ok("eval", "relu", "--jsonl", "-2", "3") == '{"x": -2.0, "y": 0.0}\n{"x": 3.0, "y": 3.0}\n'
    )
    assert ok("grad", "relu", "--jsonl", "-2") == '{"x": -2.0, "dydx": 0.0}\n'
    assert ok("grad", "relu", "--csv", "-2", "nan") == "x,dydx\n-2.0,0.0\nnan,nan\n"
    for line in ok("eval", "sigmoid", "--jsonl", "nan", "1").splitlines():
        strict_loads(line)


@pytest.mark.parametrize("ext", ["json", "jsonl", "csv", "tsv", "npy"])
def test_output_file_by_extension(tmp_path, ext):
    out = tmp_path / f"r.{ext}"
    assert ok("eval", "relu", "-o", str(out), "-2", "3") == ""
    if ext == "npy":
        arr = np.load(out)
        assert arr.dtype.names == ("x", "y") and arr.shape == (2,)
        assert arr.tolist() == [(-2.0, 0.0), (3.0, 3.0)]
        return
    text = out.read_text()
    expected = {
        "json": ok("eval", "relu", "--json", "-2", "3"),
        "jsonl": ok("eval", "relu", "--jsonl", "-2", "3"),
        "csv": ok("eval", "relu", "--csv", "-2", "3"),
        "tsv": ok("eval", "relu", "--tsv", "-2", "3"),
    }[ext]
    assert text == expected


def test_output_flag_beats_extension(tmp_path):
    out = tmp_path / "r.txt"
    ok("eval", "relu", "--json", "-o", str(out), "1")
    assert strict_loads(out.read_text())["y"] == [1.0]


def test_eval_table_keeps_every_digit_and_brackets():
    out = ok("eval", "sigmoid", "--table", "-2", "0")
    assert "sigmoid(x)" in out and "0.11920292202211755" in out and "0.5" in out
    assert not ANSI_COLOUR.search(out)  # NO_COLOR is set in conftest
    out = ok("grad", "relu", "--table", "--", "-2", "0", "3")
    assert "relu'(x)" in out and "─" in out


def test_a_table_never_cuts_a_number_at_any_width():
    # Was one column short: at COLUMNS=25 the value came out as "0.524979187478…", no caption.
    for width in range(20, 45):
        out = ok("eval", "sigmoid", "--table", "0.1", env={"COLUMNS": str(width)})
        assert all(len(line) <= width for line in out.splitlines()), (width, out)
        assert "…" not in out, (width, out)
        assert "0.52497918747894" in out or re.search(r"rounded to \d+ digits", out), (width, out)


@pytest.mark.parametrize("width", [60, 80, 100])
def test_a_wide_comparison_stacks_tables_and_keeps_x_headers_and_digits(width):
    """compare of four functions at 80 columns dropped x, cut values to '0.41…' and headed two
    columns 'sigmoid…' while the caption promised 6 digits."""
    out = ok("compare", "sigmoid", "tanh", "relu", "gelu", "--table", "--", "-1", "0", "1",
             env={"COLUMNS": str(width)})  # fmt: skip
    assert "…" not in out and all(len(line) <= width for line in out.splitlines())
    for f in ("sigmoid", "tanh", "relu", "gelu"):
        assert f"{f}(x)" in out and f"{f}'(x)" in out
    tables = out.count("─\n") or out.count("─ \n")
    heads = [line.split() for line in out.splitlines() if line.strip().startswith("x ")]
    assert len(heads) == tables and all(h[0] == "x" for h in heads)  # x heads every table
    digits = re.search(r"rounded to (\d+) digits", out)
    want = float(np.tanh(1.0))
    shown = repr(want) if digits is None else f"{want:.{digits.group(1)}g}"
    assert shown in out


def test_a_table_too_narrow_for_one_column_says_so_in_one_line():
    r = run("compare", "sigmoid", "tanh", "--table", "--", "-1", "0.3", env={"COLUMNS": "20"})
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr == (
        "actcli compare: the terminal is 20 columns wide, too narrow for this table; "
        "widen it, or write --tsv, --csv or --json\n"
    )


def test_the_summary_table_keeps_every_column_on_a_narrow_terminal():
    """At 60 columns rich dropped f'(x) and notes; now each function is a block of lines."""
    out = ok("table", "sigmoid", "relu", "--table", env={"COLUMNS": "60"})
    assert "…" not in out and all(len(line) <= 60 for line in out.splitlines())
    for label in ("function", "output range", "f'(x)", "zero-centred", "vanishing gradient",
                  "dying units", "notes"):  # fmt: skip
        assert out.count(label) == 2, label
    assert "get no gradient" in out  # the end of relu's note
    wide = ok("table", "sigmoid", "relu", "--table", env={"COLUMNS": "120"})
    assert wide.count("function") == 1  # one table when it fits


def test_table_caps_rows_on_a_terminal():
    out = ok("eval", "relu", "--table", "--range", "0", "1", "-n", "5000")
    assert "1000 of 5000 points shown" in out
    assert len(ok("eval", "relu", "--range", "0", "1", "-n", "5000").splitlines()) == 5000


# --- compare -------------------------------------------------------------------------------


def test_compare_json_exact_document():
    doc = strict_loads(ok("compare", "relu", "linear", "--json", "--", "-1", "2"))
    assert doc == {
        "dtype": "float64",
        "x": [-1.0, 2.0],
        "functions": [
            {"function": "relu", "params": {}, "y": [0.0, 2.0], "dydx": [0.0, 1.0]},
            {"function": "linear", "params": {}, "y": [-1.0, 2.0], "dydx": [1.0, 1.0]},
        ],
    }


def test_compare_value_or_grad_only():
    doc = strict_loads(ok("compare", "relu", "tanh", "--grad", "--json", "0"))
    assert [sorted(f) for f in doc["functions"]] == [["dydx", "function", "params"]] * 2
    assert [f["dydx"] for f in doc["functions"]] == [[0.0], [1.0]]
    assert (
        ok("compare", "relu", "linear", "--value", "-1", "2") == "-1.0\t0.0\t-1.0\n2.0\t2.0\t2.0\n"
    )


def test_compare_tsv_csv_jsonl_columns():
    assert ok("compare", "relu", "linear", "-1") == "-1.0\t0.0\t0.0\t-1.0\t1.0\n"
    assert ok("compare", "relu", "leaky_relu:alpha=0.5", "--csv", "-2").splitlines() == [
        "x,y[relu],dydx[relu],y[leaky_relu:alpha=0.5],dydx[leaky_relu:alpha=0.5]",
        "-2.0,0.0,0.0,-1.0,0.5",
    ]
    line = ok("compare", "relu", "leaky_relu:alpha=0.5", "--jsonl", "-2")
    assert strict_loads(line) == {
        "x": -2.0,
        "y": {"relu": 0.0, "leaky_relu:alpha=0.5": -1.0},
        "dydx": {"relu": 0.0, "leaky_relu:alpha=0.5": 0.5},
    }


def test_compare_points_anywhere_and_params():
    doc = strict_loads(ok("compare", "-1", "elu:alpha=2", "sigmoid", "--json", "0"))
    assert doc["x"] == [-1.0, 0.0]
    assert doc["functions"][0]["params"] == {"alpha": 2.0}
    assert doc["functions"][0]["y"][0] == pytest.approx(2 * math.expm1(-1), rel=1e-15)


def test_compare_reads_points_from_stdin_and_files(tmp_path):
    assert ok("compare", "relu", "linear", "--value", stdin="-1\n2") == (
        "-1.0\t0.0\t-1.0\n2.0\t2.0\t2.0\n"
    )
    (tmp_path / "p.json").write_text("[3]")
    assert ok("compare", "relu", "linear", "--grad", "-i", str(tmp_path / "p.json")) == (
        "3.0\t1.0\t1.0\n"
    )


def test_compare_table():
    out = ok("compare", "sigmoid", "tanh", "relu", "--table", "-2", "0", "2")
    for head in ("sigmoid(x)", "sigmoid'(x)", "tanh(x)", "relu'(x)"):
        assert head in out


# --- table, list, info ---------------------------------------------------------------------

SEED = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]


def test_table_json_seed_five_says_what_the_classic_table_says():
    rows = {r["name"]: r for r in strict_loads(ok("table", *SEED, "--json"))}
    assert list(rows) == SEED
    s, t, r, lr, lin = (rows[n] for n in SEED)
    assert (s["output_range"], s["zero_centered"], s["vanishing_gradient"]) == (
        "(0, 1)",
        False,
        "yes",
    )
    assert (t["output_range"], t["zero_centered"], t["vanishing_gradient"]) == (
        "(-1, 1)",
        True,
        "yes (less)",
    )
    assert (r["output_range"], r["zero_centered"], r["vanishing_gradient"], r["dying_units"]) == (
        "[0, inf)",
        False,
        "no",
        True,
    )
    assert lr["vanishing_gradient"] == "no" and lr["dying_units"] is False
    assert lin["zero_centered"] is True and lin["vanishing_gradient"] == "no"
    assert "regression" in lin["notes"]
    for row in rows.values():
        assert {"monotonic", "derivative", "notes", "formula", "params", "kinks"} <= set(row)


def test_table_json_yes_no_properties_are_booleans_and_graded_ones_from_the_documented_set():
    """`jq '.[] | select(.dying_units)'` selected every row while dying_units was "yes"/"no"."""
    rows = strict_loads(ok("table", "--json"))
    for row in rows:
        for key in ("zero_centered", "monotonic", "dying_units"):
            assert isinstance(row[key], bool), (row["name"], key)
        assert row["vanishing_gradient"] in VANISHING_GRADES, row["name"]
    assert [r["name"] for r in rows if r["dying_units"]] == [
        # f' = 0 on a half-line (hardshrink's flat part is bounded: no)
        "relu", "hardsigmoid", "keras2_hard_sigmoid", "hardswish", "hardtanh", "relu6",
        "squared_relu",
    ]
    info = strict_loads(ok("info", "relu(x) + 0*x", "--json"))
    assert info["dying_units"] is True and info["zero_centered"] is False


# The graded cells' set, as the README documents it.
VANISHING_GRADES = {"no", "yes", "yes (less)", "negative side", "positive side"}


def test_table_cells_come_from_the_registry():
    rows = strict_loads(ok("table", "--json"))
    assert [r["name"] for r in rows] == actcli.names()
    for row in rows:
        act = actcli.get(row["name"])
        assert row["derivative"] == act.decl.derivative
        assert row["output_range"] == str(act.output_range)
        assert row["dying_units"] == (act.prop("dying_units") == "yes")
        assert row["notes"] == act.decl.notes


def test_table_tsv_csv_and_params():
    lines = ok("table", "sigmoid", "leaky_relu:alpha=0").splitlines()
    assert lines[0].split("\t") == [
        "name",
        "output_range",
        "derivative",
        "zero_centered",
        "vanishing_gradient",
        "dying_units",
        "notes",
    ]
    assert lines[1].split("\t")[:4] == ["sigmoid", "(0, 1)", "σ(x)·(1 − σ(x))", "no"]
    assert lines[2].split("\t")[:2] == ["leaky_relu:alpha=0", "[0, inf)"]
    assert lines[2].split("\t")[5] == "yes"  # alpha = 0: units can die
    assert ok("table", "relu", "--csv").splitlines()[0].startswith("name,output_range,")


def test_table_drawn_keeps_interval_brackets():
    out = ok("table", *SEED, "--table")
    for text in ("sigmoid", "(0, 1)", "[0, inf)", "(-inf, inf)", "yes (less)", "regression"):
        assert text in out
    assert not ANSI_COLOUR.search(out)


def test_table_verify_agrees_for_seed_five():
    rows = strict_loads(ok("table", *SEED, "--verify", "--json"))
    for row in rows:
        props = {c["property"]: c for c in row["checks"]}
        assert {"output_range", "zero_centered", "vanishing_gradient", "dying_units"} <= set(props)
        assert all(c["agrees"] for c in row["checks"])
    out = ok("table", "sigmoid", "--verify", "--table")
    assert "✓" in out and "✗" not in out
    lines = ok("table", "sigmoid", "--verify").splitlines()
    assert lines[0] == "function\tproperty\tdeclared\tmeasured\tagrees"
    assert lines[1].startswith("sigmoid\toutput_range\t(0, 1)\t")


def test_table_verify_says_what_was_measured():
    rows = {line.split("\t")[1]: line.split("\t")[3] for line in ok("table", "relu", "--verify").splitlines()[1:]}
    assert rows["output_range"] == "[0, inf)"  # still growing at x = 1e300, not "1e+300"
    assert rows["vanishing_gradient"] == "no: f' = 0 exactly for x ≤ 0; f' does not tend to 0 as x → inf"
    assert rows["dying_units"] == "yes: f' = 0 exactly for x ≤ 0"
    for spec in ("softplus:beta=100", "leaky_relu:alpha=0.0001"):  # a tail that underflows
        assert all(c["agrees"] for c in strict_loads(ok("table", spec, "--verify", "--json"))[0]["checks"])


def test_table_and_info_resolve_parameters():
    row = strict_loads(ok("table", "leaky_relu:alpha=1", "--json"))[0]  # the identity
    assert row["zero_centered"] is True
    rec = strict_loads(ok("info", "leaky_relu:alpha=1", "--json"))
    assert rec["kinks"] == [] and rec["smoothness"] == "C^inf"
    assert strict_loads(ok("table", "leaky_relu:alpha=0", "--json"))[0]["dying_units"] is True


def test_table_verify_disagreement_exits_1(monkeypatch):
    from actcli.core import analysis

    def fake_verify(act, p=None, span=100.0):
        return [analysis.Check("zero_centered", "True", "f(0)=0.5, odd=False", False)]

    monkeypatch.setattr(analysis, "verify", fake_verify)
    r = run("table", "sigmoid", "--verify", "--json")
    assert r.exit_code == 1
    assert strict_loads(r.stdout)[0]["checks"][0]["agrees"] is False
    assert r.stderr.count("\n") == 1 and "sigmoid zero_centered" in r.stderr
    r = run("table", "sigmoid", "--verify", "--table")
    assert r.exit_code == 1 and "✗" in r.stdout


def test_list():
    rows = strict_loads(ok("list", "--json"))
    assert [r["name"] for r in rows] == actcli.names()
    by = {r["name"]: r for r in rows}
    assert by["leaky_relu"] == {
        "name": "leaky_relu",
        "aliases": ["lrelu"],
        "params": {"alpha": 0.01},
    }
    lines = ok("list").splitlines()
    assert lines[0] == "name\taliases\tparams"
    assert "leaky_relu\tlrelu\talpha=0.01" in lines
    out = ok("list", "--table")
    assert "alpha=0.01: slope for x < 0" in out


def test_info_sigmoid():
    rec = strict_loads(ok("info", "sigmoid", "--json"))
    assert rec["name"] == "sigmoid" and rec["aliases"] == ["logistic"]
    assert rec["max_slope"] == 0.25 and rec["max_slope_where"] == "x = 0"
    assert rec["formula"] == actcli.get("sigmoid").decl.formula
    out = ok("info", "sigmoid", "--table")
    for text in (
        "σ(x)·(1 − σ(x))",
        "(0, 1)",
        "0.25 at x = 0",
        "typical use",
        "limitations",
        "source",
        "kink convention",
    ):
        assert text in out


@pytest.mark.parametrize(
    "spec, slope, where",
    [
        ("tanh", 1.0, "x = 0"),
        ("relu", 1.0, "x in (0, inf)"),
        ("hardtanh", 1.0, "x in (-1, 1)"),
        ("linear", 1.0, "every x"),
        ("leaky_relu:alpha=2", 2.0, "x in (-inf, 0]"),  # leaky_relu'(0) = alpha
        ("relu6", 1.0, "x in (0, 6)"),
        ("hardshrink", 1.0, "x in (-inf, -0.5) and (0.5, inf)"),
        ("squared_relu", 200.0, "x = 100, the edge of the probed range; larger beyond"),
    ],
)
def test_info_max_slope_and_where(spec, slope, where):
    rec = strict_loads(ok("info", spec, "--json"))
    assert rec["max_slope"] == pytest.approx(slope, rel=1e-12)
    assert rec["max_slope_where"] == where


def test_info_tsv_and_params():
    lines = dict(line.split("\t") for line in ok("info", "leaky_relu:alpha=0.2").splitlines())
    assert lines["params"] == "alpha=0.2" and lines["kinks"] == "0"
    rec = strict_loads(ok("info", "leaky_relu:alpha=0.2", "--json"))
    assert rec["param_info"]["alpha"] == {
        "default": 0.01,
        "doc": "slope for x < 0",
        "domain": ">= 0",
    }


# --- help, version, colour -----------------------------------------------------------------


COMMANDS = "eval grad compare plot table list info dialects flow dead collapse".split()


def test_version():
    assert ok("--version") == f"actcli {actcli.__version__}\n"


@pytest.mark.parametrize("command", COMMANDS)
def test_help_ends_with_real_examples(command):
    out = ok(command, "--help")
    tail = out[out.index("Examples:") :]
    examples = [line.strip() for line in tail.splitlines() if "actcli" in line]
    assert 2 <= len(examples) <= 3
    assert all(e.split()[e.split().index("actcli") + 1] == command for e in examples)


@pytest.mark.parametrize("command", [*COMMANDS, "explore"])
def test_dash_h_is_help_and_functions_point_to_list(command):
    out = ok(command, "-h")
    assert out == ok(command, "--help")
    if "FUNC" in out.split("Options:")[0]:
        assert "see 'actcli list'" in " ".join(out.split())
    assert "<int range>" not in out


def test_order_shows_its_choices_and_dash_o_dash_is_stdout():
    assert "--order 1|2" in ok("grad", "--help") and "--order 1|2" in ok("plot", "--help")
    assert ok("-h") == ok("--help")
    assert ok("eval", "relu", "--json", "-o", "-", "1") == ok("eval", "relu", "--json", "1")
    assert ok("table", "relu", "-o", "-") == ok("table", "relu")


def test_help_keeps_brackets():
    assert "[X]..." in ok("eval", "--help")
    assert "[FUNC]..." in ok("table", "--help")


def test_bare_command_shows_help():
    r = run()
    assert r.exit_code == 0 and "Commands" in r.stdout


def test_colour_on_request_and_no_color_flag():
    env = {"NO_COLOR": None, "FORCE_COLOR": "1"}
    coloured = run("table", "relu", "--table", env=env)
    assert coloured.exit_code == 0 and ANSI_COLOUR.search(coloured.stdout)
    plain = run("table", "relu", "--table", "--no-color", env=env)
    assert plain.exit_code == 0
    assert not re.search(r"\x1b\[[0-9;]*3[0-9]", plain.stdout)  # no foreground colour codes


def test_pipes_get_no_colour_or_boxes():
    out = ok("table", "relu")
    assert "\x1b" not in out and "─" not in out


@pytest.mark.parametrize(
    "header, args",
    [
        ("eval::", ["eval", "sigmoid", "--json", "0"]),
        ("grad (", ["grad", "relu", "--json", "--", "-2", "0", "3"]),
        ("compare (", ["compare", "sigmoid", "tanh", "--json", "0"]),
        ("`--kink math`", ["grad", "relu", "--kink", "math", "--json", "--", "-1", "0", "1"]),
    ],
)
def test_documented_shapes_are_what_the_commands_write(header, args):
    """The writers' docstring shows the JSON shapes (the README copies them): keep them true."""
    from actcli.io import writers as actio

    doc = actio.__doc__
    start = doc.index("{", doc.index(header))
    end = doc.index("\n\n", start)
    assert json.loads(doc[start:end]) == strict_loads(ok(*args))
