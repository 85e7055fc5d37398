"""Rewrite tests/data/ulps.txt: the worst error in ULP of every kernel on the reference points,
one "key order bits band ulps" line for each band of x
where it is not exact (tests/test_accuracy.py fails when a kernel does worse),
under a first line naming numpy and the CPU's SIMD level it was measured with.

    python tests/reference/record_ulps.py

Run it when a change makes a kernel more accurate (to keep the gain), or, on purpose and with a
reason in the commit, less accurate within the bounds.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))

import test_accuracy  # noqa: E402  (tests/ is not a package)


def main() -> None:
    lines = [f"# {test_accuracy.platform()}"]
    for key in test_accuracy.KEYS:
        for order in (0, 1, 2):
            for bits in (64, 32):
                err, bands, _ = test_accuracy.errors(key, order, bits)
                for band, worst in test_accuracy.by_band(err, bands).items():
                    if worst:  # a band without a line is exact
                        lines.append(f"{key} {order} {bits} {band} {worst:g}")
    test_accuracy.ULPS_FILE.write_text("\n".join(lines) + "\n")
    print(f"wrote {len(lines) - 1} records to {test_accuracy.ULPS_FILE}")


if __name__ == "__main__":
    main()
