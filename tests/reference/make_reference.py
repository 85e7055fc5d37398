#!/usr/bin/env python
"""Generate high-precision reference data for the actcli activation functions.

What it generates
-----------------
``tests/data/reference.npz``: for every activation function (and a few parameter
variants) the correctly rounded value f(x), first derivative f'(x) and second
derivative f''(x) at a fixed set of float64 points and a fixed set of float32
points, plus masks, the zeros of f' and f'' in [-10, 10], the kinks and the
limits at +-inf.  The key layout is described in ``tests/reference/README.md``.

How to run
----------
    python tests/reference/make_reference.py          # from the repository root

Only mpmath, numpy and the standard library are used.  Runtime is about a minute
on 2 cores (two worker processes).  The output is deterministic: fixed point
sets, no randomness, and the zip archive is written with fixed timestamps, so
the same bytes are produced on every run (given the same numpy/zlib).

Method
------
* Every function is written out independently below in mpmath (value, f', f''),
  using cancellation-free forms where easy (stable logistic, log1p/expm1,
  conjugate form of squareplus for x < 0, an asymptotic series for the normal
  CDF far in the tails where mpmath's erfc overflows).
* Each input point (a float64 or float32 value) is converted exactly to an mpf.
  Each quantity is evaluated at working precision p = 80 digits and at 2p; if
  the two results do not agree to 30 significant digits (or do not round to the
  same float64/float32 values) p is doubled and the comparison repeated, up to
  p = 2560 (2p = 5120 digits).  Two exact zeros count as agreement only if the
  result is still exactly 0 at 5120 digits (x - tanh x is exactly 0 at both 80
  and 160 digits when x = 1e-100).  This guards against cancellation (e.g.
  tanhshrink(1e-300) = x - tanh x needs ~640 digits).  It cannot see a term
  that is absorbed identically at p and 2p; the formulas avoid that (exact
  products, exact argument of exp in gelu_tanh).
* The 2p result is rounded ONCE to the target format with IEEE round-half-even,
  including gradual underflow (subnormals) and overflow to +-inf, using integer
  arithmetic on the mpf mantissa (no double rounding through float64 for float32).
* Masks ``normal_*`` say whether the TRUE result is a finite normal number of the
  target format (computed from the mpf: |v| >= smallest normal and the rounded
  value is finite; an exact 0 is not normal).  Extra masks ``zero_*`` say
  whether the true result is exactly 0 (e.g. relu(-1), hardtanh'' anywhere),
  so tests can also check exact zeros.
* Kinks use PyTorch autograd's conventions for the derivative at the kink; f''
  at a kink is taken from the same side as f'.  At x = -0.0 the reference is
  computed at 0 (mpmath has no signed zero).
* Self-checks run before the tables are produced: analytic f', f'' are compared
  with mpmath's numerical ``mp.diff`` (orders 1 and 2) at 20 points per function
  away from kinks (agreement to 20 digits required); the hand-written limits at
  +-inf are compared with evaluations at +-1e60; the zeros of f' and f'' are
  obtained by scanning [-10, 10] for sign changes and refining with
  ``mp.findroot`` (double roots, which do not change sign, are declared per
  function and refined as roots of the next derivative).
"""

import argparse
import hashlib
import math
import multiprocessing
import os
import sys
import time
import zipfile

import numpy as np
from mpmath import mp, mpf

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "data", "reference.npz"))

START_DPS = 80          # first working precision (decimal digits)
MAX_DPS = 2560          # last p tried (compared against 2p = 5120 digits)
AGREE_DIGITS = 30       # required relative agreement between p and 2p
INF, NAN = math.inf, math.nan


# --------------------------------------------------------------------------
# mpmath building blocks (all evaluated at the current mp precision)
# --------------------------------------------------------------------------

def _neg_abs(z):
    """-|z| without rounding (mpmath rounds even a negation to the working
    precision, and exp() of a huge argument amplifies that rounding)."""
    return z if z < 0 else mp.fneg(z, exact=True)


def sigm(z):
    """Logistic 1/(1+e^-z), without overflow/cancellation for either sign."""
    e = mp.exp(_neg_abs(z))
    return 1 / (1 + e) if z >= 0 else e / (1 + e)


def dsigm(z):
    """sigma(z) * sigma(-z) = sigma'(z), computed without cancellation."""
    e = mp.exp(_neg_abs(z))
    return e / (1 + e) ** 2


def softplus0(z):
    """log(1 + e^z) = max(z, 0) + log1p(e^-|z|)."""
    return (z if z > 0 else 0) + mp.log1p(mp.exp(_neg_abs(z)))


def npdf(x):
    """Standard normal density."""
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def _normal_tail(t):
    """Q(t) = 1 - Phi(t) for t >= 1e6 by the asymptotic series
    Q(t) = phi(t)/t * sum_k (-1)^k (2k-1)!! / t^(2k); the series alternates
    and its terms decrease monotonically here, so the error is below the
    first omitted term."""
    eps = mp.mpf(2) ** (-mp.prec - 10)
    t2 = t * t
    term, total, k = mpf(1), mpf(1), 1
    while True:
        term = -term * (2 * k - 1) / t2
        total += term
        if abs(term) < eps:
            break
        k += 1
    return npdf(t) / t * total


def ncdf(x):
    """Standard normal CDF Phi(x) = erfc(-x/sqrt 2)/2 (exact definition)."""
    if x < -10**6:                      # mpmath's erfc overflows for huge args
        return _normal_tail(-x)
    if x > 10**6:
        return 1 - _normal_tail(x)
    return mp.erfc(-x / mp.sqrt(2)) / 2


# --------------------------------------------------------------------------
# Function definitions
# --------------------------------------------------------------------------

class Fn:
    """One activation function: value/grad/grad2 take an mpf and return an
    mpf (or int 0/1).  limits = ((f, f', f'') at +inf, (f, f', f'') at -inf).
    kinks: points where f, f' or f'' is not smooth.  double_grad_zeros: a
    callable returning approximate double roots of f' in [-10, 10] (roots
    without sign change, which the sign-change scan cannot see)."""

    def __init__(self, value, grad, grad2, limits, kinks=(),
                 double_grad_zeros=None, tails=None, extra=(), zero_scale=1.0):
        self.value, self.grad, self.grad2 = value, grad, grad2
        self.limits = limits
        self.kinks = tuple(float(k) for k in kinks)
        self.double_grad_zeros = double_grad_zeros
        # tails(lo, hi): the x intervals where some result is about e^-lo .. e^-hi (dense
        # points near the underflow thresholds); extra: points of interest (audits' finds)
        self.tails = tails or (lambda lo, hi: [])
        self.extra = tuple(extra)
        # zeros of f', f'' are looked for in zero_scale * [-10, 10] (1/beta for silu, 1/a
        # for snake: the same zeros in z = beta*x)
        self.zero_scale = zero_scale


def exp_tails(rate, sides=(-1,)):
    """tails of a function whose smallest result decays like e^(-rate*|x|) on the given sides."""
    def tails(lo, hi):
        return [tuple(sorted((side * lo / rate, side * hi / rate))) for side in sides]
    return tails


def _merge(*tails):
    return lambda lo, hi: [iv for t in tails for iv in t(lo, hi)]


def sigmoid():
    return Fn(lambda x: sigm(x),
              lambda x: dsigm(x),
              lambda x: -dsigm(x) * mp.tanh(x / 2),      # s'(1-2s), 1-2s=-tanh(x/2)
              ((1, 0, 0), (0, 0, 0)), tails=exp_tails(1, (-1, 1)))


def tanh():
    return Fn(lambda x: mp.tanh(x),
              lambda x: mp.sech(x) ** 2,
              lambda x: -2 * mp.tanh(x) * mp.sech(x) ** 2,
              ((1, 0, 0), (-1, 0, 0)), tails=exp_tails(2, (-1, 1)))


def relu():
    return Fn(lambda x: x if x > 0 else 0,
              lambda x: 1 if x > 0 else 0,
              lambda x: 0,
              ((INF, 1, 0), (0, 0, 0)), kinks=[0])


def leaky_relu(alpha=0.01):
    a = mpf(alpha)
    return Fn(lambda x: x if x > 0 else a * x,
              lambda x: 1 if x > 0 else a,
              lambda x: 0,
              ((INF, 1, 0), (-INF, alpha, 0)), kinks=[0])


def linear():
    return Fn(lambda x: x, lambda x: 1, lambda x: 0,
              ((INF, 1, 0), (-INF, 1, 0)))


def elu(alpha=1.0, scale=1.0):
    """scale * elu(x, alpha); scale != 1 gives selu."""
    a, s = mpf(alpha), mpf(scale)
    with mp.workprec(200):          # exact product of the two doubles
        lim_neg = -_to_f64(s * a)
    return Fn(lambda x: s * x if x > 0 else s * a * mp.expm1(x),
              lambda x: s if x > 0 else s * a * mp.exp(x),
              lambda x: 0 if x > 0 else s * a * mp.exp(x),
              ((INF, scale, 0), (lim_neg, 0, 0)), kinks=[0], tails=exp_tails(1))


SELU_ALPHA = 1.6732632423543772848170429916717   # -> the float64 values
SELU_SCALE = 1.0507009873554804934193349852946


def selu():
    return elu(SELU_ALPHA, SELU_SCALE)


def celu(alpha=1.0):
    a = mpf(alpha)
    return Fn(lambda x: x if x > 0 else a * mp.expm1(x / a),
              lambda x: 1 if x > 0 else mp.exp(x / a),
              lambda x: 0 if x > 0 else mp.exp(x / a) / a,
              ((INF, 1, 0), (-alpha, 0, 0)), kinks=[0], tails=exp_tails(1 / alpha))


def gelu():
    return Fn(lambda x: x * ncdf(x),
              lambda x: ncdf(x) + x * npdf(x),
              lambda x: npdf(x) * (2 - x * x),
              ((INF, 1, 0), (0, 0, 0)),
              tails=lambda lo, hi: [(-math.sqrt(2 * hi), -math.sqrt(2 * lo)),
                                    (math.sqrt(2 * lo), math.sqrt(2 * hi))])


def gelu_tanh():
    k0 = mpf(0.7978845608028654)      # float64 sqrt(2/pi)
    k1 = mpf(0.044715)
    # f = 0.5 x (1 + tanh u) = x sigma(2u),  u = k0 (x + k1 x^3).
    # u and 2u are formed exactly: for |x| > ~1e30 the sum x + k1 x^3 needs
    # more bits than the working precision, and exp(2u) amplifies any rounding
    # of u (this only changes results that are far outside the float range).
    ex = dict(exact=True)

    def u(x):
        x3 = mp.fmul(x, mp.fmul(x, x, **ex), **ex)
        return mp.fmul(k0, mp.fadd(x, mp.fmul(k1, x3, **ex), **ex), **ex)
    du = lambda x: k0 * (1 + 3 * k1 * x ** 2)
    d2u = lambda x: 6 * k0 * k1 * x
    g = lambda x: dsigm(mp.ldexp(u(x), 1))     # sigma(2u) sigma(-2u)
    return Fn(lambda x: x * sigm(mp.ldexp(u(x), 1)),
              lambda x: sigm(mp.ldexp(u(x), 1)) + 2 * x * du(x) * g(x),
              lambda x: g(x) * (4 * du(x) + 2 * x * d2u(x)
                                - 4 * x * du(x) ** 2 * mp.tanh(u(x))),
              ((INF, 1, 0), (0, 0, 0)), tails=_gelu_tanh_tails)


def _gelu_tanh_tails(lo, hi):
    """x where 2|u(x)| is in [lo, hi], u = k0 (x + k1 x^3), by bisection."""
    def solve(target):
        a, b = 0.0, 100.0
        for _ in range(200):
            m = (a + b) / 2
            if 2 * 0.7978845608028654 * (m + 0.044715 * m ** 3) < target:
                a = m
            else:
                b = m
        return a
    x0, x1 = solve(lo), solve(hi)
    return [(-x1, -x0), (x0, x1)]


def silu(beta=1.0):
    b = mpf(beta)
    # f = x s, s = sigma(bx), g = s(1-s): f' = s + b x g,
    # f'' = 2 b g + b^2 x g (1-2s), 1-2s = -tanh(bx/2)
    return Fn(lambda x: x * sigm(b * x),
              lambda x: sigm(b * x) + b * x * dsigm(b * x),
              lambda x: dsigm(b * x) * (2 * b - b * b * x * mp.tanh(b * x / 2)),
              ((INF, 1, 0), (0, 0, 0)), tails=exp_tails(beta, (-1, 1)), zero_scale=1 / beta)


def softplus(beta=1.0):
    b = mpf(beta)
    return Fn(lambda x: softplus0(b * x) / b,
              lambda x: sigm(b * x),
              lambda x: b * dsigm(b * x),
              ((INF, 1, 0), (0, 0, 0)), tails=exp_tails(beta, (-1, 1)), zero_scale=1 / beta)


def mish():
    # f = x t, t = tanh(sp), sp = softplus(x), h = sech^2(sp), s = sigma(x)
    # f' = t + x h s;  f'' = h s (2 + x sigma(-x) - 2 x t s)
    def grad(x):
        sp = softplus0(x)
        return mp.tanh(sp) + x * mp.sech(sp) ** 2 * sigm(x)

    def grad2(x):
        sp = softplus0(x)
        t, h, s = mp.tanh(sp), mp.sech(sp) ** 2, sigm(x)
        return h * s * (2 + x * sigm(-x) - 2 * x * t * s)
    return Fn(lambda x: x * mp.tanh(softplus0(x)), grad, grad2,
              ((INF, 1, 0), (0, 0, 0)), tails=_merge(exp_tails(1), exp_tails(2, (1,))))


def softsign():
    return Fn(lambda x: x / (1 + abs(x)),
              lambda x: 1 / (1 + abs(x)) ** 2,
              lambda x: -2 * mp.sign(x) / (1 + abs(x)) ** 3,
              ((1, 0, 0), (-1, 0, 0)), kinks=[0])


def logsigmoid():
    return Fn(lambda x: -softplus0(-x),
              lambda x: sigm(-x),
              lambda x: -dsigm(x),
              ((0, 0, 0), (-INF, 1, 0)), tails=exp_tails(1, (-1, 1)))


def hardsigmoid():
    return Fn(lambda x: 0 if x <= -3 else (1 if x >= 3 else x / 6 + mpf(0.5)),
              lambda x: mpf(1) / 6 if -3 < x < 3 else 0,
              lambda x: 0,
              ((1, 0, 0), (0, 0, 0)), kinks=[-3, 3])


def keras2_hard_sigmoid():
    # Keras 2's clip(x/5 + 1/2, 0, 1); TF's clip gradient passes at the bounds: f'(+-2.5) = 1/5
    return Fn(lambda x: 0 if x <= -2.5 else (1 if x >= 2.5 else x / 5 + mpf(0.5)),
              lambda x: mpf(1) / 5 if -2.5 <= x <= 2.5 else 0,
              lambda x: 0,
              ((1, 0, 0), (0, 0, 0)), kinks=[-2.5, 2.5])


def hardswish():
    return Fn(lambda x: 0 if x <= -3 else (x if x >= 3 else x * (x + 3) / 6),
              lambda x: 0 if x <= -3 else (1 if x >= 3 else (2 * x + 3) / 6),
              lambda x: mpf(1) / 3 if -3 < x < 3 else 0,
              ((INF, 1, 0), (0, 0, 0)), kinks=[-3, 3])


def hardtanh(lo=-1.0, hi=1.0):
    a, b = mpf(lo), mpf(hi)
    return Fn(lambda x: a if x < a else (b if x > b else x),
              lambda x: 1 if a < x < b else 0,
              lambda x: 0,
              ((hi, 0, 0), (lo, 0, 0)), kinks=[lo, hi])


def relu6():
    return Fn(lambda x: 0 if x < 0 else (6 if x > 6 else x),
              lambda x: 1 if 0 < x < 6 else 0,
              lambda x: 0,
              ((6, 0, 0), (0, 0, 0)), kinks=[0, 6])


def tanhshrink():
    # f' = tanh^2 x has a double root at 0 (no sign change)
    return Fn(lambda x: x - mp.tanh(x),
              lambda x: mp.tanh(x) ** 2,
              lambda x: 2 * mp.tanh(x) * mp.sech(x) ** 2,
              ((INF, 1, 0), (-INF, 1, 0)), tails=exp_tails(2, (-1, 1)),
              double_grad_zeros=lambda: [mpf(0)])


def softshrink(lambd=0.5):
    l = mpf(lambd)
    return Fn(lambda x: x - l if x > l else (x + l if x < -l else 0),
              lambda x: 1 if abs(x) > l else 0,
              lambda x: 0,
              ((INF, 1, 0), (-INF, 1, 0)), kinks=[-lambd, lambd])


def hardshrink(lambd=0.5):
    l = mpf(lambd)
    return Fn(lambda x: x if abs(x) > l else 0,
              lambda x: 1 if abs(x) > l else 0,
              lambda x: 0,
              ((INF, 1, 0), (-INF, 1, 0)), kinks=[-lambd, lambd])


def squareplus(b=4.0):
    bb = mpf(b)
    r = lambda x: mp.sqrt(x * x + bb)
    # for x < 0 use (x + r)(r - x) = b to avoid cancellation
    return Fn(lambda x: (x + r(x)) / 2 if x >= 0 else bb / (2 * (r(x) - x)),
              lambda x: (1 + x / r(x)) / 2 if x >= 0
              else bb / (2 * r(x) * (r(x) - x)),
              lambda x: bb / (2 * r(x) ** 3),
              ((INF, 1, 0), (0, 0, 0)))


def quick_gelu():
    return silu(1.702)          # x sigma(1.702 x), same formulas


def snake(a=1.0, extra=()):
    A = mpf(a)

    def double_zeros():        # 1 + sin(2ax) = 0  <=>  x = (-pi/4 + k pi)/a
        zs = [(-mp.pi / 4 + k * mp.pi) / A for k in range(-20, 21)]
        return [z for z in zs if -10 / A <= z <= 10 / A]
    return Fn(lambda x: x + mp.sin(A * x) ** 2 / A,
              lambda x: 1 + mp.sin(2 * A * x),
              lambda x: 2 * A * mp.cos(2 * A * x),
              ((INF, NAN, NAN), (-INF, NAN, NAN)),
              double_grad_zeros=double_zeros, extra=extra, zero_scale=1 / a)


def squared_relu():
    return Fn(lambda x: x * x if x > 0 else 0,
              lambda x: 2 * x if x > 0 else 0,
              lambda x: 2 if x > 0 else 0,
              ((INF, INF, 2), (0, 0, 0)), kinks=[0])


def _to_f64(v):
    """Round an exact mpf expression result to float64 (used for limits)."""
    return round_binary(v, *F64)


# --------------------------------------------------------------------------
# Correct rounding to binary formats
# --------------------------------------------------------------------------

F64 = (53, -1022, 1023)    # (mantissa bits incl. hidden bit, emin, emax)
F32 = (24, -126, 127)


def round_binary(v, mant, emin, emax):
    """Round the mpf v to the nearest value of the binary format (IEEE
    round-half-even, subnormals, overflow to +-inf).  Returned as a Python
    float, which holds float32/float64 values exactly."""
    sign, man, exp, bc = v._mpf_
    if not man:
        if exp == 0 and bc == 0:
            return 0.0
        raise ValueError(f"non-finite mpf {v!r}")
    e = exp + bc - 1                       # 2^e <= |v| < 2^(e+1)
    if e > emax:
        return -INF if sign else INF
    if e < emin - mant:                    # below half the smallest subnormal
        return -0.0 if sign else 0.0
    q = max(e, emin) - (mant - 1)          # exponent of one ulp
    if exp >= q:
        n = man << (exp - q)
    else:
        sh = q - exp
        n = man >> sh
        rem = man & ((1 << sh) - 1)
        half = 1 << (sh - 1)
        if rem > half or (rem == half and n & 1):
            n += 1
    if n and n.bit_length() - 1 + q > emax:
        r = INF
    else:
        r = math.ldexp(float(n), q)
    return -r if sign else r


def is_normal(v, mant, emin, emax):
    """True value v is a finite normal number of the format."""
    sign, man, exp, bc = v._mpf_
    if not man:
        return False
    return exp + bc - 1 >= emin and math.isfinite(round_binary(v, mant, emin, emax))


# --------------------------------------------------------------------------
# Registry (order = order in the archive)
# --------------------------------------------------------------------------

FUNCTIONS = {
    "sigmoid": sigmoid(),
    "tanh": tanh(),
    "relu": relu(),
    "leaky_relu": leaky_relu(),
    "linear": linear(),
    "elu": elu(),
    "selu": selu(),
    "celu": celu(),
    "gelu": gelu(),
    "gelu_tanh": gelu_tanh(),
    "silu": silu(),
    "softplus": softplus(),
    "mish": mish(),
    "softsign": softsign(),
    "logsigmoid": logsigmoid(),
    "hardsigmoid": hardsigmoid(),
    "hardswish": hardswish(),
    "hardtanh": hardtanh(),
    "relu6": relu6(),
    "tanhshrink": tanhshrink(),
    "softshrink": softshrink(),
    "hardshrink": hardshrink(),
    "squareplus": squareplus(),
    "quick_gelu": quick_gelu(),
    "snake": snake(extra=[-1.7976931348623157e308, 1.7976931348623157e308]),
    "squared_relu": squared_relu(),
    "keras2_hard_sigmoid": keras2_hard_sigmoid(),
    # parameter variants
    "leaky_relu:alpha=0.2": leaky_relu(0.2),
    "elu:alpha=0.5": elu(0.5),
    "celu:alpha=2": celu(2.0),
    "silu:beta=1.5": silu(1.5),
    "softplus:beta=2": softplus(2.0),
    "hardtanh:min=-2,max=3": hardtanh(-2.0, 3.0),
    "softshrink:lambd=1": softshrink(1.0),
    "hardshrink:lambd=1": hardshrink(1.0),
    "squareplus:b=1": squareplus(1.0),
    "snake:a=0.5": snake(0.5),
    # parameters that are not powers of two (the low parts of products are not 0) and
    # extreme ones: three non-default settings for every parameter
    "leaky_relu:alpha=0.37": leaky_relu(0.37),
    "leaky_relu:alpha=1e-20": leaky_relu(1e-20),
    "elu:alpha=3.7": elu(3.7),
    "elu:alpha=1e20": elu(1e20),
    "celu:alpha=3.7": celu(3.7),
    "celu:alpha=1e-20": celu(1e-20),
    "silu:beta=0.3": silu(0.3),
    "silu:beta=1e-20": silu(1e-20),
    "silu:beta=1e20": silu(1e20),
    "softplus:beta=1.5": softplus(1.5),
    "softplus:beta=1e-20": softplus(1e-20),
    "softplus:beta=1e20": softplus(1e20),
    "hardtanh:min=-0.3,max=0.7": hardtanh(-0.3, 0.7),
    "hardtanh:min=-1e20,max=1e-20": hardtanh(-1e20, 1e-20),
    "softshrink:lambd=0.3": softshrink(0.3),
    "softshrink:lambd=1e20": softshrink(1e20),
    "hardshrink:lambd=0.3": hardshrink(0.3),
    "hardshrink:lambd=1e-20": hardshrink(1e-20),
    "squareplus:b=3.7": squareplus(3.7),
    "squareplus:b=1e-20": squareplus(1e-20),
    "squareplus:b=1e20": squareplus(1e20),
    "snake:a=3": snake(3.0, extra=[-7.569308358759889e+130, -0.29559515886186843]),
    "snake:a=0.3": snake(0.3),
    "snake:a=1e20": snake(1e20),
}

QUANTITIES = ("value", "grad", "grad2")


# --------------------------------------------------------------------------
# Adaptive-precision evaluation
# --------------------------------------------------------------------------

def _agree(a, b):
    if a == 0 or b == 0:
        return a == 0 and b == 0
    return abs(a - b) <= abs(b) * mpf(10) ** (-AGREE_DIGITS)


def evaluate(fn, x):
    """Evaluate fn at the float x (exactly) with adaptive precision.
    Returns (mpf result at precision 2p, p)."""
    p = START_DPS
    with mp.workdps(p):
        a = mpf(fn(mpf(x)))
    while True:
        with mp.workdps(2 * p):
            b = mpf(fn(mpf(x)))
            if (_agree(a, b)
                    and round_binary(a, *F64) == round_binary(b, *F64)
                    and round_binary(a, *F32) == round_binary(b, *F32)):
                if b != 0:
                    return b, p
                # Two exact zeros can also be total cancellation (e.g.
                # x - tanh(x) with tanh(x) rounding to x): confirm at the
                # maximal precision before accepting an exact zero.
                with mp.workdps(2 * MAX_DPS):
                    if mpf(fn(mpf(x))) == 0:
                        return b, p
        if p >= MAX_DPS:
            raise RuntimeError(f"no convergence at x={x!r} (p={p})")
        p, a = 2 * p, b


def eval_chunk(task):
    """Worker: evaluate value/grad/grad2 of one function at a list of x."""
    key, xs = task
    f = FUNCTIONS[key]
    out = []
    maxp = START_DPS
    for x in xs:
        row = []
        for q in QUANTITIES:
            v, p = evaluate(getattr(f, q), x)
            maxp = max(maxp, p)
            row.append((round_binary(v, *F64), round_binary(v, *F32),
                        is_normal(v, *F64), is_normal(v, *F32), v == 0))
        out.append(row)
    return key, xs, out, maxp


# --------------------------------------------------------------------------
# Self-checks and zeros of f', f'' (one task per function)
# --------------------------------------------------------------------------

def _near_kink(f, x, dist):
    return any(abs(x - k) < dist for k in f.kinks)


def check_and_find_zeros(key):
    f = FUNCTIONS[key]
    msgs = []
    # 1. analytic derivatives vs numerical differentiation
    with mp.workdps(60):
        tol = mpf(10) ** -20
        pts = [mpf(-9.37) + mpf(0.9613) * k for k in range(20)]
        pts = [x for x in pts if not _near_kink(f, x, 0.05)]
        assert len(pts) >= 15
        for x in pts:
            for order, exact in ((1, f.grad(x)), (2, f.grad2(x))):
                num = mp.diff(f.value, x, order)
                if abs(num - exact) > tol * abs(exact) + mpf(10) ** -40:
                    raise AssertionError(f"{key}: f^({order})({x}) analytic {exact} vs diff {num}")
            num = mp.diff(f.grad, x, 1)      # f'' also as derivative of f'
            if abs(num - f.grad2(x)) > tol * abs(num) + mpf(10) ** -40:
                raise AssertionError(f"{key}: (f')' mismatch at {x}")
    # 2. hand-written limits vs evaluation far out
    with mp.workdps(40):
        for row, X in zip(f.limits, (mpf(10) ** 60, -mpf(10) ** 60), strict=False):
            for lim, q in zip(row, QUANTITIES, strict=False):
                v = mpf(getattr(f, q)(X))
                if math.isnan(lim):
                    continue
                if math.isinf(lim):
                    ok = abs(v) > 10 ** 20 and (v > 0) == (lim > 0)
                elif lim == 0:
                    ok = abs(v) < mpf(10) ** -20
                else:                  # limits are stored rounded to float64
                    ok = round_binary(v, *F64) == lim
                if not ok:
                    raise AssertionError(f"{key}: {q} limit {lim!r} but f({X})={v}")
    # 3. zeros of f' and f'' in [-10, 10]
    zeros = {}
    for q, nxt in (("grad", "grad2"), ("grad2", None)):
        g = getattr(f, q)
        found = []
        with mp.workdps(30):
            grid = [(mpf(i) / 200 - 10) * f.zero_scale for i in range(4001)]
            vals = [mpf(g(x)) for x in grid]
        with mp.workdps(60):
            for i in range(len(grid) - 1):
                x0, x1, v0, v1 = grid[i], grid[i + 1], vals[i], vals[i + 1]
                if any(x0 <= k <= x1 for k in f.kinks):
                    continue
                sc = mpf(f.zero_scale)   # solved in t = x/sc, where the root is O(1)
                gt = lambda t, g=g, sc=sc: g(t * sc)
                if v0 * v1 < 0:
                    r = mp.findroot(gt, (x0 / sc, x1 / sc), solver="anderson") * sc
                elif v0 == 0 and i > 0 and vals[i - 1] * v1 < 0 \
                        and not _near_kink(f, x0, 1e-9):
                    r = mp.findroot(gt, x0 / sc) * sc
                else:
                    continue
                eps = mpf(10) ** -45 * sc
                if not (x0 - eps <= r <= x1 + eps) or g(r - eps) * g(r + eps) >= 0:
                    raise AssertionError(f"{key}: bad root of {q} near {x0}")
                found.append(r)
            if q == "grad" and f.double_grad_zeros is not None:
                for z0 in f.double_grad_zeros():
                    sc = mpf(f.zero_scale)
                    h = lambda t, q=nxt, sc=sc: getattr(f, q)(t * sc)   # f'', simple root
                    r = mp.findroot(h, z0 / sc) * sc
                    if abs(r - z0) > 1e-6 * sc or abs(g(r)) > mpf(10) ** -50:
                        raise AssertionError(f"{key}: bad double root {z0}")
                    found.append(r)
            found.sort()
            zeros[q] = [round_binary(r, *F64) for r in found]
            zeros[q + "_f32"] = [round_binary(r, *F32) for r in found]
    return key, zeros, msgs


# --------------------------------------------------------------------------
# Point sets
# --------------------------------------------------------------------------

TAILS = [20, 37, 40, 88, 100, 700, 710, 745, 1000]
LARGE = [2e7, 1e8, 1e15, 1e100, 1e300, 3.8e307, 1.7976931348623157e308]
FAR = list(np.logspace(4, 308, 40))  # far out, for the periodic and the slowly saturating
# dense points where results approach underflow: e^-lo .. e^-hi, per format
TAIL_RANGE64 = (695.0, 750.0)
TAIL_RANGE32 = (83.0, 108.0)
TAIL_POINTS = 150
TINY = [5e-324, 1e-310, 2.2250738585072014e-308]
ZERO_OFFSETS = [1e-12, 1e-8, 1e-4, 1e-2, 0.1]
F32_TAILS = [88.72284, 103.97]
# extra float32 counterparts of the float64 "large"/"subnormal" points
F32_EXTRA = [3.4028234663852886e38, 1e38, 1.401298464324817e-45, 1e-40,
             1.1754943508222875e-38]


def _steps(x, n, dtype):
    """x and its neighbours at 1..n steps in each direction in dtype."""
    x = dtype(x)
    out = [x]
    for direction in (dtype(np.inf), dtype(-np.inf)):
        y = x
        for _ in range(n):
            y = np.nextafter(y, direction)
            out.append(y)
    return out


def _unique_sorted(values, dtype):
    """Dedupe by bit pattern (so -0.0 and +0.0 both survive), drop
    non-finite values, sort by value with -0.0 before +0.0."""
    arr = np.array(values, dtype=dtype)
    arr = arr[np.isfinite(arr)]
    itype = np.int64 if dtype == np.float64 else np.int32
    bits = np.unique(arr.view(itype))
    arr = bits.view(dtype)
    order = np.lexsort((~np.signbit(arr), arr))
    return arr[order]


def points64(f, grad_zeros, grad2_zeros):
    pts = list(np.linspace(-10, 10, 2001))
    mags = np.logspace(-300, 4, 500)
    pts += list(mags) + list(-mags)
    for t in TAILS:
        pts += _steps(t, 1, np.float64) + _steps(-t, 1, np.float64)
    for v in LARGE + TINY + FAR:
        pts += [v, -v]
    pts += [0.0, -0.0]
    pts += list(f.extra)
    for lo, hi in f.tails(*TAIL_RANGE64):
        pts += list(np.linspace(lo, hi, TAIL_POINTS))
    for k in f.kinks:
        pts += _steps(k, 2, np.float64)
    for z in list(grad_zeros) + list(grad2_zeros):
        pts += _steps(z, 3, np.float64)
        pts += [z + d for d in ZERO_OFFSETS] + [z - d for d in ZERO_OFFSETS]
    return _unique_sorted(pts, np.float64)


def points32(x64, f, zeros32):
    with np.errstate(over="ignore"):
        pts = list(x64.astype(np.float32))
    for t in TAILS + F32_TAILS:
        pts += _steps(t, 1, np.float32) + _steps(-t, 1, np.float32)
    for v in F32_EXTRA:
        pts += [np.float32(v), np.float32(-v)]
    for lo, hi in f.tails(*TAIL_RANGE32):
        pts += list(np.linspace(lo, hi, TAIL_POINTS).astype(np.float32))
    for k in f.kinks:
        pts += _steps(k, 2, np.float32)
    for z in zeros32:
        pts += _steps(z, 3, np.float32)
    return _unique_sorted(pts, np.float32)


# --------------------------------------------------------------------------
# Deterministic .npz writer (same layout as np.savez_compressed, but with
# fixed zip timestamps so that the file is byte-for-byte reproducible)
# --------------------------------------------------------------------------

def save_npz(path, arrays):
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED,
                         allowZip64=True) as zf:
        for key, arr in arrays.items():
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as fid:
                np.lib.format.write_array(fid, np.ascontiguousarray(arr),
                                          allow_pickle=False)
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def generator_sha256():
    """The sha256 of this script: stored in the archive, so a test can see it is current."""
    with open(os.path.abspath(__file__), "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def main():
    ap = argparse.ArgumentParser(description="Write tests/data/reference.npz.")
    ap.add_argument("--only", nargs="*", metavar="KEY",
                    help="recompute only these keys and keep the others' arrays from the "
                         "existing archive (for a key added or changed; all keys by default)")
    args = ap.parse_args()
    t0 = time.time()
    keys = list(FUNCTIONS)
    kept = {}
    if args.only:
        unknown = set(args.only) - set(FUNCTIONS)
        if unknown:
            raise SystemExit(f"unknown keys: {sorted(unknown)}")
        with np.load(OUT) as old:
            kept = {k: old[k] for k in old.files
                    if k.split("/")[0] in FUNCTIONS and k.split("/")[0] not in args.only}
        keys = list(args.only)
    log = lambda *a: print("[%6.1fs]" % (time.time() - t0), *a, file=sys.stderr,
                           flush=True)
    with multiprocessing.Pool(2) as pool:
        # phase 1: self-checks + zeros
        zeros = {}
        for key, z, _ in pool.imap_unordered(check_and_find_zeros, keys):
            zeros[key] = z
        log("self-checks passed, zeros found")

        # phase 2: point sets
        sets = {}
        for key in keys:
            f, z = FUNCTIONS[key], zeros[key]
            x64 = points64(f, z["grad"], z["grad2"])
            x32 = points32(x64, f, z["grad_f32"] + z["grad2_f32"])
            sets[key] = (x64, x32)
        tasks = []
        for key in keys:
            x64, x32 = sets[key]
            xs = sorted(set(float(v) for v in x64) | set(float(v) for v in x32))
            for i in range(0, len(xs), 150):
                tasks.append((key, xs[i:i + 150]))
        log(f"{sum(len(t[1]) for t in tasks)} points in {len(tasks)} tasks")

        # phase 3: evaluation
        results = {key: {} for key in keys}
        maxp = {key: START_DPS for key in keys}
        for n, (key, xs, out, mp_used) in enumerate(
                pool.imap_unordered(eval_chunk, tasks)):
            results[key].update(zip(xs, out, strict=False))
            maxp[key] = max(maxp[key], mp_used)
            if n % 100 == 0:
                log(f"{n}/{len(tasks)} tasks")
    log("evaluation done")

    arrays = {}
    for key in keys:
        f = FUNCTIONS[key]
        for x, suf, dt, col in ((sets[key][0], "64", np.float64, 0),
                                (sets[key][1], "32", np.float32, 1)):
            rows = [results[key][float(v)] for v in x]
            arrays[f"{key}/x{suf}"] = x
            for qi, q in enumerate(QUANTITIES):
                name = q + ("_" if q == "grad2" else "") + suf
                arrays[f"{key}/{name}"] = np.array(
                    [r[qi][col] for r in rows], dtype=dt)
                arrays[f"{key}/normal_{name}"] = np.array(
                    [r[qi][2 + col] for r in rows], dtype=bool)
                arrays[f"{key}/zero_{name}"] = np.array(
                    [r[qi][4] for r in rows], dtype=bool)
        arrays[key + "/grad_zeros"] = np.array(zeros[key]["grad"], dtype=np.float64)
        arrays[key + "/grad2_zeros"] = np.array(zeros[key]["grad2"], dtype=np.float64)
        arrays[key + "/kinks"] = np.array(f.kinks, dtype=np.float64)
        arrays[key + "/limits"] = np.array(f.limits, dtype=np.float64).reshape(2, 3)

    arrays.update(kept)
    order = {k: i for i, k in enumerate(FUNCTIONS)}
    arrays = dict(sorted(arrays.items(), key=lambda kv: (order[kv[0].split("/")[0]], kv[0])))
    arrays["meta/generator_sha256"] = np.array(generator_sha256())
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save_npz(OUT, arrays)
    log(f"wrote {OUT} ({os.path.getsize(OUT) / 1e6:.2f} MB)")
    for key in keys:
        if maxp[key] > START_DPS:
            log(f"  {key}: precision escalated up to p={maxp[key]} digits")


if __name__ == "__main__":
    main()
