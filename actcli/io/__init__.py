"""The I/O layer: numbers in, computed in blocks, documents out; no terminal in sight.

sources (numbers in) -> stream (computed in blocks) -> writers (points out); records (the rows of
list, info, table and the lessons). Each submodule loads on first use (`actcli.io.sources`).
"""

from actcli.core import submodule


def __getattr__(name: str) -> object:
    return submodule(__name__, name)
