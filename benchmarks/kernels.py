"""Kernel speed: ns/element for value and grad of every catalog function.

Each figure is also given as a ratio to a plain `np.copyto` of the same array into a
preallocated one, measured in the same run (the memory-bandwidth floor); the kernels write into
a preallocated `out` too, single-threaded. `x2 threads` is the speed-up of value with
`--threads` threads (default 2) over one; `vs textbook` is the textbook numpy formula's time
over actcli's (value and grad together; > 1 means actcli is faster), where there is one.
`goal` is the issue's most ns/element over the floor for the function's family, and `met` says
whether value and grad both keep to it.

Run: python benchmarks/kernels.py [--n 1e7] [--repeat 3] [--only sigmoid relu]
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import best_time

import actcli


def _sig(x):
    return 1 / (1 + np.exp(-x))


def _erf(x):
    from scipy.special import erf

    return erf(x)


# The textbook numpy forms actcli's kernels replace: (value, grad), whole-array expressions.
TEXTBOOK = {
    "sigmoid": (_sig, lambda x: _sig(x) * (1 - _sig(x))),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(x.dtype)),
    "leaky_relu": (lambda x: np.where(x > 0, x, 0.01 * x), lambda x: np.where(x > 0, 1.0, 0.01)),
    "elu": (lambda x: np.where(x > 0, x, np.exp(x) - 1), lambda x: np.where(x > 0, 1.0, np.exp(x))),
    "softplus": (lambda x: np.log(1 + np.exp(x)), _sig),
    "silu": (lambda x: x * _sig(x), lambda x: _sig(x) * (1 + x * (1 - _sig(x)))),
    "gelu": (lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
             lambda x: 0.5 * (1 + _erf(x / np.sqrt(2))) + x * np.exp(-x * x / 2) / np.sqrt(2 * np.pi)),
    "mish": (lambda x: x * np.tanh(np.log1p(np.exp(x))), None),
    "softsign": (lambda x: x / (1 + np.abs(x)), lambda x: 1 / (1 + np.abs(x)) ** 2),
    "tanhshrink": (lambda x: x - np.tanh(x), lambda x: np.tanh(x) ** 2),
    "snake": (lambda x: x + np.sin(x) ** 2, lambda x: 1 + np.sin(2 * x)),
}


# The goals, as the most ns/element over the np.copyto floor, for value and grad alike.
GOALS = {
    **dict.fromkeys(("relu", "leaky_relu", "relu6", "hardtanh", "linear"), 2),
    **dict.fromkeys(("sigmoid", "tanh", "silu", "quick_gelu", "softplus", "logsigmoid", "elu", "selu", "celu"), 6),
    "gelu": 30,  # erf-based
}
DEFAULT_GOAL = 15


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
        # The floor on several threads: the most any memory-bound kernel can gain from them.
        floor_p = best_time(lambda: actcli.get("linear").value(x, threads=args.threads, out=dst), args.repeat)
        floor_1 = best_time(lambda: actcli.get("linear").value(x, threads=1, out=dst), args.repeat)
        print(f"\n{np.dtype(dtype).name}, n={n:.0e}: np.copyto floor {floor:.2f} ns/element; "
              f"a copy on {args.threads} threads is x{floor_1 / floor_p:.2f} one thread's speed")
        print(f"{'function':20s} {'value ns/el':>12s} {'ratio':>7s} {'grad ns/el':>12s} {'ratio':>7s} "
              f"{'goal':>5s} {'met':>4s} {f'x{args.threads} threads':>12s} {'vs textbook':>12s}")
        for name in args.only or actcli.names():
            act = actcli.get(name)
            act.value(x[:10])  # lazy imports (scipy for gelu) are not part of the figure
            tv = best_time(lambda: act.value(x, threads=1, out=dst), args.repeat) / n * 1e9
            tg = best_time(lambda: act.grad(x, threads=1, out=dst), args.repeat) / n * 1e9
            tp = best_time(lambda: act.value(x, threads=args.threads, out=dst), args.repeat) / n * 1e9
            book = ""
            if name in TEXTBOOK:
                fv, fg = TEXTBOOK[name]
                with np.errstate(all="ignore"):
                    tb = best_time(lambda: fv(x), args.repeat) / n * 1e9
                    mine = tv
                    if fg is not None:
                        tb += best_time(lambda: fg(x), args.repeat) / n * 1e9
                        mine += tg
                book = f"{tb / mine:.2f}"
            goal = GOALS.get(name, DEFAULT_GOAL)
            met = "yes" if max(tv, tg) / floor <= goal else "no"
            print(f"{name:20s} {tv:12.2f} {tv / floor:7.1f} {tg:12.2f} {tg / floor:7.1f} {goal:5d} {met:>4s} "
                  f"{tv / tp:12.2f} {book:>12s}")


if __name__ == "__main__":
    main()
