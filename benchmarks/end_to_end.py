"""End to end: big inputs through the installed `actcli`, against plain numpy, in one run.

(a) .npy in, .npy out: `actcli grad relu --input x.npy --output y.npy` for --n points (1e7)
    over a numpy script that loads x, computes np.maximum(x, 0) and saves it. Goal <= 2x.
(b) JSON out: `actcli eval relu --range -1 1 --num N --json > /dev/null`, ns per point, the
    start-up (the same command with --num 1) taken off. Goal <= 120 ns/point.
(c) Text in: `actcli eval relu --input x.txt --output y.npy` for a text file of N numbers
    (repr, one a line), ns per number, start-up taken off. Goal <= 250 ns/number.
(d) Memory: peak RSS of `actcli grad relu --input big.npy --output out.npy` for --big points
    (1e8: an 800 MB input). Goal <= 300 MB.

Each command runs --runs times (default 5), interleaved with what it is compared with, so
that other load on the machine falls on both; the best and the median are shown, and ratios
are of the best. Output files are deleted before each run, so every run writes a new file.
The files are made in a temporary directory (--tmp, default the system's) and deleted; (d)
needs about 2.5 GB there. The package is byte-compiled first, as an install leaves it.

Run: python benchmarks/end_to_end.py [--n 1e7] [--big 1e8] [--runs 5] [--tmp DIR]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

import actcli

BIN = Path(sys.executable).parent
ACTCLI = str(BIN / "actcli")
BASELINE = """
import sys
import numpy as np
x = np.load(sys.argv[1])
np.save(sys.argv[2], np.maximum(x, 0))
"""


def run(cmd: list[str], stdout: Any = subprocess.DEVNULL, remove: tuple[Path, ...] = ()) -> float:
    """Wall time (s) of one run of `cmd`, after deleting the files `remove`."""
    for path in remove:
        path.unlink(missing_ok=True)
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - t
    if r.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr.decode()}")
    return wall


def peak_rss(cmd: list[str]) -> float:
    """Peak RSS (MB) of `cmd`, from GNU time's "Maximum resident set size". (A child's own
    ru_maxrss would not do: it starts from this process's size, copied at the fork.)"""
    r = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True, check=True)
    line = next(s for s in r.stderr.splitlines() if "Maximum resident set size" in s)
    return int(line.split(":")[1]) / 1024


Commands = dict[str, tuple[list[str], tuple[Path, ...]]]  # name: (argv, files to delete first)


def times(cmds: Commands, runs: int) -> dict[str, list[float]]:
    """Each command `runs` times, interleaved: wall times in seconds."""
    out: dict[str, list[float]] = {name: [] for name in cmds}
    with open(os.devnull, "wb") as null:
        for _ in range(runs):
            for name, (cmd, remove) in cmds.items():
                out[name].append(run(cmd, null, remove))
    return out


def show(name: str, values: list[float]) -> None:
    best, median = min(values) * 1e3, statistics.median(values) * 1e3
    print(f"  {name:46s} best {best:7.1f} ms   median {median:7.1f} ms")


def write_npy(path: Path, n: int, seed: int) -> None:
    """n standard normal float64 values, written a block at a time."""
    rng = np.random.default_rng(seed)
    with open(path, "wb") as f:
        np.lib.format.write_array_header_1_0(
            f, {"descr": "<f8", "fortran_order": False, "shape": (n,)}
        )
        for lo in range(0, n, 1 << 22):
            f.write(rng.standard_normal(min(1 << 22, n - lo)).tobytes())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=float, default=1e7, help="points for (a), (b), (c)")
    ap.add_argument("--big", type=float, default=1e8, help="points for (d)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tmp", help="where to make the files (default: the system's temp dir)")
    args = ap.parse_args()
    n, big = int(args.n), int(args.big)
    compileall.compile_dir(Path(actcli.__file__).parent, quiet=1)
    print(
        f"actcli {actcli.__version__}, numpy {np.__version__}, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores; best and median of {args.runs} runs"
    )

    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        d = Path(tmp)
        (d / "baseline.py").write_text(BASELINE)
        x_npy, out_npy, base_npy = d / "x.npy", d / "y.npy", d / "base.npy"
        write_npy(x_npy, n, 0)

        print(f"\n(a) .npy -> .npy, {n:.0e} points (goal <= 2x numpy)")
        t = times(
            {
                "numpy: load, np.maximum(x, 0), save": (
                    [sys.executable, str(d / "baseline.py"), str(x_npy), str(base_npy)],
                    (base_npy,),
                ),
                "actcli grad relu --input x.npy --output y.npy": (
                    [ACTCLI, "grad", "relu", "--input", str(x_npy), "--output", str(out_npy)],
                    (out_npy,),
                ),
            },
            args.runs,
        )
        for name, values in t.items():
            show(name, values)
        (base, ours) = t.values()
        median = statistics.median(ours) / statistics.median(base)
        print(f"  ratio {min(ours) / min(base):.2f}x (of the medians: {median:.2f}x)")
        out_npy.unlink(missing_ok=True)
        base_npy.unlink(missing_ok=True)

        print(f"\n(b) JSON out, {n:.0e} points (goal <= 120 ns/point)")
        json_cmd = [ACTCLI, "eval", "relu", "--range", "-1", "1", "--json", "--num"]
        t = times(
            {"start-up (--num 1)": (json_cmd + ["1"], ()), f"--num {n}": (json_cmd + [str(n)], ())},
            args.runs,
        )
        for name, values in t.items():
            show(name, values)
        start, full = (min(v) for v in t.values())
        print(f"  {(full - start) / n * 1e9:.0f} ns/point")

        print(f"\n(c) text in, {n:.0e} numbers (goal <= 250 ns/number)")
        text = d / "x.txt"
        x = np.load(x_npy)
        with open(text, "w") as f:
            for lo in range(0, n, 1 << 20):
                f.write("\n".join(map(repr, x[lo : lo + (1 << 20)].tolist())) + "\n")
        del x
        one = d / "one.txt"
        one.write_text("0.5\n")
        t = times(
            {
                "start-up (one number)": (
                    [ACTCLI, "eval", "relu", "--input", str(one), "--output", str(out_npy)],
                    (out_npy,),
                ),
                f"--input x.txt ({text.stat().st_size / 1e6:.0f} MB)": (
                    [ACTCLI, "eval", "relu", "--input", str(text), "--output", str(out_npy)],
                    (out_npy,),
                ),
            },
            args.runs,
        )
        for name, values in t.items():
            show(name, values)
        start, full = (min(v) for v in t.values())
        print(f"  {(full - start) / n * 1e9:.0f} ns/number")
        text.unlink()
        out_npy.unlink(missing_ok=True)
        x_npy.unlink()

        print(f"\n(d) peak memory, .npy -> .npy, {big:.0e} points (goal <= 300 MB)")
        write_npy(x_npy, big, 1)
        t = time.perf_counter()
        rss = peak_rss([ACTCLI, "grad", "relu", "--input", str(x_npy), "--output", str(out_npy)])
        wall = time.perf_counter() - t
        floor = peak_rss([sys.executable, "-c", "import numpy"])
        size_in, size_out = x_npy.stat().st_size / 1e6, out_npy.stat().st_size / 1e6
        print(f"  input {size_in:.0f} MB, output {size_out:.0f} MB, {wall:.1f} s")
        print(f"  peak RSS {rss:.0f} MB (python -c 'import numpy': {floor:.0f} MB)")


if __name__ == "__main__":
    main()
