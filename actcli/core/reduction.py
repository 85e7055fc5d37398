"""Exact reduction modulo π for every double (Payne and Hanek 1983), numpy-vectorised.

sin² and sin 2θ repeat with period π, so snake far out needs h/π modulo 1: for a double
h = m·2^e that fraction depends only on the bits of 1/π from about the e-th on. Those bits
are stored below as 24-bit chunks; m is split in two halves of 26 and 27 bits, so every
product of a half and a chunk (times a power of two) is exact, and its integer part, which
drops out modulo 1, is removed exactly by rint. Nine chunks (216 bits) from the first one
that matters leave an error below 2^-140, beside the 2^-62 that is the least |h/π − m| of any
double (about 2^-60 relative, the worst case for π/2 found by Kahan and McDonald).
"""

from __future__ import annotations

import functools

import numpy as np

from actcli.core.numerics import sum_k, two_prod, two_sum

# floor(2^2400/π) in hex: the bits b_1 b_2 ... of 1/π = Σ b_i·2^−i (mpmath), enough for any
# product of two doubles (below 2^2048).
INV_PI_HEX = (
    '517cc1b727220a94fe13abe8fa9a6ee06db14acc9e21c820ff28b1d5ef5de2b0db92371d2126e97003249775'
    '04e8c90e7f0ef58e5894d39f74411afa975da24274ce38135a2fbf209cc8eb1cc1a99cfa4e422fc5defc941d'
    '8ffc4bffef02cc07f79788c5ad05368fb69b3f6793e584dba7a31fb34f2ff516ba93dd63f5f2f8bd9e839cfb'
    'c529497535fdafd88fc6ae842b0198237e3db5d5f867de104d7a1b0ed4f1c8b0af730d8432ccc2af8a503420'
    '46ffec4026b9939883030aab6539d464b0713de04635a3e20ce1b3e6ee74049541ace23b45cb0e536ed7a268'
    'ab8c829f52ff83829fbf19f419616f27cc193edde19e9377b58f2f7c4f9d0f9ae5793f8ec3f890c83e3e1235'
    '7d376abb9698219d8ae30a5ace8ce1e16256a0a6962e8006233ec316b8f1cd634d803119'
)
_BITS = 4 * len(INV_PI_HEX)
_CHUNK = 24
_TERMS = 9  # chunks used per number
# π as hi + lo (106 bits): enough for r = π·F, F the fraction to about 2^-120.
PI_DD = (3.141592653589793, 1.2246467991473532e-16)
PI_2_DD = (1.5707963267948966, 6.123233995736766e-17)
_SPLIT_HALF = 134217729.0  # 2^27 + 1: m in [0.5, 1) splits into 26 + 27 bits


@functools.cache
def _chunks() -> np.ndarray:
    """N_k = bits b_(24k+1) .. b_(24k+24) of 1/π as an integer, so 1/π = Σ N_k·2^(−24(k+1))."""
    n = int(INV_PI_HEX, 16)
    count = _BITS // _CHUNK
    return np.array([(n >> (_BITS - _CHUNK * (k + 1))) & ((1 << _CHUNK) - 1) for k in range(count)],
                    dtype=np.float64)


def frac_over_pi(h: np.ndarray, shift: np.ndarray | int = 0) -> tuple[np.ndarray, np.ndarray]:
    """F = h·2^shift/π − m for the nearest integer m, as hi + lo with |hi| <= ½, for finite h
    and h·2^shift below 2^2100 (shift lets a product that overflows a double be reduced).
    """
    m, e = np.frexp(h)  # h = m·2^e, 0.5 <= |m| < 1 (m = 0 for h = 0)
    e = e + shift
    # Chunks whose every product with m is an integer drop out: start at k0.
    k0 = np.maximum((e - 53) // _CHUNK, 0)
    c = m * _SPLIT_HALF
    m1 = c - (c - m)  # the high 26 bits of m
    m2 = m - m1
    table = _chunks()
    parts = []
    for j in range(_TERMS):
        k = k0 + j
        ck = np.ldexp(table[k], e - _CHUNK * (k + 1))  # exact: a 24-bit integer times 2^n
        for half in (m1, m2):
            p = half * ck  # exact: 26 or 27 bits times 24
            p -= np.rint(p)  # exact: the fraction (0 for |p| >= 2^52)
            parts.append(p)
    hi, lo = sum_k(parts, 3)
    n = np.rint(hi)
    hi -= n
    return two_sum(hi, lo)


def mod_pi(h: np.ndarray, l: np.ndarray, shift: np.ndarray | int = 0) -> tuple[np.ndarray, np.ndarray]:  # noqa: E741
    """r = (h + l)·2^shift − mπ in [−π/2, π/2] for the nearest integer m, as hi + lo, for finite
    doubles h and l (each exactly reduced; together, for example, an exact product a·x)."""
    fh, fl = frac_over_pi(h, shift)
    gh, gl = frac_over_pi(l, shift)
    s, t = two_sum(fh, gh)
    t += fl
    t += gl
    n = np.rint(s)
    s -= n  # exact: s and n are within ½ + 1 of each other
    s, t = two_sum(s, t)
    # r = π·(s + t)
    rh, rl = two_prod(s, PI_DD[0])
    rl += s * PI_DD[1]
    rl += t * PI_DD[0]
    return two_sum(rh, rl)
