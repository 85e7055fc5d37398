"""Figures for papers and slides: a chart's plan (actcli.render.plan) drawn with matplotlib,
imported here and only when a figure is saved, through its object API (no pyplot, no GUI).

- `save(plan, path, size=None, dpi=None)`: `.svg`, `.png`, `.pdf`, or the `.html` page
  (actcli.render.page), written whole or not at all; the same plan gives the same bytes.
- `figure(plan, size=None, page=False)`: the matplotlib `Figure`.
- `COLORS`, `LINESTYLES`: Okabe–Ito colours (told apart with every common colour blindness),
  one per function; f solid, f' dashed, f'' dotted.

What the terminal chart shows, the figure shows: the series and their panels, the jumps and
the kink convention's value (●), the annotation marks and notes, the shading, the legend; and
axis labels, a title, the exact x range.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from actcli.render.annotate import FLAT, KINK, STEEPEST
from actcli.render.plan import FIGURE_SUFFIXES, SAVE_AS, Plan, PlotError, WriteError, wrap_note
from actcli.render.shading import column_spans, shade_label, vanishing_columns, widest_run

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Okabe & Ito (2008), without yellow (1.1:1 on white) and with black as the text's colour, so
# in the page it turns white in dark mode; each of the rest is 3.4:1 or more on #161616.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "fg")
LINESTYLES = {0: "-", 1: (0, (5.0, 2.0)), 2: (0, (1.2, 1.6))}  # f, f', f''
MARKERS = {KINK: "D", STEEPEST: "^", FLAT: "o"}
MARK_NAMES = {KINK: "kink", STEEPEST: "max f'", FLAT: "f' = 0"}
INK = "#000000"
# The page's figure is drawn in this colour wherever the text's colour goes, then the SVG
# says currentColor there instead, so the page's light or dark scheme decides it.
PAGE_INK = "#010203"
SIZE_LIMITS = (1.0, 50.0)  # inches, each side
DPI_LIMITS = (10.0, 1200.0)
DEFAULT_DPI = 200.0
SHADE_COLUMNS = 1000  # the shading's resolution across the x range
WIDTH = 6.4  # inches, matplotlib's default


def default_size(plan: Plan) -> tuple[float, float]:
    """6.4 inches wide (matplotlib's default); 4.8 high for one panel, 2 more for each further
    one, and room for the legend's, the shading's and the notes' rows."""
    return WIDTH, round(3.6 + 2.0 * len(plan.panels) + _extra(plan, WIDTH), 2)


def check_size(size: tuple[float, float] | None) -> None:
    if size is None:
        return
    lo, hi = SIZE_LIMITS
    if not all(math.isfinite(v) and lo <= v <= hi for v in size):
        w, h = size
        raise PlotError(f"a figure's size must be {lo:g} to {hi:g} inches a side, not {w:g} x {h:g}")


def check_dpi(dpi: float | None, suffix: str) -> None:
    if dpi is None:
        return
    if suffix != ".png":
        raise PlotError(f"--dpi sets a PNG's resolution; a {suffix} figure is vector: leave --dpi out")
    lo, hi = DPI_LIMITS
    if not (math.isfinite(dpi) and lo <= dpi <= hi):
        raise PlotError(f"dpi must be {lo:g} to {hi:g}, not {dpi:g}")


def _matplotlib() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise PlotError(
            "saving a figure needs matplotlib, which is not installed: pip install matplotlib"
        ) from None
    return matplotlib


def _rc(page: bool) -> dict[str, Any]:
    ink = PAGE_INK if page else INK
    return {
        "axes.facecolor": "none" if page else "white",  # the page's own background shows
        "svg.hashsalt": "actcli",  # ids from the content, not a random seed: the same bytes
        "svg.fonttype": "none",  # text stays text: searchable, selectable, the page's font
        "pdf.fonttype": 42,  # TrueType, not Type 3: what publishers ask for
        "text.parse_math": False,  # '$' in a title or an expression is a dollar sign
        "font.size": 10.0,
        "text.color": ink,
        "axes.edgecolor": ink,
        "axes.labelcolor": ink,
        "xtick.color": ink,
        "ytick.color": ink,
        "axes.linewidth": 0.8,
        "legend.frameon": False,
    }


def save(
    plan: Plan,
    path: str | Path,
    *,
    size: tuple[float, float] | None = None,
    dpi: float | None = None,
) -> Path:
    """Write the figure to `path`: its suffix picks SVG, PNG, PDF or the HTML page. `size` is
    (width, height) in inches (default: `default_size`); `dpi` is for a PNG only (default 200).
    PlotError for a bad suffix, size or dpi, or matplotlib missing; a failed write is a
    `WriteError` and leaves no file behind."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FIGURE_SUFFIXES:
        raise PlotError(f"cannot save a figure as '{path.name}': {SAVE_AS}")
    check_size(size)
    check_dpi(dpi, suffix)
    mpl = _matplotlib()
    plan.warnings += [w for w in _crowding(plan) if w not in plan.warnings]
    buf = io.BytesIO()
    with mpl.rc_context(_rc(suffix == ".html")):
        fig = figure(plan, size, page=suffix == ".html")
        if suffix == ".html":
            from actcli.render.page import page

            fig.savefig(buf, format="svg", metadata={"Date": None})
            svg = _stable_ids(buf.getvalue().decode("utf-8")).replace(PAGE_INK, "currentColor")
            data = page(plan, svg, title_of(plan)).encode("utf-8")
        else:
            fmt = suffix[1:]
            meta = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}}
            fig.savefig(buf, format=fmt, dpi=dpi or DEFAULT_DPI, metadata=meta.get(fmt))
            data = buf.getvalue()
            if fmt == "svg":
                data = _stable_ids(data.decode("utf-8")).encode("utf-8")
    try:
        f = path.open("wb")
    except OSError as e:
        raise WriteError(f"cannot write '{path}': {e.strerror or e}") from None
    try:
        with f:
            f.write(data)
    except OSError as e:  # a full disk: no half a figure
        path.unlink(missing_ok=True)
        raise WriteError(f"cannot write '{path}': {e.strerror or e}") from None
    return path


def _crowding(plan: Plan) -> list[str]:
    """One line when functions must share a colour (their f, f', f'' still differ in style)."""
    n = len(COLORS)
    if len(plan.acts) <= n:
        return []
    shared = ", ".join(f"{plan.acts[i].label} and {plan.acts[i - n].label}" for i in range(n, len(plan.acts)))
    return [f"{len(plan.acts)} functions, {n} colours in a figure: {shared} share a colour"]


_HASHED_ID = re.compile(r'id="([a-z]+[0-9a-f]{10})"')


def _stable_ids(svg: str) -> str:
    """matplotlib's SVG ids renamed in order of first use (p1, m2, ...): it hashes each clip
    rectangle's float bounds, whose last bits can differ from run to run even where every
    printed number is the same, so the same figure would not be the same bytes."""
    ids = set(_HASHED_ID.findall(svg))
    if not ids:
        return svg
    found = re.finditer("|".join(sorted(ids)), svg)
    order = list(dict.fromkeys(m.group(0) for m in found))
    names = {old: f"{old.rstrip('0123456789abcdef') or 'i'}{k}" for k, old in enumerate(order)}
    return re.sub("|".join(order), lambda m: names[m.group(0)], svg)


def title_of(plan: Plan) -> str:
    """The title given, or the functions drawn ('' gives none)."""
    if plan.title is not None:
        return plan.title
    return ", ".join(a.label for a in plan.acts)


LINE = 10.0 * 1.75 / 72  # inches a legend row takes at 10 pt
NOTE = 8.3 * 1.5 / 72  # a note line, in 'small' type
CHAR = 0.085  # inches, a character at 10 pt, about
SHADE_ROW = 0.26  # inches, a shading row


def _legend(plan: Plan, width: float) -> tuple[list[int], int]:
    """The series in legend order and the legend's columns: a column per function (its f, f',
    f'' under each other) where they fit across `width` inches, else a column per order (each
    function a row), else one column."""
    each = 0.75 + CHAR * max(len(s.label) for s in plan.series)  # the line sample, text, gap
    fit = max(1, int(width / each))
    k = range(len(plan.series))
    if len(plan.orders) == 1:
        return list(k), min(fit, len(plan.series))
    if len(plan.acts) <= fit:  # matplotlib fills a legend column by column
        return list(k), len(plan.acts)
    by_order = sorted(k, key=lambda i: (plan.series[i].order, plan.series[i].index))
    return (by_order, len(plan.orders)) if len(plan.orders) <= fit else (list(k), 1)


def _notes(plan: Plan, width: float) -> list[str]:
    return [line for a in plan.notes for line in wrap_note(a.note, int(width / (CHAR * 0.83)))]


def _keys(plan: Plan) -> list[str]:
    """The marks a figure explains under it: the kink convention's value, the annotations'."""
    keys = ["jump"] if any(s.jumps for s in plan.series) else []
    marked = {mark for s in plan.series for _, mark in s.marks}
    return keys + [m for m in (KINK, STEEPEST, FLAT) if m in marked]


def _head(plan: Plan, width: float) -> float:
    order, ncols = _legend(plan, width)
    rows = -(-len(order) // ncols)
    return 0.08 + (0.24 if title_of(plan) else 0.0) + LINE * rows


def _foot(plan: Plan, width: float) -> float:
    lines = len(_notes(plan, width))
    return (LINE if _keys(plan) else 0.0) + NOTE * lines + (0.08 if lines else 0.0)


def _extra(plan: Plan, width: float) -> float:
    """Inches for what is not a panel: legend, shading rows, notes (beyond the default's)."""
    shaded = len(plan.acts) if plan.shade is not None else 0
    return _head(plan, width) - 0.08 - 0.24 - LINE + SHADE_ROW * shaded + 0.2 * bool(shaded) + _foot(plan, width)


def figure(plan: Plan, size: tuple[float, float] | None = None, page: bool = False) -> Figure:
    """The plan as a matplotlib Figure: the title and legend on top; a panel per group of
    orders on one x axis, and a strip of shading rows under them; the marks' key and the
    annotation notes at the bottom. `page`: transparent, and the text's colour is PAGE_INK
    (the page swaps it for currentColor)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    ink = PAGE_INK if page else INK
    width, height = size or default_size(plan)
    fig = Figure(figsize=(width, height), layout="constrained")
    if page:
        fig.patch.set_alpha(0.0)
    head_in, foot_in = _head(plan, width), _foot(plan, width)
    body_in = max(height - head_in - foot_in, 0.3 * height)
    parts = fig.subfigures(3, 1, height_ratios=[head_in, body_in, max(foot_in, 1e-3)], hspace=0)
    head, body, foot = parts
    for part in parts:  # the figure's own background is enough (and the page's shows through)
        part.patch.set_visible(False)

    def color(i: int) -> str:
        c = COLORS[i % len(COLORS)]
        return ink if c == "fg" else c

    panels = plan.panels
    shaded = list(plan.acts) if plan.shade is not None else []
    panel_in = max(body_in - 0.6 - SHADE_ROW * len(shaded), 0.5) / len(panels)
    ratios = [panel_in] * len(panels) + ([SHADE_ROW * len(shaded)] if shaded else [])
    grid = body.add_gridspec(len(ratios), 1, height_ratios=ratios)
    axes = [body.add_subplot(grid[0])]
    axes += [body.add_subplot(grid[k], sharex=axes[0]) for k in range(1, len(ratios))]

    for ax, group in zip(axes, panels, strict=False):
        _panel(ax, plan, group, color, ink)
    if shaded:
        strip = axes[-1]
        for row, act in enumerate(shaded):
            i = plan.acts.index(act)
            marked = vanishing_columns(act, plan.shade, plan.start, plan.stop, SHADE_COLUMNS)
            spans = column_spans(marked, plan.start, plan.stop)
            strip.broken_barh([(a, b - a) for a, b in spans], (row + 0.1, 0.8),
                              facecolor=color(i), alpha=0.45, linewidth=0, gid=f"shade-{i}")  # fmt: skip
            label = shade_label(act.label + "'", plan.shade, marked, plan.start, plan.stop)
            # In the widest gap, as the terminal puts it, where it fits; else at the left.
            a, b = widest_run(~marked)
            at = (a + b) / 2 / len(marked)
            fits = (b - a) / len(marked) * (width - 1.2) > CHAR * 0.83 * (len(label) + 2)
            strip.text(at if fits else 0.005, 1 - (row + 0.5) / len(shaded), label,
                       transform=strip.transAxes, ha="center" if fits else "left",
                       va="center", fontsize="small", color=ink)  # fmt: skip
        strip.set_ylim(len(shaded), 0)
        strip.set_yticks([])
    bottom = axes[-1]
    bottom.tick_params(labelbottom=True)
    bottom.set_xlabel(plan.x_name)
    axes[0].set_xlim(plan.start, plan.stop)  # exactly the range asked for: no margins
    if plan.axis_names:  # flow's layers: whole numbers
        bottom.xaxis.set_major_locator(MaxNLocator(integer=True))

    title = title_of(plan)
    if title:
        head.text(0.5, 1.0 - 0.04 / head_in, title, ha="center", va="top", fontsize="large")
    order, ncols = _legend(plan, width)
    handles = [Line2D([], [], color=color(s.index), linestyle=LINESTYLES[s.order], linewidth=1.6)
               for s in (plan.series[i] for i in order)]  # fmt: skip
    head.legend(handles, [plan.series[i].label for i in order], loc="lower center", ncols=ncols,
                borderaxespad=0.1, bbox_to_anchor=(0.5, 0.0))  # fmt: skip

    keys, texts = [], []
    for key in _keys(plan):
        if key == "jump":
            keys.append(Line2D([], [], linestyle="", marker="o", markersize=4.5, color=ink))
            texts.append("the kink convention's value")
        else:
            keys.append(Line2D([], [], linestyle="", marker=MARKERS[key], markersize=6, color=ink,
                               markerfacecolor="none" if key == FLAT else ink))  # fmt: skip
            texts.append(MARK_NAMES[key])
    if keys:
        foot.legend(keys, texts, loc="upper center", ncols=len(keys), borderaxespad=0.0,
                    bbox_to_anchor=(0.5, 1.0))  # fmt: skip
    notes = _notes(plan, width)
    if notes:
        top = 1.0 - (LINE if keys else 0.0) / foot_in
        foot.text(0.1 / width, top, "\n".join(notes), ha="left", va="top", fontsize="small",
                  linespacing=1.5)  # fmt: skip
    return fig


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(v: float, _pos: Any = None) -> str:
    """'10⁻⁴' for 1e-4, as plain text: no mathtext, which reads '$' in a title as maths."""
    k = round(math.log10(v)) if v > 0 else 0
    if v > 0 and math.isclose(v, 10.0**k, rel_tol=1e-9):
        return "10" + str(k).translate(_SUPERSCRIPT)
    return f"{v:g}"


def _panel(ax: Any, plan: Plan, group: list[int], color: Any, ink: str) -> None:
    """One panel: its series (stroke by stroke), jumps, marks, zero line, grid and label."""
    for k, s in enumerate(plan.series):
        if s.order not in group:
            continue
        c, ls = color(s.index), LINESTYLES[s.order]
        for j, (xs, ys) in enumerate(s.strokes()):  # ids name them in the SVG: series-k-stroke
            ax.plot(xs, 10.0**ys if plan.logy else ys, color=c, linestyle=ls, linewidth=1.6,
                    solid_capstyle="butt", dash_capstyle="butt", gid=f"series-{k}-{j}")  # fmt: skip
        jumps = [(k, v) for k, v in s.jumps if math.isfinite(v) and (v > 0 or not plan.logy)]
        if jumps:
            ax.plot(*zip(*jumps, strict=True), linestyle="", marker="o", markersize=4.5, color=c, zorder=4)
        for mx, mark in s.marks:
            with np.errstate(all="ignore"):
                v = float(np.asarray(s.act.derivative(np.array([mx]), s.order))[0])
            if math.isfinite(v) and (v > 0 or not plan.logy):
                ax.plot([mx], [v], linestyle="", marker=MARKERS[mark], markersize=6.5, color=c,
                        markerfacecolor="none" if mark == FLAT else c, markeredgewidth=1.3,
                        zorder=5)  # fmt: skip
    if plan.logy:
        from matplotlib.ticker import FuncFormatter

        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(_power_of_ten))
    else:
        lo, hi = ax.get_ylim()
        if lo < 0 < hi:
            ax.axhline(0.0, color=ink, linewidth=0.6, alpha=0.4, zorder=0)
    if plan.ylim is not None:
        ax.set_ylim(*plan.ylim)
    ax.set_ylabel(plan.panel_label(group))
    ax.grid(True, color=ink, alpha=0.12, linewidth=0.5)
    ax.tick_params(labelbottom=False)
