"""float16 and bfloat16 (#19): rounding once to them, reading text into them, their shortest
text, the library and the CLI. Exact references are built here from Fractions, independently
of actcli.core.formats."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings
from decimal import Decimal
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest
from clitools import ok, run, strict_loads

import actcli
from actcli.core import formats
from actcli.io import sources

BF16 = np.dtype(ml_dtypes.bfloat16)
F16 = np.dtype(np.float16)
# (significand bits, smallest normal exponent, largest exponent)
SPEC = {"float16": (11, -14, 15), "bfloat16": (8, -126, 127)}
DTYPES = {"float16": F16, "bfloat16": BF16}


def round_exact(q: Fraction | float | str, name: str) -> float:
    """The number q (a decimal text is read exactly) rounded to nearest, ties to even, in the
    format (subnormals, ±inf), in integer arithmetic."""
    p, emin, emax = SPEC[name]
    n, d = (Decimal(q) if isinstance(q, str) else q).as_integer_ratio()
    if n == 0:
        return 0.0
    sign, n = (-1 if n < 0 else 1), abs(n)
    e = n.bit_length() - d.bit_length()  # 2^(e-1) < n/d < 2^(e+1)
    if (n << max(0, -e)) < (d << max(0, e)):
        e -= 1  # now 2^e <= n/d < 2^(e+1)
    k = max(e, emin) - p + 1  # the exponent of one step
    num, den = (n, d << k) if k >= 0 else (n << -k, d)
    m, rem = divmod(num, den)
    if 2 * rem > den or (2 * rem == den and m % 2):
        m += 1
    if m.bit_length() + k > emax + 1:
        return sign * float("inf")
    return sign * math.ldexp(m, k)


def all_values(name: str) -> np.ndarray:
    """Every finite value of the format, as the format's array (built from the bits here)."""
    bits = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(DTYPES[name])
    return bits[np.isfinite(bits.astype(np.float32))]


def boundaries(name: str) -> np.ndarray:
    """float64 values on and around every rounding boundary of the format, both signs."""
    v = np.unique(np.abs(all_values(name).astype(np.float64)))
    p, _, emax = SPEC[name]
    top = float(np.ldexp(2.0 - 2.0**-p, emax))  # halfway from the largest value to inf
    mids = np.concatenate([(v[:-1] + v[1:]) / 2, [top]])
    pts = np.concatenate([v, mids, np.nextafter(mids, np.inf), np.nextafter(mids, -np.inf)])
    return np.concatenate([pts, -pts])


# --- rounding once ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_round_to_is_correct_on_every_boundary(name):
    """numpy's float16 and ml_dtypes' bfloat16 casts round float64 once (a cast through float32
    would round 1 + 2^-8 + 2^-30 to 1 in bfloat16), ties to even, subnormals and overflow."""
    x = boundaries(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = formats.round_to(x, DTYPES[name]).astype(np.float64)
    # exact, by comparison with the neighbours (midpoints are exact in float64)
    want = np.array([round_exact(a, name) for a in x[::5].tolist()])
    assert np.array_equal(got[::5], want)
    assert formats.round_to(np.array([1 + 2**-8 + 2**-30]), BF16)[0] == np.float32(1 + 2**-7)


def test_round_to_gives_inf_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = formats.round_to(np.array([65519.99, 65520.0, -1e300, np.nan, 3.4e38]), F16)
        # beyond float32's range too (3.5e38, -6e38): a cast through float32 would warn there
        b = formats.round_to(np.array([3.3895314e38, 3.4e38, 3.5e38, -6e38, -1e300]), BF16)
    assert y[:3].tolist() == [65504.0, np.inf, -np.inf] and np.isnan(y[3])
    assert b.astype(np.float64).tolist() == [3.3895313892515355e38, np.inf, np.inf, -np.inf, -np.inf]


# --- reading text once ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_decimal_text_on_a_float64_tie_is_settled_from_the_text(name):
    """A decimal just off a tie of the format reads as that tie in float64; ties to even would
    round it the wrong way in half of the cases. Checked against the exact rounding of the text."""
    v = np.unique(np.abs(all_values(name).astype(np.float64)))
    mids = ((v[:-1] + v[1:]) / 2)[::97]
    texts = []
    for m in mids.tolist():
        texts += [repr(m), _nudge(m, +1), _nudge(m, -1)]
    x = np.array(texts, dtype=np.float64)
    got = formats.from_decimal(x, DTYPES[name], lambda: texts).astype(np.float64)
    want = np.array([round_exact(t, name) for t in texts])
    assert np.array_equal(got, want)
    plain = formats.round_to(x, DTYPES[name]).astype(np.float64)
    assert not np.array_equal(plain, want)  # the float64 read alone gets some wrong


def _nudge(m: float, sign: int) -> str:
    """Decimal text a hair (1e-25 relative) above or below m: float64 reads it as m."""
    from decimal import Decimal, getcontext

    getcontext().prec = 200
    d = Decimal(m) * (1 + sign * Decimal("1e-25"))
    assert float(d) == m
    return str(d)


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_the_cli_reads_text_once_into_the_format(name, tmp_path):
    """Arguments, text files and JSON: 1.00048828125 is a float16 tie (to even: 1); a hair above
    it is 1.001, a hair below 1. bfloat16's tie 1 + 2^-8: 1.00390625."""
    tie = "1.00048828125" if name == "float16" else "1.00390625"
    above, below = tie + "000000000000000001", tie[:-1] + str(int(tie[-1]) - 1) + "99999999999999999"
    up = "1.001" if name == "float16" else "1.01"
    want = ["1.0", up, "1.0"]
    out = ok("eval", "linear", "--dtype", name, "--", tie, above, below)
    assert [line.split("\t")[0] for line in out.splitlines()] == want
    (tmp_path / "x.txt").write_text(f"{tie}\n{above}, {below}\n")
    (tmp_path / "x.json").write_text(f"[{tie}, {above}, {below}]")
    (tmp_path / "x.tsv").write_text(f"y\tx\n0\t{tie}\n0\t{above}\n0\t{below}\n")  # a table
    (tmp_path / "doc.json").write_text(f'{{"x": [{tie}, {above}, {below}], "y": [1, 2, 3]}}')
    (tmp_path / "x.jsonl").write_text("".join(f'{{"x": {t}, "y": 0}}\n' for t in (tie, above, below)))
    for f in ("x.txt", "x.json", "x.tsv", "doc.json", "x.jsonl"):
        doc = strict_loads(ok("eval", "linear", "--dtype", name, "--json", "-i", str(tmp_path / f)))
        assert [repr(v) for v in doc["x"]] == want, f


# --- the shortest text ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_shortest_text_of_every_value_reads_back_exactly(name):
    """Every finite bit pattern: the text reads back (exactly rounded) as the same value, and
    no text with fewer significant digits does (checked against the rounding of the text)."""
    v = all_values(name)
    text = [repr(t) for t in formats.shortest(v).tolist()]
    back = np.array([round_exact(t, name) for t in text])
    assert np.array_equal(back, v.astype(np.float64))
    assert [t.startswith("-") for t in text] == np.signbit(v.astype(np.float64)).tolist()
    digits = np.array([len(t.split("e")[0].replace("-", "").replace(".", "").strip("0")) for t in text])
    # one digit fewer (the value rounded to it, and its neighbours) never reads back
    for i in np.flatnonzero(digits > 1)[::23].tolist():
        x = Fraction(float(v[i].astype(np.float64)))
        k = int(digits[i]) - 1
        e = len(str(int(abs(x)))) if abs(x) >= 1 else -len(str(int(1 / abs(x))))
        scale = Fraction(10) ** (e - k)
        n = round(x / scale)
        for m in (n - 1, n, n + 1):
            if len(str(abs(m)).strip("0")) <= k:
                assert round_exact(m * scale, name) != float(v[i].astype(np.float64)), (text[i], m * scale)
    if name == "float16":  # numpy's own shortest float16 text (Dragon4) agrees everywhere
        ref = [repr(float(np.format_float_positional(t, unique=True))) for t in v]
        assert text == ref


def test_shortest_text_examples():
    assert formats.shortest(np.array([0.1, -65504, 6e-8, 0.0, -0.0, np.inf, np.nan], F16)).tolist()[:5] == [0.1, -65500.0, 6e-08, 0.0, -0.0]
    b = formats.shortest(np.array([0.1, 1e5, 9.2e-41, 3.39e38], BF16)).tolist()
    assert b == [0.1, 100000.0, 9e-41, 3.39e38]


# --- the library ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_the_library_keeps_the_format(name):
    x = np.array([-1e4, -2.5, -0.0, 1e-7, 0.1, 3.0, np.inf, np.nan], DTYPES[name])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fn in ("sigmoid", "gelu", "squared_relu", "selu", "softplus", "snake"):
            act = actcli.get(fn)
            for y in (act.value(x), act.grad(x), act.grad2(x)):
                assert y.dtype == DTYPES[name], fn
            want = formats.round_to(act.value(x.astype(np.float64)), DTYPES[name])
            assert np.array_equal(act.value(x), want, equal_nan=True), fn
        s = actcli.get("sigmoid").value(x[4])
        assert s.dtype == DTYPES[name] and np.ndim(s) == 0


def test_a_signalling_nan_in_bfloat16_is_nan_out_without_a_warning():
    x = np.array([0x7F81, 0xFF81, 0x7FC0, 0x3F80], np.uint16).view(BF16)  # sNaN, -sNaN, nan, 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = actcli.get("sigmoid").value(x)
    assert np.isnan(y[:3].astype(np.float32)).all() and y[3] == BF16.type(0.7310586)


def test_ties_in_bfloat16_subnormals_round_the_way_the_truth_lies():
    """gelu(x) = x/2 + x²/√(2π) + ...: at x = 2^-133 (bfloat16's smallest) the float64 result
    is the tie 2^-134 exactly, and the truth is above it: the smallest subnormal, not 0."""
    x = np.array([2.0**-133, -(2.0**-133), 3 * 2.0**-133], BF16)
    for fn in ("gelu", "silu", "hardswish"):
        y = actcli.get(fn).value(x).astype(np.float64)
        assert y.tolist() == [2.0**-133, -0.0, 2 * 2.0**-133], fn


def test_nothing_loads_ml_dtypes_unless_bfloat16_is_asked_for():
    code = (
        "import sys, runpy\n"
        "import actcli; actcli.get('sigmoid').value(1.0)\n"
        "a = 'ml_dtypes' in sys.modules\n"
        "sys.argv = ['actcli', 'grad', 'relu', '--json', '--dtype', 'float16', '--', '1']\n"
        "try: runpy.run_module('actcli', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "print(a, 'ml_dtypes' in sys.modules, file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.startswith('{"function": "relu", "params": {}, "dtype": "float16"')
    assert r.stderr.split() == ["False", "False"]


def test_bfloat16_without_ml_dtypes_is_one_line_and_exit_2():
    code = (
        "import sys; sys.modules['ml_dtypes'] = None\n"
        "sys.argv = ['actcli', 'eval', 'relu', '--dtype', 'bfloat16', '--', '1']\n"
        "from actcli.cli import main\n"
        "main()"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout) == (2, "")
    assert r.stderr == (
        "actcli eval: --dtype bfloat16: bfloat16 needs the ml_dtypes package: pip install ml_dtypes\n"
    )


# --- the CLI --------------------------------------------------------------------------------


def test_eval_in_float16_and_bfloat16():
    out = ok("eval", "sigmoid", "--dtype", "float16", "--", "0.1", "12", "-10", "-20")
    assert out == "0.1\t0.525\n12.0\t1.0\n-10.0\t4.54e-05\n-20.0\t0.0\n"
    doc = strict_loads(ok("grad", "sigmoid", "--dtype", "bfloat16", "--json", "--", "0.1", "12", "nan"))
    assert doc == {"function": "sigmoid", "params": {}, "dtype": "bfloat16", "order": 1,
                   "x": [0.1, 12.0, "NaN"], "dydx": [0.249, 6.14e-06, "NaN"]}  # fmt: skip
    out = ok("compare", "relu", "gelu", "--dtype", "bfloat16", "--csv", "--range", "-2", "2", "--num", "3")
    assert out == "x,y[relu],dydx[relu],y[gelu],dydx[gelu]\n-2.0,0.0,0.0,-0.0454,-0.0854\n0.0,0.0,0.0,0.0,0.5\n2.0,2.0,1.0,1.95,1.086\n"
    r = run("eval", "sigmoid", "--dtype", "float16", "--", "1e5")
    assert r.stdout == "inf\t1.0\n" and "beyond float16's range" in r.stderr


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_big_outputs_take_the_fast_writers_with_the_same_text(name):
    """orjson writes the widened numbers: the same text as the reference writers, row by row."""
    args = ["eval", "gelu", "--dtype", name, "--range", "-30", "30", "--num", "20001"]
    lines = ok(*args).splitlines()
    xs = np.linspace(-30, 30, 20001)
    x = formats.round_to(xs, DTYPES[name])
    y = actcli.get("gelu").value(x)
    want = [f"{a!r}\t{b!r}" for a, b in zip(formats.shortest(x).tolist(), formats.shortest(y).tolist(), strict=True)]
    assert lines == want
    doc = json.loads(ok(*args, "--json"))
    assert doc["y"] == formats.shortest(y).tolist()


def test_npy_float16_and_the_bfloat16_refusal(tmp_path):
    out = tmp_path / "a.npy"
    ok("grad", "sigmoid", "--dtype", "float16", "-o", str(out), "--", "0.1", "-3")
    a = np.load(out)
    assert a["x"].dtype == a["dydx"].dtype == F16
    assert a["x"].tolist() == [np.float16(0.1), -3.0]
    assert a["dydx"].tolist() == [np.float16(0.2494), np.float16(0.04517)]
    assert ok("eval", "linear", "--dtype", "float16", "-i", str(out), "--column", "dydx") == "0.2494\t0.2494\n0.04517\t0.04517\n"
    r = run("eval", "sigmoid", "--dtype", "bfloat16", "-o", str(tmp_path / "b.npy"), "--", "1")
    assert r.exit_code == 2 and not (tmp_path / "b.npy").exists()
    assert r.stderr.count("\n") == 1 and "--dtype float32" in r.stderr


def test_dtype_names_are_the_sources():
    assert sources.DTYPES == ("float16", "bfloat16", "float32", "float64")
    with pytest.raises(sources.InputError, match="use one of float16, bfloat16, float32, float64"):
        sources.resolve_dtype("float8")


# --- saturation facts -----------------------------------------------------------------------


@pytest.fixture(scope="module", params=["float16", "bfloat16"])
def saturation_rows(request):
    """`table --dtype D --json` for every function: the facts as the CLI writes them."""
    rows = strict_loads(ok("table", "--dtype", request.param, "--json"))
    return request.param, {r["name"]: r["saturation"] for r in rows}


def _read(v, name):
    """A number of the JSON (shortest text) read back into the format, exactly."""
    return None if v is None else round_exact(repr(float(v)), name)


def test_saturation_facts_hold_on_a_dense_evaluation(saturation_rows):
    """Each reported x checked against every finite value of the format, evaluated here: the
    fact holds from x outward, and fails at x's neighbour toward 0 (so x is where it starts)."""
    name, facts = saturation_rows
    assert set(facts) == set(actcli.names())
    v = all_values(name)
    x = v.astype(np.float64)
    for fn, rec in facts.items():
        act = actcli.get(fn)
        f, g = act.value(v).astype(np.float64), act.grad(v).astype(np.float64)
        assert rec["dtype"] == name
        for side in ("-inf", "inf"):
            out = x <= 0 if side == "-inf" else x >= 0  # the half-line of this side
            beyond = (lambda t: x <= t) if side == "-inf" else (lambda t: x >= t)
            inward = (lambda t: x[x > t].min()) if side == "-inf" else (lambda t: x[x < t].max())
            extreme = x.min() if side == "-inf" else x.max()
            lim = float(act.value(np.array([float(side)], v.dtype))[0])
            if np.isfinite(lim):
                assert _read(rec["f_limit"][side], name) == lim, (fn, side)
            else:
                assert rec["f_limit"][side] == {np.inf: "Infinity", -np.inf: "-Infinity"}[lim]
            for key, values, target in (("f_saturates", f, lim), ("grad_zero", g, 0.0)):
                at = _read(rec[key][side], name)
                if key == "f_saturates" and not np.isfinite(lim):
                    assert at is None, (fn, side)
                    continue
                if at is None:
                    assert values[x == extreme][0] != target, (fn, key, side)
                    continue
                assert np.all(values[beyond(at)] == target), (fn, key, side, at)
                assert values[x == inward(at)][0] != target, (fn, key, side, at)
            end = _read(rec["f_finite"][side], name)
            within = out & ((x >= end) if side == "-inf" else (x <= end))
            assert np.all(np.isfinite(f[within])), (fn, side, end)
            if rec["f_beyond"][side] is not None:
                nxt = x[x < end].max() if side == "-inf" else x[x > end].min()
                written = {"Infinity": np.inf, "-Infinity": -np.inf, "NaN": np.nan}[rec["f_beyond"][side]]
                assert np.array_equal(f[x == nxt][:1], [written], equal_nan=True), (fn, side, end)
                assert rec["overflows"][side] == bool(np.isinf(written))
            else:
                assert end == extreme and not rec["overflows"][side], (fn, side, end)


def test_saturation_examples():
    """A few facts as a user reads them (float16: sigmoid is exactly 1 from 8.32 on)."""
    s = strict_loads(ok("info", "sigmoid", "--dtype", "float16", "--json"))["saturation"]
    assert s == {"dtype": "float16", "f_limit": {"-inf": 0.0, "inf": 1.0},
                 "f_saturates": {"-inf": -17.34, "inf": 8.32},
                 "grad_zero": {"-inf": -17.34, "inf": 17.34},
                 "f_finite": {"-inf": -65500.0, "inf": 65500.0},
                 "f_beyond": {"-inf": None, "inf": None},
                 "overflows": {"-inf": False, "inf": False}}  # fmt: skip
    assert actcli.get("sigmoid").value(np.float16(8.32)) == 1
    assert actcli.get("sigmoid").value(np.nextafter(np.float16(8.32), np.float16(0))) < 1
    out = ok("info", "squared_relu", "--dtype", "bfloat16")
    assert "f_finite:bfloat16\tf overflows beyond x = 1.84e+19\n" in out
    tsv = ok("table", "selu", "relu", "--dtype", "float16")
    assert tsv.splitlines() == [
        "name\tf_saturates_below\tf_saturates_above\tgrad_zero_below\tgrad_zero_above\tf_finite_below\tf_finite_above",
        "selu\t-7.73\tnever\t-17.9\tnever\t-65500.0\t62340.0",
        "relu\t0.0\tnever\t0.0\tnever\t-65500.0\t65500.0",
    ]


def test_saturation_needs_a_16_bit_format():
    for args in (["info", "sigmoid", "--dtype", "float32"], ["table", "--dtype", "float64"]):
        r = run(*args)
        assert r.exit_code == 2 and "float16 and bfloat16" in r.stderr and r.stderr.count("\n") == 1
    r = run("table", "--verify", "--dtype", "float16")
    assert r.exit_code == 2


@pytest.mark.parametrize("name", ["float16", "bfloat16"])
def test_a_spooled_text_reads_again_in_its_format(name):
    """A JSON document reads a long text's points twice, from a temporary file of raw values:
    bfloat16 has no buffer type of its own, so its bytes are written."""
    spooled = sources.Spooled(sources.ArraySource(np.array([0.1, -3.0, 1e4]), name))
    first = np.concatenate(list(spooled.blocks()))
    again = np.concatenate(list(spooled.blocks()))
    assert again.dtype == DTYPES[name] and again.tobytes() == first.tobytes()


@pytest.mark.parametrize("kind", ["text", "jsonl", "table"])
def test_ties_are_settled_in_a_text_read_block_by_block(kind, tmp_path, monkeypatch):
    """A long input (TextSource: read and parsed a block at a time) settles each block's ties
    from that block's text."""
    monkeypatch.setattr(sources, "TEXT_BLOCK", 4096)
    tie = "1.00048828125"
    above, below = tie + "000000000000000001", "1.00048828124999999999"
    values = [tie, above, below] * 1000
    lines = {"text": [f"{v}\n" for v in values], "jsonl": [f'{{"x": {v}}}\n' for v in values],
             "table": ["x,y\n"] + [f"{v},0\n" for v in values]}[kind]  # fmt: skip
    path = tmp_path / ("x.jsonl" if kind == "jsonl" else "x.csv" if kind == "table" else "x.txt")
    path.write_text("".join(lines))
    source = sources.open_points([], span=None, num=0, path=path, stdin=None, dtype="float16")
    assert isinstance(source, sources.TextSource)
    x = np.concatenate(list(source.blocks())).astype(np.float64)
    assert x.tolist() == [1.0, 1.0009765625, 1.0] * 1000


def test_an_expression_saturates_too():
    s = strict_loads(ok("info", "x*x", "--dtype", "float16", "--json"))["saturation"]
    assert s["f_finite"] == {"-inf": -255.9, "inf": 255.9} and s["overflows"] == {"-inf": True, "inf": True}
    assert s["f_limit"] == {"-inf": "Infinity", "inf": "Infinity"} and s["f_saturates"] == {"-inf": None, "inf": None}
    assert s["f_beyond"] == {"-inf": "Infinity", "inf": "Infinity"}
    out = ok("info", "x*x", "--dtype", "float16")
    assert "f_finite:float16\tf overflows beyond x = -255.9; f overflows beyond x = 255.9\n" in out


def test_a_nan_beyond_is_not_an_overflow():
    s = strict_loads(ok("info", "sqrt(1-x)", "--dtype", "float16", "--json"))["saturation"]
    assert s["f_finite"]["inf"] == 1.0 and s["f_beyond"]["inf"] == "NaN" and not s["overflows"]["inf"]
    assert "f_finite:float16\tf is nan beyond x = 1.0\n" in ok("info", "sqrt(1-x)", "--dtype", "float16")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_subgradient_intervals_in_16_bits_are_written_as_their_shortest_text(dtype):
    """grad --kink math at a kink: the interval's ends, numbers of the format, are written as
    any other number of it (0.2, not 0.199951171875), in every format, with many rows (the
    fast writers) and few."""
    few = ["-1", "0", "0.1"]
    many = few + [str(v) for v in np.linspace(1, 2, 300)]
    for points in (few, many):
        args = ["grad", "leaky_relu:alpha=0.2", "--kink", "math", "--dtype", dtype]
        lines = ok(*args, "--jsonl", "--", *points).splitlines()
        assert lines[:3] == ['{"x": -1.0, "dydx": 0.2}', '{"x": 0.0, "dydx": [0.2, 1.0]}', '{"x": 0.1, "dydx": 1.0}']
        assert ok(*args, "--tsv", "--", *points).splitlines()[:3] == ["-1.0\t0.2", "0.0\t[0.2, 1.0]", "0.1\t1.0"]
        assert ok(*args, "--csv", "--", *points).splitlines()[:4] == ["x,dydx", "-1.0,0.2", '0.0,"[0.2, 1.0]"', "0.1,1.0"]
        doc = strict_loads(ok(*args, "--json", "--", *points))
        assert doc["dydx"][:3] == [0.2, [0.2, 1.0], 1.0]


def test_compare_of_one_function_in_16_bits_keeps_compares_rows():
    lines = ok("compare", "leaky_relu:alpha=0.2", "--dtype", "float16", "--jsonl", "--", *[str(v) for v in np.linspace(-1, 1, 300)])
    assert lines.splitlines()[0] == '{"x": -1.0, "y": {"leaky_relu:alpha=0.2": -0.2}, "dydx": {"leaky_relu:alpha=0.2": 0.2}}'


@pytest.mark.parametrize("dtype, want", [("float16", ["0.525", "0.5005"]), ("bfloat16", ["0.523", "0.5"])])
def test_a_16_bit_table_shows_each_number_as_its_shortest_text(dtype, want):
    out = ok("eval", "sigmoid", "--dtype", dtype, "--table", "--", "0.1", "1e-3")
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit()]
    assert [r[-1] for r in rows] == want, out


@pytest.mark.parametrize("name, count", [("float16", 2 * 31 * 1024), ("bfloat16", 2 * 255 * 128)])
def test_finite_values_are_every_finite_value_in_order(name, count):
    """What saturation facts are found over: every finite pattern once, −0 just before +0."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = formats.finite_values(DTYPES[name])
    x = v.astype(np.float64)
    assert v.dtype == DTYPES[name] and x.size == count and np.all(np.isfinite(x))
    assert np.all(np.diff(x) >= 0) and np.count_nonzero(np.diff(x) == 0) == 1
    zero = np.flatnonzero(x == 0)
    assert zero.size == 2 and np.signbit(x[zero[0]]) and not np.signbit(x[zero[1]])


@pytest.mark.parametrize("name, tiny, top", [("float16", -6e-08, 65500.0), ("bfloat16", -9e-41, 3.39e38)])
def test_a_step_saturates_at_once_on_each_side(name, tiny, top):
    """where(x < 0, 1, 2): 1 from the negative value nearest 0 down, 2 from +0 (not −0: x ≥ −0
    is x ≥ 0) up; f' is 0 everywhere, so from the far end of each side; finite to the ends."""
    s = strict_loads(ok("info", "where(x < 0, 1, 2)", "--dtype", name, "--json"))["saturation"]
    assert s["f_limit"] == {"-inf": 1.0, "inf": 2.0}
    assert s["f_saturates"] == {"-inf": tiny, "inf": 0.0}
    assert math.copysign(1, s["f_saturates"]["inf"]) == 1.0
    assert s["grad_zero"] == {"-inf": top, "inf": -top}
    assert s["f_finite"] == {"-inf": -top, "inf": top}
    assert s["f_beyond"] == {"-inf": None, "inf": None} and s["overflows"] == {"-inf": False, "inf": False}


def test_a_pole_at_zero_overflows_on_each_side_with_its_own_sign():
    """1/x: −inf at −0, inf at +0, so no x of either side has a finite f before the pole;
    f' = −1/x² is 0 in float16 from |x| = 5796 (1/x² < 2^-25 there)."""
    s = strict_loads(ok("info", "1/x", "--dtype", "float16", "--json"))["saturation"]
    assert s["f_beyond"] == {"-inf": "-Infinity", "inf": "Infinity"}
    assert s["f_finite"] == {"-inf": None, "inf": None} and s["overflows"] == {"-inf": True, "inf": True}
    assert s["grad_zero"] == {"-inf": -5796.0, "inf": 5796.0}
    assert s["f_limit"] == {"-inf": -0.0, "inf": 0.0} and s["f_saturates"] == {"-inf": None, "inf": None}
    # log: −inf at ±0 (nan below it), so nothing finite walking out from 0 either way
    s = strict_loads(ok("info", "log(x)", "--dtype", "float16", "--json"))["saturation"]
    assert s["f_beyond"] == {"-inf": "-Infinity", "inf": "-Infinity"} and s["f_finite"] == {"-inf": None, "inf": None}
    # −x³ overflows past |x| = 40.3 (40.3125³ = 65511.7 rounds to 65504; 40.34375³ does not)
    s = strict_loads(ok("info", "-x*x*x", "--dtype", "float16", "--json"))["saturation"]
    assert s["f_finite"] == {"-inf": -40.3, "inf": 40.3}
    assert s["f_beyond"] == {"-inf": "Infinity", "inf": "-Infinity"}


def test_saturation_facts_are_for_16_bit_formats_only():
    from actcli.core.saturation import saturation

    with pytest.raises(ValueError, match="^saturation facts are computed for float16 and bfloat16, not float32$"):
        saturation(actcli.get("relu"), np.float32)


def test_facts_at_the_very_ends_and_at_zero():
    """clip(x, ±65504) equals its limits only at the largest values themselves (a run of one);
    where(x > 0, log(0), 1) is finite at +0 and nowhere beyond it on that side."""
    s = strict_loads(ok("info", "clip(x, -65504, 65504)", "--dtype", "float16", "--json"))["saturation"]
    assert s["f_saturates"] == {"-inf": -65500.0, "inf": 65500.0}
    assert s["f_finite"] == {"-inf": -65500.0, "inf": 65500.0}
    s = strict_loads(ok("info", "where(x > 0, log(x-x), 1)", "--dtype", "float16", "--json"))["saturation"]
    assert s["f_finite"] == {"-inf": -65500.0, "inf": 0.0} and s["f_beyond"] == {"-inf": None, "inf": "-Infinity"}
