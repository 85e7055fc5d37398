"""The command line: Typer wiring over `actcli.core` (math), `actcli.io` (numbers in, documents
out) and `actcli.render` (terminal tables).

- The commands: `eval`, `grad`, `compare`, `table`, `list`, `info`; their shared options are the
  `Annotated` aliases below, declared once.
- `ActGroup.main`: the one place where errors become one line on stderr and an exit code:
  0 ok, 1 a failure (bad file or data, `table --verify` disagreement), 2 a usage mistake,
  130 Ctrl-C, 141 stdout closed early (`actcli ... | head -1`), all without a traceback.
- `PointsCommand.parse_args`: negative numbers are points, so `grad relu -2 0 3` needs no `--`.
- `main()`: the console-script entry point.
"""

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

import actcli
from actcli import io

try:  # typer 0.2x carries its own copy of click
    from typer._click import exceptions as clickx
except ImportError:  # pragma: no cover - older typer depends on click
    from click import exceptions as clickx  # type: ignore[no-redef]

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
        except (actcli.ActivationError, io.InputError) as e:
            code = getattr(e, "exit_code", EXIT_USAGE)
            message = f"{self._where}: {_one_line(str(e))}"
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
        if arg.startswith("-") and len(arg) > 1 and not io.is_number(arg):
            n = 0 if "=" in arg else takes.get(arg, 0)
            if i + n >= len(args):
                raise clickx.BadOptionUsage(
                    arg, f"option '{arg}' needs {n} value{'s' if n > 1 else ''}", ctx
                )
            opts += args[i : i + 1 + n]
            i += 1 + n
            continue
        points.append(arg)
        i += 1
    return [*opts, "--", *points] if points else opts


class PointsCommand(TyperCommand):
    """A command with points among its arguments: `-2` is a number, not an option."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
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


def _emit(chunks: Iterable[str], output: Path | None) -> None:
    """The one writer of documents: to `output`, or to stdout."""
    if output is not None:
        try:
            with open(output, "w", encoding="utf-8", newline="") as f:
                for chunk in chunks:
                    f.write(chunk)
        except OSError as e:
            raise io.InputError(f"cannot write '{output}': {e.strerror or e}") from None
        return
    with _stdout_guard():
        for chunk in chunks:
            sys.stdout.write(chunk)


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
    return [n for n in actcli.names(aliases=True) if n.startswith(incomplete.lower())]


Func = Annotated[
    str,
    typer.Argument(
        metavar="FUNC",
        help="Function name or alias, with parameters if any: leaky_relu:alpha=0.2.",
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
Num = Annotated[int, typer.Option("--num", "-n", min=1, help="How many points --range makes.")]
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
NoColor = Annotated[
    bool, typer.Option("--no-color", help="No colour in tables (NO_COLOR=1 does the same).")
]
AsJson = Annotated[bool, typer.Option("--json", help="Write one JSON document.")]
AsJsonl = Annotated[bool, typer.Option("--jsonl", help="Write one JSON object per line.")]
AsCsv = Annotated[bool, typer.Option("--csv", help="Write CSV with a header line.")]
AsTsv = Annotated[
    bool, typer.Option("--tsv", help="Write tab-separated lines (the default in a pipe).")
]
AsTable = Annotated[bool, typer.Option("--table", help="Draw a table (the default on a terminal).")]


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
    rich_markup_mode="rich",
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


def _points_in(
    tokens: list[str] | None, span: Any, num: int, path: Path | None, dtype: Precision
) -> Any:
    return io.read_points(
        tokens or [], span=span, num=num, path=path, stdin=sys.stdin, dtype=dtype.value
    )


def _write_points(p: io.Points, fmt: str, output: Path | None, no_color: bool) -> None:
    if fmt == "table":
        from actcli import render

        with _stdout_guard():
            render.points_table(p, no_color)
    elif fmt == "npy":
        try:
            io.points_npy(p, output)  # type: ignore[arg-type]
        except OSError as e:
            raise io.InputError(f"cannot write '{output}': {e.strerror or e}") from None
    else:
        _emit(io.POINT_WRITERS[fmt](p), output)


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
    no_color: NoColor = False,
) -> None:
    """Evaluate f(x) at the points."""
    fmt = _format(
        {"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output, npy=True
    )
    act = actcli.get(func)
    xs = _points_in(x, span, num, input_, dtype)
    p = io.Points("eval", xs, [io.series(act, xs, [0], act.label)])
    _write_points(p, fmt, output, no_color)


@app.command(
    "grad",
    cls=PointsCommand,
    epilog=_examples(
        "actcli grad relu -2 0 3",
        "actcli grad tanh --order 2 --range -2 2 --num 5",
        "actcli grad softplus:beta=2 --csv --input points.txt",
    ),
)
def grad(
    func: Func,
    x: Xs = None,
    order: Annotated[
        int, typer.Option("--order", min=1, max=2, help="1 for f'(x), 2 for f''(x).")
    ] = 1,
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
    no_color: NoColor = False,
) -> None:
    """Evaluate the derivative f'(x), or f''(x) with --order 2, at the points."""
    fmt = _format(
        {"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output, npy=True
    )
    act = actcli.get(func)
    xs = _points_in(x, span, num, input_, dtype)
    p = io.Points("grad", xs, [io.series(act, xs, [order], act.label)], order=order)
    _write_points(p, fmt, output, no_color)


@app.command(
    "compare",
    cls=PointsCommand,
    epilog=_examples(
        "actcli compare sigmoid tanh relu -- -2 0 2",
        "actcli compare relu gelu silu --grad --range -3 3 --num 7",
        "actcli compare leaky_relu:alpha=0.1 elu --json 1 -1",
    ),
)
def compare(
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
    no_color: NoColor = False,
) -> None:
    """Several functions side by side at the same points: f(x) and f'(x) of each."""
    fmt = _format(
        {"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output, npy=True
    )
    specs, tokens = io.split_specs(args)
    if not specs:
        raise io.InputError("name at least one function to compare, as in: compare relu gelu 1", 2)
    twice = next((s for i, s in enumerate(specs) if s in specs[:i]), None)
    if twice:
        raise io.InputError(f"'{twice}' is given twice; name each function once", EXIT_USAGE)
    acts = [actcli.get(s) for s in specs]
    xs = _points_in(tokens, span, num, input_, dtype)
    orders = [0] if value and not grad else [1] if grad and not value else [0, 1]
    p = io.Points(
        "compare", xs, [io.series(a, xs, orders, s) for a, s in zip(acts, specs, strict=True)]
    )
    _write_points(p, fmt, output, no_color)


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
    no_color: NoColor = False,
) -> None:
    """The summary table: range, derivative, zero-centring, vanishing gradient, dying units."""
    fmt = _format({"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output)
    acts = [actcli.get(f) for f in funcs] if funcs else [actcli.get(n) for n in actcli.names()]
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
    epilog=_examples("actcli list", "actcli list --json | jq -r '.[].name'"),
)
def list_(
    json_: AsJson = False,
    jsonl: AsJsonl = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    no_color: NoColor = False,
) -> None:
    """Every function: name, aliases, parameters with their defaults."""
    fmt = _format({"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, None)
    acts = [actcli.get(n) for n in actcli.names()]
    rows = [io.list_record(a) for a in acts]
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
        with _stdout_guard():
            render.records_table(shown, columns, no_color)
    elif fmt in ("json", "jsonl"):
        _emit(io.RECORD_WRITERS[fmt](rows), None)
    else:
        _emit(io.RECORD_WRITERS[fmt](rows, ["name", "aliases", "params"]), None)


@app.command(
    "info",
    epilog=_examples(
        "actcli info sigmoid",
        "actcli info leaky_relu:alpha=0.2",
        "actcli info gelu --json | jq .max_slope",
    ),
)
def info(
    func: Func,
    json_: AsJson = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    no_color: NoColor = False,
) -> None:
    """Everything about one function: formulas, range, properties, maximum slope, use.

    The maximum slope and where it occurs are computed, not declared; the rest comes from the
    registry: kink conventions, typical use, limitations, source.
    """
    fmt = _format({"json": json_, "tsv": tsv, "table": table}, None)
    act = actcli.get(func)
    from actcli import render
    from actcli.core.analysis import probe

    p = probe(act)
    record = io.function_record(act)
    record["param_info"] = {
        k: {"default": prm.default, "doc": prm.doc, "domain": prm.domain}
        for k, prm in act.decl.params.items()
    }
    record["max_slope"] = p.max_slope
    record["max_slope_where"] = render.slope_where(act, p)
    if fmt == "table":
        with _stdout_guard():
            render.info_table({**record, "label": act.label}, no_color)
    elif fmt == "json":
        _emit(io.record_json(record), None)
    else:
        lines = [f"{k}\t{io.cell(v)}\n" for k, v in record.items() if k != "param_info"]
        _emit(lines, None)


def main() -> None:
    """The `actcli` console script."""
    try:
        typer.main.get_command(app).main(prog_name="actcli")
    except KeyboardInterrupt:  # outside a command (typer turns those into exit 130 itself)
        sys.exit(EXIT_INTERRUPTED)
