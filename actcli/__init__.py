"""actcli: neural-network activation functions and their derivatives, exact to the last bits.

Library use costs only numpy::

    >>> import actcli
    >>> act = actcli.get("leaky_relu", alpha=0.2)
    >>> act.value([-1.0, 2.0]), act.grad([-1.0, 2.0])
    (array([-0.2,  2. ]), array([0.2, 1. ]))
"""

from actcli.core.registry import (
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
