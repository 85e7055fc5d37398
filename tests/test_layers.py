"""The house's layout: imports go one way (cli -> render -> io -> core), no module imports itself
back through others, and no room grows too big to read.

Imports are read from the source (ast), counting those made inside functions and those made by
name through the lazy loaders (`_lazy("actcli.io.sources")`, `submodule("actcli.core", "lookup")`,
`importlib.import_module(...)`). An import names the module it imports, not its parent packages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import actcli

PKG = Path(actcli.__file__).parent
LAYERS = {"core": 0, "io": 1, "render": 2, "cli": 3}  # a module may import its own layer or lower
# Third-party packages each layer may not import, even lazily.
FORBIDDEN = {
    "core": {"typer", "click", "rich", "plotext", "matplotlib", "textual", "ml_dtypes"},
    "io": {"typer", "click", "rich", "plotext", "matplotlib", "textual", "ml_dtypes"},
    "render": {"typer", "click", "textual", "matplotlib", "ml_dtypes"},
    "cli": {"textual", "matplotlib", "ml_dtypes"},
}
# The rooms allowed a package their layer forbids: Textual is for `actcli explore` only,
# matplotlib for the figures only.
ALLOWED = {"actcli.render.explorer": {"textual"}, "actcli.render.figures": {"matplotlib"}}
# ml_dtypes (bfloat16) is imported in one room, by the function that is asked for bfloat16.
ALLOWED["actcli.core.formats"] = {"ml_dtypes"}
MAX_LINES = 700
LONG_BY_DESIGN = {"actcli.core.catalog", "actcli.core._taylor", "actcli._index"}  # declarations, tables
LOADERS = {"_lazy", "submodule", "import_module"}


def _name(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(PKG.rglob("*.py"))}


def _imports(path: Path) -> set[str]:
    """Every module named by an import in `path` (actcli's own and third-party, by full name)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in MODULES else node.module)
        elif isinstance(node, ast.Call):
            fn = node.func
            called = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", None)
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if called in LOADERS and args and all(isinstance(a, str) for a in args):
                found.add(".".join(args))
    return found


GRAPH = {m: {i for i in _imports(p) if i in MODULES and i != m} for m, p in MODULES.items()}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _cycle() -> list[str] | None:
    """One import circle among actcli's modules, as a path that ends where it starts; or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for n in sorted(GRAPH[m]):
            if state.get(n) == 1:
                return path[path.index(n) :] + [n]
            if n not in state and (found := visit(n)):
                return found
        state[m] = 2
        path.pop()
        return None

    for m in sorted(GRAPH):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_reader_sees_every_module():
    """The walk finds the rooms and their imports (so the tests below are not vacuous)."""
    assert {"actcli.core.registry", "actcli.core.lookup", "actcli.io.sources", "actcli.cli.app"} <= set(MODULES)
    assert "actcli.core.catalog" in GRAPH["actcli.core.lookup"]
    assert "actcli.io.sources" in GRAPH["actcli.cli.app"]  # through the lazy loader
    assert "actcli.core.lookup" in GRAPH["actcli"]  # through submodule(...)


def test_no_import_circles():
    assert _cycle() is None, " -> ".join(_cycle() or [])


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m)))
def test_imports_go_down_the_layers(module):
    mine = LAYERS[_layer(module)]
    upward = sorted(n for n in GRAPH[module] if _layer(n) and LAYERS[_layer(n)] > mine)
    assert not upward, f"{module} imports {upward} from a layer above it"
    banned = FORBIDDEN.get(_layer(module), set()) - ALLOWED.get(module, set())
    third_party = {i.split(".")[0] for i in _imports(MODULES[module])}
    assert not third_party & banned, f"{module} imports {sorted(third_party & banned)}"


def test_the_core_is_a_library():
    """Below the command line: the core, io and render never import the CLI, even lazily."""
    for m, deps in GRAPH.items():
        if _layer(m) in ("core", "io", "render"):
            assert not any(d.startswith("actcli.cli") for d in deps), m


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_room_too_big(module):
    lines = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    if module not in LONG_BY_DESIGN:
        assert lines <= MAX_LINES, f"{module}: {lines} lines; split it by role"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_room_says_what_it_is_for(module):
    doc = ast.get_docstring(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    assert doc and len(doc.split("\n\n")[0].splitlines()) <= 4, module
