"""What `--dtype` names, and the text of each number read: it settles the rare decimal that
float64 rounds onto a tie of float16 or bfloat16 (`formats.from_decimal`)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from actcli.core import formats
from actcli.io import columns
from actcli.io.errors import InputError

DTYPES = ("float16", "bfloat16", "float32", "float64")


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


def tokens_of(data: bytes) -> list[bytes]:
    """The text of each number in a block of text (or a table's column, one a line), in
    order, as its parse splits it."""
    return data.replace(b",", b" ").split()


def json_tokens(text: str, column: str | None = None, where: str = "") -> list[Any]:
    """The text of each number of a JSON array, or of the column of a JSON document that
    `numbers.parse_json` reads (its strings, "NaN" and the like, as themselves)."""
    data = json.loads(text, parse_float=str, parse_int=str)
    if isinstance(data, dict):
        cols = columns.document_columns(data, where)
        names = list(cols)
        return cols[names[columns.choose(names, len(names), column, where)]]
    return data
