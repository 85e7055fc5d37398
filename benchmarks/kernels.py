"""Kernel speed: ns/element for value and grad of every catalog function.

Each figure is also given as a ratio to a plain `np.copyto` of the same array into a
preallocated one, measured in the same run (the memory-bandwidth floor); the kernels write into
a preallocated `out` too, single-threaded. The last column is the speed-up of value with
`--threads` threads (default 2) over one.

Run: python benchmarks/kernels.py [--n 1e7] [--repeat 3] [--only sigmoid relu]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import actcli


def best_time(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=float, default=1e7)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--only", nargs="*", help="function names (default: all)")
    args = ap.parse_args()
    n = int(args.n)
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        x = (rng.standard_normal(n) * 5).astype(dtype)
        dst = np.empty_like(x)
        floor = best_time(lambda: np.copyto(dst, x), args.repeat) / n * 1e9
        print(f"\n{np.dtype(dtype).name}, n={n:.0e}: np.copyto floor {floor:.2f} ns/element")
        print(f"{'function':14s} {'value ns/el':>12s} {'ratio':>7s} {'grad ns/el':>12s} {'ratio':>7s} "
              f"{f'x{args.threads} threads':>12s}")
        for name in args.only or actcli.names():
            act = actcli.get(name)
            act.value(x[:10])  # lazy imports (scipy for gelu) are not part of the figure
            tv = best_time(lambda: act.value(x, threads=1, out=dst), args.repeat) / n * 1e9
            tg = best_time(lambda: act.grad(x, threads=1, out=dst), args.repeat) / n * 1e9
            tp = best_time(lambda: act.value(x, threads=args.threads, out=dst), args.repeat) / n * 1e9
            print(f"{name:14s} {tv:12.2f} {tv / floor:7.1f} {tg:12.2f} {tg / floor:7.1f} {tv / tp:12.2f}")


if __name__ == "__main__":
    main()
