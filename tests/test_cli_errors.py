"""Every mistake a user can make: one line on stderr that names it, nothing on stdout, exit 2
for a bad command line and 1 for bad data or files, never a traceback."""

import os
import re

import numpy as np
import pytest
from clitools import handled, run, runner  # tests/ is on the path

from actcli.cli import app as cli
from actcli.io import sources


def fails(code: int, *args: str, stdin: str | None = None) -> str:
    r = runner.invoke(cli.app, list(args), input=stdin, prog_name="actcli")
    assert r.exit_code == code, (r.exit_code, r.stdout, r.stderr, r.exception)
    assert r.stdout == ""
    handled(r)
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


@pytest.mark.parametrize(
    "args, words",
    [
        (["eval", "sigmod", "1"], ["unknown function 'sigmod'", "did you mean 'sigmoid'?"]),
        (["compare", "relu", "tahn", "1"], ["unknown function 'tahn'", "'tanh'"]),
        (["info", "zzz"], ["unknown function 'zzz'", "actcli list"]),
        (["table", "sigmod"], ["'sigmoid'"]),
        (["eval", "relu", "1", "abc", "3"], ["'abc'", "point 2", "is not a number", "1e-3"]),
        (["eval", "leaky_relu:alpah=0.2", "1"], ["unknown parameter 'alpah'", "'alpha'"]),
        (["eval", "relu:alpha=1", "1"], ["unknown parameter 'alpha'", "parameters: none"]),
        (["eval", "softplus:beta=x", "1"], ["beta", "'x' is not a number"]),
        (["eval", "leaky_relu:alpha", "1"], ["alpha", "name=value"]),
        (["eval", "softplus:beta=0", "1"], ["beta=0", "> 0"]),
        (["eval", "leaky_relu:alpha=-1", "1"], ["alpha=-1", ">= 0"]),
        (["eval", "hardtanh:min=2,max=1", "1"], ["min (2) must be below max (1)"]),
        (["eval", "relu", "--dtype", "float8", "1"], ["--dtype", "'float8'", "float16", "bfloat16"]),
        (["grad", "relu", "--order", "3", "1"], ["--order", "3", "1<=x<=2"]),
        (["grad", "relu", "--order", "x", "1"], ["--order", "'x'"]),
        (["eval", "relu", "--range", "0", "1", "--num", "0"], ["--num", "x>=1"]),
        (["eval", "relu", "--range", "0", "inf"], ["--range", "finite"]),
        (["eval", "relu", "--range", "0", "abc"], ["--range", "'abc'"]),
        (["eval", "relu", "--range", "0"], ["'--range' needs 2 values"]),
        (["eval", "relu", "--jsn", "1"], ["no such option '--jsn'", "did you mean '--json'?"]),
        (["eval", "relu", "--qqqq", "1"], ["no such option '--qqqq'", "--help"]),
        (["evl", "relu", "1"], ["no such command 'evl'"]),
        (["eval"], ["missing argument 'FUNC'", "--help"]),
        (["eval", "relu", "--json", "--csv", "1"], ["one output format", "--json", "--csv"]),
        (["eval", "relu", "-o", "out.xyz", "1"], ["'out.xyz'", ".json", "--json"]),
        (["table", "-o", "t.npy"], ["'t.npy'", ".json"]),
        (["eval", "relu", "--table", "-o", "t.json", "1"], ["--table"]),
        (["eval", "relu", "-", "1"], ["numbers as arguments and '-' (standard input)", "keep one"]),
        (["compare", "1", "2"], ["at least one function"]),
        (["compare", "relu", "relu", "1"], ["'relu' is given twice"]),
    ],
)
def test_usage_errors_exit_2(args, words):
    line = fails(2, *args)
    assert line.startswith("actcli")
    for w in words:
        assert w in line, line


def test_one_rule_for_exit_codes_what_you_typed_2_what_was_read_1(tmp_path):
    """2: the command line is wrong (options, names, arguments); 1: what was read is wrong
    (a file, standard input) or a result could not be made or written. A bad number gave 2 as
    an argument but 1 on stdin or in a file; empty stdin gave 2 and an empty file 1."""
    bad, empty = tmp_path / "bad.txt", tmp_path / "empty.txt"
    bad.write_text("1 abc")
    empty.write_text("")
    assert "'abc'" in fails(2, "eval", "relu", "1", "abc")
    assert "'abc'" in fails(1, "eval", "relu", stdin="1 abc")
    assert "'abc'" in fails(1, "eval", "relu", "-i", str(bad))
    assert "no numbers" in fails(1, "eval", "relu", stdin="")
    assert "no numbers" in fails(1, "eval", "relu", "-i", str(empty))
    assert "abc" in fails(2, "eval", "relu", "--range", "0", "abc")


def test_empty_input_says_how_to_give_numbers():
    line = fails(1, "eval", "relu", stdin="")
    for w in ("no numbers", "arguments", "--range", "--input", "standard input"):
        assert w in line


def test_missing_and_unreadable_files_exit_1(tmp_path):
    assert "No such file" in fails(1, "eval", "relu", "--input", str(tmp_path / "nope.txt"))
    assert "directory" in fails(1, "eval", "relu", "--input", str(tmp_path))


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("bad.txt", "1 2\n3 x4\n", ["bad.txt', line 2", "'x4'", "not a number"]),
        ("bad.csv", "x,y\n1,2\nz,3\n", ["bad.csv', line 3: 'z' in column x is not a number"]),
        ("nox.csv", "a,b\n1,2\n", ["no x column; --column picks one of: a, b"]),
        ("ragged.csv", "x,y\n1,2\n3\n", ["ragged.csv', line 3: 1 fields where the table has 2"]),
        ("empty.csv", "x,y\n1,2\n,4\n", ["empty.csv', line 3: column x is empty"]),
        ("ragged.tsv", "1\t2\n3\t4\t5\n", ["ragged.tsv', line 2: 3 fields where the table has 2"]),
        ("bad.json", '[1, "two"]', ["element 1", '"two"']),
        ("bad2.json", '{"a": 1}', ["a JSON object with no arrays"]),
        ("nox.json", '{"a": [1]}', ["no x column; --column picks one of: a"]),
        ("kink.json", '{"x": [0, [0, 1]]}', ["column x, element 1 ([0, 1]) is not a number"]),
        ("broken.json", "[1, 2", ["not valid JSON"]),
        ("empty.txt", "", ["holds no numbers", "--range"]),
    ],
)
def test_files_that_are_not_numbers_exit_1(tmp_path, name, content, words):
    f = tmp_path / name
    f.write_text(content)
    line = fails(1, "eval", "relu", "--input", str(f))
    for w in words:
        assert w in line, line


def test_npy_of_strings_and_binary_text(tmp_path):
    np.save(tmp_path / "s.npy", np.array(["a"]))
    assert "not real numbers" in fails(1, "grad", "relu", "-i", str(tmp_path / "s.npy"))
    (tmp_path / "b.txt").write_bytes(b"\x89PNG\x00\xff")
    assert "UTF-8" in fails(1, "grad", "relu", "-i", str(tmp_path / "b.txt"))


def test_stdin_that_is_not_numbers_exits_1():
    line = fails(1, "eval", "relu", stdin="1 2\nthree\n")
    assert "standard input, line 2" in line and "'three'" in line


def test_unwritable_output_exits_1(tmp_path):
    line = fails(1, "eval", "relu", "-o", str(tmp_path / "no" / "dir.json"), "1")
    assert "cannot write" in line


def test_ctrl_c_exits_130_quietly(monkeypatch):
    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(sources, "open_points", interrupted)
    r = runner.invoke(cli.app, ["eval", "relu", "1"], prog_name="actcli")
    assert r.exit_code == 130 and r.stdout == "" and r.stderr == ""


def test_broken_pipe_exits_quietly(monkeypatch):
    """The real thing (`| head -1`) is in test_cli_subprocess.py; this is the writer's part."""

    class Closed:  # a pipe whose reader has gone; no fileno, so stdout is left alone
        def write(self, s):
            raise BrokenPipeError

        def flush(self):
            raise BrokenPipeError

    monkeypatch.setattr(cli.sys, "stdout", Closed())
    with pytest.raises(cli.typer.Exit) as e:
        cli.emit(["1.0\t1.0\n"], None)
    assert e.value.exit_code == cli.EXIT_PIPE


def test_negative_numbers_do_not_hide_option_typos():
    line = fails(2, "grad", "relu", "-2", "--ordr", "2", "3")
    assert "'--ordr'" in line and "'--order'" in line


SMALL = ["--depth", "2", "--width", "4", "--batch", "4"]
WRITERS = {  # every command with -o: a run of it, small
    "eval": ["eval", "relu", "1"],
    "grad": ["grad", "relu", "1"],
    "compare": ["compare", "relu", "tanh", "1"],
    "table": ["table", "relu"],
    "flow": ["flow", "relu", *SMALL],
    "dead": ["dead", "relu", *SMALL],
    "collapse": ["collapse", "relu", *SMALL],
    "dialects": ["dialects", "relu", "1"],
}


@pytest.mark.parametrize("command", WRITERS)
def test_output_writes_the_formats_its_help_names_and_refuses_the_rest(command, tmp_path):
    """-o's help tells each command's truth: every suffix it names is written, every other
    one refused in one line that offers only what the command writes (flow -o f.jsonl was a
    KeyError traceback, and its refusal of .npy recommended --jsonl, which flow lacks)."""
    help_text = " ".join(run(command, "--help").stdout.split())
    named = re.search(r"the format follows its extension \(([^)]*)\)", help_text).group(1)
    offered = [k.strip().lstrip(".") for k in named.split(",")]
    for kind in ("json", "jsonl", "csv", "tsv", "npy"):
        out = tmp_path / f"out.{kind}"
        r = run(*WRITERS[command], "-o", str(out))
        if kind in offered:
            assert r.exit_code == 0 and out.stat().st_size > 0, (kind, r.stderr, r.exception)
        else:
            line = fails(2, *WRITERS[command], "-o", str(out))
            assert f"'{out}'" in line and f".{kind}" in line.split(";")[0]
            suggestion = line.split(";")[1]
            assert sorted(re.findall(r"\.(\w+)", suggestion)) == sorted(offered), line
            flags = re.findall(r"--(\w+)", suggestion)
            assert sorted(flags) == sorted(k for k in offered if k != "npy"), line
            assert not out.exists()


def test_an_output_bigger_than_the_free_space_is_refused_unless_forced(tmp_path, monkeypatch):
    """--num 1e12 -o huge.npy wrote until the disk was full; --num 1e99 was accepted."""
    import collections
    import shutil

    out = tmp_path / "f.npy"
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**6, 0, 150_000))
    line = fails(1, "eval", "relu", "--range", "0", "1", "--num", "10000", "-o", str(out))
    assert re.fullmatch(  # 10,000 rows of two float64: 160 kB and a header
        f"actcli eval: '{re.escape(str(out))}' would take about 16[01]\\.\\d kB, and 150\\.0 kB "
        "is free there; ask for fewer points, or add --force to write anyway",
        line,
    ), line
    assert not out.exists()
    assert "would take" in fails(1, "grad", "relu", "--range", "0", "1", "-n", "1e4", "-o",
                                 str(tmp_path / "g.csv"))  # fmt: skip
    r = run("eval", "relu", "--range", "0", "1", "--num", "10000", "--csv", "-o", os.devnull)
    assert r.exit_code == 0, r.stderr  # a device, not a disk to fill
    r = run("eval", "relu", "--range", "0", "1", "--num", "10000", "-o", str(out), "--force")
    assert r.exit_code == 0 and np.load(out).shape == (10000,)
    r = run("eval", "relu", "--range", "0", "1", "--num", "9000", "-o", str(out))
    assert r.exit_code == 0, r.stderr  # 144 kB: fits (the old file's 160 kB counts as free)
    assert "more points than can be indexed" in fails(2, "eval", "relu", "--range", "0", "1",
                                                      "--num", "1e99")  # fmt: skip
