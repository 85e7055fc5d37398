"""The expression language's reference: its functions, constants, operators and rules, as one
text (`reference_text`) that `actcli info --expressions` prints and the README carries. The
function table is checked against the parser's own (`ELEMENTARY`, `SPECIAL`) by the tests.
"""

from __future__ import annotations

from actcli.core.expr.tree import (
    CONSTANTS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NUMBER,
    VARIABLE,
)

# name -> (call, what it is, convention or domain); one row per function the parser knows.
FUNCTIONS: dict[str, tuple[str, str]] = {
    "abs": ("abs(u)", "|u|; abs'(0) = 0"),
    "sign": ("sign(u)", "-1, 0 or 1; sign(0) = 0, sign' = 0 everywhere (0 at the jump, as relu'(0))"),
    "exp": ("exp(u)", "e^u"),
    "expm1": ("expm1(u)", "e^u - 1, exact near 0"),
    "log": ("log(u)", "natural log; u > 0"),
    "log1p": ("log1p(u)", "log(1 + u), exact near 0; u > -1"),
    "sqrt": ("sqrt(u)", "square root; u >= 0"),
    "pow": ("pow(a, b)", "a**b: the same rules and limits"),
    "sin": ("sin(u)", "sine"),
    "cos": ("cos(u)", "cosine"),
    "tan": ("tan(u)", "tangent; tan' = 1 + tan^2"),
    "atan": ("atan(u)", "arctangent, in (-pi/2, pi/2)"),
    "sinh": ("sinh(u)", "hyperbolic sine; +-inf beyond |u| = 710.47, where it overflows"),
    "cosh": ("cosh(u)", "hyperbolic cosine; inf beyond |u| = 710.47"),
    "tanh": ("tanh(u)", "hyperbolic tangent"),
    "erf": ("erf(u)", "error function"),
    "erfc": ("erfc(u)", "1 - erf(u), exact in the right tail"),
    "min": ("min(a, b, ...)", "smallest; on a tie the later argument's derivatives"),
    "max": ("max(a, b, ...)", "largest; on a tie the later argument's: max(x, 0) is relu"),
    "clip": ("clip(u, lo, hi)", "constants lo < hi; clip'(lo) = clip'(hi) = 0, as hardtanh"),
    "where": ("where(a < b, c, d)", "c where the comparison holds, else d; < <= > >= == !="),
}


def reference_text() -> str:
    """The reference, plain text in lines of at most 100 characters, ending in a newline."""
    width = max(len(call) for call, _ in FUNCTIONS.values())
    constants = ", ".join(f"{k} = {v!r}" for k, v in CONSTANTS.items())
    lines = [
        "Expressions in x: a FUNC argument that is not a catalog name, as in 'x*tanh(softplus(x))'.",
        "Parsed (never eval'd); f' and f'' are exact to rounding (forward-mode differentiation).",
        "",
        f"Variable   {VARIABLE}",
        f"Constants  {constants}",
        "Numbers    decimal only: 2, 0.5, 1e-3",
        "Operators  + - * / ** and unary minus, parentheses; ** binds tightest, then unary minus,",
        "           then * and /, then + and -, each run left to right (** right to left)",
        "",
        "Functions",
        *(f"  {call:<{width}}  {doc}" for call, doc in FUNCTIONS.values()),
        "  every catalog activation, by name or alias (actcli list): the input first, parameters",
        "  as keywords with constant values: leaky_relu(2*x, alpha=0.2), hardtanh(x, min=-2, max=2)",
        "",
        "Names      read without case, each alike: X, PI, Exp(x), GELU(x), leaky_relu(x, ALPHA=0.2)",
        f"Powers     u**p with a constant p: |p| <= {MAX_EXPONENT:g}, a negative u needs an integer p;",
        "           u**v with v depending on x is exp(v*log(u)): u > 0",
        "Kinks      abs, sign, min, max, clip, where and kinked activations report where they switch",
        "           when that is affine in x: 'actcli info EXPR' lists them",
        f"Limits     {MAX_LENGTH} characters, {MAX_DEPTH} levels of nesting, |number| <= "
        f"{MAX_NUMBER:g}, printable ASCII",
    ]
    return "\n".join(lines) + "\n"
