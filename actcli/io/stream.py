"""Computed in blocks: a `Job` (functions and orders) over a `Source` gives a `Stream` of
`Points`, one block at a time, into buffers reused from block to block; kernels use threads.

Big inputs stream (`open_points` gives a `Source`; `Job` and `Stream` compute and write): eval,
grad and compare read, compute and write a block of points at a time (`BLOCK`, 1M points), so
memory stays flat whatever the count. `--range` makes its points a block at a time, bit for
bit those of `np.linspace`; a `.npy` file is read a block at a time into one reused buffer;
text is read `TEXT_BLOCK` (8 MB) at a time, cut after its last separator, and parsed with one
call (orjson for plain numbers, numpy for the rest). Read whole, in memory: numbers given as
arguments, JSON (a file, or standard input that starts with '['), text shorter than a block,
and a `.npy` file in Fortran order over more than one axis, or that `--output` writes over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from actcli.core.registry import Activation
from actcli.io import sources
from actcli.io.sources import Source, Tick

Slot = tuple[int, str]  # (index of a series, column key): one array of a JSON document
X_SLOT = (-1, "x")  # the slot of x


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One function's results at the points: ("y", f(x)), ("dydx", f'(x)), ("d2ydx2", f''(x)).

    `subgradient` (grad --kink math): (lo, hi) of the one-sided derivatives at every point; the
    "dydx" column is written as [lo, hi] wherever they differ.
    """

    function: str
    params: dict[str, float]
    label: str
    columns: tuple[tuple[str, np.ndarray], ...]
    dialect: str | None = None
    subgradient: tuple[np.ndarray, np.ndarray] | None = None


@dataclass(frozen=True)
class Points:
    """What eval, grad and compare write: points x and one or more series."""

    command: str  # "eval", "grad" or "compare"
    x: np.ndarray
    series: list[Series]
    order: int | None = None  # grad only
    dtype: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dtype", str(self.x.dtype))


VALUE_KEYS = {0: "y", 1: "dydx", 2: "d2ydx2"}


def series(
    act: Activation,
    x: np.ndarray,
    orders: Iterable[int],
    label: str,
    *,
    threads: int | None = None,
    kink_math: bool = False,
    out: dict[int, np.ndarray] | None = None,
) -> Series:
    """f and its derivatives of the given orders at x, keyed as in VALUE_KEYS.

    `threads` goes to the kernels (None: every core); `out` maps an order to an array of x's
    shape and dtype to write it into. `kink_math` adds the subgradient
    interval for "dydx" (`Activation.subgradient`), in the dtype of x. With no points, no
    kernel runs: the series is the columns' names and empty arrays (a writer's template).
    """
    if not x.size:
        empty = np.empty(0, x.dtype)
        cols = tuple((VALUE_KEYS[k], empty) for k in orders)
        return Series(
            act.name, dict(act.params), label, cols, getattr(act, "dialect", None),
            subgradient=(empty, empty) if kink_math else None,
        )  # fmt: skip
    out = out or {}
    cols = tuple(
        (VALUE_KEYS[k], act.derivative(x, k, threads=threads, out=out.get(k))) for k in orders
    )
    sub = None
    if kink_math:
        lo, hi = act.subgradient(x)
        with np.errstate(over="ignore"):
            sub = (np.asarray(lo).astype(x.dtype), np.asarray(hi).astype(x.dtype))
    return Series(
        act.name, dict(act.params), label, cols, getattr(act, "dialect", None), subgradient=sub
    )


@dataclass(frozen=True)
class Job:
    """What eval, grad or compare computes: each function (with its label) at the orders."""

    command: str  # "eval", "grad" or "compare"
    functions: tuple[tuple[Any, str], ...]  # (Activation or Expression, label)
    orders: tuple[int, ...]
    order: int | None = None  # grad's
    threads: int | None = None
    kink_math: bool = False

    def points(
        self, x: np.ndarray, slot: Slot | None = None, buffers: dict[Any, np.ndarray] | None = None
    ) -> Points:
        """The results at x: every column, or only that of `slot` (X_SLOT: none). With
        `buffers`, the results are written into arrays kept there from one block to the next
        (fresh memory costs a page fault per 4 KB: about as much as relu itself)."""
        out = []
        for i, (act, label) in enumerate(self.functions):
            orders = [k for k in self.orders if slot is None or slot == (i, VALUE_KEYS[k])]
            into = None
            if buffers is not None and x.size:
                into = {k: block_buffer(buffers, (i, k), x.size, x.dtype) for k in orders}
            kink = self.kink_math and 1 in orders
            s = series(act, x, orders, label, threads=self.threads, kink_math=kink, out=into)
            out.append(s)
        return Points(self.command, x, out, order=self.order)

    @property
    def slots(self) -> list[Slot]:
        columns = [(i, VALUE_KEYS[k]) for i in range(len(self.functions)) for k in self.orders]
        return [X_SLOT, *columns]


def block_buffer(buffers: dict[Any, np.ndarray], key: Any, n: int, dtype: np.dtype) -> np.ndarray:
    """`n` elements of the array kept as `buffers[key]`, made (or made larger) if need be."""
    buf = buffers.get(key)
    if buf is None or buf.size < n or buf.dtype != dtype:
        buf = buffers[key] = np.empty(max(n, sources.BLOCK), dtype)
    return buf[:n]


class Stream:
    """Points block by block: a Job over a Source, or Points already computed. A block's
    arrays may be reused by the next: write a block out before asking for the next."""

    def __init__(self, template: Points, blocks: Callable[[Slot | None], Iterator[Points]]):
        self.template = template  # the columns, at no points
        self.blocks = blocks  # blocks(None): every column; blocks(slot): that one at least

    @classmethod
    def of(cls, job: Job, source: Source, tick: Tick | None = None) -> Stream:
        """`job` computed a block of `source` at a time; `tick` hears of each block read."""
        template = job.points(np.empty(0, source.dtype))
        buffers: dict[Any, np.ndarray] = {}

        def blocks(slot: Slot | None) -> Iterator[Points]:
            for x in source.blocks(tick):
                yield job.points(x, slot, buffers)

        return cls(template, blocks)

    @classmethod
    def of_points(cls, p: Points) -> Stream:
        """Points already computed, in blocks of BLOCK (views: nothing is copied)."""

        def blocks(slot: Slot | None) -> Iterator[Points]:
            for lo in range(0, p.x.size, sources.BLOCK):
                yield _slice(p, lo, lo + sources.BLOCK)

        return cls(_slice(p, 0, 0), blocks)


def _slice(p: Points, lo: int, hi: int) -> Points:
    cut = [
        Series(
            s.function, s.params, s.label, tuple((k, v[lo:hi]) for k, v in s.columns), s.dialect,
            None if s.subgradient is None else (s.subgradient[0][lo:hi], s.subgradient[1][lo:hi]),
        )
        for s in p.series
    ]  # fmt: skip
    return Points(p.command, p.x[lo:hi], cut, order=p.order)


def passes(fmt: str, job: Job) -> int:
    """How often a writer reads its input: a JSON document once per array, the rest once."""
    return len(job.slots) if fmt == "json" else 1
