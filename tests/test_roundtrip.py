"""actcli's own outputs read back as inputs (#16 item 5): the x column of every format, or the
column --column names; never the numbers of every column flattened into points."""

from __future__ import annotations

import json

import numpy as np
import pytest
from clitools import fails, ok, run, strict_loads

from actcli.io import columns, sources

XS = ["-2.5", "0", "1e-300", "3", "nan", "inf"]
X = np.array([float(t) for t in XS])
FORMATS = ["tsv", "csv", "json", "jsonl", "npy"]
# Each command's output and the columns it writes, in order (written here, not taken from the
# writers under test).
OUTPUTS = {
    "eval": (["eval", "sigmoid"], ["x", "y"]),
    "grad": (["grad", "softplus:beta=1.5"], ["x", "dydx"]),
    "grad2": (["grad", "gelu", "--order", "2"], ["x", "d2ydx2"]),
    "compare": (
        ["compare", "tanh", "leaky_relu:alpha=0.2"],
        ["x", "y[tanh]", "dydx[tanh]", "y[leaky_relu:alpha=0.2]", "dydx[leaky_relu:alpha=0.2]"],
    ),
}


def _write(tmp_path, key, fmt, dtype="float64"):
    args, _ = OUTPUTS[key]
    out = tmp_path / f"{key}.{fmt}"
    ok(*args, "--dtype", dtype, "-o", str(out), "--", *XS)
    return out


def _json_x(text: str) -> list:
    return strict_loads(text)["x"]


def _same(got: list, want: np.ndarray) -> None:
    got_a = np.array([{"NaN": np.nan, "Infinity": np.inf}.get(v, v) for v in got], float)
    assert np.array_equal(got_a, want, equal_nan=True), (got, want)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", list(OUTPUTS))
def test_the_x_column_of_each_output_is_read_back(tmp_path, key, fmt):
    out = _write(tmp_path, key, fmt)
    _same(_json_x(ok("eval", "relu", "--json", "-i", str(out))), X)


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json", "jsonl"])
def test_a_pipe_reads_the_x_column(tmp_path, fmt):
    """`actcli eval sigmoid -- 1 2 | actcli grad sigmoid` gave 4 rows: both columns as points."""
    text = ok("eval", "sigmoid", f"--{fmt}", "--", "1", "2")
    got = strict_loads(ok("grad", "sigmoid", "--json", stdin=text))
    assert got["x"] == [1.0, 2.0]
    piped = ok("grad", "sigmoid", stdin=ok("eval", "sigmoid", "--", "1", "2"))
    assert piped == ok("grad", "sigmoid", "--tsv", "--", "1", "2")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", ["compare", "grad"])
def test_column_by_name_and_by_number(tmp_path, key, fmt):
    args, names = OUTPUTS[key]
    out = _write(tmp_path, key, fmt)
    full = strict_loads(ok(*args, "--json", "--", *XS))
    want = {
        "x": full["x"],
        "dydx": full.get("dydx"),
        "y[tanh]": full["functions"][0]["y"] if key == "compare" else None,
        "dydx[leaky_relu:alpha=0.2]": full["functions"][1]["dydx"] if key == "compare" else None,
    }
    for n, name in enumerate(names, 1):
        if want.get(name) is None:
            continue
        by_position = _json_x(ok("eval", "relu", "--json", "-i", str(out), "-c", str(n)))
        _same(
            by_position,
            np.array([{"NaN": np.nan, "Infinity": np.inf}.get(v, v) for v in want[name]], float),
        )
        if fmt == "tsv":
            continue  # TSV has no header: columns by number only
        if fmt == "json" and key == "compare" and "[" in name:
            # a JSON document names compare's functions by "function" (leaky_relu), as written
            name = name.replace(":alpha=0.2", "")
        by_name = _json_x(ok("eval", "relu", "--json", "-i", str(out), "--column", name))
        assert by_name == by_position


@pytest.mark.parametrize("fmt", FORMATS)
def test_float32_output_reads_back_bit_for_bit(tmp_path, fmt):
    x = np.random.default_rng(7).standard_normal(3000).astype(np.float32)
    x[:5] = [np.float32(0.1), -np.float32(1e-40), np.float32(3.4e38), np.float32(1.5), 0]
    np.save(tmp_path / "in.npy", x)
    out = tmp_path / f"out.{fmt}"
    ok("eval", "tanh", "--dtype", "float32", "-i", str(tmp_path / "in.npy"), "-o", str(out))
    back = tmp_path / "back.npy"
    ok("eval", "relu", "--dtype", "float32", "-i", str(out), "-c", "2", "-o", str(back))
    from actcli import get

    want = get("tanh").value(x)
    assert want.dtype == np.float32 and np.load(back)["x"].tobytes() == want.tobytes()


def test_kink_intervals_do_not_hide_the_x_column(tmp_path):
    for fmt in ["tsv", "csv", "json", "jsonl"]:
        text = ok("grad", "relu", "--kink", "math", f"--{fmt}", "--", "0", "-1", "1")
        assert strict_loads(ok("eval", "relu", "--json", stdin=text))["x"] == [0.0, -1.0, 1.0]
    text = ok("grad", "relu", "--kink", "math", "--csv", "--", "-1", "0")
    r = run("eval", "relu", "-c", "dydx", stdin=text)
    assert r.exit_code == 1 and "line 3: '[0.0, 1.0]' in column dydx is not a number" in r.stderr


def test_npy_layout_is_records_named_as_the_csv_columns(tmp_path):
    out = _write(tmp_path, "compare", "npy")
    arr = np.load(out)
    _, names = OUTPUTS["compare"]
    assert arr.shape == (len(XS),) and list(arr.dtype.names) == names
    assert all(arr.dtype[n] == np.float64 for n in names)
    csv_text = ok("compare", "tanh", "leaky_relu:alpha=0.2", "--csv", "--", *XS)
    assert csv_text.splitlines()[0] == ",".join(f'"{n}"' if "," in n else n for n in names)
    flat = arr.view((np.float64, len(names)))  # the README's way to a 2-D array
    _same(flat[:, 0].tolist(), X)


def test_foreign_2d_npy_needs_a_column(tmp_path):
    np.save(tmp_path / "m.npy", np.arange(12.0).reshape(4, 3))
    r = run("eval", "relu", "-i", str(tmp_path / "m.npy"))
    assert r.exit_code == 1 and r.stdout == ""
    assert "2-D array (4 x 3) of unnamed columns, not actcli's own .npy" in r.stderr
    assert strict_loads(ok("eval", "relu", "--json", "-i", str(tmp_path / "m.npy"), "-c", "2"))[
        "x"
    ] == [1.0, 4.0, 7.0, 10.0]


def test_column_mistakes_are_one_line(tmp_path):
    out = _write(tmp_path, "eval", "csv")
    line = fails("eval", "relu", "-i", str(out), "--column", "dydx")
    assert line.endswith("has no such column; its columns are x, y (or their numbers, 1 to 2)")
    assert "not of numbers as arguments" in fails("eval", "relu", "-c", "y", "--", "1")
    assert "not of --range" in fails("eval", "relu", "-c", "y", "--range", "0", "1")
    plain = tmp_path / "p.txt"
    plain.write_text("1 2 3\n")
    assert "is a list of numbers, not a table" in fails("eval", "relu", "-c", "2", "-i", str(plain))
    r = run("eval", "relu", "-c", "4", stdin="1\t2\t3\n")
    assert r.exit_code == 2 and r.stderr.count("\n") == 1
    assert "3 unnamed columns; give a number from 1 to 3" in r.stderr


def test_big_tables_stream_in_blocks(monkeypatch):
    """A table longer than a text block: rows cut at line ends, line numbers kept."""
    monkeypatch.setattr(sources, "TEXT_BLOCK", 4096)
    rows = "".join(f"{i / 7!r},{i}\n" for i in range(3000))
    got = sources.parse_text("x,n\n" + rows, "input", None)
    assert got.tolist() == [i / 7 for i in range(3000)]
    got = sources.parse_text("x,n\n" + rows, "input", "n")
    assert got.tolist() == list(range(3000))
    jsonl = "".join(json.dumps({"x": i / 7, "y": -i}) + "\n" for i in range(3000))
    assert sources.parse_text(jsonl, "input", "y").tolist() == [-i for i in range(3000)]
    bad = "x,n\n" + rows + "1,oops\n" + "2,3\n" * 2000
    with pytest.raises(sources.InputError, match="line 3002: 'oops' in column n"):
        sources.parse_text(bad, "input", "n")


@pytest.mark.parametrize(
    "text, column, want",
    [
        ("x,y\n\n1,2\n\n\n3,4\n", None, [1, 3]),  # blank lines between rows
        ("x,y\r\n1,2\r\n3,4", "y", [2, 4]),  # CRLF, no newline at the end
        ("x,y\n\n  \n", None, []),  # a header only
        ("1\t2\n\n3\t4", "2", [2, 4]),
        ("x\ty\n1\t2\n3\t4\n", "y", [2, 4]),  # TSV with a header
        ('x,"b,c"\n1,2\n', "b,c", [2]),  # a quoted name
        ("1\t2\t3\n", None, [1]),  # TSV: a line is a row, the first column x
        ("1 2\n3,4\n", None, [1, 2, 3, 4]),  # no tabs, no header: a list of numbers
    ],
)
def test_tables_read_in_text(text, column, want):
    assert sources.parse_text(text, "input", column).tolist() == want


@pytest.mark.parametrize(
    "text, column, message",
    [
        ('{"x": 1}\n\n{"y": 2}\n', None, "standard input, line 3: no x in this object"),
        ('{"x": 1}\n\n{"x": "a"}\n', None, 'standard input, line 3: x is "a", not a number'),
        ('{"x": 1, "y": {"a": 2}}\n{"x": 2, "y": {"a": null}}\n', "y[a]", "line 2: y[a] is null"),
        ('{"x": 1}\nnot json\n', None, "standard input, line 2: not a JSON object"),
        ('{"x": [1, 2], "functions": 3}', "y", "--column y: standard input has no such column"),
    ],
)
def test_json_lines_mistakes_name_their_line(text, column, message):
    r = run("eval", "relu", *(["-c", column] if column else []), stdin=text)
    assert r.exit_code in (1, 2) and r.stdout == "" and r.stderr.count("\n") == 1
    assert message in r.stderr, r.stderr


def test_column_numbers_follow_the_csv_order_in_every_format():
    """compare's JSONL numbered its columns x, y[f], y[g], dydx[f], ... (by nesting), and a
    JSON document dropped two functions of one name, shifting every later column."""
    specs = ["leaky_relu:alpha=0.1", "leaky_relu:alpha=0.2", "tanh"]
    csv_text = ok("compare", *specs, "--csv", "--", "-1", "2")
    names = csv_text.splitlines()[0].split(",")
    for fmt in ["jsonl", "json", "tsv"]:
        text = ok("compare", *specs, f"--{fmt}", "--", "-1", "2")
        for n in range(1, len(names) + 1):
            want = ok("eval", "linear", "--json", "-c", str(n), stdin=csv_text)
            assert ok("eval", "linear", "--json", "-c", str(n), stdin=text) == want, (fmt, n)
    doc = ok("compare", *specs, "--json", "--", "-1")
    assert strict_loads(ok("eval", "linear", "--json", "-c", "y[leaky_relu:alpha=0.2]", stdin=doc))[
        "x"
    ] == [-0.2]
    assert strict_loads(ok("eval", "linear", "--json", "-c", "y[tanh]", stdin=doc))["x"] == [
        -0.7615941559557649
    ]


def test_odd_inputs_a_user_may_have():
    bom = "\ufeffx,y\n1,2\n"  # a spreadsheet's CSV starts with a byte-order mark
    assert strict_loads(ok("eval", "linear", "--json", stdin=bom))["x"] == [1.0]
    r = run("eval", "linear", "-c", "²", stdin="x,y\n1,2\n")  # a digit to isdigit, not to int
    assert r.exit_code == 2 and "no such column" in r.stderr and r.stderr.count("\n") == 1
    r = run("eval", "linear", "--json", stdin='{"x": 1e400}\n{"x": 1e-400}\n{"x": 0}\n')
    assert r.exit_code == 0 and strict_loads(r.stdout)["x"] == ["Infinity", 0.0, 0.0]
    assert "beyond float64's range" in r.stderr and "nearer 0 than float64's smallest" in r.stderr


def test_line_numbers_count_blank_lines_across_blocks(monkeypatch):
    monkeypatch.setattr(sources, "TEXT_BLOCK", 4096)
    rows = [f"{i},{i}" for i in range(2000)]
    rows[5:5] = ["", "", ""]  # lines 7-9 are blank: row i is on line i + 2, or i + 5 after them
    rows[1500] = "abc,1"
    with pytest.raises(sources.InputError, match="line 1502: 'abc' in column x"):
        sources.parse_text("x,y\n" + "\n".join(rows) + "\n", "input")


# --- which column: `actcli.io.columns` directly (#21, its mutation run's survivors) ---------


@pytest.mark.parametrize(
    "text, column, want",
    [
        ("x,y\r\n1,2\r\n\r\n3,4\r\n", "y", [2, 4]),  # CRLF: "\r\n" alone is a blank line
        ("x,y\n1,2\n\t\n3,4\n", None, [1, 3]),  # a line of a tab is blank in a CSV
        ("x,y\n1,2\n\n\n3,4\n", None, [1, 3]),  # separators and newlines even in number
    ],
)
def test_blank_lines_of_every_kind_are_skipped(text, column, want):
    assert sources.parse_text(text, "input", column).tolist() == want


@pytest.mark.parametrize(
    "text, column, message",
    [
        ("x,y\n1,2\n\n\nz,4\n", None, "input, line 5: 'z' in column x is not a number"),
        ("x,y\n\n1,2\nabc,3\n", None, "input, line 4: 'abc' in column x is not a number"),
        ('x\ty\n1\t"2"\n', "y", "input, line 2: '\"2\"' in column y is not a number"),
        ("x,y,z\n1,2\n3\n", None, "input, line 2: 2 fields where the table has 3"),
        ('x,y\n1,"2"\n3\n', None, "input, line 3: 1 fields where the table has 2"),
        ("x,y\n1,\n3,4\n", "y", "input, line 2: column y is empty; give a number"),
        ("x,y\n1,2\n3,4\n5,\n7,8\n", "y", "input, line 4: column y is empty"),
        ("x,y\n1,2\n3,\n5,\n7,8\n", "y", "input, line 3: column y is empty"),
        (
            '{"x": 1, "y": {"a": 2}}\n{"x": 2, "y": {"b": 3}}\n',
            "y[a]",
            "input, line 2: no y[a] in this",
        ),
    ],
)
def test_table_mistakes_name_their_line(text, column, message):
    with pytest.raises(sources.InputError) as e:
        sources.parse_text(text, "input", column)
    assert str(e.value).startswith(message), str(e.value)


def test_a_regular_table_is_cut_without_the_line_by_line_fallback(monkeypatch):
    def refuse(*args):
        raise AssertionError("line by line")

    monkeypatch.setattr(columns.TextTable, "_lines", refuse)
    assert sources.parse_text("x,y\n1,2\n3,4\n", "input", "y").tolist() == [2, 4]
    assert sources.parse_text("x,y,z\n1,2,3\n4,5,6", "input", "z").tolist() == [3, 6]
    assert sources.parse_text("1\t2\t3\n4\t5\t6\n", "input", "2").tolist() == [2, 5]


def test_headers_and_first_lines_of_tsv():
    assert columns.header(b"X,Y") == (b",", ["X", "Y"])  # capitals are letters too
    assert columns.header(b"a b\tc") == (b"\t", ["a b", "c"])  # a TSV name may hold a space
    assert columns.header(b"x\ty\t") is None  # a third, empty name
    assert columns.tab_width(b"\xff\t1") is None  # not UTF-8: not a number, no error
    table = columns.TextTable(b",", 2, 1, "y", "input")
    text, lines = table.cut(b'1,"\xff"\n', 1)  # quoted, not UTF-8: read with a replacement
    assert text == "\ufffd\n".encode() and lines.tolist() == [2]


def test_long_column_lists_are_cut_at_twelve():
    names = [f"c{i}" for i in range(13)]
    with pytest.raises(sources.InputError) as e:
        columns.choose(names[:12], 12, None, "input")
    assert str(e.value).endswith("one of: " + ", ".join(names[:12]))
    with pytest.raises(sources.InputError) as e:
        columns.choose(names, 13, None, "input")
    assert str(e.value).endswith("one of: " + ", ".join(names[:12]) + ", ... (13 columns)")


def test_functions_of_one_name_are_told_apart_by_all_their_params():
    doc = {
        "x": [0.5],
        "functions": [
            {"function": "f", "params": {"a": 1, "b": 2}, "y": [1.0]},
            {"function": "f", "params": {"a": 1, "b": 3}, "y": [2.0]},
        ],
    }
    assert list(columns.document_columns(doc, "input")) == ["x", "y[f:a=1,b=2]", "y[f:a=1,b=3]"]


@pytest.mark.parametrize(
    "shape, dtype, column, message",
    [
        (
            (2, 2),
            [("x", "f8")],
            None,
            "'m.npy': an array of records must be 1-D, this one is (2, 2)",
        ),
        ((3,), [("x", "f8"), ("y", "U3")], None, "'m.npy': field 'y' holds <U3 values"),
        ((3,), [("a", "f8"), ("b", "f8")], None, "'m.npy' has no x column"),
        ((4, 2), "f8", None, "'m.npy' is a 2-D array (4 x 2) of unnamed columns"),
        ((4,), "f8", "2", "--column 2: 'm.npy' is a list of numbers"),
        ((4, 3), "f8", "5", "--column 5: 'm.npy' has 3 unnamed columns"),
        (
            (2, 3, 4),
            "f8",
            "1",
            "'m.npy' is a 3-D array (2, 3, 4); give a 1-D array, a 2-D one with --column N, "
            "or actcli's own .npy",
        ),
    ],
)
def test_npy_shapes_and_fields_refused(shape, dtype, column, message):
    with pytest.raises(sources.InputError) as e:
        columns.npy_column(shape, np.dtype(dtype), column, "'m.npy'")
    assert str(e.value).startswith(message), str(e.value)
