"""Chart speed: 6 curves of 1e6 points against 6 curves of 300, and the ratio.

Decimation keeps each curve's min and max per braille sub-column, so the canvas joins about as
many points either way; what is left of the difference is numpy computing the 6e6 values. The
last line estimates the 1e6 chart without decimation, from the canvas's cost per point.
Run: python benchmarks/plot.py [--n 1e6] [--width 100] [--height 30] [--repeat 5]
"""

from __future__ import annotations

import argparse

import numpy as np
from _timing import best_time

import actcli
import actcli.render.charts as plot

FUNCTIONS = ("sigmoid", "tanh", "relu", "elu", "silu", "softplus")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=float, default=1e6, help="points per curve (default 1e6)")
    ap.add_argument("--few", type=int, default=300, help="points per curve to compare with")
    ap.add_argument("--width", type=int, default=100)
    ap.add_argument("--height", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--only", nargs="*", help=f"functions (default: {' '.join(FUNCTIONS)})")
    args = ap.parse_args()
    acts = [actcli.get(name) for name in args.only or FUNCTIONS]
    n = int(args.n)

    def render(points: int) -> None:
        plot.chart(acts, points=points, width=args.width, height=args.height)

    render(args.few)  # imports plotext (~120 ms, it writes the cells out): not what we measure
    few = best_time(lambda: render(args.few), args.repeat)
    many = best_time(lambda: render(n), args.repeat)
    x = np.linspace(-6, 6, n)
    values = best_time(lambda: [a.value(x) for a in acts], args.repeat)

    # The canvas's own cost per point, measured on a chart drawn undecimated.
    sample = 20_000
    decimate_over = plot.DECIMATE_OVER
    plot.DECIMATE_OVER = float("inf")
    try:
        full = best_time(lambda: render(sample), 1)
    finally:
        plot.DECIMATE_OVER = decimate_over
    per_point = (full - few) / (len(acts) * (sample - args.few))

    k = len(acts)
    print(f"{k} curves ({', '.join(a.label for a in acts)}), {args.width}x{args.height} chart")
    print(f"{k} x {args.few:>9,} points: {few * 1e3:8.1f} ms")
    print(f"{k} x {n:>9,} points: {many * 1e3:8.1f} ms   ratio {many / few:.1f}x")
    print(f"  of which numpy computing the {k * n:,} values: {values * 1e3:.1f} ms")
    print(
        f"  without decimation the canvas would take ~{per_point * k * n:.1f} s"
        f" ({per_point * 1e6:.1f} µs a point)"
    )


if __name__ == "__main__":
    main()
