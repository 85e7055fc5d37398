"""actcli's own outputs read back as inputs (#16 item 5): the x column of every format, or the
column --column names; never the numbers of every column flattened into points."""

from __future__ import annotations

import json

import numpy as np
import pytest
from clitools import fails, ok, run, strict_loads

from actcli.io import sources

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
