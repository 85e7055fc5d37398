"""The commands on points: `eval`, `grad` and `compare`. Each reads its points from a source,
computes them in blocks and writes them out as they come (`write_points`), or draws a table.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from actcli.cli.app import (
    EXIT_USAGE,
    AsCsv,
    AsJson,
    AsJsonl,
    AsTable,
    AsTsv,
    ChartHeight,
    ChartSave,
    ChartWidth,
    Column,
    Dialect,
    Dpi,
    DType,
    FigSize,
    Force,
    Func,
    Input,
    NoColor,
    Num,
    Output,
    PointsCommand,
    Precision,
    Span,
    Threads,
    Xs,
    app,
    choose_format,
    complete_name,
    emit,
    examples,
    get_function,
    given,
    is_expression,
    no_formats,
    once,
    open_source,
    sources,
    stdout_guard,
    stream,
    to_file,
    writers,
)


def _same_file(output: Path, path: Path | None) -> bool:
    try:
        return path is not None and os.path.samefile(output, path)
    except OSError:  # the output does not exist yet
        return False


@contextmanager
def _progress(total: float | None) -> Iterator[Any]:
    """A tick for the writers: a progress bar on stderr for long work, on a terminal only."""
    if not sources.isatty(sys.stderr):
        yield None
        return
    from actcli.render import tables

    with tables.progress(total) as tick:
        yield tick


SAMPLE_ROWS = 1000  # rows written to memory to measure an output's size


def _human(n: float) -> str:
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB", "EB", "ZB"):
        if n < 1000 or unit == "ZB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")  # pragma: no cover


def _check_space(job: "stream.Job", source: "sources.Source", fmt: str, output: Path) -> None:
    """Refuse an output that would not fit in the free space where it goes: its size is the
    size of its first rows, written to memory, scaled to every row (known sizes only)."""
    import io
    import shutil

    if source.size is None or not source.replayable:
        return
    if output.exists() and not output.is_file():  # /dev/null, a FIFO, >(gzip): no disk to fill
        return
    x, n = sources.head(source, SAMPLE_ROWS)
    st = stream.Stream.of(job, sources.ArraySource(x), None)
    if fmt == "npy":
        buf = io.BytesIO()
        writers.stream_npy(st, buf, x.size)
        sample = len(buf.getvalue())
    else:
        sample = sum(
            len(c) if isinstance(c, bytes) else len(c.encode()) for c in writers.STREAM_WRITERS[fmt](st)
        )
    need = sample * (n / max(x.size, 1))
    try:
        free = shutil.disk_usage(output.resolve().parent).free
        free += output.stat().st_size if output.is_file() else 0  # written over
    except OSError:
        return
    if need > free:
        raise sources.InputError(
            f"'{output}' would take about {_human(need)}, and {_human(free)} is free there; "
            "ask for fewer points, or add --force to write anyway"
        )


def _write_points(
    job: "stream.Job",
    source: "sources.Source",
    fmt: str,
    output: Path | None,
    no_color: bool,
    force: bool = False,
) -> None:
    """eval, grad and compare: the results, written block by block as the points are read
    (the terminal table computes only the rows it shows); a file too big for its disk is
    refused first, unless `force`."""
    if fmt == "npy" and source.dtype.name == "bfloat16":
        raise sources.InputError(
            "a .npy file of bfloat16 is one numpy alone cannot read back; write .json, .jsonl, "
            ".csv or .tsv, or --dtype float32 (it holds every bfloat16 value exactly)",
            EXIT_USAGE,
        )
    if fmt == "table":
        from actcli.render import tables

        x, n = sources.head(source, tables.ROW_LIMIT)
        with stdout_guard():
            tables.points_table(job.points(x), no_color, total=n)
        return
    if output is not None and not force:
        _check_space(job, source, fmt, output)
    if output is not None and _same_file(output, source.path):
        source = sources.ArraySource(source.read_all())  # read it all before writing over it
    if fmt == "json" and not source.replayable:
        source = sources.Spooled(source)  # a JSON document reads its input once per array
    passes = stream.passes(fmt, job)
    with _progress(source.work * passes if source.work else None) as tick:
        st = stream.Stream.of(job, source, tick)
        if fmt == "npy" and output is not None:
            to_file(output, lambda f: writers.stream_npy(st, f, source.size))
        else:
            emit(writers.STREAM_WRITERS[fmt](st), output)


@app.command(
    "eval",
    cls=PointsCommand,
    epilog=examples(
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
    column: Column = None,
    dtype: DType = Precision.float64,
    json_: AsJson = False,
    jsonl: AsJsonl = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    force: Force = False,
    dialect: Dialect = None,
    threads: Threads = None,
    no_color: NoColor = False,
) -> None:
    """Evaluate f(x) at the points."""
    fmt = choose_format(
        {"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output, npy=True
    )
    act = get_function(func, dialect)
    job = stream.Job("eval", ((act, act.label),), (0,), threads=threads)
    _write_points(job, open_source(x, span, num, input_, dtype, column), fmt, output, no_color, force)


class KinkRule(str, Enum):
    convention = "convention"
    math = "math"


@app.command(
    "grad",
    cls=PointsCommand,
    epilog=examples(
        "actcli grad relu -2 0 3",
        "actcli grad tanh --order 2 --range -2 2 --num 5",
        "actcli grad relu --kink math --json -- -1 0 1",
    ),
)
def grad(
    func: Func,
    x: Xs = None,
    order: Annotated[
        int,
        typer.Option("--order", min=1, max=2, metavar="1|2", help="1 for f'(x), 2 for f''(x)."),
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
    column: Column = None,
    dtype: DType = Precision.float64,
    json_: AsJson = False,
    jsonl: AsJsonl = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    force: Force = False,
    dialect: Dialect = None,
    threads: Threads = None,
    no_color: NoColor = False,
) -> None:
    """Evaluate the derivative f'(x), or f''(x) with --order 2, at the points."""
    fmt = choose_format(
        {"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output, npy=True
    )
    intervals = kink is KinkRule.math
    if intervals and order != 1:
        raise sources.InputError(
            "--kink math gives the interval of f' at kinks: use it with --order 1", EXIT_USAGE
        )
    if intervals and fmt == "npy":
        raise sources.InputError(
            "--kink math writes intervals, which .npy cannot hold; use .json, .jsonl, .csv or .tsv",
            EXIT_USAGE,
        )
    act = get_function(func, dialect)
    if intervals and is_expression(act):
        raise sources.InputError(
            f"--kink math needs a catalog function; '{func}' is an expression, which has no "
            "subgradient intervals",
            EXIT_USAGE,
        )
    job = stream.Job(
        "grad", ((act, act.label),), (order,), order=order, threads=threads, kink_math=intervals
    )
    _write_points(job, open_source(x, span, num, input_, dtype, column), fmt, output, no_color, force)


@app.command(
    "compare",
    cls=PointsCommand,
    epilog=examples(
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
            help="Functions (see 'actcli list'), then points; a token that reads as a number is "
            "a point.",
            autocompletion=complete_name,
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
    column: Column = None,
    dtype: DType = Precision.float64,
    json_: AsJson = False,
    jsonl: AsJsonl = False,
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: Output = None,
    force: Force = False,
    width: ChartWidth = None,
    height: ChartHeight = None,
    save: ChartSave = None,
    figsize: FigSize = None,
    dpi: Dpi = None,
    dialect: Dialect = None,
    threads: Threads = None,
    no_color: NoColor = False,
) -> None:
    """Several functions side by side at the same points: f(x) and f'(x) of each."""
    flags = {"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}
    if plot:
        no_formats(flags, output, "--plot draws a chart")
    fmt = "chart" if plot else choose_format(flags, output, npy=True)
    specs, tokens = sources.split_specs(args)
    if not specs:
        raise sources.InputError("name at least one function to compare, as in: compare relu gelu 1", 2)
    orders = [0] if value and not grad else [1] if grad and not value else [0, 1]
    if plot:
        if tokens or input_ is not None:
            raise sources.InputError(
                "--plot draws over --range START STOP (default -6 6); leave out the points",
                EXIT_USAGE,
            )
        from actcli.cli.charts import PLOT_RANGE, draw  # (here: plot is listed after compare)

        acts = [get_function(s, dialect) for s in specs]
        start, stop = span if span is not None else PLOT_RANGE
        points = num if given(ctx, "num") else None  # else the chart's own: 2 per column
        draw(ctx, acts, start, stop, orders, points=points, width=width, height=height,
             save=save, no_color=no_color, figsize=figsize, dpi=dpi)  # fmt: skip
        return
    if any(v is not None for v in (width, height, save, figsize, dpi)):
        raise sources.InputError(
            "--width, --height, --save, --figsize and --dpi are for a chart: add --plot", EXIT_USAGE
        )
    acts = [get_function(s, dialect) for s in specs]
    once(acts)
    job = stream.Job("compare", tuple(zip(acts, specs, strict=True)), tuple(orders), threads=threads)
    _write_points(job, open_source(tokens, span, num, input_, dtype, column), fmt, output, no_color, force)
