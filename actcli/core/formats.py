"""The 16-bit formats, float16 and bfloat16: their dtypes, rounding to them once, reading decimal
text into them without double rounding, and the shortest text of each of their values.

- `dtype_named("bfloat16")`: ml_dtypes' bfloat16 (the one JAX uses), imported only here and only
  when asked for; numpy alone has no bfloat16. float16 is numpy's own.
- `round_to(y, dtype)`: float64 → a 16-bit format, rounded once, to nearest with ties to even,
  subnormals included; beyond the largest finite value (by half a step or more) it is ±inf,
  and no warning says so, because that is the correctly rounded answer. numpy's float64 →
  float16 cast and ml_dtypes' float64 → bfloat16 cast both round once (not through float32);
  a test checks them on every boundary of both formats.
- `from_decimal(x, dtype, tokens)`: decimal text read as float64, then rounded to the format.
  A decimal that is not a tie of the format can round to float64 exactly onto one
  ("1.00048828125000000001" → 1 + 2^-11, halfway between two float16 values), and ties to
  even would then round it the wrong way: those few are found (vectorised) and settled from
  the text, exactly.
- `shortest(a)`: for a 16-bit array, the float64 nearest to each value's shortest decimal,
  the one that reads back as the same 16-bit value; `repr` (and orjson) of that float64 writes
  exactly those digits (float16 0.1 is written 0.1, not 0.0999755859375). Kept in one table
  of 65,536 entries per format, indexed by the bit pattern, filled as values are first seen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # fractions (and decimal) load only to settle a tie: rare, and slow to import
    from fractions import Fraction

HALF = ("float16", "bfloat16")
# Significand bits (with the hidden one) and the smallest normal exponent of each format.
_LAYOUT = {"float16": (11, -14), "bfloat16": (8, -126)}
INSTALL = "pip install ml_dtypes"


def dtype_named(name: str) -> np.dtype:
    """The numpy dtype called `name`; bfloat16 imports ml_dtypes (ImportError: one line)."""
    if name == "bfloat16":
        try:
            import ml_dtypes
        except ImportError:
            raise ImportError(f"bfloat16 needs the ml_dtypes package: {INSTALL}") from None
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def is_half(dtype: Any) -> bool:
    """A 16-bit float format: numpy's float16 or ml_dtypes' bfloat16 (checked by name, so
    asking never imports ml_dtypes)."""
    d = np.dtype(dtype)
    return d.name in HALF and d.itemsize == 2


def layout(dtype: Any) -> tuple[int, int]:
    """(significand bits, smallest normal exponent) of a 16-bit format."""
    return _LAYOUT[np.dtype(dtype).name]


def overflow_threshold(dtype: Any) -> float:
    """The smallest magnitude that rounds to inf: the largest finite value plus half a step
    (the largest value's last bit is 1, so that tie goes to the even inf)."""
    p, emin = layout(dtype)
    emax = 15 if np.dtype(dtype).name == "float16" else 127
    return float(np.ldexp(2.0 - 2.0**-p, emax))


def round_to(y: np.ndarray, dtype: Any, out: np.ndarray | None = None) -> np.ndarray:
    """float64 `y` rounded once to the 16-bit `dtype` (into `out` if given)."""
    y = np.asarray(y, dtype=np.float64)
    big = np.abs(y) >= overflow_threshold(dtype)  # nan is not
    if big.any():
        # The cast would say "overflow"; inf is the right answer, so give it inf to cast.
        y = np.where(big, np.copysign(np.inf, y), y)
    if out is None:
        return y.astype(dtype)
    out[...] = y
    return out


def widen(a: np.ndarray) -> np.ndarray:
    """A 16-bit array as float64, exactly. A bfloat16 signalling nan (quiet bit clear) is made
    quiet first: ml_dtypes' cast would carry it over, and numpy warns of "invalid value" when
    it is cast or computed with (numpy's float16 cast makes it quiet itself)."""
    if a.dtype.name == "bfloat16":
        bits = a.view(np.uint16)
        signalling = ((bits & 0x7F80) == 0x7F80) & ((bits & 0x7F) != 0) & ((bits & 0x40) == 0)
        if signalling.any():
            a = np.where(signalling, bits | 0x40, bits).astype(np.uint16).view(a.dtype)
    return a.astype(np.float64)


def _ties(x: np.ndarray, dtype: Any) -> np.ndarray:
    """Indices where the float64 `x` is halfway between two neighbours in `dtype` (or halfway
    from the largest to inf): the two float64 values beside it round apart."""
    up = round_to(np.nextafter(x, np.inf), dtype)
    down = round_to(np.nextafter(x, -np.inf), dtype)
    return np.flatnonzero((up != down) & np.isfinite(x) & (x != 0))


def from_decimal(
    x: np.ndarray, dtype: Any, tokens: Callable[[], Sequence[Any]] | None = None
) -> np.ndarray:
    """float64 `x`, read from decimal text, rounded to `dtype` as the text itself would round.

    `tokens()` gives the text of each number (called only when some x is a tie of the format,
    which is rare). Without it (or if it gives None), or for a token that is not a plain
    decimal, a tie is taken as exact (ties to even): right when x is the number written.
    """
    y = round_to(x, dtype)
    if tokens is None:  # no text (a --range, a .npy): x is the number itself
        return y
    ties = _ties(x, dtype)
    texts = tokens() if ties.size else None
    if texts is not None:
        from fractions import Fraction

        for i in ties.tolist():
            exact = _fraction(texts[i])
            if exact is None or exact == Fraction(float(x[i])):
                continue
            step = np.inf if exact > Fraction(float(x[i])) else -np.inf
            y[i] = round_to(np.nextafter(x[i : i + 1], step), dtype)[0]
    return y


def _fraction(token: Any) -> Fraction | None:
    from fractions import Fraction

    if isinstance(token, bytes):
        token = token.decode("ascii", "replace")
    try:
        return Fraction(str(token).strip())
    except (ValueError, ZeroDivisionError):
        return None


# --- shortest text ----------------------------------------------------------------------------

_TABLES: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # name: (float64 per pattern, filled)
_LOCK = threading.Lock()


def shortest(a: np.ndarray) -> np.ndarray:
    """float64 whose repr is the shortest text that reads back as each value of the 16-bit
    array `a` (in its format): nan, ±inf and ±0 as themselves."""
    name = a.dtype.name
    bits = np.ascontiguousarray(a).view(np.uint16).reshape(-1)
    with _LOCK:
        if name not in _TABLES:
            _TABLES[name] = (np.zeros(1 << 16), np.zeros(1 << 16, dtype=bool))
        table, filled = _TABLES[name]
        need = np.zeros(1 << 16, dtype=bool)
        need[bits] = True
        need &= ~filled
        todo = np.flatnonzero(need)
        if todo.size:
            table[todo] = _shortest_of(todo.astype(np.uint16).view(a.dtype))
            filled[todo] = True
    return table[bits].reshape(a.shape)


def _shortest_of(v: np.ndarray) -> np.ndarray:
    """For each 16-bit value, the float64 of its shortest decimal (nearest of the shortest)."""
    x = v.astype(np.float64)
    out = x.copy()
    at = np.flatnonzero(np.isfinite(x) & (x != 0))
    mag = np.abs(x[at])
    p, emin = layout(v.dtype)
    # At a power of two above the smallest normal, the step below is half the step above:
    # the nearest short decimal may fall below the narrower half while one above fits.
    frac, exp = np.frexp(mag)
    lopsided = (frac == 0.5) & (exp - 1 > emin)
    found = np.full(mag.shape, np.nan)
    for digits in range(1, 8):  # 5 digits always do for float16, 4 for bfloat16
        todo = np.flatnonzero(np.isnan(found) & ~lopsided)
        if not todo.size:
            break
        text = np.char.mod(f"%.{digits - 1}e", mag[todo])
        d = text.astype(np.float64)
        back = from_decimal(d, v.dtype, text.tolist).astype(np.float64)
        ok = back == mag[todo]
        found[todo[ok]] = d[ok]
    for i in np.flatnonzero(lopsided).tolist():
        found[i] = _shortest_scalar(float(mag[i]), v.dtype)
    out[at] = np.copysign(found, x[at])
    return out


def _shortest_scalar(m: float, dtype: Any) -> float:
    """The shortest decimal that reads back as the 16-bit value m > 0, tried below and above."""
    from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

    exact = Decimal(m)
    for digits in range(1, 8):
        best = None
        for rounding in (ROUND_FLOOR, ROUND_CEILING):
            d = Context(prec=digits, rounding=rounding).plus(exact)
            back = from_decimal(np.array([float(d)]), dtype, lambda d=d: [str(d)])
            if float(back[0]) == m and (best is None or abs(d - exact) < abs(best - exact)):
                best = d
        if best is not None:
            return float(best)
    raise AssertionError(f"no decimal reads back as {m!r}")  # pragma: no cover


def finite_values(dtype: Any) -> np.ndarray:
    """Every finite value of a 16-bit format, in increasing order (−0 before +0)."""
    bits = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
    # Sign and magnitude: the negative patterns, last to first, then the positive ones.
    ordered = np.concatenate([bits[0x8000:][::-1], bits[:0x8000]])
    vals = ordered.view(np.dtype(dtype))
    wide = vals.astype(np.float32)  # exact, and silent for signalling nan patterns
    return vals[np.isfinite(wide)]
