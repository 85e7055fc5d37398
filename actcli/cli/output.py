"""Where a command's data goes: stdout, guarded against a reader that went away (`| head`),
or a file that is removed if the run fails or is ended half-way; the format chosen from the
flags and the file's extension; and the exit codes."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import typer

EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE = 1, 2, 130, 141


def _silence_stdout() -> None:
    """After EPIPE: point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's stream)
        pass


@contextmanager
def stdout_guard() -> Iterator[None]:
    """Write to stdout; a reader that went away (`| head -1`) ends the program quietly."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(EXIT_PIPE) from None


def emit(chunks: Iterable[str | bytes], output: Path | None) -> None:
    """The one writer of documents: to `output`, or to stdout. Chunks are text, or bytes
    already encoded as UTF-8 (the streaming writers'), written as they come."""
    if output is not None:

        def write(f: Any) -> None:
            for chunk in chunks:
                f.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))

        to_file(output, write)
        return
    with stdout_guard():
        binary = getattr(sys.stdout, "buffer", None)
        for chunk in chunks:
            if not isinstance(chunk, bytes):
                sys.stdout.write(chunk)
            elif binary is None:  # a text-only stream (a test's)
                sys.stdout.write(chunk.decode("utf-8"))
            else:
                sys.stdout.flush()  # text written before goes first
                _write_all(binary, chunk)


def _write_all(out: Any, data: bytes) -> None:
    # Under python -u, stdout's binary layer is raw: a write may take only part of the bytes.
    view = memoryview(data)
    while view:
        n = out.write(view)
        if n is None:  # a non-blocking stdout that is full
            raise BlockingIOError("standard output would block")
        view = view[n:]


class _Signalled(BaseException):
    """SIGTERM or SIGHUP arrived while a file was being written."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextmanager
def _signals_raise() -> Iterator[None]:
    """SIGTERM and SIGHUP raise _Signalled instead of ending the process on the spot, so the
    half-written file can be removed first."""

    def handler(signum: int, frame: Any) -> None:
        raise _Signalled(signum)

    old = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        with suppress(ValueError):  # not the main thread: leave the signals alone
            old[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, previous in old.items():
            signal.signal(sig, previous)


def to_file(output: Path, write: Any) -> None:
    """`write(f)` on `output` opened for bytes; if it fails half-way, or Ctrl-C, SIGTERM or
    SIGHUP ends the run, no half-written file is left behind (a big input streams into its
    output, so an error can come late). After a signal the process then ends by it."""
    from actcli.io.sources import InputError  # the I/O layer (numpy) only when it is needed

    opened = False
    try:
        with _signals_raise(), open(output, "wb") as f:
            opened = True
            write(f)
    except BaseException as e:
        if opened and output.is_file():  # never a device: -o /dev/null
            with suppress(OSError):
                os.remove(output)
        if isinstance(e, OSError):
            raise InputError(f"cannot write '{output}': {e.strerror or e}") from None
        if isinstance(e, _Signalled):  # end as the signal would have ended us
            signal.signal(e.signum, signal.SIG_DFL)
            os.kill(os.getpid(), e.signum)
        raise


FORMATS = ("json", "jsonl", "csv", "tsv", "table")


def _either(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else items[0]


def choose_format(flags: dict[str, bool], output: Path | None, npy: bool = False) -> str:
    """The output format: the flag given, else the file's extension, else table or TSV.
    `flags` are the command's own format flags: a file whose extension names another format
    is refused with the ones the command writes."""
    from actcli.io.sources import InputError
    from actcli.io.writers import format_for

    chosen = [name for name in FORMATS if flags.get(name)]
    if len(chosen) > 1:
        raise InputError(
            "choose one output format, not " + " and ".join(f"--{c}" for c in chosen), EXIT_USAGE
        )
    if output is not None:
        if chosen == ["table"]:
            raise InputError(
                "--table draws on the terminal; to write a file leave it out", EXIT_USAGE
            )
        fmt = chosen[0] if chosen else format_for(output)
        kinds = [k for k in flags if k != "table"] + (["npy"] if npy else [])
        if fmt not in kinds:
            how = "tell how to write" if fmt is None else f"write .{fmt} here, as in"
            raise InputError(
                f"cannot {how} '{output}'; name it {_either(['.' + k for k in kinds])}, "
                f"or add {_either(['--' + k for k in kinds if k != 'npy'])}",
                EXIT_USAGE,
            )
        return fmt
    if chosen:
        return chosen[0]
    return "table" if sys.stdout.isatty() else "tsv"

