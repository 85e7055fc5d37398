"""actcli.io in blocks: sources read a block at a time, writers that give the reference
writers' bytes (orjson where its text is theirs), whatever the block size."""

import io as stdio
import json
import math
import re

import numpy as np
import pytest

import actcli
from actcli.io import columns, numbers, sources, stream, writers


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks, text chunks, runs and the fast path's threshold small enough for a few thousand
    points."""
    monkeypatch.setattr(sources, "BLOCK", 1000)
    monkeypatch.setattr(sources, "TEXT_BLOCK", 4096)
    monkeypatch.setattr(writers, "FAST_MIN", 16)
    monkeypatch.setattr(numbers, "FAST_TEXT", 16)
    monkeypatch.setattr(writers, "ENCODE_ROWS", 300)
    monkeypatch.setattr(writers, "_RUN", 64)
    monkeypatch.setattr(writers, "CHUNK", 37)  # text rows per write: cross many


def _odd_numbers(n: int, dtype=np.float64, seed: int = 0) -> np.ndarray:
    """Numbers of every kind: plain ones, and the tiny, huge, subnormal and non-finite ones
    that orjson writes differently, in runs and alone."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    x[rng.integers(0, n, n // 50)] *= 10.0 ** rng.integers(-320, 300, n // 50)
    x[n // 3 : n // 3 + 40] = 1e-300
    x[rng.integers(0, n, 5)] = np.nan
    x[rng.integers(0, n, 3)] = np.inf
    x[rng.integers(0, n, 3)] = -np.inf
    x[rng.integers(0, n, 5)] = 0.0
    x[rng.integers(0, n, 5)] = -0.0
    with np.errstate(over="ignore"):
        return x.astype(dtype)


# --- --range in blocks -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, stop, num",
    [
        (-1.0, 1.0, 10_001),
        (0.0, 1.0, 1),
        (3.0, -2.0, 2),
        (-5.0, 5.0, 7),
        (0.1, 0.7, 4097),
        (0.0, 5e-324, 5),  # a subnormal step: numpy divides first
        (1e-310, 2e-310, 33),
        (-1e308, 1e308, 101),  # STOP - START overflows: the halves, doubled
        (1.0, 1.0, 9),
    ],
)
def test_linspace_blocks_are_np_linspace(start, stop, num):
    whole = sources.linspace(start, stop, num)
    if math.isfinite(stop - start):
        assert np.array_equal(whole, np.linspace(start, stop, num))
    for block in (1, 7, 1000, num):
        parts = [
            sources.linspace_block(start, stop, num, lo, min(lo + block, num))
            for lo in range(0, num, block)
        ]
        got = np.concatenate(parts)
        assert got.tobytes() == whole.tobytes(), (block, start, stop, num)


def test_range_source_blocks(small_blocks):
    src = sources.RangeSource(-3.0, 2.0, 2500, "float32")
    blocks = [b.copy() for b in src.blocks()]
    assert [b.size for b in blocks] == [1000, 1000, 500]
    want = np.linspace(-3.0, 2.0, 2500).astype(np.float32)
    assert np.concatenate(blocks).tobytes() == want.tobytes()


# --- .npy in blocks --------------------------------------------------------------------------


_RECORDS = np.dtype([("x", "<f8"), ("y[sigmoid]", "<f4"), ("dydx", ">i2")])


@pytest.mark.parametrize(
    "arr, column, want",
    [
        (np.arange(2500, dtype=np.float64) - 1000.5, None, lambda a: a),
        (np.arange(2500, dtype=np.int16).reshape(50, 50), "3", lambda a: a[:, 2]),
        (np.linspace(-1, 1, 2500).astype(">f4").reshape(2500, 1), None, lambda a: a[:, 0]),
        (np.linspace(-1, 1, 2500).astype(">f4").reshape(1, 1, 2500), None, lambda a: a[0, 0]),
        ((np.arange(2500) % 3 == 0), None, lambda a: a),
        (np.asfortranarray(np.arange(2500.0).reshape(50, 50)), "50", lambda a: a[:, 49]),
        (np.asfortranarray(np.arange(2500.0).reshape(50, 50)), "1", lambda a: a[:, 0]),
        (np.arange(7500.0).reshape(2500, 3).view(np.float64), "2", lambda a: a[:, 1]),
        (np.array(2.5), None, lambda a: a.reshape(-1)),
        (np.arange(2500).astype(np.float64).astype(_RECORDS), None, lambda a: a["x"]),
        (np.arange(2500).astype(np.float64).astype(_RECORDS), "y[sigmoid]", lambda a: a["y[sigmoid]"]),
        (np.arange(2500).astype(np.float64).astype(_RECORDS), "3", lambda a: a["dydx"]),
    ],
    ids=["f8", "i2 column 3", "column vector", "row 1x1xN", "bool", "fortran 50", "fortran 1",
         "2-D f8", "0-d", "records x", "records named", "records numbered"],
)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_npy_source_is_np_load(tmp_path, small_blocks, arr, column, want, dtype):
    path = tmp_path / "x.npy"
    np.save(path, arr)
    src = sources.open_file(path, dtype, column)
    blocks = [b.copy() for b in src.blocks()]
    assert all(b.size <= sources.BLOCK for b in blocks)
    with np.errstate(over="ignore"):
        want = want(np.load(path)).astype(np.float64).reshape(-1).astype(dtype)
    got = np.concatenate(blocks)
    assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    assert src.size == want.size


@pytest.mark.parametrize(
    "arr, column, message, code",
    [
        (np.zeros((3, 4)), None, r"2-D array \(3 x 4\) of unnamed columns.*--column N \(1 to 4\)", 1),
        (np.zeros((3, 4)), "5", r"--column 5: .* 4 unnamed columns; give a number from 1 to 4", 2),
        (np.zeros((3, 4)), "y", r"--column y: .* 4 unnamed columns", 2),
        (np.zeros((2, 3, 4)), "1", r"3-D array \(2, 3, 4\); give a 1-D array", 1),
        (np.zeros(4), "1", r"--column 1: .* is a list of numbers, not a table", 2),
        (np.zeros(3, dtype=[("a", "f8"), ("b", "f8")]), None, r"no x column; --column picks one of: a, b", 1),
        (np.zeros(3, dtype=[("x", "f8")]), "z", r"--column z: .* no such column; its columns are x", 2),
        (np.zeros(3, dtype=[("x", "f8"), ("s", "U2")]), None, r"field 's' holds", 1),
    ],
)
def test_npy_layouts_refused_in_one_line(tmp_path, arr, column, message, code):
    np.save(tmp_path / "x.npy", arr)
    with pytest.raises(sources.InputError, match=message) as e:
        sources.open_file(tmp_path / "x.npy", "float64", column)
    assert "\n" not in str(e.value)
    assert e.value.exit_code == code


def test_npy_source_refuses_bad_files(tmp_path):
    np.save(tmp_path / "c.npy", np.array([1 + 2j]))
    with pytest.raises(sources.InputError, match="not real numbers"):
        sources.open_file(tmp_path / "c.npy", "float64")
    np.save(tmp_path / "cut.npy", np.arange(100.0))
    data = (tmp_path / "cut.npy").read_bytes()
    (tmp_path / "cut.npy").write_bytes(data[:-8])
    with pytest.raises(sources.InputError, match="cut short"):
        sources.open_file(tmp_path / "cut.npy", "float64")
    (tmp_path / "bad.npy").write_bytes(b"not an array")
    with pytest.raises(sources.InputError, match="not a numeric .npy"):
        sources.open_file(tmp_path / "bad.npy", "float64")


# --- text in blocks --------------------------------------------------------------------------


def _tokens(n: int, seed: int = 0) -> list[str]:
    """Number tokens as people and programs write them."""
    rng = np.random.default_rng(seed)
    x = _odd_numbers(n, seed=seed)
    forms = [repr, lambda v: f"{v:.17g}", lambda v: f"{v:g}", lambda v: f"{v:.3e}", str]
    out = [forms[i % len(forms)](float(v)) for i, v in enumerate(x)]
    extras = ["-0", "0", "+3", ".5", "1.", "-.25", "7", "-12", "1E5", "1e-400", "1e400", "-0.0",
              "18446744073709551617", "4.9e-324", "2.4703282292062328e-324", "Infinity",
              "-nan"]  # fmt: skip
    for e in extras:
        out.insert(int(rng.integers(0, len(out))), e)
    return out


@pytest.mark.parametrize("layout", ["lines", "csv", "spaces", "mixed"])
def test_text_blocks_read_as_the_whole_text(small_blocks, layout):
    toks = _tokens(3000)
    if layout == "lines":
        text = "\n".join(toks) + "\n"
    elif layout == "csv":
        text = "\n".join(",".join(toks[i : i + 7]) for i in range(0, len(toks), 7)) + "\n"
    elif layout == "spaces":
        text = " ".join(toks)
    else:
        seps = [", ", "\t", "\n", "  ", ",\n", "\r\n", " ,"]
        text = "".join(t + seps[i % len(seps)] for i, t in enumerate(toks))
    want = np.array(text.replace(",", " ").split(), dtype=np.float64)  # the reference parse
    with pytest.warns(sources.InputWarning):  # 1e400, 1e-400 in the tokens
        src = sources._open_text(stdio.BytesIO(text.encode()), "input", "float64", None)
        assert isinstance(src, sources.TextSource)  # more than one block
        got = np.concatenate([b.copy() for b in src.blocks()])
    assert got.tobytes() == want.tobytes()  # bit for bit: -0.0 stays -0.0
    assert src.size == want.size


JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def test_plain_numbers_read_by_orjson_as_float_reads_them():
    toks = _tokens(20_000, seed=3)
    toks = [t for t in toks if t.lower().lstrip("+-") not in ("infinity", "nan")]
    data = ("\n".join(toks) + "\n").encode()
    fast = numbers.plain_numbers(data)
    assert fast is None  # '+3', '.5', '1e400' are not JSON: numpy reads the block
    plain = [t for t in toks if JSON_NUMBER.fullmatch(t) and math.isfinite(float(t))]
    assert len(plain) > 15_000 and "-0" in plain
    data = ("\n".join(plain) + "\n").encode()
    assert numbers.plain_numbers(data) is None  # the integer -0, which JSON reads as 0
    plain = [t for t in plain if t != "-0"]
    data = ("\n".join(plain) + "\n").encode()
    fast = numbers.plain_numbers(data)
    assert fast is not None
    assert fast.tobytes() == np.array(plain, dtype=np.float64).tobytes()


def test_text_error_names_the_line_in_a_later_block(small_blocks):
    text = "".join(f"{i}.5\n" for i in range(5000)) + "1 2 oops 3\n"
    src = sources._open_text(stdio.BytesIO(text.encode()), "'f.txt'", "float64", None)
    with pytest.raises(sources.InputError) as e:
        list(src.blocks())
    assert "'f.txt', line 5001: 'oops'" in str(e.value)


def test_short_text_and_json_are_read_whole(small_blocks):
    src = sources._open_text(stdio.BytesIO(b"1 2\n3"), "input", "float64", None)
    assert isinstance(src, sources.ArraySource) and src.x.tolist() == [1, 2, 3]
    big = ("[" + ", ".join(["1.5"] * 3000) + ', "NaN"]').encode()
    src = sources._open_text(stdio.BytesIO(b"  " + big), "input", "float32", None)
    assert isinstance(src, sources.ArraySource) and src.size == 3001 and src.dtype == np.float32


# --- numbers as text: orjson where it writes what the reference writes ------------------------


def test_orjson_writes_float64_as_repr():
    orjson = pytest.importorskip("orjson")
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**64 - 1, 100_000, dtype=np.uint64, endpoint=True)
    x = bits.view(np.float64)  # every exponent, subnormals included
    edges = [5e-324, 1e-300, 1e300, 2.2250738585072014e-308, 0.1, 1e-4, 1e15, 1e16, 0.0, -0.0]
    edges += [np.nextafter(1e-4, 0), np.nextafter(1e15, 0), np.nextafter(1.001e-4, 0)]
    x = np.concatenate([x, edges])
    x = x[np.isfinite(x)]
    got = orjson.dumps(x, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].split(b",")
    ref = writers.number_strings(x)
    plain = ~writers._odd(x)
    assert plain.sum() > 100  # the plain ones are written alike, to the byte
    assert [g for g, p in zip(got, plain, strict=True) if p] == [
        r.encode() for r, p in zip(ref, plain, strict=True) if p
    ]
    # the others have the same digits, only another layout: the same values
    assert np.array_equal(np.array([float(g) for g in got]), x)


def test_orjson_writes_float32_as_numpy_does():
    orjson = pytest.importorskip("orjson")
    rng = np.random.default_rng(8)
    x = rng.integers(0, 2**32 - 1, 100_000, dtype=np.uint32, endpoint=True).view(np.float32)
    edges = [1e-4, 9.99e5, 1e6, 1e16, 0.1, 3e-39, 1e-45]
    edges += [np.nextafter(np.float32(e), np.float32(0)) for e in edges]
    normal = rng.standard_normal(1000, np.float32)
    x = np.concatenate([x, np.array(edges, dtype=np.float32), normal])
    x = x[np.isfinite(x)]
    got = orjson.dumps(x, option=orjson.OPT_SERIALIZE_NUMPY)[1:-1].split(b",")
    ref = writers.number_strings(x)
    plain = ~writers._odd(x)
    assert plain.sum() > 100
    assert [g for g, p in zip(got, plain, strict=True) if p] == [
        r.encode() for r, p in zip(ref, plain, strict=True) if p
    ]


# --- the streaming writers against the reference writers ------------------------------------


def _points(command: str, x: np.ndarray, kink: bool = False) -> stream.Points:
    if command == "compare":
        specs = ["sigmoid", "leaky_relu:alpha=0.2", "x*tanh(x)"]
        acts = [actcli.get(s) for s in specs]
        job = stream.Job("compare", tuple(zip(acts, specs, strict=True)), (0, 1))
    elif command == "grad":
        act = actcli.get("relu")
        job = stream.Job("grad", ((act, act.label),), (1,), order=1, kink_math=kink)
    else:
        act = actcli.get("elu")
        job = stream.Job("eval", ((act, act.label),), (0,))
    return job, job.points(x)


REFERENCE = {
    "json": writers.points_json,
    "jsonl": writers.points_jsonl,
    "csv": writers.points_csv,
    "tsv": writers.points_tsv,
}
CASES = [("eval", False), ("grad", False), ("grad", True), ("compare", False)]


@pytest.mark.parametrize("fmt", list(REFERENCE))
@pytest.mark.parametrize("command, kink", CASES, ids=["eval", "grad", "kink", "compare"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_stream_writers_give_the_reference_bytes(small_blocks, fmt, command, kink, dtype):
    x = _odd_numbers(2500, dtype, seed=len(fmt))
    x[100:110] = [0.0, -1.0, 1.0, 0.0, 0.0, 2.0, -0.0, 0.0, 3.0, 0.0]  # kinks, in a plain run
    x[2000:2300] = np.linspace(-2, 2, 300)
    job, p = _points(command, x, kink)
    want = "".join(REFERENCE[fmt](p)).encode()
    # in memory, sliced into blocks, and computed block by block from a source: one document
    got_points = b"".join(writers.STREAM_WRITERS[fmt](stream.Stream.of_points(p)))
    got_job = b"".join(writers.STREAM_WRITERS[fmt](stream.Stream.of(job, sources.ArraySource(x))))
    assert got_points == want
    assert got_job == want


@pytest.mark.parametrize("fmt", list(REFERENCE))
def test_one_block_or_three_give_the_same_bytes(monkeypatch, fmt):
    x = np.linspace(-3, 3, 3000)
    job, _ = _points("grad", x)
    monkeypatch.setattr(writers, "FAST_MIN", 16)
    monkeypatch.setattr(numbers, "FAST_TEXT", 16)
    one = stream.Stream.of(job, sources.RangeSource(-3, 3, 3000, "float64"))
    one_bytes = b"".join(writers.STREAM_WRITERS[fmt](one))
    monkeypatch.setattr(sources, "BLOCK", 1000)
    three = stream.Stream.of(job, sources.RangeSource(-3, 3, 3000, "float64"))
    assert b"".join(writers.STREAM_WRITERS[fmt](three)) == one_bytes


def test_without_orjson_the_reference_writes_it_all(monkeypatch, small_blocks):
    monkeypatch.setattr(writers, "_ORJSON", [None])
    x = _odd_numbers(2000)
    job, p = _points("eval", x)
    for fmt, ref in REFERENCE.items():
        assert b"".join(writers.STREAM_WRITERS[fmt](stream.Stream.of(job, sources.ArraySource(x)))) == (
            "".join(ref(p)).encode()
        )


@pytest.mark.parametrize("command", ["eval", "compare"])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_stream_npy_is_np_save(tmp_path, small_blocks, command, dtype):
    x = _odd_numbers(2500, dtype)
    job, p = _points(command, x)
    writers.points_npy(p, tmp_path / "want.npy")  # the reference: np.save of the whole array
    for size in (x.size, None):  # None: the count is unknown until the end (text)
        with open(tmp_path / "got.npy", "wb") as f:
            writers.stream_npy(stream.Stream.of(job, sources.ArraySource(x)), f, size)
        assert (tmp_path / "got.npy").read_bytes() == (tmp_path / "want.npy").read_bytes()


def test_spooled_text_is_read_again(small_blocks):
    text = "".join(f"{i / 7!r}\n" for i in range(-2000, 2000)).encode()
    src = sources._open_text(stdio.BytesIO(text), "input", "float64", len(text))
    spooled = sources.Spooled(src)
    first = np.concatenate([b.copy() for b in spooled.blocks()])
    second = np.concatenate([b.copy() for b in spooled.blocks()])
    assert first.size == 4000 and first.tobytes() == second.tobytes()
    job, p = _points("compare", first)
    again = sources.Spooled(sources._open_text(stdio.BytesIO(text), "input", "float64", len(text)))
    assert b"".join(writers.stream_json(stream.Stream.of(job, again))) == "".join(writers.points_json(p)).encode()


def test_head_reads_only_what_it_shows(small_blocks):
    x, n = sources.head(sources.RangeSource(0, 1, 10**12, "float64"), 1500)  # never made whole
    assert n == 10**12 and x.size == 1500
    assert x.tobytes() == sources.linspace_block(0, 1, 10**12, 0, 1500).tobytes()


@pytest.mark.parametrize(
    "chunks, empty",
    [
        ([b"12345\n1 ", b",2\n"], False),  # one line '1 ,2' cut after its space
        ([b"1\t", b",2\n"], False),
        ([b"1,", b",2\n"], True),  # '1,,2'
        ([b"1, ", b" ,2\n"], True),
        ([b"1\n", b",2\n"], True),  # a line that starts with a comma
        ([b"1\r\n", b",2\n"], True),
    ],
)
def test_an_empty_field_is_told_apart_at_a_block_boundary(chunks, empty):
    """A valid CSV over 8 MiB was refused when a block began with the comma of '1 ,2'."""
    blocks = sources._text_blocks(chunks, "input")
    if empty:
        with pytest.raises(sources.InputError, match="an empty field"):
            list(blocks)
    else:
        assert np.concatenate([x for x, *_ in blocks]).size == len(b"".join(chunks).replace(b",", b" ").split())


@pytest.mark.parametrize("fmt", list(REFERENCE))
def test_runs_of_kinks_alone_and_of_odd_numbers_without_kinks(small_blocks, fmt):
    """A run (64 rows here) where every row is an interval, and runs where odd numbers stand
    without any interval: the fast path leaves both to the reference (found by mutmut)."""
    x = np.linspace(0.5, 3.0, 640)
    x[64:128] = 0.0  # one whole run of kinks
    x[200], x[300], x[400] = np.nan, 1e-5, 1e15  # odd numbers, in runs without a kink
    job, p = _points("grad", x, True)
    got = b"".join(writers.STREAM_WRITERS[fmt](stream.Stream.of_points(p))).decode()
    assert got == "".join(REFERENCE[fmt](p))
    if fmt == "json":
        doc = json.loads(got)
        assert doc["dydx"][64:128] == [[0.0, 1.0]] * 64 and doc["dydx"][63] == 1.0
        assert doc["x"][200] == doc["dydx"][200] == "NaN" and '1e-05, ' in got
        return
    lines = got.splitlines()[fmt == "csv" :]
    want = {
        "tsv": ["0.0\t[0.0, 1.0]", "nan\tnan", "1e-05\t1.0"],
        "csv": ['0.0,"[0.0, 1.0]"', "nan,nan", "1e-05,1.0"],
        "jsonl": ['{"x": 0.0, "dydx": [0.0, 1.0]}', '{"x": "NaN", "dydx": "NaN"}',
                  '{"x": 1e-05, "dydx": 1.0}'],
    }[fmt]
    assert set(lines[64:128]) == {want[0]} and [lines[200], lines[300]] == want[1:]


def test_plain_numbers_take_the_fast_path_only_where_orjson_agrees(monkeypatch):
    """The installed orjson passes the probe, and plain numbers never reach the reference
    writers; an orjson that writes other text is not used (found by mutmut: the fast path's
    bytes are the reference's, so only these checks see it go unused or misused)."""
    import sys
    import types

    orjson = pytest.importorskip("orjson")
    monkeypatch.setattr(writers, "_ORJSON", [])  # look again, as on the first use
    assert writers._orjson() is orjson

    def refuse(*args, **kwargs):
        raise AssertionError("plain numbers reached the reference writer")

    for name in ("_tsv_rows", "_csv_rows", "_jsonl_rows", "json_numbers"):
        monkeypatch.setattr(writers, name, refuse)
    x = np.linspace(0.5, 3.0, 5000)
    x[10:13] = [0.0, -0.0, 1.001e-4]  # zeros and the smallest plain number are plain too
    job, _ = _points("grad", x)
    for fmt in REFERENCE:
        got = b"".join(writers.STREAM_WRITERS[fmt](stream.Stream.of(job, sources.ArraySource(x))))
        assert got.count(b"1.0") >= x.size, fmt
    monkeypatch.undo()

    def dumps(a, option=None):  # an orjson that writes 0.1 as 0.10000000000000001
        return orjson.dumps(a, option=option).replace(b"0.1,", b"0.10000000000000001,")

    fake = types.SimpleNamespace(dumps=dumps, OPT_SERIALIZE_NUMPY=orjson.OPT_SERIALIZE_NUMPY)
    monkeypatch.setitem(sys.modules, "orjson", fake)
    monkeypatch.setattr(writers, "_ORJSON", [])
    assert writers._orjson() is None


def test_compare_of_one_function_and_one_column_keeps_its_jsonl_shape(monkeypatch):
    """Two columns, as eval and grad have, but compare's objects: not the fast eval lines."""
    monkeypatch.setattr(writers, "FAST_MIN", 16)
    x = np.linspace(0.5, 3.0, 100)
    act = actcli.get("relu")
    job = stream.Job("compare", ((act, "relu"),), (0,))
    got = b"".join(writers.stream_jsonl(stream.Stream.of(job, sources.ArraySource(x)))).decode()
    assert got.splitlines()[0] == '{"x": 0.5, "y": {"relu": 0.5}}'
    assert got == "".join(writers.points_jsonl(job.points(x)))


def test_odd_derivatives_beside_intervals_keep_the_reference_text(small_blocks):
    """A dydx column of odd numbers (1e-05) in runs without intervals, beside a run of
    intervals: each run of the column is checked for odd numbers, not only for intervals."""
    act = actcli.get("leaky_relu:alpha=1e-05")
    job = stream.Job("grad", ((act, act.label),), (1,), order=1, kink_math=True)
    x = np.linspace(-3.0, -0.5, 640)
    x[64:128] = 0.0
    p = job.points(x)
    got = b"".join(writers.stream_json(stream.Stream.of_points(p))).decode()
    assert got == "".join(writers.points_json(p))
    dydx = json.loads(got)["dydx"]
    assert dydx[:64] == [1e-05] * 64 and dydx[64] == [1e-05, 1.0] and "[1e-05, 1e-05, " in got


# --- numbers in text: `actcli.io.numbers` directly (#21, its mutation run's survivors) -------


def test_bad_tokens_are_shown_whole_up_to_30_characters():
    with pytest.raises(numbers.InputError) as e:
        numbers.parse_args(["1", "a" * 30])
    assert str(e.value) == (
        f"'{'a' * 30}' (point 2 on the command line) is not a number; "
        "points look like 1, -2.5, 1e-3, nan, inf"
    )
    with pytest.raises(numbers.InputError) as e:
        numbers.parse_numbers("1\n2 " + "b" * 31, "input", 4)
    assert str(e.value) == (
        f"input, line 6: '{'b' * 27}...' is not a number; give numbers separated by spaces, "
        "commas or newlines (or a JSON array)"
    )


@pytest.mark.parametrize(
    "text, column, message",
    [
        ('[1, "a"]', None, 'input: element 1 ("a") is not a number; use numbers, or the strings '
         '"NaN", "Infinity", "-Infinity"'),
        ('[1, "' + "c" * 40 + '"]', None, 'input: element 1 ("' + "c" * 29 + ") is not"),
        ("[1, 2]", "2", "--column 2: input is a list of numbers, not a table with columns"),
        ('{"x": 1}', None, "input: a JSON object with no arrays"),
        ("3", None, "input: expected a JSON array of numbers, got int"),
    ],
)  # fmt: skip
def test_json_mistakes_are_named(text, column, message):
    with pytest.raises(numbers.InputError) as e:
        numbers.parse_json(text, "input", column)
    assert str(e.value).startswith(message), str(e.value)


def test_json_numbers_are_float64_and_a_written_nan_is_no_inf():
    assert numbers.parse_json("[1, 2]", "input").dtype == np.float64
    with pytest.warns(numbers.InputWarning, match="beyond float64's range"):
        assert numbers.parse_json('["NaN", 1e999]', "input")[1] == np.inf


def test_empty_fields_are_named_by_their_line():
    with pytest.raises(numbers.InputError, match="^input, line 2: an empty field"):
        numbers.check_text(b"\n1,,2\n3\n4\n", np.array([1.0, 2, 3, 4]), "input", 0)


def test_long_plain_text_is_read_by_orjson_as_float64():
    assert numbers.plain_numbers(b"1\n2\n") is None  # short: numpy reads it
    exact = b"7\n" * (numbers.FAST_TEXT // 2)  # FAST_TEXT bytes: long enough
    assert numbers.plain_numbers(exact).tolist() == [7.0] * (numbers.FAST_TEXT // 2)
    x = numbers.plain_numbers(b"1\n" * 3000)
    assert x.dtype == np.float64 and x.size == 3000
    mixed = numbers.plain_numbers(b"1, 2 3\n" * 1000)  # spaces and commas: the second try
    assert mixed is not None and mixed.tolist() == [1.0, 2.0, 3.0] * 1000
    assert numbers.plain_numbers(b" \n" * 3000).shape == (0,)


def test_last_separator_is_the_last_one():
    assert numbers.last_separator(b"1 2 3") == 3
    assert numbers.last_separator(b"1 " + b"9" * 300) == 1  # not among the last 256 bytes
    assert numbers.last_separator(b" " + b"9" * 300) == 0
    assert numbers.last_separator(b"9" * 300) == -1


def test_a_column_that_is_not_utf8_names_the_input():
    table = columns.TextTable(b",", 2, 0, "x", "'t.csv'")
    with pytest.raises(numbers.InputError, match="^'t.csv' is not a UTF-8 text file"):
        numbers.column_numbers(b"1\n\xff\n", np.array([2, 3]), table)


def test_an_empty_field_across_a_block_boundary_is_refused(monkeypatch):
    """'1 ,,2' cut after the space: the next block's ',,' was looked for from its second byte."""
    monkeypatch.setattr(sources, "TEXT_BLOCK", 4096)
    text = "3\n" * 2047 + "1 ,,2\n"  # the first block is 4096 bytes, ending '1 '
    with pytest.raises(sources.InputError, match="^input, line 2048: an empty field"):
        sources.parse_text(text, "input")
    assert sources.parse_text("3\n" * 2047 + "1 ,2\n", "input").size == 2049
