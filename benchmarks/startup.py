"""Start-up: median wall time of one-shot commands over `python -c "import numpy"`.

Goals (issue 6): `actcli grad relu --json -- -2 0 3` <= 1.5x, one completion request <= 1.5x,
`actcli --help` <= 2x. Each command runs --runs times, interleaved with the floor so that load
on the machine affects both alike. Run: python benchmarks/startup.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ACTCLI = str(BIN / "actcli")

CASES = {
    "grad relu --json -- -2 0 3": ([ACTCLI, "grad", "relu", "--json", "--", "-2", "0", "3"], {}, 1.5),
    "completion (actcli grad si<TAB>)": (
        [ACTCLI],
        {"_ACTCLI_COMPLETE": "complete_bash", "COMP_WORDS": "actcli grad si", "COMP_CWORD": "2"},
        1.5,
    ),
    "--help": ([ACTCLI, "--help"], {}, 2.0),
}


def wall(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    floor_cmd = [sys.executable, "-c", "import numpy"]
    times: dict[str, list[float]] = {name: [] for name in CASES}
    floor: list[float] = []
    for _ in range(args.runs):
        floor.append(wall(floor_cmd, {}))
        for name, (cmd, env, _goal) in CASES.items():
            times[name].append(wall(cmd, env))
    base = statistics.median(floor)
    print(f"floor: python -c 'import numpy'  {base * 1e3:7.1f} ms (median of {args.runs})")
    for name, (_cmd, _env, goal) in CASES.items():
        t = statistics.median(times[name])
        verdict = "ok" if t / base <= goal else "over"
        print(f"{name:36s} {t * 1e3:7.1f} ms  {t / base:5.2f}x  (goal <= {goal}x: {verdict})")


if __name__ == "__main__":
    main()
