"""What `--dtype` names, and the text of each number read: it settles the rare decimal that
float64 rounds onto a tie of float16 or bfloat16 (`formats.from_decimal`)."""

from __future__ import annotations

import json
from typing import Any

DTYPES = ("float16", "bfloat16", "float32", "float64")


def tokens_of(data: bytes) -> list[bytes]:
    """The text of each number in a block of text, in order (as its parse splits it)."""
    return data.replace(b",", b" ").split()


def text_tokens(text: str) -> list[Any]:
    return json_tokens(text) if text.lstrip().startswith("[") else text.replace(",", " ").split()


def json_tokens(text: str) -> list[Any]:
    """The text of each element of a JSON array of numbers (its strings as themselves)."""
    return json.loads(text, parse_float=str, parse_int=str)

