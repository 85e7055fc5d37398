"""The commands that teach with a network: `flow` (gradients through a stack of layers),
`dead` (units that never fire) and `collapse` (linear layers that collapse into one).
"""

import math
from collections.abc import Sequence
from typing import Annotated, Any

import typer

from actcli.cli.app import (
    EXIT_USAGE,
    AsCsv,
    AsJson,
    AsTable,
    AsTsv,
    Batch,
    ChartHeight,
    ChartSave,
    Depth,
    Dialect,
    Dpi,
    FigSize,
    FuncList,
    Init,
    NetWidth,
    NoColor,
    PointsCommand,
    Seed,
    app,
    choose_format,
    complete_name,
    emit,
    examples,
    get_function,
    is_expression,
    no_formats,
    output_option,
    records,
    sources,
    stdout_guard,
)

# --- flow, dead, collapse ----------------------------------------------------------------------

# A stack "collapses" when it equals the single map x·W + b (the layers' product, as if f were
# the identity: linear, leaky_relu:alpha=1) to this relative residual: rounding, not a bend.
# (`collapse` compares with that map only: an affine f other than the identity, 2*x, is not
# recognised, though its stack is affine too.)
COLLAPSED = 1e-9

Output = output_option("json", "csv", "tsv")


def _network_acts(specs: Sequence[str], dialect: Any) -> list[Any]:
    """The functions for actcli.core.flow, which takes catalog Activations only (for now): an
    expression goes in dressed as one, evaluated through its own value/grad/grad2."""
    from actcli.core.registry import Activation, Declaration, Interval

    acts = []
    for spec in specs:
        act = get_function(spec, dialect)
        if is_expression(act):
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
    epilog=examples(
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
    chart_width: Annotated[
        int | None,
        typer.Option(
            "--chart-width",
            metavar="COLS",
            help="With --plot: the chart's width in characters, at least 20 (default: the "
            "terminal's, 80 in a pipe). (--width is the network's.)",
            show_default=False,
        ),
    ] = None,
    chart_height: ChartHeight = None,
    save: ChartSave = None,
    figsize: FigSize = None,
    dpi: Dpi = None,
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
        no_formats(flags, output, "--plot draws a chart")
    elif any(v is not None for v in (chart_width, chart_height, save, figsize, dpi)):
        raise sources.InputError(
            "--chart-width, --height, --save, --figsize and --dpi are for a chart: add --plot",
            EXIT_USAGE,
        )
    fmt = "chart" if plot else choose_format(flags, output)
    acts = _network_acts(funcs, dialect)
    result = flow(acts, depth=depth, width=width, batch=batch, seed=seed, init=init)
    labels = [a.label for a in acts]
    if fmt == "chart":
        from actcli.cli.charts import is_figure, save_figure, show
        from actcli.render import tables

        sized = chart_width is not None or chart_height is not None
        if is_figure(save, figsize, dpi, sized, "--chart-width and --height"):
            save_figure(ctx, tables.flow_plan(result, labels), save, figsize, dpi)  # type: ignore[arg-type]
        else:
            color = tables.use_color(no_color)
            show(ctx, tables.flow_chart(result, labels, chart_width, chart_height, color), save)
    elif fmt == "json":
        emit(records.record_json(result.to_dict()), output)
    elif fmt == "table":
        from actcli.render import tables

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
        with stdout_guard():
            tables.layers_table(groups, columns, 4, title, footer, no_color)
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
        emit(records.GRID_WRITERS[fmt](header, rows), output)


@app.command(
    "dead",
    cls=PointsCommand,
    epilog=examples(
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

    fmt = choose_format({"json": json_, "csv": csv, "tsv": tsv, "table": table}, output)
    acts = _network_acts(funcs, dialect)
    result = dead(
        acts, bias_shift=bias_shift, depth=depth, width=width, batch=batch, seed=seed, init=init
    )
    labels = [a.label for a in acts]
    if fmt == "json":
        emit(records.record_json(result.to_dict()), output)
    elif fmt == "table":
        from actcli.render import tables

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
        with stdout_guard():
            tables.layers_table(groups, columns, 3, title, footer, no_color)
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
        emit(records.GRID_WRITERS[fmt](header, rows), output)


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
    epilog=examples(
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
            help="Functions (see 'actcli list') or expressions (default: linear tanh relu).",
            autocompletion=complete_name,
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

    fmt = choose_format({"json": json_, "csv": csv, "tsv": tsv, "table": table}, output)
    acts = _network_acts(funcs or COLLAPSE_DEFAULT, dialect)
    results = [
        collapse(a, depth=depth, width=width, batch=batch, seed=seed, init=init, bias=bias)
        for a in acts
    ]
    if fmt == "json":  # the table's "= x·W + b?" column too, as a boolean
        docs = [{**r.to_dict(), "collapses": bool(r.relative_residual <= COLLAPSED)} for r in results]
        emit(records.records_json(docs), output)
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
        from actcli.render import tables

        title = (
            f"linear collapse: depth {depth}, width {width}, batch {batch}, seed {seed}, "
            f"bias {bias:g}"
        )
        with stdout_guard():
            tables.records_table(rows, COLLAPSE_COLUMNS, no_color, title=title)
    else:
        header = ["function", *(k for k, _ in COLLAPSE_COLUMNS[1:])]
        emit(records.GRID_WRITERS[fmt](header, [list(r.values()) for r in rows]), output)
