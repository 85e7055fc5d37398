"""actcli: neural-network activation functions and their derivatives, exact to the last bits.

Library use costs only numpy::

    >>> import actcli
    >>> act = actcli.get("leaky_relu", alpha=0.2)
    >>> act.value([-1.0, 2.0]), act.grad([-1.0, 2.0])
    (array([-0.2,  2. ]), array([0.2, 1. ]))
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for type checkers and editors; at run time, __getattr__ below
    from actcli.core.lookup import (
        Activation,
        ActivationError,
        Declaration,
        Interval,
        Param,
        ParameterError,
        UnknownFunctionError,
        declaration,
        declarations,
        get,
        names,
        parse_spec,
    )

__version__ = "0.1.0"

__all__ = [
    "Activation",
    "ActivationError",
    "Declaration",
    "Interval",
    "Param",
    "ParameterError",
    "UnknownFunctionError",
    "declaration",
    "declarations",
    "get",
    "names",
    "parse_spec",
    "__version__",
]


def __getattr__(name: str) -> object:
    # The catalog (and numpy) load on first use, so that the command line's TAB completion
    # and --help, which import this package, never pay for them. Submodules load on first use
    # too (`actcli.io`, `actcli.core`), as they would have after an eager import.
    from actcli.core import submodule

    if name in __all__:
        return getattr(submodule("actcli.core", "lookup"), name)
    return submodule(__name__, name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
