"""The `.html` figure: one self-contained page that works offline, in a light or a dark scheme.

- `page(plan, svg, title)`: the figure as inline SVG (its text in currentColor, so the page's
  `prefers-color-scheme` colours it), a caption, and the numbers behind it as a table; no
  script, no external font, style or image; every text a user gave is escaped.
"""

from __future__ import annotations

import html
import re

import numpy as np

from actcli.io.writers import json_numbers
from actcli.render.plan import Plan

MAX_ROWS = 2001  # the table keeps every k-th sample beyond this, and says so

STYLE = """\
:root { color-scheme: light dark; --ink: #1a1a1a; --paper: #ffffff; --rule: #d4d4d4; }
@media (prefers-color-scheme: dark) {
  :root { --ink: #e8e8e8; --paper: #161616; --rule: #3c3c3c; }
}
body { margin: 1.5em auto; max-width: 60em; padding: 0 1em; color: var(--ink);
       background: var(--paper); font: 16px/1.45 system-ui, sans-serif; }
figure { margin: 0; }
figure svg { display: block; width: 100%; height: auto; color: var(--ink); }
figcaption { margin: 0.6em 0 1.2em; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.85em; }
th, td { padding: 0.15em 0.7em; text-align: right; border-bottom: 1px solid var(--rule); }
th { position: sticky; top: 0; background: var(--paper); }
summary { cursor: pointer; }
"""


def _inline(svg: str, title: str) -> str:
    """matplotlib's SVG file as an element of the page: no XML prolog or doctype, no RDF
    metadata (its namespace addresses are not needed in HTML), labelled for screen readers."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    label = html.escape(title or "chart", quote=True)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1).strip()


def _caption(plan: Plan) -> str:
    what = ", ".join(s.label for s in plan.series)
    lines = [f"{what}, {plan.x_name or 'x'} from {plan.start:g} to {plan.stop:g}"
             + (" (log y)" if plan.logy else "") + "."]  # fmt: skip
    if plan.shade is not None:
        lines.append(f"Shaded under the chart: where |f'| < {plan.shade:g}.")
    lines += [a.note for a in plan.notes]
    return "<br>\n".join(html.escape(line, quote=False) for line in lines)


def _table(plan: Plan) -> str:
    """x and every series at each sample (every k-th beyond MAX_ROWS), the numbers exactly
    as computed (shortest round-trip text; NaN and ±Infinity as in actcli's JSON)."""
    n = len(plan.x)
    step = max(1, -(-n // MAX_ROWS))
    rows = np.arange(0, n, step)
    if rows[-1] != n - 1:
        rows = np.append(rows, n - 1)  # the range's end is always there
    head = "".join(f"<th>{html.escape(h, quote=False)}</th>" for h in [plan.x_name or "x", *(s.label for s in plan.series)])
    columns = [json_numbers(plan.x[rows])] + [json_numbers(s.values[rows]) for s in plan.series]
    body = "\n".join("<tr>" + "".join(f"<td>{v}</td>" for v in cells) + "</tr>" for cells in zip(*columns, strict=True))
    note = f"one sample in {step} of the {n}" if step > 1 else f"all {n} samples"
    return (
        f"<details>\n<summary>The numbers: {note}</summary>\n"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n</details>"
    )


def page(plan: Plan, svg: str, title: str) -> str:
    """The page: `svg` (matplotlib's, text in currentColor) inline, a caption, the table."""
    name = html.escape(title or "actcli figure", quote=False)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{name}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n"
        f"<figure>\n{_inline(svg, title)}\n<figcaption>{_caption(plan)}</figcaption>\n</figure>\n"
        f"{_table(plan)}\n</body>\n</html>\n"
    )
