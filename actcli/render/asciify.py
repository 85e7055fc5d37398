"""ASCII look-alikes for terminals and pipes that cannot take Unicode (PYTHONIOENCODING=ascii,
a C locale): the streams' error handler, and a rich render hook that converts a table's text
before rich measures it, so its columns stay aligned."""

from __future__ import annotations

import codecs
import sys
import unicodedata
from typing import Any

_WORDS = {
    "σ": "sigma", "α": "alpha", "β": "beta", "λ": "lambda", "π": "pi", "…": "...", "′": "'",
    "″": "''", "−": "-", "–": "-", "—": "-", "·": "*", "×": "x", "≤": "<=", "≥": ">=", "≈": "~",
    "∞": "inf", "√": "sqrt", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "o", "▒": ":",
    "±": "+-", "∓": "-+", "²": "^2", "³": "^3", "⁵": "^5", "¼": "1/4", "½": "1/2", "÷": "/",
    "µ": "mu", "Σ": "Sigma", "Φ": "Phi", "φ": "phi", "θ": "theta", "‖": "||", "←": "<-",
    "→": "->", "↑": "^", "↓": "v", "∘": "o", "⊙": "(.)", "▲": "^", "▶": ">", "◆": "*",
    "○": "o", "●": "@", "✓": "yes", "✗": "no",
}


def lookalike(c: str) -> str:
    """ASCII for one character: a chart's braille dot becomes '.', a block '#', a box line
    '-', '|' or '+', an accented letter its letter."""
    if c.isascii():
        return c
    if c in _WORDS:
        return _WORDS[c]
    if "\u2800" <= c <= "\u28ff":
        return " " if c == "\u2800" else "."
    if "\u2580" <= c <= "\u259f":
        return "#"
    if "\u2500" <= c <= "\u257f":
        name = unicodedata.name(c, "")
        return "-" if "HORIZONTAL" in name else "|" if "VERTICAL" in name else "+"
    # an accented letter: its letter; anything else that decomposes (a superscript, a fraction)
    # would lose its meaning that way ('½' -> '12'), so it is '?'
    base = unicodedata.normalize("NFKD", c)
    plain = base.encode("ascii", "ignore").decode()
    return plain if plain and unicodedata.category(c).startswith("L") else "?"


def to_ascii(text: str) -> str:
    return text if text.isascii() else "".join(map(lookalike, text))


def _handler(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    return to_ascii(err.object[err.start : err.end]), err.end


def unicode_ok(stream: Any) -> bool:
    try:
        "σ─⠁…".encode(getattr(stream, "encoding", None) or "utf-8")
    except UnicodeEncodeError:
        return False
    except LookupError:  # a codec Python does not know: leave the stream alone
        return True
    return True


def install() -> None:
    """stdout and stderr write look-alikes where their encoding has no character."""
    codecs.register_error("actcli-ascii", _handler)
    for stream in (sys.stdout, sys.stderr):
        if not unicode_ok(stream):
            try:
                stream.reconfigure(errors="actcli-ascii")
            except (AttributeError, ValueError):  # a stream that cannot change
                pass


def _convert(r: Any) -> Any:
    from rich.table import Table
    from rich.text import Text

    if isinstance(r, str):
        return to_ascii(r)
    if isinstance(r, Text):
        return r if r.plain.isascii() else Text(to_ascii(r.plain), style=r.style)
    if isinstance(r, Table):
        r.title, r.caption = _convert(r.title), _convert(r.caption)
        for col in r.columns:
            col.header, col.footer = _convert(col.header), _convert(col.footer)
            col._cells[:] = [_convert(c) for c in col._cells]
    return r


def hook() -> Any:
    """A rich RenderHook that converts strings, Text and tables' cells to ASCII."""
    from rich.console import RenderHook

    class Ascii(RenderHook):
        def process_renderables(self, renderables: list) -> list:
            return [_convert(r) for r in renderables]

    return Ascii()
