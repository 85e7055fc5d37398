"""The command line's frame: the `actcli` group and its one error boundary (`ActGroup.main`:
one line on stderr and an exit code for every mistake), argument pre-processing, the one
writer of documents (`emit`), and the shared options, declared once as `Annotated` aliases.

Exit codes: 0 ok, 1 a failure (bad file or data, `table --verify` disagreement), 2 a usage
mistake, 130 Ctrl-C, 141 stdout closed early (`actcli ... | head -1`), all without a traceback.
`PointsCommand.parse_args`: negative numbers are points, so `grad relu -2 0 3` needs no `--`.
The I/O layer loads lazily (`sources`, `stream`, `writers`, `records` below), so TAB completion
and --help never load numpy.
"""

import re
import sys
import warnings
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.completion import completion_init
from typer.core import TyperCommand, TyperGroup

import actcli
from actcli._index import DIALECT_NAMES
from actcli.tokens import is_number


def _lazy(name: str) -> Any:
    """The module `name`, executed on first attribute access (importlib's LazyLoader): TAB
    completion and --help never touch the I/O layer, so they never load numpy."""
    import importlib.util

    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)  # as `import` does: actcli.io.sources is that module
    return module


sources = _lazy("actcli.io.sources")
stream = _lazy("actcli.io.stream")
writers = _lazy("actcli.io.writers")
records = _lazy("actcli.io.records")

try:  # typer 0.2x carries its own copy of click
    from typer._click import exceptions as clickx
    from typer._click.types import IntRange
except ImportError:  # pragma: no cover - older typer depends on click
    from click import exceptions as clickx  # type: ignore[no-redef]
    from click.types import IntRange  # type: ignore[no-redef]

# Where data goes (stdout or a file, in the format chosen), and the exit codes: cli/output.py.
from actcli.cli.output import (  # noqa: E402, F401  (the commands import them from here)
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_PIPE,
    EXIT_USAGE,
    choose_format,
    emit,
    stdout_guard,
    to_file,
)

# --- the error boundary and argument pre-processing ----------------------------------------


_SHOW_WARNING = warnings.showwarning


def one_line(text: str) -> str:
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
    msg = one_line(e.format_message())  # type: ignore[attr-defined]
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
        with warnings.catch_warnings():  # and a fresh once-per-run record of those shown
            warnings.showwarning = self._show_warning
            self._shown: set[str] = set()
            code, message = self._run(args, prog_name, complete_var, extra)
        if message:
            print(message, file=sys.stderr, flush=True)
        if standalone_mode:
            sys.exit(code)
        return code

    def _show_warning(self, message: Any, category: type, *args: Any, **kw: Any) -> None:
        if category.__name__ == "InputWarning":  # the class itself would load numpy
            line = f"{self._where}: warning: {one_line(str(message))}"
            if line not in self._shown:  # once per run, whichever block or call site says it
                self._shown.add(line)
                print(line, file=sys.stderr, flush=True)
        else:
            _SHOW_WARNING(message, category, *args, **kw)

    def _run(self, args: Any, prog_name: Any, complete_var: Any, extra: Any) -> tuple[int, Any]:
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
            if not isinstance(e, (actcli.ActivationError, sources.InputError)):
                raise
            code = getattr(e, "exit_code", EXIT_USAGE)
            message = f"{self._where}: {one_line(str(e))}"
        return code, message


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


# --- shared arguments and options, declared once -------------------------------------------


def complete_name(incomplete: str) -> list[str]:
    """TAB on a FUNC: names and aliases; after 'name:', its parameters."""
    from actcli.completions import complete_function

    return complete_function(incomplete)


Func = Annotated[
    str,
    typer.Argument(
        metavar="FUNC",
        help="Function name or alias (see 'actcli list'), with parameters if any: "
        "leaky_relu:alpha=0.2; or an expression in x: 'x*sigmoid(1.702*x)'.",
        autocompletion=complete_name,
        show_default=False,
    ),
]
Funcs = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[FUNC]...",
        help="Functions to show (default: all; see 'actcli list'), with parameters if any: "
        "elu:alpha=0.5.",
        autocompletion=complete_name,
        show_default=False,
    ),
]
FuncList = Annotated[
    list[str],
    typer.Argument(
        metavar="FUNC...",
        help="One or more functions: names (see 'actcli list'), with parameters if any "
        "(elu:alpha=0.5), or expressions in x ('x*tanh(softplus(x))').",
        autocompletion=complete_name,
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
                if number > sys.maxsize:  # more than an index can count
                    self.fail(f"{value} is more points than can be indexed ({sys.maxsize:.3g})")
                if number.is_integer():
                    value = str(int(number))
        return super().convert(value, param, ctx)


Force = Annotated[
    bool,
    typer.Option("--force", help="Write -o FILE even if it looks bigger than the free space there."),
]
Num = Annotated[
    int,
    typer.Option(
        "--num",
        "-n",
        click_type=Count(min=1),
        help="How many points --range makes (1e6 works).",
    ),
]
Input = Annotated[
    Path | None,
    typer.Option(
        "--input",
        "-i",
        metavar="FILE",
        help="Read points from FILE: .txt/.csv (numbers separated by spaces, commas, newlines), "
        ".json (an array), .npy, or a table: actcli's own TSV, CSV, JSON, JSONL and .npy output, "
        "a CSV with a header, lines with tabs (a line is a row): its x column, or --column's; "
        "'-' is standard input.",
        show_default=False,
    ),
]
Column = Annotated[
    str | None,
    typer.Option(
        "--column",
        "-c",
        metavar="NAME|N",
        help="The column of a table given as input (actcli's own output, a CSV with a header, "
        "TSV, a 2-D .npy) that holds the points: a name such as y or dydx[tanh], or a number "
        "from 1. Default: x, the first.",
        show_default=False,
    ),
]


class Precision(str, Enum):  # an Enum, not a Literal: every typer in the pinned range reads it
    float16 = "float16"
    bfloat16 = "bfloat16"
    float32 = "float32"
    float64 = "float64"


DType = Annotated[
    Precision,
    typer.Option(
        "--dtype",
        help="Precision of x and results: x is rounded once to it, results are computed in "
        "float64 and rounded once (bfloat16 needs ml_dtypes; a .npy of it is refused: numpy "
        "alone cannot read it).",
    ),
]
def _dash_is_stdout(value: Path | None) -> Path | None:
    return None if value is not None and str(value) == "-" else value


def output_option(*kinds: str) -> Any:
    """`--output/-o FILE`, its help naming the formats the command writes; `-o -` is stdout."""
    return Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE instead of stdout ('-' is stdout); the format follows its "
            f"extension ({', '.join('.' + k for k in kinds)}).",
            show_default=False,
            callback=_dash_is_stdout,
        ),
    ]


Output = output_option("json", "jsonl", "csv", "tsv", "npy")
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
ChartSave = Annotated[
    Path | None,
    typer.Option(
        "--save",
        metavar="FILE",
        help="Write the chart to FILE instead of stdout: .txt (the terminal chart, plain text), "
        "or a figure drawn with matplotlib: .svg, .png, .pdf, or .html (one page that works "
        "offline: the figure, light or dark, and the numbers behind it).",
        show_default=False,
    ),
]
FigSize = Annotated[
    tuple[float, float] | None,
    typer.Option(
        "--figsize",
        metavar="W H",
        help="A saved figure's width and height in inches, as matplotlib's figsize (2.54 cm "
        "each; default 6.4 wide, and high enough for each panel's 2 and the title, legend "
        "and notes: 5.6 for one panel with a one-row legend, 2 more a derivative's panel).",
        show_default=False,
    ),
]
Dpi = Annotated[
    float | None,
    typer.Option(
        "--dpi",
        metavar="N",
        help="A saved .png's resolution in dots per inch (default 200); SVG, PDF and HTML are "
        "vector and refuse it.",
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


def examples(*lines: str) -> str:
    # One paragraph per example: every typer keeps paragraphs, not all keep single newlines.
    return "Examples:\n\n" + "\n\n".join(f"  {line}" for line in lines)


app = typer.Typer(
    name="actcli",
    cls=ActGroup,
    help="Explore neural-network activation functions and their derivatives, exact to the "
    "last bits.",
    epilog=examples(
        "actcli grad relu -- -2 0 3",
        "actcli compare sigmoid tanh --range -3 3 --num 7",
        "actcli table sigmoid tanh relu leaky_relu linear",
    ),
    no_args_is_help=True,
    add_completion=False,  # actcli's own --install-completion, with its own scripts (below)
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,  # plain click help: no rich import, half the time of --help
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        print(f"actcli {actcli.__version__}")
        raise typer.Exit()


completion_init()  # TAB completion for bash, zsh and fish (typer does this with add_completion)


def _completion(install: bool) -> None:
    from actcli import completions

    completions.install_or_show(install)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    install_completion: Annotated[
        bool,
        typer.Option(
            "--install-completion",
            callback=lambda v: v and _completion(install=True),
            is_eager=True,
            help="Install completion for this shell (bash, zsh, fish): the scripts in completions/.",
        ),
    ] = False,
    show_completion: Annotated[
        bool,
        typer.Option(
            "--show-completion",
            callback=lambda v: v and _completion(install=False),
            is_eager=True,
            help="Print the completion script for this shell, to install it by hand.",
        ),
    ] = False,
) -> None:
    """Explore neural-network activation functions and their derivatives."""


# --- the commands ----------------------------------------------------------------------------


def get_function(spec: str, dialect: Any = None) -> Any:
    """The function a FUNC names: a catalog Activation or an Expression (`actcli.get`)."""
    return actcli.get(spec, dialect=dialect.value if dialect is not None else None)


def once(acts: Sequence[Any]) -> None:
    """Refuse a function named twice (by any of its names: sigmoid and logistic are one)."""
    labels = [a.label for a in acts]
    twice = next((lab for i, lab in enumerate(labels) if lab in labels[:i]), None)
    if twice is not None:
        raise sources.InputError(f"'{twice}' is given twice; name each function once", EXIT_USAGE)


def is_expression(act: Any) -> bool:
    return not hasattr(act, "decl")  # an Expression has no declaration behind it


def given(ctx: typer.Context, name: str) -> bool:
    """Whether the user gave option `name` (not its default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def warn(ctx: typer.Context, text: str) -> None:
    print(f"{ctx.command_path}: {one_line(text)}", file=sys.stderr, flush=True)


def no_formats(flags: dict[str, bool], output: Path | None, why: str) -> None:
    chosen = [f"--{name}" for name, on in flags.items() if on]
    if output is not None:
        chosen.append("--output")
    if chosen:
        raise sources.InputError(f"{why}; leave out {' and '.join(chosen)}", EXIT_USAGE)


def points_in(
    tokens: list[str] | None, span: Any, num: int, path: Path | None, dtype: Precision
) -> Any:
    return open_source(tokens, span, num, path, dtype).read_all()


def open_source(
    tokens: list[str] | None,
    span: Any,
    num: int,
    path: Path | None,
    dtype: Precision,
    column: str | None = None,
) -> "sources.Source":
    return sources.open_points(
        tokens or [], span=span, num=num, path=path, stdin=sys.stdin, dtype=dtype.value,
        column=column,
    )


def main() -> None:
    """The `actcli` console script (`actcli.cli` registers the commands before it runs)."""
    from actcli.render import asciify

    asciify.install()
    try:
        typer.main.get_command(app).main(prog_name="actcli")
    except KeyboardInterrupt:  # outside a command (typer turns those into exit 130 itself)
        sys.exit(EXIT_INTERRUPTED)
