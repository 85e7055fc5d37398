"""Points out: the JSON, JSONL, CSV, TSV and .npy documents of eval, grad and compare, from
`Points` in memory (`POINT_WRITERS`) or a `Stream` block by block (`STREAM_WRITERS`), and the
shortest round-trip text of each number.

Writing: TSV, CSV, JSONL and `.npy` are written a block at a time, as computed (the `.npy`
header gives the row count; for text input, counted only at its end, it is written again
then). A JSON document holds x and each column as separate arrays, so it is written an array
at a time, reading the input once per array: `--range` and `.npy` are simply read again
(cheaper than keeping 8 bytes per point and column), and text, which is parsed once, is kept
meanwhile as raw float64 in an unnamed temporary file. The terminal table computes only the
1000 rows it shows. An error late in a big text input (a bad number after the first block)
ends the output where it is, with the error on stderr and exit code 1; a half-written
`--output` file is removed.

Writing. The shapes below are stable; the README copies them.

eval::

    {"function": "sigmoid", "params": {}, "dtype": "float64", "x": [0.0], "y": [0.5]}

grad (`"order": 2` names its values "d2ydx2" instead of "dydx")::

    {"function": "relu", "params": {}, "dtype": "float64", "order": 1,
     "x": [-2.0, 0.0, 3.0], "dydx": [0.0, 0.0, 1.0]}

grad with `--kink math` adds `"kink": "math"` after "order", and at a kink where the one-sided
derivatives differ writes the interval [lo, hi] of them (the subgradient) instead of a number:
a two-element array in JSON and JSONL, the text `[0.0, 1.0]` in CSV, TSV and tables::

    {"function": "relu", "params": {}, "dtype": "float64", "order": 1, "kink": "math",
     "x": [-1.0, 0.0, 1.0], "dydx": [0.0, [0.0, 1.0], 1.0]}

With `--dialect NAME`, eval, grad and each function of compare carry `"dialect": NAME` after
"params"; "function" and "params" are then what that framework computes (`gelu` in jax is
"gelu_tanh"). An expression's "function" is its text, and its "params" are `{}`.

compare (`--value` drops "dydx", `--grad` drops "y")::

    {"dtype": "float64", "x": [0.0],
     "functions": [{"function": "sigmoid", "params": {}, "y": [0.5], "dydx": [0.25]},
                   {"function": "tanh", "params": {}, "y": [0.0], "dydx": [1.0]}]}


- "function" and "name" are canonical names ("sigmoid" for "logistic").
- "params" always holds every parameter of the function with its value, defaults included
  (`{"alpha": 0.01}` for plain leaky_relu; `{}` for a function without parameters).
- Numbers are written in the shortest form that reads back as the identical value: Python's
  `repr` for float64 (`0.1`, `-2.0`, `1e-05`), numpy's shortest float32 repr for float32 results
  (`0.1`, not `0.10000000149011612`, which is the same float32 widened to float64), and for
  float16 and bfloat16 the shortest digits that read back as the same value in that format,
  written as `repr` writes them (`0.1`, `65500.0`: `formats.shortest`).
- Non-finite numbers are the strings "NaN", "Infinity" and "-Infinity" in JSON and JSONL, and
  `nan`, `inf`, `-inf` in CSV and TSV, so every document is strict JSON (RFC 8259). That holds
  for every document, records included (flow's ratios are nan when no gradient gets through).

JSONL: one object per point, `{"x": -2.0, "y": 0.0}` ("dydx" or "d2ydx2" for grad); compare
writes `{"x": 0.0, "y": {"sigmoid": 0.5, "tanh": 0.0}, "dydx": {"sigmoid": 0.25, "tanh": 1.0}}`,
keyed by the spec as given to compare ("leaky_relu:alpha=0.2"). Rows of `table` and `list` are
written one per line.

CSV: a header line, then rows. Points: eval `x,y`; grad `x,dydx` (`x,d2ydx2`); compare
`x,y[sigmoid],dydx[sigmoid],y[tanh],...`. table: `name,output_range,derivative,zero_centered,
vanishing_gradient,dying_units,notes` with yes/no for booleans; `table --verify`:
`function,property,declared,measured,agrees`; list: `name,aliases,params` (`alpha=0.01`).

TSV (the default when stdout is not a terminal): points are `x<TAB>y` lines without a header
(compare: x, then for each function in order its y and dydx); table, list and `--verify` rows
come after the same header line as their CSV; info writes `field<TAB>value` lines.

.npy (`--output FILE.npy`): a 1-D array of records, one per point, whose fields are the CSV's
columns, each in the result dtype: `np.load(f)["y"]`; `np.load(f).view((dtype, k))` is the
2-D array of the k columns. actcli reads it back (its x field, or the one `--column` names).
float16 is numpy's own; bfloat16 is refused (the CLI says so): numpy alone cannot read
ml_dtypes' dtype back, and widening it would hide the format the numbers are in.
"""

from __future__ import annotations

import csv
import io as _stdio
import itertools
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

import numpy as np

from actcli.core import formats
from actcli.io.stream import X_SLOT, Points, Series, Slot, Stream, block_buffer

CHUNK = 1 << 14  # rows per write: a pipe closed early is noticed early
_NONFINITE_JSON = {"nan": '"NaN"', "inf": '"Infinity"', "-inf": '"-Infinity"'}


# --- numbers as text -----------------------------------------------------------------------


def number_strings(a: np.ndarray) -> list[str]:
    """Shortest round-trip text of each number: repr for float64, numpy's float32 repr, and
    for float16/bfloat16 repr of the float64 of their shortest decimal."""
    if formats.is_half(a.dtype):
        a = formats.shortest(a)
    if a.dtype == np.float64:
        return list(map(repr, a.tolist()))
    # str(np.float32) is the shortest text that reads back as the same float32.
    return [str(v) for v in a]


def json_numbers(a: np.ndarray) -> list[str]:
    """As `number_strings`, with non-finite values as the strings "NaN", "Infinity"..."""
    strs = number_strings(a)
    if not np.isfinite(a).all():
        strs = [_NONFINITE_JSON.get(s, s) for s in strs]
    return strs


def json_array(a: np.ndarray) -> str:
    return "[" + ", ".join(json_numbers(a)) + "]"


def jsonable(obj: Any) -> Any:
    """`obj` with every non-finite float replaced by "NaN", "Infinity" or "-Infinity"."""
    if isinstance(obj, float):
        if math.isfinite(obj):
            return obj
        return "NaN" if math.isnan(obj) else "Infinity" if obj > 0 else "-Infinity"
    if isinstance(obj, dict):
        return {k: jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    return obj


def dumps(obj: Any) -> str:
    return json.dumps(jsonable(obj), ensure_ascii=False, allow_nan=False)


# --- writing points ------------------------------------------------------------------------


def _single_head(p: Points, s: Any) -> list[str]:
    """The members before "x" in eval's and grad's JSON: function, params, dialect, dtype,
    and for grad its order and kink rule."""
    parts = [f'"function": {dumps(s.function)}', f'"params": {dumps(s.params)}']
    if s.dialect is not None:
        parts.append(f'"dialect": {dumps(s.dialect)}')
    parts.append(f'"dtype": {dumps(p.dtype)}')
    if p.command == "grad":
        parts.append(f'"order": {p.order}')
        if s.subgradient is not None:
            parts.append('"kink": "math"')
    return parts


def points_json(p: Points) -> Iterator[str]:
    """The one JSON document of the module docstring, ending in a newline."""
    if p.command == "compare":
        parts = [f'"dtype": {dumps(p.dtype)}', f'"x": {json_array(p.x)}']
        funcs = []
        for s in p.series:
            head = f'"function": {dumps(s.function)}, "params": {dumps(s.params)}'
            if s.dialect is not None:
                head += f', "dialect": {dumps(s.dialect)}'
            cols = "".join(f", {dumps(k)}: {json_array(v)}" for k, v in s.columns)
            funcs.append("{" + head + cols + "}")
        parts.append('"functions": [' + ", ".join(funcs) + "]")
    else:
        (s,) = p.series
        parts = _single_head(p, s)
        parts.append(f'"x": {json_array(p.x)}')
        for k, v in s.columns:
            text = with_intervals(json_numbers(v), s, k, json_numbers, 0, len(v))
            parts.append(f"{dumps(k)}: [{', '.join(text)}]")
    yield "{" + ", ".join(parts) + "}\n"


def with_intervals(
    text: list[str], s: Series, key: str, fmt: Any, start: int, stop: int, quote: bool = False
) -> list[str]:
    """`text` (the column `key` of `s`, rows start:stop) with "[lo, hi]" where lo != hi."""
    if s.subgradient is None or key != "dydx":
        return text
    lo, hi = (a[start:stop] for a in s.subgradient)
    at = np.flatnonzero((lo != hi) & ~np.isnan(lo))  # nan != nan, but a nan is no interval
    if not at.size:
        return text
    text = list(text)
    for i, a, b in zip(at.tolist(), fmt(lo[at]), fmt(hi[at]), strict=True):
        text[i] = f'"[{a}, {b}]"' if quote else f"[{a}, {b}]"
    return text


def _chunks(
    p: Points, fmt: Any, quote: bool = False, lo: int = 0, hi: int | None = None
) -> Iterator[list[list[str]]]:
    """Columns of text (x first, then each series' columns), CHUNK rows at a time, of the rows
    lo:hi (default: all)."""
    hi = p.x.size if hi is None else hi
    for start in range(lo, hi, CHUNK):
        stop = min(start + CHUNK, hi)
        cols = [fmt(p.x[start:stop])]
        for s in p.series:
            for k, v in s.columns:
                cols.append(with_intervals(fmt(v[start:stop]), s, k, fmt, start, stop, quote))
        yield cols


def _jsonl_template(p: Points) -> tuple[str, list[int]]:
    """The %-template of one JSONL line, and the order in which it takes the columns."""
    keys = [k for k, _ in p.series[0].columns]
    if p.command == "compare":
        labels = [dumps(s.label).replace("%", "%%") for s in p.series]
        # Columns come x, then per function its keys; the template visits them key by key.
        slots = {
            (i, k): 1 + i * len(keys) + j for i in range(len(labels)) for j, k in enumerate(keys)
        }
        order = [0] + [slots[i, k] for k in keys for i in range(len(labels))]
        inner = [", ".join(f"{lab}: %s" for lab in labels) for _ in keys]
        template = '{"x": %s' + "".join(
            f', "{k}": {{{s}}}' for k, s in zip(keys, inner, strict=True)
        )
    else:
        order = list(range(1 + len(keys)))
        template = '{"x": %s' + "".join(f', "{k}": %s' for k in keys)
    return template + "}\n", order


def _jsonl_rows(p: Points, lo: int = 0, hi: int | None = None) -> Iterator[str]:
    template, order = _jsonl_template(p)
    for cols in _chunks(p, json_numbers, False, lo, hi):
        cols = [cols[i] for i in order]
        yield "".join(template % row for row in zip(*cols, strict=True))


def _csv_rows(p: Points, lo: int = 0, hi: int | None = None) -> Iterator[str]:
    for cols in _chunks(p, number_strings, True, lo, hi):
        yield "".join(",".join(row) + "\n" for row in zip(*cols, strict=True))


def _tsv_rows(p: Points, lo: int = 0, hi: int | None = None) -> Iterator[str]:
    for cols in _chunks(p, number_strings, False, lo, hi):
        yield "".join("\t".join(row) + "\n" for row in zip(*cols, strict=True))


def points_jsonl(p: Points) -> Iterator[str]:
    """One JSON object per point."""
    yield from _jsonl_rows(p)


def points_header(p: Points) -> list[str]:
    """Column names: x, y / dydx; compare: y[label], dydx[label] for each function."""
    if p.command == "compare":
        return ["x"] + [f"{k}[{s.label}]" for s in p.series for k, _ in s.columns]
    return ["x"] + [k for k, _ in p.series[0].columns]


def csv_line(cells: Sequence[Any]) -> str:
    buf = _stdio.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def points_csv(p: Points) -> Iterator[str]:
    """A header line, then one row per point."""
    yield csv_line(points_header(p))
    yield from _csv_rows(p)


def points_tsv(p: Points) -> Iterator[str]:
    """`x<TAB>y` lines, no header (compare: x, then each function's columns in order)."""
    yield from _tsv_rows(p)


def npy_records(names: Sequence[str], dtype: Any) -> np.dtype:
    """The .npy's record: one field per column of `points_header`, each in the result dtype
    (the bytes of a 2-D array of the columns, row by row, named)."""
    return np.dtype([(name, dtype) for name in names])


def points_npy(p: Points, path: Path) -> None:
    """A 1-D array of records whose fields are the columns of `points_header` (x, y, ...)."""
    arrays = [p.x] + [v for s in p.series for _, v in s.columns]
    rows = np.column_stack(arrays)
    np.save(path, rows.view(npy_records(points_header(p), rows.dtype))[:, 0], allow_pickle=False)


POINT_WRITERS = {"json": points_json, "jsonl": points_jsonl, "csv": points_csv, "tsv": points_tsv}


# --- writing in blocks ---------------------------------------------------------------------
#
# The CLI's writers: the bytes of the reference writers above, block by block, and fast.
# orjson writes the numbers (~25 ns each, against ~500 for repr) wherever its text is the
# reference's. Both write the shortest digits that read back (Python's repr; numpy's float32
# repr; orjson's for each dtype), and they differ only in where they switch to exponents
# (orjson: 1e-05 is "0.00001" and 1e-07 "1e-7"; float32 1e+06 "1000000.0") and in non-finite
# numbers (orjson: null). So orjson writes zeros and the numbers in [1e-4, 1e15) (float32:
# [1e-4, 1e6)), with a margin at each end; runs of rows that hold any other number (or a
# --kink math interval) are written by the reference writers. `_orjson()` checks once that
# the installed orjson writes such numbers as the reference does, and is not used otherwise.

FAST_MIN = 4096  # below this many values (or bytes of text) the reference does it all
ENCODE_ROWS = 1 << 16  # rows turned into text at a time: a few MB, so memory stays flat
_RUN = 1024  # rows per run when telling numbers orjson writes from the others
_PLAIN = {np.dtype(np.float64): (1.001e-4, 1e15), np.dtype(np.float32): (1.001e-4, 9.99e5)}
_ORJSON: list[Any] = []  # [orjson or None], once looked for


def _orjson() -> Any:
    """orjson, if it is installed and writes plain numbers as the reference does; else None."""
    if not _ORJSON:
        try:
            import orjson
        except ImportError:  # pragma: no cover - a dependency; the reference still works
            _ORJSON.append(None)
            return None
        probe = [0.0, -0.0, 0.1, 1 / 3, -2.5, 1.001e-4, 0.5e-3, 123456.789, 9.9e14, 7e14 + 0.5]
        samples = (np.array(probe), np.array([*probe[:-2], 999000.0], dtype=np.float32))
        agrees = all(
            orjson.dumps(a, option=orjson.OPT_SERIALIZE_NUMPY)
            == ("[" + ",".join(number_strings(a)) + "]").encode()
            for a in samples
        )
        _ORJSON.append(orjson if agrees else None)
    return _ORJSON[0]


def _fast(n: int, dtype: np.dtype) -> Any:
    """orjson, for `n` values of `dtype` that are worth it; else None."""
    return _orjson() if n >= FAST_MIN and dtype in _PLAIN else None


def _odd(a: np.ndarray) -> np.ndarray:
    """True where orjson's text for `a` may not be the reference's: non-finite, tiny, huge."""
    lo, hi = _PLAIN[a.dtype]
    m = np.abs(a)
    return ~(((m >= lo) & (m < hi)) | (a == 0))


def _odd_rows(p: Points) -> np.ndarray:
    """Rows of `p` the reference writes: an odd number in any column, or an interval."""
    odd = _odd(p.x)
    for s in p.series:
        for _, v in s.columns:
            odd |= _odd(v)
        if s.subgradient is not None and any(k == "dydx" for k, _ in s.columns):
            odd |= s.subgradient[0] != s.subgradient[1]
    return odd


def _runs(odd: np.ndarray) -> Iterator[tuple[int, int, bool]]:
    """(start, stop, slow) covering every row at most ENCODE_ROWS at a time; `slow` where a
    run of _RUN rows holds an odd one."""
    n = odd.size
    if odd.any():
        flags = np.logical_or.reduceat(odd, np.arange(0, n, _RUN))
        cuts = (np.flatnonzero(flags[1:] != flags[:-1]) + 1) * _RUN
        bounds = [0, *cuts.tolist(), n]
        spans = [(a, b, bool(flags[a // _RUN])) for a, b in itertools.pairwise(bounds)]
    else:
        spans = [(0, n, False)]
    for a, b, slow in spans:
        for lo in range(a, b, ENCODE_ROWS):
            yield lo, min(lo + ENCODE_ROWS, b), slow


def _dump(orjson: Any, a: np.ndarray) -> bytes:
    return orjson.dumps(np.ascontiguousarray(a), option=orjson.OPT_SERIALIZE_NUMPY)


def _widened(p: Points) -> Points:
    """`p` with float16/bfloat16 numbers as the float64 of their shortest text (same text)."""
    if not formats.is_half(p.x.dtype):
        return p
    wide = formats.shortest
    series = [
        replace(
            s,
            columns=tuple((k, wide(v)) for k, v in s.columns),
            subgradient=None if s.subgradient is None else tuple(map(wide, s.subgradient)),
        )
        for s in p.series
    ]
    return Points(p.command, wide(p.x), series, p.order)


def _rows(p: Points, fmt: str) -> Iterator[bytes]:
    """The rows of `p` as "tsv", "csv" or "jsonl" (without the CSV header), as bytes."""
    p = _widened(p)
    reference = {"tsv": _tsv_rows, "csv": _csv_rows, "jsonl": _jsonl_rows}[fmt]
    cols = [p.x] + [v for s in p.series for _, v in s.columns]
    orjson = _fast(p.x.size * len(cols), p.x.dtype)
    # JSONL is fast for one column beside x (eval, grad); compare's objects take the reference.
    if orjson is None or (fmt == "jsonl" and (p.command == "compare" or len(cols) != 2)):
        for text in reference(p):
            yield text.encode()
        return
    if fmt == "jsonl":
        key = dumps(p.series[0].columns[0][0]).encode()
        start, row, comma = b'{"x": ', b'}\n{"x": ', b", " + key + b": "
    for lo, hi, slow in _runs(_odd_rows(p)):
        if slow:
            yield "".join(reference(p, lo, hi)).encode()
            continue
        # orjson writes rows of a 2-D array as [[x,y],[x,y]]: the brackets become the lines.
        body = _dump(orjson, np.column_stack([c[lo:hi] for c in cols]))[2:-2]
        if fmt == "jsonl":
            yield start + body.replace(b"],[", row).replace(b",", comma) + b"}\n"
        elif fmt == "tsv":
            yield body.replace(b"],[", b"\n").replace(b",", b"\t") + b"\n"
        else:
            yield body.replace(b"],[", b"\n") + b"\n"


def _json_items(p: Points, slot: Slot) -> Iterator[bytes]:
    """The column `slot` of `p` as the items of a JSON array (no brackets), piece by piece."""
    if slot == X_SLOT:
        values, s, key = p.x, None, "x"
    else:
        s = p.series[slot[0]]
        key = slot[1]
        values = dict(s.columns)[key]
    if formats.is_half(values.dtype):
        values = formats.shortest(values)

    def reference(lo: int, hi: int) -> bytes:
        text = json_numbers(values[lo:hi])
        if s is not None:
            text = with_intervals(text, s, key, json_numbers, lo, hi)
        return ", ".join(text).encode()

    orjson = _fast(values.size, values.dtype)
    if orjson is None:
        for lo in range(0, values.size, ENCODE_ROWS):
            yield reference(lo, min(lo + ENCODE_ROWS, values.size))
        return
    odd = _odd(values)
    if s is not None and s.subgradient is not None and key == "dydx":
        odd |= s.subgradient[0] != s.subgradient[1]
    for lo, hi, slow in _runs(odd):
        if slow:
            yield reference(lo, hi)
        else:
            yield _dump(orjson, values[lo:hi])[1:-1].replace(b",", b", ")


def _json_layout(p: Points) -> list[Any]:
    """The JSON document of `points_json` as text between its arrays, and the arrays' slots."""
    out: list[Any] = []
    if p.command == "compare":
        out += ["{" + f'"dtype": {dumps(p.dtype)}, "x": ', X_SLOT, ', "functions": [']
        for i, s in enumerate(p.series):
            head = f'"function": {dumps(s.function)}, "params": {dumps(s.params)}'
            if s.dialect is not None:
                head += f', "dialect": {dumps(s.dialect)}'
            out.append((", {" if i else "{") + head)
            for k, _ in s.columns:
                out += [f", {dumps(k)}: ", (i, k)]
            out.append("}")
        out.append("]}\n")
        return out
    (s,) = p.series
    parts = _single_head(p, s)
    out += ["{" + ", ".join(parts) + ', "x": ', X_SLOT]
    for k, _ in s.columns:
        out += [f", {dumps(k)}: ", (0, k)]
    out.append("}\n")
    return out


def stream_json(st: Stream) -> Iterator[bytes]:
    """`points_json`'s document, an array at a time: each array is a pass over the input."""
    for piece in _json_layout(st.template):
        if isinstance(piece, str):
            yield piece.encode()
            continue
        yield b"["
        sep = b""
        for p in st.blocks(piece):
            for items in _json_items(p, piece):
                if items:
                    yield sep + items
                    sep = b", "
        yield b"]"


def stream_jsonl(st: Stream) -> Iterator[bytes]:
    """`points_jsonl`'s lines, block by block."""
    for p in st.blocks(None):
        yield from _rows(p, "jsonl")


def stream_csv(st: Stream) -> Iterator[bytes]:
    """`points_csv`'s header and rows, block by block."""
    yield csv_line(points_header(st.template)).encode()
    for p in st.blocks(None):
        yield from _rows(p, "csv")


def stream_tsv(st: Stream) -> Iterator[bytes]:
    """`points_tsv`'s lines, block by block."""
    for p in st.blocks(None):
        yield from _rows(p, "tsv")


def stream_npy(st: Stream, f: IO[bytes], size: int | None = None) -> None:
    """`points_npy`'s array to the open file `f`, block by block: the header, with `size` rows
    (when unknown, 0 rows, written again at the end with the count), then the rows."""
    arrays = [st.template.x] + [v for s in st.template.series for _, v in s.columns]
    dtype = np.result_type(*arrays)
    k = len(arrays)
    descr = np.lib.format.dtype_to_descr(npy_records(points_header(st.template), dtype))

    def header(n: int) -> bytes:
        buf = _stdio.BytesIO()
        d = {"descr": descr, "fortran_order": False, "shape": (n,)}
        np.lib.format.write_array_header_1_0(buf, d)
        return buf.getvalue()

    from concurrent.futures import ThreadPoolExecutor  # (not for commands that write no .npy)

    start = f.tell()
    first = header(size or 0)
    f.write(first)
    n = 0
    buffers: dict[Any, np.ndarray] = {}
    # Two row buffers: one is written to the file by a thread (the write releases the GIL)
    # while the next block is computed into the other.
    with ThreadPoolExecutor(1) as writer:
        pending = None
        for i, p in enumerate(st.blocks(None)):
            m = p.x.size
            rows = block_buffer(buffers, i % 2, m * k, dtype).reshape(m, k)
            rows[:, 0] = p.x
            j = 1
            for s in p.series:
                for _, v in s.columns:
                    rows[:, j] = v
                    j += 1
            if pending is not None:
                pending.result()
            pending = writer.submit(f.write, rows.data)
            n += m
        if pending is not None:
            pending.result()
    if n != size:
        # numpy pads the header so that the row count can grow in place, to 21 digits.
        again = header(n)
        assert len(again) == len(first), "the .npy header changed length"
        end = f.tell()
        f.seek(start)
        f.write(again)
        f.seek(end)


STREAM_WRITERS = {
    "json": stream_json,
    "jsonl": stream_jsonl,
    "csv": stream_csv,
    "tsv": stream_tsv,
}


def format_for(path: Path) -> str | None:
    """The output format a file's extension asks for, or None."""
    return {
        ".json": "json",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".csv": "csv",
        ".tsv": "tsv",
        ".txt": "tsv",
        ".npy": "npy",
    }.get(path.suffix.lower())
