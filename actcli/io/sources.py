"""Numbers in: points given as arguments, a --range, a file or standard input, as `Source`s that
give them a block at a time (`open_points`), and the errors a user can cause (`InputError`).

Where the points come from (`open_points`): one of

1. numbers given as arguments (`1 -2.5 1e-3 nan inf -inf`), or `-` alone for standard input;
2. `--range START STOP` with `--num N`: `N` evenly spaced points, both ends included;
3. `--input FILE`: `.npy` (a list of numbers), `.json` (an array of numbers, where the
   strings "NaN", "Infinity" and "-Infinity" stand for the non-finite values), anything else
   as text: numbers separated by whitespace, commas or newlines;
4. a table: actcli's own outputs (TSV, CSV, JSON, JSONL, .npy) and others like them, whose x
   column, or the one `--column` names, is read (`actcli.io.columns`);

and two of them is a usage error; with none, standard input when it is not a terminal (text,
a JSON array or a table, as above). Exit codes: 2 for the command line, 1 for what was read.

Every number is parsed as float64, then rounded once to `--dtype` (float16, bfloat16, float32
or float64); a decimal that float64 rounds onto a tie of float16 or bfloat16 is settled from its
text (`formats.from_decimal`: arguments, text, tables, JSON, JSON lines), so text is rounded
once to those too.
"""

from __future__ import annotations

import io as _stdio
import itertools
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from actcli.core import formats
from actcli.io import columns
from actcli.io.errors import InputError
from actcli.io.errors import InputWarning as InputWarning  # where callers have found it
from actcli.io.numbers import (
    check_text,
    column_numbers,
    decode,
    is_json_number,
    json_numbers,
    last_separator,
    loads_json,
    parse_args,
    parse_json,
    parse_numbers,
    plain_numbers,
    warn,
)
from actcli.io.precision import DTYPES as DTYPES
from actcli.io.precision import json_tokens, resolve_dtype, tokens_of
from actcli.tokens import is_number

HOW_TO_GIVE = (
    "give points as arguments (-2 0 3), with --range START STOP, with --input FILE, "
    "or on standard input"
)


# --- reading -------------------------------------------------------------------------------


def parse_text(text: str, source: str, column: str | None = None) -> np.ndarray:
    """Numbers separated by whitespace, commas or newlines, a JSON array, or a table's column
    (`columns`), as float64."""
    return _open_text(_stdio.BytesIO(text.encode()), source, "float64", None, None, column).read_all()


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


def _as(x: np.ndarray, dtype: np.dtype, tokens: Callable[[], Any] | None = None) -> np.ndarray:
    # float32: round once from the float64 parse; overflow to +-inf is the float32 answer,
    # said once in a warning (as is a number that rounds to 0). 16-bit formats: the same, and
    # a tie made by the float64 parse is settled from the text, `tokens()`, if there is one.
    if formats.is_half(dtype) and x.dtype != dtype:
        y = formats.from_decimal(x, dtype, tokens)
    else:
        with np.errstate(over="ignore"):
            y = x.astype(dtype, copy=False)
    if y.dtype.itemsize < x.dtype.itemsize:
        name = y.dtype.name
        if np.any(np.isinf(y) & np.isfinite(x)):
            warn(f"numbers beyond {name}'s range are read as inf or -inf; --dtype float64 keeps them")
        if np.any((y == 0) & (x != 0)):
            warn(f"numbers nearer 0 than {name}'s smallest are read as 0; --dtype float64 keeps them")
    return y


class ArraySource(Source):
    """Points already in memory: numbers on the command line, a JSON array, a short text."""

    def __init__(self, x: np.ndarray, dtype: Any = None, tokens: Any = None) -> None:
        # tokens: if x was read from text, a callable that gives the text of each number
        self.x = _as(x, resolve_dtype(dtype) if dtype else x.dtype, tokens)
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
        self.dtype = resolve_dtype(dtype)
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
    """A `.npy` file: a list of numbers (flattened in C order), the field x (or `column`) of
    actcli's own records, or `column` of a 2-D array (`columns.npy_column`); its header read
    once, then its data block by block into one reused buffer (never more than a block of it
    in memory)."""

    def __init__(self, path: Path, dtype: Any, column: str | None = None) -> None:
        where = f"'{path}'"
        self.path, self.dtype = path, resolve_dtype(dtype)
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
        if self.file_dtype.kind not in "biuf" and not self.file_dtype.names:
            raise InputError(f"{where} holds {self.file_dtype} values, not real numbers")
        self.width, self.pick = columns.npy_column(shape, self.file_dtype, column, where)
        self.size = self.work = math.prod(shape) // self.width
        if length < self.offset + math.prod(shape) * self.file_dtype.itemsize:
            raise InputError(
                f"{where} is cut short: its header promises {math.prod(shape)} values of "
                f"{self.file_dtype}, and the file ends before them"
            )
        # Fortran order: a column is one run of the file. (A list of more than one long axis
        # would not be in C order, but columns.npy_column refuses it without --column.)
        if fortran and isinstance(self.pick, int):
            self.offset += self.pick * self.size * self.file_dtype.itemsize
            self.width, self.pick = 1, None

    def blocks(self, tick: Tick | None = None) -> Iterator[np.ndarray]:
        item = self.file_dtype.itemsize * self.width
        buf = np.empty(min(BLOCK, self.size) * item, dtype=np.uint8)
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
                if isinstance(self.pick, str):
                    x = x[self.pick]
                elif self.pick is not None:
                    x = x.reshape(n, self.width)[:, self.pick]
                # float32 in float32 and float64 in float64 are given as read; the rest go
                # through float64 as np.load(...).astype(np.float64) would, then round once.
                if x.dtype == self.dtype:
                    yield np.ascontiguousarray(x)
                else:
                    yield _as(x.astype(np.float64), self.dtype)
                if tick:
                    tick(n)


def _text_blocks(
    chunks: Iterable[bytes], where: str, table: columns.TextTable | None = None, lines: int = 0
) -> Iterator[tuple[np.ndarray, int, Callable[[], list[Any]]]]:
    """(float64 numbers, bytes read, a callable giving their text) per chunk of text, each cut
    after its last separator so that no number is split (after its last line, for a `table`'s
    column); plain numbers are read by orjson, the rest by numpy. `lines`: the lines read
    before the first chunk."""
    carry, after = b"", b"\n"
    for chunk in itertools.chain(chunks, [b""]):
        data = carry + chunk
        if chunk:
            cut = (data.rfind(b"\n") if table else last_separator(data)) + 1
            data, carry = data[:cut], data[cut:]
        if not data:
            continue
        if table is not None:
            text, rows = table.cut(data, lines)
            x = column_numbers(text, rows, table)
            check_text(text, x, where, 0)
        else:
            x = plain_numbers(data)
            if x is None:
                x = parse_numbers(decode(data, where), where, lines)
            check_text(data, x, where, lines, after)
            after = data.rstrip(b" \t")[-1:] or after
            text = data
        lines += data.count(b"\n")
        yield x, len(data), lambda text=text: tokens_of(text)  # the numbers' text, for ties


class TextSource(Source):
    """Numbers in text too long for one block, parsed block by block as they are read."""

    replayable = False

    def __init__(
        self, first: list[tuple[np.ndarray, int, Any]], rest: Iterator[tuple[np.ndarray, int, Any]],
        dtype: Any, where: str, length: int | None, path: Path | None,
    ) -> None:  # fmt: skip
        self.first, self.rest = first, rest
        self.dtype = resolve_dtype(dtype)
        self.where, self.work, self.path = where, length, path

    def blocks(self, tick: Tick | None = None) -> Iterator[np.ndarray]:
        if self.rest is None:
            raise RuntimeError("a text stream is read once")  # pragma: no cover
        parts, self.rest = itertools.chain(self.first, self.rest), None
        count = 0
        while True:
            try:
                x, nbytes, text = next(parts)
            except StopIteration:
                break
            except OSError as e:
                raise InputError(f"cannot read {self.where}: {e.strerror or e}") from None
            if x.size:
                count += x.size
                yield _as(x, self.dtype, text)
            if tick:
                tick(nbytes)
        self.size = count


_BOM = b"\xef\xbb\xbf"


def _open_text(
    stream: IO[bytes],
    where: str,
    dtype: Any,
    length: int | None,
    path: Path | None = None,
    column: str | None = None,
) -> Source:
    """Text, a JSON array or document, JSON lines, or a table's column (`columns`) from a byte
    stream: in memory if it fits in a block (or is JSON, which is read whole), else a
    TextSource, whose first block is read at once."""
    head = stream.read(TEXT_BLOCK)
    if head.startswith(_BOM):  # a spreadsheet's UTF-8 byte-order mark is not text
        head = head[len(_BOM) :] + stream.read(len(_BOM))
    start = head.lstrip()[:1]
    if start in (b"[", b"{"):
        first = head.lstrip().split(b"\n", 1)[0]
        if start == b"[" or not _json_lines(first):
            text = decode(head + stream.read(), where)
            return ArraySource(parse_json(text, where, column), dtype, lambda: json_tokens(text, column, where))
        return _open_json_lines(head, stream, where, dtype, length, path, column)
    blank = len(head) - len(head.lstrip(b" \t\r\n"))
    lines = head.count(b"\n", 0, blank)
    first = head[blank:].split(b"\n", 1)[0]
    table, skip = None, blank  # the blank lines in front are counted in `lines`
    named = columns.header(first)
    if named is not None:
        sep, names = named
        j = columns.choose(names, len(names), column, where)
        table = columns.TextTable(sep, len(names), j, names[j], where)
        skip, lines = blank + len(first) + 1, lines + 1
    elif columns.tab_width(first):
        width = columns.tab_width(first) or 0
        j = columns.choose(None, width, column, where)
        table = columns.TextTable(b"\t", width, j, str(j + 1), where)
    else:
        columns.no_columns(column, where)
    head = head[skip:]
    if len(head) < TEXT_BLOCK - skip:  # all of it
        parts = list(_text_blocks([head], where, table, lines))
        x = np.concatenate([p[0] for p in parts]) if parts else np.empty(0)
        return ArraySource(x, dtype, lambda: [t for p in parts for t in p[2]()])
    chunks = itertools.chain([head], iter(lambda: stream.read(TEXT_BLOCK), b""))
    blocks = _text_blocks(chunks, where, table, lines)
    return TextSource(list(itertools.islice(blocks, 1)), blocks, dtype, where, length, path)


def _json_lines(first: bytes) -> bool:
    """Whether a text whose first line is `first` is JSON lines: that line is a whole object
    whose x is a number (a document's x is an array), or, without x, whose values are not
    arrays (a point of grad --kink math has an interval)."""
    try:
        obj = json.loads(first)
    except ValueError:
        return False
    if not isinstance(obj, dict):
        return False
    if "x" in obj:
        return not isinstance(obj["x"], list)
    return not any(isinstance(v, list) for v in obj.values())


def _open_json_lines(
    head: bytes, stream: IO[bytes], where: str, dtype: Any, length: int | None,
    path: Path | None, column: str | None,
) -> Source:  # fmt: skip
    """JSON lines: one object a line (actcli's --jsonl), its x (or `column`) read."""
    first = json.loads(head.lstrip().split(b"\n", 1)[0])
    keys = columns.record_names(first, where, 1)
    names = [columns.record_name(k) for k in keys]
    key = keys[columns.choose(names, len(names), column, where)]

    def blocks() -> Iterator[tuple[np.ndarray, int, Callable[[], list[Any]]]]:
        import orjson

        carry, lines = b"", 0
        chunks = itertools.chain([head], iter(lambda: stream.read(TEXT_BLOCK), b""), [b""])
        for chunk in chunks:
            data = carry + chunk
            if chunk:
                cut = data.rfind(b"\n") + 1
                data, carry = data[:cut], data[cut:]
            if not data.strip():
                lines += data.count(b"\n")
                continue
            body = re.sub(rb"\n\s*(?=\n|$)", b"", data.strip())  # blank lines
            array = b"[" + body.replace(b"\n", b",") + b"]"
            try:
                records = orjson.loads(array)
            except orjson.JSONDecodeError:
                records = None
            if records is None or _has_zero(records, key):
                # json reads 1e400 as inf (orjson refuses it) and says where 1e-400 became 0
                records = _json_records(array, data, lines, where)
            filled = [i for i, line in enumerate(data.split(b"\n"), lines + 1) if line.strip()]
            values = columns.record_values(records, key, where, filled)
            try:
                x = json_numbers(values, where)
            except InputError:  # name the line of the first value that is not a number
                bad = next(i for i, v in enumerate(values) if not is_json_number(v))
                raise InputError(
                    f"{where}, line {filled[bad]}: {columns.record_name(key)} is "
                    f"{json.dumps(values[bad])[:30]}, not a number"
                ) from None
            yield x, len(data), lambda data=data, filled=filled: _line_tokens(data, key, where, filled)
            lines += data.count(b"\n")

    parts = blocks()
    if len(head) < TEXT_BLOCK:
        got = list(parts)
        x = np.concatenate([p[0] for p in got]) if got else np.empty(0)
        return ArraySource(x, dtype, lambda: [t for p in got for t in p[2]()])
    return TextSource(list(itertools.islice(parts, 1)), parts, dtype, where, length, path)


def _has_zero(records: list[Any], key: Any) -> bool:
    outer, inner = key
    try:
        return any(v == 0 for v in (r[outer] if inner is None else r[outer][inner] for r in records))
    except (KeyError, TypeError):
        return True  # named with its line by columns.record_values


def _json_records(array: bytes, data: bytes, lines: int, where: str) -> list[Any]:
    """The objects of JSON lines read by the json module (numbers beyond float64 as inf, with
    the warning an array gets; nearer 0 than its smallest, a warning), or the first bad line."""
    try:
        records, underflows = loads_json(array)
    except ValueError:
        for i, line in enumerate(data.split(b"\n"), lines + 1):
            try:
                line.strip() and json.loads(line)
            except ValueError as e:
                raise InputError(f"{where}, line {i}: not a JSON object ({e})") from None
        raise AssertionError("unreachable") from None  # pragma: no cover
    if underflows:
        warn(f"{where}: numbers nearer 0 than float64's smallest are read as 0")
    return records


def _line_tokens(data: bytes, key: Any, where: str, filled: list[int]) -> list[Any]:
    """The text of each number of a block of JSON lines' column `key` (to settle a tie)."""
    records = [json.loads(line, parse_float=str, parse_int=str) for line in data.split(b"\n") if line.strip()]
    return columns.record_values(records, key, where, filled)


def open_file(path: Path, dtype: Any, column: str | None = None) -> Source:
    """Numbers from `.npy`, `.json` or text (`.txt`, `.csv`, `.jsonl`, anything else), or the
    x column (or `column`) of a table (`columns`)."""
    where = f"'{path}'"
    if path.suffix.lower() == ".npy":
        return NpySource(path, dtype, column)
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
            return ArraySource(parse_json(text, where, column), dtype, lambda: json_tokens(text, column, where))
        try:
            length = os.fstat(f.fileno()).st_size
        except OSError:
            length = None
        source = _open_text(f, where, dtype, length, path, column)
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
    column: str | None = None,
) -> Source:
    """The points x, from the first source given (see the module docstring), in `dtype`;
    from a table (a file or standard input), its x column or `column`."""
    resolve_dtype(dtype)
    want_stdin = "-" in tokens or (path is not None and str(path) == "-")
    numbers = [t for t in tokens if t != "-"]
    given = [
        name
        for name, on in (
            ("numbers as arguments", numbers),
            ("'-' (standard input)", want_stdin),
            ("--range", span is not None),
            ("--input FILE", path is not None and str(path) != "-"),
        )
        if on
    ]
    if len(given) > 1:
        raise InputError(
            f"points come from one place: {' and '.join(given)} are given; keep one", 2
        )
    if column is not None and (numbers or span is not None):
        raise InputError(
            f"--column {column} picks a column of --input FILE or standard input, not of "
            f"{given[0]}", 2,
        )
    if numbers:
        return ArraySource(parse_args(numbers), dtype, lambda: numbers)
    if span is not None:
        return RangeSource(span[0], span[1], num, dtype)
    if path is not None and not want_stdin:
        source = open_file(path, dtype, column)
        if source.size == 0:
            raise InputError(f"'{path}' holds no numbers; {HOW_TO_GIVE}")
        return source
    if stdin is not None and (want_stdin or not isatty(stdin)):
        binary = getattr(stdin, "buffer", None)
        if binary is None:  # a text stream only (a test's)
            binary = _stdio.BytesIO(stdin.read().encode())
        source = _open_text(binary, "standard input", dtype, None, None, column)
        if source.size == 0:
            raise InputError(f"no numbers on standard input; {HOW_TO_GIVE}")
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
    column: str | None = None,
) -> np.ndarray:
    """`open_points`, read whole into one array."""
    return open_points(
        tokens, span=span, num=num, path=path, stdin=stdin, dtype=dtype, column=column
    ).read_all()


def isatty(stream: Any) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a file
        return False


def split_specs(tokens: Sequence[str]) -> tuple[list[str], list[str]]:
    """compare's arguments: tokens that read as numbers (and '-') are points, the rest specs."""
    specs = [t for t in tokens if t != "-" and not is_number(t)]
    points = [t for t in tokens if t == "-" or is_number(t)]
    return specs, points


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
                self.file.write(x.view(np.uint8).data)  # bytes: bfloat16 has no buffer type
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
