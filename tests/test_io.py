"""actcli.io: parsing numbers from text, JSON and files; writing numbers that read back exactly."""

import json
import math
import warnings

import numpy as np
import pytest

import actcli
from actcli.io import records, sources, stream, writers


def strict_loads(text: str):
    """json.loads that refuses NaN/Infinity literals, as RFC 8259 does."""

    def refuse(name: str):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


# --- reading -------------------------------------------------------------------------------


def test_parse_args_reads_every_float_form():
    x = sources.parse_args(["1", "-2.5", "1e-3", "nan", "inf", "-inf", "+4", ".5"])
    assert x.dtype == np.float64
    assert x[:3].tolist() == [1.0, -2.5, 0.001]
    assert math.isnan(x[3]) and x[4] == math.inf and x[5] == -math.inf
    assert x[6:].tolist() == [4.0, 0.5]


def test_parse_args_names_the_bad_token_and_where():
    with pytest.raises(sources.InputError) as e:
        sources.parse_args(["1", "2", "abc", "x"])
    assert "'abc'" in str(e.value) and "point 3" in str(e.value)
    assert e.value.exit_code == 2


@pytest.mark.parametrize(
    "text",
    ["1 2 3", "1,2,3", "1\n2\n3\n", " 1 ,\t2,\n 3 ", "1e0 2.0 +3", "[1, 2.0, 3e0]", " [1,2,3]"],
)
def test_parse_text_separators_and_json(text):
    assert sources.parse_text(text, "input").tolist() == [1.0, 2.0, 3.0]


def test_parse_text_reports_line_of_bad_token():
    with pytest.raises(sources.InputError) as e:
        sources.parse_text("1 2\n3, 4\n5 six 7\n", "'data.txt'")
    msg = str(e.value)
    assert "'data.txt', line 3" in msg and "'six'" in msg
    assert e.value.exit_code == 1


def test_parse_json_nonfinite_strings_and_bare_constants():
    x = sources.parse_json('[1, "NaN", "Infinity", "-Infinity", 2.5]', "in")
    assert x[0] == 1.0 and math.isnan(x[1]) and x[2] == math.inf and x[3] == -math.inf
    assert x[4] == 2.5


@pytest.mark.parametrize(
    "text, words",
    [
        ('{"x": 1}', ["array"]),
        ('[1, "two"]', ["element 1", '"two"']),
        ("[1, true]", ["element 1"]),
        ("[1, null]", ["element 1"]),
        ("[[1, 2]]", ["element 0"]),
        ("[1, 2", ["not valid JSON"]),
    ],
)
def test_parse_json_rejects_non_numbers(text, words):
    with pytest.raises(sources.InputError) as e:
        sources.parse_json(text, "in")
    for w in words:
        assert w in str(e.value)


def test_read_file_kinds(tmp_path):
    (tmp_path / "a.txt").write_text("1 2\n3\n")
    (tmp_path / "a.csv").write_text("1,2,3\n")
    (tmp_path / "a.json").write_text('[1, 2, "NaN"]')
    np.save(tmp_path / "a.npy", np.array([[1, 2, 3, 4]], dtype=np.float32))  # one long axis
    assert sources.read_file(tmp_path / "a.txt").tolist() == [1, 2, 3]
    assert sources.read_file(tmp_path / "a.csv").tolist() == [1, 2, 3]
    assert sources.read_file(tmp_path / "a.json")[:2].tolist() == [1, 2]
    npy = sources.read_file(tmp_path / "a.npy")
    assert npy.dtype == np.float64 and npy.tolist() == [1, 2, 3, 4]


def test_read_file_rejects_non_numeric_npy_and_binary(tmp_path):
    np.save(tmp_path / "s.npy", np.array(["a", "b"]))
    with pytest.raises(sources.InputError, match="not real numbers"):
        sources.read_file(tmp_path / "s.npy")
    (tmp_path / "b.txt").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(sources.InputError, match="UTF-8"):
        sources.read_file(tmp_path / "b.txt")


def test_read_points_from_one_place_and_unasked_stdin_last(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("7 8")

    class Stdin:
        def isatty(self):
            return False

        def read(self):
            return "9"

    kw = dict(num=3, dtype="float64", stdin=Stdin())
    for tokens, span, path in ((["1"], (0, 1), None), (["1"], None, f), ([], (0, 1), f)):
        with pytest.raises(sources.InputError, match="points come from one place") as e:
            sources.read_points(tokens, span=span, path=path, **kw)
        assert e.value.exit_code == 2
    assert sources.read_points([], span=(0, 1), path=None, **kw).tolist() == [0, 0.5, 1]
    assert sources.read_points([], span=None, path=f, **kw).tolist() == [7, 8]
    assert sources.read_points([], span=None, path=None, **kw).tolist() == [9]
    assert sources.read_points(["-"], span=None, path=None, **kw).tolist() == [9]


def test_read_points_terminal_without_numbers_says_how():
    class Tty:
        def isatty(self):
            return True

    with pytest.raises(sources.InputError) as e:
        sources.read_points([], span=None, num=3, path=None, stdin=Tty(), dtype="float64")
    assert "--range" in str(e.value) and "--input" in str(e.value)
    assert e.value.exit_code == 2


def test_float32_rounds_once_without_numpy_warnings_and_says_what_overflows():
    with np.errstate(all="raise"), pytest.warns(sources.InputWarning, match="float32's range"):
        x = sources.read_points(
            ["0.1", "1e300"], span=None, num=1, path=None, stdin=None, dtype="float32"
        )
    assert x.dtype == np.float32
    assert x[0] == np.float32(0.1) and x[1] == np.inf


@pytest.mark.parametrize(
    "tokens, dtype, words",
    [
        (["1e999"], "float64", ["'1e999' (point 1)", "beyond float64's range", "read as inf"]),
        (["2", "-1e999"], "float64", ["(point 2)", "read as -inf"]),
        (["1e-400"], "float64", ["'1e-400' (point 1)", "nearer 0", "read as 0"]),
        (["2e-324"], "float64", ["nearer 0"]),  # under half the least subnormal
        (["1e39"], "float32", ["float32's range", "--dtype float64"]),
        (["1e-50"], "float32", ["nearer 0 than float32's smallest"]),
    ],
)
def test_numbers_beyond_the_dtype_warn(tokens, dtype, words):
    with pytest.warns(sources.InputWarning) as record:
        sources.read_points(tokens, span=None, num=1, path=None, stdin=None, dtype=dtype)
    (w,) = record
    for word in words:
        assert word in str(w.message)


@pytest.mark.parametrize(
    "tokens", [["inf", "-Infinity", "0", "-0.0", "0e5", ".0", "4.9e-324", "1.7976931348623157e308"]]
)
def test_numbers_written_as_inf_or_zero_do_not_warn(tokens):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sources.read_points(tokens, span=None, num=1, path=None, stdin=None, dtype="float64")
        sources.parse_text(" ".join(tokens) + "\n" + ",".join(tokens), "input")
        sources.read_points(["1e-45", "3e38"], span=None, num=1, path=None, stdin=None,
                            dtype="float32")  # fmt: skip


def test_json_warns_of_numbers_read_as_0_or_inf():
    with pytest.warns(sources.InputWarning) as record:
        x = sources.parse_text('[1e-400, 0.0, 0, -0.0, 1e999, "Infinity"]', "input")
    assert x.tolist() == [0.0, 0.0, 0.0, -0.0, math.inf, math.inf]
    assert sorted(str(w.message) for w in record) == [
        "input: numbers beyond float64's range are read as inf or -inf",
        "input: numbers nearer 0 than float64's smallest are read as 0",
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sources.parse_text('[0.0, 0, -0.0, 0e5, "Infinity", 4.9e-324]', "input")


def test_text_warns_once_per_kind_and_refuses_an_empty_field():
    with pytest.warns(sources.InputWarning) as record:
        sources.parse_text("1 1e999 -1e999\n1e-400, 0\n", "input")
    assert sorted(str(w.message) for w in record) == [
        "input: numbers beyond float64's range are read as inf or -inf",
        "input: numbers nearer 0 than float64's smallest are read as 0",
    ]
    for text, line in (("1,2,,3", 1), ("1\n2, ,3", 2), ("1\n2\n,3", 3)):
        with pytest.raises(sources.InputError, match=f"input, line {line}: an empty field"):
            sources.parse_text(text, "input")
    assert sources.parse_text("1, 2,\n3,\n", "input").tolist() == [1.0, 2.0, 3.0]


def test_split_specs():
    specs, points = sources.split_specs(["relu", "leaky_relu:alpha=0.2", "1", "-2", "nan", "-"])
    assert specs == ["relu", "leaky_relu:alpha=0.2"]
    assert points == ["1", "-2", "nan", "-"]


# --- numbers as text -----------------------------------------------------------------------


def test_float64_text_round_trips_exactly():
    rng = np.random.default_rng(1)
    a = rng.standard_normal(2000) * 10.0 ** rng.integers(-300, 300, 2000)
    a = np.concatenate([a, [0.0, -0.0, 5e-324, 1e16, 0.1, 1 / 3]])
    strs = writers.number_strings(a)
    assert [float(s) for s in strs] == a.tolist()
    assert strs[-2] == "0.1"  # shortest, not 0.1000000000000000055511151231257827


def test_float32_text_is_shortest_and_round_trips():
    rng = np.random.default_rng(2)
    a = (rng.standard_normal(2000) * 10.0 ** rng.integers(-40, 38, 2000)).astype(np.float32)
    strs = writers.number_strings(a)
    assert np.array_equal(np.array(strs, dtype=np.float64).astype(np.float32), a)
    assert writers.number_strings(np.array([0.1], np.float32)) == ["0.1"]
    assert float(writers.number_strings(np.array([0.1], np.float32))[0]) != float(np.float32(0.1))


def test_json_numbers_nonfinite_are_strings():
    a = np.array([np.nan, np.inf, -np.inf, 1.0])
    assert writers.json_numbers(a) == ['"NaN"', '"Infinity"', '"-Infinity"', "1.0"]


# --- documents -----------------------------------------------------------------------------


def _points(command="eval", dtype="float64"):
    x = np.array([-2.0, 0.0, 3.0, np.nan], dtype=dtype)
    act = actcli.get("relu")
    order = 1 if command == "grad" else 0
    return stream.Points(
        command, x, [stream.series(act, x, [order], "relu")], order=order if command == "grad" else None
    )


def test_points_json_is_strict_and_exact():
    text = "".join(writers.points_json(_points("grad")))
    assert text == (
        '{"function": "relu", "params": {}, "dtype": "float64", "order": 1, '
        '"x": [-2.0, 0.0, 3.0, "NaN"], "dydx": [0.0, 0.0, 1.0, "NaN"]}\n'
    )
    assert strict_loads(text)["order"] == 1


def test_points_jsonl_csv_tsv():
    p = _points()
    assert "".join(writers.points_jsonl(p)).splitlines()[0] == '{"x": -2.0, "y": 0.0}'
    assert "".join(writers.points_csv(p)).splitlines() == [
        "x,y",
        "-2.0,0.0",
        "0.0,0.0",
        "3.0,3.0",
        "nan,nan",
    ]
    assert "".join(writers.points_tsv(p)) == "-2.0\t0.0\n0.0\t0.0\n3.0\t3.0\nnan\tnan\n"


def test_points_tsv_streams_in_chunks():
    x = np.linspace(-1, 1, writers.CHUNK * 2 + 5)
    p = stream.Points("eval", x, [stream.series(actcli.get("linear"), x, [0], "linear")])
    chunks = list(writers.points_tsv(p))
    assert len(chunks) == 3
    assert sum(c.count("\n") for c in chunks) == x.size


def test_function_record_comes_from_the_registry():
    row = records.function_record(actcli.get("leaky_relu:alpha=0"))
    assert row["params"] == {"alpha": 0.0}
    assert row["output_range"] == "[0, inf)"  # resolved for alpha = 0
    assert row["dying_units"] is True
    assert row["kinks"] == [0.0]
    strict_loads(json.dumps(row))


def test_format_for_extension():
    from pathlib import Path

    assert [writers.format_for(Path(f"a.{e}")) for e in ("json", "JSONL", "csv", "tsv", "npy", "x")] == [
        "json",
        "jsonl",
        "csv",
        "tsv",
        "npy",
        None,
    ]


# --- found by mutation testing of writers.py (tests/MUTANTS.md) -------------------------------


def _series(label, y, **kw):
    return stream.Series("f", {}, label, (("y", np.array(y)),), **kw)


def test_compare_jsonl_keys_may_hold_a_percent_sign():
    x = np.array([1.0, 2.0])
    p = stream.Points("compare", x, [_series("a%sb", [3.0, 4.0]), _series("100%", [5.0, 6.0])])
    assert "".join(writers.points_jsonl(p)) == (
        '{"x": 1.0, "y": {"a%sb": 3.0, "100%": 5.0}}\n{"x": 2.0, "y": {"a%sb": 4.0, "100%": 6.0}}\n'
    )


def test_intervals_are_quoted_in_csv_only_and_a_nan_is_no_interval():
    x = np.array([-1.0, 0.0, 1.0, np.nan])
    p = stream.Points("grad", x, [stream.series(actcli.get("relu"), x, [1], "relu", kink_math=True)], order=1)
    assert "".join(writers.points_csv(p)) == 'x,dydx\n-1.0,0.0\n0.0,"[0.0, 1.0]"\n1.0,1.0\nnan,nan\n'
    assert "".join(writers.points_tsv(p)) == "-1.0\t0.0\n0.0\t[0.0, 1.0]\n1.0\t1.0\nnan\tnan\n"
    assert "".join(writers.points_jsonl(p)).splitlines()[1:] == [
        '{"x": 0.0, "dydx": [0.0, 1.0]}', '{"x": 1.0, "dydx": 1.0}', '{"x": "NaN", "dydx": "NaN"}'
    ]
    assert '"dydx": [0.0, [0.0, 1.0], 1.0, "NaN"]}' in "".join(writers.points_json(p))


def test_more_extensions_and_their_case():
    from pathlib import Path

    names = ("a.ndjson", "a.txt", "a.TXT", "a.NDJSON", "a.Csv", "a")
    assert [writers.format_for(Path(n)) for n in names] == ["jsonl", "tsv", "tsv", "jsonl", "csv", None]


@pytest.mark.parametrize("size", [0, None])
def test_stream_npy_of_no_points_is_an_empty_array(tmp_path, size):
    x = np.empty(0)
    p = stream.Points("eval", x, [stream.series(actcli.get("relu"), x, [0], "relu")])
    with open(tmp_path / "empty.npy", "wb") as f:
        writers.stream_npy(stream.Stream.of_points(p), f, size)
    got = np.load(tmp_path / "empty.npy")
    assert got.shape == (0,) and got.dtype.names == ("x", "y") and got.dtype["y"] == np.float64


def test_jsonable_and_dumps_write_strict_json_and_keep_unicode():
    obj = {"f": "α·x", "v": [math.nan, math.inf, -math.inf, 1.5, (2.0, -math.inf)], "n": None}
    assert writers.jsonable(obj) == {
        "f": "α·x", "v": ["NaN", "Infinity", "-Infinity", 1.5, [2.0, "-Infinity"]], "n": None
    }
    assert writers.dumps(obj) == (
        '{"f": "α·x", "v": ["NaN", "Infinity", "-Infinity", 1.5, [2.0, "-Infinity"]], "n": null}'
    )
    assert writers.jsonable(0.0) == 0.0 and writers.jsonable(-0.0) == 0.0


def test_compare_json_names_each_functions_dialect_in_both_writers():
    x = np.array([1.0])
    series = [_series("gelu", [2.0], dialect="jax"), _series("relu", [3.0])]
    series[0] = stream.Series("gelu_tanh", {}, "gelu", series[0].columns, "jax")
    p = stream.Points("compare", x, series)
    want = (
        '{"dtype": "float64", "x": [1.0], "functions": [{"function": "gelu_tanh", "params": {}, '
        '"dialect": "jax", "y": [2.0]}, {"function": "f", "params": {}, "y": [3.0]}]}\n'
    )
    assert "".join(writers.points_json(p)) == want
    assert b"".join(writers.stream_json(stream.Stream.of_points(p))).decode() == want
