"""The math layer: numpy only. No terminals, no printing, no exits.

kernels and numerics (the arithmetic), registry (the types), catalog (the declarations), expr
(expressions in x), dialects (the frameworks' versions), analysis and flow (measured
properties); lookup (`get`) above them all: it is what `actcli.get` is."""

import importlib


def submodule(package: str, name: str) -> object:
    """`package.name`, imported now: for a package's __getattr__, so that its submodules load
    on first use and the package itself costs nothing (no numpy) until then."""
    try:
        return importlib.import_module(f"{package}.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"{package}.{name}":
            raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}") from None


def __getattr__(name: str) -> object:
    return submodule(__name__, name)
