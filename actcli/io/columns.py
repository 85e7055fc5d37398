"""Which column of a table holds the points: actcli's own outputs read back as input.

A table's column is the x column (its first) unless `--column` names another, by its name
(the CSV header's: `x`, `y`, `dydx`, `d2ydx2`, `y[sigmoid]`, `dydx[sigmoid]`) or by its
position from 1 (the CSV's order, which every format shares). What is a table:

- text whose first line is two or more names separated by commas or tabs, each with a letter
  and none a number: CSV or TSV with a header (actcli's `--csv`);
- text whose first line has tabs and starts with a number: TSV without a header (actcli's
  default in a pipe; a line is a row), columns by position only;
- a JSON object: actcli's eval, grad or compare document (`"x"`, `"y"`, ..., and compare's
  functions as `y[NAME]`, `dydx[NAME]` by their "function", with their "params" where two
  share a name);
- JSON lines of objects (actcli's `--jsonl`; compare's `{"y": {"sigmoid": ..}}` as `y[sigmoid]`);
- `.npy`: actcli's own layout is a 1-D array of records whose fields are the CSV's columns;
  a 2-D array of numbers is rows of columns, read only with `--column N`.

Every row of a text table has as many fields as the first. Numbers are parsed by
`actcli.io.numbers`; this module only finds where they are.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from actcli.io.errors import InputError
from actcli.tokens import is_number

EXIT_USAGE = 2  # --column names a column the input does not have


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:12])
    return shown + (f", ... ({len(names)} columns)" if len(names) > 12 else "")


def choose(names: Sequence[str] | None, width: int, column: str | None, where: str) -> int:
    """The index of the column to read: the one `column` names (or numbers, from 1), else x.
    `names` is None for a table without names (columns by position, the first being x)."""
    if column is None:
        if names is None or "x" in names:
            return names.index("x") if names else 0
        raise InputError(f"{where} has no x column; --column picks one of: {_listing(names)}")
    if names is not None and column in names:
        return names.index(column)
    if re.fullmatch("[0-9]+", column) and 1 <= int(column) <= width:
        return int(column) - 1
    if names is None:
        raise InputError(
            f"--column {column}: {where} has {width} unnamed columns; give a number from 1 to "
            f"{width}",
            EXIT_USAGE,
        )
    raise InputError(
        f"--column {column}: {where} has no such column; its columns are {_listing(names)} "
        f"(or their numbers, 1 to {width})",
        EXIT_USAGE,
    )


def no_columns(column: str | None, what: str) -> None:
    """Refuse `--column` for an input that is a plain list of numbers."""
    if column is not None:
        raise InputError(
            f"--column {column}: {what} is a list of numbers, not a table with columns",
            EXIT_USAGE,
        )


# --- text: CSV or TSV ------------------------------------------------------------------------


def header(line: bytes) -> tuple[bytes, list[str]] | None:
    """(separator, names) if `line` is a header: two or more names separated by tabs (else
    commas), each with a letter and none reading as a number; None otherwise."""
    sep = b"\t" if b"\t" in line else b"," if b"," in line else None
    if sep is None:
        return None
    try:
        text = line.decode("utf-8").strip("\r\n")
    except UnicodeDecodeError:
        return None
    names = text.split("\t") if sep == b"\t" else next(csv.reader([text]))
    names = [n.strip() for n in names]
    if any(is_number(n) or not re.search("[A-Za-z]", n) for n in names):
        return None
    return sep, names


def tab_width(line: bytes) -> int | None:
    """How many tab-separated fields a first line has, if it has tabs and starts with a
    number (TSV without a header: actcli's output in a pipe); else None."""
    if b"\t" not in line:
        return None
    first = line.split(b"\t", 1)[0].strip().decode("utf-8", "replace")
    return line.count(b"\t") + 1 if is_number(first) else None


class TextTable:
    """A CSV or TSV table's column `j` of `width`, cut from whole lines of text at a time."""

    def __init__(self, sep: bytes, width: int, j: int, name: str, where: str) -> None:
        self.sep, self.width, self.j, self.name, self.where = sep, width, j, name, where
        s = re.escape(sep)
        field = rb"[^" + s + rb"\n]*"
        # One field per line that has separators (a blank line has none, so gives none).
        if j == 0:
            self.pattern = re.compile(rb"(?m)^(" + field + rb")" + s)
        else:
            self.pattern = re.compile(rb"(?m)^(?:" + field + s + rb"){%d}(" % j + field + rb")")

    def cut(self, data: bytes, lines_before: int) -> tuple[bytes, np.ndarray]:
        """The column's fields in `data` (whole lines), one a line, and the line number (from 1,
        in the whole input) of each; every line that is not blank must have `width` fields."""
        if b"\r" in data:
            data = data.replace(b"\r", b"")
        if self.sep == b"," and b'"' in data:  # quoted fields ("[0.0, 1.0]"): csv reads them
            return self._quoted(data, lines_before)
        if not data.endswith(b"\n"):
            data += b"\n"
        b = np.frombuffer(data, np.uint8)
        # The separators and newlines in order: a table without blank lines is `width - 1`
        # separators then a newline, over and over (a few passes over the bytes, no loop).
        at = np.flatnonzero((b == self.sep[0]) | (b == 10))
        kinds = b[at]
        if at.size % self.width or kinds.size == 0:
            return self._lines(data, lines_before)
        kinds = kinds.reshape(-1, self.width)
        if not ((kinds[:, :-1] == self.sep[0]).all() and (kinds[:, -1] == 10).all()):
            return self._lines(data, lines_before)
        rows = at.reshape(-1, self.width)
        starts = rows[:, self.j - 1] + 1 if self.j else np.concatenate(([0], rows[:-1, -1] + 1))
        edges = np.zeros(b.size + 1, np.int8)
        edges[starts] += 1
        edges[rows[:, self.j] + 1] -= 1  # each field and the separator after it
        kept = b[np.cumsum(edges[:-1], dtype=np.int8).view(bool)]
        kept[kept == self.sep[0]] = 10
        return self._checked(kept.tobytes(), np.arange(rows.shape[0]) + lines_before + 1)

    def _lines(self, data: bytes, lines_before: int) -> tuple[bytes, np.ndarray]:
        """`cut` for a text with blank lines, or a ragged one (which it refuses)."""
        b = np.frombuffer(data, np.uint8)
        ends = np.flatnonzero(b == 10)

        def per_line(mask: np.ndarray) -> np.ndarray:
            counts = np.concatenate(([0], np.cumsum(mask, dtype=np.int64)))[ends]
            return np.diff(counts, prepend=0)

        filled = per_line((b != 32) & (b != 9) & (b != 10)) > 0
        fields_per_line = per_line(b == self.sep[0]) + 1
        self._check_width(np.flatnonzero(filled & (fields_per_line != self.width)),
                          fields_per_line, lines_before)  # fmt: skip
        fields = self.pattern.findall(data)
        text = b"\n".join(fields) + b"\n" if fields else b""
        return self._checked(text, np.flatnonzero(filled) + lines_before + 1)

    def _quoted(self, data: bytes, lines_before: int) -> tuple[bytes, np.ndarray]:
        rows = list(csv.reader(data.decode("utf-8", "replace").split("\n")))
        filled = [i for i, row in enumerate(rows) if any(f.strip() for f in row)]
        widths = np.array([len(row) for row in rows])
        bad = np.array([i for i in filled if widths[i] != self.width], dtype=np.int64)
        self._check_width(bad, widths, lines_before)
        text = "".join(rows[i][self.j] + "\n" for i in filled).encode()
        return self._checked(text, np.array(filled, dtype=np.int64) + lines_before + 1)

    def _check_width(self, ragged: np.ndarray, widths: np.ndarray, lines_before: int) -> None:
        if ragged.size:
            i = int(ragged[0])
            raise InputError(
                f"{self.where}, line {lines_before + i + 1}: {widths[i]} fields where the "
                f"table has {self.width}; every row needs the same columns"
            )

    def _checked(self, text: bytes, lines: np.ndarray) -> tuple[bytes, np.ndarray]:
        """`text` (a field a line), refused if a field is empty."""
        if text.startswith(b"\n") or b"\n\n" in text:
            row = 0 if text.startswith(b"\n") else text.count(b"\n", 0, text.index(b"\n\n")) + 1
            raise InputError(
                f"{self.where}, line {lines[row]}: column {self.name} is empty; give a number"
            )
        return text, lines


# --- JSON ------------------------------------------------------------------------------------


def document_columns(doc: dict[str, Any], where: str) -> dict[str, list[Any]]:
    """The columns of actcli's eval, grad or compare JSON document, in the CSV's order: its
    arrays by key, then each of compare's functions' as `y[NAME]`, `dydx[NAME]`, NAME being its
    "function", with its "params" (`leaky_relu:alpha=0.2`) where two share that name."""
    cols = {k: v for k, v in doc.items() if isinstance(v, list) and k != "functions"}
    listed = doc.get("functions")
    functions = [f for f in listed if isinstance(f, dict)] if isinstance(listed, list) else []
    names = [str(f.get("function")) for f in functions]
    for f, name in zip(functions, names, strict=True):
        params = f.get("params")
        if names.count(name) > 1 and isinstance(params, dict) and params:
            name += ":" + ",".join(f"{k}={v}" for k, v in params.items())
        for key, value in f.items():
            if isinstance(value, list):
                cols[f"{key}[{name}]"] = value
    if not cols:
        raise InputError(f"{where}: a JSON object with no arrays; give a JSON array of numbers")
    return cols


def record_names(obj: Any, where: str, line: int) -> list[tuple[str, str | None]]:
    """The columns of one JSON-lines object, in the CSV's order: each key whose value is not an
    object, then the keys of nested objects by inner key (compare's `{"x": .., "y": {"f": ..,
    "g": ..}, "dydx": {..}}` is x, y[f], dydx[f], y[g], dydx[g]), as (key, inner key or None)."""
    if not isinstance(obj, dict):
        raise InputError(f"{where}, line {line}: expected a JSON object, as on the first line")
    keys: list[tuple[str, str | None]] = [
        (k, None) for k, v in obj.items() if not isinstance(v, dict)
    ]
    nested = [k for k, v in obj.items() if isinstance(v, dict)]
    inners = list(dict.fromkeys(inner for k in nested for inner in obj[k]))
    keys += [(k, inner) for inner in inners for k in nested if inner in obj[k]]
    return keys


def record_name(key: tuple[str, str | None]) -> str:
    return key[0] if key[1] is None else f"{key[0]}[{key[1]}]"


def record_values(
    records: list[Any], key: tuple[str, str | None], where: str, lines: Sequence[int]
) -> list[Any]:
    """The column `key` of JSON-lines objects (`lines`: the line of each)."""
    outer, inner = key
    try:
        if inner is None:
            return [r[outer] for r in records]
        return [r[outer][inner] for r in records]
    except (KeyError, TypeError):
        for line, r in zip(lines, records, strict=True):
            try:
                r[outer] if inner is None else r[outer][inner]
            except (KeyError, TypeError):
                raise InputError(
                    f"{where}, line {line}: no {record_name(key)} in this object"
                ) from None
        raise  # pragma: no cover


# --- .npy --------------------------------------------------------------------------------


def npy_column(
    shape: tuple[int, ...], dtype: np.dtype, column: str | None, where: str
) -> tuple[int, str | int | None]:
    """How to read a .npy file's points: (values per row, field name or column index or None
    for a plain list). actcli's own layout is a 1-D array of records (one field per column);
    a 1-D array (or one whose axes but one have length 1) is a list of numbers; a 2-D array
    of numbers is rows of columns, read only with --column N."""
    if dtype.names:
        if len(shape) != 1:
            raise InputError(f"{where}: an array of records must be 1-D, this one is {shape}")
        names = list(dtype.names)
        for name in names:
            if dtype.fields[name][0].kind not in "biuf":
                raise InputError(f"{where}: field {name!r} holds {dtype.fields[name][0]} values")
        return 1, names[choose(names, len(names), column, where)]
    long_axes = sum(d > 1 for d in shape)
    if long_axes <= 1:
        no_columns(column, where)
        return 1, None
    if len(shape) != 2:
        raise InputError(
            f"{where} is a {len(shape)}-D array {shape}; give a 1-D array, a 2-D one with "
            "--column N, or actcli's own .npy"
        )
    if column is None:
        raise InputError(
            f"{where} is a 2-D array ({shape[0]} x {shape[1]}) of unnamed columns, not actcli's "
            f"own .npy (records named x, y, ...); --column N (1 to {shape[1]}) picks one"
        )
    return shape[1], choose(None, shape[1], column, where)
