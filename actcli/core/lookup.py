"""Looking a function up: by name, alias, spec, dialect or expression (`get`). It sits above
the catalog, the dialects and the expression parser, which use the registry's types only; this
is what `actcli.get`, `actcli.names` and the other package exports are.
"""

from __future__ import annotations

import actcli.core.catalog  # noqa: F401  (declares the functions)
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
    is_declared,
    names,
    parse_spec,
)

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
]


def get(spec: str, dialect: str | None = None, **params: float) -> Activation:
    """An activation by name, alias or spec ('leaky_relu:alpha=0.2'), with parameters bound.

    With a `dialect` ('torch', 'jax', 'keras', 'keras2', 'tf'), the name means what that
    framework means by it: its definition, defaults and derivative at kinks.
    Anything that is not a catalog name and reads as an expression in x ('x*sigmoid(1.702*x)')
    is parsed as one (see `actcli.core.expr`); its catalog names keep actcli's meaning.
    """
    if not is_declared(spec):
        from actcli.core.expr import looks_like_expression, parse

        name, colon, rest = spec.partition(":")
        if looks_like_expression(spec) or (colon and "=" not in rest):
            if params:
                raise ParameterError(f"'{spec}': an expression takes no parameters")
            return parse(spec)  # type: ignore[return-value]  (an Expression acts like one)
    if dialect is not None:
        from actcli.core.dialects import resolve

        return resolve(spec, dialect, **params)
    name, from_spec = parse_spec(spec)
    return Activation(declaration(name), {**from_spec, **params})
