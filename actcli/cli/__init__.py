"""The command line: thin Typer wiring over the core (math), io (numbers in, documents out) and
render (what a terminal shows). `app` is the frame; each family of commands registers on it.

app (the group, the error boundary, shared options, `main`), points (eval, grad, compare), charts
(plot), explore (explore), catalog (table, list, info, dialects), lessons (flow, dead, collapse).
"""

# Each family registers its commands on `app.app` as it is imported: --help lists them in this
# order. (`actcli.cli.app` stays the module: the Typer object is `actcli.cli.app.app`.)
# isort: off
from actcli.cli import points  # noqa: F401  (eval, grad, compare)
from actcli.cli import charts  # noqa: F401  (plot)
from actcli.cli import explore  # noqa: F401  (explore)
from actcli.cli import catalog  # noqa: F401  (table, list, info, dialects)
from actcli.cli import lessons  # noqa: F401  (flow, dead, collapse)
# isort: on
from actcli.cli.app import main

__all__ = ["main"]
