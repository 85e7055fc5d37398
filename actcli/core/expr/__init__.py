"""User-defined activations: a small, safe expression language in x, with exact derivatives.

jets (f, f', f'' and the elementary functions), tree (the nodes, limits, kinks), parse (text
to `Expression`). What follows is the language, which `parse` accepts.

- `parse(text)`: checks `text` against a whitelist of Python's expression syntax (`ast`, never
  eval) and returns an `Expression`, or raises `ExpressionError` quoting the offending part.
- `Expression`: `.value`, `.grad`, `.grad2`, `.derivative`, like an `Activation`. Derivatives
  are exact to rounding: forward-mode automatic differentiation carries the jet (f, f', f'')
  through the tree; catalog activations inside use their own accurate kernels in the chain rule.
- `looks_like_expression(text)`: whether a FUNC argument is an expression or a catalog spec.

The language:

    numbers (decimal), x, pi, e; + - * / ** and unary minus; parentheses;
    exp log log1p expm1 sqrt abs sign sin cos tan atan sinh cosh tanh erf erfc   one argument
    min(a, b, ...)  max(a, b, ...)                         two or more arguments
    clip(u, lo, hi)      constants lo < hi
    pow(a, b)            a**b, the same rules and limits
    where(a < b, c, d)   one comparison (< <= > >= == !=) of two sub-expressions, then c if true
    every catalog activation by name or alias, the input first and parameters as keywords with
    constant values: leaky_relu(2*x, alpha=0.2), hardtanh(x, min=-2, max=2)

Every name (x, pi, e, functions, activations, parameter keywords) is read without case, as
catalog specs are: EXP(X), GELU(x), leaky_relu(x, ALPHA=0.2). The formula prints them lowercase.

Conventions at kinks, the catalog's:
    abs'(0) = 0; sign(0) = 0 and sign' = sign'' = 0 everywhere, the jump at 0 included (as
    relu'(0) = 0); clip'(lo) = clip'(hi) = 0, as hardtanh's;
    max(a, b) and min(a, b) take b, value and derivatives, when a == b: max(x, 0) is relu bit for
    bit, with max(x, 0)'(0) = 0. Put the constant last. Three or more arguments fold from the
    left: max(a, b, c) = max(max(a, b), c);
    where(c, a, b) differentiates the branch it picks.

Powers: u**p with a constant p needs |p| <= 64 and is defined where numpy's power is (a negative
u needs an integer p). u**v with v depending on x is exp(v·log u): u > 0, and a constant u must
be positive.

Limits, all checked before anything is evaluated: 1000 characters; 100 levels of nesting, both
of parentheses (counted before `ast.parse` sees the text) and of the parsed tree, where a run of
+ and - or of * and / is one level; |number| <= 1e300; plain printable ASCII only.
"""

from actcli.core.expr.parse import Expression, looks_like_expression, parse
from actcli.core.expr.tree import (
    CONSTANTS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NUMBER,
    VARIABLE,
    ExpressionError,
)

__all__ = [
    "CONSTANTS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_NUMBER",
    "VARIABLE",
    "Expression",
    "ExpressionError",
    "looks_like_expression",
    "parse",
]
