"""Rows out: the records of `list`, `info` and `table` (the registry's declarations resolved for
their parameters), the grids of `flow`, `dead`, `collapse` and `dialects`, and their writers.

table: an array of rows, one per function, each the registry's declaration resolved for the
function's parameters (`function_record`)::

    [{"name": "sigmoid", "aliases": ["logistic"], "params": {}, "formula": "...",
      "derivative": "...", "output_range": "(0, 1)", "zero_centered": false,
      "monotonic": true, "smoothness": "C^inf", "kinks": [], "kink_convention": "...",
      "vanishing_gradient": "yes", "dying_units": false, "use": "...", "limitations": "...",
      "source": "...", "notes": "..."}, ...]

dialects: one function as each framework defines it, at the points; the masks are true where
the frameworks that have the function give different bits ("api" is null for a framework that
lacks it: its row is actcli's own definition, which `--dialect` falls back to, and it takes no
part in the masks)::

    {"function": "leaky_relu", "x": [0.0, 1.0],
     "dialects": [{"dialect": "torch", "api": "F.leaky_relu(negative_slope=0.01)",
                   "function": "leaky_relu", "params": {"alpha": 0.01}, "note": "",
                   "y": [0.0, 1.0], "dydx": [0.01, 1.0]}, ...],
     "value_differs": [false, false], "grad_differs": [true, false]}

flow, dead: exactly `FlowResult.to_dict()` and `DeadResult.to_dict()` of `actcli.core.flow`;
collapse: an array of `CollapseResult.to_dict()`, one per function, with "collapses" (the
table's yes/no: relative_residual at rounding level).

`table --verify` adds to each row `"checks": [{"property": "output_range", "declared": "(0, 1)",
"measured": "[0, 1]", "agrees": true}, ...]`. `list` writes `{"name", "aliases", "params"}` rows
(params at their defaults); `info` writes one row object plus "param_info" (`{name: {"default",
"doc", "domain"}}`), "max_slope", "max_slope_where" and "dialect_differences"
(`[{"dialect", "api", "differences": [text, ...]}]`, one per framework whose version differs).
`info EXPR` writes what is measured instead of declared: `{"function", "formula", "params",
"kinks", "output_range" (the min and max on the probe's grid, as an interval; an end still
growing at |x| = 1e300 is `inf`), "f0", "odd",
"zero_centered", "monotonic", "vanishing_gradient", "dying_units", "max_slope",
"max_slope_where"}`.

`info --dtype D` and `table --dtype D` (D float16 or bfloat16) add to each row "saturation":
`{"dtype", "f_limit", "f_saturates", "grad_zero", "f_finite", "f_beyond", "overflows"}`, each
but "dtype" a `{"-inf": .., "inf": ..}` pair: f(±inf) in D; from which x on f equals it (x ≤ ..
on the -inf side, x ≥ .. on the inf side; null: never); from which x on f' is exactly 0; the
last x, from 0 outward, whose f is finite; f at the next x (±inf or nan; null: none); and
whether that is ±inf. TSV and CSV of `table
--dtype` have the columns `name, f_saturates_below, f_saturates_above, grad_zero_below,
grad_zero_above, f_finite_below, f_finite_above` ("never" for null).

Numbers, non-finite values and JSONL/CSV/TSV follow the rules of `actcli.io.writers`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from actcli.core.registry import Activation
from actcli.io.writers import csv_line, dumps, json_array, number_strings

# --- records: table, list, info ------------------------------------------------------------

FIELDS = (
    "formula",
    "derivative",
    "output_range",
    "zero_centered",
    "monotonic",
    "smoothness",
    "kinks",
    "kink_convention",
    "vanishing_gradient",
    "dying_units",
    "use",
    "limitations",
    "source",
    "notes",
)


def function_record(act: Activation) -> dict[str, Any]:
    """Everything the registry declares about `act`, resolved for its parameters."""
    row: dict[str, Any] = {
        "name": act.name,
        "aliases": list(act.decl.aliases),
        "params": dict(act.params),
    }
    for key in FIELDS:
        value = act.prop(key)
        if key == "output_range":
            value = str(value)
        elif key == "kinks":
            value = [float(k) for k in value]
        elif key == "dying_units":  # declared "yes"/"no"; JSON gets a boolean, as for the others
            value = value == "yes"
        elif key in ("zero_centered", "monotonic"):
            value = bool(value)
        row[key] = value
    return row


def expression_record(expr: Any, p: Any) -> dict[str, Any]:
    """`info EXPR`: the parsed expression and what `analysis.probe` measured (`p`), as there
    is no declaration."""
    from actcli.core.analysis import max_slope_where, measured_range, vanishing_claim

    return {
        "function": expr.text,
        "formula": expr.formula,
        "params": {},
        "kinks": [float(k) for k in expr.kinks],
        "output_range": measured_range(p),
        "f0": p.f0,
        "odd": p.odd,
        # read as analysis.verify reads a probe for a declared function
        "zero_centered": bool(p.f0 == 0 and p.odd),
        "monotonic": p.monotonic,
        "vanishing_gradient": vanishing_claim(p),
        "dying_units": any(p.dead),
        "max_slope": p.max_slope,
        "max_slope_where": max_slope_where(expr, p),
    }


# --- saturation in a 16-bit format (info --dtype, table --dtype) ---------------------------

SATURATION_KEYS = ("f_limit", "f_saturates", "grad_zero", "f_finite")
# table --dtype: the flat columns of TSV and CSV, (column, key, side)
SATURATION_COLUMNS = tuple(
    (f"{key}_{'below' if side == '-inf' else 'above'}", key, side)
    for key in SATURATION_KEYS[1:]
    for side in ("-inf", "inf")
)


def saturation_record(act: Activation, dtype: np.dtype) -> dict[str, Any]:
    """`actcli.core.saturation`'s facts, each number as the float64 of its shortest text in
    the format; per key a {"-inf": .., "inf": ..} pair (None: never)."""
    from actcli.core import formats
    from actcli.core.saturation import SIDES, saturation

    sides = saturation(act, dtype)

    def num(v: float | None) -> float | None:
        return None if v is None else float(formats.shortest(np.array([v], dtype))[0])

    rec: dict[str, Any] = {"dtype": dtype.name}
    for key in SATURATION_KEYS:
        rec[key] = {s: num(getattr(sides[s], key)) for s in SIDES}
    rec["f_beyond"] = {s: sides[s].f_beyond for s in SIDES}
    rec["overflows"] = {s: sides[s].overflows for s in SIDES}
    return rec


def _n(v: float) -> str:
    return repr(v) if math.isfinite(v) else {"inf": "inf", "-inf": "-inf"}.get(repr(v), "nan")


def saturation_cells(rec: dict[str, Any]) -> dict[str, str]:
    """The facts as text: one cell per key and side (`SATURATION_COLUMNS`), and the lines of
    `info` ("f rounds to its limits", "f' is exactly 0", "f is finite")."""
    cells: dict[str, str] = {}
    for column, key, side in SATURATION_COLUMNS:
        v = rec[key][side]
        cells[column] = "never" if v is None else _n(v)
    lines = []
    for side, op in (("-inf", "≤"), ("inf", "≥")):
        lim, at = rec["f_limit"][side], rec["f_saturates"][side]
        if math.isfinite(lim):
            where = "never" if at is None else f"for x {op} {_n(at)}"
            lines.append(f"f = {_n(lim)} (its limit at {side}) {where}")
    cells["f_saturates"] = "; ".join(lines) or "f has no finite limit"
    zero = [f"x {op} {_n(rec['grad_zero'][s])}" for s, op in (("-inf", "≤"), ("inf", "≥"))
            if rec["grad_zero"][s] is not None]  # fmt: skip
    cells["grad_zero"] = "f' = 0 for " + " and for ".join(zero) if zero else "f' is 0 on no half-line"
    ends = []
    for side in ("-inf", "inf"):
        x = rec["f_finite"][side]
        if x is None:
            ends.append(f"f(0) is not finite on the {side} side")
        elif rec["overflows"][side]:
            ends.append(f"f overflows beyond x = {_n(x)}")
        elif rec["f_beyond"][side] is not None:
            ends.append(f"f is nan beyond x = {_n(x)}")
    cells["f_finite"] = "; ".join(ends) or "f is finite for every finite x"
    return cells


def list_record(act: Activation) -> dict[str, Any]:
    """Name, aliases and parameters at their defaults."""
    return {"name": act.name, "aliases": list(act.decl.aliases), "params": dict(act.params)}


def cell(value: Any) -> str:
    """A record's value as text for TSV, CSV and tables: yes/no, 'a, b', 'alpha=0.01'."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}" if math.isfinite(value) else repr(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={cell(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return " ".join(str(value).split())  # no tabs or newlines inside a cell


def record_json(row: dict[str, Any]) -> Iterator[str]:
    """One JSON object (`info`)."""
    yield dumps(row) + "\n"


def records_json(rows: list[dict[str, Any]], columns: Sequence[str] = ()) -> Iterator[str]:
    """One JSON array of the rows (all their keys: `columns` is for CSV and TSV)."""
    yield dumps(rows) + "\n"


def records_jsonl(rows: list[dict[str, Any]], columns: Sequence[str] = ()) -> Iterator[str]:
    """One JSON object per line."""
    yield "".join(dumps(r) + "\n" for r in rows)


def records_csv(rows: list[dict[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    """A header line of `columns`, then one line per row."""
    yield csv_line(columns)
    yield "".join(csv_line([cell(r[c]) for c in columns]) for r in rows)


def records_tsv(rows: list[dict[str, Any]], columns: Sequence[str]) -> Iterator[str]:
    """A header line of `columns`, then one tab-separated line per row."""
    yield "\t".join(columns) + "\n"
    yield "".join("\t".join(cell(r[c]) for c in columns) + "\n" for r in rows)


RECORD_WRITERS = {
    "json": records_json,
    "jsonl": records_jsonl,
    "csv": records_csv,
    "tsv": records_tsv,
}


# --- grids: flow, dead, collapse, dialects -------------------------------------------------


def exact_cell(value: Any) -> str:
    """As `cell`, but floats keep every digit (repr), so TSV and CSV read back exactly."""
    if isinstance(value, float):
        return repr(value)
    return cell(value)


def grid_tsv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A header line, then one tab-separated line per row; floats with every digit."""
    yield "\t".join(header) + "\n"
    yield "".join("\t".join(exact_cell(v) for v in r) + "\n" for r in rows)


def grid_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """A header line, then one CSV line per row; floats with every digit."""
    yield csv_line(header)
    yield "".join(csv_line([exact_cell(v) for v in r]) for r in rows)


GRID_WRITERS = {"tsv": grid_tsv, "csv": grid_csv}


def dialects_json(
    name: str, x: np.ndarray, rows: Sequence[Any], value_differs: Any, grad_differs: Any
) -> Iterator[str]:
    """The `dialects` document of the module docstring; `rows` are `dialects.compare`'s."""
    items = []
    for r in rows:
        head = {
            "dialect": r.dialect,
            "api": r.api,
            "function": r.act.name,
            "params": dict(r.act.params),
            "note": r.note,
        }
        y, dydx = json_array(np.asarray(r.y)), json_array(np.asarray(r.dydx))
        items.append(dumps(head)[:-1] + f', "y": {y}, "dydx": {dydx}' + "}")
    parts = [
        f'"function": {dumps(name)}',
        f'"x": {json_array(x)}',
        '"dialects": [' + ", ".join(items) + "]",
        f'"value_differs": {dumps([bool(b) for b in value_differs])}',
        f'"grad_differs": {dumps([bool(b) for b in grad_differs])}',
    ]
    yield "{" + ", ".join(parts) + "}\n"


MISSING = "—"  # a framework without the function
DIFFERS = "*"  # marks a value where the frameworks disagree, when colour cannot


def dialect_cells(
    rows: Sequence[Any], value_differs: Any, grad_differs: Any, mark: str = DIFFERS
) -> list[tuple[list[str], list[str]]]:
    """Per row, f and f' as text, with `mark` after each value where the frameworks disagree
    (only on rows of frameworks that have the function: the others take no part)."""
    out = []
    for r in rows:
        present = r.api is not None
        texts = []
        for values, differs in ((r.y, value_differs), (r.dydx, grad_differs)):
            text = number_strings(np.asarray(values, dtype=np.float64))
            texts.append(
                [t + mark if present and d else t for t, d in zip(text, differs, strict=True)]
            )
        out.append((texts[0], texts[1]))
    return out


def dialects_grid(
    x: np.ndarray, rows: Sequence[Any], value_differs: Any, grad_differs: Any
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows for TSV and CSV, one row per framework and point: dialect, api,
    function (with parameters), note, x, f, f', and whether the frameworks disagree on f and
    on f' there (yes/no; '—' for a framework without the function, which takes no part)."""
    header = ["dialect", "api", "function", "note", "x", "y", "dydx", "y_differs", "dydx_differs"]
    grid = []
    for r in rows:
        present = r.api is not None
        for i, xi in enumerate(np.asarray(x, dtype=np.float64).tolist()):
            vd, gd = (cell(bool(d[i])) if present else MISSING for d in (value_differs, grad_differs))
            y, dydx = float(r.y[i]), float(r.dydx[i])
            grid.append([r.dialect, r.api or MISSING, r.act.label, r.note, xi, y, dydx, vd, gd])
    return header, grid


def dialect_differences(act: Activation) -> list[dict[str, Any]]:
    """How each framework's version of `act`'s function differs from actcli's (PyTorch's).

    One entry per framework that differs: `{"dialect", "api", "differences": [text, ...]}`;
    "api" is None for a framework without the function.
    """
    from actcli.core import dialects

    decl = act.decl
    ours = Activation(decl)  # the catalog's defaults and kink conventions
    out: list[dict[str, Any]] = []
    for d in dialects.DIALECT_NAMES:
        var = dialects.variant(decl.name, d)
        if var is None:
            out.append(
                {"dialect": d, "api": None, "differences": ["no such function; actcli's is used"]}
            )
            continue
        diffs = []
        if var.function and var.function != decl.name:
            diffs.append(f"computes {var.function}")
        for k, v in var.defaults.items():
            mine = f" (actcli: {cell(decl.params[k].default)})" if k in decl.params else ""
            diffs.append(f"default {k}={cell(float(v))}{mine}")
        for k in var.fixed:
            fixed = f" (fixed at {cell(decl.params[k].default)})" if k in decl.params else ""
            diffs.append(f"no parameter {k}{fixed}")
        for kink, slope in var.kink_grad.items():
            mine = float(ours.grad(float(kink)))
            diffs.append(f"f'({cell(float(kink))}) = {cell(float(slope))} (actcli: {cell(mine)})")
        if var.note:
            diffs.append(var.note)
        if diffs:
            out.append({"dialect": d, "api": var.api, "differences": diffs})
    return out
