"""Helpers shared by the CLI tests: run the app in-process, and read JSON strictly."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from actcli.cli import app as cli

try:  # click < 8.2 (typer < 0.2x) mixes stderr into stdout unless told not to
    runner = CliRunner(mix_stderr=False)
except TypeError:
    runner = CliRunner()


def run(*args: str, stdin: str | None = None, env: dict | None = None) -> Any:
    """`actcli ARGS...` through typer's CliRunner: .exit_code, .stdout, .stderr."""
    return runner.invoke(cli.app, list(args), input=stdin, env=env, prog_name="actcli")


def strict_loads(text: str) -> Any:
    """json.loads that refuses NaN, Infinity and -Infinity (RFC 8259 JSON only)."""

    def refuse(name: str) -> None:
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def ok(*args: str, **kw: Any) -> str:
    """stdout of a command that must succeed, with nothing on stderr."""
    r = run(*args, **kw)
    assert r.exit_code == 0, (r.exit_code, r.stdout, r.stderr, r.exception)
    assert r.stderr == ""
    return r.stdout


def handled(r: Any) -> None:
    """No exception escaped the CLI's error boundary. In-process, an escaped exception is kept in
    r.exception (CliRunner catches it), never printed to r.stderr; a handled one is SystemExit."""
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


def fails(*args: str) -> str:
    """The one stderr line of a usage mistake: exit 2, nothing on stdout, no traceback."""
    r = run(*args)
    assert r.exit_code == 2, (r.exit_code, r.stdout, r.stderr, r.exception)
    assert r.stdout == ""
    handled(r)
    (line,) = r.stderr.splitlines()
    return line
