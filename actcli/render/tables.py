"""Tables for a terminal, drawn with rich. Only this module imports rich, and only inside the
functions that draw, so commands that write JSON or TSV never load it.

- `points_table`: x and f(x), f'(x), ... for eval, grad and compare.
- `records_table`: the summary table (`actcli table`) and `actcli list`.
- `verify_table`: `table --verify`, declared beside measured.
- `info_table`: `actcli info`, one field a line.
- `layers_table`: `flow` and `dead`, one row per layer, the functions side by side.
- `dialects_table`: `dialects`, one row per framework, disagreements highlighted.
- `flow_chart`: `flow --plot`, the gradient norm per layer on a log scale; `flow_plan`, its
  figure's.
- `use_color`: whether a chart gets ANSI colours.
- `progress`: a progress bar on stderr for long work (the caller checks it is a terminal).

Cells are always `rich.text.Text`, never markup strings: "[0, inf)" is data, not a style tag.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from actcli.io.records import MISSING, cell, saturation_cells
from actcli.io.sources import InputError
from actcli.io.stream import Points
from actcli.io.writers import number_strings, with_intervals

if TYPE_CHECKING:
    from rich.console import Console

    from actcli.core.flow import FlowResult
    from actcli.render.charts import Chart
    from actcli.render.plan import Plan

ROW_LIMIT = 1000  # rows drawn on a terminal; pipes and files get them all

_SUFFIX = {"y": "(x)", "dydx": "'(x)", "d2ydx2": "''(x)"}

# Cell styles: green for what helps training, red for what hurts it.
_GOOD, _MEH, _BAD = "green", "yellow", "red"
_STYLES: dict[str, dict[str, str]] = {
    "zero_centered": {"yes": _GOOD, "no": _MEH},
    "monotonic": {"yes": _GOOD, "no": _MEH},
    "vanishing_gradient": {"no": _GOOD, "yes": _BAD},  # one-sided or "(less)": yellow
    "dying_units": {"no": _GOOD, "yes": _BAD},
}

INFO_LABELS = {
    "name": "function",
    "aliases": "aliases",
    "params": "parameters",
    "formula": "f(x)",
    "derivative": "f'(x)",
    "output_range": "output range",
    "zero_centered": "zero-centred",
    "monotonic": "monotonic",
    "smoothness": "smoothness",
    "kinks": "kinks at x =",
    "kink_convention": "kink convention",
    "vanishing_gradient": "vanishing gradient",
    "dying_units": "dying units",
    "max_slope": "maximum slope",
    "use": "typical use",
    "limitations": "limitations",
    "source": "source",
    "notes": "notes",
    "dialect_differences": "other frameworks",
    "saturation": "saturation",  # info --dtype: labelled "in float16", ...
}
# `info EXPR`: what the probe measured, as no declaration exists.
EXPRESSION_INFO_LABELS = {
    "function": "expression",
    "formula": "parsed as",
    "kinks": "kinks at x =",
    "output_range": "range on the grid",
    "f0": "f(0)",
    "zero_centered": "zero-centred",
    "monotonic": "monotonic",
    "vanishing_gradient": "vanishing gradient",
    "dying_units": "dying units",
    "max_slope": "maximum slope",
    "saturation": "saturation",
}


def use_color(no_color: bool = False) -> bool:
    """Colour for charts: on a terminal, unless --no-color or NO_COLOR; FORCE_COLOR forces it,
    as it does for rich's tables."""
    import os
    import sys

    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


PROGRESS_AFTER = 1.0  # seconds of work before a progress bar appears


@contextmanager
def progress(total: float | None, stream: Any = None) -> Iterator[Callable[[float], None]]:
    """A tick to call with the work done after each block (of `total`, None if unknown).

    Nothing is drawn, and rich is not imported, until the work has taken PROGRESS_AFTER
    seconds; then a bar on `stream` (stderr), wiped when the work ends. The caller makes
    sure `stream` is a terminal: data never goes there, and a pipe never gets a bar.
    """
    import sys
    import time

    stream = stream if stream is not None else sys.stderr
    start = time.monotonic()
    done = 0.0
    bar: Any = None
    task: Any = None

    def tick(amount: float) -> None:
        nonlocal done, bar, task
        done += amount
        if bar is None:
            if time.monotonic() - start < PROGRESS_AFTER:
                return
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                Progress,
                TaskProgressColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            # Unknown total (text on standard input): a pulsing bar and the time so far.
            columns = [BarColumn(), TaskProgressColumn(), TimeRemainingColumn()]
            if total is None:
                columns = [BarColumn(), TimeElapsedColumn()]
            console = Console(file=stream, force_terminal=True)  # the caller checked
            bar = Progress(*columns, console=console, transient=True)
            task = bar.add_task("", total=total, completed=done)
            bar.start()
        bar.update(task, completed=done)

    try:
        yield tick
    finally:
        if bar is not None:
            bar.stop()


def _broken_pipe() -> None:
    # rich exits with 1 when a reader goes away (`| head`); the CLI's stdout_guard ends quietly
    # with 141, as for one table, when it gets the error itself.
    raise BrokenPipeError


def console(no_color: bool = False) -> Console:
    """A console on stdout; rich itself honours NO_COLOR and the terminal's width."""
    from rich.console import Console

    from actcli.render import asciify

    out = Console(no_color=no_color or None, highlight=False, soft_wrap=False)
    out.on_broken_pipe = _broken_pipe  # type: ignore[method-assign]
    if not asciify.unicode_ok(out.file):
        out.push_render_hook(asciify.hook())
    return out


def _style(key: str, text: str) -> str:
    styles = _STYLES.get(key, {})
    return styles.get(text, _MEH if styles else "")


def _fit(
    cols: list[np.ndarray],
    headers: list[str],
    width: int,
    finish: Callable[[list[list[str]], Callable[[np.ndarray], list[str]]], list[list[str]]],
) -> tuple[list[list[str]], int | None, list[list[int]]]:
    """Columns as text, the digits they were rounded to (None: every digit), and the tables
    to draw them in (lists of column indexes, x = 0 first in each). In order of preference:
    one table with every digit; one table with 12, 9 or 6 digits; tables stacked under each
    other, each x and the columns that fit beside it, with every digit, then fewer. None of
    those fitting in `width`: TooNarrow. `finish(text, fmt)` completes the cells (intervals at
    kinks) before they are measured."""
    texts = []
    for digits in (None, 12, 9, 6):

        def fmt(a: np.ndarray, d: int | None = digits) -> list[str]:
            return number_strings(a) if d is None else [f"{v:.{d}g}" for v in a.tolist()]

        text = finish([fmt(c) for c in cols], fmt)
        # SIMPLE_HEAD pads each column with a space either side and draws an edge character
        # before each column and after the last: 3 per column, and 1 more.
        need = [max(len(h), *(len(t) for t in col)) + 3 for h, col in zip(headers, text, strict=True)]
        if 1 + sum(need) <= width:
            return text, digits, [list(range(len(cols)))]
        texts.append((text, digits, need))
    for text, digits, need in texts:
        if 1 + need[0] + max(need[1:]) <= width:
            groups, used = [[0]], 1 + need[0]
            for i in range(1, len(cols)):
                if len(groups[-1]) > 1 and used + need[i] > width:
                    groups.append([0])
                    used = 1 + need[0]
                groups[-1].append(i)
                used += need[i]
            return text, digits, groups
    raise TooNarrow(
        f"the terminal is {width} columns wide, too narrow for this table; "
        "widen it, or write --tsv, --csv or --json"
    )


class TooNarrow(InputError):
    """No table of the points fits the terminal, even one column beside x at 6 digits."""


def points_table(p: Points, no_color: bool = False, total: int | None = None) -> None:
    """x, then each series' columns, headed 'relu(x)', "relu'(x)"; at most ROW_LIMIT rows.

    `total`: how many points there are, when `p` holds only the first ones.
    Numbers are shown with every digit (as in JSON and TSV) when the table fits the terminal,
    else rounded, which the caption says; columns that do not fit beside each other go into
    tables stacked under the first, each with its x column (see `_fit`).
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console(no_color)
    n = p.x.size if total is None else total
    shown = min(n, ROW_LIMIT)
    headers = ["x"] + [s.label + _SUFFIX[key] for s in p.series for key, _ in s.columns]
    arrays = [p.x[:shown]] + [v[:shown] for s in p.series for _, v in s.columns]
    keys = [(s, k) for s in p.series for k, _ in s.columns]

    def intervals(text: list[list[str]], fmt: Any) -> list[list[str]]:
        for i, (s, k) in enumerate(keys, 1):  # grad --kink math: [lo, hi] at the kinks
            text[i] = with_intervals(text[i], s, k, fmt, 0, shown)
        return text

    text, digits, groups = _fit(arrays, headers, out.width, intervals)
    notes = []
    if shown < n:
        notes.append(f"{shown} of {n} points shown")
    if digits is not None:
        notes.append(f"rounded to {digits} digits to fit")
    caption = (
        "; ".join(notes) + "; --tsv, --json or a pipe gives every point and digit"
        if notes
        else None
    )
    for k, group in enumerate(groups):
        last = k == len(groups) - 1
        table = Table(box=box.SIMPLE_HEAD, caption=caption if last else None, header_style="bold")
        table.add_column("x", justify="right", style="cyan", no_wrap=True)
        for i in group[1:]:
            table.add_column(Text(headers[i]), justify="right", no_wrap=True)
        for row in zip(*(text[i] for i in group), strict=True):
            table.add_row(*(Text(c) for c in row))
        out.print(table)


def records_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    no_color: bool = False,
    title: str | None = None,
) -> None:
    """One row per record; `columns` are (key, header) pairs. yes/no cells are coloured.
    Where the columns cannot all fit with their longest words whole, each record is drawn as
    a block of 'header  value' lines instead (rich would drop the columns that do not fit)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console(no_color)
    nowrap = [i < 2 or key in _STYLES for i, (key, _) in enumerate(columns)]
    need = 1 + sum(
        3 + max((len(t) if whole else max(map(len, t.split()), default=0))
                for t in [header.replace("\n", " "), *(cell(r[key]) for r in rows)])
        for (key, header), whole in zip(columns, nowrap, strict=True)
    )  # fmt: skip
    if need > out.width:
        if title:
            out.print(Text(title, style="bold"))
        for r in rows:
            block = Table(box=box.SIMPLE, show_header=False, padding=(0, 1))
            block.add_column(style="bold", no_wrap=True)
            block.add_column()
            for i, (key, header) in enumerate(columns):
                text = cell(r[key])
                style = "bold cyan" if i == 0 else _style(key, text)
                name = header.replace("-\n", "-").replace("\n", " ")
                block.add_row(Text(name), Text(text, style=style))
            out.print(block)
        return
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", title=title, show_lines=True)
    for i, (key, header) in enumerate(columns):
        table.add_column(
            header,
            style="bold cyan" if i == 0 else None,
            no_wrap=i < 2 or key in _STYLES,  # names, ranges and yes/no stay whole
            min_width=14 if key == "derivative" else None,
        )
    for r in rows:
        cells = []
        for key, _ in columns:
            text = cell(r[key])
            cells.append(Text(text, style=_style(key, text)))
        table.add_row(*cells)
    out.print(table)


def verify_table(
    rows: Sequence[dict[str, Any]], properties: Sequence[tuple[str, str]], no_color: bool = False
) -> None:
    """Each checked property: the declared value over the measured one, marked ✓ or ✗."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_lines=True)
    table.add_column("function", style="bold cyan", no_wrap=True)
    for _, header in properties:
        table.add_column(header)
    for r in rows:
        checks = {c["property"]: c for c in r["checks"]}
        cells: list[Text] = [Text(r["label"])]
        for key, _ in properties:
            c = checks[key]
            text = Text(c["declared"] + "\n")
            text.append(c["measured"] + " ", style="dim")
            text.append("✓" if c["agrees"] else "✗ disagrees", style=_GOOD if c["agrees"] else _BAD)
            cells.append(text)
        table.add_row(*cells)
    console(no_color).print(table)


def info_table(
    record: dict[str, Any],
    no_color: bool = False,
    labels: dict[str, str] = INFO_LABELS,
    caption: str | None = None,
) -> None:
    """`actcli info`: one labelled line per field of the record (`labels`: key -> label)."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        box=box.SIMPLE,
        show_header=False,
        title=Text(record["label"], style="bold"),
        caption=caption,
    )
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, label in labels.items():
        if key not in record:
            continue
        value = record[key]
        if key == "dialect_differences":
            text = "\n".join(
                f"{d['dialect']}: " + "; ".join([d["api"]] * bool(d["api"]) + d["differences"])
                for d in value
            )
            table.add_row(Text(label), Text(text or "none: every framework agrees"))
            continue
        if key == "saturation":
            cells = saturation_cells(value)
            text = "\n".join(cells[k] for k in ("f_saturates", "grad_zero", "f_finite"))
            table.add_row(Text(f"in {value['dtype']}"), Text(text + "\n(computed at every value)"))
            continue
        if key == "params":
            value = [
                f"{k} = {cell(v)}: {record['param_info'][k]['doc']} "
                f"({record['param_info'][k]['domain']})"
                for k, v in value.items()
            ]
            text = "\n".join(value) or "none"
        elif key == "max_slope":
            where = record["max_slope_where"]
            text = f"{cell(value)} {'at' if where.startswith('x =') else 'for'} {where} (computed)"
        else:
            text = cell(value) or "none"
        table.add_row(Text(label), Text(text, style=_style(key, text)))
    console(no_color).print(table)



def _short(v: float) -> str:
    """A number in at most 8 characters: 3 significant digits, a bare exponent (1.99e3)."""
    text = f"{v:.3g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text


def _percent(v: float) -> str:
    return "nan" if v != v else f"{100 * v:.0f}%"


def layers_table(
    labels: Sequence[str],
    columns: Sequence[tuple[str, str, Sequence[float]]],
    per_function: int,
    title: str,
    footer: Sequence[str] = (),
    no_color: bool = False,
) -> None:
    """One row per layer; `columns` are (header, kind, values) with kind "number" or "percent",
    `per_function` of them for each of `labels`, in order. Each function's label heads its
    group of columns; as many groups as fit the terminal go side by side, the rest below.
    Numbers are rounded to 3 digits; `footer` lines follow the tables."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console(no_color)
    depth = len(columns[0][2]) if columns else 0
    texts = [
        [_percent(float(v)) if kind == "percent" else _short(float(v)) for v in values]
        for _, kind, values in columns
    ]
    widths = [
        max(len(h), *(len(t) for t in col)) for (h, _, _), col in zip(columns, texts, strict=True)
    ]
    layer_width = max(len("layer"), len(str(depth)))
    groups = []  # (label, column indices), the label widening its group's first column
    for g, label in enumerate(labels):
        idx = list(range(g * per_function, (g + 1) * per_function))
        span = sum(widths[i] for i in idx) + 3 * (len(idx) - 1)
        label = label if len(label) <= 40 else label[:39] + "…"
        widths[idx[0]] += max(0, len(label) - span)
        groups.append((label, idx))

    def group_width(idx: list[int]) -> int:
        return sum(widths[i] + 3 for i in idx)

    # Pack the groups into tables that fit. Without edges, box.SIMPLE_HEAD lays a row out as
    # the layer column between its paddings, then per column "separator, padding, cell,
    # padding".
    tables: list[list[tuple[str, list[int]]]] = [[]]
    used = layer_width + 2
    for label, idx in groups:
        if tables[-1] and used + group_width(idx) > out.width:
            tables.append([])
            used = layer_width + 2
        tables[-1].append((label, idx))
        used += group_width(idx)

    out.print(Text(title, style="bold"))
    for part in tables:
        line = Text(" " * (layer_width + 2))
        for label, idx in part:
            line.append("  ")
            line.append(label.ljust(group_width(idx) - 3), style="bold")
            line.append(" ")
        out.print()
        out.print(Text(line.plain.rstrip()) if no_color else line)
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False)
        table.add_column("layer", justify="right", style="cyan", no_wrap=True, width=layer_width)
        for _, idx in part:
            for i in idx:
                table.add_column(
                    Text(columns[i][0]), justify="right", no_wrap=True, width=widths[i]
                )
        for layer in range(depth):
            cells = [Text(str(layer + 1))]
            cells += [Text(texts[i][layer]) for _, idx in part for i in idx]
            table.add_row(*cells)
        out.print(table)
    out.print(Text("rounded to 3 digits; --json or --tsv gives every digit", style="dim"))
    for line in footer:
        out.print(Text(line))


def _telling_apart(values: np.ndarray, among: np.ndarray) -> list[str]:
    """`values` with the fewest significant digits (4 at least) that keep the distinct values
    of `among` distinct, so two frameworks that differ never print the same text."""
    distinct = set(among.tolist())
    for digits in range(4, 18):
        if len({f"{v:.{digits}g}" for v in distinct}) == len(distinct):
            break
    return [f"{v:.{digits}g}" for v in values.tolist()]


def dialects_table(
    name: str,
    x: Any,
    rows: Sequence[Any],
    value_differs: Any,
    grad_differs: Any,
    no_color: bool = False,
) -> None:
    """Two tables, one row per framework in each: its call, what it computes and its note;
    then f and f' at each point, with the values where the frameworks disagree in bold
    yellow on a colour terminal, else marked '*'. Values get the digits that tell the
    frameworks apart."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console(no_color)
    colour = out.color_system is not None and not out.no_color
    mark = "" if colour else "*"
    present = np.array([r.api is not None for r in rows])

    calls = Table(box=box.SIMPLE_HEAD, header_style="bold", title=Text(f"{name} in each framework"))
    calls.add_column("framework", style="bold cyan", no_wrap=True)
    calls.add_column("call", no_wrap=True)
    calls.add_column("computes", no_wrap=True)
    notes: list[str] = []  # footnotes: a framework's note is too long for a cell
    for r in rows:
        dim = "" if r.api is not None else "dim"
        computes = Text(r.act.label, style=dim)
        if r.note:
            notes.append(r.note)
            computes.append(f" ({len(notes)})")
        calls.add_row(Text(r.dialect), Text(r.api or MISSING, style=dim), computes)

    legend = []
    if bool(np.any(value_differs)) or bool(np.any(grad_differs)):
        legend.append(
            "bold yellow: the frameworks disagree" if colour else "*: the frameworks disagree"
        )
    if not present.all():
        legend.append(f"{MISSING}: no such function there; --dialect falls back to actcli's")
    values = Table(box=box.SIMPLE_HEAD, header_style="bold")
    values.add_column("framework", style="bold cyan", no_wrap=True)
    values.add_column("", no_wrap=True)
    xs = number_strings(np.asarray(x, dtype=np.float64))
    for t in xs:
        values.add_column(Text(f"x = {t}"), justify="right", no_wrap=True)
    ys = np.array([np.asarray(r.y, dtype=np.float64) for r in rows])
    gs = np.array([np.asarray(r.dydx, dtype=np.float64) for r in rows])
    cols = []  # per point: (f texts, f' texts), one per row
    for i in range(len(xs)):
        among = present if present.any() else np.ones_like(present)
        cols.append(
            (_telling_apart(ys[:, i], ys[among, i]), _telling_apart(gs[:, i], gs[among, i]))
        )
    for k, r in enumerate(rows):
        dim = "" if present[k] else "dim"
        cells = [Text(r.dialect), Text("f\nf'", style="dim")]
        for i, (f_text, g_text) in enumerate(cols):
            cell_text = Text(style=dim)
            for line, (v, mask) in enumerate(
                ((f_text[k], value_differs), (g_text[k], grad_differs))
            ):
                differs = bool(present[k] and mask[i])
                cell_text.append(
                    ("\n" if line else "") + v + (mark if differs else " " * len(mark)),
                    style="bold yellow" if differs and colour else "",
                )
            cells.append(cell_text)
        values.add_row(*cells, end_section=True)
    out.print(calls)
    for i, note in enumerate(notes, 1):
        out.print(Text(f"  ({i}) {note}"))
    out.print(values)
    for line in legend:
        out.print(Text(f"  {line}", style="dim"))


class _Layers:
    """A function's per-layer numbers dressed as an activation, so `actcli.render.charts.chart` draws
    them against the layer index: its `derivative(x, 0)` at x = 1 .. depth is the number of
    that layer."""

    def __init__(self, label: str, values: Sequence[float]) -> None:
        self.name = self.label = label
        self.values = np.asarray(values, dtype=np.float64)

    def derivative(self, x: Any, order: int = 0) -> np.ndarray:
        return self.values[np.rint(np.asarray(x)).astype(np.intp) - 1]


def flow_chart(
    result: FlowResult,
    labels: Sequence[str],
    width: int | None,
    height: int | None,
    color: bool,
) -> Chart:
    """`flow --plot`: ||dL/dW_l|| against the layer l on a log y scale, one series per function.

    Drawn by `actcli.render.charts.chart` (plotext, imported there), so it shares its log ticks,
    glyphs, legend, clipping and ANSI rule; a layer whose norm is 0 or not finite is left out,
    with a warning.
    """
    from actcli.render.charts import chart

    series, kw = _flow_request(result, labels)
    return chart(series, width=width, height=height, color=color, **kw)


def flow_plan(result: FlowResult, labels: Sequence[str]) -> Plan:
    """The plan of `flow_chart`, for a figure (actcli.render.figures)."""
    from actcli.render.plan import plan

    series, kw = _flow_request(result, labels)
    return plan(series, **kw)


def _flow_request(result: FlowResult, labels: Sequence[str]) -> tuple[list[Any], dict[str, Any]]:
    from actcli.render.plan import PlotError

    if result.depth < 2:
        raise PlotError("--plot needs at least 2 layers to draw; raise --depth")
    series = [
        _Layers(f"{label} ({f.init})", f.grad_norm)
        for label, f in zip(labels, result.functions, strict=True)
    ]
    kw = {
        "start": 1,
        "stop": result.depth,
        "points": result.depth,
        "title": "gradient norm ||dL/dW|| per layer (1 = input side), log scale",
        "logy": True,
        "axis_names": ("layer", "||dL/dW||"),
    }
    return series, kw
