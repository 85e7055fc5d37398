"""The math layer: numpy only. No terminals, no printing, no exits.

registry (the API), catalog (the declarations), kernels, numerics, analysis, flow, dialects, expr."""

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
