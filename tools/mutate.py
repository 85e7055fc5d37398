"""Mutation testing of one module with mutmut 3.x (`pip install "mutmut>=3,<4"`).

    nice -n 10 python tools/mutate.py MODULE              # a fresh full run, then the results
    python tools/mutate.py MODULE results                  # any other mutmut command, forwarded
    python tools/mutate.py MODULE show NAME                # the diff of one mutant
    python tools/mutate.py MODULE check [NAME...] [-- PYTEST ARGS]   # survivors vs today's tests
    python tools/mutate.py MODULE compare NAME...          # core: results with and without

MODULE is one of the keys of MODULES below. mutmut reads its settings only from
pyproject.toml's [tool.mutmut], so each module gets a working copy of the project in
mutants/MODULE/ (git-ignored) whose [tool.mutmut] names that module and the tests that
exercise it; mutmut works inside that copy (in mutants/MODULE/mutants/). `check` applies
each named mutant (default: every survivor of the last run) to the tests as they are now in
the tree, one pytest run each, without mutmut's stats pass: "killed since" in MUTANTS.md. Modules can be
inspected side by side, and nothing in the tree is edited. Scores and survivors:
tests/MUTANTS.md. Not part of the suite or CI.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# module -> (files to mutate, tests that exercise them). The tests are chosen to catch what a
# user of the module can see; a test left out makes false survivors, an extra one only costs
# time on the mutants it reaches (mutmut runs, per mutant, only the tests that called it).
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "registry": (
        ["actcli/core/registry.py"],
        [
            "tests/test_core.py",
            "tests/test_dialects.py",
            "tests/test_flow.py",
            "tests/test_cli_errors.py",
        ],
    ),
    "kernels": (
        ["actcli/core/kernels.py"],
        ["tests/test_core.py", "tests/test_accuracy.py", "tests/test_half.py"],
    ),
    "writers": (
        ["actcli/io/writers.py"],
        [
            "tests/test_io.py",
            "tests/test_io_stream.py",
            "tests/test_cli_stream.py",
            "tests/test_cli.py",
            "tests/test_cli_dialects.py",
            "tests/test_roundtrip.py",
            "tests/test_half.py",
        ],
    ),
    "numerics": (
        ["actcli/core/numerics.py"],
        ["tests/test_accuracy.py", "tests/test_core.py"],
    ),
    "catalog": (
        ["actcli/core/catalog.py"],
        ["tests/test_accuracy.py", "tests/test_core.py", "tests/test_dialects.py"],
    ),
    "sources": (
        ["actcli/io/sources.py"],
        [
            "tests/test_io.py",
            "tests/test_io_stream.py",
            "tests/test_cli_stream.py",
            "tests/test_cli_errors.py",
            "tests/test_cli.py",
            "tests/test_roundtrip.py",
            "tests/test_half.py",
        ],
    ),
    "columns": (
        ["actcli/io/columns.py"],
        [
            "tests/test_roundtrip.py",
            "tests/test_io.py",
            "tests/test_io_stream.py",
            "tests/test_cli_errors.py",
            "tests/test_half.py",
        ],
    ),
    "numbers": (
        ["actcli/io/numbers.py"],
        [
            "tests/test_io.py",
            "tests/test_io_stream.py",
            "tests/test_cli_stream.py",
            "tests/test_cli_errors.py",
            "tests/test_roundtrip.py",
            "tests/test_half.py",
        ],
    ),
    "expr": (["actcli/core/expr/*"], ["tests/test_expr.py", "tests/test_cli_expr.py"]),
    "formats": (
        ["actcli/core/formats.py"],
        ["tests/test_half.py", "tests/test_io.py", "tests/test_roundtrip.py"],
    ),
    "saturation": (["actcli/core/saturation.py"], ["tests/test_half.py"]),
}


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def _copy_project(work: Path) -> None:
    """The project's files (tracked or new, not ignored) into `work`, unchanged ones left alone."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    for rel in listed:
        src, dst = ROOT / rel, work / rel
        if not src.is_file():
            continue
        if dst.exists() and dst.read_bytes() == src.read_bytes():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


def _configure(work: Path, module: str) -> None:
    paths, tests = MODULES[module]
    tests = [t for t in tests if (ROOT / t).exists()]
    section = (
        "[tool.mutmut]\n"
        'source_paths = ["actcli"]\n'
        f"only_mutate = {_toml_list(paths)}\n"
        f"pytest_add_cli_args_test_selection = {_toml_list(tests)}\n"
    )
    pyproject = work / "pyproject.toml"
    text = re.sub(r"\[tool\.mutmut\]\n(?:[^\[\n].*\n|\n)*", "", pyproject.read_text())
    pyproject.write_text(text.rstrip("\n") + "\n\n" + section)


def check(module: str, args: list[str]) -> int:
    """Run each mutant (named, or every survivor) against the tree's current tests."""
    work = ROOT / "mutants" / module
    names, pytest_args = (
        (args[: args.index("--")], args[args.index("--") + 1 :]) if "--" in args else (args, [])
    )
    if not names:
        listed = subprocess.run(
            [sys.executable, "-m", "mutmut", "results"], cwd=work, capture_output=True, text=True
        ).stdout
        names = [
            line.split(":")[0].strip()
            for line in listed.splitlines()
            if line.endswith(": survived")
        ]
    shutil.copytree(ROOT / "tests", work / "mutants" / "tests", dirs_exist_ok=True)
    tests = pytest_args or [t for t in MODULES[module][1] if (ROOT / t).exists()]
    alive = 0
    for name in names:
        env = {**os.environ, "MUTANT_UNDER_TEST": name}
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-x",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:xdist",
                *tests,
            ],
            cwd=work / "mutants",
            env=env,
            capture_output=True,
        )
        alive += r.returncode == 0
        print(
            f"{name}: {'survived' if r.returncode == 0 else 'killed' if r.returncode == 1 else f'exit {r.returncode}'}"
        )
    return 1 if alive else 0


def compare(module: str, names: list[str]) -> int:
    """For mutants of the core (catalog, numerics, kernels): evaluate f, f', f'' of every spec in
    the reference (and a few more parameter settings) with each mutant on and off, in float64
    and float32, over 670,000 points (a dense grid, random magnitudes 1e-320..1e308, the
    neighbourhood of every threshold the kernels use, specials), and print where the results
    differ and by how many ULP at most; SAME means bit for bit. mutmut's trampoline reads
    MUTANT_UNDER_TEST at each call, so one process serves every mutant (import-time code is
    not switched: use `check` for it)."""
    work = ROOT / "mutants" / module / "mutants"
    sys.path.insert(0, str(work))
    os.environ["MUTANT_UNDER_TEST"] = ""
    import warnings

    import numpy as np

    import actcli

    ref = np.load(work / "tests" / "data" / "reference.npz")
    specs = sorted({k.split("/")[0] for k in ref.files if k.endswith("/x64")})
    specs += ["softplus:beta=0.7", "celu:alpha=0.3", "silu:beta=3.3", "snake:a=0.07"]
    specs += ["squareplus:b=0.01", "elu:alpha=0.01"]
    rng = np.random.default_rng(0)
    parts = [np.linspace(-60, 60, 120001)]
    with np.errstate(over="ignore"):
        parts.append(rng.standard_normal(50000) * 10.0 ** rng.integers(-320, 309, 50000))
    for t in (1e-8, 1e-4, 0.01, 0.1, 0.5, 1, 2, 3, 6, 10, 20, 30, 39, 40, 345, 346, 700, 710,
              800, 801, 1e3, 1e4, 1e8, 1e15, 1e20, 1e150, 1.34e154, 1e300):  # fmt: skip
        near = t * np.linspace(0.97, 1.03, 3001)
        parts += [near, -near]
    parts.append(np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, -5e-324, 1.8e308, -1.8e308]))
    x64 = np.concatenate(parts)
    with np.errstate(over="ignore"):
        x32 = x64.astype(np.float32)

    def evaluate() -> dict:
        out: dict = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for spec in specs:
                act = actcli.get(spec)
                for order in (0, 1, 2):
                    for x in (x64, x32):
                        try:
                            out[spec, order, x.dtype.name] = act.derivative(x, order)
                        except Exception as e:  # a mutant may crash: that is a difference
                            out[spec, order, x.dtype.name] = repr(e)
        return out

    base = evaluate()
    for name in names:
        os.environ["MUTANT_UNDER_TEST"] = name
        try:
            got = evaluate()
        finally:
            os.environ["MUTANT_UNDER_TEST"] = ""
        worst, where = 0.0, ""
        for key, b in base.items():
            g = got[key]
            if isinstance(b, str) or isinstance(g, str):
                if b != g:
                    worst, where = np.inf, f"{key}: {b if isinstance(b, str) else g}"
                continue
            bits = np.uint64 if b.dtype == np.float64 else np.uint32
            i = np.flatnonzero(b.view(bits) != g.view(bits))
            if i.size:
                bb, gg = b[i].astype(np.float64), g[i].astype(np.float64)
                with np.errstate(all="ignore"):
                    ulp = np.abs(bb - gg) / np.spacing(np.abs(b[i])).astype(np.float64)
                ulp = np.where(np.isnan(ulp), np.inf, ulp)
                j = int(np.argmax(ulp))
                if ulp[j] >= worst:
                    xs = (x64 if b.dtype == np.float64 else x32)[i]
                    worst = float(ulp[j])
                    where = f"{key} at {i.size} points, x={xs[j]!r}: {bb[j]!r} -> {gg[j]!r}"
        print(f"{name}: {'SAME' if not where else f'{worst:.3g} ulp, {where}'}", flush=True)
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in MODULES:
        print(f"usage: python tools/mutate.py MODULE [mutmut args]; MODULE: {', '.join(MODULES)}")
        return 2
    module, rest = argv[0], argv[1:]
    if rest[:1] == ["check"]:
        return check(module, rest[1:])
    if rest[:1] == ["compare"]:
        return compare(module, rest[1:])
    work = ROOT / "mutants" / module
    fresh = not rest or rest[0] == "run" and len(rest) == 1
    if fresh and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    if fresh or rest[0] == "run":
        _copy_project(work)  # on a rerun of named mutants: the tests as they are now
        _configure(work, module)
    mutmut = [sys.executable, "-m", "mutmut"]
    if not fresh:
        return subprocess.run([*mutmut, *rest], cwd=work).returncode
    code = subprocess.run([*mutmut, "run", "--max-children", "2"], cwd=work).returncode
    subprocess.run([*mutmut, "results"], cwd=work)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
