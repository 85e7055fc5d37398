"""The command line: Typer wiring over `actcli.core` (math), `actcli.io` (numbers in, documents
out), `actcli.render` (terminal tables) and `actcli.plot` (terminal charts).

- The commands: `eval`, `grad`, `compare`, `plot`, `table`, `list`, `info`, `dialects`, `flow`,
  `dead`, `collapse`; their shared options are the `Annotated` aliases below, declared once.
  Wherever a FUNC is taken, it is a catalog spec (`leaky_relu:alpha=0.2`) or an expression in
  x (`'x*sigmoid(1.702*x)'`), and `--dialect` reads names as a framework does.
- `ActGroup.main`: the one place where errors become one line on stderr and an exit code:
  0 ok, 1 a failure (bad file or data, `table --verify` disagreement), 2 a usage mistake,
  130 Ctrl-C, 141 stdout closed early (`actcli ... | head -1`), all without a traceback.
- `PointsCommand.parse_args`: negative numbers are points, so `grad relu -2 0 3` needs no `--`.
- `main()`: the console-script entry point.
"""

import math
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

import actcli
from actcli._index import DIALECT_NAMES
from actcli.tokens import is_number


def _lazy(name: str) -> Any:
    """The module `name`, executed on first attribute access (importlib's LazyLoader): TAB
    completion and --help never touch io, so they never load numpy."""
    import importlib.util

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)  # as `import` does: actcli.io is that module
    return module


io = _lazy("actcli.io")

try:  # typer 0.2x carries its own copy of click
    from typer._click import exceptions as clickx
    from typer._click.types import IntRange
except ImportError:  # pragma: no cover - older typer depends on click
    from click import exceptions as clickx  # type: ignore[no-redef]
    from click.types import IntRange  # type: ignore[no-redef]

EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_PIPE = 1, 2, 130, 141


# --- the error boundary and argument pre-processing ----------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _click_message(e: Exception, where: str) -> str:
    """click's message, one line, lower-case first, with a pointer to --help if it helps."""
    ctx = getattr(e, "ctx", None)
    where = ctx.command_path if ctx is not None else where
    if isinstance(e, clickx.NoSuchOption):
        msg = f"no such option '{e.option_name}'"
        if e.possibilities:
            msg += f"; did you mean '{e.possibilities[0]}'?"  # the closest match comes first
        else:
            msg += f"; see '{where} --help'"
        return f"{where}: {msg}"
    msg = _one_line(e.format_message())  # type: ignore[attr-defined]
    msg = msg[:1].lower() + msg[1:]
    if isinstance(e, clickx.UsageError) and "did you mean" not in msg.lower():
        msg = f"{msg.rstrip('.')}; see '{where} --help'"
    return f"{where}: {msg}"


class ActGroup(TyperGroup):
    """The `actcli` group; its `main` turns every error a user can cause into one line."""

    _where = "actcli"

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, cmd, rest = super().resolve_command(ctx, args)
        self._where = f"{ctx.command_path} {name}"
        return name, cmd, rest

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # Ctrl-C: quietly, before click prints anything
            raise typer.Exit(EXIT_INTERRUPTED) from None

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        message = None
        try:
            rv = super().main(
                args=args,
                prog_name=prog_name,
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            code = rv if isinstance(rv, int) else 0
        except clickx.ClickException as e:
            if type(e).__name__ == "NoArgsIsHelpError":  # bare `actcli`: help, already shown
                code = 0
                if e.format_message().strip():
                    print(e.format_message())
            else:
                code, message = e.exit_code, _click_message(e, self._where)
        except typer.Abort:  # EOF or Ctrl-C at a prompt
            code = EXIT_INTERRUPTED
        except MemoryError:
            code = EXIT_FAILURE
            message = f"{self._where}: out of memory; ask for fewer points"
        except ValueError as e:  # ValueError, not the classes: naming them would load numpy
            if not isinstance(e, (actcli.ActivationError, io.InputError)):
                raise
            code = getattr(e, "exit_code", EXIT_USAGE)
            message = f"{self._where}: {_one_line(str(e))}"
        if message:
            print(message, file=sys.stderr, flush=True)
        if standalone_mode:
            sys.exit(code)
        return code


def _numbers_positional(args: list[str], params: Iterable[Any], ctx: Any = None) -> list[str]:
    """Move number-looking tokens ('-2', '-inf') behind '--' so click does not read options.

    Options keep their values (`--range -5 5`), unknown options stay options (so click still
    suggests '--json' for '--jsn'), and everything after a '--' of the user's stays positional.
    """
    takes: dict[str, int] = {}
    for p in params:
        if getattr(p, "param_type_name", "") == "option":
            nvalues = 0 if (p.is_flag or p.count) else max(p.nargs, 1)
            for opt in [*p.opts, *p.secondary_opts]:
                takes[opt] = nvalues
    opts: list[str] = []
    points: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            points += args[i + 1 :]
            break
        if (
            arg.startswith("-")
            and len(arg) > 1
            and not is_number(arg)
            and not _minus_expression(arg, takes)
        ):
            n = 0 if "=" in arg else takes.get(arg, 0)
            if i + n >= len(args):
                if getattr(ctx, "resilient_parsing", False):  # shell completion: a value is typed
                    opts += args[i:]
                    break
                raise clickx.BadOptionUsage(
                    arg, f"option '{arg}' needs {n} value{'s' if n > 1 else ''}", ctx
                )
            opts += args[i : i + 1 + n]
            i += 1 + n
            continue
        points.append(arg)
        i += 1
    return [*opts, "--", *points] if points else opts


_EXPRESSION_SIGNS = re.compile(r"[()*/+ ]|^-x$")


def _minus_expression(arg: str, takes: dict[str, int]) -> bool:
    """'-x' and '-x*sigmoid(-x)' are expressions, not options: a single dash, not the start of
    a known short option ('-n5'), and an operator, a parenthesis or the bare variable."""
    if arg.startswith("--") or arg[:2] in takes:
        return False
    return bool(_EXPRESSION_SIGNS.search(arg))


def _shade_value(args: list[str]) -> list[str]:
    """`--shade-vanishing [T]`: a number right after the flag (or after '=') is its threshold,
    given to --threshold, not a constant function to plot."""
    out: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--shade-vanishing="):
            out += ["--shade-vanishing", "--threshold", arg.partition("=")[2]]
        elif arg == "--shade-vanishing" and i + 1 < len(args) and is_number(args[i + 1]):
            out += [arg, "--threshold", args[i + 1]]
            i += 1
        else:
            out.append(arg)
        if arg == "--":
            out += args[i + 1 :]
            break
        i += 1
    return out


class PointsCommand(TyperCommand):
    """A command with points among its arguments: `-2` is a number, not an option."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if any(p.name == "shade" for p in self.get_params(ctx)):
            args = _shade_value(args)
        return super().parse_args(ctx, _numbers_positional(args, self.get_params(ctx), ctx))


# --- output --------------------------------------------------------------------------------


def _silence_stdout() -> None:
    """After EPIPE: point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's stream)
        pass


@contextmanager
def _stdout_guard() -> Iterator[None]:
    """Write to stdout; a reader that went away (`| head -1`) ends the program quietly."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise typer.Exit(EXIT_PIPE) from None


def _emit(chunks: Iterable[str | bytes], output: Path | None) -> None:
    """The one writer of documents: to `output`, or to stdout. Chunks are text, or bytes
    already encoded as UTF-8 (the streaming writers'), written as they come."""
    if output is not None:

        def write(f: Any) -> None:
            for chunk in chunks:
                f.write(chunk if isinstance(chunk, bytes) else chunk.encode("utf-8"))

        _to_file(output, write)
        return
    with _stdout_guard():
        binary = getattr(sys.stdout, "buffer", None)
        for chunk in chunks:
            if not isinstance(chunk, bytes):
                sys.stdout.write(chunk)
            elif binary is None:  # a text-only stream (a test's)
                sys.stdout.write(chunk.decode("utf-8"))
            else:
                sys.stdout.flush()  # text written before goes first
                _write_all(binary, chunk)


def _write_all(stream: Any, data: bytes) -> None:
    # Under python -u, stdout's binary layer is raw: a write may take only part of the bytes.
    view = memoryview(data)
    while view:
        n = stream.write(view)
        if n is None:  # a non-blocking stdout that is full
            raise BlockingIOError("standard output would block")
        view = view[n:]


def _to_file(output: Path, write: Any) -> None:
    """`write(f)` on `output` opened for bytes; if it fails half-way, no half-written file is
    left behind (a big input streams into its output, so an error can come late)."""
    opened = False
    try:
        with open(output, "wb") as f:
            opened = True
            write(f)
    except BaseException as e:
        if opened and output.is_file():  # never a device: -o /dev/null
            with suppress(OSError):
                os.remove(output)
        if isinstance(e, OSError):
            raise io.InputError(f"cannot write '{output}': {e.strerror or e}") from None
        raise


FORMATS = ("json", "jsonl", "csv", "tsv", "table")


def _format(flags: dict[str, bool], output: Path | None, npy: bool = False) -> str:
    """The output format: the flag given, else the file's extension, else table or TSV."""
    chosen = [name for name in FORMATS if flags.get(name)]
    if len(chosen) > 1:
        raise io.InputError(
            "choose one output format, not " + " and ".join(f"--{c}" for c in chosen), EXIT_USAGE
        )
    if output is not None:
        if chosen == ["table"]:
            raise io.InputError(
                "--table draws on the terminal; to write a file leave it out", EXIT_USAGE
            )
        fmt = chosen[0] if chosen else io.format_for(output)
        if fmt is None or (fmt == "npy" and not npy):
            kinds = ".json, .jsonl, .csv, .tsv" + (" or .npy" if npy else "")
            raise io.InputError(
                f"cannot tell how to write '{output}'; name it {kinds}, "
                "or add --json, --jsonl, --csv or --tsv",
                EXIT_USAGE,
            )
        return fmt
    if chosen:
        return chosen[0]
    return "table" if sys.stdout.isatty() else "tsv"


# --- shared arguments and options, declared once -------------------------------------------


def _complete_function(incomplete: str) -> list[str]:
    """TAB on a FUNC: names and aliases; after 'name:', its parameters."""
    from actcli.completions import complete_function

    return complete_function(incomplete)


Func = Annotated[
    str,
    typer.Argument(
        metavar="FUNC",
        help="Function name or alias, with parameters if any: leaky_relu:alpha=0.2; or an "
        "expression in x: 'x*sigmoid(1.702*x)'.",
        autocompletion=_complete_function,
        show_default=False,
    ),
]
Funcs = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[FUNC]...",
        help="Functions to show (default: all), with parameters if any: elu:alpha=0.5.",
        autocompletion=_complete_function,
        show_default=False,
    ),
]
FuncList = Annotated[
    list[str],
    typer.Argument(
        metavar="FUNC...",
        help="One or more functions: names, with parameters if any (elu:alpha=0.5), or "
        "expressions in x ('x*tanh(softplus(x))').",
        autocompletion=_complete_function,
        show_default=False,
    ),
]
Xs = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[X]...",
        help="Points: 1 -2.5 1e-3 nan inf -inf; '-' reads standard input.",
        show_default=False,
    ),
]
Span = Annotated[
    tuple[float, float] | None,
    typer.Option(
        "--range",
        metavar="START STOP",
        help="Evenly spaced points from START to STOP (both included).",
        show_default=False,
    ),
]


class Count(IntRange):
    """A count of at least 1, which may be written as a float with no fraction: 1e7."""

    name = "count"

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                pass
            else:
                if number.is_integer():
                    value = str(int(number))
        return super().convert(value, param, ctx)


Num = Annotated[
    int,
    typer.Option(
        "--num", "-n", click_type=Count(min=1), help="How many points --range makes (1e6 works)."
    ),
]
Input = Annotated[
    Path | None,
    typer.Option(
        "--input",
        "-i",
        metavar="FILE",
        help="Read points from FILE: .txt/.csv (numbers separated by spaces, commas, newlines), "
        ".json (an array), .npy; '-' is standard input.",
        show_default=False,
    ),
]


class Precision(str, Enum):  # an Enum, not a Literal: every typer in the pinned range reads it
    float32 = "float32"
    float64 = "float64"


DType = Annotated[Precision, typer.Option("--dtype", help="Precision of x and results.")]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write to FILE instead of stdout; the format follows its extension "
        "(.json, .jsonl, .csv, .tsv, .npy).",
        show_default=False,
    ),
]
NoColor = Annotated[bool, typer.Option("--no-color", help="No colour (NO_COLOR=1 does the same).")]
AsJson = Annotated[bool, typer.Option("--json", help="Write one JSON document.")]
AsJsonl = Annotated[bool, typer.Option("--jsonl", help="Write one JSON object per line.")]
AsCsv = Annotated[bool, typer.Option("--csv", help="Write CSV with a header line.")]
AsTsv = Annotated[
    bool, typer.Option("--tsv", help="Write tab-separated lines (the default in a pipe).")
]
AsTable = Annotated[bool, typer.Option("--table", help="Draw a table (the default on a terminal).")]

DialectName = Enum("DialectName", {d: d for d in DIALECT_NAMES}, type=str)  # type: ignore[misc]
Dialect = Annotated[
    DialectName | None,  # type: ignore[valid-type]
    typer.Option(
        "--dialect",
        help="Read names as this framework does: its definition, defaults and f' at kinks "
        "(default: actcli's, which are PyTorch's). Expressions keep actcli's meaning.",
        show_default=False,
    ),
]
Threads = Annotated[
    int | None,
    typer.Option(
        "--threads",
        min=1,
        metavar="N",
        help="Threads for large inputs (default: every core); the results are the same bits.",
        show_default=False,
    ),
]
ChartWidth = Annotated[
    int | None,
    typer.Option(
        "--width",
        metavar="COLS",
        help="Chart width in characters, at least 20 (default: the terminal's, 80 in a pipe).",
        show_default=False,
    ),
]
ChartHeight = Annotated[
    int | None,
    typer.Option(
        "--height",
        metavar="ROWS",
        help="Chart height in lines, legend included (default: the terminal's, 24 in a pipe).",
        show_default=False,
    ),
]
# The network of flow, dead and collapse (actcli.core.flow checks the sizes).
Depth = Annotated[int, typer.Option("--depth", metavar="L", help="Layers (1 to 1000).")]
NetWidth = Annotated[int, typer.Option("--width", metavar="W", help="Units per layer (1 to 4096).")]
Batch = Annotated[int, typer.Option("--batch", metavar="B", help="Inputs per batch (1 to 65536).")]
Seed = Annotated[
    int, typer.Option("--seed", metavar="S", help="Random seed: the same seed, the same numbers.")
]
Init = Annotated[
    str | None,
    typer.Option(
        "--init",
        metavar="INIT",
        help="Weights: xavier, he, lecun or normal:STD (default: he for the relu family, "
        "lecun for selu, xavier otherwise).",
        show_default=False,
    ),
]


def _examples(*lines: str) -> str:
    # One paragraph per example: every typer keeps paragraphs, not all keep single newlines.
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)


app = typer.Typer(
    name="actcli",
    cls=ActGroup,
    help="Explore neural-network activation functions and their derivatives, exact to the "
    "last bits.",
    epilog=_examples(
        "actcli grad relu -- -2 0 3",
        "actcli compare sigmoid tanh --range -3 3 --num 7",
        "actcli table sigmoid tanh relu leaky_relu linear",
    ),
    no_args_is_help=True,
    rich_markup_mode=None,  # plain click help: no rich import, half the time of --help
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        print(f"actcli {actcli.__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Explore neural-network activation functions and their derivatives."""


# --- the commands ----------------------------------------------------------------------------


def _get(spec: str, dialect: Any = None) -> Any:
    """The function a FUNC names: a catalog Activation or an Expression (`actcli.get`)."""
    return actcli.get(spec, dialect=dialect.value if dialect is not None else None)


def _is_expression(act: Any) -> bool:
    return not hasattr(act, "decl")  # an Expression has no declaration behind it


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the user gave option `name` (not its default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def _warn(ctx: typer.Context, text: str) -> None:
    print(f"{ctx.command_path}: {_one_line(text)}", file=sys.stderr, flush=True)


def _no_formats(flags: dict[str, bool], output: Path | None, why: str) -> None:
    chosen = [f"--{name}" for name, on in flags.items() if on]
    if output is not None:
        chosen.append("--output")
    if chosen:
        raise io.InputError(f"{why}; leave out {' and '.join(chosen)}", EXIT_USAGE)


def _points_in(
    tokens: list[str] | None, span: Any, num: int, path: Path | None, dtype: Precision
) -> Any:
    return _source(tokens, span, num, path, dtype).read_all()


def _source(
    tokens: list[str] | None, span: Any, num: int, path: Path | None, dtype: Precision
) -> "io.Source":
    return io.open_points(
        tokens or [], span=span, num=num, path=path, stdin=sys.stdin, dtype=dtype.value
    )


def _same_file(output: Path, path: Path | None) -> bool:
    try:
        return path is not None and os.path.samefile(output, path)
    except OSError:  # the output does not exist yet
        return False


@contextmanager
def _progress(total: float | None) -> Iterator[Any]:
    """A tick for the writers: a progress bar on stderr for long work, on a terminal only."""
    if not io._isatty(sys.stderr):
        yield None
        return
    from actcli import render

    with render.progress(total) as tick:
        yield tick


def _write_points(
    job: "io.Job", source: "io.Source", fmt: str, output: Path | None, no_color: bool
) -> None:
    """eval, grad and compare: the results, written block by block as the points are read
    (the terminal table computes only the rows it shows)."""
    if fmt == "table":
        from actcli import render

        x, n = io.head(source, render.ROW_LIMIT)
        with _stdout_guard():
            render.points_table(job.points(x), no_color, total=n)
        return
    if output is not None and _same_file(output, source.path):
        source = io.ArraySource(source.read_all())  # read it all before writing over it
    if fmt == "json" and not source.replayable:
        source = io.Spooled(source)  # a JSON document reads its input once per array
    passes = io.passes(fmt, job)
    with _progress(source.work * passes if source.work else None) as tick:
        stream = io.Stream.of(job, source, tick)
        if fmt == "npy" and output is not None:
            _to_file(output, lambda f: io.stream_npy(stream, f, source.size))
        else:
            _emit(io.STREAM_WRITERS[fmt](stream), output)


@app.command(
    "eval",
    cls=PointsCommand,
    epilog=_examples(
        "actcli eval sigmoid -2 0 2",
        "actcli eval leaky_relu:alpha=0.2 --range -3 3 --num 7",
        "seq 0 5 | actcli eval gelu --json",
    ),
)
def eval_(
    func: Func,
    x: Xs = None,
    span: Span = None,
    num: Num = 101,
    input_: Input = None,
    dtype: DType = Precision.float64,
    json_: AsJson = False,
    jsonl: AsJsonl = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    dialect: Dialect = None,
    threads: Threads = None,
    no_color: NoColor = False,
) -> None:
    """Evaluate f(x) at the points."""
    fmt = _format(
        {"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output, npy=True
    )
    act = _get(func, dialect)
    job = io.Job("eval", ((act, act.label),), (0,), threads=threads)
    _write_points(job, _source(x, span, num, input_, dtype), fmt, output, no_color)


class KinkRule(str, Enum):
    convention = "convention"
    math = "math"


@app.command(
    "grad",
    cls=PointsCommand,
    epilog=_examples(
        "actcli grad relu -2 0 3",
        "actcli grad tanh --order 2 --range -2 2 --num 5",
        "actcli grad relu --kink math --json -- -1 0 1",
    ),
)
def grad(
    func: Func,
    x: Xs = None,
    order: Annotated[
        int, typer.Option("--order", min=1, max=2, help="1 for f'(x), 2 for f''(x).")
    ] = 1,
    kink: Annotated[
        KinkRule,
        typer.Option(
            "--kink",
            help="At kinks: 'convention' gives the one number autograd gives (PyTorch's, or "
            "the --dialect's); 'math' the interval [lo, hi] of one-sided derivatives, as the "
            "text [0.0, 1.0] (a two-element array in JSON). --order 1 only.",
        ),
    ] = KinkRule.convention,
    span: Span = None,
    num: Num = 101,
    input_: Input = None,
    dtype: DType = Precision.float64,
    json_: AsJson = False,
    jsonl: AsJsonl = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    dialect: Dialect = None,
    threads: Threads = None,
    no_color: NoColor = False,
) -> None:
    """Evaluate the derivative f'(x), or f''(x) with --order 2, at the points."""
    fmt = _format(
        {"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output, npy=True
    )
    intervals = kink is KinkRule.math
    if intervals and order != 1:
        raise io.InputError(
            "--kink math gives the interval of f' at kinks: use it with --order 1", EXIT_USAGE
        )
    if intervals and fmt == "npy":
        raise io.InputError(
            "--kink math writes intervals, which .npy cannot hold; use .json, .jsonl, .csv or .tsv",
            EXIT_USAGE,
        )
    act = _get(func, dialect)
    if intervals and _is_expression(act):
        raise io.InputError(
            f"--kink math needs a catalog function; '{func}' is an expression, which has no "
            "subgradient intervals",
            EXIT_USAGE,
        )
    job = io.Job(
        "grad", ((act, act.label),), (order,), order=order, threads=threads, kink_math=intervals
    )
    _write_points(job, _source(x, span, num, input_, dtype), fmt, output, no_color)


@app.command(
    "compare",
    cls=PointsCommand,
    epilog=_examples(
        "actcli compare sigmoid tanh relu -- -2 0 2",
        "actcli compare relu gelu silu --grad --range -3 3 --num 7",
        "actcli compare gelu 'x*sigmoid(1.702*x)' --plot --range -4 4",
    ),
)
def compare(
    ctx: typer.Context,
    args: Annotated[
        list[str],
        typer.Argument(
            metavar="FUNC... [X]...",
            help="Functions, then points; a token that reads as a number is a point.",
            autocompletion=_complete_function,
            show_default=False,
        ),
    ],
    value: Annotated[bool, typer.Option("--value", help="Show only f(x).")] = False,
    grad: Annotated[bool, typer.Option("--grad", help="Show only f'(x).")] = False,
    plot: Annotated[
        bool,
        typer.Option(
            "--plot",
            help="Draw the functions over --range (default -6 6) instead of writing numbers: "
            "f and f' of each, or only f with --value, only f' with --grad.",
        ),
    ] = False,
    span: Span = None,
    num: Num = 101,
    input_: Input = None,
    dtype: DType = Precision.float64,
    json_: AsJson = False,
    jsonl: AsJsonl = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    width: ChartWidth = None,
    height: ChartHeight = None,
    dialect: Dialect = None,
    threads: Threads = None,
    no_color: NoColor = False,
) -> None:
    """Several functions side by side at the same points: f(x) and f'(x) of each."""
    flags = {"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}
    if plot:
        _no_formats(flags, output, "--plot draws a chart")
    fmt = "chart" if plot else _format(flags, output, npy=True)
    specs, tokens = io.split_specs(args)
    if not specs:
        raise io.InputError("name at least one function to compare, as in: compare relu gelu 1", 2)
    twice = next((s for i, s in enumerate(specs) if s in specs[:i]), None)
    if twice:
        raise io.InputError(f"'{twice}' is given twice; name each function once", EXIT_USAGE)
    orders = [0] if value and not grad else [1] if grad and not value else [0, 1]
    if plot:
        if tokens or input_ is not None:
            raise io.InputError(
                "--plot draws over --range START STOP (default -6 6); leave out the points",
                EXIT_USAGE,
            )
        acts = [_get(s, dialect) for s in specs]
        start, stop = span if span is not None else PLOT_RANGE
        points = num if _given(ctx, "num") else None  # else the chart's own: 2 per column
        _draw(ctx, acts, start, stop, orders, points=points, width=width, height=height,
              no_color=no_color)  # fmt: skip
        return
    if width is not None or height is not None:
        raise io.InputError("--width and --height size a chart: add --plot", EXIT_USAGE)
    acts = [_get(s, dialect) for s in specs]
    job = io.Job("compare", tuple(zip(acts, specs, strict=True)), tuple(orders), threads=threads)
    _write_points(job, _source(tokens, span, num, input_, dtype), fmt, output, no_color)


# --- plot ------------------------------------------------------------------------------------

PLOT_RANGE = (-6.0, 6.0)
MAX_POINTS = 10_000_000  # the chart keeps ~2 per column; beyond this only memory grows
VANISHING = 1e-2  # --shade-vanishing's threshold unless --threshold gives one


def _draw(
    ctx: typer.Context,
    acts: list[Any],
    start: float,
    stop: float,
    orders: Sequence[int],
    *,
    points: int | None = None,
    width: int | None = None,
    height: int | None = None,
    ylim: tuple[float, float] | None = None,
    title: str | None = None,
    shade: float | None = None,
    logy: bool = False,
    save: Path | None = None,
    no_color: bool = False,
) -> None:
    """One chart (actcli.plot) to stdout, or to `save`; each warning one line on stderr."""
    from actcli import render
    from actcli.plot import PlotError, chart

    c = chart(acts, start, stop, points=points, orders=orders, width=width, height=height,
              ylim=ylim, title=title, shade_vanishing=shade, color=render.use_color(no_color),
              logy=logy)  # fmt: skip
    for w in c.warnings:
        _warn(ctx, w)
    if save is not None:
        try:
            c.save(save)
        except PlotError as e:  # a bad name is a usage mistake; a failed write is a failure
            if save.suffix.lower() in (".txt", ".html"):
                raise io.InputError(str(e), EXIT_FAILURE) from None
            raise
        return
    _emit([c.text + "\n"], None)


@app.command(
    "plot",
    cls=PointsCommand,
    epilog=_examples(
        "actcli plot sigmoid tanh --deriv",
        "actcli plot relu gelu --range -3 3 --shade-vanishing --width 72 --height 20",
        "actcli plot 'x*tanh(softplus(x))' --only-deriv --save mish.html",
    ),
)
def plot(
    ctx: typer.Context,
    funcs: FuncList,
    span: Annotated[
        tuple[float, float],
        typer.Option("--range", metavar="START STOP", help="The x range drawn."),
    ] = PLOT_RANGE,
    points: Annotated[
        int | None,
        typer.Option(
            "--points",
            min=2,
            max=MAX_POINTS,
            metavar="N",
            help="Samples per curve (default: 2 per column; spikes survive thinning).",
            show_default=False,
        ),
    ] = None,
    deriv: Annotated[bool, typer.Option("--deriv", help="Draw f' beside f.")] = False,
    order: Annotated[
        int | None,
        typer.Option(
            "--order",
            min=1,
            max=2,
            help="The derivative drawn: 1 (f', the default) or 2 (f''). Given alone it adds "
            "that derivative to f, as --deriv does.",
            show_default=False,
        ),
    ] = None,
    only_deriv: Annotated[
        bool, typer.Option("--only-deriv", help="Draw only the derivative, not f.")
    ] = False,
    width: ChartWidth = None,
    height: ChartHeight = None,
    ylim: Annotated[
        tuple[float, float] | None,
        typer.Option(
            "--ylim",
            metavar="LOW HIGH",
            help="The y range (default: the data's).",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="A title above the chart.", show_default=False)
    ] = None,
    shade: Annotated[
        bool,
        typer.Option(
            "--shade-vanishing",
            help=f"Under the chart, mark where |f'| < {VANISHING:g}, one row per function; "
            "'--shade-vanishing 0.05' (or --threshold 0.05) sets the threshold.",
        ),
    ] = False,
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            metavar="T",
            help="The |f'| below which --shade-vanishing marks; implies --shade-vanishing.",
            show_default=False,
        ),
    ] = None,
    logy: Annotated[
        bool, typer.Option("--logy", help="Log-scaled y; values <= 0 are left out, with a warning.")
    ] = False,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            metavar="FILE",
            help="Write the chart to FILE instead of stdout: .txt (plain text) or .html "
            "(a page in colour).",
            show_default=False,
        ),
    ] = None,
    dialect: Dialect = None,
    no_color: NoColor = False,
) -> None:
    """Draw f, f' or f'' of one or more functions on the terminal.

    Colour on a terminal only (not with --no-color or NO_COLOR; FORCE_COLOR=1 forces it, as for
    tables); each curve also has its own glyph, so the chart reads in a pipe or a .txt file.
    """
    if deriv and only_deriv:
        raise io.InputError("choose --deriv (f and f') or --only-deriv (f'), not both", EXIT_USAGE)
    k = order or 1
    orders = (k,) if only_deriv else (0, k) if deriv or order is not None else (0,)
    shade_at = threshold if threshold is not None else VANISHING if shade else None
    acts = [_get(f, dialect) for f in funcs]
    _draw(ctx, acts, span[0], span[1], orders, points=points, width=width, height=height,
          ylim=ylim, title=title, shade=shade_at, logy=logy, save=save,
          no_color=no_color)  # fmt: skip


TABLE_COLUMNS = (
    ("label", "function"),
    ("output_range", "output range"),
    ("derivative", "f'(x)"),
    ("zero_centered", "zero-\ncentred"),
    ("vanishing_gradient", "vanishing\ngradient"),
    ("dying_units", "dying\nunits"),
    ("notes", "notes"),
)
CHECK_HEADERS = {
    "output_range": "output range",
    "zero_centered": "zero-centred",
    "monotonic": "monotonic",
    "vanishing_gradient": "vanishing gradient",
    "dying_units": "dying units",
    "max_slope": "max slope",
}


@app.command(
    "table",
    cls=PointsCommand,
    epilog=_examples(
        "actcli table sigmoid tanh relu leaky_relu linear",
        "actcli table --verify",
        "actcli table --json | jq '.[] | select(.zero_centered) | .name'",
    ),
)
def table_(
    funcs: Funcs = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Measure each declared property on a dense grid; exit 1 if any disagrees.",
        ),
    ] = False,
    json_: AsJson = False,
    jsonl: AsJsonl = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    dialect: Dialect = None,
    no_color: NoColor = False,
) -> None:
    """The summary table: range, derivative, zero-centring, vanishing gradient, dying units.

    The cells are what the registry declares; an expression declares nothing, so it has no
    row here: 'actcli info EXPR' measures its properties instead.
    """
    fmt = _format({"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output)
    specs = funcs or actcli.names()
    acts = [_get(f, dialect) for f in specs]
    expr = next((f for f, a in zip(specs, acts, strict=True) if _is_expression(a)), None)
    if expr is not None:
        raise io.InputError(
            f"'{expr}' is an expression: it declares no properties for the table; "
            f"'info' measures them: actcli info '{expr}'",
            EXIT_USAGE,
        )
    rows = [io.function_record(a) for a in acts]
    labels = [a.label for a in acts]
    if not verify:
        shown = [{**r, "label": lab} for r, lab in zip(rows, labels, strict=True)]
        keys = [k for k, _ in TABLE_COLUMNS]
        header = ["name", *keys[1:]]
        if fmt == "table":
            from actcli import render

            with _stdout_guard():
                render.records_table(shown, TABLE_COLUMNS, no_color)
        elif fmt in ("json", "jsonl"):
            _emit(io.RECORD_WRITERS[fmt](rows), output)
        else:
            renamed = [{"name": r["label"], **{k: r[k] for k in keys[1:]}} for r in shown]
            _emit(io.RECORD_WRITERS[fmt](renamed, header), output)
        return

    from actcli.core.analysis import verify as measure

    for row, act in zip(rows, acts, strict=True):
        row["checks"] = [
            {"property": c.prop, "declared": c.declared, "measured": c.measured, "agrees": c.agrees}
            for c in measure(act)
        ]
    if fmt == "table":
        from actcli import render

        props = [
            (c["property"], CHECK_HEADERS.get(c["property"], c["property"]))
            for c in rows[0]["checks"]
        ]
        with _stdout_guard():
            render.verify_table(
                [{**r, "label": lab} for r, lab in zip(rows, labels, strict=True)], props, no_color
            )
    elif fmt in ("json", "jsonl"):
        _emit(io.RECORD_WRITERS[fmt](rows), output)
    else:
        long = [
            {"function": lab, **c} for r, lab in zip(rows, labels, strict=True) for c in r["checks"]
        ]
        header = ["function", "property", "declared", "measured", "agrees"]
        _emit(io.RECORD_WRITERS[fmt](long, header), output)
    bad = [
        f"{lab} {c['property']}"
        for r, lab in zip(rows, labels, strict=True)
        for c in r["checks"]
        if not c["agrees"]
    ]
    if bad:
        print(
            f"actcli table: {len(bad)} declared "
            f"{'property disagrees' if len(bad) == 1 else 'properties disagree'} with the "
            f"measurement: {', '.join(bad)}",
            file=sys.stderr,
            flush=True,
        )
        raise typer.Exit(EXIT_FAILURE)


@app.command(
    "list",
    epilog=_examples(
        "actcli list", "actcli list --json | jq -r '.[].name'", "actcli list --dialect jax"
    ),
)
def list_(
    dialect: Dialect = None,
    json_: AsJson = False,
    jsonl: AsJsonl = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    no_color: NoColor = False,
) -> None:
    """Every function: name, aliases, parameters with their defaults.

    With --dialect, the functions that framework has, its call for each, and its defaults.
    """
    from actcli.core import dialects

    fmt = _format({"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, None)
    names = actcli.names()
    if dialect is not None:
        names = [n for n in names if dialects.has(n, dialect.value)]
    acts = [_get(n, dialect) for n in names]
    rows = [io.list_record(a) for a in acts]
    if dialect is not None:
        for row, n in zip(rows, names, strict=True):
            var = dialects.variant(n, dialect.value)
            row["name"] = n  # the name as asked; "params" are what it computes with
            row["api"] = var.api if var else None
    if fmt == "table":
        from actcli import render

        shown = [
            {
                **r,
                "param_docs": "\n".join(
                    f"{k}={io.cell(v)}: {a.decl.params[k].doc}" for k, v in a.params.items()
                ),
            }
            for r, a in zip(rows, acts, strict=True)
        ]
        columns = (("name", "function"), ("aliases", "aliases"), ("param_docs", "parameters"))
        if dialect is not None:
            columns += (("api", dialect.value),)
        with _stdout_guard():
            render.records_table(shown, columns, no_color)
    elif fmt in ("json", "jsonl"):
        _emit(io.RECORD_WRITERS[fmt](rows), None)
    else:
        keys = ["name", "aliases", "params"] + (["api"] if dialect is not None else [])
        _emit(io.RECORD_WRITERS[fmt](rows, keys), None)


@app.command(
    "info",
    cls=PointsCommand,
    epilog=_examples(
        "actcli info leaky_relu",
        "actcli info gelu --dialect jax --json | jq .max_slope",
        "actcli info 'x*tanh(softplus(x))'",
    ),
)
def info(
    func: Func,
    json_: AsJson = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    dialect: Dialect = None,
    no_color: NoColor = False,
) -> None:
    """Everything about one function: formulas, range, properties, slope, use, other frameworks.

    The maximum slope and where it occurs are computed, not declared; the rest comes from the
    registry: kink conventions, typical use, limitations, source; and how each framework's
    version differs (`actcli dialects` shows the numbers). An expression has no declaration:
    its parsed form is shown, and its properties are measured on a dense grid.
    """
    fmt = _format({"json": json_, "tsv": tsv, "table": table}, None)
    act = _get(func, dialect)
    from actcli import render
    from actcli.core.analysis import max_slope_where, probe

    p = probe(act)
    if _is_expression(act):
        _expression_info(act, p, fmt, no_color)
        return
    record = io.function_record(act)
    if dialect is not None:
        record["dialect"] = dialect.value
    record["param_info"] = {
        k: {"default": prm.default, "doc": prm.doc, "domain": prm.domain}
        for k, prm in act.decl.params.items()
    }
    record["max_slope"] = p.max_slope
    record["max_slope_where"] = max_slope_where(act, p)
    record["dialect_differences"] = io.dialect_differences(act)
    if fmt == "table":
        caption = f"as {dialect.value} defines it" if dialect is not None else None
        with _stdout_guard():
            render.info_table({**record, "label": act.label}, no_color, caption=caption)
    elif fmt == "json":
        _emit(io.record_json(record), None)
    else:
        skip = ("param_info", "dialect_differences")
        lines = [f"{k}\t{io.cell(v)}\n" for k, v in record.items() if k not in skip]
        lines += [
            f"dialect:{d['dialect']}\t"
            + "; ".join(io.cell(t) for t in [d["api"] or io.MISSING, *d["differences"]])
            + "\n"
            for d in record["dialect_differences"]
        ]
        _emit(lines, None)


def _expression_info(expr: Any, p: Any, fmt: str, no_color: bool) -> None:
    """`info EXPR`: the parsed expression and what `probe` measures (see io's docstring)."""
    from actcli import render
    from actcli.core.analysis import max_slope_where, vanishing_claim

    record = {
        "function": expr.text,
        "formula": expr.formula,
        "params": {},
        "kinks": [float(k) for k in expr.kinks],
        "output_range": f"[{p.lo:.6g}, {p.hi:.6g}]",
        "f0": p.f0,
        "odd": p.odd,
        # read as analysis.verify reads a probe for a declared function
        "zero_centered": bool(p.f0 == 0 and p.odd),
        "monotonic": p.monotonic,
        "vanishing_gradient": vanishing_claim(p),
        "dying_units": "yes" if any(p.dead) else "no",
        "max_slope": p.max_slope,
        "max_slope_where": max_slope_where(expr, p),
    }
    if fmt == "table":
        caption = "measured on x in [-100, 100], and out to |x| = 1e300"
        with _stdout_guard():
            render.info_table(
                {**record, "label": expr.text},
                no_color,
                labels=render.EXPRESSION_INFO_LABELS,
                caption=caption,
            )
    elif fmt == "json":
        _emit(io.record_json(record), None)
    else:
        _emit([f"{k}\t{io.cell(v)}\n" for k, v in record.items()], None)


# --- dialects --------------------------------------------------------------------------------


@app.command(
    "dialects",
    cls=PointsCommand,
    epilog=_examples(
        "actcli dialects gelu",
        "actcli dialects leaky_relu --json | jq .grad_differs",
        "actcli dialects hardtanh -- -1 1 2",
    ),
)
def dialects_(
    func: Annotated[
        str,
        typer.Argument(
            metavar="FUNC",
            help="A catalog name or alias, without parameters: each framework's defaults apply.",
            autocompletion=_complete_function,
            show_default=False,
        ),
    ],
    x: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[X]...",
            help="Points (default: the kinks of every framework's version, and -3 -1 0 1 3).",
            show_default=False,
        ),
    ] = None,
    span: Span = None,
    num: Num = 7,
    json_: AsJson = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    no_color: NoColor = False,
) -> None:
    """One function in PyTorch, JAX, Keras 3, Keras 2 and TensorFlow, and where they disagree.

    For each framework: its call, the catalog function and parameters it computes, and f and
    f' at the points, with the values where the frameworks disagree marked.
    """
    from actcli.core import dialects

    fmt = _format({"json": json_, "tsv": tsv, "table": table}, output)
    expression = _is_expression(_get(func))
    if expression or ":" in func:
        what = "an expression" if expression else "a name with parameters"
        raise io.InputError(
            f"'{func}' is {what}; dialects compares the frameworks' own definitions and "
            "defaults: give a catalog name without parameters, as in: dialects leaky_relu",
            EXIT_USAGE,
        )
    name = actcli.declaration(func).name
    if x or span is not None:
        xs = _points_in(x, span, num, None, Precision.float64)
    else:
        import numpy as np

        xs = np.array(dialects.default_points(name), dtype=np.float64)
    rows, value_differs, grad_differs = dialects.compare(name, xs)
    if fmt == "table":
        from actcli import render

        with _stdout_guard():
            render.dialects_table(name, xs, rows, value_differs, grad_differs, no_color)
    elif fmt == "json":
        _emit(io.dialects_json(name, xs, rows, value_differs, grad_differs), output)
    else:
        header, grid = io.dialects_grid(xs, rows, value_differs, grad_differs)
        _emit(io.grid_tsv(header, grid), output)


# --- flow, dead, collapse ----------------------------------------------------------------------

# A stack "collapses" when it equals the single map x·W + b (the layers' product, as if f were
# the identity: linear, leaky_relu:alpha=1) to this relative residual: rounding, not a bend.
# (`collapse` compares with that map only: an affine f other than the identity, 2*x, is not
# recognised, though its stack is affine too.)
COLLAPSED = 1e-9


def _network_acts(specs: Sequence[str], dialect: Any) -> list[Any]:
    """The functions for actcli.core.flow, which takes catalog Activations only (for now): an
    expression goes in dressed as one, evaluated through its own value/grad/grad2."""
    from actcli.core.registry import Activation, Declaration, Interval

    acts = []
    for spec in specs:
        act = _get(spec, dialect)
        if _is_expression(act):
            e = act

            def kernel(order: int, e: Any = e) -> Any:
                return lambda x, out: e.derivative(x, order, threads=1, out=out)

            decl = Declaration(
                name=e.text,
                aliases=(),
                params={},
                formula=e.formula,
                derivative="",
                output_range=Interval(-math.inf, math.inf),
                zero_centered=False,
                monotonic=False,
                smoothness="",
                kinks=tuple(e.kinks),
                kink_convention="",
                vanishing_gradient="",
                dying_units="",
                use="",
                limitations="",
                source="",
                value=kernel(0),
                grad=kernel(1),
                grad2=kernel(2),
            )
            act = Activation(decl)
        acts.append(act)
    return acts


def _layer_grid(
    labels: Sequence[str], per_layer: Sequence[tuple[str, Sequence[Sequence[float]]]]
) -> tuple[list[str], list[list[Any]]]:
    """TSV/CSV of per-layer lists: `layer`, then key[label] for each function, each key."""
    header = ["layer"] + [f"{key}[{lab}]" for lab in labels for key, _ in per_layer]
    depth = len(per_layer[0][1][0])
    rows = [
        [layer + 1] + [values[i][layer] for i in range(len(labels)) for _, values in per_layer]
        for layer in range(depth)
    ]
    return header, rows


@app.command(
    "flow",
    cls=PointsCommand,
    epilog=_examples(
        "actcli flow sigmoid tanh relu",
        "actcli flow relu --depth 50 --init normal:0.05 --plot",
        "actcli flow linear 'x*sigmoid(x)' --json --seed 1",
    ),
)
def flow_(
    ctx: typer.Context,
    funcs: FuncList,
    depth: Depth = 20,
    width: NetWidth = 64,
    batch: Batch = 256,
    seed: Seed = 0,
    init: Init = None,
    plot: Annotated[
        bool,
        typer.Option(
            "--plot", help="Draw the gradient norm against depth, log scale, instead of a table."
        ),
    ] = False,
    json_: AsJson = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    dialect: Dialect = None,
    no_color: NoColor = False,
) -> None:
    """Vanishing gradients, computed: the gradient per layer of a deep MLP of each function.

    A random batch goes forward, a unit gradient back; per layer the weight-gradient norm, its
    ratio to the last layer's, the mean |f'| and the fraction of dead units (f' = 0 for every
    input). Same seed, same numbers, to the bit. A function whose stack collapses to one
    affine map (linear) is named under the table.
    """
    from actcli.core.flow import collapse, flow

    flags = {"json": json_, "csv": csv, "tsv": tsv, "table": table}
    if plot:
        _no_formats(flags, output, "--plot draws a chart")
    fmt = "chart" if plot else _format(flags, output)
    acts = _network_acts(funcs, dialect)
    result = flow(acts, depth=depth, width=width, batch=batch, seed=seed, init=init)
    labels = [a.label for a in acts]
    if fmt == "chart":
        from actcli import render

        c = render.flow_chart(result, labels, None, None, render.use_color(no_color))
        for w in c.warnings:
            _warn(ctx, w)
        _emit([c.text + "\n"], None)
    elif fmt == "json":
        _emit(io.record_json(result.to_dict()), output)
    elif fmt == "table":
        from actcli import render

        footer = []
        for act, f in zip(acts, result.functions, strict=True):
            # f' is one constant for an affine f, so mean |f'| is the same in every layer:
            # only then is the collapse worth a second pass.
            if depth < 2 or len(set(f.mean_abs_grad)) != 1:
                continue
            c = collapse(act, depth=depth, width=width, batch=batch, seed=seed, init=init)
            if c.relative_residual <= COLLAPSED:
                footer.append(
                    f"{act.label}: the {depth} layers collapse to the one map x·W + b "
                    f"(max difference {c.max_abs_diff:.3g}, relative {c.relative_residual:.3g})"
                )
        columns = [
            col
            for f in result.functions
            for col in (
                ("‖dL/dW‖", "number", f.grad_norm),
                ("÷ last", "number", f.grad_norm_ratio),
                ("mean |f'|", "number", f.mean_abs_grad),
                ("dead", "percent", f.dead_fraction),
            )
        ]
        title = f"gradient flow: depth {depth}, width {width}, batch {batch}, seed {seed}"
        groups = [f"{lab} ({f.init})" for lab, f in zip(labels, result.functions, strict=True)]
        with _stdout_guard():
            render.layers_table(groups, columns, 4, title, footer, no_color)
    else:
        header, rows = _layer_grid(
            labels,
            [
                ("grad_norm", [f.grad_norm for f in result.functions]),
                ("grad_norm_ratio", [f.grad_norm_ratio for f in result.functions]),
                ("mean_abs_grad", [f.mean_abs_grad for f in result.functions]),
                ("dead_fraction", [f.dead_fraction for f in result.functions]),
            ],
        )
        _emit(io.GRID_WRITERS[fmt](header, rows), output)


@app.command(
    "dead",
    cls=PointsCommand,
    epilog=_examples(
        "actcli dead relu leaky_relu elu",
        "actcli dead relu gelu --bias-shift -2 --depth 5",
        "actcli dead relu --json | jq .functions[0].dead_total",
    ),
)
def dead_(
    funcs: FuncList,
    bias_shift: Annotated[
        float,
        typer.Option(
            "--bias-shift",
            metavar="B",
            help="Every bias is set to B, as one oversized learning-rate step can do.",
        ),
    ] = -5.0,
    depth: Depth = 20,
    width: NetWidth = 64,
    batch: Batch = 256,
    seed: Seed = 0,
    init: Init = None,
    json_: AsJson = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    dialect: Dialect = None,
    no_color: NoColor = False,
) -> None:
    """Dying units: the flow network after every bias is shifted far negative.

    Per layer, the units that are dead (f' = 0 for every input, so no step revives them) and
    those whose output is 0 for every input.
    """
    from actcli.core.flow import dead

    fmt = _format({"json": json_, "csv": csv, "tsv": tsv, "table": table}, output)
    acts = _network_acts(funcs, dialect)
    result = dead(
        acts, bias_shift=bias_shift, depth=depth, width=width, batch=batch, seed=seed, init=init
    )
    labels = [a.label for a in acts]
    if fmt == "json":
        _emit(io.record_json(result.to_dict()), output)
    elif fmt == "table":
        from actcli import render

        columns = [
            col
            for f in result.functions
            for col in (
                ("dead", "percent", f.dead_fraction),
                ("f = 0", "percent", f.zero_output_fraction),
                ("mean |f'|", "number", f.mean_abs_grad),
            )
        ]
        title = (
            f"dying units, every bias {bias_shift:g}: depth {depth}, width {width}, "
            f"batch {batch}, seed {seed}"
        )
        units = depth * width
        footer = [
            f"{lab}: {100 * f.dead_total:.0f}% of the {units} units dead"
            for lab, f in zip(labels, result.functions, strict=True)
        ]
        groups = [f"{lab} ({f.init})" for lab, f in zip(labels, result.functions, strict=True)]
        with _stdout_guard():
            render.layers_table(groups, columns, 3, title, footer, no_color)
    else:
        header, rows = _layer_grid(
            labels,
            [
                ("dead_fraction", [f.dead_fraction for f in result.functions]),
                ("zero_output_fraction", [f.zero_output_fraction for f in result.functions]),
                ("mean_abs_grad", [f.mean_abs_grad for f in result.functions]),
                ("grad_norm", [f.grad_norm for f in result.functions]),
            ],
        )
        _emit(io.GRID_WRITERS[fmt](header, rows), output)


COLLAPSE_DEFAULT = ["linear", "tanh", "relu"]
COLLAPSE_COLUMNS = (
    ("label", "function"),
    ("init", "init"),
    ("max_abs_diff", "max |stack − map|"),
    ("max_abs_output", "max |stack|"),
    ("relative_residual", "relative"),
    ("collapses", "= x·W + b?"),
)


@app.command(
    "collapse",
    cls=PointsCommand,
    epilog=_examples(
        "actcli collapse",
        "actcli collapse linear 'leaky_relu:alpha=1' softsign --depth 50",
        "actcli collapse tanh --bias 0.5 --json",
    ),
)
def collapse_(
    funcs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[FUNC]...",
            help="Functions or expressions (default: linear tanh relu).",
            autocompletion=_complete_function,
            show_default=False,
        ),
    ] = None,
    depth: Depth = 20,
    width: NetWidth = 64,
    batch: Batch = 256,
    seed: Seed = 0,
    init: Init = None,
    bias: Annotated[float, typer.Option("--bias", metavar="B", help="Every layer's bias.")] = 0.0,
    json_: AsJson = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    dialect: Dialect = None,
    no_color: NoColor = False,
) -> None:
    """Linear collapse: a stack of layers against the one affine map it is without f.

    The single map x·W + b the layers would be if f were the identity: rounding-level for
    linear, so the stack "collapses" (yes); of order 1 for anything that bends, which is what
    lets depth represent more than one layer can.
    """
    from actcli.core.flow import collapse

    fmt = _format({"json": json_, "csv": csv, "tsv": tsv, "table": table}, output)
    acts = _network_acts(funcs or COLLAPSE_DEFAULT, dialect)
    results = [
        collapse(a, depth=depth, width=width, batch=batch, seed=seed, init=init, bias=bias)
        for a in acts
    ]
    if fmt == "json":
        _emit(io.records_json([r.to_dict() for r in results]), output)
        return
    rows = [
        {
            "label": a.label,
            "init": r.init,
            "max_abs_diff": r.max_abs_diff,
            "max_abs_output": r.max_abs_output,
            "relative_residual": r.relative_residual,
            "collapses": bool(r.relative_residual <= COLLAPSED),
        }
        for a, r in zip(acts, results, strict=True)
    ]
    if fmt == "table":
        from actcli import render

        title = (
            f"linear collapse: depth {depth}, width {width}, batch {batch}, seed {seed}, "
            f"bias {bias:g}"
        )
        with _stdout_guard():
            render.records_table(rows, COLLAPSE_COLUMNS, no_color, title=title)
    else:
        header = ["function", *(k for k, _ in COLLAPSE_COLUMNS[1:])]
        _emit(io.GRID_WRITERS[fmt](header, [list(r.values()) for r in rows]), output)


def main() -> None:
    """The `actcli` console script."""
    try:
        typer.main.get_command(app).main(prog_name="actcli")
    except KeyboardInterrupt:  # outside a command (typer turns those into exit 130 itself)
        sys.exit(EXIT_INTERRUPTED)
