"""actcli.io.sources as a user meets it (#21, its second mutation run's survivors): what each
reader returns, in which dtype, block by block and whole; the messages (and their lines) of
what it refuses; the progress a full pass reports; and that a long input is read a text block
at a time. Expectations are literals here, or numpy reading the same file its own way."""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import signal
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from clitools import ok

from actcli.io import numbers, sources
from actcli.io.errors import InputError, InputWarning


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 1000 points and text blocks of 4096 bytes, so a few thousand points cross many."""
    monkeypatch.setattr(sources, "BLOCK", 1000)
    monkeypatch.setattr(sources, "TEXT_BLOCK", 4096)
    monkeypatch.setattr(numbers, "FAST_TEXT", 16)


@pytest.fixture
def deadline():
    """A test that would loop forever fails after 20 s instead."""

    def stop(*_):
        raise TimeoutError("still running after 20 s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def _refusal(fn, *args, **kw) -> InputError:
    with pytest.raises(InputError) as e:
        fn(*args, **kw)
    return e.value


def _message(fn, *args, **kw) -> str:
    return str(_refusal(fn, *args, **kw))


def _pass(src: sources.Source) -> tuple[np.ndarray, list[float]]:
    """One full pass: the points (copied block by block) and the ticks it reported."""
    ticks: list[float] = []
    blocks = [b.copy() for b in src.blocks(ticks.append)]
    return (np.concatenate(blocks) if blocks else np.empty(0, src.dtype)), ticks


def _stdin(data: bytes) -> SimpleNamespace:
    """Standard input as the CLI has it: a text stream with a binary `buffer`."""
    return SimpleNamespace(buffer=io.BytesIO(data), isatty=lambda: False)


def _from_stdin(data: bytes, dtype="float64", column=None) -> sources.Source:
    return sources.open_points(
        ["-"], span=None, num=101, path=None, stdin=_stdin(data), dtype=dtype, column=column
    )


# --- .npy ------------------------------------------------------------------------------------


class _Reads:
    """An open file whose readinto(b) is read(f, b): a trickle, a failing disk."""

    def __init__(self, f, read):
        self.f, self._read = f, read

    def readinto(self, b):
        return self._read(self.f, b)

    def __getattr__(self, name):
        return getattr(self.f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()

def test_read_all_of_an_npy_is_its_column(tmp_path):
    """Whole (-o naming the -i file reads it so), a .npy gives the column its blocks give."""
    path = tmp_path / "t.npy"
    np.save(path, np.arange(6.0).reshape(3, 2))
    got = sources.open_file(path, "float32", "2").read_all()
    assert got.dtype == np.float32 and got.tolist() == [1.0, 3.0, 5.0]
    rec = np.zeros(3, dtype=[("x", "<f8"), ("y", "<f4")])
    rec["x"], rec["y"] = [1, 2, 3], [-1, -2, -3]
    np.save(path, rec)
    assert sources.open_file(path, "float64").read_all().tolist() == [1.0, 2.0, 3.0]
    assert sources.open_file(path, "float64", "y").read_all().tolist() == [-1.0, -2.0, -3.0]


def test_npy_streamed_reports_every_point_and_reads_short_reads_whole(tmp_path, small_blocks, monkeypatch):
    path = tmp_path / "x.npy"
    want = np.arange(2500.0) / 7
    np.save(path, want)
    src = sources.open_file(path, "float64")
    got, ticks = _pass(src)
    assert got.tobytes() == want.tobytes() and sum(ticks) == 2500 == src.work

    def trickle(f, b):  # at most 100 bytes a read (a pipe, a network file system)
        return f.readinto(memoryview(b)[:100])

    monkeypatch.setattr(sources, "open", lambda *a, **k: _Reads(builtins.open(*a, **k), trickle), raising=False)
    assert sources.open_file(path, "float64").read_all().tobytes() == want.tobytes()


def test_reading_a_good_npy_warns_of_nothing(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.arange(5.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sources.open_file(path, "float32").read_all().tolist() == [0, 1, 2, 3, 4]
    assert ok("eval", "linear", "--csv", "-i", str(path)).splitlines()[1:3] == ["0.0,0.0", "1.0,1.0"]


def test_an_empty_npy_is_no_points_in_the_dtype_asked(tmp_path):
    path = tmp_path / "e.npy"
    np.save(path, np.empty(0))
    got = sources.open_file(path, "float32").read_all()
    assert got.shape == (0,) and got.dtype == np.float32


def test_npy_versions_2_read_and_3_refused(tmp_path):
    path = tmp_path / "v.npy"
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.array([1.5, -2.0]), version=(2, 0))
    assert sources.open_file(path, "float64").read_all().tolist() == [1.5, -2.0]
    with open(path, "wb") as f:
        np.lib.format.write_array(f, np.array([1.5, -2.0]), version=(3, 0))
    assert _message(sources.open_file, path, "float64") == (
        f"'{path}' is not a numeric .npy array (unsupported .npy version 3.0)"
    )


def test_npy_mistakes_name_the_file(tmp_path):
    missing = tmp_path / "missing.npy"
    assert _message(sources.open_file, missing, "float64") == (
        f"cannot read '{missing}': No such file or directory"
    )
    path = tmp_path / "c.npy"
    np.save(path, np.array([1 + 2j]))
    assert _message(sources.open_file, path, "float64") == (
        f"'{path}' holds complex128 values, not real numbers"
    )
    np.save(path, np.arange(6.0).reshape(2, 3))
    assert _message(sources.open_file, path, "float64").startswith(f"'{path}' is a 2-D array (2 x 3)")
    np.save(path, np.arange(6.0))
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) - 8)
    assert _message(sources.open_file, path, "float64").startswith(f"'{path}' is cut short:")


def test_an_npy_that_changes_after_it_was_opened(tmp_path, monkeypatch):
    path = tmp_path / "x.npy"
    np.save(path, np.arange(6.0))
    src = sources.open_file(path, "float64")
    with open(path, "r+b") as f:
        f.truncate(os.path.getsize(path) - 8)
    assert _message(src.read_all) == f"'{path}' ended early: it was cut short"
    path.unlink()
    assert _message(src.read_all) == f"cannot read '{path}': No such file or directory"
    np.save(path, np.arange(6.0))
    src = sources.open_file(path, "float64")

    def failing(f, b):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(sources, "open", lambda *a, **k: _Reads(builtins.open(*a, **k), failing), raising=False)
    assert _message(src.read_all) == f"cannot read '{path}': Input/output error"


# --- sizes, dtypes and progress of the other sources -----------------------------------------


def test_every_source_ticks_its_work(tmp_path, small_blocks):
    src = sources.open_points(
        [str(i) for i in range(2500)], span=None, num=1, path=None, stdin=None, dtype="float64"
    )
    got, ticks = _pass(src)
    assert got.tolist() == list(range(2500)) and ticks == [1000, 1000, 500]
    src = sources.RangeSource(0.0, 2499.0, 2500, "float64")
    got, ticks = _pass(src)
    assert got.tolist() == list(range(2500)) and ticks == [1000, 1000, 500]
    text = tmp_path / "x.txt"
    text.write_text("".join(f"{i}\n" for i in range(3000)))
    src = sources.open_file(text, "float64")
    assert src.work == text.stat().st_size and src.path == text
    got, ticks = _pass(src)
    assert got.tolist() == list(range(3000)) and sum(ticks) == text.stat().st_size
    jsonl = tmp_path / "x.jsonl"
    jsonl.write_text("".join(json.dumps({"x": i, "y": -i}) + "\n" for i in range(1000)))
    src = sources.open_file(jsonl, "float64", "y")
    assert src.work == jsonl.stat().st_size and src.path == jsonl
    got, ticks = _pass(src)
    assert got.tolist() == [-i for i in range(1000)] and sum(ticks) == jsonl.stat().st_size
    csv = tmp_path / "x.csv"
    csv.write_text("x,y\n" + "".join(f"{i},{-i}\n" for i in range(2000)))
    src = sources.open_file(csv, "float64")
    assert src.work == csv.stat().st_size and src.path == csv
    assert _pass(src)[0].tolist() == list(range(2000))


def test_a_range_in_the_dtype_asked_and_its_mistakes():
    got = sources.RangeSource(-1.0, 1.0, 5, "float32").read_all()
    assert got.dtype == np.float32 and got.tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    e = _refusal(sources.RangeSource, 0.0, 1.0, 0, "float64")
    assert str(e) == "--num 0: give at least 1 point" and e.exit_code == 2
    e = _refusal(sources.linspace, 0.0, 1.0, 10**20)
    assert str(e) == "--num 100000000000000000000: too many points to hold in memory"
    assert e.exit_code == 2


def test_ranges_of_one_and_two_points_hold_their_ends():
    assert sources.RangeSource(2.0, 2.0, 1, "float64").read_all().tolist() == [2.0]
    assert sources.linspace_block(2.0, 2.0, 1, 0, 1).tolist() == [2.0]
    assert sources.linspace_block(0.7, 0.1, 2, 0, 2).tolist() == [0.7, 0.1]
    assert sources.linspace_block(-2.1, 3.3, 2, 1, 2).tolist() == [3.3]


def test_head_keeps_the_first_points_and_counts_them_all(small_blocks, tmp_path):
    x, n = sources.head(sources.RangeSource(0.0, 2499.0, 2500, "float32"), 5000)
    assert n == 2500 and x.dtype == np.float32 and x.tolist() == list(range(2500))
    x, n = sources.head(sources.RangeSource(0.0, 2499.0, 2500, "float64"), 1500)
    assert n == 2500 and x.tolist() == list(range(1500))
    x, n = sources.head(sources.RangeSource(0.0, 2499.0, 2500, "float32"), 0)
    assert n == 2500 and x.shape == (0,) and x.dtype == np.float32
    text = tmp_path / "x.txt"
    text.write_text("".join(f"{i}\n" for i in range(3000)))
    x, n = sources.head(sources.open_file(text, "float64"), 10)
    assert n == 3000 and x.tolist() == list(range(10))


def test_a_spooled_text_ticks_its_bytes_on_every_pass(tmp_path, small_blocks, deadline):
    text = tmp_path / "x.txt"
    text.write_text("".join(f"{i}\n" for i in range(2500)))
    size = text.stat().st_size
    sp = sources.Spooled(sources.open_file(text, "float32"))
    for _ in range(3):  # the text, then the spool twice
        got, ticks = _pass(sp)
        assert got.dtype == np.float32 and got.tolist() == list(range(2500))
        assert sum(ticks) == pytest.approx(size)
    one = tmp_path / "one.txt"
    one.write_text("7" + " " * 5000)
    sp = sources.Spooled(sources.open_file(one, "float64"))
    assert _pass(sp)[0].tolist() == [7.0]
    got, ticks = _pass(sp)
    assert got.tolist() == [7.0] and ticks == [5001.0]


# --- text: streaming, lines, messages --------------------------------------------------------


class _Counted(io.BytesIO):
    """A stream that remembers the most it handed out in one read."""

    most = 0

    def read(self, n=-1):
        data = super().read(n)
        self.most = max(self.most, len(data))
        return data


@pytest.mark.parametrize(
    "text",
    [
        " ".join(str(i) for i in range(3000)),  # one long line
        "\ufeff" + "".join(f"{i}\n" for i in range(3000)),  # a byte-order mark first
        "x,y\n" + "".join(f"{i},{-i}\n" for i in range(3000)),
        "".join(json.dumps({"x": i}) + "\n" for i in range(3000)),
    ],
    ids=["line", "bom", "csv", "jsonl"],
)
def test_a_long_input_is_read_a_text_block_at_a_time(small_blocks, text):
    stream = _Counted(text.encode())
    stdin = SimpleNamespace(buffer=stream, isatty=lambda: False)
    src = sources.open_points(["-"], span=None, num=1, path=None, stdin=stdin, dtype="float64")
    assert stream.tell() < 2 * 4096  # opening reads the first block only
    blocks = [b.copy() for b in src.blocks()]
    assert np.concatenate(blocks).tolist() == list(range(3000))
    assert stream.most <= 4096
    assert max(b.size for b in blocks) <= 4096 // 2  # each block is one text block's numbers


def test_standard_input_read_as_bytes(small_blocks):
    """Bytes that are not UTF-8 are the reader's message, not a decoding crash of the text
    stream in front of them."""
    stdin = io.TextIOWrapper(io.BytesIO(b"1 2\xff 3\n"), encoding="utf-8")
    assert _message(
        sources.open_points, ["-"], span=None, num=1, path=None, stdin=stdin, dtype="float64"
    ) == "standard input is not a UTF-8 text file; give text, .json or .npy"
    assert _message(_from_stdin, b"[1, 2]\xff") == (
        "standard input is not a UTF-8 text file; give text, .json or .npy"
    )


def test_a_stream_without_isatty_is_read():
    class Reader:
        def read(self):
            return "1 2"

    assert sources.isatty(Reader()) is False
    closed = io.StringIO("1")
    closed.close()
    assert sources.isatty(closed) is False
    got = sources.read_points([], span=None, num=1, path=None, stdin=Reader(), dtype="float64")
    assert got.tolist() == [1.0, 2.0]


def test_a_read_error_in_a_later_block_names_the_input(small_blocks):
    class Failing(io.RawIOBase):
        def __init__(self, data):
            self.data, self.reads = data, 0

        def readable(self):
            return True

        def read(self, n=-1):
            self.reads += 1
            if self.reads > 1:
                raise OSError(errno.EIO, "Input/output error")
            return self.data[:n]

    for data in [
        "".join(f"{i}\n" for i in range(3000)).encode(),
        "".join(json.dumps({"x": i}) + "\n" for i in range(3000)).encode(),
    ]:
        stdin = SimpleNamespace(buffer=Failing(data), isatty=lambda: False)
        src = sources.open_points(["-"], span=None, num=1, path=None, stdin=stdin, dtype="float64")
        assert _message(src.read_all) == "cannot read standard input: Input/output error"


def test_a_text_stream_is_read_once(tmp_path, small_blocks):
    text = tmp_path / "x.txt"
    text.write_text("".join(f"{i}\n" for i in range(3000)))
    src = sources.open_file(text, "float64")
    assert not src.replayable
    src.read_all()
    with pytest.raises(RuntimeError, match=r"^a text stream is read once$"):
        next(src.blocks())


def test_text_file_mistakes_name_the_file(tmp_path):
    missing = tmp_path / "missing.txt"
    assert _message(sources.open_file, missing, "float64") == (
        f"cannot read '{missing}': No such file or directory"
    )
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"[1, 2\xff]")
    assert _message(sources.open_file, bad, "float64") == (
        f"'{bad}' is not a UTF-8 text file; give text, .json or .npy"
    )
    bad.write_text('[1, "a"]')
    assert _message(sources.open_file, bad, "float64").startswith(f"'{bad}': element 1 (\"a\")")
    if os.path.exists("/proc/self/mem"):  # opens, then fails to read (EIO)
        assert _message(sources.open_file, Path("/proc/self/mem"), "float64") == (
            "cannot read '/proc/self/mem': Input/output error"
        )


def test_reading_a_column_by_read_points(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("x,y\n1,-1\n2,-2\n")
    got = sources.read_points([], span=None, num=1, path=path, stdin=None, dtype="float64", column="y")
    assert got.tolist() == [-1.0, -2.0]


def test_the_output_may_be_the_input(tmp_path, small_blocks, deadline):
    """-o naming the -i file: the input is read whole before it is written over (else the
    reader goes on into the rows written, and never ends)."""
    signal.alarm(10)
    path = tmp_path / "x.csv"
    path.write_text("".join(f"{i}\n" for i in range(20000)))
    ok("eval", "linear", "-i", str(path), "-o", str(path))
    rows = path.read_text().splitlines()
    assert rows[0] == "x,y" and len(rows) == 20001 and rows[-1] == "19999.0,19999.0"


@pytest.mark.parametrize(
    "text, column, message",
    [
        ("x,y\n1,2\n", "z", "--column z: input has no such column; its columns are x, y"),
        ("1\t2\n", "5", "--column 5: input has 2 unnamed columns; give a number from 1 to 2"),
        ("1 2\n", "2", "--column 2: input is a list of numbers, not a table with columns"),
        ("1\t2\n3\tz\n", "2", "input, line 2: 'z' in column 2 is not a number"),
        ('{"x": 1}\n', "z", "--column z: input has no such column; its columns are x"),
        ("\n\nx,y\n1,2\nz,3\n", None, "input, line 5: 'z' in column x is not a number"),
        ("\nx,y\n1,2\nz,3\n", None, "input, line 4: 'z' in column x is not a number"),
        (",1,2\n", None, "input, line 1: an empty field between commas; give a number"),
        (
            '{"x": "' + "a" * 40 + '"}\n',
            None,
            'input, line 1: x is "' + "a" * 29 + ", not a number",
        ),
    ],
)
def test_text_mistakes_are_named(text, column, message):
    assert _message(sources.parse_text, text, "input", column).startswith(message)


def test_blank_lines_before_a_list_are_counted_once():
    """Blank lines in front of a list of numbers (or a table without names) were counted twice
    in the line of a mistake: 'abc' on line 4 was said to be on line 6."""
    for text, message in [
        ("\n\n1\nabc\n", "input, line 4: 'abc' is not a number"),
        ("\n\n1\t2\nabc\t3\n", "input, line 4: 'abc' in column 1 is not a number"),
        ("\n\n1,,2\n", "input, line 3: an empty field between commas"),
        ("  \n1\n2 x\n", "input, line 3: 'x' is not a number"),
    ]:
        assert _message(sources.parse_text, text, "input").startswith(message), text
    assert sources.parse_text("\n\n1\t2\n3\t4\n", "input", "2").tolist() == [2.0, 4.0]


def test_a_table_column_warns_with_its_input():
    with pytest.warns(InputWarning, match=r"^input: numbers beyond float64's range"):
        assert sources.parse_text("x,y\n1e400,1\n", "input").tolist() == [np.inf]


# --- JSON and JSON lines -----------------------------------------------------------------------


def test_json_documents_and_json_lines_told_apart():
    assert sources.parse_text('{\n  "x": [1, 2]\n}\n', "input").tolist() == [1.0, 2.0]
    assert sources.parse_text('{"y": 1}\n{"y": 2}\n', "input", "y").tolist() == [1.0, 2.0]
    assert sources.parse_text('{"y": 1, "z": 3}\n{"y": 2, "z": 4}', "input", "z").tolist() == [3.0, 4.0]
    assert sources.parse_text("\n\n" + '{"x": 1}\n{"x": 2}\n', "input").tolist() == [1.0, 2.0]
    assert sources.parse_text('{"x": 1}\n{"x": 2}', "input").tolist() == [1.0, 2.0]


def test_json_lines_warn_of_numbers_below_float64():
    for text, column in [
        ('{"x": 1e-400}\n', None),
        ('{"x": 1e-400}\n{"x": 2}\n', None),
        ('{"x": 2}\n{"x": 1e-400}\n{"x": 1}\n', None),
        ('{"x": 1, "y": {"a": 1e-400}}\n', "y[a]"),
    ]:
        with pytest.warns(InputWarning, match=r"^input: numbers nearer 0 than float64's smallest"):
            got = sources.parse_text(text, "input", column)
        assert 0.0 in got.tolist()
    with pytest.warns(InputWarning, match=r"^input: numbers beyond float64's range"):
        assert sources.parse_text('{"x": 1e400}\n', "input").tolist() == [np.inf]


def test_json_lines_across_blocks_keep_their_lines(small_blocks):
    """A run of blank lines longer than a text block, and mistakes in later blocks."""
    good = "".join(json.dumps({"x": i}) + "\n" for i in range(10))
    text = good + "\n" * 10000 + good + '{"x": "a"}\n'
    assert _message(sources.parse_text, text, "input").startswith(
        'input, line 10021: x is "a", not a number'
    )
    assert sources.parse_text(text.replace('"a"', "7"), "input").tolist() == [*range(10), *range(10), 7]
    rows = "".join(json.dumps({"x": i}) + "\n" for i in range(3000))
    assert _message(sources.parse_text, rows + '{"x": null}\n', "input").startswith(
        "input, line 3001: x is null, not a number"
    )


# float64 reads 1.00048828125000000001 as 1 + 2**-11, a tie of float16 (between 1 and
# 1 + 2**-10); the text is above it, so float16 rounds up.
_TIE = "1.00048828125000000001"
_UP = 1.0009765625


def test_json_ties_are_settled_from_the_text(tmp_path):
    assert _from_stdin(f"[{_TIE}, 0]".encode(), "float16").read_all().tolist() == [_UP, 0.0]
    doc = f'{{"x": [0, 1], "y": [{_TIE}, 1]}}'
    assert _from_stdin(doc.encode(), "float16", "y").read_all().tolist() == [_UP, 1.0]
    path = tmp_path / "d.json"
    path.write_text(doc)
    assert sources.open_file(path, "float16", "y").read_all().tolist() == [_UP, 1.0]
    path.write_text(f"[{_TIE}]")
    assert sources.open_file(path, "float16").read_all().tolist() == [_UP]


# --- found by mutants made by hand -------------------------------------------------------------


def test_a_fortran_table_gives_the_column_asked(tmp_path, small_blocks):
    """In Fortran order a column is one run of the file: the run of column 2 of a 3 x 2 array
    starts 3 values in (its rows, not its width)."""
    path = tmp_path / "f.npy"
    np.save(path, np.asfortranarray(np.array([[1.0, -1.0], [2.0, -2.0], [3.0, -3.0]])))
    src = sources.open_file(path, "float64", "2")
    assert _pass(src)[0].tolist() == [-1.0, -2.0, -3.0]
    np.save(path, np.asfortranarray(np.arange(2500.0).reshape(1250, 2)))
    assert sources.open_file(path, "float64", "2").read_all().tolist() == list(range(1, 2500, 2))


def test_float32_warns_of_overflow_only_for_numbers_that_were_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = sources.ArraySource(np.array([np.inf, -np.inf, 1.0, 0.0]), "float32").read_all()
    assert got.dtype == np.float32 and got.tolist() == [np.inf, -np.inf, 1.0, 0.0]
    with pytest.warns(InputWarning, match=r"^numbers beyond float32's range are read as inf or -inf"):
        got = sources.ArraySource(np.array([1e39, 2.0]), "float32").read_all()
    assert got.tolist() == [np.inf, 2.0]


def test_blank_text_between_numbers_is_progress_too(tmp_path, small_blocks):
    path = tmp_path / "b.txt"
    path.write_text("1\n" + "\n" * 10000 + "2\n")
    src = sources.open_file(path, "float64")
    got, ticks = _pass(src)
    assert got.tolist() == [1.0, 2.0] and sum(ticks) == path.stat().st_size == src.work


def test_a_json_suffix_in_capitals_is_json(tmp_path):
    """One object on one line is JSON lines on standard input, but a .json file is one
    document, whatever the case of its suffix."""
    for name in ["d.json", "d.JSON"]:
        path = tmp_path / name
        path.write_text('{"x": 1}\n')
        assert _message(sources.open_file, path, "float64") == (
            f"'{path}': a JSON object with no arrays; give a JSON array of numbers"
        )
