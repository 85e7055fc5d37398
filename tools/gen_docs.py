"""Regenerate the function catalog in README.md from the registry.

The table between the `<!-- catalog:start -->` and `<!-- catalog:end -->` markers is written
from each declaration; tests/test_generated.py fails when it is stale.
Run: python tools/gen_docs.py
"""

from __future__ import annotations

import re
from pathlib import Path

import actcli

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- catalog:start -->", "<!-- catalog:end -->"


def catalog_table() -> str:
    rows = [
        "| name | aliases | parameters | f(x) | range | f' at kinks | source |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for d in actcli.declarations():
        act = actcli.get(d.name)
        params = ", ".join(f"{k}={p.default:g}" for k, p in d.params.items()) or "-"
        cells = [
            f"`{d.name}`", ", ".join(f"`{a}`" for a in d.aliases) or "-", params,
            d.formula, f"`{act.output_range}`", act.prop("kink_convention"), d.source,
        ]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def render(text: str) -> str:
    block = f"{START}\n{catalog_table()}\n{END}"
    return re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)


def main() -> None:
    README.write_text(render(README.read_text()))
    print(f"updated {README}")


if __name__ == "__main__":
    main()
