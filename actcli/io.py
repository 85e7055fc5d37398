"""Numbers in, documents out: everything actcli reads or writes, with no terminal in sight.

Reading (`read_points`), in this order of precedence:

1. numbers given as arguments (`1 -2.5 1e-3 nan inf -inf`), or `-` alone for standard input;
2. `--range START STOP` with `--num N`: `N` evenly spaced points, both ends included;
3. `--input FILE`: `.npy` (any real array, flattened), `.json` (an array of numbers, where the
   strings "NaN", "Infinity" and "-Infinity" stand for the non-finite values), anything else
   as text: numbers separated by whitespace, commas or newlines;
4. standard input, when it is not a terminal: text as above, or a JSON array.

Every number is parsed as float64, then rounded once to `--dtype` (float32 or float64).

Big inputs stream (`open_points` gives a `Source`; `Job` and `Stream` compute and write): eval,
grad and compare read, compute and write a block of points at a time (`BLOCK`, 1M points), so
memory stays flat whatever the count. `--range` makes its points a block at a time, bit for
bit those of `np.linspace`; a `.npy` file is read a block at a time into one reused buffer;
text is read `TEXT_BLOCK` (8 MB) at a time, cut after its last separator, and parsed with one
call (orjson for plain numbers, numpy for the rest). Read whole, in memory: numbers given as
arguments, JSON (a file, or standard input that starts with '['), text shorter than a block,
and a `.npy` file in Fortran order over more than one axis, or that `--output` writes over.

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
import itertools
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from actcli.core.registry import Activation
from actcli.tokens import is_number

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
    return _parse_numbers(text, source)


def _parse_numbers(text: str, source: str, lines_before: int = 0) -> np.ndarray:
    """Numbers separated by whitespace or commas, as float64; a bad one is named with its line
    (`lines_before`: the lines of the text's source that came before it)."""
    try:
        return np.array(text.replace(",", " ").split(), dtype=np.float64)
    except ValueError:
        pass
    # Only on failure: find the first bad token, and where it is, to report it.
    for lineno, line in enumerate(text.splitlines(), lines_before + 1):
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
    return open_file(path, "float64").read_all()


def linspace(start: float, stop: float, num: int) -> np.ndarray:
    """`num` evenly spaced points from `start` to `stop`, both included."""
    _check_range(start, stop, num)
    try:
        if math.isfinite(stop - start):
            return np.linspace(start, stop, num)
        # STOP - START overflows (--range -1e308 1e308): space the halves, then double.
        return np.linspace(start / 2, stop / 2, num) * 2
    except (MemoryError, ValueError):
        raise InputError(f"--num {num}: too many points to hold in memory", 2) from None


def _check_range(start: float, stop: float, num: int) -> None:
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise InputError(f"--range {start:g} {stop:g}: START and STOP must be finite", 2)
    if num < 1:
        raise InputError(f"--num {num}: give at least 1 point", 2)


def linspace_block(start: float, stop: float, num: int, lo: int, hi: int) -> np.ndarray:
    """Points lo to hi - 1 of `linspace(start, stop, num)`, computed as `np.linspace` computes
    each point (i * step + start, the last one `stop`), so the blocks are the same bits."""
    if not math.isfinite(stop - start):
        # STOP - START overflows (--range -1e308 1e308): space the halves, then double.
        return _linspace_part(start / 2, stop / 2, num, lo, hi) * 2
    return _linspace_part(start, stop, num, lo, hi)


def _linspace_part(start: float, stop: float, num: int, lo: int, hi: int) -> np.ndarray:
    # numpy 2's np.linspace, endpoint=True, restricted to the rows lo:hi.
    div = num - 1
    delta = np.subtract(np.float64(stop), np.float64(start))
    y = np.arange(lo, hi, dtype=np.float64)
    if div > 0:
        step = delta / div
        if step == 0:  # numpy's order for subnormal steps: divide first, then scale
            y /= div
            y *= delta
        else:
            y *= step
    else:
        y = y * delta
    y += np.float64(start)
    if num > 1 and hi == num and lo < hi:
        y[-1] = stop
    return y


# --- reading in blocks ------------------------------------------------------------------------

BLOCK = 1 << 20  # points per block: a few of its 8 MB arrays are all a big input holds in memory
TEXT_BLOCK = 8 << 20  # bytes of text read, then parsed with one call, at a time

Tick = Callable[[float], None]  # told the work done after each block (points, or bytes of text)


class Source:
    """Points x, block by block, in the dtype asked for.

    `size` is how many there are when that is known before reading (None for text, whose
    count is known only at its end); `work` is the progress a full pass reports to a tick
    (points, or bytes of text; None if unknown). `blocks()` may run again only if
    `replayable`. A block may be a view of a buffer that the next block reuses: use it, or
    copy it, before asking for the next.
    """

    dtype: np.dtype
    size: int | None = None
    work: float | None = None
    replayable = True
    path: Path | None = None  # the file read, if any

    def blocks(self, tick: Tick | None = None) -> Iterator[np.ndarray]:
        raise NotImplementedError

    def read_all(self) -> np.ndarray:
        """Every point in one array (in memory: for inputs known to be small, or a fallback)."""
        parts = [x.copy() for x in self.blocks()]
        return np.concatenate(parts) if parts else np.empty(0, self.dtype)


def _as(x: np.ndarray, dtype: np.dtype) -> np.ndarray:
    # float32: round once from the float64 parse; overflow to +-inf is the float32 answer.
    with np.errstate(over="ignore"):
        return x.astype(dtype, copy=False)


class ArraySource(Source):
    """Points already in memory: numbers on the command line, a JSON array, a short text."""

    def __init__(self, x: np.ndarray, dtype: Any = None) -> None:
        self.x = _as(x, np.dtype(dtype or x.dtype))
        self.dtype = self.x.dtype
        self.size = self.work = self.x.size

    def blocks(self, tick: Tick | None = None) -> Iterator[np.ndarray]:
        for start in range(0, self.x.size, BLOCK):
            block = self.x[start : start + BLOCK]
            yield block
            if tick:
                tick(block.size)

    def read_all(self) -> np.ndarray:
        return self.x


class RangeSource(Source):
    """`--range START STOP --num N`, made block by block (`linspace_block`)."""

    def __init__(self, start: float, stop: float, num: int, dtype: Any) -> None:
        _check_range(start, stop, num)
        self.start, self.stop = start, stop
        self.dtype = np.dtype(dtype)
        self.size = self.work = num

    def blocks(self, tick: Tick | None = None) -> Iterator[np.ndarray]:
        for lo in range(0, self.size, BLOCK):
            hi = min(lo + BLOCK, self.size)
            yield _as(linspace_block(self.start, self.stop, self.size, lo, hi), self.dtype)
            if tick:
                tick(hi - lo)

    def read_all(self) -> np.ndarray:
        return _as(linspace(self.start, self.stop, self.size), self.dtype)


class NpySource(Source):
    """A `.npy` file, flattened in C order: its header read once, then its data block by block
    into one reused buffer (so no more than a block of it is ever in memory)."""

    def __init__(self, path: Path, dtype: Any) -> None:
        where = f"'{path}'"
        self.path, self.dtype = path, np.dtype(dtype)
        try:
            with open(path, "rb") as f:
                fmt = np.lib.format
                headers = {(1, 0): fmt.read_array_header_1_0, (2, 0): fmt.read_array_header_2_0}
                try:
                    version = fmt.read_magic(f)
                    if version not in headers:
                        raise ValueError(f"unsupported .npy version {version[0]}.{version[1]}")
                    shape, fortran, self.file_dtype = headers[version](f)
                except ValueError as e:
                    raise InputError(f"{where} is not a numeric .npy array ({e})") from None
                self.offset = f.tell()
                length = os.fstat(f.fileno()).st_size
        except OSError as e:
            raise InputError(f"cannot read {where}: {e.strerror or e}") from None
        if self.file_dtype.kind not in "biuf":
            raise InputError(f"{where} holds {self.file_dtype} values, not real numbers")
        self.size = self.work = math.prod(shape)
        if length < self.offset + self.size * self.file_dtype.itemsize:
            raise InputError(
                f"{where} is cut short: its header promises {self.size} values of "
                f"{self.file_dtype}, and the file ends before them"
            )
        # Fortran order of more than one axis: the file's order is not the C order we give.
        self.in_memory = fortran and sum(d > 1 for d in shape) > 1

    def blocks(self, tick: Tick | None = None) -> Iterator[np.ndarray]:
        if self.in_memory:
            yield from ArraySource(self.read_all()).blocks(tick)
            return
        item = self.file_dtype.itemsize
        buf = np.empty(min(BLOCK, self.size) * item, dtype=np.uint8)
        # float32 in float32 and float64 in float64 are given as read; the rest go through
        # float64 as np.load(...).astype(np.float64) would, then round once to the dtype.
        direct = self.file_dtype == self.dtype
        try:
            f = open(self.path, "rb", buffering=0)
        except OSError as e:
            raise InputError(f"cannot read '{self.path}': {e.strerror or e}") from None
        with f:
            f.seek(self.offset)
            for lo in range(0, self.size, BLOCK):
                n = min(BLOCK, self.size - lo)
                view = memoryview(buf)[: n * item]
                got = 0
                while got < len(view):
                    try:
                        k = f.readinto(view[got:])
                    except OSError as e:
                        raise InputError(f"cannot read '{self.path}': {e.strerror or e}") from None
                    if not k:
                        raise InputError(f"'{self.path}' ended early: it was cut short")
                    got += k
                x = buf[: n * item].view(self.file_dtype)
                yield x if direct else _as(x.astype(np.float64), self.dtype)
                if tick:
                    tick(n)

    def read_all(self) -> np.ndarray:
        if not self.in_memory:
            return super().read_all()
        arr = np.load(self.path, allow_pickle=False)
        return _as(arr.astype(np.float64).reshape(-1), self.dtype)


_SEPARATORS = b" \t\n\r\x0b\x0c,"
_NUMBER_BYTES = b"0123456789.eE+-" + _SEPARATORS  # all that a block of plain numbers holds
_NEGATIVE_ZERO = re.compile(rb"-0(?![0-9.eE])")  # the integer -0, which JSON reads as 0


def _plain_numbers(data: bytes) -> np.ndarray | None:
    """The numbers in `data` read by orjson as one JSON array, when `data` holds nothing but
    numbers that JSON reads as Python's float() does; None for anything else (nan, inf, .5,
    +3, the integer -0, a bad token), which `_parse_numbers` then reads or reports."""
    if len(data) < FAST_MIN or data.translate(None, _NUMBER_BYTES):
        return None
    body = data.strip(_SEPARATORS)
    if not body:
        return np.empty(0)
    orjson = _orjson()
    if orjson is None:
        return None
    try:  # one number a line, or commas and newlines (CSV): a newline is then a comma
        values = orjson.loads(b"[" + body.replace(b"\n", b",") + b"]")
    except orjson.JSONDecodeError:
        try:  # any other mix of spaces, tabs, commas and newlines
            values = orjson.loads(b"[" + b",".join(body.replace(b",", b" ").split()) + b"]")
        except orjson.JSONDecodeError:  # not JSON numbers, or out of float64's range
            return None
    x = np.array(values, dtype=np.float64)
    if not x.all() and _NEGATIVE_ZERO.search(body):  # look for -0 only where a 0 was read
        return None
    return x


def _last_separator(data: bytes) -> int:
    """The index of the last separator byte in `data`, or -1 if it has none."""
    start = max(0, len(data) - 256)
    while True:
        at = max(data.rfind(bytes([s]), start) for s in _SEPARATORS)
        if at >= 0 or start == 0:
            return at
        start = 0


def _text_blocks(chunks: Iterable[bytes], where: str) -> Iterator[tuple[np.ndarray, int]]:
    """(float64 numbers, bytes read) per chunk of text, each cut after its last separator so
    that no number is split; plain numbers are read by orjson, the rest by numpy."""
    carry, lines = b"", 0
    for chunk in itertools.chain(chunks, [b""]):
        data = carry + chunk
        if chunk:
            cut = _last_separator(data) + 1
            data, carry = data[:cut], data[cut:]
        if not data:
            continue
        x = _plain_numbers(data)
        if x is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(
                    f"{where} is not a UTF-8 text file; give text, .json or .npy"
                ) from None
            x = _parse_numbers(text, where, lines)
        lines += data.count(b"\n")
        yield x, len(data)


class TextSource(Source):
    """Numbers in text too long for one block, parsed block by block as they are read."""

    replayable = False

    def __init__(
        self, first: list[tuple[np.ndarray, int]], rest: Iterator[tuple[np.ndarray, int]],
        dtype: Any, where: str, length: int | None, path: Path | None,
    ) -> None:  # fmt: skip
        self.first, self.rest = first, rest
        self.dtype = np.dtype(dtype)
        self.where, self.work, self.path = where, length, path

    def blocks(self, tick: Tick | None = None) -> Iterator[np.ndarray]:
        if self.rest is None:
            raise RuntimeError("a text stream is read once")  # pragma: no cover
        parts, self.rest = itertools.chain(self.first, self.rest), None
        count = 0
        while True:
            try:
                x, nbytes = next(parts)
            except StopIteration:
                break
            except OSError as e:
                raise InputError(f"cannot read {self.where}: {e.strerror or e}") from None
            if x.size:
                count += x.size
                yield _as(x, self.dtype)
            if tick:
                tick(nbytes)
        self.size = count


def _open_text(
    stream: IO[bytes], where: str, dtype: Any, length: int | None, path: Path | None = None
) -> Source:
    """Text or a JSON array from a byte stream: in memory if it fits in a block (or is JSON,
    which is read whole), else a TextSource, whose first block is read at once."""
    head = stream.read(TEXT_BLOCK)
    if head.lstrip()[:1] == b"[":
        data = head + stream.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{where} is not a UTF-8 text file; give text, .json or .npy") from None
        return ArraySource(parse_json(text, where), dtype)
    if len(head) < TEXT_BLOCK:  # all of it
        parts = [x for x, _ in _text_blocks([head], where)]
        return ArraySource(np.concatenate(parts) if parts else np.empty(0), dtype)
    chunks = itertools.chain([head], iter(lambda: stream.read(TEXT_BLOCK), b""))
    blocks = _text_blocks(chunks, where)
    return TextSource(list(itertools.islice(blocks, 1)), blocks, dtype, where, length, path)


def open_file(path: Path, dtype: Any) -> Source:
    """Numbers from `.npy`, `.json` or text (`.txt`, `.csv`, anything else)."""
    where = f"'{path}'"
    if path.suffix.lower() == ".npy":
        return NpySource(path, dtype)
    try:
        f = open(path, "rb")
    except OSError as e:
        raise InputError(f"cannot read {where}: {e.strerror or e}") from None
    try:
        if path.suffix.lower() == ".json":
            try:
                text = f.read().decode("utf-8")
            except UnicodeDecodeError:
                raise InputError(
                    f"{where} is not a UTF-8 text file; give text, .json or .npy"
                ) from None
            return ArraySource(parse_json(text, where), dtype)
        try:
            length = os.fstat(f.fileno()).st_size
        except OSError:
            length = None
        source = _open_text(f, where, dtype, length, path)
    except OSError as e:
        f.close()
        raise InputError(f"cannot read {where}: {e.strerror or e}") from None
    except BaseException:
        f.close()
        raise
    if not isinstance(source, TextSource):
        f.close()
    return source


def open_points(
    tokens: Sequence[str],
    *,
    span: tuple[float, float] | None,
    num: int,
    path: Path | None,
    stdin: IO[str] | None,
    dtype: str,
) -> Source:
    """The points x, from the first source given (see the module docstring), in `dtype`."""
    if dtype not in DTYPES:
        raise InputError(f"--dtype {dtype}: use float32 or float64", 2)
    want_stdin = "-" in tokens or (path is not None and str(path) == "-")
    numbers = [t for t in tokens if t != "-"]
    if "-" in tokens and numbers:
        raise InputError("give numbers as arguments or '-' for standard input, not both", 2)
    if numbers:
        return ArraySource(parse_args(numbers), dtype)
    if span is not None:
        return RangeSource(span[0], span[1], num, dtype)
    if path is not None and not want_stdin:
        source = open_file(path, dtype)
        if source.size == 0:
            raise InputError(f"'{path}' holds no numbers; {HOW_TO_GIVE}")
        return source
    if stdin is not None and (want_stdin or not _isatty(stdin)):
        binary = getattr(stdin, "buffer", None)
        if binary is None:  # a text stream only (a test's): read it whole
            source: Source = ArraySource(parse_text(stdin.read(), "standard input"), dtype)
        else:
            source = _open_text(binary, "standard input", dtype, None)
        if source.size == 0:
            raise InputError(f"no numbers on standard input; {HOW_TO_GIVE}", 2)
        return source
    raise InputError(f"no numbers given; {HOW_TO_GIVE}", 2)


def read_points(
    tokens: Sequence[str],
    *,
    span: tuple[float, float] | None,
    num: int,
    path: Path | None,
    stdin: IO[str] | None,
    dtype: str,
) -> np.ndarray:
    """`open_points`, read whole into one array."""
    return open_points(
        tokens, span=span, num=num, path=path, stdin=stdin, dtype=dtype
    ).read_all()


def _isatty(stream: Any) -> bool:
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
    out: dict[int, np.ndarray] | None = None,
) -> Series:
    """f and its derivatives of the given orders at x, keyed as in VALUE_KEYS.

    `threads` goes to the kernels (None: every core); `out` maps an order to an array of x's
    shape and dtype to write it into. `kink_math` adds the subgradient
    interval for "dydx" (`Activation.subgradient`), in the dtype of x. With no points, no
    kernel runs: the series is the columns' names and empty arrays (a writer's template).
    """
    if not x.size:
        empty = np.empty(0, x.dtype)
        cols = tuple((VALUE_KEYS[k], empty) for k in orders)
        return Series(
            act.name, dict(act.params), label, cols, getattr(act, "dialect", None),
            subgradient=(empty, empty) if kink_math else None,
        )  # fmt: skip
    out = out or {}
    cols = tuple(
        (VALUE_KEYS[k], act.derivative(x, k, threads=threads, out=out.get(k))) for k in orders
    )
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


def _single_head(p: Points, s: Any) -> list[str]:
    """The members before "x" in eval's and grad's JSON: function, params, dialect, dtype,
    and for grad its order and kink rule."""
    parts = [f'"function": {_dumps(s.function)}', f'"params": {_dumps(s.params)}']
    if s.dialect is not None:
        parts.append(f'"dialect": {_dumps(s.dialect)}')
    parts.append(f'"dtype": {_dumps(p.dtype)}')
    if p.command == "grad":
        parts.append(f'"order": {p.order}')
        if s.subgradient is not None:
            parts.append('"kink": "math"')
    return parts


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
        parts = _single_head(p, s)
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


def _csv_line(cells: Sequence[Any]) -> str:
    buf = _stdio.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def points_csv(p: Points) -> Iterator[str]:
    """A header line, then one row per point."""
    yield _csv_line(points_header(p))
    yield from _csv_rows(p)


def points_tsv(p: Points) -> Iterator[str]:
    """`x<TAB>y` lines, no header (compare: x, then each function's columns in order)."""
    yield from _tsv_rows(p)


def points_npy(p: Points, path: Path) -> None:
    """A 2-D array in the result dtype; its columns are those of `points_header`."""
    arrays = [p.x] + [v for s in p.series for _, v in s.columns]
    np.save(path, np.column_stack(arrays), allow_pickle=False)


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
Slot = tuple[int, str]  # (index of a series, column key): one array of a JSON document
X_SLOT = (-1, "x")  # the slot of x


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


def _rows(p: Points, fmt: str) -> Iterator[bytes]:
    """The rows of `p` as "tsv", "csv" or "jsonl" (without the CSV header), as bytes."""
    reference = {"tsv": _tsv_rows, "csv": _csv_rows, "jsonl": _jsonl_rows}[fmt]
    cols = [p.x] + [v for s in p.series for _, v in s.columns]
    orjson = _fast(p.x.size * len(cols), p.x.dtype)
    # JSONL is fast for one column beside x (eval, grad); compare's objects take the reference.
    if orjson is None or (fmt == "jsonl" and (p.command == "compare" or len(cols) != 2)):
        for text in reference(p):
            yield text.encode()
        return
    if fmt == "jsonl":
        key = _dumps(p.series[0].columns[0][0]).encode()
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
        out += ["{" + f'"dtype": {_dumps(p.dtype)}, "x": ', X_SLOT, ', "functions": [']
        for i, s in enumerate(p.series):
            head = f'"function": {_dumps(s.function)}, "params": {_dumps(s.params)}'
            if s.dialect is not None:
                head += f', "dialect": {_dumps(s.dialect)}'
            out.append((", {" if i else "{") + head)
            for k, _ in s.columns:
                out += [f", {_dumps(k)}: ", (i, k)]
            out.append("}")
        out.append("]}\n")
        return out
    (s,) = p.series
    parts = _single_head(p, s)
    out += ["{" + ", ".join(parts) + ', "x": ', X_SLOT]
    for k, _ in s.columns:
        out += [f", {_dumps(k)}: ", (0, k)]
    out.append("}\n")
    return out


@dataclass(frozen=True)
class Job:
    """What eval, grad or compare computes: each function (with its label) at the orders."""

    command: str  # "eval", "grad" or "compare"
    functions: tuple[tuple[Any, str], ...]  # (Activation or Expression, label)
    orders: tuple[int, ...]
    order: int | None = None  # grad's
    threads: int | None = None
    kink_math: bool = False

    def points(
        self, x: np.ndarray, slot: Slot | None = None, buffers: dict[Any, np.ndarray] | None = None
    ) -> Points:
        """The results at x: every column, or only that of `slot` (X_SLOT: none). With
        `buffers`, the results are written into arrays kept there from one block to the next
        (fresh memory costs a page fault per 4 KB: about as much as relu itself)."""
        out = []
        for i, (act, label) in enumerate(self.functions):
            orders = [k for k in self.orders if slot is None or slot == (i, VALUE_KEYS[k])]
            into = None
            if buffers is not None and x.size:
                into = {k: _buffer(buffers, (i, k), x.size, x.dtype) for k in orders}
            kink = self.kink_math and 1 in orders
            s = series(act, x, orders, label, threads=self.threads, kink_math=kink, out=into)
            out.append(s)
        return Points(self.command, x, out, order=self.order)

    @property
    def slots(self) -> list[Slot]:
        columns = [(i, VALUE_KEYS[k]) for i in range(len(self.functions)) for k in self.orders]
        return [X_SLOT, *columns]


def _buffer(buffers: dict[Any, np.ndarray], key: Any, n: int, dtype: np.dtype) -> np.ndarray:
    """`n` elements of the array kept as `buffers[key]`, made (or made larger) if need be."""
    buf = buffers.get(key)
    if buf is None or buf.size < n or buf.dtype != dtype:
        buf = buffers[key] = np.empty(max(n, BLOCK), dtype)
    return buf[:n]


class Stream:
    """Points block by block: a Job over a Source, or Points already computed. A block's
    arrays may be reused by the next: write a block out before asking for the next."""

    def __init__(self, template: Points, blocks: Callable[[Slot | None], Iterator[Points]]):
        self.template = template  # the columns, at no points
        self.blocks = blocks  # blocks(None): every column; blocks(slot): that one at least

    @classmethod
    def of(cls, job: Job, source: Source, tick: Tick | None = None) -> Stream:
        """`job` computed a block of `source` at a time; `tick` hears of each block read."""
        template = job.points(np.empty(0, source.dtype))
        buffers: dict[Any, np.ndarray] = {}

        def blocks(slot: Slot | None) -> Iterator[Points]:
            for x in source.blocks(tick):
                yield job.points(x, slot, buffers)

        return cls(template, blocks)

    @classmethod
    def of_points(cls, p: Points) -> Stream:
        """Points already computed, in blocks of BLOCK (views: nothing is copied)."""

        def blocks(slot: Slot | None) -> Iterator[Points]:
            for lo in range(0, p.x.size, BLOCK):
                yield _slice(p, lo, lo + BLOCK)

        return cls(_slice(p, 0, 0), blocks)


def _slice(p: Points, lo: int, hi: int) -> Points:
    cut = [
        Series(
            s.function, s.params, s.label, tuple((k, v[lo:hi]) for k, v in s.columns), s.dialect,
            None if s.subgradient is None else (s.subgradient[0][lo:hi], s.subgradient[1][lo:hi]),
        )
        for s in p.series
    ]  # fmt: skip
    return Points(p.command, p.x[lo:hi], cut, order=p.order)


def passes(fmt: str, job: Job) -> int:
    """How often a writer reads its input: a JSON document once per array, the rest once."""
    return len(job.slots) if fmt == "json" else 1


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
    yield _csv_line(points_header(st.template)).encode()
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

    def header(n: int) -> bytes:
        buf = _stdio.BytesIO()
        d = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": (n, k)}
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
            rows = _buffer(buffers, i % 2, m * k, dtype).reshape(m, k)
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


class Spooled(Source):
    """A source read once (text), kept as raw values in an unnamed temporary file so that a
    JSON document can read it again for each of its arrays."""

    def __init__(self, source: Source) -> None:
        self.source, self.dtype, self.work = source, source.dtype, source.work
        self.file: IO[bytes] | None = None

    def blocks(self, tick: Tick | None = None) -> Iterator[np.ndarray]:
        import tempfile

        if self.file is None:
            self.file = tempfile.TemporaryFile()
            for x in self.source.blocks(tick):
                self.file.write(x.data)
                yield x
            self.size = self.source.size
            return
        assert self.size is not None
        self.file.seek(0)
        item = self.dtype.itemsize
        buf = np.empty(min(BLOCK, self.size) * item, dtype=np.uint8)
        per_point = (self.work or 0) / max(self.size, 1)  # progress as bytes of the text
        for lo in range(0, self.size, BLOCK):
            n = min(BLOCK, self.size - lo)
            view = memoryview(buf)[: n * item]
            got = 0
            while got < len(view):
                got += self.file.readinto(view[got:]) or 0
            yield buf[: n * item].view(self.dtype)
            if tick:
                tick(n * per_point)


def head(source: Source, limit: int) -> tuple[np.ndarray, int]:
    """The first `limit` points (a copy) and how many points there are in all (which, for
    text, means reading it all)."""
    kept: list[np.ndarray] = []
    have = count = 0
    for x in source.blocks():
        if have < limit:
            kept.append(x[: limit - have].copy())
            have += kept[-1].size
        count += x.size
        if have >= limit and source.size is not None:
            count = source.size
            break
    return (np.concatenate(kept) if kept else np.empty(0, source.dtype)), count


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
