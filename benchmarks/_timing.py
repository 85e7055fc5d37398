"""What the benchmark scripts share: timing a call. Run them as `python benchmarks/NAME.py`,
which puts this folder on sys.path."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` calls of fn, in seconds: the run least disturbed by other load."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best
