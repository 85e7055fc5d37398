"""The math layer: numpy only. No terminals, no printing, no exits.

registry (the API), catalog (the declarations), kernels, numerics, analysis, flow, dialects, expr."""


def __getattr__(name: str) -> object:
    # Submodules load on first use (`actcli.core.registry`), as after `import actcli` they
    # used to; the package itself stays free of numpy until then.
    import importlib

    try:
        return importlib.import_module(f"actcli.core.{name}")
    except ModuleNotFoundError as e:
        if e.name != f"actcli.core.{name}":
            raise
        raise AttributeError(f"module 'actcli.core' has no attribute {name!r}") from None
