"""The rendering layer: what a person sees on a terminal. Nothing below imports it.

tables (rich tables of points, records, flow; the progress bar), charts (terminal charts with
plotext's canvas), asciify (look-alikes for streams that cannot take Unicode). Each submodule loads on first use (`actcli.render.tables`).
"""

from actcli.core import submodule


def __getattr__(name: str) -> object:
    return submodule(__name__, name)
