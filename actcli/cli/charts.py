"""The chart command: `plot`, and `draw`, the one way every command draws a terminal chart
(compare --plot too) to stdout or to a file.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from actcli.cli.app import (
    EXIT_FAILURE,
    EXIT_USAGE,
    ChartHeight,
    ChartSave,
    ChartWidth,
    Dialect,
    FuncList,
    NoColor,
    PointsCommand,
    app,
    emit,
    examples,
    get_function,
    once,
    sources,
    warn,
)

# --- plot ------------------------------------------------------------------------------------

PLOT_RANGE = (-6.0, 6.0)
MAX_POINTS = 10_000_000  # the chart keeps ~2 per column; beyond this only memory grows
VANISHING = 1e-2  # --shade-vanishing's threshold unless --threshold gives one


def draw(
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
    overlay: bool = False,
    annotate: bool = False,
    diff: bool = False,
) -> None:
    """One chart (actcli.render.charts) to stdout, or to `save`; each warning one line on stderr.
    A function named twice is refused, as compare refuses it; --range 2 1 draws over [1, 2], as
    eval --range 5 1 counts down over the same points."""
    from actcli.render import tables
    from actcli.render.charts import chart

    once(acts)
    start, stop = min(start, stop), max(start, stop)
    c = chart(acts, start, stop, points=points, orders=orders, width=width, height=height,
              ylim=ylim, title=title, shade_vanishing=shade, color=tables.use_color(no_color),
              logy=logy, overlay=overlay, annotate=annotate, diff=diff)  # fmt: skip
    show(ctx, c, save)


def show(ctx: typer.Context, c: Any, save: Path | None) -> None:
    """A drawn chart to stdout, or to `save` (.txt or .html); its warnings on stderr."""
    from actcli.render.charts import PlotError

    if save is not None:
        try:
            c.save(save)
        except PlotError as e:  # a bad name is a usage mistake; a failed write is a failure
            if save.suffix.lower() in (".txt", ".html"):
                raise sources.InputError(str(e), EXIT_FAILURE) from None
            raise
    else:
        emit([c.text + "\n"], None)
    for w in c.warnings:  # after the chart, so a terminal shows them under it
        warn(ctx, w)


@app.command(
    "plot",
    cls=PointsCommand,
    epilog=examples(
        "actcli plot sigmoid tanh --deriv",
        "actcli plot gelu silu --diff --range -4 4",
        "actcli plot mish --annotate --shade-vanishing --save mish.html",
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
        list[int] | None,
        typer.Option(
            "--order",
            min=1,
            max=2,
            metavar="1|2",
            help="The derivative drawn: 1 (f', the default) or 2 (f''); '--order 1 --order 2' "
            "draws both. Given alone it adds the derivative to f, as --deriv does.",
            show_default=False,
        ),
    ] = None,
    only_deriv: Annotated[
        bool, typer.Option("--only-deriv", help="Draw only the derivative, not f.")
    ] = False,
    overlay: Annotated[
        bool,
        typer.Option(
            "--overlay",
            help="f and its derivatives on one y axis (by default each derivative has a panel "
            "of its own under f, on the same x axis).",
        ),
    ] = False,
    annotate: Annotated[
        bool,
        typer.Option(
            "--annotate",
            help="Mark each function's kinks (◆), maximum slope (▲) and zeros of f' (○), "
            "computed from the registry and the analysis, and list them under the chart.",
        ),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff",
            help="Draw f − g of two functions, with max |f − g|: the chart to read when two "
            "curves coincide.",
        ),
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
    save: ChartSave = None,
    dialect: Dialect = None,
    no_color: NoColor = False,
) -> None:
    """Draw f, f' or f'' of one or more functions on the terminal.

    Colour on a terminal only (not with --no-color or NO_COLOR; FORCE_COLOR=1 forces it, as for
    tables); each curve also has its own glyph, so the chart reads in a pipe or a .txt file.
    """
    if deriv and only_deriv:
        raise sources.InputError("choose --deriv (f and f') or --only-deriv (f'), not both", EXIT_USAGE)
    ks = tuple(sorted(set(order or [1])))
    orders = ks if only_deriv else (0, *ks) if deriv or order else (0,)
    shade_at = threshold if threshold is not None else VANISHING if shade else None
    acts = [get_function(f, dialect) for f in funcs]
    draw(ctx, acts, span[0], span[1], orders, points=points, width=width, height=height,
         ylim=ylim, title=title, shade=shade_at, logy=logy, save=save,
         no_color=no_color, overlay=overlay, annotate=annotate, diff=diff)  # fmt: skip
