#!/usr/bin/env python
"""Generate the mpmath reference of f and f' in float16 and bfloat16 (#19).

What it generates
-----------------
``tests/data/half_reference.npz``: for every catalog function at its defaults, f(x) and f'(x)
correctly rounded to float16 and to bfloat16, at every finite value x of that format (for the
functions in ``EVERY``) or at every ``STRIDE``-th finite value in bit-pattern order (the
others). Keys: ``{format}/x/{every|stride}`` (the points' bit patterns, uint16) and
``{format}/{function}/{value|grad}`` (the results' bit patterns, uint16), plus
``meta/generator_sha256``.

How to run
----------
    python tests/reference/make_half_reference.py      # from the repository root

About 5 minutes on 2 cores (two worker processes). Deterministic: fixed point sets, and the
archive is written with fixed timestamps (``make_reference.save_npz``).

Method
------
The functions are the mpmath definitions of ``make_reference.py`` (written independently of
actcli). Each x (a float16 or bfloat16 value, so a float64 exactly) is evaluated at 120 and at
240 bits; if the two agree to 100 bits and round to the same value in both formats, that value
is taken, else ``make_reference.evaluate`` (80 digits and more, adaptive, zeros confirmed at
5120 digits) decides. The result is rounded once to the format with ``round_binary`` (ties to
even, subnormals, overflow to ±inf).
"""

import hashlib
import multiprocessing
import os
import sys
import time

import ml_dtypes
import numpy as np
from mpmath import mp, mpf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_reference as R  # noqa: E402

OUT = os.path.normpath(os.path.join(HERE, "..", "data", "half_reference.npz"))
FORMATS = {"float16": (np.float16, (11, -14, 15)), "bfloat16": (ml_dtypes.bfloat16, (8, -126, 127))}
EVERY = ("sigmoid", "tanh", "gelu", "silu")  # every finite value
STRIDE = 8  # the other functions: every 8th finite value
NAMES = [k for k in R.FUNCTIONS if ":" not in k]
QUANTITIES = ("value", "grad")


def finite_bits(name: str) -> np.ndarray:
    """The bit patterns of every finite value of the format, most negative first."""
    dtype = FORMATS[name][0]
    bits = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
    ordered = np.concatenate([bits[0x8000:][::-1], bits[:0x8000]])
    return ordered[np.isfinite(ordered.view(dtype).astype(np.float32))]


def points(name: str, every: bool) -> np.ndarray:
    bits = finite_bits(name)
    return bits if every else bits[::STRIDE]


def _agree(a, b) -> bool:
    if a == 0 or b == 0:
        return False  # zeros are left to R.evaluate, which confirms them
    return abs(a - b) <= abs(b) * mpf(2) ** -100


def rounded(fn, x: float, specs) -> list[float]:
    """fn(x) rounded once to each (mant, emin, emax) in specs."""
    with mp.workprec(120):
        a = mpf(fn(mpf(x)))
    with mp.workprec(240):
        b = mpf(fn(mpf(x)))
        if _agree(a, b):
            ra = [R.round_binary(a, *s) for s in specs]
            rb = [R.round_binary(b, *s) for s in specs]
            if ra == rb:
                return rb
    v, _ = R.evaluate(fn, x)
    with mp.workprec(240):
        return [R.round_binary(v, *s) if v != 0 else 0.0 for s in specs]


def task(job):
    key, q, xs, fmt_names = job
    fn = getattr(R.FUNCTIONS[key], q)
    specs = [FORMATS[n][1] for n in fmt_names]
    return job[:2], xs, fmt_names, [rounded(fn, x, specs) for x in xs]


def main() -> None:
    t0 = time.time()
    jobs = []
    # Each function's points: the union over the formats, each x evaluated once for both.
    for key in NAMES:
        every = key in EVERY
        owners: dict[float, list[str]] = {}
        for name, (dtype, _) in FORMATS.items():
            for x in points(name, every).view(dtype).astype(np.float64).tolist():
                owners.setdefault(x, []).append(name)
        xs = sorted(owners)
        for q in QUANTITIES:
            for i in range(0, len(xs), 2000):
                part = xs[i : i + 2000]
                groups: dict[tuple, list[float]] = {}
                for x in part:
                    groups.setdefault(tuple(owners[x]), []).append(x)
                for names, gx in groups.items():
                    jobs.append((key, q, gx, names))
    print(f"{len(jobs)} tasks", file=sys.stderr)
    results: dict[tuple, dict[str, dict[float, float]]] = {}
    with multiprocessing.Pool(2) as pool:
        for n, ((key, q), xs, names, out) in enumerate(pool.imap_unordered(task, jobs, chunksize=1)):
            for j, name in enumerate(names):
                d = results.setdefault((key, q), {}).setdefault(name, {})
                d.update({x: r[j] for x, r in zip(xs, out, strict=True)})
            if n % 50 == 0:
                print(f"[{time.time() - t0:6.0f}s] {n}/{len(jobs)}", file=sys.stderr, flush=True)
    arrays = {}
    for name, (dtype, _) in FORMATS.items():
        for every, tag in ((True, "every"), (False, "stride")):
            arrays[f"{name}/x/{tag}"] = points(name, every)
        for key in NAMES:
            xb = points(name, key in EVERY)
            xs = xb.view(dtype).astype(np.float64).tolist()
            for q in QUANTITIES:
                vals = np.array([results[key, q][name][x] for x in xs])
                arrays[f"{name}/{key}/{q}"] = vals.astype(dtype).view(np.uint16)  # exact
    with open(os.path.abspath(__file__), "rb") as fh:
        arrays["meta/generator_sha256"] = np.array(hashlib.sha256(fh.read()).hexdigest())
    R.save_npz(OUT, arrays)
    print(f"wrote {OUT} ({os.path.getsize(OUT) / 1e6:.2f} MB) in {time.time() - t0:.0f}s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
