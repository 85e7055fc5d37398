"""Numbers in text: command-line tokens, text blocks, JSON arrays and a table's column as
float64, with the one-line errors (`InputError`) and warnings (`InputWarning`) they can cause.
Plain numbers are read by orjson, the rest by numpy; a bad token is looked for only on failure.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from actcli.io import columns
from actcli.io.errors import InputError, InputWarning
from actcli.tokens import is_number

_NONFINITE_IN = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_INF_WORDS = re.compile(rb"(?i)inf")  # inf, Infinity: once each
ZERO_TOKENS = re.compile(rb"(?<![^\s,])[-+]?(?:0+\.?0*|\.0+)(?:[eE][-+]?[0-9]+)?(?![^\s,])")
# Two commas with only spaces between, or a line that starts with one; a comma that ends a
# line is a separator before the newline, as in a hand-written "1, 2,".
_EMPTY_FIELD = re.compile(rb"(?m)^[ \t]*,|,[ \t]*(?=,)")


def warn(text: str) -> None:
    warnings.warn(InputWarning(text), stacklevel=3)


def check_text(
    data: bytes, x: np.ndarray, where: str, lines_before: int, after: bytes = b"\n"
) -> None:
    """Refuse an empty field ('1,,2'); warn of numbers read as inf or 0 that were written as
    neither (counting the infs and zeros written, so plain data costs two counts). `after`:
    the last byte before `data` that is not a space or tab (a block of a longer text starts
    a line, or follows a comma, only if that byte says so: '1 ' then ',2' is one line '1 ,2')."""
    if b"," in data:
        # `after` in front (behind a "0" that no match starts at): a ',,' at byte 0 is an
        # empty field whatever came before it (#21)
        empty = _EMPTY_FIELD.search(b"0" + after + data)
        if empty is not None:
            line = lines_before + data.count(b"\n", 0, max(empty.start() - 2, 0)) + 1
            raise InputError(f"{where}, line {line}: an empty field between commas; give a number")
    infs = np.count_nonzero(np.isinf(x))
    if infs and infs > len(_INF_WORDS.findall(data)):
        warn(f"{where}: numbers beyond float64's range are read as inf or -inf")
    zeros = x.size - np.count_nonzero(x)
    if zeros and zeros > len(ZERO_TOKENS.findall(data)):
        warn(f"{where}: numbers nearer 0 than float64's smallest are read as 0")


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
                warn(f"{_show(token)} (point {i + 1}) is beyond float64's range: read as {x[i]}")
            elif x[i] == 0 and not ZERO_TOKENS.fullmatch(data.strip()):
                warn(f"{_show(token)} (point {i + 1}) is nearer 0 than float64's smallest: read as 0")
        return x
    for i, token in enumerate(tokens, 1):
        if not is_number(token):
            raise InputError(
                f"{_show(token)} (point {i} on the command line) is not a number; "
                "points look like 1, -2.5, 1e-3, nan, inf",
                exit_code=2,
            ) from None
    raise AssertionError("unreachable")  # pragma: no cover


def parse_numbers(text: str, source: str, lines_before: int = 0) -> np.ndarray:
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


def loads_json(text: str | bytes) -> tuple[Any, bool]:
    """json.loads, and whether a number nearer 0 than float64's smallest was read as 0 (json
    reads 1e-400 as 0.0, as it reads 0.0; it reads 1e400 as inf). ValueError if not JSON."""
    underflows: list[str] = []

    def read_float(token: str) -> float:
        value = float(token)
        if value == 0 and not ZERO_TOKENS.fullmatch(token.encode()):
            underflows.append(token)
        return value

    return json.loads(text, parse_float=read_float), bool(underflows)


def parse_json(text: str, source: str, column: str | None = None) -> np.ndarray:
    """A JSON array of numbers ("NaN", "Infinity" and "-Infinity" stand for themselves), or
    the column `column` (else "x") of actcli's JSON document (`columns.document_columns`)."""
    try:
        data, underflows = loads_json(text)
    except ValueError as e:
        raise InputError(f"{source} is not valid JSON: {e}") from None
    what = ""
    if isinstance(data, dict):
        cols = columns.document_columns(data, source)
        names = list(cols)
        what = names[columns.choose(names, len(names), column, source)]
        data = cols[what]
        what = f"column {what}, "
    elif isinstance(data, list):
        columns.no_columns(column, source)
    else:
        raise InputError(f"{source}: expected a JSON array of numbers, got {type(data).__name__}")
    x = json_numbers(data, source, what)
    if underflows:
        warn(f"{source}: numbers nearer 0 than float64's smallest are read as 0")
    return x


def is_json_number(v: Any) -> bool:
    """A JSON value that stands for a number: a number, or "NaN", "Infinity", "-Infinity"."""
    return type(v) in (int, float) or (type(v) is str and v in _NONFINITE_IN)


def json_numbers(data: list[Any], source: str, what: str = "") -> np.ndarray:
    """JSON values that must be numbers or "NaN", "Infinity", "-Infinity", as float64."""
    bad = next((i for i, v in enumerate(data) if not is_json_number(v)), None)
    if bad is not None:
        raise InputError(
            f"{source}: {what}element {bad} ({json.dumps(data[bad])[:30]}) is not a number; use "
            'numbers, or the strings "NaN", "Infinity", "-Infinity"'
        )
    x = np.array([_NONFINITE_IN[v] if type(v) is str else v for v in data], dtype=np.float64)
    written = sum(type(v) is str and v != "NaN" for v in data)
    if np.count_nonzero(np.isinf(x)) > written:  # 1e999: json reads it as inf
        warn(f"{source}: numbers beyond float64's range are read as inf or -inf")
    return x


FAST_TEXT = 4096  # bytes of text below which numpy reads it all
_SEPARATORS = b" \t\n\r\x0b\x0c,"
_NUMBER_BYTES = b"0123456789.eE+-" + _SEPARATORS  # all that a block of plain numbers holds
_NEGATIVE_ZERO = re.compile(rb"-0(?![0-9.eE])")  # the integer -0, which JSON reads as 0


def plain_numbers(data: bytes) -> np.ndarray | None:
    """The numbers in `data` read by orjson as one JSON array, when `data` holds nothing but
    numbers that JSON reads as Python's float() does; None for anything else (nan, inf, .5,
    +3, the integer -0, a bad token), which `parse_numbers` then reads or reports."""
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


def last_separator(data: bytes) -> int:
    """The index of the last separator byte in `data`, or -1 if it has none."""
    start = max(0, len(data) - 256)
    while True:
        at = max(data.rfind(bytes([s]), start) for s in _SEPARATORS)
        if at >= 0 or start == 0:
            return at
        start = 0


def decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{where} is not a UTF-8 text file; give text, .json or .npy") from None


def column_numbers(text: bytes, rows: np.ndarray, table: columns.TextTable) -> np.ndarray:
    """A table column's fields (one a line; `rows`: the line of each) as float64."""
    x = plain_numbers(text)
    if x is None:
        try:
            x = np.array(text.split(), dtype=np.float64)
        except ValueError:
            x = None
    if x is None or x.size != rows.size:  # only on failure: find the field, name its line
        for row, field in enumerate(decode(text, table.where).split("\n")):
            if len(field.split()) != 1 or not is_number(field.strip()):
                raise InputError(
                    f"{table.where}, line {rows[row]}: {_show(field.strip())} in column "
                    f"{table.name} is not a number"
                )
        raise AssertionError("unreachable")  # pragma: no cover
    return x


