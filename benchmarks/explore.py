"""`actcli explore` on a real pseudo-terminal: start to first frame, and a keypress to the redrawn
screen, for the default functions (sigmoid tanh relu) with f' shown.

Goals (issue 18), at 120x40: start to first frame <= 1 s; a keypress to the redrawn screen
<= 50 ms median. The app runs as a user runs it (`actcli explore > file`, keys and screen on a
pty); this script answers Textual's query for synchronized output, so each screen update comes
between two markers, and a keypress's time runs from writing the key to the last update's end
marker. Keys: cursor moves (the readout and the cursor column only) and zooms (a new chart).
Run: python benchmarks/explore.py [--presses 21] [--size 120x40]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ACTCLI = str(Path(sys.executable).parent / "actcli")
SYNC_QUERY, SYNC_REPLY = b"\x1b[?2026$p", b"\x1b[?2026;2$y"  # DECRQM, and "supported, reset"
SYNC_END = b"\x1b[?2026l"
QUIET = 0.25  # seconds without output: the update is over


class Terminal:
    """A pty running `actcli explore`; records when each synchronized update ended."""

    def __init__(self, cols: int, rows: int) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color"}
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen([ACTCLI, "explore"], stdin=slave, stderr=slave,
                                     stdout=subprocess.PIPE, env=env, start_new_session=True)  # fmt: skip
        os.close(slave)
        self.ends: list[float] = []
        self.last = time.perf_counter()
        self.buffer = b""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 1 << 16)
            except OSError:
                return
            if not chunk:
                return
            now = time.perf_counter()
            self.last = now
            self.buffer = self.buffer[-16:] + chunk
            if SYNC_QUERY in self.buffer:
                os.write(self.master, SYNC_REPLY)
                self.buffer = b""
            if SYNC_END in chunk:
                self.ends.append(now)

    def settle(self) -> None:
        while time.perf_counter() - self.last < QUIET:
            time.sleep(0.01)

    def press(self, key: bytes) -> float:
        """Seconds from writing `key` to the end of the last update it caused."""
        self.settle()
        n = len(self.ends)
        t = time.perf_counter()
        os.write(self.master, key)
        deadline = t + 10
        while len(self.ends) == n and time.perf_counter() < deadline:
            time.sleep(0.001)
        self.settle()
        if len(self.ends) == n:
            raise SystemExit(f"no update after {key!r}")
        return self.ends[-1] - t

    def quit(self) -> tuple[int, str]:
        self.settle()
        os.write(self.master, b"q")
        out, _ = self.proc.communicate(timeout=30)
        os.close(self.master)
        return self.proc.returncode, out.decode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presses", type=int, default=21)
    ap.add_argument("--size", default="120x40")
    args = ap.parse_args()
    cols, rows = (int(v) for v in args.size.split("x"))
    term = Terminal(cols, rows)
    deadline = time.perf_counter() + 30
    while not term.ends and time.perf_counter() < deadline:
        time.sleep(0.001)
    if not term.ends:
        raise SystemExit("no frame within 30 s")
    first = term.ends[0] - term.t0
    term.press(b"1")  # f' on: 3 functions, 6 curves
    cursor = [term.press(b"\x1b[C" if i % 2 else b"\x1b[D") for i in range(args.presses)]
    zoom = [term.press(b"+" if i % 2 else b"-") for i in range(args.presses)]
    code, out = term.quit()
    floor = statistics.median(_wall([sys.executable, "-c", "import numpy"]) for _ in range(5))
    drawing = statistics.median(_chart_times(cols, rows, args.presses))
    print(f"actcli explore at {cols}x{rows}, sigmoid tanh relu with f' ({args.presses} presses each)")
    print(f"start to first frame       {first * 1e3:7.1f} ms  {first / 1.0:5.2f} of the goal (<= 1 s)"
          f"; python -c 'import numpy' takes {floor * 1e3:.0f} ms now")  # fmt: skip
    for name, times in (("cursor key (readout)", cursor), ("zoom key (new chart)", zoom)):
        t = statistics.median(times)
        print(f"{name:26s} {t * 1e3:7.1f} ms  {t / 0.05:5.2f} of the goal (<= 50 ms median; "
              f"best {min(times) * 1e3:.1f}, worst {max(times) * 1e3:.1f})")  # fmt: skip
    print(f"of a new chart's time, actcli.render.charts.chart() itself (in-process): {drawing * 1e3:.1f} ms")
    print(f"exit {code}; printed: {out.strip()}")


def _wall(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=False)
    return time.perf_counter() - t


def _chart_times(cols: int, rows: int, n: int) -> list[float]:
    """chart() alone, for the chart the app draws at this size (its widget's size)."""
    from actcli.render.view import View

    view = View.of(["sigmoid", "tanh", "relu"])
    view.toggle(1)
    size = (cols - 30, rows - 6)  # the side panel; the readout, message and footer rows
    view.chart(*size)
    times = []
    for i in range(n):
        view.zoom(2 if i % 2 else 0.5)
        t = time.perf_counter()
        view.chart(*size)
        times.append(time.perf_counter() - t)
    return times


if __name__ == "__main__":
    main()
