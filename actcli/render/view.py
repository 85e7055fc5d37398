"""What `actcli explore` shows, without a terminal: the functions and their parameters, the
derivatives drawn, the cursor, the x range, the dialect and the shading (`View`), what the
readout reads at the cursor (`View.readout`), and the chart (`View.chart`, actcli's own).

Every change a key makes is a method here; a refused one raises `ActivationError` with the
registry's message and leaves the view as it was. actcli.render.explorer draws a View with
Textual; actcli.cli.explore turns the last one into the `actcli plot` command that redraws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from actcli.core.lookup import get
from actcli.core.registry import (
    ActivationError,
    ParameterError,
    declaration,
    is_declared,
    parse_spec,
)
from actcli.render.charts import Chart, chart

DIALECTS = (None, "torch", "jax", "keras", "keras2", "tf")  # `d` cycles through them
DEFAULT_FUNCTIONS = ("sigmoid", "tanh", "relu")
CURSOR_STEPS = 100  # a cursor step is about 1/100 of the range; shift: 1/10
MIN_SPAN, MAX_SPAN = 1e-6, 1e6  # zooming stops here: ticks and steps stay readable


def tidy(v: float) -> float:
    """`v` to 12 significant digits: 0.1 + 0.2 is 0.3, so the numbers shown stay short."""
    return float(f"{v:.12g}") + 0.0  # + 0.0: no -0


def nice_step(span: float) -> float:
    """The power of ten at or below `span` (0.1 for 0.12; 1 for 5)."""
    return 10.0 ** math.floor(math.log10(span))


@dataclass
class Entry:
    """One function shown: its name as given (catalog name or expression), the parameters
    set on it, and the function they make in the view's dialect."""

    name: str
    params: dict[str, float]
    act: Any

    def spec(self) -> str:
        """The FUNC argument that recreates it: 'leaky_relu:alpha=0.2' (every digit kept)."""
        if not self.params:
            return self.name
        return self.name + ":" + ",".join(f"{k}={v!r}" for k, v in self.params.items())


@dataclass
class View:
    """The state of an exploration. `width` and `height` are the chart's last size."""

    entries: list[Entry]
    start: float = -6.0
    stop: float = 6.0
    dialect: str | None = None
    threshold: float = 1e-2  # the shading's |f'| threshold (the plot command's default)
    shown: dict[int, bool] = field(default_factory=lambda: {0: True, 1: False, 2: False})
    shade: bool = False
    cursor: float = 0.0
    selected: int = 0
    param: int = 0  # the selected parameter of the selected function
    width: int | None = 80  # None: the last chart asked for did not fit
    height: int | None = 24
    home: tuple[float, float] = (-6.0, 6.0)  # the range `r` goes back to

    @classmethod
    def of(
        cls,
        specs: list[str],
        start: float = -6.0,
        stop: float = 6.0,
        dialect: str | None = None,
        threshold: float = 1e-2,
    ) -> View:
        """A view of `specs` (names, 'name:param=v', expressions); ActivationError if one is bad."""
        if not start < stop or not math.isfinite(stop - start):
            raise ActivationError(f"the x range must be finite with start < stop, not [{start:g}, {stop:g}]")
        view = cls([], start, stop, dialect, threshold, home=(start, stop))
        for spec in specs:
            view.entries.append(view._entry(spec))
        if not view.entries:
            raise ActivationError("nothing to explore: give at least one function")
        view.cursor = view._clamp(0.0)
        return view

    # --- functions ------------------------------------------------------------------------

    def _entry(self, spec: str) -> Entry:
        spec = spec.strip()
        if not spec:
            raise ActivationError("type a function name or an expression in x")
        act = get(spec, dialect=self.dialect)
        if not is_declared(spec):  # an expression: its text is its name
            return Entry(spec, {}, act)
        name, params = parse_spec(spec)
        return Entry(declaration(name).name, {k: float(v) for k, v in params.items()}, act)

    @property
    def acts(self) -> list[Any]:
        return [e.act for e in self.entries]

    @property
    def current(self) -> Entry:
        return self.entries[self.selected]

    def add(self, spec: str) -> None:
        """Add a function (name, spec or expression) and select it."""
        self.entries.append(self._entry(spec))
        self.select(len(self.entries) - 1)

    def remove(self) -> None:
        """Remove the selected function; the last one stays."""
        if len(self.entries) == 1:
            raise ActivationError("the last function stays: add another one first")
        del self.entries[self.selected]
        self.select(min(self.selected, len(self.entries) - 1))

    def select(self, i: int) -> None:
        self.selected = i % len(self.entries)
        self.param = 0

    # --- parameters ---------------------------------------------------------------------

    def params(self) -> list[tuple[str, float, Any]]:
        """(name, value, Param) of the selected function's parameters; none for an expression."""
        act = self.current.act
        decl = getattr(act, "decl", None)
        if decl is None:
            return []
        return [(k, act.params[k], p) for k, p in decl.params.items()]

    def select_param(self, step: int) -> None:
        n = len(self.params())
        self.param = (self.param + step) % n if n else 0

    def set_param(self, value: float) -> None:
        """Set the selected parameter; ParameterError (the registry's message) if not allowed."""
        ps = self.params()
        if not ps:
            raise ParameterError(f"{self.current.name}: no parameters to change")
        e = self.current
        name = ps[self.param][0]
        wanted = {**e.params, name: float(value)}
        act = get(e.name, dialect=self.dialect, **wanted)
        default = get(e.name, dialect=self.dialect).params
        e.params = {k: v for k, v in wanted.items() if v != default.get(k)}
        e.act = act

    def step_param(self, steps: int) -> None:
        """Move the selected parameter by `steps` tenths of its leading digit's power of ten
        (alpha = 0.01 goes to 0.011); ParameterError if that leaves its domain."""
        ps = self.params()
        if not ps:
            raise ParameterError(f"{self.current.name}: no parameters to change")
        value = ps[self.param][1]
        unit = nice_step(abs(value)) / 10 if value else 0.1
        self.set_param(tidy(value + steps * unit))

    # --- derivatives, range, cursor --------------------------------------------------------

    @property
    def orders(self) -> tuple[int, ...]:
        return tuple(k for k in (0, 1, 2) if self.shown[k])

    def toggle(self, order: int) -> None:
        """Show or hide f (0), f' (1) or f'' (2); one of them stays."""
        if self.shown[order] and len(self.orders) == 1:
            raise ActivationError("one curve stays: show f, f' or f'' before hiding this one")
        self.shown[order] = not self.shown[order]

    def _clamp(self, x: float) -> float:
        return min(max(x, self.start), self.stop)

    @property
    def cursor_step(self) -> float:
        return nice_step((self.stop - self.start) / CURSOR_STEPS)

    def move(self, steps: int) -> None:
        """Move the cursor by `steps` steps, onto a multiple of the step, within the range."""
        unit = self.cursor_step
        k = round(self.cursor / unit) + steps
        self.cursor = self._clamp(tidy(k * unit))

    def zoom(self, factor: float) -> None:
        """Scale the x range by `factor` about the cursor (0.5: zoom in)."""
        span = (self.stop - self.start) * factor
        if not MIN_SPAN <= span <= MAX_SPAN:
            raise ActivationError(f"the x range stays between {MIN_SPAN:g} and {MAX_SPAN:g} wide")
        c = self.cursor
        self._set_range(c - (c - self.start) * factor, c + (self.stop - c) * factor)

    def pan(self, fraction: float) -> None:
        """Shift the x range by `fraction` of its width; the cursor comes along."""
        shift = (self.stop - self.start) * fraction
        self._set_range(self.start + shift, self.stop + shift)
        self.cursor = self._clamp(tidy(self.cursor + shift))

    def reset_range(self) -> None:
        self._set_range(*self.home)

    def _set_range(self, start: float, stop: float) -> None:
        start, stop = tidy(start), tidy(stop)
        if not start < stop:  # 12 digits cannot tell them apart
            raise ActivationError(f"the x range cannot be narrower near {start:g}")
        self.start, self.stop = start, stop
        self.cursor = self._clamp(self.cursor)

    # --- dialect and shading ---------------------------------------------------------------

    def cycle_dialect(self) -> str | None:
        """The next dialect (actcli's, torch, jax, keras, keras2, tf) in which every function
        exists as set; those skipped (silu with beta in jax) are returned, with the reason."""
        skipped = []
        i = DIALECTS.index(self.dialect)
        for k in range(1, len(DIALECTS)):
            after = DIALECTS[(i + k) % len(DIALECTS)]
            try:
                acts = [get(e.name, dialect=after, **e.params) for e in self.entries]
            except ActivationError as err:
                skipped.append(f"{after}: {err}")
                continue
            self.dialect = after
            for e, act in zip(self.entries, acts, strict=True):
                e.act = act
            return "skipped " + "; ".join(skipped) if skipped else None
        raise ActivationError("no other dialect has these functions as set")

    def toggle_shade(self) -> None:
        self.shade = not self.shade

    # --- what is shown -------------------------------------------------------------------

    def readout(self) -> list[tuple[str, float, float, float]]:
        """(label, f, f', f'') of every function at the cursor: the library's own numbers."""
        x = self.cursor
        return [
            (e.act.label, float(e.act.value(x)), float(e.act.grad(x)), float(e.act.grad2(x)))
            for e in self.entries
        ]

    def chart(self, width: int, height: int, color: bool = True) -> Chart:
        """actcli's chart of this view, `width` x `height` characters (PlotError if too small)."""
        self.width = self.height = None
        c = chart(
            self.acts,
            self.start,
            self.stop,
            orders=self.orders,
            width=width,
            height=height,
            shade_vanishing=self.threshold if self.shade else None,
            color=color,
        )
        self.width, self.height = width, height
        return c
