"""The chart command: `plot`, and `draw`, the one way every command draws a terminal chart
(compare --plot too) to stdout or to a file, or a figure of it (`save_figure`).
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
    Dpi,
    FigSize,
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
    figsize: tuple[float, float] | None = None,
    dpi: float | None = None,
) -> None:
    """One chart (actcli.render.charts) to stdout or a .txt, or a figure of the same plan
    (actcli.render.figures) to `save`; each warning one line on stderr. A function named twice
    is refused, as compare refuses it; --range 2 1 draws over [1, 2], as eval --range 5 1
    counts down over the same points."""
    once(acts)
    start, stop = min(start, stop), max(start, stop)
    kw = {"points": points, "orders": orders, "ylim": ylim, "title": title,
          "shade_vanishing": shade, "logy": logy, "overlay": overlay, "annotate": annotate,
          "diff": diff}  # fmt: skip
    if is_figure(save, figsize, dpi, sized=width is not None or height is not None):
        from actcli.render.plan import plan

        save_figure(ctx, plan(acts, start, stop, **kw), save, figsize, dpi)  # type: ignore[arg-type]
        return
    from actcli.render import tables
    from actcli.render.charts import chart

    c = chart(acts, start, stop, width=width, height=height, color=tables.use_color(no_color), **kw)
    show(ctx, c, save)


def is_figure(
    save: Path | None,
    figsize: tuple[float, float] | None,
    dpi: float | None,
    sized: bool,
    size_options: str = "--width and --height",
) -> bool:
    """Whether `--save` names a figure (.svg, .png, .pdf, .html). A figure's options without
    one, and the terminal chart's size with one, are mistakes: they would do nothing."""
    from actcli.render.plan import FIGURE_SUFFIXES

    figure = save is not None and save.suffix.lower() in FIGURE_SUFFIXES
    if not figure and (figsize is not None or dpi is not None):
        what = "--figsize is for a figure: add --save FILE.svg (or .png, .pdf, .html)"
        if figsize is None:
            what = "--dpi is for a PNG figure: add --save FILE.png"
        raise sources.InputError(what, EXIT_USAGE)
    if figure and sized:
        raise sources.InputError(
            f"{size_options} size the terminal chart, in characters; a figure's size is "
            "--figsize W H, in inches",
            EXIT_USAGE,
        )
    return figure


def save_figure(
    ctx: typer.Context,
    p: Any,
    save: Path,
    figsize: tuple[float, float] | None,
    dpi: float | None,
) -> None:
    """The plan `p` as a figure in `save` (matplotlib, loaded here); its warnings on stderr. A
    file that cannot be written fails (exit 1); a bad size, dpi or no matplotlib is a usage
    mistake (exit 2, through the error boundary)."""
    from actcli.render import figures
    from actcli.render.plan import WriteError

    try:
        figures.save(p, save, size=figsize, dpi=dpi)
    except WriteError as e:
        raise sources.InputError(str(e), EXIT_FAILURE) from None
    for w in p.warnings:
        warn(ctx, w)


def show(ctx: typer.Context, c: Any, save: Path | None) -> None:
    """A drawn chart to stdout, or to `save` (.txt); its warnings on stderr."""
    from actcli.render.plan import WriteError

    if save is not None:
        try:
            c.save(save)
        except WriteError as e:  # a bad name is a usage mistake; a failed write is a failure
            raise sources.InputError(str(e), EXIT_FAILURE) from None
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
        "actcli plot mish --annotate --shade-vanishing --save mish.png --dpi 300",
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
        str | None, typer.Option(
            "--title",
            help="A title above the chart (a figure's default: the functions drawn; "
            "--title '' for none).",
            show_default=False,
        ),
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
    figsize: FigSize = None,
    dpi: Dpi = None,
    dialect: Dialect = None,
    no_color: NoColor = False,
) -> None:
    """Draw f, f' or f'' of one or more functions on the terminal, or save it as a figure.

    Colour on a terminal only (not with --no-color or NO_COLOR; FORCE_COLOR=1 forces it, as for
    tables); each curve also has its own glyph, so the chart reads in a pipe or a .txt file.
    --save FILE.svg, .png, .pdf or .html draws the same chart with matplotlib, for papers and
    slides: Okabe–Ito colours, f solid, f' dashed, f'' dotted.
    """
    if deriv and only_deriv:
        raise sources.InputError("choose --deriv (f and f') or --only-deriv (f'), not both", EXIT_USAGE)
    ks = tuple(sorted(set(order or [1])))
    orders = ks if only_deriv else (0, *ks) if deriv or order else (0,)
    shade_at = threshold if threshold is not None else VANISHING if shade else None
    acts = [get_function(f, dialect) for f in funcs]
    draw(ctx, acts, span[0], span[1], orders, points=points, width=width, height=height,
         ylim=ylim, title=title, shade=shade_at, logy=logy, save=save, no_color=no_color,
         overlay=overlay, annotate=annotate, diff=diff, figsize=figsize, dpi=dpi)  # fmt: skip
