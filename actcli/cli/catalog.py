"""The commands about the catalog: `table` (the summary of properties, `--verify` measures
them), `list`, `info` and `dialects` (how each framework defines a function).
"""

import sys
from typing import Annotated, Any

import typer

import actcli
from actcli.cli.app import (
    EXIT_FAILURE,
    EXIT_USAGE,
    AsCsv,
    AsJson,
    AsJsonl,
    AsTable,
    AsTsv,
    Dialect,
    Funcs,
    NoColor,
    Num,
    PointsCommand,
    Precision,
    Span,
    app,
    choose_format,
    complete_name,
    emit,
    examples,
    get_function,
    is_expression,
    output_option,
    points_in,
    records,
    sources,
    stdout_guard,
)

TableOutput = output_option("json", "jsonl", "csv", "tsv")
HalfDType = Annotated[
    Precision | None,
    typer.Option(
        "--dtype",
        help="Add where f saturates in float16 or bfloat16, computed at every value of the "
        "format: from which x f rounds to its limits, from which x f' is exactly 0, the last "
        "x whose f is finite.",
        show_default=False,
    ),
]
SATURATION_TABLE = (
    ("label", "function"),
    ("f_saturates_below", "f = f(-inf)\nfor x <="),
    ("f_saturates_above", "f = f(inf)\nfor x >="),
    ("grad_zero_below", "f' = 0\nfor x <="),
    ("grad_zero_above", "f' = 0\nfor x >="),
    ("f_finite_below", "f finite\nfrom x ="),
    ("f_finite_above", "f finite\nto x ="),
)


def _half(dtype: Precision | None) -> Any:
    """The 16-bit dtype asked for, or None; float32 and float64 are refused (exit 2)."""
    if dtype is None:
        return None
    if dtype.value not in ("float16", "bfloat16"):
        raise sources.InputError(
            f"--dtype {dtype.value}: saturation is computed at every value of the format, "
            "which float16 and bfloat16 allow (float32 has 4 billion); use one of them",
            EXIT_USAGE,
        )
    return sources.resolve_dtype(dtype.value)
DialectsOutput = output_option("json", "csv", "tsv")

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
    epilog=examples(
        "actcli table sigmoid tanh relu leaky_relu linear",
        "actcli table --verify",
        "actcli table sigmoid tanh gelu --dtype float16",
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
    output: TableOutput = None,
    dialect: Dialect = None,
    dtype: HalfDType = None,
    no_color: NoColor = False,
) -> None:
    """The summary table: range, derivative, zero-centring, vanishing gradient, dying units.

    The cells are what the registry declares; an expression declares nothing, so it has no
    row here: 'actcli info EXPR' measures its properties instead. With --dtype float16 or
    bfloat16, where each function saturates in that format instead (computed).
    """
    fmt = choose_format({"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, output)
    specs = funcs or actcli.names()
    acts = [get_function(f, dialect) for f in specs]
    expr = next((f for f, a in zip(specs, acts, strict=True) if is_expression(a)), None)
    if expr is not None:
        raise sources.InputError(
            f"'{expr}' is an expression: it declares no properties for the table; "
            f"'info' measures them: actcli info '{expr}'",
            EXIT_USAGE,
        )
    rows = [records.function_record(a) for a in acts]
    labels = [a.label for a in acts]
    half = _half(dtype)
    if half is not None and verify:
        raise sources.InputError("--verify and --dtype are two tables; ask for one", EXIT_USAGE)
    if half is not None:
        for row, act in zip(rows, acts, strict=True):
            row["saturation"] = records.saturation_record(act, half)
        shown = [
            {"label": lab, "name": lab, **records.saturation_cells(r["saturation"])}
            for r, lab in zip(rows, labels, strict=True)
        ]
        if fmt == "table":
            from actcli.render import tables

            title = f"where each function saturates in {half.name} (computed at every value)"
            with stdout_guard():
                tables.records_table(shown, SATURATION_TABLE, no_color, title=title)
        elif fmt in ("json", "jsonl"):
            emit(records.RECORD_WRITERS[fmt](rows), output)
        else:
            header = ["name", *(k for k, _ in SATURATION_TABLE[1:])]
            emit(records.RECORD_WRITERS[fmt](shown, header), output)
        return
    if not verify:
        shown = [{**r, "label": lab} for r, lab in zip(rows, labels, strict=True)]
        keys = [k for k, _ in TABLE_COLUMNS]
        header = ["name", *keys[1:]]
        if fmt == "table":
            from actcli.render import tables

            with stdout_guard():
                tables.records_table(shown, TABLE_COLUMNS, no_color)
        elif fmt in ("json", "jsonl"):
            emit(records.RECORD_WRITERS[fmt](rows), output)
        else:
            renamed = [{"name": r["label"], **{k: r[k] for k in keys[1:]}} for r in shown]
            emit(records.RECORD_WRITERS[fmt](renamed, header), output)
        return

    from actcli.core.analysis import verify as measure

    for row, act in zip(rows, acts, strict=True):
        row["checks"] = [
            {"property": c.prop, "declared": c.declared, "measured": c.measured, "agrees": c.agrees}
            for c in measure(act)
        ]
    if fmt == "table":
        from actcli.render import tables

        props = [
            (c["property"], CHECK_HEADERS.get(c["property"], c["property"]))
            for c in rows[0]["checks"]
        ]
        with stdout_guard():
            tables.verify_table(
                [{**r, "label": lab} for r, lab in zip(rows, labels, strict=True)], props, no_color
            )
    elif fmt in ("json", "jsonl"):
        emit(records.RECORD_WRITERS[fmt](rows), output)
    else:
        long = [
            {"function": lab, **c} for r, lab in zip(rows, labels, strict=True) for c in r["checks"]
        ]
        header = ["function", "property", "declared", "measured", "agrees"]
        emit(records.RECORD_WRITERS[fmt](long, header), output)
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
    epilog=examples(
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

    fmt = choose_format({"json": json_, "jsonl": jsonl, "csv": csv, "tsv": tsv, "table": table}, None)
    names = actcli.names()
    if dialect is not None:
        names = [n for n in names if dialects.has(n, dialect.value)]
    acts = [get_function(n, dialect) for n in names]
    rows = [records.list_record(a) for a in acts]
    if dialect is not None:
        for row, n in zip(rows, names, strict=True):
            var = dialects.variant(n, dialect.value)
            row["name"] = n  # the name as asked; "params" are what it computes with
            row["api"] = var.api if var else None
    if fmt == "table":
        from actcli.render import tables

        shown = [
            {
                **r,
                "param_docs": "\n".join(
                    f"{k}={records.cell(v)}: {a.decl.params[k].doc}" for k, v in a.params.items()
                ),
            }
            for r, a in zip(rows, acts, strict=True)
        ]
        columns = (("name", "function"), ("aliases", "aliases"), ("param_docs", "parameters"))
        if dialect is not None:
            columns += (("api", dialect.value),)
        with stdout_guard():
            tables.records_table(shown, columns, no_color)
    elif fmt in ("json", "jsonl"):
        emit(records.RECORD_WRITERS[fmt](rows), None)
    else:
        keys = ["name", "aliases", "params"] + (["api"] if dialect is not None else [])
        emit(records.RECORD_WRITERS[fmt](rows, keys), None)


@app.command(
    "info",
    cls=PointsCommand,
    epilog=examples(
        "actcli info leaky_relu",
        "actcli info 'x*tanh(softplus(x))'",
        "actcli info sigmoid --dtype bfloat16",
    ),
)
def info(
    func: Annotated[
        str | None,
        typer.Argument(
            metavar="FUNC",
            help="Function name or alias (see 'actcli list'), with parameters if any: "
            "leaky_relu:alpha=0.2; or an expression in x: 'x*sigmoid(1.702*x)'. "
            "Required unless --expressions is given.",
            autocompletion=complete_name,
            show_default=False,
        ),
    ] = None,
    json_: AsJson = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    dialect: Dialect = None,
    dtype: HalfDType = None,
    no_color: NoColor = False,
    expressions: Annotated[
        bool,
        typer.Option(
            "--expressions",
            help="Print the expression language's reference (functions, constants, operators, "
            "conventions) instead of a function's card.",
        ),
    ] = False,
) -> None:
    """Everything about one function: formulas, range, properties, slope, use, other frameworks.

    The maximum slope and where it occurs are computed, not declared; the rest comes from the
    registry: kink conventions, typical use, limitations, source; and how each framework's
    version differs (`actcli dialects` shows the numbers). An expression has no declaration:
    its parsed form is shown, and its properties are measured on a dense grid. With
    --expressions, the reference of the expression language, as in the README.
    """
    if expressions:
        given = [
            flag
            for flag, on in (("FUNC", func is not None), ("--json", json_), ("--tsv", tsv),
                             ("--table", table), ("--dialect", dialect is not None),
                             ("--dtype", dtype is not None))
            if on
        ]
        if given:
            raise sources.InputError(
                f"--expressions prints the expression reference and takes no {given[0]}",
                EXIT_USAGE,
            )
        from actcli.core.expr.reference import reference_text

        emit([reference_text()], None)
        return
    if func is None:
        raise sources.InputError(
            "a FUNC is needed, as in: actcli info sigmoid; or --expressions for the "
            "expression language",
            EXIT_USAGE,
        )
    fmt = choose_format({"json": json_, "tsv": tsv, "table": table}, None)
    act = get_function(func, dialect)
    from actcli.core.analysis import max_slope_where, probe
    from actcli.render import tables

    half = _half(dtype)
    p = probe(act)
    saturation = None if half is None else records.saturation_record(act, half)
    if is_expression(act):
        _expression_info(act, p, fmt, no_color, saturation)
        return
    record = records.function_record(act)
    if dialect is not None:
        record["dialect"] = dialect.value
    record["param_info"] = {
        k: {"default": prm.default, "doc": prm.doc, "domain": prm.domain}
        for k, prm in act.decl.params.items()
    }
    record["max_slope"] = p.max_slope
    record["max_slope_where"] = max_slope_where(act, p)
    record["dialect_differences"] = records.dialect_differences(act)
    if saturation is not None:
        record["saturation"] = saturation
    if fmt == "table":
        caption = f"as {dialect.value} defines it" if dialect is not None else None
        with stdout_guard():
            tables.info_table({**record, "label": act.label}, no_color, caption=caption)
    elif fmt == "json":
        emit(records.record_json(record), None)
    else:
        skip = ("param_info", "dialect_differences", "saturation")
        lines = [f"{k}\t{records.cell(v)}\n" for k, v in record.items() if k not in skip]
        lines += _saturation_lines(saturation)
        lines += [
            f"dialect:{d['dialect']}\t"
            + "; ".join(records.cell(t) for t in [d["api"] or records.MISSING, *d["differences"]])
            + "\n"
            for d in record["dialect_differences"]
        ]
        emit(lines, None)


def _saturation_lines(saturation: dict[str, Any] | None) -> list[str]:
    """info's TSV lines of the saturation facts: `f_saturates:float16<TAB>text`, ..."""
    if saturation is None:
        return []
    cells = records.saturation_cells(saturation)
    return [f"{k}:{saturation['dtype']}\t{cells[k]}\n" for k in records.SATURATION_KEYS[1:]]


def _expression_info(
    expr: Any, p: Any, fmt: str, no_color: bool, saturation: dict[str, Any] | None = None
) -> None:
    """`info EXPR`: the parsed expression and what `probe` measures (see io's docstring)."""
    from actcli.render import tables

    record = records.expression_record(expr, p)
    if saturation is not None:
        record["saturation"] = saturation
    if fmt == "table":
        caption = "measured on x in [-100, 100], and out to |x| = 1e300"
        with stdout_guard():
            tables.info_table(
                {**record, "label": expr.text},
                no_color,
                labels=tables.EXPRESSION_INFO_LABELS,
                caption=caption,
            )
    elif fmt == "json":
        emit(records.record_json(record), None)
    else:
        lines = [f"{k}\t{records.cell(v)}\n" for k, v in record.items() if k != "saturation"]
        emit(lines + _saturation_lines(saturation), None)


# --- dialects --------------------------------------------------------------------------------


@app.command(
    "dialects",
    cls=PointsCommand,
    epilog=examples(
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
            help="A catalog name or alias (see 'actcli list'), without parameters: each "
            "framework's defaults apply.",
            autocompletion=complete_name,
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
    csv: AsCsv = False,
    tsv: AsTsv = False,
    table: AsTable = False,
    output: DialectsOutput = None,
    no_color: NoColor = False,
) -> None:
    """One function in PyTorch, JAX, Keras 3, Keras 2 and TensorFlow, and where they disagree.

    For each framework: its call, the catalog function and parameters it computes, and f and
    f' at the points, with the values where the frameworks disagree marked.
    """
    from actcli.core import dialects

    fmt = choose_format({"json": json_, "csv": csv, "tsv": tsv, "table": table}, output)
    expression = is_expression(get_function(func))
    if expression or ":" in func:
        what = "an expression" if expression else "a name with parameters"
        raise sources.InputError(
            f"'{func}' is {what}; dialects compares the frameworks' own definitions and "
            "defaults: give a catalog name without parameters, as in: dialects leaky_relu",
            EXIT_USAGE,
        )
    name = actcli.declaration(func).name
    if x or span is not None:
        xs = points_in(x, span, num, None, Precision.float64)
    else:
        import numpy as np

        xs = np.array(dialects.default_points(name), dtype=np.float64)
    rows, value_differs, grad_differs = dialects.compare(name, xs)
    if fmt == "table":
        from actcli.render import tables

        with stdout_guard():
            tables.dialects_table(name, xs, rows, value_differs, grad_differs, no_color)
    elif fmt == "json":
        emit(records.dialects_json(name, xs, rows, value_differs, grad_differs), output)
    else:
        header, grid = records.dialects_grid(xs, rows, value_differs, grad_differs)
        emit(records.GRID_WRITERS[fmt](header, grid), output)
