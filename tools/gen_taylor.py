"""Generate actcli/core/_taylor.py: Taylor expansions next to the zeros of derivatives.

Closed forms like silu'(x) = σ(x) + x·σ'(x) subtract nearly equal numbers near their zeros, so
their relative error grows without bound there. Next to each zero c, actcli evaluates instead
sum_k a_k·(x − c)^k, with c carried as hi + lo and the a_k computed here with mpmath at 60
digits. The window radius is where the closed form becomes accurate again (the tests check
both sides of each edge); the degree is the smallest that keeps the tail below 2^-60 of the
leading term everywhere in the window.

Run: python tools/gen_taylor.py  (needs mpmath; tests/test_generated.py checks the output is current)
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import mpmath as mp

mp.mp.dps = 60
OUT = Path(__file__).resolve().parent.parent / "actcli" / "core" / "_taylor.py"

K0, K1 = mp.mpf(0.7978845608028654), mp.mpf(0.044715)  # the doubles actcli's gelu_tanh uses


def sig(z):
    return 1 / (1 + mp.exp(-z))


def silu(z):
    return z * sig(z)


def gelu(x):
    return x * mp.ncdf(x)


def gelu_tanh(x):
    return x * sig(2 * K0 * (x + K1 * x**3))


def mish(x):
    return x * mp.tanh(mp.log1p(mp.exp(x)))


def tanhshrink(x):
    return x - mp.tanh(x)


# key: (function, derivative order, search interval for zeros, window radius)
SPECS = {
    "silu'": (silu, 1, (-10, 10), 0.15),
    "silu''": (silu, 2, (-10, 10), 0.5),
    "gelu'": (gelu, 1, (-10, 10), 0.4),
    "gelu_tanh'": (gelu_tanh, 1, (-10, 10), 0.4),
    "gelu_tanh''": (gelu_tanh, 2, (-10, 10), 0.4),
    "mish'": (mish, 1, (-10, 10), 0.5),
    "mish''": (mish, 2, (-10, 10), 0.5),
}


def zeros(f, lo, hi, steps=200):
    """Simple zeros of f on [lo, hi]: sign changes on a grid, polished by findroot."""
    found = []
    xs = [mp.mpf(lo) + (mp.mpf(hi) - lo) * i / steps for i in range(steps + 1)]
    ys = [f(x) for x in xs]
    for a, b, fa, fb in zip(xs, xs[1:], ys, ys[1:], strict=False):
        if fa == 0 or fa * fb < 0:
            found.append(mp.findroot(f, (a, b), solver="anderson"))
    return found


def expansion(f, order, c, radius, first=1):
    """Coefficients of f^(order) around c, up to the degree where the tail is negligible."""
    b = mp.taylor(f, c, 48 + order)
    coeffs = [mp.fprod(range(k + 1, k + order + 1)) * b[k + order] for k in range(len(b) - order)]
    lead = abs(coeffs[first]) * mp.mpf(radius) ** first
    degree = max(k for k in range(len(coeffs)) if abs(coeffs[k]) * mp.mpf(radius) ** k > lead * mp.mpf(2) ** -60)
    if degree >= len(coeffs) - 2:
        sys.exit(f"series around {c} does not converge fast enough for radius {radius}")
    return [float(a) for a in coeffs[: degree + 1]]


def erfcx_table(step=0.25, top=28.0):
    """Taylor coefficients of erfcx(t) = e^(t²)·erfc(t) around t = step·(i + ½), for t in [0, top].

    The derivatives follow a recurrence: y' = 2ty − 2/√π, y^(n+1) = 2t·y^(n) + 2n·y^(n−1).
    scipy's erfcx/erfc are off by up to 7 ULP; this table keeps gelu within its 4 ULP.
    """
    half = mp.mpf(step) / 2
    rows = []
    for i in range(int(top / step)):
        t = step * i + half
        a = [mp.exp(t * t) * mp.erfc(t), 2 * t * mp.exp(t * t) * mp.erfc(t) - 2 / mp.sqrt(mp.pi)]
        for k in range(1, 40):
            a.append((2 * t * a[k] + 2 * a[k - 1]) / (k + 1))
        degree = max(k for k in range(len(a)) if abs(a[k]) * half**k > abs(a[0]) * mp.mpf(2) ** -60)
        rows.append([float(c) for c in a[: degree + 1]])
    width = max(len(r) for r in rows)
    return [r + [0.0] * (width - len(r)) for r in rows]


def sin_poly(limit, terms, tolerance):
    """G with sin r = r + r·u·G(u), u = r², for |r| <= limit: a Chebyshev fit on u in
    [0, limit²], within `tolerance` of G (whose constant term −1/6 rounds by 9e-18 anyway)."""

    def g(u):
        if u == 0:
            return mp.mpf(-1) / 6
        r = mp.sqrt(u)
        return (mp.sin(r) - r) / r**3

    top = limit**2 * (1 + mp.mpf(2) ** -40)  # m = rint(y/limit) may be off by one rounding
    poly, err = mp.chebyfit(g, [0, top], terms, error=True)
    assert err < tolerance, err
    return [float(a) for a in reversed(poly)]  # a_0 first


def pi_split():
    """π = P1 + P2 (+ under 1e-26): P1 keeps 33 significant bits, so m·P1 is exact for |m| < 2^20."""
    p1 = float(mp.mpf(int(mp.pi * 2**31)) / 2**31)  # 2 bits before the point, 31 after
    return p1, float(mp.pi - p1)


def pi_parts():
    """π = P1 + ... + P5: P1..P4 keep 30 significant bits, so q·Pi is exact for any q with at
    most 23 (m − ¼ for |m| < 2^21); P5 is the rest, to within 1e-53."""
    parts, rest = [], mp.pi
    for _ in range(4):
        e = int(mp.floor(mp.log(abs(rest), 2)))
        p = float(mp.mpf(int(rest * mp.mpf(2) ** (29 - e))) / mp.mpf(2) ** (29 - e))
        parts.append(p)
        rest -= p
    parts.append(float(rest))
    return tuple(parts)


def tanhshrink_series(radius):
    """x − tanh x = Σ_{n>=2} −2^(2n)(2^(2n) − 1)B_(2n)/(2n)! · x^(2n−1), to the needed degree."""
    coeffs = [mp.mpf(0)] * 400
    for n in range(2, 200):
        coeffs[2 * n - 1] = -(2 ** (2 * n)) * (2 ** (2 * n) - 1) * mp.bernoulli(2 * n) / mp.factorial(2 * n)
    lead = abs(coeffs[3]) * mp.mpf(radius) ** 3
    degree = max(k for k in range(400) if abs(coeffs[k]) * mp.mpf(radius) ** k > lead * mp.mpf(2) ** -60)
    return [float(a) for a in coeffs[: degree + 1]]


def main() -> None:
    entries: dict[str, list[tuple]] = {}
    for key, (f, order, (lo, hi), radius) in SPECS.items():
        d = functools.partial(mp.diff, f, n=order)
        for c in zeros(d, lo, hi):
            c_hi = float(c)
            c_mid = float(c - mp.mpf(c_hi))
            c_lo = float(c - mp.mpf(c_hi) - mp.mpf(c_mid))
            entries.setdefault(key, []).append((c_hi, c_mid, c_lo, radius, expansion(f, order, c, radius)))
    entries["tanhshrink"] = [(0.0, 0.0, 0.0, 1.0, tanhshrink_series(1.0))]

    lines = [
        '"""Generated by tools/gen_taylor.py; do not edit.',
        "",
        "EXPANSIONS: key -> ((centre hi, mid, lo, window radius, coefficients a_0..a_n), ...)",
        "ERFCX_STEP, ERFCX: Taylor coefficients of erfcx around ERFCX_STEP·(i + ½), one row per i",
        "SIN_G2, SIN_G4: sin r = r + r·u·G(u), u = r², G(u) = Σ G[k]·u^k, for |r| <= π/2, π/4",
        "PI_SPLIT: π = P1 + P2 (+ under 1e-26), P1 with 33 significant bits",
        "PI_PARTS: π = P1 + ... + P5 (+ under 1e-53), P1..P4 with 30 significant bits",
        '"""',
        "",
        "EXPANSIONS: dict[str, tuple[tuple[float, float, float, float, tuple[float, ...]], ...]] = {",
    ]
    for key, items in entries.items():
        lines.append(f"    {key!r}: (")
        for c_hi, c_mid, c_lo, radius, coeffs in items:
            lines.append(f"        ({c_hi!r}, {c_mid!r}, {c_lo!r}, {radius!r}, (")
            lines.extend(f"            {a!r}," for a in coeffs)
            lines.append("        )),")
        lines.append("    ),")
    lines.append("}")
    lines.append("")
    lines.append("ERFCX_STEP = 0.25")
    lines.append("ERFCX: tuple[tuple[float, ...], ...] = (")
    lines.extend(f"    ({', '.join(repr(c) for c in row)},)," for row in erfcx_table())
    lines.append(")")
    lines.append("")
    lines.append(f"SIN_G2 = ({', '.join(repr(a) for a in sin_poly(mp.pi / 2, 8, 1e-18))})")
    lines.append(f"SIN_G4 = ({', '.join(repr(a) for a in sin_poly(mp.pi / 4, 6, 3e-17))})")
    lines.append(f"PI_SPLIT = {pi_split()!r}")
    lines.append(f"PI_PARTS = {pi_parts()!r}")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT} ({sum(len(v) for v in entries.values())} expansions)")


if __name__ == "__main__":
    main()
