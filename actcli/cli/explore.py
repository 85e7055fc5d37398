"""The explore command: a full-screen app (actcli.render.explorer, Textual) over a View
(actcli.render.view); on `q`, the `actcli plot` command that redraws the view, on stdout.
Textual is imported here only, inside the command, so no other command pays for it.
"""

import sys
from typing import Annotated, Any

import typer

from actcli.cli.app import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    Dialect,
    PointsCommand,
    app,
    complete_name,
    emit,
    examples,
    sources,
)
from actcli.cli.charts import PLOT_RANGE, VANISHING

DEFAULT_FUNCTIONS = ["sigmoid", "tanh", "relu"]

ExploreFuncs = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[FUNC]...",
        help="Functions to start with (default: sigmoid tanh relu): names (see 'actcli list'), "
        "with parameters if any (elu:alpha=0.5), or expressions in x.",
        autocompletion=complete_name,
        show_default=False,
    ),
]


def _terminal() -> bool:
    """Whether stdin and stderr are a terminal, as the program sees them and as Textual does
    (it reads keys from sys.__stdin__ and draws on sys.__stderr__)."""
    streams = (sys.stdin, sys.stderr, sys.__stdin__, sys.__stderr__)
    return all(s is not None and s.isatty() for s in streams)


def plot_command(view: Any) -> list[str]:
    """`actcli plot ...` that draws the chart `view` last drew (same functions, parameters to
    every digit, curves, range, size, shading, dialect)."""
    orders = view.orders
    ks = [k for k in orders if k]
    opts: list[str] = []
    if 0 not in orders:
        opts.append("--only-deriv")
    if ks == [1]:
        opts += ["--deriv"] if 0 in orders else []  # --only-deriv alone draws f'
    else:
        for k in ks:
            opts += ["--order", str(k)]
    if (view.start, view.stop) != PLOT_RANGE:
        opts += ["--range", repr(view.start), repr(view.stop)]
    if view.width is not None and view.height is not None:  # None: no chart fitted the screen
        opts += ["--width", str(view.width), "--height", str(view.height)]
    if view.shade:
        opts.append("--shade-vanishing" if view.threshold == VANISHING else f"--threshold={view.threshold!r}")
    if view.dialect:
        opts += ["--dialect", view.dialect]
    specs = [e.spec() for e in view.entries]
    if any(s.startswith("-") for s in specs):  # '-x*sigmoid(x)': after '--', never an option
        return ["actcli", "plot", *opts, "--", *specs]
    return ["actcli", "plot", *specs, *opts]


@app.command(
    "explore",
    cls=PointsCommand,
    epilog=examples(
        "actcli explore",
        "actcli explore leaky_relu:alpha=0.1 elu 'x*sigmoid(1.702*x)' --range -4 4",
        "actcli explore relu gelu > view.txt   # the plot command of the last view",
    ),
)
def explore(
    funcs: ExploreFuncs = None,
    span: Annotated[
        tuple[float, float],
        typer.Option("--range", metavar="START STOP", help="The x range to start with."),
    ] = PLOT_RANGE,
    dialect: Dialect = None,
) -> None:
    """Change a parameter and watch f, f' and f'' move: a full-screen terminal app.

    A chart of the functions with a cursor, and a readout of f, f' and f'' at the cursor for
    each, every digit the library's. Keys change the parameters, the curves shown, the range,
    the dialect and the shading; 'a' adds a function, 'x' removes one, 'i' shows its info
    card, '?' lists every key. 'q' quits and prints the `actcli plot` command that redraws
    the view (the app draws on stderr, so stdout can be redirected); ctrl+c quits with 130.
    """
    from actcli.render.view import View

    view = View.of(
        funcs or DEFAULT_FUNCTIONS,
        span[0],
        span[1],
        dialect=dialect.value if dialect is not None else None,
        threshold=VANISHING,
    )
    if not _terminal():
        raise sources.InputError(
            "a full-screen app needs a terminal on stdin and stderr; for a chart in a pipe "
            "or a file, use 'actcli plot'",
            EXIT_USAGE,
        )
    from actcli.render.explorer import run

    code = run(view)
    if code == EXIT_INTERRUPTED:
        raise typer.Exit(EXIT_INTERRUPTED)
    if code:  # the app failed, and Textual has said why: no command for a view not shown
        raise typer.Exit(EXIT_FAILURE)
    import shlex

    emit([shlex.join(plot_command(view)) + "\n"], None)
