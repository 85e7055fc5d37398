"""f and f' in float16 and bfloat16 against mpmath (#19): the reference, correctly rounded to each
format, is `tests/data/half_reference.npz`, made by `tests/reference/make_half_reference.py`:
every finite value of the format for sigmoid, tanh, gelu and silu, every 8th for the other
functions (at their defaults).

The claim: within 1 ULP of the correctly rounded result everywhere (0 and the subnormals
included), and equal to it except where the float64 result is exactly halfway between two
values of the format (a tie rounded to even, where the truth lay on the other side).
"""

from __future__ import annotations

import hashlib
import sys
import warnings
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

import actcli

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE / "reference"))
import make_half_reference as gen  # noqa: E402

REF = np.load(HERE / "data" / "half_reference.npz")
DTYPES = {"float16": np.dtype(np.float16), "bfloat16": np.dtype(ml_dtypes.bfloat16)}


def _ordered(bits: np.ndarray) -> np.ndarray:
    """Bit patterns as integers in the order of their values (−0 and +0 both 0)."""
    b = bits.astype(np.int64)
    return np.where(b & 0x8000, -(b & 0x7FFF), b)


def test_the_reference_is_the_generators():
    digest = hashlib.sha256((HERE / "reference" / "make_half_reference.py").read_bytes()).hexdigest()
    stored = str(REF["meta/generator_sha256"].reshape(-1)[0])
    assert stored == digest, "run: python tests/reference/make_half_reference.py"


@pytest.mark.parametrize("name", list(DTYPES))
def test_a_sample_of_the_reference_is_made_again(name):
    """A few points, evaluated with mpmath again as the generator does, give the stored bits."""
    dtype = DTYPES[name]
    for fn in ("gelu", "mish"):
        tag = "every" if fn in gen.EVERY else "stride"
        bits = REF[f"{name}/x/{tag}"]
        pick = np.linspace(0, bits.size - 1, 9).astype(int)
        xs = bits[pick].view(dtype).astype(np.float64).tolist()
        for q in gen.QUANTITIES:
            fresh = [gen.rounded(getattr(gen.R.FUNCTIONS[fn], q), x, [gen.FORMATS[name][1]])[0] for x in xs]
            stored = REF[f"{name}/{fn}/{q}"][pick].view(dtype).astype(np.float64)
            assert np.array_equal(np.array(fresh), stored), (fn, q)


@pytest.mark.parametrize("name", list(DTYPES))
@pytest.mark.parametrize("fn", gen.NAMES)
def test_f_and_grad_are_correctly_rounded(name, fn):
    dtype = DTYPES[name]
    tag = "every" if fn in gen.EVERY else "stride"
    x = REF[f"{name}/x/{tag}"].view(dtype)
    act = actcli.get(fn)
    for q in gen.QUANTITIES:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            got = getattr(act, q)(x)
            wide = getattr(act, q)(x.astype(np.float64))  # the float64 result, before rounding
        assert got.dtype == dtype
        want = REF[f"{name}/{fn}/{q}"]
        ulps = np.abs(_ordered(got.view(np.uint16)) - _ordered(want))
        assert ulps.max() <= 1, (fn, q, x[ulps.argmax()], got[ulps.argmax()])
        # Every miss is a float64 result exactly halfway between actcli's and the truth.
        miss = np.flatnonzero(ulps)
        a = got[miss].astype(np.float64)
        b = want[miss].view(dtype).astype(np.float64)
        assert np.array_equal(wide[miss], (a + b) / 2), (fn, q, x[miss][:5], got[miss][:5])
