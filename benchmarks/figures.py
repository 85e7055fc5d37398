"""Figures: median wall time of `actcli plot sigmoid tanh --deriv --save f.svg` (and .png, .pdf,
.html) over `python -c "import numpy"`, and what matplotlib's import takes of it.

Goal (issue 17): the .svg at most 8x the floor. Each command runs --runs times, interleaved with
the floor so that load on the machine affects both alike. Run: python benchmarks/figures.py
[--runs 11]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from startup import ACTCLI, wall

GOAL = 8.0
PLOT = [ACTCLI, "plot", "sigmoid", "tanh", "--deriv", "--save"]
# What the figure's import costs, piece by piece (each a fresh interpreter).
IMPORTS = {
    "import matplotlib": "import matplotlib",
    "+ matplotlib.figure": "import matplotlib.figure",
    "+ the SVG backend": "import matplotlib.figure, matplotlib.backends.backend_svg",
    "(pyplot, not used)": "import matplotlib.pyplot",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=11)
    args = ap.parse_args()
    floor_cmd = [sys.executable, "-c", "import numpy"]
    with tempfile.TemporaryDirectory() as tmp:
        cases = {f"plot sigmoid tanh --deriv --save f{s}": [*PLOT, str(Path(tmp) / f"f{s}")]
                 for s in (".svg", ".png", ".pdf", ".html")}  # fmt: skip
        cases["plot sigmoid tanh --deriv (terminal)"] = PLOT[:-1]
        cases.update({name: [sys.executable, "-c", code] for name, code in IMPORTS.items()})
        times: dict[str, list[float]] = {name: [] for name in cases}
        floor: list[float] = []
        for _ in range(args.runs):
            floor.append(wall(floor_cmd, {}))
            for name, cmd in cases.items():
                times[name].append(wall(cmd, {}))
    base = statistics.median(floor)
    print(f"floor: python -c 'import numpy'  {base * 1e3:7.1f} ms (median of {args.runs})")
    for name in cases:
        t = statistics.median(times[name])
        goal = ""
        if name.endswith(".svg"):
            goal = f"  (goal <= {GOAL:g}x: {'ok' if t / base <= GOAL else 'over'})"
        print(f"{name:44s} {t * 1e3:7.1f} ms  {t / base:5.2f}x{goal}")


if __name__ == "__main__":
    main()
