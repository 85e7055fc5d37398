"""Big inputs on the command line: read, computed and written block by block, with the bytes
of a single block; a progress bar on a terminal's stderr only."""

import subprocess
import sys

import numpy as np
import pytest
from clitools import ok, run  # tests/ is on the path

from actcli.io import numbers, sources, stream, writers
from actcli.render import tables


@pytest.fixture
def blocks(monkeypatch):
    """Set the block sizes: blocks(n) makes a block n points (and text blocks 4 KB)."""

    def set_block(points: int) -> None:
        monkeypatch.setattr(sources, "BLOCK", points)
        monkeypatch.setattr(sources, "TEXT_BLOCK", 4096)
        monkeypatch.setattr(writers, "FAST_MIN", 16)
        monkeypatch.setattr(numbers, "FAST_TEXT", 16)
        monkeypatch.setattr(writers, "_RUN", 64)
        monkeypatch.setattr(writers, "CHUNK", 37)  # text rows per write: cross many

    return set_block


def _one_and_three(blocks, n, *args, stdin=None) -> tuple[str, str]:
    blocks(n)
    one = ok(*args, stdin=stdin)
    blocks(-(-n // 3))
    return one, ok(*args, stdin=stdin)


def test_range_to_json_in_three_blocks(blocks):
    args = ["eval", "gelu", "--range", "-8", "8", "-n", "3000", "--json"]
    one, three = _one_and_three(blocks, 3000, *args)
    assert one == three
    assert one.startswith('{"function": "gelu", "params": {}, "dtype": "float64", "x": [-8.0, ')


def test_compare_range_to_jsonl_in_three_blocks(blocks):
    args = ["compare", "relu", "tanh", "--range", "-3", "3", "-n", "3000", "--jsonl"]
    one, three = _one_and_three(blocks, 3000, *args)
    assert one == three and one.count("\n") == 3000
    args = ["grad", "relu", "--kink", "math", "--range", "-3", "3", "-n", "3001", "--jsonl"]
    one, three = _one_and_three(blocks, 3001, *args)
    assert one == three and '{"x": 0.0, "dydx": [0.0, 1.0]}\n' in one


def test_text_to_tsv_in_three_blocks(blocks, tmp_path):
    rng = np.random.default_rng(4)
    values = rng.standard_normal(3000) * 10.0 ** rng.integers(-8, 8, 3000)
    text = "\n".join(map(repr, values.tolist())) + "\n"
    (tmp_path / "x.txt").write_text(text)
    args = ["grad", "tanh", "-i", str(tmp_path / "x.txt"), "--tsv"]
    one, three = _one_and_three(blocks, 3000, *args)
    assert one == three and one.count("\n") == 3000
    assert ok("grad", "tanh", "--tsv", stdin=text) == one  # stdin, in 4 KB blocks


def test_npy_to_npy_in_three_blocks(blocks, tmp_path):
    x = np.random.default_rng(5).standard_normal(3000)
    np.save(tmp_path / "x.npy", x)
    blocks(3000)
    ok("grad", "softplus", "-i", str(tmp_path / "x.npy"), "-o", str(tmp_path / "one.npy"))
    blocks(1000)
    ok("grad", "softplus", "-i", str(tmp_path / "x.npy"), "-o", str(tmp_path / "three.npy"))
    one, three = (tmp_path / "one.npy").read_bytes(), (tmp_path / "three.npy").read_bytes()
    assert one == three
    from actcli import get

    rows = np.column_stack([x, get("softplus").grad(x)])
    np.save(tmp_path / "memory.npy", rows.view([("x", "<f8"), ("dydx", "<f8")])[:, 0])
    assert one == (tmp_path / "memory.npy").read_bytes()


def test_text_to_npy_counts_the_rows_at_the_end(blocks, tmp_path):
    blocks(500)
    values = np.arange(-1500, 1500) / 8
    (tmp_path / "x.csv").write_text(",".join(map(repr, values.tolist())))
    ok("eval", "relu", "-i", str(tmp_path / "x.csv"), "-o", str(tmp_path / "y.npy"))
    y = np.load(tmp_path / "y.npy")
    assert y.shape == (3000,) and np.array_equal(y["x"], values)


def test_stdin_to_json_reads_it_once(blocks):
    blocks(1000)
    text = " ".join(str(i / 3) for i in range(3000))
    got = ok("compare", "relu", "elu", "--json", stdin=text)
    blocks(10**6)
    whole = ok("compare", "relu", "elu", "--json", "-", stdin=text)
    assert got == whole and got.count('"function"') == 2


def test_output_over_its_own_input(tmp_path, blocks):
    blocks(100)
    np.save(tmp_path / "x.npy", np.arange(-500.0, 500.0))
    ok("eval", "relu", "-i", str(tmp_path / "x.npy"), "-o", str(tmp_path / "x.npy"))
    y = np.load(tmp_path / "x.npy")
    assert y.shape == (1000,) and y[0].tolist() == (-500.0, 0.0)


def test_an_error_late_in_a_big_input_leaves_no_half_file(blocks, tmp_path):
    blocks(100)
    (tmp_path / "x.txt").write_text("1.5\n" * 3000 + "oops\n")
    out = tmp_path / "y.tsv"
    r = run("eval", "relu", "-i", str(tmp_path / "x.txt"), "-o", str(out))
    assert r.exit_code == 1 and "line 3001: 'oops' is not a number" in r.stderr
    assert r.stderr.count("\n") == 1 and not out.exists()


def test_table_computes_only_the_rows_it_shows(monkeypatch):
    seen = []
    real = stream.Job.points

    def spy(self, x, *a, **k):
        seen.append(x.size)
        return real(self, x, *a, **k)

    monkeypatch.setattr(stream.Job, "points", spy)
    out = ok("eval", "sigmoid", "--range", "-1", "1", "--num", "1e12", "--table")
    assert "1000 of 1000000000000 points shown" in " ".join(out.split())
    assert seen == [1000]


@pytest.mark.parametrize("num, expected", [("1e3", 1000), ("2000", 2000), ("3.0", 3)])
def test_num_takes_a_float_without_fraction(num, expected):
    assert ok("eval", "relu", "--range", "0", "1", "--num", num).count("\n") == expected


@pytest.mark.parametrize("num", ["1.5", "1e400", "x", "0", "-1e3"])
def test_num_still_refuses_what_is_not_a_count(num):
    r = run("eval", "relu", "--range", "0", "1", "--num", num)
    assert r.exit_code == 2 and "--num" in r.stderr and r.stderr.count("\n") == 1


# --- the progress bar ------------------------------------------------------------------------


class Terminal:
    """A stream that says it is a terminal, and keeps what is written to it."""

    def __init__(self) -> None:
        self.text = []

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.text.append(s)
        return len(s)

    def flush(self) -> None:
        pass


def test_no_progress_bar_when_stderr_is_not_a_terminal(monkeypatch, blocks):
    monkeypatch.setattr(tables, "PROGRESS_AFTER", 0.0)
    blocks(1000)
    r = run("eval", "relu", "--range", "-1", "1", "--num", "5000", "--json")
    assert r.exit_code == 0 and r.stderr == ""
    assert r.stdout.startswith("{") and r.stdout.endswith("]}\n")


def test_progress_bar_goes_to_a_terminal_stderr_only(monkeypatch, blocks):
    monkeypatch.setattr(tables, "PROGRESS_AFTER", 0.0)
    blocks(1000)
    expected = ok("eval", "relu", "--range", "-1", "1", "--num", "5000", "--json")
    # stderr (the runner's) is a terminal; stdout is not
    monkeypatch.setattr(sources, "isatty", lambda stream: stream is sys.stderr)
    r = run("eval", "relu", "--range", "-1", "1", "--num", "5000", "--json")
    assert r.exit_code == 0 and r.stdout == expected  # the data, and nothing else
    assert "━" in r.stderr and "100%" in r.stderr


def test_progress_waits_before_it_draws():
    tty = Terminal()
    with tables.progress(10, tty) as tick:
        tick(5)
        tick(5)
    assert tty.text == []  # quick work: no bar


def test_json_output_does_not_load_rich():
    r = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "actcli", "eval", "relu",
         "--range", "-1", "1", "-n", "100000", "--json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0 and r.stdout.endswith("]}\n")
    modules = [line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines()]
    assert "orjson" in modules
    assert not [m for m in modules if m.split(".")[0] == "rich"]


def test_a_warning_is_said_once_per_run_whatever_block_or_reader_says_it(blocks, tmp_path):
    blocks(100)
    text = "".join(f"{i}\n1e999\n1e-400\n" for i in range(3000))  # in each of many blocks
    (tmp_path / "x.txt").write_text(text)
    for args in (["-i", str(tmp_path / "x.txt")], ["-i", "-"]):
        r = run("eval", "relu", *args, "--tsv", stdin=text)
        assert r.exit_code == 0 and r.stdout.count("\n") == 9000
        said = r.stderr.splitlines()
        assert len(said) == 2, r.stderr
        assert said[0].startswith("actcli eval: warning: ") and said[0].endswith(
            ": numbers beyond float64's range are read as inf or -inf"
        )
        assert said[1].endswith(": numbers nearer 0 than float64's smallest are read as 0")
