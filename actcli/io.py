"""Numbers in, documents out: everything actcli reads or writes, with no terminal in sight.

Reading (`read_points`), in this order of precedence:

1. numbers given as arguments (`1 -2.5 1e-3 nan inf -inf`), or `-` alone for standard input;
2. `--range START STOP` with `--num N`: `N` evenly spaced points, both ends included;
3. `--input FILE`: `.npy` (any real array, flattened), `.json` (an array of numbers, where the
   strings "NaN", "Infinity" and "-Infinity" stand for the non-finite values), anything else
   as text: numbers separated by whitespace, commas or newlines;
4. standard input, when it is not a terminal: text as above, or a JSON array.

Every number is parsed as float64, then rounded once to `--dtype` (float32 or float64).

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

table: an array of rows, one per function, each the registry's declaration resolved for the
function's parameters (`function_record`)::

    [{"name": "sigmoid", "aliases": ["logistic"], "params": {}, "formula": "...",
      "derivative": "...", "output_range": "(0, 1)", "zero_centered": false,
      "monotonic": true, "smoothness": "C^inf", "kinks": [], "kink_convention": "...",
      "vanishing_gradient": "yes", "dying_units": "no", "use": "...", "limitations": "...",
      "source": "...", "notes": "..."}, ...]

dialects: one function as each framework defines it, at the points; the masks are true where
the frameworks that have the function give different bits ("api" is null for a framework that
lacks it: its row is actcli's own definition, which `--dialect` falls back to, and it takes no
part in the masks)::

    {"function": "leaky_relu", "x": [0.0, 1.0],
     "dialects": [{"dialect": "torch", "api": "F.leaky_relu(negative_slope=0.01)",
                   "function": "leaky_relu", "params": {"alpha": 0.01}, "note": "",
                   "y": [0.0, 1.0], "dydx": [0.01, 1.0]}, ...],
     "value_differs": [false, false], "grad_differs": [true, false]}

flow, dead: exactly `FlowResult.to_dict()` and `DeadResult.to_dict()` of `actcli.core.flow`;
collapse: an array of `CollapseResult.to_dict()`, one per function.

`table --verify` adds to each row `"checks": [{"property": "output_range", "declared": "(0, 1)",
"measured": "[0, 1]", "agrees": true}, ...]`. `list` writes `{"name", "aliases", "params"}` rows
(params at their defaults); `info` writes one row object plus "param_info" (`{name: {"default",
"doc", "domain"}}`), "max_slope", "max_slope_where" and "dialect_differences"
(`[{"dialect", "api", "differences": [text, ...]}]`, one per framework whose version differs).
`info EXPR` writes what is measured instead of declared: `{"function", "formula", "params",
"kinks", "output_range" (the min and max on the probe's grid, as text), "f0", "odd",
"zero_centered", "monotonic", "vanishing_gradient", "dying_units", "max_slope",
"max_slope_where"}`.

- "function" and "name" are canonical names ("sigmoid" for "logistic").
- "params" always holds every parameter of the function with its value, defaults included
  (`{"alpha": 0.01}` for plain leaky_relu; `{}` for a function without parameters).
- Numbers are written in the shortest form that reads back as the identical value: Python's
  `repr` for float64 (`0.1`, `-2.0`, `1e-05`), numpy's shortest float32 repr for float32 results
  (`0.1`, not `0.10000000149011612`, which is the same float32 widened to float64).
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

.npy (`--output FILE.npy`): a 2-D array in the result dtype whose columns are the CSV's.
"""

from __future__ import annotations

import csv
import io as _stdio
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from actcli.core.registry import Activation

DTYPES = ("float32", "float64")
CHUNK = 1 << 14  # rows per write: a pipe closed early is noticed early

_NONFINITE_JSON = {"nan": '"NaN"', "inf": '"Infinity"', "-inf": '"-Infinity"'}
_NONFINITE_IN = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
HOW_TO_GIVE = (
    "give points as arguments (-2 0 3), with --range START STOP, with --input FILE, "
    "or on standard input"
)


class InputError(ValueError):
    """Bad numbers, a bad file or a bad request. `str()` is one line a user can act on.

    `exit_code` is 2 for a mistake on the command line and 1 for bad data or files.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


# --- reading -------------------------------------------------------------------------------


def is_number(token: str) -> bool:
    """True if `token` reads as a float: '1', '-2.5', '1e-3', 'nan', 'inf', '-inf'."""
    try:
        float(token)
    except ValueError:
        return False
    return True


def _show(token: str) -> str:
    return repr(token if len(token) <= 30 else token[:27] + "...")


def parse_args(tokens: Sequence[str]) -> np.ndarray:
    """Numbers given as command-line arguments, one number per token, as float64."""
    try:
        return np.array(tokens, dtype=np.float64)
    except ValueError:
        pass
    for i, token in enumerate(tokens, 1):
        if not is_number(token):
            raise InputError(
                f"{_show(token)} (point {i} on the command line) is not a number; "
                "points look like 1, -2.5, 1e-3, nan, inf",
                exit_code=2,
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def parse_text(text: str, source: str) -> np.ndarray:
    """Numbers separated by whitespace, commas or newlines, or a JSON array; as float64."""
    if text.lstrip().startswith("["):
        return parse_json(text, source)
    try:
        return np.array(text.replace(",", " ").split(), dtype=np.float64)
    except ValueError:
        pass
    # Only on failure: find the first bad token, and where it is, to report it.
    for lineno, line in enumerate(text.splitlines(), 1):
        for token in line.replace(",", " ").split():
            if not is_number(token):
                raise InputError(
                    f"{source}, line {lineno}: {_show(token)} is not a number; give numbers "
                    "separated by spaces, commas or newlines (or a JSON array)"
                ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def parse_json(text: str, source: str) -> np.ndarray:
    """A JSON array of numbers; "NaN", "Infinity" and "-Infinity" stand for themselves."""
    try:
        data = json.loads(text)
    except ValueError as e:
        raise InputError(f"{source} is not valid JSON: {e}") from None
    if not isinstance(data, list):
        raise InputError(f"{source}: expected a JSON array of numbers, got {type(data).__name__}")
    bad = next(
        (
            i
            for i, v in enumerate(data)
            if type(v) not in (int, float) and not (type(v) is str and v in _NONFINITE_IN)
        ),
        None,
    )
    if bad is not None:
        raise InputError(
            f"{source}: element {bad} ({json.dumps(data[bad])[:30]}) is not a number; use "
            'numbers, or the strings "NaN", "Infinity", "-Infinity"'
        )
    return np.array([_NONFINITE_IN[v] if type(v) is str else v for v in data], dtype=np.float64)


def read_file(path: Path) -> np.ndarray:
    """Numbers from `.npy`, `.json` or text (`.txt`, `.csv`, anything else) as float64."""
    where = f"'{path}'"
    try:
        if path.suffix.lower() == ".npy":
            try:
                arr = np.load(path, allow_pickle=False)
            except ValueError as e:
                raise InputError(f"{where} is not a numeric .npy array ({e})") from None
            if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biuf":
                kind = getattr(arr, "dtype", type(arr).__name__)
                raise InputError(f"{where} holds {kind} values, not real numbers")
            return arr.astype(np.float64).reshape(-1)
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{where} is not a UTF-8 text file; give text, .json or .npy") from None
    except OSError as e:
        raise InputError(f"cannot read {where}: {e.strerror or e}") from None
    if path.suffix.lower() == ".json":
        return parse_json(text, where)
    return parse_text(text, where)


def linspace(start: float, stop: float, num: int) -> np.ndarray:
    """`num` evenly spaced points from `start` to `stop`, both included."""
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise InputError(f"--range {start:g} {stop:g}: START and STOP must be finite", 2)
    if num < 1:
        raise InputError(f"--num {num}: give at least 1 point", 2)
    try:
        if math.isfinite(stop - start):
            return np.linspace(start, stop, num)
        # STOP - START overflows (--range -1e308 1e308): space the halves, then double.
        return np.linspace(start / 2, stop / 2, num) * 2
    except (MemoryError, ValueError):
        raise InputError(f"--num {num}: too many points to hold in memory", 2) from None


def read_points(
    tokens: Sequence[str],
    *,
    span: tuple[float, float] | None,
    num: int,
    path: Path | None,
    stdin: IO[str] | None,
    dtype: str,
) -> np.ndarray:
    """The points x, from the first source given (see the module docstring), in `dtype`."""
    if dtype not in DTYPES:
        raise InputError(f"--dtype {dtype}: use float32 or float64", 2)
    want_stdin = "-" in tokens or (path is not None and str(path) == "-")
    numbers = [t for t in tokens if t != "-"]
    if "-" in tokens and numbers:
        raise InputError("give numbers as arguments or '-' for standard input, not both", 2)
    if numbers:
        x = parse_args(numbers)
    elif span is not None:
        x = linspace(span[0], span[1], num)
    elif path is not None and not want_stdin:
        x = read_file(path)
        if x.size == 0:
            raise InputError(f"'{path}' holds no numbers; {HOW_TO_GIVE}")
    elif stdin is not None and (want_stdin or not _isatty(stdin)):
        x = parse_text(stdin.read(), "standard input")
        if x.size == 0:
            raise InputError(f"no numbers on standard input; {HOW_TO_GIVE}", 2)
    else:
        raise InputError(f"no numbers given; {HOW_TO_GIVE}", 2)
    # float32: round once from the float64 parse; overflow to +-inf is the float32 answer.
    with np.errstate(over="ignore"):
        return x.astype(dtype, copy=False)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a file
        return False


def split_specs(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """compare's arguments: tokens that read as numbers (and '-') are points, the rest specs."""
    specs = [t for t in tokens if t != "-" and not is_number(t)]
    points = [t for t in tokens if t == "-" or is_number(t)]
    return specs, points


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One function's results at the points: ("y", f(x)), ("dydx", f'(x)), ("d2ydx2", f''(x)).

    `subgradient` (grad --kink math): (lo, hi) of the one-sided derivatives at every point; the
    "dydx" column is written as [lo, hi] wherever they differ.
    """

    function: str
    params: dict[str, float]
    label: str
    columns: tuple[tuple[str, np.ndarray], ...]
    dialect: str | None = None
    subgradient: tuple[np.ndarray, np.ndarray] | None = None


@dataclass(frozen=True)
class Points:
    """What eval, grad and compare write: points x and one or more series."""

    command: str  # "eval", "grad" or "compare"
    x: np.ndarray
    series: list[Series]
    order: int | None = None  # grad only
    dtype: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dtype", str(self.x.dtype))


VALUE_KEYS = {0: "y", 1: "dydx", 2: "d2ydx2"}


def series(
    act: Activation,
    x: np.ndarray,
    orders: Iterable[int],
    label: str,
    *,
    threads: int | None = None,
    kink_math: bool = False,
) -> Series:
    """f and its derivatives of the given orders at x, keyed as in VALUE_KEYS.

    `threads` goes to the kernels (None: every core). `kink_math` adds the subgradient
    interval for "dydx" (`Activation.subgradient`), in the dtype of x.
    """
    cols = tuple((VALUE_KEYS[k], act.derivative(x, k, threads=threads)) for k in orders)
    sub = None
    if kink_math:
        lo, hi = act.subgradient(x)
        with np.errstate(over="ignore"):
            sub = (np.asarray(lo).astype(x.dtype), np.asarray(hi).astype(x.dtype))
    return Series(
        act.name, dict(act.params), label, cols, getattr(act, "dialect", None), subgradient=sub
    )


# --- numbers as text -----------------------------------------------------------------------


def number_strings(a: np.ndarray) -> list[str]:
    """Shortest round-trip text of each number: repr for float64, numpy's float32 repr."""
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


def _json_array(a: np.ndarray) -> str:
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


def _dumps(obj: Any) -> str:
    return json.dumps(jsonable(obj), ensure_ascii=False, allow_nan=False)


# --- writing points ------------------------------------------------------------------------


def points_json(p: Points) -> Iterator[str]:
    """The one JSON document of the module docstring, ending in a newline."""
    if p.command == "compare":
        parts = [f'"dtype": {_dumps(p.dtype)}', f'"x": {_json_array(p.x)}']
        funcs = []
        for s in p.series:
            head = f'"function": {_dumps(s.function)}, "params": {_dumps(s.params)}'
            if s.dialect is not None:
                head += f', "dialect": {_dumps(s.dialect)}'
            cols = "".join(f", {_dumps(k)}: {_json_array(v)}" for k, v in s.columns)
            funcs.append("{" + head + cols + "}")
        parts.append('"functions": [' + ", ".join(funcs) + "]")
    else:
        (s,) = p.series
        parts = [f'"function": {_dumps(s.function)}', f'"params": {_dumps(s.params)}']
        if s.dialect is not None:
            parts.append(f'"dialect": {_dumps(s.dialect)}')
        parts.append(f'"dtype": {_dumps(p.dtype)}')
        if p.command == "grad":
            parts.append(f'"order": {p.order}')
            if s.subgradient is not None:
                parts.append('"kink": "math"')
        parts.append(f'"x": {_json_array(p.x)}')
        for k, v in s.columns:
            text = with_intervals(json_numbers(v), s, k, json_numbers, 0, len(v))
            parts.append(f"{_dumps(k)}: [{', '.join(text)}]")
    yield "{" + ", ".join(parts) + "}\n"


def with_intervals(
    text: list[str], s: Series, key: str, fmt: Any, start: int, stop: int, quote: bool = False
) -> list[str]:
    """`text` (the column `key` of `s`, rows start:stop) with "[lo, hi]" where lo != hi."""
    if s.subgradient is None or key != "dydx":
        return text
    lo, hi = (a[start:stop] for a in s.subgradient)
    at = np.flatnonzero(lo != hi)
    if not at.size:
        return text
    text = list(text)
    for i, a, b in zip(at.tolist(), fmt(lo[at]), fmt(hi[at]), strict=True):
        text[i] = f'"[{a}, {b}]"' if quote else f"[{a}, {b}]"
    return text


def _chunks(p: Points, fmt: Any, quote: bool = False) -> Iterator[list[list[str]]]:
    """Columns of text (x first, then each series' columns), CHUNK rows at a time."""
    for start in range(0, p.x.size, CHUNK):
        stop = min(start + CHUNK, p.x.size)
        cols = [fmt(p.x[start:stop])]
        for s in p.series:
            for k, v in s.columns:
                cols.append(with_intervals(fmt(v[start:stop]), s, k, fmt, start, stop, quote))
        yield cols


def points_jsonl(p: Points) -> Iterator[str]:
    """One JSON object per point."""
    keys = [k for k, _ in p.series[0].columns]
    if p.command == "compare":
        labels = [_dumps(s.label).replace("%", "%%") for s in p.series]
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
    template += "}\n"
    for cols in _chunks(p, json_numbers):
        cols = [cols[i] for i in order]
        yield "".join(template % row for row in zip(*cols, strict=True))


def points_header(p: Points) -> list[str]:
    """Column names: x, y / dydx; compare: y[label], dydx[label] for each function."""
    if p.command == "compare":
        return ["x"] + [f"{k}[{s.label}]" for s in p.series for k, _ in s.columns]
    return ["x"] + [k for k, _ in p.series[0].columns]


def _csv_line(cells: Sequence[Any]) -> str:
    buf = _stdio.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def points_csv(p: Points) -> Iterator[str]:
    """A header line, then one row per point."""
    yield _csv_line(points_header(p))
    for cols in _chunks(p, number_strings, quote=True):
        yield "".join(",".join(row) + "\n" for row in zip(*cols, strict=True))


def points_tsv(p: Points) -> Iterator[str]:
    """`x<TAB>y` lines, no header (compare: x, then each function's columns in order)."""
    for cols in _chunks(p, number_strings):
        yield "".join("\t".join(row) + "\n" for row in zip(*cols, strict=True))


def points_npy(p: Points, path: Path) -> None:
    """A 2-D array in the result dtype; its columns are those of `points_header`."""
    arrays = [p.x] + [v for s in p.series for _, v in s.columns]
    np.save(path, np.column_stack(arrays), allow_pickle=False)


POINT_WRITERS = {"json": points_json, "jsonl": points_jsonl, "csv": points_csv, "tsv": points_tsv}


# --- records: table, list, info ------------------------------------------------------------

FIELDS = (
    "formula",
    "derivative",
    "output_range",
    "zero_centered",
    "monotonic",
    "smoothness",
    "kinks",
    "kink_convention",
    "vanishing_gradient",
    "dying_units",
    "use",
    "limitations",
    "source",
    "notes",
)


def function_record(act: Activation) -> dict[str, Any]:
    """Everything the registry declares about `act`, resolved for its parameters."""
    row: dict[str, Any] = {
        "name": act.name,
        "aliases": list(act.decl.aliases),
        "params": dict(act.params),
    }
    for key in FIELDS:
        value = act.prop(key)
        if key == "output_range":
            value = str(value)
        elif key == "kinks":
            value = [float(k) for k in value]
        elif key in ("zero_centered", "monotonic"):
            value = bool(value)
        row[key] = value
    return row


def list_record(act: Activation) -> dict[str, Any]:
    """Name, aliases and parameters at their defaults."""
    return {"name": act.name, "aliases": list(act.decl.aliases), "params": dict(act.params)}


def cell(value: Any) -> str:
    """A record's value as text for TSV, CSV and tables: yes/no, 'a, b', 'alpha=0.01'."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={cell(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return " ".join(str(value).split())  # no tabs or newlines inside a cell


def record_json(row: dict[str, Any]) -> Iterator[str]:
    """One JSON object (`info`)."""
    yield _dumps(row) + "\n"


def records_json(rows: list[dict[str, Any]], columns: Sequence[str] = ()) -> Iterator[str]:
    """One JSON array of the rows (all their keys: `columns` is for CSV and TSV)."""
    yield _dumps(rows) + "\n"


def records_jsonl(rows: list[dict[str, Any]], columns: Sequence[str] = ()) -> Iterator[str]:
    """One JSON object per line."""
    yield "".join(_dumps(r) + "\n" for r in rows)


def records_csv(rows: list[dict[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    """A header line of `columns`, then one line per row."""
    yield _csv_line(columns)
    yield "".join(_csv_line([cell(r[c]) for c in columns]) for r in rows)


def records_tsv(rows: list[dict[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    """A header line of `columns`, then one tab-separated line per row."""
    yield "\t".join(columns) + "\n"
    yield "".join("\t".join(cell(r[c]) for c in columns) + "\n" for r in rows)


RECORD_WRITERS = {
    "json": records_json,
    "jsonl": records_jsonl,
    "csv": records_csv,
    "tsv": records_tsv,
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


# --- grids: flow, dead, collapse, dialects -------------------------------------------------


def exact_cell(value: Any) -> str:
    """As `cell`, but floats keep every digit (repr), so TSV and CSV read back exactly."""
    if isinstance(value, float):
        return repr(value)
    return cell(value)


def grid_tsv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A header line, then one tab-separated line per row; floats with every digit."""
    yield "\t".join(header) + "\n"
    yield "".join("\t".join(exact_cell(v) for v in r) + "\n" for r in rows)


def grid_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A header line, then one CSV line per row; floats with every digit."""
    yield _csv_line(header)
    yield "".join(_csv_line([exact_cell(v) for v in r]) for r in rows)


GRID_WRITERS = {"tsv": grid_tsv, "csv": grid_csv}


def dialects_json(
    name: str, x: np.ndarray, rows: Sequence[Any], value_differs: Any, grad_differs: Any
) -> Iterator[str]:
    """The `dialects` document of the module docstring; `rows` are `dialects.compare`'s."""
    items = []
    for r in rows:
        head = {
            "dialect": r.dialect,
            "api": r.api,
            "function": r.act.name,
            "params": dict(r.act.params),
            "note": r.note,
        }
        y, dydx = _json_array(np.asarray(r.y)), _json_array(np.asarray(r.dydx))
        items.append(_dumps(head)[:-1] + f', "y": {y}, "dydx": {dydx}' + "}")
    parts = [
        f'"function": {_dumps(name)}',
        f'"x": {_json_array(x)}',
        '"dialects": [' + ", ".join(items) + "]",
        f'"value_differs": {_dumps([bool(b) for b in value_differs])}',
        f'"grad_differs": {_dumps([bool(b) for b in grad_differs])}',
    ]
    yield "{" + ", ".join(parts) + "}\n"


MISSING = "—"  # a framework without the function
DIFFERS = "*"  # marks a value where the frameworks disagree, when colour cannot


def dialect_cells(
    rows: Sequence[Any], value_differs: Any, grad_differs: Any, mark: str = DIFFERS
) -> list[tuple[list[str], list[str]]]:
    """Per row, f and f' as text, with `mark` after each value where the frameworks disagree
    (only on rows of frameworks that have the function: the others take no part)."""
    out = []
    for r in rows:
        present = r.api is not None
        texts = []
        for values, differs in ((r.y, value_differs), (r.dydx, grad_differs)):
            text = number_strings(np.asarray(values, dtype=np.float64))
            texts.append(
                [t + mark if present and d else t for t, d in zip(text, differs, strict=True)]
            )
        out.append((texts[0], texts[1]))
    return out


def dialects_grid(
    x: np.ndarray, rows: Sequence[Any], value_differs: Any, grad_differs: Any
) -> tuple[list[str], list[list[str]]]:
    """Header and rows for TSV: dialect, api, function (with parameters), note, then f at
    each point and f' at each point, '*' marking disagreements."""
    xs = number_strings(np.asarray(x, dtype=np.float64))
    header = ["dialect", "api", "function", "note"]
    header += [f"y({t})" for t in xs] + [f"dydx({t})" for t in xs]
    grid = []
    for r, (ys, gs) in zip(rows, dialect_cells(rows, value_differs, grad_differs), strict=True):
        grid.append([r.dialect, r.api or MISSING, r.act.label, r.note, *ys, *gs])
    return header, grid


def dialect_differences(act: Activation) -> list[dict[str, Any]]:
    """How each framework's version of `act`'s function differs from actcli's (PyTorch's).

    One entry per framework that differs: `{"dialect", "api", "differences": [text, ...]}`;
    "api" is None for a framework without the function.
    """
    from actcli.core import dialects

    decl = act.decl
    ours = Activation(decl)  # the catalog's defaults and kink conventions
    out: list[dict[str, Any]] = []
    for d in dialects.DIALECT_NAMES:
        var = dialects.variant(decl.name, d)
        if var is None:
            out.append(
                {"dialect": d, "api": None, "differences": ["no such function; actcli's is used"]}
            )
            continue
        diffs = []
        if var.function and var.function != decl.name:
            diffs.append(f"computes {var.function}")
        for k, v in var.defaults.items():
            mine = f" (actcli: {cell(decl.params[k].default)})" if k in decl.params else ""
            diffs.append(f"default {k}={cell(float(v))}{mine}")
        for k in var.fixed:
            fixed = f" (fixed at {cell(decl.params[k].default)})" if k in decl.params else ""
            diffs.append(f"no parameter {k}{fixed}")
        for kink, slope in var.kink_grad.items():
            mine = float(ours.grad(float(kink)))
            diffs.append(f"f'({cell(float(kink))}) = {cell(float(slope))} (actcli: {cell(mine)})")
        if var.note:
            diffs.append(var.note)
        if diffs:
            out.append({"dialect": d, "api": var.api, "differences": diffs})
    return out
