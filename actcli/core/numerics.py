"""Stable building blocks for the catalog, float64 numpy only.

- double-double pieces (`two_sum`, `two_prod`, `scaled`): a product like beta*x carried as
  hi + lo, so that exp of a large argument does not amplify its rounding error;
- the logistic family in forms that never overflow and keep relative accuracy in both tails;
- `taylor`: a local expansion used next to the zeros of a derivative, where the closed form
  would subtract two nearly equal numbers.
"""

from __future__ import annotations

import functools
import threading

import numpy as np

from actcli.core._taylor import ERFCX, ERFCX_STEP, EXPANSIONS, PI_PARTS, PI_SPLIT, SIN_G2, SIN_G4

_SPLIT = 134217729.0  # 2**27 + 1, Dekker's splitter
_SPLIT_MAX = 1e300  # beyond this, a*_SPLIT overflows; callers clip well below it


def two_sum(a: np.ndarray, b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """s + e == a + b exactly (Knuth)."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _split(a: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLIT * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a: np.ndarray, b: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """p + e == a * b exactly (Dekker), for |a|, |b| below 1e300 and no underflow.

    For a scalar b, in place on three arrays: the same operations in the same order.
    """
    p = a * b
    if np.ndim(b):
        ah, al = _split(a)
        bh, bl = (ah, al) if b is a else _split(b)
        e = ah * bh
        e -= p
        e += ah * bl
        e += al * bh
        e += al * bl
        return p, e
    return p, prod_err(a, float(b), p, np.empty_like(a), np.empty_like(a), np.empty_like(a))


def prod_err(a: np.ndarray, b: float, p: np.ndarray, ah: np.ndarray, al: np.ndarray, e: np.ndarray) -> np.ndarray:
    """The error a·b − p of p = a·b for a float b (Dekker), in the buffer e; ah and al are
    scratch. For callers that reuse their buffers (gelu_tanh's u)."""
    bh, bl = _split(b)
    np.multiply(a, _SPLIT, out=ah)
    np.subtract(ah, a, out=al)
    ah -= al  # a's high half
    np.subtract(a, ah, out=al)
    np.multiply(ah, bh, out=e)
    e -= p
    ah *= bl
    e += ah
    np.multiply(al, bh, out=ah)
    e += ah
    al *= bl
    e += al
    return e


def scaled(x: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray | None]:
    """c*x as hi + lo; lo is None when c is 1 (the product is x itself, exactly).

    For an extreme c, x and c trade a power of two (exactly) so that neither part overflows
    Dekker's splitting: callers keep |c·x| moderate, so x is then small or c·x negligible.
    """
    if c == 1.0:
        return x, None
    if abs(c) < 2.0**-64:
        return two_prod(x * 2.0**-64, c * 2.0**64)
    if abs(c) > 2.0**64:
        return two_prod(x * 2.0**64, c * 2.0**-64)
    return two_prod(x, c)


def mul(x: np.ndarray, c: float) -> np.ndarray:
    """c*x, saturating to ±inf without an overflow warning when the true product overflows."""
    if abs(c) <= 1.0:
        return x * c
    out = np.copysign(np.inf, x) * np.copysign(1.0, c)
    np.multiply(x, c, out=out, where=np.abs(x) <= np.finfo(x.dtype).max / abs(c))
    return out


def where(cond: np.ndarray, a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """np.where that always returns a fresh float64 array."""
    return np.where(cond, a, b).astype(np.float64, copy=False)


# --- the deep tails ---------------------------------------------------------------------------
# Below e^-690 (about 1e-300), e^z has few or no bits left (subnormal, or 0 past e^-745), yet
# results built on it, such as gelu''(−37.7) = φ(x)·(2 − x²), are normal numbers or larger
# subnormals. There, kernels redo the few points with e^z·2^TAIL_SHIFT, a normal number, and
# scale back at the very end with np.ldexp: one rounding, to the subnormal spacing if need be.

TAIL_Z = -690.0  # e^z below this is redone scaled
# Set by kernels.apply while a kernel computes for a float32 or float16 result: every redone
# result (below 1e-270) rounds to 0 there anyway, so the redo, and even its check, is skipped.
NARROW = threading.local()
TAIL_SHIFT = 600  # e^(−800)·2^600 is about 1e-167: normal with room to spare
_LN2 = (0.6931471803691238, 1.9082149292705877e-10)  # hi with 32 bits: k·hi is exact


def exp_up(zh: np.ndarray, zl: np.ndarray | float | None = None) -> np.ndarray:
    """e^(zh + zl)·2^TAIL_SHIFT, normal for zh >= −1100, to about 1 ULP: a new array.

    zh + k·ln2 is carried as t + d by two_sum (the k·ln2 part in two pieces), and
    e^(t + d) = e^t + e^t·expm1(d): d is near 1e-7, too big for 1 + d.
    """
    t, d = two_sum(np.maximum(zh, -1100.0), TAIL_SHIFT * _LN2[0])  # e^(−1100)·2^600 is 0 too
    d += TAIL_SHIFT * _LN2[1]
    if zl is not None:
        d += zl
    y = np.exp(t)
    return y + y * np.expm1(d)


def unscale(y: np.ndarray) -> np.ndarray:
    """y·2^−TAIL_SHIFT, rounded once (to the subnormal spacing below 2.2e-308)."""
    return np.ldexp(y, -TAIL_SHIFT)


def redo_tails(
    y: np.ndarray, z: np.ndarray, form, below: float = TAIL_Z, above: float = np.inf
) -> np.ndarray:
    """y with y[i] = unscale(form(i)) wherever z[i] < below or z[i] > above: form gets the
    indices and returns the result there times 2^TAIL_SHIFT (built on exp_up). One min()
    (and max()) when there are none."""
    idx = tail_points(z, below, above)
    if idx is not None:
        y.put(idx, unscale(form(idx)))
    return y


def tail_points(z: np.ndarray, below: float = TAIL_Z, above: float = np.inf) -> np.ndarray | None:
    """The indices where z < below or z > above, None if there are none (or NARROW is on):
    one min() (and max()) when there are none. For kernels that keep their tails' arguments
    before reusing the buffers (gelu_tanh)."""
    if getattr(NARROW, "on", False):
        return None
    # nan is not >= or <=: such a chunk takes the masks, which skip nan
    if np.min(z) >= below and (above == np.inf or np.max(z) <= above):
        return None
    mask = z < below
    if above != np.inf:
        mask |= z > above
    idx = np.flatnonzero(mask)
    return idx if idx.size else None


# --- the logistic family -------------------------------------------------------------------
# e = exp(-|z|) never overflows; every form below is a ratio of positive terms in e.
# Each takes an optional `out` and works in place: chunks stay in cache, no temporaries pile up.


def exp_neg_abs(z: np.ndarray) -> np.ndarray:
    """e^(−|z|), a new array."""
    e = np.abs(z)
    np.negative(e, out=e)
    return np.exp(e, out=e)


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ(z) = 1/(1 + e) for z >= 0, e/(1 + e) for z < 0, with e = e^(−|z|)."""
    e = exp_neg_abs(z)
    out = np.greater_equal(z, 0.0, out=np.empty_like(e) if out is None else out)
    np.maximum(out, e, out=out)  # the numerator: 1 for z >= 0, e below (e <= 1)
    e += 1.0
    return np.divide(out, e, out=out)


def dsigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ'(z) = e/(1 + e)² with e = e^(−|z|); not σ(1 − σ), which is 0 for z > 37."""
    e = exp_neg_abs(z)
    out = np.add(e, 1.0, out=out)
    np.multiply(out, out, out=out)
    np.divide(e, out, out=out)
    return np.minimum(out, 0.25, out=out)  # the true maximum; rounding must not pass it


def d2sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """σ''(z) = σ'(z)(1 − 2σ(z)) = −σ'(z)·tanh(z/2): no cancellation near 0."""
    out = dsigmoid(z, out)
    t = np.multiply(z, -0.5)
    np.tanh(t, out=t)
    return np.multiply(out, t, out=out)


def sigmoid_dd(zh: np.ndarray, zl: np.ndarray | None, out: np.ndarray | None = None) -> np.ndarray:
    """σ(zh + zl) for a tiny zl: σ(zh)(1 + σ(−zh)·zl), since (log σ)' = σ(−z).

    One exp for both: with e = e^(−|zh|), σ(±zh) = max([±zh >= 0], e)/(1 + e).
    """
    if zl is None:
        return sigmoid(zh, out)
    e = exp_neg_abs(zh)
    n = np.greater_equal(zh, 0.0, out=np.empty_like(e) if out is None else out)
    c = np.less(zh, 0.0, out=np.empty_like(e))
    np.maximum(n, e, out=n)
    np.maximum(c, e, out=c)
    e += 1.0
    c /= e
    c *= zl
    c += 1.0
    n /= e
    n *= c
    return n


def dsigmoid_dd(zh: np.ndarray, zl: np.ndarray | None, out: np.ndarray | None = None) -> np.ndarray:
    """σ'(zh + zl) for a tiny zl, since (log σ')' = −tanh(z/2).

    One exp: with e = e^(−|zh|), σ' = e/(1 + e)² and tanh(zh/2) = ±(1 − e)/(1 + e).
    """
    if zl is None:
        return dsigmoid(zh, out)
    e = exp_neg_abs(zh)
    d = np.add(e, 1.0, out=out)
    t = np.subtract(1.0, e)
    t /= d
    np.copysign(t, zh, out=t)
    t *= zl
    np.subtract(1.0, t, out=t)
    np.multiply(d, d, out=d)
    np.divide(e, d, out=d)
    np.minimum(d, 0.25, out=d)  # the true maximum; rounding must not pass it
    d *= t
    return d


def softplus(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """log(1 + e^z) = max(z, 0) + log1p(e^−|z|)."""
    e = exp_neg_abs(z)
    np.log1p(e, out=e)
    out = np.maximum(z, 0.0, out=out)
    return np.add(out, e, out=out)


def sech2(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """sech²(z) = 4e/(1 + e)² with e = e^(−2|z|); not 1 − tanh², which is 0 beyond |z| = 19."""
    e = np.abs(z)
    np.minimum(e, 400.0, out=e)  # 2|z| must not overflow; e^(−800) is 0 already
    e *= -2.0
    np.exp(e, out=e)  # not e^(−|z|) squared, which rounds once more: 5 ULP instead of 3
    out = np.add(e, 1.0, out=out)
    np.multiply(out, out, out=out)
    np.divide(e, out, out=out)
    out *= 4.0
    np.minimum(out, 1.0, out=out)  # the true maximum; rounding must not pass it
    # Where e is below 1e-300 (|z| > 345), 4e is redone scaled: e^(−2|z|) may be subnormal.
    return redo_tails(out, e, lambda i: sech2_up(z[i]), 1e-300)


def sech2_up(z: np.ndarray) -> np.ndarray:
    """sech²(z)·2^TAIL_SHIFT = 4·e^(−2|z|)·2^TAIL_SHIFT for |z| > 345 (see redo_tails)."""
    return 4.0 * exp_up(-2.0 * np.minimum(np.abs(z), 400.0))


# --- sin² -------------------------------------------------------------------------------------

SIN2_MAX = 1e6  # |h| up to here: m = rint(h/π) < 2^19, so m·P1 is exact


def sin2(h: np.ndarray, low: np.ndarray | None = None, near_one: bool = False) -> np.ndarray:
    """sin²(h + low) for |h| <= SIN2_MAX and a small low, a new array; numpy's sin costs 4x more.

    sin² repeats with period π: r = h + low − m·π for the nearest m, with π = P1 + P2 and
    h − m·P1 exact (Sterbenz); then sin r = r + r·u·G(u), u = r². r carries an absolute error
    of about ulp(r) + m·1e-26, so the result is within a few ULP except where |r| < 1e-4 with
    m != 0, next to the zeros mπ: a caller that needs relative accuracy there redoes those.

    near_one: within about 1.5 ULP where sin² is near 1 too (|r| near π/2 loses 2 more), for
    callers that subtract it: r is reduced by π/2 instead, and odd multiples give cos² r = 1 − sin² r.
    """
    period = np.pi / 2 if near_one else np.pi
    m = np.multiply(h, 1.0 / period)
    np.rint(m, out=m)
    r = np.multiply(m, -PI_SPLIT[0] * (period / np.pi))  # halving is exact
    r += h
    mp2 = np.multiply(m, -PI_SPLIT[1] * (period / np.pi))
    r += mp2
    if low is not None:
        r += low
    g = _sin_minus_r(r, np.multiply(r, r, out=mp2), SIN_G4 if near_one else SIN_G2)
    g += r
    t = np.multiply(g, g, out=g)
    if not near_one:
        return t
    # t for even m, 1 − t for odd: odd = 4(m/2 − rint(m/2))² is 0 or 1, and each product
    # below is exact, so no rounding is added by the choice.
    m *= 0.5
    odd = np.rint(m)
    m -= odd
    np.multiply(m, m, out=odd)
    odd *= 4.0
    even = np.subtract(1.0, odd, out=m)
    even *= t
    np.subtract(1.0, t, out=t)
    t *= odd
    t += even
    return t


def sum_k(terms: list[np.ndarray], k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Σ terms as hi + lo, as accurate as if summed in k-fold double precision (Ogita, Rump
    and Oishi 2005, SumK): k − 1 sweeps of error-free two_sums, then a plain sum."""
    p = list(terms)
    for _ in range(k - 1):
        for i in range(1, len(p)):
            p[i], p[i - 1] = two_sum(p[i], p[i - 1])
    lo = p[0]
    for q in p[1:-1]:
        lo = lo + q
    return two_sum(p[-1], lo)


REDUCE_MAX = 6e6  # |h| up to here: |m| < 2^21 in reduce_pi


def reduce_pi(h: np.ndarray, low: np.ndarray, quarter: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """r = h + low (+ π/4 if quarter) − mπ for the nearest integer m, as hi + lo, to about
    1e-30 relative even when r is tiny; |h| <= REDUCE_MAX. For the few points next to a zero.

    With q = m (− ¼), each q·Pi below is exact, and the seven terms are summed by sum_k.
    """
    shift = 0.25 if quarter else 0.0
    q = np.rint(h * (1.0 / np.pi) + shift)
    q -= shift
    return sum_k([h, low] + [q * -p for p in PI_PARTS])


def sin_dd(rh: np.ndarray, rl: np.ndarray) -> np.ndarray:
    """sin(rh + rl) for |rh| <= π/2 and |rl| <= ulp(rh): rh + (rl + rh·u·G(u)), u = rh²."""
    g = _sin_minus_r(rh, rh * rh, SIN_G2)
    g += rl
    return g + rh


def _sin_minus_r(r: np.ndarray, u: np.ndarray, coeffs: tuple[float, ...]) -> np.ndarray:
    """sin r − r = r·u·G(u) for u = r², G(u) = Σ coeffs[k]·u^k (tools/gen_taylor.py), a new array."""
    g = np.multiply(u, coeffs[-1])
    for c in coeffs[-2::-1]:
        g += c
        g *= u
    g *= r
    return g


# --- local expansions next to zeros -------------------------------------------------------


def taylor(y: np.ndarray, zh: np.ndarray, zl: np.ndarray | float | None, key: str) -> np.ndarray:
    """Replace y by the stored Taylor expansion `key` wherever z = zh + zl is inside its window.

    Each expansion is centred on a point c = c_hi + c_mid + c_lo (a zero of the function,
    usually), and d = z − c is summed so that it keeps full relative accuracy even when z,
    carried as zh + zl, lies closer to c than one double's spacing.
    """
    for c_hi, c_mid, c_lo, radius, coeffs in EXPANSIONS.get(key, ()):
        inside = np.subtract(zh, c_hi)
        np.abs(inside, out=inside)
        idx = np.flatnonzero(inside <= radius)
        if not idx.size:
            continue
        s = zh.take(idx)
        s -= c_hi  # exact (Sterbenz) next to the centre
        if zl is None or not np.ndim(zl):
            # two_sum(low, −c_mid) with a scalar low, in Python floats: the same d, bit for bit.
            t1, t2 = two_sum(float(zl or 0.0), -c_mid)
            d = s + t1 if t1 else s
            d += t2 - c_lo
        else:
            t1, t2 = two_sum(zl.take(idx), -c_mid)
            d = (s + t1) + (t2 - c_lo)
        y.put(idx, _horner(coeffs, d))
    return y


def _horner(coeffs: tuple[float, ...], d: np.ndarray) -> np.ndarray:
    """Σ coeffs[k]·d^k; an odd series (x − tanh x) runs in d² at half the cost."""
    if not any(coeffs[0::2]):
        return d * _horner(coeffs[1::2], d * d)
    acc = np.full_like(d, coeffs[-1])
    for c in coeffs[-2::-1]:
        acc *= d
        acc += c
    return acc


@functools.cache
def _erfcx_table() -> np.ndarray:
    """Coefficient k of every interval in row k: a gather along axis 1 gives contiguous rows."""
    return np.ascontiguousarray(np.array(ERFCX).T)


def erfcx(th: np.ndarray, tl: np.ndarray) -> np.ndarray:
    """erfcx(t) = e^(t²)·erfc(t) for t = th + tl in [0, 28], to about 1 ULP.

    A piecewise Taylor table (tools/gen_taylor.py): scipy's erfcx is off by up to 7 ULP.
    """
    table = _erfcx_table()
    # fmax/fmin drop nan (the caller puts nan back), so the cast to an index is always valid.
    i = np.fmin(np.fmax(th * (1.0 / ERFCX_STEP), 0.0), table.shape[1] - 1).astype(np.intp)
    d = i + 0.5
    d *= -ERFCX_STEP
    d += th
    d += tl
    coeffs = np.take(table, i, axis=1)  # (degree + 1, n)
    acc = coeffs[-1].copy()
    for row in coeffs[-2::-1]:
        acc *= d
        acc += row
    return acc
