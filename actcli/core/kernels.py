"""Running a kernel over an array: dtype in = dtype out, in cache-sized chunks.

Kernels are written once, for float64 1-D arrays. float32 (and float16) inputs are computed in
float64 and rounded once at the end, which keeps them within 1 ULP of the exact result.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

import numpy as np

CHUNK = 1 << 16  # elements per chunk: a handful of float64 temporaries stay in L2 cache

_KEEP = (np.float32, np.float16)  # computed in float64, returned in their own dtype


def result_dtype(x: np.ndarray) -> np.dtype:
    """float32/float16 stay as they are; everything else (ints, lists, float64) is float64."""
    if x.dtype.kind == "c":
        raise TypeError("complex input is not supported")
    return x.dtype if x.dtype.type in _KEEP else np.dtype(np.float64)


def apply(
    kernel: Callable[..., np.ndarray], x: Any, params: Mapping[str, float], out: np.ndarray | None = None
) -> Any:
    """kernel(x, **params) elementwise; nan in gives nan out. Scalars in give scalars out."""
    arr = np.asarray(x)
    dtype = result_dtype(arr)
    flat = arr.reshape(-1)
    if out is None:
        out = np.empty(flat.shape, dtype=dtype)
    for start in range(0, flat.size, CHUNK):
        chunk = flat[start : start + CHUNK].astype(np.float64, copy=False)
        y = kernel(chunk, **params)
        # Kernels branch with comparisons, which are False for nan: put the nan back.
        np.copyto(y, chunk, where=np.isnan(chunk))
        # Rounding to float32 overflows to inf exactly when the true result does: that is the
        # correctly rounded answer, not an accident to warn about.
        with np.errstate(over="ignore"):
            out[start : start + CHUNK] = y
    out = out.reshape(arr.shape)
    return out[()] if arr.ndim == 0 else out
