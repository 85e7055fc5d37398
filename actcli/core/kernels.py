"""Running a kernel over an array: dtype in = dtype out, in cache-sized chunks, on every core.

A kernel is `kernel(x, out, **params)`: x is a float64 1-D chunk (read it, never write it),
out a float64 buffer of the same length; it returns the result, ideally `out` itself (a
kernel may return a fresh array, which is then copied). float32, float16 and bfloat16 inputs
are computed in float64 and rounded once at the end, which keeps them within 1 ULP; kernels
marked `native` (exact in any dtype: relu, clip, ...) get float32 in float32 instead.

Chunks are independent, so a large input is spread over a small thread pool (numpy releases
the GIL inside ufuncs) and the result is bit-identical to a single-threaded run.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from actcli.core import formats
from actcli.core.numerics import NARROW

# Elements per chunk: 512 KiB per float64 temporary, so the dozen a kernel may make stay in the
# L2 and L3 caches, while numpy's fixed cost per call (about 1 µs, some 40 calls per chunk for
# the dearer kernels) stays small and two threads rarely wait on each other for the GIL.
# Measured here: 16K chunks were 10-25% slower on one thread and gained nothing from a second.
CHUNK = 1 << 16
MIN_PARALLEL = 4 * CHUNK  # below this, starting threads costs more than it saves

# glibc returns freed heap to the system once more than 128 KiB of it is free at the top, so
# every chunk's temporaries would be page-faulted in afresh (silu grad: 2.4x slower). So the
# first input longer than a chunk makes apply() ask glibc, for the whole process, to keep up to
# _KEEP_HEAP bytes of freed heap for reuse. A program that embeds actcli and minds its memory
# can set TUNE_MALLOC = False before that.
TUNE_MALLOC = True
_KEEP_HEAP = 64 << 20

Kernel = Callable[..., np.ndarray]
# Computed in float64, returned in their own dtype; bfloat16 (ml_dtypes) is known by its name.
_KEEP = (np.float32, np.float16)


def default_threads() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@functools.cache
def _keep_freed_heap() -> None:
    """Ask glibc to keep freed memory for reuse (mallopt); elsewhere, nothing to do."""
    try:
        if "glibc" not in (os.confstr("CS_GNU_LIBC_VERSION") or ""):
            return
    except (AttributeError, ValueError, OSError):  # no confstr, or not glibc
        return
    import ctypes  # only big inputs pay for it

    libc = ctypes.CDLL(None)
    libc.mallopt(-1, _KEEP_HEAP)  # M_TRIM_THRESHOLD: free heap kept before trimming
    # M_MMAP_THRESHOLD: setting either value turns off glibc's own rising threshold, so pin it
    # at that rise's ceiling (32 MB): a lower one made text input 25% slower, as every block
    # of a few MB was mapped and unmapped afresh.
    libc.mallopt(-3, 32 << 20)


@functools.cache
def _pool(threads: int) -> Any:
    from concurrent.futures import ThreadPoolExecutor  # only big inputs pay for it

    return ThreadPoolExecutor(threads, thread_name_prefix="actcli")


# A child made by fork() inherits the pool but none of its threads: work handed to it would
# wait forever (a data loader's worker). The child starts a pool of its own when it needs one.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_pool.cache_clear)


def native(kernel: Kernel | None = None, *, any_params: bool = False) -> Any:
    """Mark a kernel that is exact in float32 too: every result is one correctly rounded
    operation, or a comparison, on x and the parameters. float32 input then runs in float32
    (twice the elements per byte) when every parameter is a float32 number, or always with
    `any_params` (the kernel never compares x with a parameter, and rounds it correctly).
    """

    def mark(k: Kernel) -> Kernel:
        k.native = "any" if any_params else "float32 params"  # type: ignore[attr-defined]
        return k

    return mark if kernel is None else mark(kernel)


def ties_up(kernel: Kernel) -> Kernel:
    """Mark a kernel f(x) = x/2 + c·x² + ..., c > 0, next to 0 (gelu, silu, hardswish, ...).

    At x = k·2^-149 for an odd k (float32's subnormals), x/2 is a float32 midpoint, and the
    float64 result is that midpoint exactly: c·x² is below its last bit. The truth is above
    it, so such a tie in float32's subnormal range is rounded up, not to even (which would
    give 0 for x = 1.4e-45). Such ties need |x| < 2^-125, which is what chunks are checked for.
    """
    kernel.ties_up = True  # type: ignore[attr-defined]
    return kernel


_TIE_X = 2.0**-125  # f(x) near x/2 is a float32 (or bfloat16) subnormal below this
# Half of the subnormal spacing of the formats with float32's exponent range. (float16's
# subnormals are far from float64's: there c·x² is kept, and the float64 result is no tie.)
_HALF_STEP = {"float32": 2.0**-150, "bfloat16": 2.0**-134}


def _round_ties_up(x32: np.ndarray, y64: np.ndarray, y32: np.ndarray) -> None:
    """Where y64 = f(x) is a midpoint between two subnormals of y32's format (float32 or
    bfloat16), y32 (its cast) goes up. Looked for in x32, the narrow input: fewer bytes than
    y64, and no exact zeros of f (hardswish's x <= −3) to sift: this check is all that most
    chunks pay."""
    if np.min(np.abs(x32)) >= _TIE_X:  # nan is not >=: such a chunk takes the mask
        return
    idx = np.flatnonzero(np.abs(x32) < _TIE_X)
    low = y32[idx]
    tie = y64[idx] - low.astype(np.float64) == _HALF_STEP[y32.dtype.name]  # rounded down
    if tie.any():
        y32[idx[tie]] = _step_up(low[tie])


def _step_up(v: np.ndarray) -> np.ndarray:
    """The next value toward +inf (float32, or a 16-bit format by its bits: sign and size)."""
    if v.dtype == np.float32:
        return np.nextafter(v, np.float32(np.inf))
    bits = v.view(np.uint16)
    return np.where(bits & 0x8000, bits - 1, bits + 1).astype(np.uint16).view(v.dtype)


def _exact_in(dtype: np.dtype, v: float) -> bool:
    """v is a number of this dtype (beyond its range it is not: the cast gives inf)."""
    with np.errstate(over="ignore"):
        return float(dtype.type(v)) == v


def result_dtype(x: np.ndarray) -> np.dtype:
    """float32, float16 and bfloat16 stay as they are; everything else (ints, lists, float64)
    is float64."""
    if x.dtype.kind == "c":
        raise TypeError("complex input is not supported")
    keep = x.dtype.type in _KEEP or formats.is_half(x.dtype)
    return x.dtype if keep else np.dtype(np.float64)


def apply(
    kernel: Kernel,
    x: Any,
    params: Mapping[str, float],
    threads: int | None = None,
    out: np.ndarray | None = None,
) -> Any:
    """kernel(x, **params) elementwise; nan in gives nan out. Scalars in give scalars out.

    `out`, if given, is a C-contiguous array of x's shape and result dtype to write into.
    """
    arr = np.asarray(x)
    dtype = result_dtype(arr)
    flat = arr.reshape(-1)
    if out is None:
        result = np.empty(flat.shape, dtype=dtype)
    else:
        if out.shape != arr.shape or out.dtype != dtype or not out.flags.c_contiguous:
            raise ValueError(f"out must be a contiguous {dtype} array of shape {arr.shape}")
        result = out.reshape(-1)
        if np.may_share_memory(out, arr):  # out=x: kernels read x after writing out
            flat = flat.copy()
    mode = getattr(kernel, "native", None)
    # float32 only: numpy's float16 loops differ in details (maximum(-0.0, 0) is -0.0 there).
    native_ok = dtype == np.float32 and (
        mode == "any" or (mode is not None and all(_exact_in(dtype, v) for v in params.values()))
    )
    direct = dtype == np.float64 or native_ok  # write straight into the result, no scratch copy
    half = formats.is_half(dtype)
    fix_ties = (
        dtype.name in _HALF_STEP and not native_ok and getattr(kernel, "ties_up", False)
    )
    local = threading.local()

    def run(start: int) -> None:
        stop = min(start + CHUNK, flat.size)
        chunk = flat[start:stop]
        if half:
            chunk = formats.widen(chunk)
        elif chunk.dtype != np.float64 and not native_ok:
            chunk = chunk.astype(np.float64)
        if direct:
            dst = result[start:stop]
        else:
            if getattr(local, "buf", None) is None:
                local.buf = np.empty(CHUNK)
            dst = local.buf[: stop - start]
        NARROW.on = dtype != np.float64
        try:
            y = kernel(chunk, dst, **params)
        finally:
            NARROW.on = False
        if y is not dst:
            dst[...] = y
        # Kernels branch with comparisons, which are False for nan: put the nan back. The
        # minimum is nan when the chunk holds a nan: a cheap test before the fix.
        if np.isnan(np.minimum.reduce(chunk)):
            np.copyto(dst, chunk, where=np.isnan(chunk))
        if half:
            formats.round_to(dst, dtype, out=result[start:stop])
            if fix_ties:
                _round_ties_up(flat[start:stop], dst, result[start:stop])
        elif not direct:
            # Rounding to float32 overflows to inf exactly when the true result does: that is
            # the correctly rounded answer, not an accident to warn about.
            with np.errstate(over="ignore"):
                result[start:stop] = dst
            if fix_ties:
                _round_ties_up(flat[start:stop], dst, result[start:stop])

    def run_block(block: range) -> None:
        for start in block:
            run(start)

    starts = range(0, flat.size, CHUNK)
    if len(starts) > 1 and TUNE_MALLOC:
        _keep_freed_heap()
    n_threads = min(threads or default_threads(), len(starts))
    if n_threads > 1 and flat.size >= MIN_PARALLEL:
        # Each thread takes every n-th chunk: equal shares even where costs vary along x.
        blocks = [starts[i::n_threads] for i in range(n_threads)]
        list(_pool(n_threads).map(run_block, blocks))
    else:
        run_block(starts)
    result = result.reshape(arr.shape)
    return result[()] if arr.ndim == 0 else result
