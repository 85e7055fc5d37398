"""Numbers in: points given as arguments, a --range, a file or standard input, as `Source`s that
give them a block at a time (`open_points`), and the errors a user can cause (`InputError`).

Where the points come from (`open_points`): one of

1. numbers given as arguments (`1 -2.5 1e-3 nan inf -inf`), or `-` alone for standard input;
2. `--range START STOP` with `--num N`: `N` evenly spaced points, both ends included;
3. `--input FILE`: `.npy` (any real array, flattened), `.json` (an array of numbers, where the
   strings "NaN", "Infinity" and "-Infinity" stand for the non-finite values), anything else
   as text: numbers separated by whitespace, commas or newlines;

and two of them is a usage error; with none, standard input when it is not a terminal (text
as above, or a JSON array). Exit codes: 2 for the command line, 1 for what was read.

Every number is parsed as float64, then rounded once to `--dtype` (float16, bfloat16, float32
or float64); a decimal that float64 rounds onto a tie of float16 or bfloat16 is settled from its
text (`formats.from_decimal`), so text is rounded once to those too.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from actcli.core import formats
from actcli.io.precision import DTYPES, json_tokens, text_tokens, tokens_of
from actcli.tokens import is_number

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


class InputWarning(UserWarning):
    """A number that does not survive reading as written: beyond the dtype's range (read as
    inf or -inf), or nearer 0 than its smallest subnormal (read as 0)."""


_INF_WORDS = re.compile(rb"(?i)inf")  # inf, Infinity: once each
_ZERO_TOKENS = re.compile(rb"(?<![^\s,])[-+]?(?:0+\.?0*|\.0+)(?:[eE][-+]?[0-9]+)?(?![^\s,])")
# Two commas with only spaces between, or a line that starts with one; a comma that ends a
# line is a separator before the newline, as in a hand-written "1, 2,".
_EMPTY_FIELD = re.compile(rb"(?m)^[ \t]*,|,[ \t]*(?=,)")


def _warn(text: str) -> None:
    warnings.warn(InputWarning(text), stacklevel=3)


def _check_text(
    data: bytes, x: np.ndarray, where: str, lines_before: int, after: bytes = b"\n"
) -> None:
    """Refuse an empty field ('1,,2'); warn of numbers read as inf or 0 that were written as
    neither (counting the infs and zeros written, so plain data costs two counts). `after`:
    the last byte before `data` that is not a space or tab (a block of a longer text starts
    a line, or follows a comma, only if that byte says so: '1 ' then ',2' is one line '1 ,2')."""
    if b"," in data:
        empty = _EMPTY_FIELD.search(data, 0 if after in (b"\n", b",") else 1)
        if empty is not None:
            line = lines_before + data.count(b"\n", 0, empty.start()) + 1
            raise InputError(f"{where}, line {line}: an empty field between commas; give a number")
    infs = np.count_nonzero(np.isinf(x))
    if infs and infs > len(_INF_WORDS.findall(data)):
        _warn(f"{where}: numbers beyond float64's range are read as inf or -inf")
    zeros = x.size - np.count_nonzero(x)
    if zeros and zeros > len(_ZERO_TOKENS.findall(data)):
        _warn(f"{where}: numbers nearer 0 than float64's smallest are read as 0")


def resolve_dtype(dtype: Any) -> np.dtype:
    """The dtype of `--dtype NAME`; bfloat16 without ml_dtypes is a usage error (exit 2)."""
    if isinstance(dtype, np.dtype):
        return dtype
    if dtype not in DTYPES:
        raise InputError(f"--dtype {dtype}: use one of {', '.join(DTYPES)}", 2)
    try:
        return formats.dtype_named(dtype)
    except ImportError as e:
        raise InputError(f"--dtype {dtype}: {e}", 2) from None


# --- reading -------------------------------------------------------------------------------


def _show(token: str) -> str:
    return repr(token if len(token) <= 30 else token[:27] + "...")


def parse_args(tokens: Sequence[str]) -> np.ndarray:
    """Numbers given as command-line arguments, one number per token, as float64."""
    try:
        x = np.array(tokens, dtype=np.float64)
    except ValueError:
        pass
    else:
        for i in np.flatnonzero(np.isinf(x) | (x == 0)).tolist():
            token = tokens[i]
            data = token.encode()
            if np.isinf(x[i]) and not _INF_WORDS.search(data):
                _warn(f"{_show(token)} (point {i + 1}) is beyond float64's range: read as {x[i]}")
            elif x[i] == 0 and not _ZERO_TOKENS.fullmatch(data.strip()):
                _warn(f"{_show(token)} (point {i + 1}) is nearer 0 than float64's smallest: read as 0")
        return x
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
    x = _parse_numbers(text, source)
    _check_text(text.encode(), x, source, 0)
    return x


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
    underflows: list[str] = []

    def read_float(token: str) -> float:  # json reads 1e-400 as 0.0, as it reads 0.0
        value = float(token)
        if value == 0 and not _ZERO_TOKENS.fullmatch(token.encode()):
            underflows.append(token)
        return value

    try:
        data = json.loads(text, parse_float=read_float)
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
    x = np.array([_NONFINITE_IN[v] if type(v) is str else v for v in data], dtype=np.float64)
    written = sum(type(v) is str and v != "NaN" for v in data)
    if np.count_nonzero(np.isinf(x)) > written:  # 1e999: json reads it as inf
        _warn(f"{source}: numbers beyond float64's range are read as inf or -inf")
    if underflows:
        _warn(f"{source}: numbers nearer 0 than float64's smallest are read as 0")
    return x


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


def _as(x: np.ndarray, dtype: np.dtype, tokens: Callable[[], Sequence[Any]] | None = None) -> np.ndarray:
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
            _warn(f"numbers beyond {name}'s range are read as inf or -inf; --dtype float64 keeps them")
        if np.any((y == 0) & (x != 0)):
            _warn(f"numbers nearer 0 than {name}'s smallest are read as 0; --dtype float64 keeps them")
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
    """A `.npy` file, flattened in C order: its header read once, then its data block by block
    into one reused buffer (so no more than a block of it is ever in memory)."""

    def __init__(self, path: Path, dtype: Any) -> None:
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


FAST_TEXT = 4096  # bytes of text below which numpy reads it all
_SEPARATORS = b" \t\n\r\x0b\x0c,"
_NUMBER_BYTES = b"0123456789.eE+-" + _SEPARATORS  # all that a block of plain numbers holds
_NEGATIVE_ZERO = re.compile(rb"-0(?![0-9.eE])")  # the integer -0, which JSON reads as 0


def _plain_numbers(data: bytes) -> np.ndarray | None:
    """The numbers in `data` read by orjson as one JSON array, when `data` holds nothing but
    numbers that JSON reads as Python's float() does; None for anything else (nan, inf, .5,
    +3, the integer -0, a bad token), which `_parse_numbers` then reads or reports."""
    if len(data) < FAST_TEXT or data.translate(None, _NUMBER_BYTES):
        return None
    body = data.strip(_SEPARATORS)
    if not body:
        return np.empty(0)
    try:
        import orjson  # reads plain numbers ~20x faster than float()
    except ImportError:  # pragma: no cover - a dependency; numpy still reads them
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


def _text_blocks(chunks: Iterable[bytes], where: str) -> Iterator[tuple[np.ndarray, int, bytes]]:
    """(float64 numbers, bytes read, the text) per chunk of text, each cut after its last
    separator so that no number is split; plain numbers are read by orjson, the rest by numpy."""
    carry, lines, after = b"", 0, b"\n"
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
        _check_text(data, x, where, lines, after)
        lines += data.count(b"\n")
        after = data.rstrip(b" \t")[-1:] or after
        yield x, len(data), data


class TextSource(Source):
    """Numbers in text too long for one block, parsed block by block as they are read."""

    replayable = False

    def __init__(
        self, first: list[tuple[np.ndarray, int, bytes]], rest: Iterator[tuple[np.ndarray, int, bytes]],
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
                x, nbytes, data = next(parts)
            except StopIteration:
                break
            except OSError as e:
                raise InputError(f"cannot read {self.where}: {e.strerror or e}") from None
            if x.size:
                count += x.size
                yield _as(x, self.dtype, lambda data=data: tokens_of(data))
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
        return ArraySource(parse_json(text, where), dtype, lambda: json_tokens(text))
    if len(head) < TEXT_BLOCK:  # all of it
        parts = [x for x, _, _ in _text_blocks([head], where)]
        x = np.concatenate(parts) if parts else np.empty(0)
        return ArraySource(x, dtype, lambda: tokens_of(head))
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
            return ArraySource(parse_json(text, where), dtype, lambda: json_tokens(text))
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
    if numbers:
        return ArraySource(parse_args(numbers), dtype, lambda: numbers)
    if span is not None:
        return RangeSource(span[0], span[1], num, dtype)
    if path is not None and not want_stdin:
        source = open_file(path, dtype)
        if source.size == 0:
            raise InputError(f"'{path}' holds no numbers; {HOW_TO_GIVE}")
        return source
    if stdin is not None and (want_stdin or not isatty(stdin)):
        binary = getattr(stdin, "buffer", None)
        if binary is None:  # a text stream only (a test's): read it whole
            text = stdin.read()
            source: Source = ArraySource(parse_text(text, "standard input"), dtype, lambda: text_tokens(text))
        else:
            source = _open_text(binary, "standard input", dtype, None)
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
) -> np.ndarray:
    """`open_points`, read whole into one array."""
    return open_points(
        tokens, span=span, num=num, path=path, stdin=stdin, dtype=dtype
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
