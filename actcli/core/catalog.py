"""The catalog: every activation actcli knows, each declared once.

Definitions and defaults follow PyTorch unless a note says otherwise; so do the derivative
conventions at kinks (relu'(0) = 0, leaky_relu'(0) = alpha, hardtanh'(min) = 0, ...).
Kernels take a float64 1-D array and the parameters, and return a new float64 array; nan
handling and dtypes are done once, in `kernels.apply`.

Not here on purpose: softmax, GLU and SwiGLU are not functions of one number.
"""

from __future__ import annotations

import math

import numpy as np

from actcli.core.kernels import native, ties_up
from actcli.core.numerics import (
    SIN2_MAX,
    TAIL_Z,
    d2sigmoid,
    dsigmoid,
    dsigmoid_dd,
    erfcx,
    exp_neg_abs,
    exp_up,
    mul,
    prod_err,
    redo_tails,
    reduce_pi,
    scaled,
    sech2,
    sech2_up,
    sigmoid,
    sigmoid_dd,
    sin2,
    sin_dd,
    softplus,
    tail_points,
    taylor,
    two_prod,
    two_sum,
    unscale,
    where,
)
from actcli.core.reduction import mod_pi
from actcli.core.registry import Interval, Param, activation

inf = np.inf
_MAX = float(np.finfo(np.float64).max)
_SPLIT = 134217729.0  # 2**27 + 1, Dekker's splitter (as in numerics)

# Double-double constants: hi + lo, each hi the double nearest the true value.
_SQRT1_2 = (0.7071067811865476, -4.833646656726457e-17)
_PI4 = (0.7853981633974483, 3.061616997868383e-17)
_PI2 = (1.5707963267948966, 6.123233995736766e-17)
_INV_SQRT_2PI = 0.3989422804014327
# SELU's constants as PyTorch writes them (Klambauer et al. 2017).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
# The tanh approximation of GELU, with the doubles PyTorch uses.
GELU_K0 = 0.7978845608028654  # sqrt(2/pi)
GELU_K1 = 0.044715
QUICK_GELU_C = 1.702
GELU_TAIL = 37.0  # e^(−x²/2) < 1e-297 beyond: redone scaled
GELU_TANH_TAIL = 20.9  # 2u(x) < −684 below −20.9: redone scaled

_DYING_NOTE = "units whose input stays on the flat side get no gradient"


@native
def _flat(x: np.ndarray, out: np.ndarray, **params: float) -> np.ndarray:
    """f'' of a piecewise-linear function: 0 everywhere (its kinks included, by convention)."""
    out.fill(0.0)
    return out


def _in_blocks(kernel, block=1 << 14):
    """Run kernel over 16K-element slices of the chunk: for kernels whose many temporaries
    (gelu's gathered erfcx coefficients) would not fit in L2 at the full chunk size."""

    def blocked(x, out, **params):
        for start in range(0, x.size, block):
            dst = out[start : start + block]
            y = kernel(x[start : start + block], dst, **params)
            if y is not dst:
                dst[...] = y
        return out

    return blocked


def _inside(x, out, lo, hi, slope=1.0):
    """slope on the open (lo, hi), 0 elsewhere: the PyTorch convention at the ends."""
    inside = np.greater(x, lo)
    inside &= np.less(x, hi)  # on 1-byte booleans: half the traffic of float masks
    if slope != 1.0:
        return np.multiply(inside, slope, out=out)
    np.copyto(out, inside)
    return out


def _outside(x, out, lambd):
    """1 where |x| > λ, 0 on the closed [−λ, λ]."""
    return np.greater(np.abs(x), lambd, out=out)


# --- the seed five -------------------------------------------------------------------------


@activation(
    name="sigmoid", aliases=("logistic",), params={},
    formula="σ(x) = 1 / (1 + e^(−x))", derivative="σ(x)·(1 − σ(x))",
    output_range=Interval(0, 1), zero_centered=False, monotonic=True, smoothness="C^inf",
    kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="yes", dying_units="no",
    use="output layer for binary classification (a probability); gates in LSTM/GRU",
    limitations="saturates for |x| > ~5: gradients vanish in deep stacks; outputs are all "
    "positive (not zero-centred), so weight updates zigzag",
    source="logistic function (Verhulst 1838); in neural networks Rumelhart et al. 1986",
    notes="good for binary output, slow to train in hidden layers",
    max_slope=0.25,
)
class Sigmoid:
    def value(x, out):
        return sigmoid(x, out)

    def grad(x, out):
        return dsigmoid(x, out)

    def grad2(x, out):
        return d2sigmoid(x, out)


@activation(
    name="tanh", aliases=(), params={},
    formula="tanh(x) = (e^x − e^(−x)) / (e^x + e^(−x))", derivative="1 − tanh²(x) = sech²(x)",
    output_range=Interval(-1, 1), zero_centered=True, monotonic=True, smoothness="C^inf",
    kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="yes (less)", dying_units="no",
    use="hidden layers of older and recurrent networks, where zero-centred outputs help",
    limitations="still saturates for |x| > ~3: gradients vanish in deep stacks",
    source="hyperbolic tangent; LeCun et al. 1998, 'Efficient BackProp'",
    notes="zero-centred, better gradient flow than sigmoid (max slope 1, not 0.25)",
    max_slope=1.0,
)
class Tanh:
    def value(x, out):
        return np.tanh(x, out=out)

    def grad(x, out):
        return sech2(x, out)

    def grad2(x, out):
        out = sech2(x, out)
        out *= np.tanh(x)
        out *= -2.0
        # Beyond |x| = 345, −2·tanh·sech² from the scaled sech² (one rounding, not two).
        return redo_tails(out, x, lambda i: np.sign(x[i]) * -2.0 * sech2_up(x[i]), -345.0, 345.0)


@activation(
    name="relu", aliases=(), params={},
    formula="max(0, x)", derivative="1 if x > 0 else 0",
    output_range=Interval(0, inf, lo_closed=True), zero_centered=False, monotonic=True,
    smoothness="C^0", kinks=(0.0,), kink_convention="relu'(0) = 0 (PyTorch)",
    vanishing_gradient="no", dying_units="yes",
    use="the default for hidden layers of deep networks",
    limitations="dying ReLU: a unit whose input stays negative outputs 0 and stops learning; "
    "not zero-centred",
    source="Nair & Hinton 2010; Glorot et al. 2011",
    notes="fast and simple, the most used; " + _DYING_NOTE,
    init="he",
    max_slope=1.0,
)
class ReLU:
    @native
    def value(x, out):
        return np.maximum(x, 0.0, out=out)

    @native
    def grad(x, out):
        return np.greater(x, 0.0, out=out)

    grad2 = _flat


@activation(
    name="leaky_relu", aliases=("lrelu",),
    params={"alpha": Param(0.01, "slope for x < 0", ">= 0")},
    formula="x if x > 0 else α·x", derivative="1 if x > 0 else α",
    output_range=lambda p: Interval(-inf if p["alpha"] > 0 else 0, inf, lo_closed=p["alpha"] == 0),
    # α = 1 is the identity: no kink, odd, smooth
    zero_centered=lambda p: p["alpha"] == 1, monotonic=True,
    smoothness=lambda p: "C^inf" if p["alpha"] == 1 else "C^0",
    kinks=lambda p: () if p["alpha"] == 1 else (0.0,),
    kink_convention=lambda p: "none: the identity at α = 1" if p["alpha"] == 1 else "leaky_relu'(0) = α (PyTorch)",
    vanishing_gradient="no", dying_units=lambda p: "no" if p["alpha"] > 0 else "yes",
    use="hidden layers where ReLU units die",
    limitations="α is one more hyper-parameter; outputs are still mostly positive",
    source="Maas et al. 2013",
    notes="keeps a small slope α for x < 0, so units never stop learning",
    init="he",
    max_slope=lambda p: max(1.0, p["alpha"]),
)
class LeakyReLU:
    @native(any_params=True)
    def value(x, out, alpha):
        if alpha == 0:  # relu; α·x below would be 0·inf = nan at x = ±inf
            return np.maximum(x, 0.0, out=out)
        if alpha > 1:
            y = np.where(x > 0, x, mul(x.astype(np.float64, copy=False), alpha))
            # Rounding to float32 overflows exactly when the true value does (as in apply).
            with np.errstate(over="ignore"):
                return y.astype(x.dtype, copy=False)
        # float32 x times the double α, rounded to double and then to float32: the bits of
        # the float64 path, in one ufunc call.
        np.multiply(x, alpha, out=out, dtype=np.float64, casting="same_kind")
        return np.maximum(out, x, out=out)  # max(x, αx) is x for x > 0, αx below, as α <= 1

    @native(any_params=True)  # clip rounds α to out's dtype, correctly
    def grad(x, out, alpha):
        if alpha > 1:
            with np.errstate(over="ignore"):  # α rounds to inf in float32 where it should
                return np.where(x > 0, 1.0, np.asarray(alpha, x.dtype))
        np.greater(x, 0.0, out=out)
        return np.clip(out, alpha, 1.0, out=out)  # 1 for x > 0, α below, as α <= 1

    grad2 = _flat


@activation(
    name="linear", aliases=("identity",), params={},
    formula="x", derivative="1",
    output_range=Interval(-inf, inf), zero_centered=True, monotonic=True, smoothness="C^inf",
    kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="no", dying_units="no",
    use="output layer for regression only",
    limitations="stacked linear layers collapse into one linear map: no hidden layers",
    source="identity map",
    notes="only for a regression output layer",
    max_slope=1.0,
)
class Linear:
    @native
    def value(x, out):
        np.copyto(out, x)
        return out

    @native
    def grad(x, out):
        out.fill(1.0)
        return out

    grad2 = _flat


# --- the exponential linear family ---------------------------------------------------------


def _elu_value(x, out, alpha, scale=1.0):
    """scale·(x if x > 0 else α·(e^x − 1)), as α·expm1(min(x, 0)) + max(x, 0)."""
    t = np.minimum(x, 0.0)
    np.expm1(t, out=t)
    t *= alpha
    np.maximum(x, 0.0, out=out)
    if scale != 1.0:
        t *= scale
        with np.errstate(over="ignore"):  # λx overflows to inf exactly when the truth does
            out *= scale
    return np.add(out, t, out=out)


def _elu_grad(x, out, alpha, scale=1.0, positive=None):
    """scale·α·e^x for x <= 0 (PyTorch's side at the kink), `positive` (default scale) above.

    Without a masked copy: e^min(x, 0) is exactly 1 for x > 0, so subtracting the 0/1 mask
    m = [x > 0] leaves 0 there, and m·positive is added back; every step is exact.
    """
    positive = scale if positive is None else positive
    np.minimum(x, 0.0, out=out)
    np.exp(out, out=out)
    m = np.greater(x, 0.0, out=np.empty_like(out))
    out -= m
    out *= alpha
    if scale != 1.0:
        out *= scale
    if positive != 0.0:
        if positive != 1.0:
            m *= positive
        out += m
    if alpha * scale != 1.0:
        # In the deep tail e^x has lost bits that a large α·λ would show.
        out = redo_tails(out, x, lambda i: exp_up(x[i]) * alpha * scale)
    return out


@activation(
    name="elu", aliases=(), params={"alpha": Param(1.0, "saturation value −α for x → −inf", "> 0")},
    formula="x if x > 0 else α·(e^x − 1)", derivative="1 if x > 0 else α·e^x",
    output_range=lambda p: Interval(-p["alpha"], inf), zero_centered=False, monotonic=True,
    smoothness=lambda p: "C^1" if p["alpha"] == 1 else "C^0", kinks=(0.0,),
    kink_convention="elu'(0) = α·e^0 = α, 1 by default (PyTorch takes the x ≤ 0 side)",
    vanishing_gradient="negative side", dying_units="no",
    use="hidden layers; negative outputs push mean activations towards 0",
    limitations="exp is slower than relu; saturates to −α for very negative inputs",
    source="Clevert et al. 2015",
    notes="smooth negative side pushes mean activations towards 0; no dead units",
    init="he",
    max_slope=lambda p: max(1.0, p["alpha"]),
)
class ELU:
    def value(x, out, alpha):
        return _elu_value(x, out, alpha)

    def grad(x, out, alpha):
        return _elu_grad(x, out, alpha)

    def grad2(x, out, alpha):
        return _elu_grad(x, out, alpha, positive=0.0)


@activation(
    name="selu", aliases=(), params={},
    formula="λ·(x if x > 0 else α·(e^x − 1)), λ ≈ 1.0507, α ≈ 1.6733",
    derivative="λ if x > 0 else λ·α·e^x",
    output_range=Interval(-SELU_SCALE * SELU_ALPHA, inf), zero_centered=False, monotonic=True,
    smoothness="C^0", kinks=(0.0,), kink_convention="selu'(0) = λ·α (PyTorch takes the x ≤ 0 side)",
    vanishing_gradient="negative side", dying_units="no",
    use="self-normalising networks (with lecun_normal init and alpha dropout)",
    limitations="its self-normalisation needs that init and plain feed-forward layers",
    source="Klambauer et al. 2017",
    notes="scaled ELU that keeps activations near zero mean and unit variance",
    init="lecun",
    max_slope=SELU_SCALE * SELU_ALPHA,
)
class SELU:
    def value(x, out):
        return _elu_value(x, out, SELU_ALPHA, SELU_SCALE)

    def grad(x, out):
        return _elu_grad(x, out, SELU_ALPHA, SELU_SCALE)

    def grad2(x, out):
        return _elu_grad(x, out, SELU_ALPHA, SELU_SCALE, positive=0.0)


def _celu_parts(x, alpha):
    """(α·expm1(x/α), exp(x/α), exp(x/α)/α) for x <= 0, with x/α carried as q + r (exact
    remainder)."""
    xn = np.clip(x, -800.0 * alpha, 0.0)
    q = xn / alpha
    p, e = two_prod(q, alpha)
    r = ((xn - p) - e) / alpha
    ex = np.exp(q)
    # In the deep tail (q < −690) e^q has lost bits that a small α would show in f''.
    grad = redo_tails(ex + ex * r, q, lambda i: exp_up(q[i], r[i]))
    grad2 = redo_tails(grad / alpha, q, lambda i: exp_up(q[i], r[i]) / alpha)
    return alpha * (np.expm1(q) + ex * r), grad, grad2


@activation(
    name="celu", aliases=(), params={"alpha": Param(1.0, "saturation value −α for x → −inf", "> 0")},
    formula="x if x > 0 else α·(e^(x/α) − 1)", derivative="1 if x > 0 else e^(x/α)",
    output_range=lambda p: Interval(-p["alpha"], inf), zero_centered=False, monotonic=True,
    smoothness="C^1", kinks=(0.0,), kink_convention="celu'(0) = 1 (PyTorch); f'' jumps there",
    vanishing_gradient="negative side", dying_units="no",
    use="hidden layers; an ELU whose derivative is continuous for every α",
    limitations="like ELU: exp cost, saturation to −α",
    source="Barron 2017",
    notes="ELU with a derivative continuous at 0 for every α",
    init="he",
    max_slope=1.0,
)
class CELU:
    # For α = 1, celu is elu.
    def value(x, out, alpha):
        if alpha == 1.0:
            return _elu_value(x, out, 1.0)
        # Above −1e-250, celu(x) = x·(1 + x/2α + ...) is x: and x/α may be subnormal there.
        return where(x > -1e-250, x, _celu_parts(x, alpha)[0])

    def grad(x, out, alpha):
        if alpha == 1.0:
            return _elu_grad(x, out, 1.0)
        return where(x > 0, 1.0, _celu_parts(x, alpha)[1])

    def grad2(x, out, alpha):
        if alpha == 1.0:
            return _elu_grad(x, out, 1.0, positive=0.0)
        return where(x > 0, 0.0, _celu_parts(x, alpha)[2])


# --- Gaussian error linear units -----------------------------------------------------------


def _gelu_parts(x, up=False):
    """(x clamped, Φ(x), φ(x), x² as hi, lo), each to about 1 ULP in both tails.

    With t = |x|/√2 carried as hi + lo: the tail ½·erfc(t) = ½·erfcx(t)·e^(−x²/2), with x²
    also carried as hi + lo, is Φ(x) for x < 0 and 1 − Φ(x) for x >= 0. With `up`, for
    |x| > GELU_TAIL only: e^(−x²/2), so Φ(x < 0) and φ, come times 2^TAIL_SHIFT (exp_up).
    """
    xc = np.clip(x, -39.0, 39.0)  # beyond, Φ and φ have under- or overflowed to 0 or 1
    sh, sl = two_prod(xc, xc)
    gauss = np.multiply(sh, -0.5)
    if up:
        gauss = exp_up(gauss, sl * -0.5)
        phi = np.empty_like(gauss)
    else:
        np.exp(gauss, out=gauss)
        phi = np.multiply(sl, -0.5)
        phi += 1.0
        gauss *= phi  # e^(−x²/2)
    np.multiply(gauss, _INV_SQRT_2PI, out=phi)
    a = np.abs(xc)
    th, tl = two_prod(a, _SQRT1_2[0])
    a *= _SQRT1_2[1]
    tl += a
    tail = erfcx(th, tl)
    tail *= 0.5
    tail *= gauss
    # Φ = tail for x < 0, 1 − tail from −0 up: m + copysign(tail, ½ − m), m = [x >= 0],
    # without np.where.
    m = xc >= 0
    np.copysign(tail, np.subtract(0.5, m), out=tail)
    tail += m
    return xc, tail, phi, sh, sl


@activation(
    name="gelu", aliases=(), params={},
    formula="x·Φ(x) = x·½·(1 + erf(x/√2))", derivative="Φ(x) + x·φ(x)",
    output_range=Interval(-0.16997120747990366, inf, lo_closed=True), zero_centered=False,
    monotonic=False, smoothness="C^inf", kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="negative side", dying_units="no",
    use="transformers (BERT, GPT-2, ViT): a smooth ReLU weighted by the Gaussian CDF",
    limitations="needs erf; slightly non-monotonic (minimum −0.17 at x ≈ −0.75)",
    source="Hendrycks & Gimpel 2016",
    notes="smooth ReLU weighted by the Gaussian CDF; the transformer default",
    init="he",
    max_slope=1.1289041451851547,
)
class GELU:
    # Beyond |x| = GELU_TAIL, e^(−x²/2) is below 1e-300: those few points are redone with
    # _gelu_parts(up=True) and scaled back once (numerics.redo_tails).
    @ties_up
    @_in_blocks
    def value(x, out):
        def tail(i):
            xc, big_phi, _, _, _ = _gelu_parts(x[i], up=True)
            return xc * big_phi

        xc, big_phi, _, _, _ = _gelu_parts(x)
        y = np.multiply(np.maximum(x, -39.0, out=out), big_phi, out=out)
        return redo_tails(y, xc, tail, -GELU_TAIL)

    @_in_blocks
    def grad(x, out):
        def tail(i):
            xc, big_phi, phi, _, _ = _gelu_parts(x[i], up=True)
            return big_phi + xc * phi

        xc, big_phi, phi, _, _ = _gelu_parts(x)
        y = big_phi + xc * phi
        return redo_tails(taylor(y, xc, 0.0, "gelu'"), xc, tail, -GELU_TAIL)

    @_in_blocks
    def grad2(x, out):
        def tail(i):
            _, _, phi, sh, sl = _gelu_parts(x[i], up=True)
            return phi * ((2.0 - sh) - sl)

        xc, _, phi, sh, sl = _gelu_parts(x)
        y = phi * ((2.0 - sh) - sl)
        return redo_tails(taylor(y, xc, 0.0, "gelu''"), xc, tail, -GELU_TAIL, GELU_TAIL)


def _gelu_tanh_u(x):
    """u = k0·(x + k1·x³) as hi + lo, for x clamped to [-30, 30] (beyond, f has saturated).

    Dekker's products and Knuth's sum written out on nine reused buffers: the operations and
    their order are those of two_prod/two_sum, so the result is the same to the bit.
    """
    xc = np.clip(x, -30.0, 30.0)
    ah = np.multiply(xc, _SPLIT)
    al = np.subtract(ah, xc)
    ah -= al
    np.subtract(xc, ah, out=al)  # xc = ah + al
    # x² = s2h + s2l
    s2h = xc * xc
    s2l = ah * ah
    s2l -= s2h
    w = ah * al
    s2l += w
    s2l += w
    np.multiply(al, al, out=w)
    s2l += w
    # x³ = s3h + e: two_prod(s2h, xc), then + s2l·xc
    s3h = s2h * xc
    bh = np.multiply(s2h, _SPLIT, out=w)
    bl = np.subtract(bh, s2h)
    bh -= bl
    np.subtract(s2h, bh, out=bl)
    e = bh * ah
    e -= s3h
    bh *= al
    e += bh
    ah *= bl
    e += ah
    bl *= al
    e += bl
    np.multiply(s2l, xc, out=s2l)
    e += s2l
    # k1·x³ = th + tl
    th = np.multiply(s3h, GELU_K1, out=s2h)
    tl = prod_err(s3h, GELU_K1, th, ah, al, bh)
    np.multiply(e, GELU_K1, out=e)
    tl += e
    # xc + k1·x³ = sh + sl
    sh = np.add(xc, th, out=s3h)
    bb = np.subtract(sh, xc, out=bl)
    sl = np.subtract(sh, bb, out=al)
    np.subtract(xc, sl, out=sl)
    np.subtract(th, bb, out=bb)
    sl += bb
    sl += tl
    # u = k0·(sh + sl) = uh + ul
    uh = np.multiply(sh, GELU_K0, out=th)
    ul = prod_err(sh, GELU_K0, uh, tl, bb, e)
    np.multiply(sl, GELU_K0, out=sl)
    ul += sl
    return xc, uh, ul


@activation(
    name="gelu_tanh", aliases=("gelu_approx",), params={},
    formula="½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))", derivative="½(1 + tanh u) + ½x·sech²(u)·u′, u = √(2/π)(x + 0.044715x³)",
    output_range=Interval(-0.17004075057125403, inf, lo_closed=True), zero_centered=False,
    monotonic=False, smoothness="C^inf", kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="negative side", dying_units="no",
    use="GPT-2 and ports of models trained with the tanh approximation of GELU",
    limitations="an approximation: differs from exact GELU by up to ~5e-4",
    source="Hendrycks & Gimpel 2016 (tanh approximation)",
    notes="PyTorch's gelu(approximate='tanh'); JAX's default gelu",
    init="he",
    max_slope=1.1289930686587717,
)
class GELUTanh:
    # f = x·σ(2u), since ½(1 + tanh u) = σ(2u); u' = k0(1 + 3k1x²), u'' = 6k0k1x.
    @ties_up
    def value(x, out):
        tails = tail_points(x, -GELU_TANH_TAIL)
        xc, uh, ul = _gelu_tanh_u(x)
        uh *= 2.0
        ul *= 2.0
        kept = _gelu_tanh_keep(tails, xc, uh, ul)
        out = sigmoid_dd(uh, ul, out)
        # Above 30, σ(2u) is 1 exactly: multiplying by x clamped below only gives x itself.
        out = np.multiply(out, np.maximum(x, -30.0, out=uh), out=out)
        return _gelu_tanh_put(out, tails, kept, 0)

    def grad(x, out):
        # One exp, e = e^(−|z|) for z = 2u = zh + zl, D = 1 + e: f' = σ(z) + 2x·u'·σ'(z)
        # = (n·D·(1 + n̄·zl/D) + 2x·u'·e·(1 ∓ (1 − e)/D·zl))/D², with n = max([z >= 0], e),
        # n̄ = max([z < 0], e) (the numerators of σ(±zh)) and ±(1 − e)/D = tanh(zh/2).
        tails = tail_points(x, -GELU_TANH_TAIL)
        xc, zh, zl = _gelu_tanh_u(x)
        zh *= 2.0
        zl *= 2.0
        kept = _gelu_tanh_keep(tails, xc, zh, zl)
        e = exp_neg_abs(zh)
        d = e + 1.0
        n = np.greater_equal(zh, 0.0, out=out)
        c = np.less(zh, 0.0, out=np.empty_like(e))
        np.maximum(n, e, out=n)
        np.maximum(c, e, out=c)
        c /= d
        c *= zl
        c += 1.0
        n *= c
        n *= d
        np.subtract(1.0, e, out=c)
        c /= d
        np.copysign(c, zh, out=c)
        c *= zl
        np.subtract(1.0, c, out=c)
        c *= e
        t = np.multiply(xc, xc, out=zh)
        t *= 3.0 * GELU_K1
        t += 1.0
        t *= GELU_K0  # u'
        t *= xc
        t *= 2.0
        c *= t
        n += c
        d *= d
        n /= d
        n = taylor(n, xc, 0.0, "gelu_tanh'")
        return _gelu_tanh_put(n, tails, kept, 1)

    def grad2(x, out):
        # f'' = σ'(2u)·(4u' + 2x·u'' − 4x·u'²·tanh u), with one exp, e = e^(−|zh|) for
        # z = 2u = zh + zl: tanh u = tanh(zh/2) = ±(1 − e)/(1 + e), σ'(zh) = e/(1 + e)², and
        # σ'(zh + zl) = σ'(zh)·(1 − tanh(zh/2)·zl).
        tails = tail_points(x, -GELU_TANH_TAIL, GELU_TANH_TAIL)
        xc, zh, zl = _gelu_tanh_u(x)
        zh *= 2.0
        zl *= 2.0
        kept = _gelu_tanh_keep(tails, xc, zh, zl)
        e = exp_neg_abs(zh)
        d = np.add(e, 1.0, out=out)
        th = np.subtract(1.0, e)
        th /= d
        np.copysign(th, zh, out=th)  # tanh u
        c = np.multiply(th, zl, out=zh)
        np.subtract(1.0, c, out=c)
        d *= d
        np.divide(e, d, out=d)
        np.minimum(d, 0.25, out=d)  # σ' <= 1/4; rounding must not pass it
        d *= c  # σ'(2u)
        du = np.multiply(xc, xc, out=e)
        du *= 3.0 * GELU_K1
        du += 1.0
        du *= GELU_K0  # u'
        np.multiply(du, du, out=c)
        c *= xc
        c *= th
        c *= 4.0  # 4x·u'²·tanh u
        np.multiply(xc, 6.0 * GELU_K0 * GELU_K1, out=zl)  # u''
        np.multiply(xc, 2.0, out=th)
        th *= zl
        du *= 4.0
        du += th
        du -= c
        d *= du
        d = taylor(d, xc, 0.0, "gelu_tanh''")
        return _gelu_tanh_put(d, tails, kept, 2)


def _gelu_tanh_keep(tails, xc, zh, zl):
    """x, and z = 2u as hi + lo, at the tail points (None if none), before the buffers are reused."""
    return None if tails is None else (xc[tails], zh[tails], zl[tails])


def _gelu_tanh_put(y, tails, kept, order):
    """y with the tail points redone (numerics.redo_tails) from what _gelu_tanh_keep kept."""
    if tails is not None:
        y.put(tails, unscale(_gelu_tanh_tail(*kept, order)))
    return y


def _gelu_tanh_tail(xc, zh, zl, order):
    """f, f' or f'' times 2^TAIL_SHIFT for |x| > GELU_TANH_TAIL (f and f' for x < 0 only),
    where σ(2u) = σ'(2u) = e^(−|2u|) = E/2^TAIL_SHIFT and tanh u = sign(x): x·E,
    E·(1 + 2x·u'), E·(4u' + 2x·u'' − 4x·u'²·sign(x)); z = 2u = zh + zl."""
    e = exp_up(-np.abs(zh), -np.copysign(1.0, zh) * zl)
    if order == 0:
        return xc * e
    du = GELU_K0 * (1.0 + 3.0 * GELU_K1 * (xc * xc))
    if order == 1:
        return e * (1.0 + 2.0 * xc * du)
    return e * (4.0 * du + 2.0 * xc * (6.0 * GELU_K0 * GELU_K1 * xc) - 4.0 * np.abs(xc) * (du * du))


# --- sigmoid-weighted units ----------------------------------------------------------------


def _silu_z(x, beta):
    """x clamped where x·σ(βx) has saturated, and z = βx as hi + lo (lo None when exact)."""
    lim = 800.0 / beta
    xc = np.clip(x, -lim, lim)
    zh, zl = scaled(xc, beta)
    return xc, zh, zl, lim


def _silu_value(x, out, beta):
    xc, zh, zl, lim = _silu_z(x, beta)
    # Above lim, σ is 1 exactly, so multiplying by x clamped below only gives x itself.
    out = sigmoid_dd(zh, zl, out)
    out *= np.maximum(x, -lim)
    # In the deep tail σ(z) = e^z (1 + e^z is 1): f = x·e^z.
    return redo_tails(out, zh, lambda i: xc[i] * _exp_up_at(zh, zl, i))


def _exp_up_at(zh, zl, i):
    """exp_up(z) at the indices i of z = zh + zl (zl None or an array)."""
    return exp_up(zh[i], None if zl is None else zl[i])


def _exp_up_abs(zh, zl, i):
    """exp_up(−|z|) at the indices i of z = zh + zl (zl None or an array)."""
    h = zh[i]
    return exp_up(-np.abs(h), None if zl is None else -np.copysign(1.0, h) * zl[i])


def _two_minus_abs(zh, zl, i):
    """2 − |z| at the indices i of z = zh + zl."""
    h = zh[i]
    w = 2.0 - np.abs(h)
    if zl is not None:
        w -= np.copysign(1.0, h) * zl[i]
    return w


def _plus_z(c, zh, zl, i):
    """c + z at the indices i of z = zh + zl, zl added last (it is tiny beside c + zh)."""
    w = zh[i] + c
    if zl is not None:
        w += zl[i]
    return w


def _silu_grad(x, out, beta):
    # f' = g'(z) for g(z) = z·σ(z): g' = σ(z)·(1 + z·σ(−z)). With e = e^(−|z|), n = max([z >= 0], e)
    # (σ's numerator) and c = max([z < 0], e) (σ(−z)'s): g' = n·(n + c·(1 + z))/(1 + e)². Next to
    # the zero z ≈ −1.28 that is e·(e + (1 + z)), and both 1 + z and e + (1 + z) are exact
    # (Sterbenz): only e's rounding is left, so the Taylor window there is narrow (0.15; for
    # β != 1, z = zh + zl adds two roundings, and 0.1 let them reach 7 ULP).
    xc, zh, zl, _ = _silu_z(x, beta)
    e = exp_neg_abs(zh)
    if zl is not None:
        # e^(−|z|) for z = zh + zl: e·(1 − sign(zh)·zl)
        t = np.copysign(1.0, zh)
        t *= zl
        np.subtract(1.0, t, out=t)
        e *= t
    n = np.greater_equal(zh, 0.0, out=out)
    np.maximum(n, e, out=n)
    c = np.less(zh, 0.0)
    c = np.maximum(c, e, out=np.empty_like(e))
    w = np.add(zh, 1.0)
    if zl is not None:
        w += zl
    c *= w
    c += n
    n *= c
    e += 1.0
    e *= e
    n /= e
    n = taylor(n, zh, zl, "silu'")
    # In the deep tail f' = e^z·(1 + z).
    return redo_tails(n, zh, lambda i: _exp_up_at(zh, zl, i) * _plus_z(1.0, zh, zl, i))


def _silu_grad2(x, out, beta):
    # f'' = β·g''(z), g'' = σ'(z)·(2 − z·tanh(z/2)); one exp, e = e^(−|zh|): σ'(zh) = e/(1 + e)²,
    # z·tanh(z/2) = |z|·(1 − e)/(1 + e), and σ'(zh + zl) = σ'(zh)·(1 − tanh(zh/2)·zl).
    xc, zh, zl, _ = _silu_z(x, beta)
    e = exp_neg_abs(zh)
    d = np.add(e, 1.0, out=out)
    t = np.subtract(1.0, e)
    t /= d  # tanh(|zh|/2)
    c = None
    if zl is not None:
        c = np.copysign(t, zh)
        c *= zl
        np.subtract(1.0, c, out=c)
    t *= zh
    np.abs(t, out=t)
    np.subtract(2.0, t, out=t)
    d *= d
    np.divide(e, d, out=d)
    np.minimum(d, 0.25, out=d)  # σ' <= 1/4; rounding must not pass it
    d *= t
    if c is not None:
        d *= c
    out = taylor(d, zh, zl, "silu''")
    if beta != 1.0:
        out *= beta
    # In both deep tails f'' = β·e^(−|z|)·(2 − |z|).
    return redo_tails(out, zh, lambda i: _exp_up_abs(zh, zl, i) * _two_minus_abs(zh, zl, i) * beta,
                      TAIL_Z, -TAIL_Z)


@activation(
    name="silu", aliases=("swish",), params={"beta": Param(1.0, "slope inside the sigmoid", "> 0")},
    formula="x·σ(β·x)", derivative="σ(βx) + βx·σ(βx)·(1 − σ(βx))",
    output_range=lambda p: Interval(-0.2784645427610738 / p["beta"], inf, lo_closed=True),
    zero_centered=False, monotonic=False, smoothness="C^inf", kinks=(),
    kink_convention="none: smooth everywhere",
    vanishing_gradient="negative side", dying_units="no",
    use="hidden layers of deep CNNs and LLM MLPs (EfficientNet; SwiGLU's gate)",
    limitations="non-monotonic dip (min −0.278/β at x ≈ −1.28/β); costs an exp",
    source="Elfwing et al. 2017; Ramachandran et al. 2017 (swish)",
    notes="smooth, non-monotonic ReLU-like unit; x·σ(βx)",
    init="he",
    max_slope=1.099839320128867,
)
class SiLU:
    @ties_up
    def value(x, out, beta):
        return _silu_value(x, out, beta)

    def grad(x, out, beta):
        return _silu_grad(x, out, beta)

    def grad2(x, out, beta):
        return _silu_grad2(x, out, beta)


@activation(
    name="quick_gelu", aliases=(), params={},
    formula="x·σ(1.702·x)", derivative="σ(1.702x) + 1.702x·σ(1.702x)·(1 − σ(1.702x))",
    output_range=Interval(-0.2784645427610738 / QUICK_GELU_C, inf, lo_closed=True),
    zero_centered=False, monotonic=False, smoothness="C^inf", kinks=(),
    kink_convention="none: smooth everywhere",
    vanishing_gradient="negative side", dying_units="no",
    use="CLIP and models trained with it: a sigmoid approximation of GELU",
    limitations="an approximation of GELU (differs by up to ~2e-2)",
    source="Hendrycks & Gimpel 2016; used by OpenAI CLIP 2021",
    notes="silu with β = 1.702",
    init="he",
    max_slope=1.099839320128867,
)
class QuickGELU:
    @ties_up
    def value(x, out):
        return _silu_value(x, out, QUICK_GELU_C)

    def grad(x, out):
        return _silu_grad(x, out, QUICK_GELU_C)

    def grad2(x, out):
        return _silu_grad2(x, out, QUICK_GELU_C)


@activation(
    name="softplus", aliases=(), params={"beta": Param(1.0, "sharpness; 1/β·log(1 + e^(βx))", "> 0")},
    formula="(1/β)·log(1 + e^(β·x))", derivative="σ(β·x)",
    output_range=Interval(0, inf), zero_centered=False, monotonic=True, smoothness="C^inf",
    kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="negative side", dying_units="no",
    use="a smooth ReLU; outputs that must be positive (variances, rates)",
    limitations="exp and log cost; gradient fades for very negative inputs",
    source="Dugas et al. 2001",
    notes="the true function: no threshold cut-off (PyTorch switches to x above βx > 20)",
    init="he",
    max_slope=1.0,
)
class Softplus:
    def value(x, out, beta):
        if beta == 1.0:
            return softplus(x, out)
        lim = 800.0 / beta
        zh, zl = scaled(np.clip(x, -lim, lim), beta)
        # log1p(e^−|z|) has derivative −σ(−|z|) in |z|: correct for the low part of z.
        a = np.abs(zh)
        tail = np.log1p(exp_neg_abs(zh)) - sigmoid(-a) * np.sign(zh) * zl
        out = np.add(np.maximum(x, 0.0), tail / beta, out=out)
        # In the deep tail log1p(e^z) = e^z, and e^z/β may be far above e^z.
        return redo_tails(out, zh, lambda i: _exp_up_at(zh, zl, i) / beta)

    def grad(x, out, beta):
        zh, zl = scaled(np.clip(x, -800.0 / beta, 800.0 / beta), beta)
        return sigmoid_dd(zh, zl, out)

    def grad2(x, out, beta):
        zh, zl = scaled(np.clip(x, -800.0 / beta, 800.0 / beta), beta)
        out = dsigmoid_dd(zh, zl, out)
        if beta != 1.0:
            out *= beta
            # In the deep tails σ'(z) = e^(−|z|), and β·e^(−|z|) may be far above it.
            out = redo_tails(out, zh, lambda i: _exp_up_abs(zh, zl, i) * beta, TAIL_Z, -TAIL_Z)
        return out


@activation(
    name="mish", aliases=(), params={},
    formula="x·tanh(softplus(x))", derivative="tanh(sp(x)) + x·σ(x)·sech²(sp(x))",
    output_range=Interval(-0.30884341301725043, inf, lo_closed=True), zero_centered=False,
    monotonic=False, smoothness="C^inf", kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="negative side", dying_units="no",
    use="hidden layers of detection CNNs (YOLOv4)",
    limitations="costlier than relu/silu; non-monotonic dip (min −0.309 at x ≈ −1.19)",
    source="Misra 2019",
    notes="smooth, non-monotonic; slightly costlier than silu",
    init="he",
    max_slope=1.088498161251728,
)
class Mish:
    # One exp, w = e^(−|x|), and 0/1 masks m = [x > 0], m̄ = [x <= 0] in place of np.where:
    # t = tanh(softplus(x)) = N/D with N = 2w + max(m, m̄·w²), q = max(m·w², m̄), D = N + 2q;
    # 1 − t² = 4q(1 + w)²/D² and σ(x) = max(m, w)/(1 + w). All terms positive: no cancellation.
    def value(x, out):
        xm = np.maximum(x, -800.0)  # above 800, t is 1 exactly and f = x
        w = exp_neg_abs(xm)
        n, _, d, _, _ = _mish_t(xm, w, out)
        n /= d
        n *= xm
        # In the deep tail t = w = e^x: f = x·e^x, f' = e^x·(1 + x), f'' = e^x·(2 + x).
        return redo_tails(n, xm, lambda i: exp_up(xm[i]) * xm[i])

    def grad(x, out):
        xc = np.clip(x, -800.0, 800.0)
        w = exp_neg_abs(xc)
        n, q, d, m, _ = _mish_t(xc, w, out)
        # f' = t + x(1 − t²)σ = (N·D + 4x·q·(1 + w)·max(m, w))/D²
        q *= np.maximum(m, w, out=m)  # σ's numerator
        w += 1.0
        q *= w
        q *= xc
        q *= 4.0
        n *= d
        n += q
        d *= d
        n /= d
        n = taylor(n, xc, 0.0, "mish'")
        return redo_tails(n, xc, lambda i: exp_up(xc[i]) * (xc[i] + 1.0))

    def grad2(x, out):
        # f'' = t'·(2 + x(σ(−x) − 2tσ)), t' = (1 − t²)σ = 4q(1 + w)·max(m, w)/D² and
        # σ(−x) − 2tσ = (max(m̄, w)·D − 2N·max(m, w))/((1 + w)·D).
        xc = np.clip(x, -800.0, 800.0)
        w = exp_neg_abs(xc)
        n, q, d, m, mb = _mish_t(xc, w, out)
        ns = np.maximum(m, w, out=m)  # σ's numerator
        a = np.maximum(mb, w, out=mb)  # σ(−x)'s numerator
        w += 1.0
        a *= d
        n *= ns
        n *= 2.0
        a -= n
        a /= w
        a /= d
        a *= xc
        a += 2.0
        q *= w
        q *= ns
        q *= 4.0
        d *= d
        q /= d
        y = taylor(np.multiply(q, a, out=out), xc, 0.0, "mish''")
        return redo_tails(y, xc, lambda i: _mish_grad2_tail(xc[i]), TAIL_Z, -TAIL_Z / 2)


def _mish_grad2_tail(x):
    """mish''(x)·2^TAIL_SHIFT in the deep tails: e^x·(2 + x) for x < 0; for x > 0, with
    w = e^(−x), 1 − t² = 4w², σ = 1 and σ(−x) − 2tσ = −2: 8·e^(−2x)·(1 − x)."""
    return np.where(x < 0, exp_up(np.minimum(x, 0.0)) * (x + 2.0),
                    exp_up(np.minimum(-2.0 * x, 0.0)) * (8.0 * (1.0 - x)))


def _mish_t(xc, w, out):
    """(N, q, D) of t = N/D for w = e^(−|x|), N written into out, and the masks m = [x > 0]
    and m̄ = 1 − m, as floats: numpy's loops that mix booleans and floats cost twice as much."""
    m = np.greater(xc, 0.0, out=np.empty_like(w))
    mb = np.subtract(1.0, m)
    q = np.multiply(w, w)
    n = np.multiply(mb, q, out=out)
    np.maximum(n, m, out=n)
    d = np.multiply(w, 2.0)
    n += d
    q *= m
    np.maximum(q, mb, out=q)
    np.multiply(q, 2.0, out=d)
    d += n
    return n, q, d, m, mb


# --- bounded and rational ------------------------------------------------------------------


def _inv1p_abs(x, out=None):
    out = np.abs(np.clip(x, -_MAX, _MAX), out=out)
    out += 1.0
    return np.divide(1.0, out, out=out)


@activation(
    name="softsign", aliases=(), params={},
    formula="x / (1 + |x|)", derivative="1 / (1 + |x|)²",
    output_range=Interval(-1, 1), zero_centered=True, monotonic=True, smoothness="C^1",
    kinks=(0.0,), kink_convention="f'' jumps at 0; softsign''(0) = 0 (sign(0) = 0)",
    vanishing_gradient="yes (less)", dying_units="no",
    use="a cheaper tanh; saturates polynomially, not exponentially",
    limitations="still saturates, slowly: |f'| < 1e-3 beyond |x| ≈ 31",
    source="Bergstra et al. 2009; Glorot & Bengio 2010",
    notes="tanh-like but saturates polynomially (slower)",
    max_slope=1.0,
)
class Softsign:
    def value(x, out):
        xs = np.clip(x, -_MAX, _MAX)
        np.abs(xs, out=out)
        out += 1.0
        return np.divide(xs, out, out=out)

    def grad(x, out):
        out = _inv1p_abs(x, out)
        return np.multiply(out, out, out=out)

    def grad2(x, out):
        out = _inv1p_abs(x, out)
        r = out * out
        out *= r
        out *= -2.0
        out *= np.sign(x)
        return out


@activation(
    name="logsigmoid", aliases=("log_sigmoid",), params={},
    formula="log σ(x) = −softplus(−x)", derivative="σ(−x) = 1 − σ(x)",
    output_range=Interval(-inf, 0), zero_centered=False, monotonic=True, smoothness="C^inf",
    kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="positive side", dying_units="no",
    use="log-probabilities for binary losses (numerically stable BCE)",
    limitations="rarely a hidden activation: unbounded below, saturates above",
    source="log of the logistic function",
    notes="stable log-probability of the positive class",
    max_slope=1.0,
)
class LogSigmoid:
    def value(x, out):
        out = softplus(-x, out)
        return np.negative(out, out=out)

    def grad(x, out):
        return sigmoid(-x, out)

    def grad2(x, out):
        out = dsigmoid(x, out)
        return np.negative(out, out=out)


@activation(
    name="squareplus", aliases=(), params={"b": Param(4.0, "curvature near 0; b → 0 gives relu", "> 0")},
    formula="(x + √(x² + b)) / 2", derivative="(1 + x/√(x² + b)) / 2",
    output_range=Interval(0, inf), zero_centered=False, monotonic=True, smoothness="C^inf",
    kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="negative side", dying_units="no",
    use="a softplus without exp or log: only a square root",
    limitations="gradient fades slowly (like 1/x²) for negative inputs",
    source="Barron 2021",
    notes="for x < 0 computed as b/(2(√(x²+b) − x)), which does not cancel",
    init="he",
    max_slope=1.0,
)
class Squareplus:
    # With a = |x| and r = √(x² + b): x + r for x >= 0, and for x < 0 the same without
    # cancelling, b/(r − x) = b/(a + r). Halves keep a + r from overflowing.
    def value(x, out, b):
        a, r = _squareplus_r(x, b)
        half = np.multiply(a, 0.5, out=out)
        r *= 0.5
        half += r  # (a + r)/2
        np.divide(0.25 * b, half, out=r)
        # half·q = b/4 and half >= √b/2, so half >= q: max(±half, q) picks half for x >= 0
        # and q below, with no masked copy.
        np.copysign(half, x, out=a)
        return np.maximum(a, r, out=out)

    def grad(x, out, b):
        a, r = _squareplus_r(np.clip(x, -_MAX, _MAX), b)
        np.divide(a, r, out=out)
        out += 1.0
        out *= 0.5  # (1 + |x|/r)/2 for x >= 0
        a *= 0.5
        r *= 0.5  # exact: 0.125b/(r/2) below is 0.25b/r to the bit
        a += r  # (|x| + r)/2
        np.divide(0.125 * b, r, out=r)
        r /= a  # b/(2r(r + |x|)) for x < 0
        # f'(−|x|) = 1 − f'(|x|) <= 1/2 <= f'(|x|): max(±f'(|x|), f'(−|x|)) selects the side.
        np.copysign(out, x, out=out)
        return np.maximum(out, r, out=out)

    def grad2(x, out, b):
        _, r = _squareplus_r(x, b)
        np.divide(0.5 * b, r, out=out)
        out /= r
        out /= r
        return out


def _squareplus_r(x, b):
    """(|x|, √(x² + b)) without overflow: beyond |x| = 1e150, b is lost and r = |x|."""
    a = np.abs(x)
    r = np.minimum(a, 1e150)
    r *= r
    r += b
    np.sqrt(r, out=r)
    return a, np.maximum(r, a, out=r)


# --- piecewise linear ----------------------------------------------------------------------


@activation(
    name="hardsigmoid", aliases=("hard_sigmoid",), params={},
    formula="relu6(x + 3) / 6", derivative="1/6 if −3 < x < 3 else 0",
    output_range=Interval(0, 1, True, True), zero_centered=False, monotonic=True,
    smoothness="C^0", kinks=(-3.0, 3.0), kink_convention="hardsigmoid'(±3) = 0 (PyTorch)",
    vanishing_gradient="no", dying_units="yes",
    use="a cheap sigmoid for mobile networks (MobileNetV3 gates)",
    limitations="zero gradient outside (−3, 3)",
    source="Howard et al. 2019 (MobileNetV3); PyTorch's definition",
    notes="piecewise-linear sigmoid for cheap inference",
    max_slope=1.0 / 6.0,
)
class HardSigmoid:
    def value(x, out):
        np.clip(x, -3.0, 3.0, out=out)
        out += 3.0  # exact next to −3, where the result is small
        out /= 6.0
        return out

    def grad(x, out):
        return _inside(x, out, -3.0, 3.0, 1.0 / 6.0)

    grad2 = _flat


@activation(
    name="keras2_hard_sigmoid", aliases=(), params={},
    formula="clip(x/5 + 1/2, 0, 1)", derivative="1/5 if −2.5 ≤ x ≤ 2.5 else 0",
    output_range=Interval(0, 1, True, True), zero_centered=False, monotonic=True,
    smoothness="C^0", kinks=(-2.5, 2.5),
    kink_convention="f'(±2.5) = 1/5 (TensorFlow's clip gradient passes at the bounds)",
    vanishing_gradient="no", dying_units="yes",
    use="porting Keras 2 / tf.keras 2 models, whose hard_sigmoid this is",
    limitations="zero gradient outside [−2.5, 2.5]; differs from today's hardsigmoid",
    source="Keras 2 backend.hard_sigmoid (Courbariaux et al. 2015)",
    notes="what --dialect keras2 calls hard_sigmoid",
    max_slope=0.2,
)
class Keras2HardSigmoid:
    def value(x, out):
        np.clip(x, -2.5, 2.5, out=out)
        out += 2.5  # exact next to −2.5, where the result is small
        out /= 5.0
        return out

    def grad(x, out):
        np.greater_equal(x, -2.5, out=out)
        out *= x <= 2.5
        out *= 0.2
        return out

    grad2 = _flat


@activation(
    name="hardswish", aliases=("hard_swish",), params={},
    formula="x·relu6(x + 3) / 6", derivative="0 if x ≤ −3; (2x + 3)/6 if −3 < x < 3; 1 if x ≥ 3",
    output_range=Interval(-0.375, inf, lo_closed=True), zero_centered=False, monotonic=False,
    smoothness="C^0", kinks=(-3.0, 3.0),
    kink_convention="hardswish'(−3) = 0, hardswish'(3) = 1 (PyTorch)",
    vanishing_gradient="no", dying_units="yes",
    use="a cheap swish for mobile networks (MobileNetV3)",
    limitations="zero gradient below −3; a dip to −0.375 at x = −1.5",
    source="Howard et al. 2019 (MobileNetV3)",
    notes="piecewise swish for cheap inference",
    init="he",
    max_slope=1.5,
)
class HardSwish:
    @ties_up
    def value(x, out):
        xm = np.clip(x, -3.0, 3.0)
        np.add(xm, 3.0, out=out)
        out *= xm
        out /= 6.0
        np.copyto(out, x, where=x >= 3)
        return out

    def grad(x, out):
        np.clip(x, -3.0, 3.0, out=out)
        out *= 2.0
        out += 3.0  # exact next to −1.5, where f' crosses 0
        out /= 6.0  # −1/2 at x <= −3 and 3/2 at x >= 3 (x clipped): fix both with 0/1 masks
        m = np.greater(x, -3.0, out=np.empty_like(out))
        out *= m
        np.greater_equal(x, 3.0, out=m)
        m *= 0.5
        out -= m
        return out

    def grad2(x, out):
        return _inside(x, out, -3.0, 3.0, 1.0 / 3.0)


@activation(
    name="hardtanh", aliases=("hard_tanh",),
    params={"min": Param(-1.0, "lower clip value"), "max": Param(1.0, "upper clip value")},
    formula="min(max(x, min), max)", derivative="1 if min < x < max else 0",
    output_range=lambda p: Interval(p["min"], p["max"], True, True),
    zero_centered=lambda p: p["min"] == -p["max"], monotonic=True, smoothness="C^0",
    kinks=lambda p: (p["min"], p["max"]),
    kink_convention="hardtanh'(min) = hardtanh'(max) = 0 (PyTorch)",
    vanishing_gradient="no", dying_units="yes",
    use="a cheap tanh; bounded outputs",
    limitations="zero gradient outside (min, max)",
    source="Collobert 2004",
    validate=lambda p: None if p["min"] < p["max"] else f"min ({p['min']:g}) must be below max ({p['max']:g})",
    notes="piecewise-linear tanh; flat (no gradient) outside [min, max]",
    max_slope=1.0,
)
class HardTanh:
    @native
    def value(x, out, min, max):  # noqa: A002  (PyTorch's parameter names)
        return np.clip(x, min, max, out=out)

    @native
    def grad(x, out, min, max):  # noqa: A002
        return _inside(x, out, min, max)

    grad2 = _flat


@activation(
    name="relu6", aliases=(), params={},
    formula="min(max(0, x), 6)", derivative="1 if 0 < x < 6 else 0",
    output_range=Interval(0, 6, True, True), zero_centered=False, monotonic=True,
    smoothness="C^0", kinks=(0.0, 6.0), kink_convention="relu6'(0) = relu6'(6) = 0 (PyTorch)",
    vanishing_gradient="no", dying_units="yes",
    use="mobile networks with low-precision arithmetic (MobileNet)",
    limitations="zero gradient outside (0, 6)",
    source="Krizhevsky 2010; Howard et al. 2017 (MobileNet)",
    notes="ReLU capped at 6, for low-precision arithmetic",
    init="he",
    max_slope=1.0,
)
class ReLU6:
    @native
    def value(x, out):
        return np.clip(x, 0.0, 6.0, out=out)

    @native
    def grad(x, out):
        return _inside(x, out, 0.0, 6.0)

    grad2 = _flat


@activation(
    name="softshrink", aliases=(), params={"lambd": Param(0.5, "half-width of the dead zone", ">= 0")},
    formula="x − λ if x > λ; x + λ if x < −λ; else 0", derivative="1 if |x| > λ else 0",
    output_range=Interval(-inf, inf), zero_centered=True, monotonic=True,
    # λ = 0 is the identity, but f'(0) stays 0 by the convention: 0 is kept as a kink
    smoothness=lambda p: "C^inf" if p["lambd"] == 0 else "C^0",
    kinks=lambda p: (0.0,) if p["lambd"] == 0 else (-p["lambd"], p["lambd"]),
    kink_convention=lambda p: "f'(0) = 0 although f is the identity at λ = 0 (PyTorch's closed [−λ, λ])"
    if p["lambd"] == 0 else "0 on the closed [−λ, λ] (PyTorch)",
    vanishing_gradient="no", dying_units="no",
    use="sparse coding and denoising (soft thresholding, ISTA)",
    limitations="zero gradient inside [−λ, λ]",
    source="Donoho 1995 (soft thresholding)",
    notes="soft thresholding: shrinks towards 0 by λ",
    max_slope=1.0,
)
class SoftShrink:
    @native
    def value(x, out, lambd):
        # x − clip(x, −λ, λ): x ∓ λ outside, exactly 0 inside.
        np.clip(x, -lambd, lambd, out=out)
        return np.subtract(x, out, out=out)

    @native
    def grad(x, out, lambd):
        return _outside(x, out, lambd)

    grad2 = _flat


@activation(
    name="hardshrink", aliases=(), params={"lambd": Param(0.5, "half-width of the dead zone", ">= 0")},
    formula="x if |x| > λ else 0", derivative="1 if |x| > λ else 0",
    output_range=Interval(-inf, inf), zero_centered=True, monotonic=True,
    smoothness=lambda p: "C^inf" if p["lambd"] == 0 else "discontinuous",
    kinks=lambda p: (0.0,) if p["lambd"] == 0 else (-p["lambd"], p["lambd"]),
    kink_convention=lambda p: "f'(0) = 0 although f is the identity at λ = 0 (PyTorch's closed [−λ, λ])"
    if p["lambd"] == 0 else "0 on the closed [−λ, λ] (PyTorch); f jumps at ±λ",
    vanishing_gradient="no", dying_units="no",
    use="sparse coding (hard thresholding)",
    limitations="discontinuous at ±λ; zero gradient inside [−λ, λ]",
    source="Donoho & Johnstone 1994 (hard thresholding)",
    notes="hard thresholding: zeroes |x| ≤ λ",
    max_slope=1.0,
)
class HardShrink:
    @native
    def value(x, out, lambd):
        np.greater(np.abs(x), lambd, out=out)
        return np.multiply(out, x, out=out)

    @native
    def grad(x, out, lambd):
        return _outside(x, out, lambd)

    grad2 = _flat


# --- the rest ------------------------------------------------------------------------------


@activation(
    name="tanhshrink", aliases=(), params={},
    formula="x − tanh(x)", derivative="tanh²(x)",
    output_range=Interval(-inf, inf), zero_centered=True, monotonic=True, smoothness="C^inf",
    kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="no", dying_units="no",
    use="sparse coding; rarely a hidden activation",
    limitations="flat near 0 (f' = tanh² ≈ x²): small inputs get almost no gradient",
    source="PyTorch's Tanhshrink",
    notes="near 0 computed from its Taylor series (x³/3 − 2x⁵/15 + ...), not by subtraction",
    max_slope=1.0,
)
class TanhShrink:
    def value(x, out):
        np.tanh(x, out=out)
        np.subtract(x, out, out=out)
        return taylor(out, x, 0.0, "tanhshrink")

    def grad(x, out):
        np.tanh(x, out=out)
        return np.multiply(out, out, out=out)

    def grad2(x, out):
        out = sech2(x, out)
        out *= np.tanh(x)
        out *= 2.0
        return redo_tails(out, x, lambda i: np.sign(x[i]) * 2.0 * sech2_up(x[i]), -345.0, 345.0)


def _snake_r(x, a):
    """r = a·x − mπ in [−π/2, π/2] as hi + lo, exact to about 1e-29 relative for every finite x:
    a·x as an exact product hi + lo (x scaled by a power of two where x or a·x would pass
    2^960: Dekker's split overflows above 1e300), each part reduced exactly (Payne-Hanek,
    reduction.mod_pi)."""
    shift = np.maximum(np.frexp(x)[1] + max(int(np.frexp(a)[1]), 0) - 960, 0)
    xs = np.ldexp(x, -shift)
    ph, pl = scaled(xs, a)
    return mod_pi(ph, np.zeros_like(ph) if pl is None else pl, shift)


def _snake_far(x, a, order):
    """f, f' or f'' for |ax| > SIN2_MAX and x not finite, through _snake_r: x + sin²(r)/a,
    2·sin²(r + π/4), 2a·cos 2r = 2a·sin(π/2 − 2|r|) (no cancellation next to r = ±π/4)."""
    finite = np.isfinite(x)
    rh, rl = _snake_r(np.where(finite, x, 0.0), a)
    if order == 0:
        s = sin_dd(rh, rl)
        s *= s
        s /= a
        with np.errstate(over="ignore"):  # x + sin²/a above the largest double is inf, truly
            return np.where(finite, x + s, x)
    if order == 1:
        s = sin_dd(*reduce_pi(rh, rl, quarter=True))
        return np.where(finite, 2.0 * s * s, np.nan)
    sign = np.copysign(1.0, rh)
    th, tl = two_sum(_PI2[0], -2.0 * np.abs(rh))
    tl += _PI2[1] - 2.0 * sign * rl
    c = sin_dd(*two_sum(th, tl))
    c *= 2.0
    with np.errstate(over="ignore"):  # 2a·cos above the largest double (a near it) is inf, truly
        c *= a
    return np.where(finite, c, np.nan)


SNAKE_CANCEL = (0.05, 1.5)  # −ax in here: x and sin²(ax)/a cancel (f = 0.29x at ax = −1)


def _snake_cancelling(x, a):
    """x + sin²(ax)/a for −ax in SNAKE_CANCEL, where x and sin²(ax)/a cancel, in double-double:
    with y = ax (exactly ph + pl) and c = sin y − y, sin²(y)/a = a·x² + c·(2y + c)/a.

    x + a·x² is summed from exact products; c = −y³/6 + y³·u·Σ_k (−u)^(k−2)/(2k + 1)!
    (u = y²) carries its leading term in two parts, so c·(2y + c)/a, about twice f at
    y = −1.3, keeps about 106 bits less the series' rounding (0.1 ULP of c).
    """
    ph, pl = scaled(x, a)
    if pl is None:
        pl = np.zeros_like(ph)
    u, ue = two_prod(ph, ph)
    v, ve = two_prod(u, ph)  # y³ = v + vl
    vl = ve + ue * ph + 3.0 * u * pl
    q = v / -6.0  # −y³/6 = q + ql
    t, te = two_prod(q, -6.0)
    ql = (((v - t) - te) + vl) / -6.0
    g = np.full_like(u, _SIN_SERIES[-1])
    for coeff in _SIN_SERIES[-2::-1]:
        g *= u
        g += coeff
    g *= u
    g *= v
    ch, cl = two_sum(q, g)
    cl += ql
    dh, dl = two_sum(2.0 * ph, ch)  # 2y + c
    dl += 2.0 * pl + cl
    ph2, pl2 = two_prod(ch, dh)  # c·(2y + c)
    pl2 += ch * dl + cl * dh
    qh = ph2 / a
    t, te = scaled(qh, a)
    ql = (((ph2 - t) - (0.0 if te is None else te)) + pl2) / a
    s, e = two_prod(x, x)
    p, pe = scaled(s, a)  # a·x² = p + pe + a·e
    hi, lo = two_sum(x, p)
    if pe is not None:
        lo += pe
    lo += a * e
    hi, lo2 = two_sum(hi, qh)
    lo2 += lo + ql
    return hi + lo2


# (−1)^k/(2k + 1)! for k = 2..11: sin y − y + y³/6 = y³·u·Σ SIN_SERIES[k−2]·u^(k−2), |y| <= 1.5
_SIN_SERIES = tuple((-1) ** k / math.factorial(2 * k + 1) for k in range(2, 12))


def _snake_grad2(x, a):
    """2a·cos(2ax) for |ax| <= SIN2_MAX, with 2ax = 2ph + 2pl (exact doubling)."""
    ph, pl = scaled(x, a)
    h, lo = 2.0 * ph, 2.0 * pl
    c = 2.0 * (np.cos(h) * np.cos(lo) - np.sin(h) * np.sin(lo))
    with np.errstate(over="ignore"):  # 2a·cos above the largest double (a near it) is inf, truly
        return c * a


def _snake_grad_near_zeros(x, a):
    """2·sin²(ax + π/4) for |ax| <= REDUCE_MAX, to a few ULP even next to the zeros of f':
    ax exactly as hi + lo, then ax + π/4 − mπ summed to about 1e-30 (numerics.reduce_pi)."""
    h, low = scaled(x, a)
    s = sin_dd(*reduce_pi(h, np.zeros_like(x) if low is None else low, quarter=True))
    s *= s
    s *= 2.0
    return s


def _snake_sin2(x, a, shift, near_one=False):
    """sin²(ax + shift), shift 0 or π/4 (as hi + lo), by numerics.sin2; and the indices of the
    points it cannot do (|ax| > SIN2_MAX, inf, nan), which callers take the careful way."""
    lim = SIN2_MAX / a
    redo = None
    if not np.max(np.abs(x)) <= lim:  # nan too
        far = np.abs(x) > lim
        far |= np.isnan(x)
        redo = np.flatnonzero(far)
        x = np.where(far, 0.0, x)
    h, low = scaled(x, a)
    if shift:
        h, e = two_sum(h, _PI4[0])
        e += _PI4[1]
        low = e if low is None else np.add(low, e, out=low)
    return sin2(h, low, near_one), redo


@activation(
    name="snake", aliases=(), params={"a": Param(1.0, "frequency", "> 0")},
    formula="x + sin²(a·x)/a", derivative="1 + sin(2a·x) = 2·sin²(a·x + π/4)",
    output_range=Interval(-inf, inf), zero_centered=False, monotonic=True, smoothness="C^inf",
    kinks=(), kink_convention="none: smooth everywhere",
    vanishing_gradient="no", dying_units="no",
    use="periodic signals (audio: BigVGAN, DAC vocoders)",
    limitations="f' touches 0 at x = −π/(4a) + kπ/a; f' and f'' oscillate forever",
    source="Liu Ziyin et al. 2020",
    notes="f' computed as 2·sin²(ax + π/4) with ax + π/4 carried as hi + lo",
    max_slope=2.0,
)
class Snake:
    # sin² by numerics.sin2 (numpy's sin costs 4x more); next to the zeros of f', where sin2
    # has only absolute accuracy, and for huge or non-finite x, the careful forms above.
    def value(x, out, a):
        t, redo = _snake_sin2(x, a, 0.0, near_one=True)  # x + t cancels for x < 0
        if a != 1.0:
            t /= a
        out = np.add(x, t, out=out)
        if redo is not None:
            out.put(redo, _snake_far(x.take(redo), a, 0))
        if a != 1.0:  # for a = 1, ax is exact and t within 1.5 ULP: x + t stays within 4
            near = (x < -SNAKE_CANCEL[0] / a) & (x > -SNAKE_CANCEL[1] / a)
            if near.any():
                idx = np.flatnonzero(near)
                out.put(idx, _snake_cancelling(x.take(idx), a))
        return out

    def grad(x, out, a):
        t, redo = _snake_sin2(x, a, _PI4)
        out = np.multiply(t, 2.0, out=out)
        near = np.flatnonzero(t < 1e-8)  # |r| < 1e-4: next to a zero of f'
        if redo is not None:
            out.put(redo, _snake_far(x.take(redo), a, 1))
            near = np.setdiff1d(near, redo, assume_unique=True)
        if near.size:
            out.put(near, _snake_grad_near_zeros(x.take(near), a))
        # Next to x = 0, 2·sin²(ax + π/4) is within an ULP but not exact (1 − 2^-52 at 0):
        # there 1 + sin(2ax) has nothing to cancel (|2ax| < 1/2: f' in (0.52, 1.48)) and is 1
        # at 0, as a reader expects.
        mid = np.flatnonzero(np.abs(x) < 0.25 / a)
        if mid.size:
            h, low = scaled(x.take(mid), a)
            out.put(mid, 1.0 + sin_dd(2.0 * h, 0.0 if low is None else 2.0 * low))
        return out

    def grad2(x, out, a):
        far, xn = None, x
        if not np.max(np.abs(x)) <= SIN2_MAX / a:  # nan too
            near = np.abs(x) <= SIN2_MAX / a
            far = np.flatnonzero(~near)
            xn = np.where(near, x, 0.0)
        if a != 1.0:
            out = _snake_grad2(xn, a)
        else:
            np.cos(2.0 * xn, out=out)
            out *= 2.0
        if far is not None:
            out.put(far, _snake_far(x.take(far), a, 2))
        return out


@activation(
    name="squared_relu", aliases=("relu2", "relu_squared"), params={},
    formula="max(0, x)²", derivative="2·max(0, x)",
    output_range=Interval(0, inf, lo_closed=True), zero_centered=False, monotonic=True,
    smoothness="C^1", kinks=(0.0,), kink_convention="f''(0) = 0 (the x ≤ 0 side)",
    vanishing_gradient="no", dying_units="yes",
    use="transformer MLPs (Primer); sparse, sharper than relu",
    limitations="dies like relu for x < 0; unbounded growth of f' for large x",
    source="So et al. 2021 (Primer)",
    notes="sparse like ReLU, with a gradient that grows with x",
    max_slope=None,
)
class SquaredReLU:
    def value(x, out):
        np.clip(x, 0.0, 1.3407807929942596e154, out=out)  # beyond, r² overflows: inf
        np.multiply(out, out, out=out)
        np.copyto(out, inf, where=x > 1.3407807929942596e154)
        return out

    def grad(x, out):
        np.maximum(x, 0.0, out=out)
        return mul(out, 2.0)

    def grad2(x, out):
        np.greater(x, 0.0, out=out)
        out *= 2.0
        return out
