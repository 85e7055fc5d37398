"""Tables for a terminal, drawn with rich. Only this module imports rich, and only inside the
functions that draw, so commands that write JSON or TSV never load it.

- `points_table`: x and f(x), f'(x), ... for eval, grad and compare.
- `records_table`: the summary table (`actcli table`) and `actcli list`.
- `verify_table`: `table --verify`, declared beside measured.
- `info_table`: `actcli info`, one field a line.
- `slope_where`: the words `info` uses for where the maximum slope is reached.

Cells are always `rich.text.Text`, never markup strings: "[0, inf)" is data, not a style tag.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from actcli.io import Points, cell, number_strings

if TYPE_CHECKING:
    from rich.console import Console

    from actcli.core.analysis import Probe
    from actcli.core.registry import Activation

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
}


def console(no_color: bool = False) -> Console:
    """A console on stdout; rich itself honours NO_COLOR and the terminal's width."""
    from rich.console import Console

    return Console(no_color=no_color or None, highlight=False, soft_wrap=False)


def _style(key: str, text: str) -> str:
    styles = _STYLES.get(key, {})
    return styles.get(text, _MEH if styles else "")


def _fit(
    cols: list[np.ndarray], headers: list[str], width: int
) -> tuple[list[list[str]], int | None]:
    """Columns as text: every digit if the table fits in `width`, else fewer digits."""
    for digits in (None, 12, 9, 6):
        if digits is None:
            text = [number_strings(c) for c in cols]
        else:
            text = [[f"{v:.{digits}g}" for v in c.tolist()] for c in cols]
        need = sum(
            max(len(h), *(len(t) for t in col)) + 3 for h, col in zip(headers, text, strict=True)
        )
        if need <= width:
            break
    return text, digits


def points_table(p: Points, no_color: bool = False) -> None:
    """x, then each series' columns, headed 'relu(x)', "relu'(x)"; at most ROW_LIMIT rows.

    Numbers are shown with every digit (as in JSON and TSV) when the table fits the terminal,
    else rounded, which the caption says.
    """
    from rich import box
    from rich.table import Table
    from rich.text import Text

    out = console(no_color)
    n = p.x.size
    shown = min(n, ROW_LIMIT)
    headers = [s.label + _SUFFIX[key] for s in p.series for key, _ in s.columns]
    arrays = [p.x[:shown]] + [v[:shown] for s in p.series for _, v in s.columns]
    text, digits = _fit(arrays, ["x", *headers], out.width)
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
    table = Table(box=box.SIMPLE_HEAD, caption=caption, header_style="bold")
    table.add_column("x", justify="right", style="cyan", no_wrap=True)
    for h in headers:
        table.add_column(Text(h), justify="right", no_wrap=True)
    for row in zip(*text, strict=True):
        table.add_row(*(Text(c) for c in row))
    out.print(table)


def records_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[tuple[str, str]],
    no_color: bool = False,
    title: str | None = None,
) -> None:
    """One row per record; `columns` are (key, header) pairs. yes/no cells are coloured."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

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
    console(no_color).print(table)


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


def info_table(record: dict[str, Any], no_color: bool = False) -> None:
    """`actcli info`: one labelled line per field of the record."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE, show_header=False, title=Text(record["label"], style="bold"))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key, label in INFO_LABELS.items():
        value = record[key]
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


def slope_where(act: Activation, p: Probe, span: float = 100.0, n: int = 20_001) -> str:
    """Where f' reaches the probe's maximum: 'x = 0', 'x in (0, inf)', or the probe's edge.

    The probe reports one point; a piecewise linear function such as relu reaches its maximum
    slope on a whole interval, so look on a grid for every x where f' equals it exactly, and
    bisect each end of such a run to tell '(0' from '[0' (the kink conventions).
    """
    top_value = p.max_slope

    def is_top(v: float) -> bool:
        return bool(act.grad(v) == top_value)

    def nice(v: float) -> float:
        return 0.0 if abs(v) < 1e-6 else float(f"{v:.4g}")  # the refinement leaves ~1e-9 noise

    def end(inside: float, outside: float, left: bool) -> str:
        while True:  # bisect down to adjacent doubles
            mid = inside + (outside - inside) / 2
            if mid in (inside, outside):
                break
            inside, outside = (mid, outside) if is_top(mid) else (inside, mid)
        b = nice(inside)
        closed = is_top(b)
        text = f"{b:.4g}"
        return ("[" if closed else "(") + text if left else text + ("]" if closed else ")")

    x = np.linspace(-span, span, n)
    x[n // 2] = 0.0
    top = np.flatnonzero(act.grad(x) == top_value)
    if top.size <= 1:
        at = nice(p.max_slope_at)
        if abs(at) >= span:
            return f"x = {at:.4g}, the edge of the probed range; larger beyond"
        return f"x = {at:.4g}"
    parts = []
    for run in np.split(top, np.flatnonzero(np.diff(top) > 1) + 1):
        i, j = int(run[0]), int(run[-1])
        lo = "(-inf" if i == 0 else end(float(x[i]), float(x[i - 1]), left=True)
        hi = "inf)" if j == n - 1 else end(float(x[j]), float(x[j + 1]), left=False)
        parts.append(f"{lo}, {hi}")
    if parts == ["(-inf, inf)"]:
        return "every x"
    return "x in " + " and ".join(parts)
