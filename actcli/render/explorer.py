"""`actcli explore`, the full-screen app (Textual): the chart of a `View` (actcli.render.view)
drawn by actcli's own chart code, a readout at the cursor, the selected function's parameters,
and screens to add a function, type a value, read the info card and the keys.

`run(view)` draws on the terminal of stdin and stderr, so stdout stays free for the command
line the caller prints; it returns the exit code (0 after `q`, 130 after Ctrl-C).
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache
from typing import Any

from rich.color import Color
from rich.console import Group
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.geometry import Region
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from actcli.core.registry import ActivationError, declarations
from actcli.render.charts import ANSI, PALETTE
from actcli.render.view import View

EXIT_INTERRUPTED = 130
CURSOR_STYLE = Style(bgcolor="grey35")
PLAIN = Style()
MIN_NAME = 14  # the readout's function column, at least
NUMBER_WIDTH = 24  # the longest repr of a float: -2.2250738585072014e-308


def color_of(i: int) -> Style:
    """The i-th function's colour, the one the chart gives its curves."""
    return Style(color=Color.from_ansi(PALETTE[i % len(PALETTE)]))


def fit(v: float, width: int) -> str:
    """`v` in at most `width` characters: every digit (repr) if it fits, else correctly rounded
    to as many significant digits as fit, so each digit shown is the number's own."""
    text = repr(v)
    if len(text) <= width:
        return text
    for digits in range(16, 0, -1):
        short = f"{v:.{digits}g}"
        if len(short) <= width:
            return short
    return short


class Canvas:
    """Where the chart's plotting area is in its text: rows top..bottom (exclusive), columns
    left..right (exclusive), as plotext lays it out inside its frame."""

    def __init__(self, plain: str) -> None:
        self.lines = plain.split("\n")
        top = next((i for i, line in enumerate(self.lines) if "┌" in line), None)
        self.ok = top is not None
        if top is None:
            return
        self.top = top + 1
        self.bottom = next(
            (i for i in range(self.top, len(self.lines)) if "└" in self.lines[i]), len(self.lines)
        )
        self.left = self.lines[top].index("┌") + 1
        self.right = self.lines[top].rindex("┐")
        self.offsets = [0]
        for line in self.lines:
            self.offsets.append(self.offsets[-1] + len(line) + 1)

    def column(self, x: float, start: float, stop: float) -> int:
        # plotext puts start at the middle of the first column and stop at the middle of the last
        width = self.right - self.left
        return self.left + round((x - start) / (stop - start) * (width - 1))


SGR = re.compile(r"\x1b\[([0-9;]*)m")


@lru_cache(maxsize=256)
def _sgr(params: str) -> Style:
    """The style one SGR code sets (rich reads it); a chart uses a handful of them."""
    spans = Text.from_ansi(f"\x1b[{params}mX").spans
    return spans[0].style if spans and isinstance(spans[0].style, Style) else PLAIN


def ansi_strips(ansi: str, base: Style) -> list[Strip]:
    """The lines of `ansi` as Textual strips over `base`: what Text.from_ansi gives for a
    chart's few colour codes, in a tenth of its time (a redraw is on the keypress's clock)."""
    strips = []
    style = PLAIN
    for line in ansi.split("\n"):
        segments = []
        pos = 0
        for m in SGR.finditer(line):
            if m.start() > pos:
                segments.append(Segment(line[pos : m.start()], base + style))
            params = m.group(1)
            reset = params.split(";")[0] in ("", "0")
            style = (PLAIN if reset else style) + _sgr(params)
            pos = m.end()
        if pos < len(line):
            segments.append(Segment(line[pos:], base + style))
        strips.append(Strip(segments))
    return strips


def _marked(strip: Strip, col: int) -> Strip:
    """`strip` with the cell at `col` shaded, as one new Strip (divide and join make four, and
    each Strip sets up its caches: that was half a redraw). A chart's characters are one cell
    each, so a cell is a character."""
    segments: list[Segment] = []
    at = 0
    for seg in strip:
        text, style = seg.text, seg.style
        if at <= col < at + len(text):
            k = col - at
            segments += [Segment(text[:k], style), Segment(text[k], (style or PLAIN) + CURSOR_STYLE),
                         Segment(text[k + 1 :], style)]  # fmt: skip
        else:
            segments.append(seg)
        at += len(text)
    return Strip([s for s in segments if s.text], strip.cell_length)


class ChartView(Widget):
    """The chart, redrawn at the widget's size, one cached line each (Textual's line API): a
    cursor move restyles one cell per row and refreshes two columns, not the whole chart."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.strips: list[Strip] = []
        self.canvas: Canvas | None = None
        self.col: int | None = None

    def show(self, ansi: str, canvas: Canvas | None = None) -> None:
        """A new chart, its text with ANSI colours (or a line saying why there is none)."""
        if canvas is None:  # a message: wrapped to the width
            import textwrap

            ansi = "\n".join(textwrap.wrap(ansi, max(1, self.size.width))) or ansi
        self.strips = ansi_strips(ansi, self.rich_style)
        self.canvas = canvas if canvas is not None and canvas.ok else None
        self.col = None
        self.refresh()

    def move_cursor(self, col: int | None) -> None:
        """Shade the column `col` of the plot's rows (the cells keep the chart's characters)."""
        old, self.col = self.col, col
        if self.canvas is None or old == col:
            return
        rows = self.canvas.bottom - self.canvas.top
        self.refresh(*(Region(c, self.canvas.top, 1, rows) for c in (old, col) if c is not None))

    def render_line(self, y: int) -> Strip:
        if y >= len(self.strips):
            return Strip.blank(self.size.width, self.rich_style)
        strip = self.strips[y]
        c = self.canvas
        if c is None or self.col is None or not c.top <= y < c.bottom:
            return strip
        return _marked(strip, self.col)

    def on_resize(self) -> None:
        self.screen.redraw()  # type: ignore[attr-defined]


class HelpScreen(ModalScreen[None]):
    """Every key, in a box; any of escape, ? or q closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "app.pop_screen", "Close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for key, what in self.keys:
            table.add_row(key, what)
        yield Static(Group(Text("actcli explore: keys", style="bold"), table), id="box")


class InfoScreen(ModalScreen[None]):
    """The selected function's info card."""

    BINDINGS = [Binding("escape,i,q", "app.pop_screen", "Close")]

    def __init__(self, card: Any) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        yield Static(self.card, id="box")


class AskScreen(ModalScreen[None]):
    """One line to type (a parameter's value, or a function), with its error under it.

    `apply(text)` acts on Enter: it returns nothing when done (the screen closes), or raises
    ActivationError, whose message is shown and the screen stays. With `choices`, a list
    below filters as one types; Enter on the list, or on text that names nothing, takes the
    highlighted choice.
    """

    BINDINGS = [Binding("escape", "app.pop_screen", "Cancel")]

    def __init__(
        self, prompt: str, apply: Any, value: str = "", choices: list[tuple[str, str]] | None = None
    ) -> None:
        super().__init__()
        self.prompt, self.apply, self.value, self.choices = prompt, apply, value, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="box"):
            yield Static(self.prompt)
            yield Input(value=self.value, id="ask")
            if self.choices is not None:
                yield OptionList(*self._options(""), id="choices")
            yield Static("", id="error")

    def _options(self, typed: str) -> list[Option]:
        typed = typed.strip().lower()
        return [
            Option(label, id=name)
            for name, label in self.choices or []
            if not typed or typed in label.lower()
        ]

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.choices is None:
            return
        options = self.query_one("#choices", OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.apply(event.value)
        except ActivationError as err:
            if self.choices is not None:  # 'gel': the highlighted choice, gelu
                options = self.query_one("#choices", OptionList)
                if options.highlighted is not None:
                    self._take(options.get_option_at_index(options.highlighted).id)
                    return
            self.query_one("#error", Static).update(Text(str(err), style="bold red"))
            return
        self.dismiss()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._take(event.option.id)

    def _take(self, name: str | None) -> None:
        try:
            self.apply(name or "")
        except ActivationError as err:
            self.query_one("#error", Static).update(Text(str(err), style="bold red"))
            return
        self.dismiss()


HELP = [
    ("← →", "move the cursor x (with shift: 10 steps)"),
    ("↑ ↓", "choose a parameter of the selected function"),
    ("tab", "select the next function (shift+tab: the previous)"),
    ("] [", "raise / lower the parameter (} {: 10 steps)"),
    ("e", "type the parameter's value (or enter)"),
    ("1 2 0", "show / hide f', f'', f"),
    ("+ -", "zoom the x range in / out about the cursor"),
    ("< >", "pan the x range left / right (, . too)"),
    ("r", "reset the x range"),
    ("a", "add a function: a name, an alias or an expression in x"),
    ("x", "remove the selected function"),
    ("i", "the selected function's info card"),
    ("d", "the next dialect: torch, jax, keras, keras2, tf, actcli's"),
    ("s", "shade where |f'| is below the threshold"),
    ("?", "these keys"),
    ("q", "quit, printing the `actcli plot` command of this view"),
    ("ctrl+c", "quit, printing nothing (exit 130)"),
]


class ExploreScreen(Screen[None]):
    """The chart, the readout, the parameters; every key acts on the `View`."""

    BINDINGS = [
        Binding("left", "cursor(-1)", "x", show=False),
        Binding("right", "cursor(1)", "x", show=False),
        Binding("shift+left", "cursor(-10)", show=False),
        Binding("shift+right", "cursor(10)", show=False),
        Binding("up", "param(-1)", show=False),
        Binding("down", "param(1)", show=False),
        Binding("tab", "choose(1)", show=False, priority=True),
        Binding("shift+tab", "choose(-1)", show=False, priority=True),
        Binding("right_square_bracket", "step(1)", show=False),
        Binding("left_square_bracket", "step(-1)", show=False),
        Binding("right_curly_bracket", "step(10)", show=False),
        Binding("left_curly_bracket", "step(-10)", show=False),
        # The footer lists these in this order, and a narrow terminal cuts its end.
        Binding("q", "quit", "quit"),
        Binding("question_mark", "help", "help"),
        Binding("1", "toggle(1)", "f'"),
        Binding("2", "toggle(2)", "f''"),
        Binding("e,enter", "edit", "value"),
        Binding("a", "add", "add"),
        Binding("x,delete", "remove", "remove"),
        Binding("i", "info", "info"),
        Binding("plus,equals_sign", "zoom(0.5)", "zoom"),
        Binding("d", "dialect", "dialect"),
        Binding("s", "shade", "shade"),
        Binding("0", "toggle(0)", "f", show=False),
        Binding("minus", "zoom(2)", show=False),
        Binding("less_than_sign,comma", "pan(-0.25)", show=False),
        Binding("greater_than_sign,full_stop", "pan(0.25)", show=False),
        Binding("r", "home", show=False),
    ]

    def __init__(self, view: View) -> None:
        super().__init__()
        self.view = view
        self.message = Text("")
        self._plain: str | None = None  # the chart shown, as text
        self._shown: dict[str, Text] = {}  # what each panel shows

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield ChartView(id="chart")
            yield Static(id="side")
        yield Static(id="readout")
        yield Static(id="message")
        yield Footer()

    def on_mount(self) -> None:
        self.show_state()

    def on_resize(self) -> None:
        # Below 70 columns the side panel would leave the chart too little room.
        self.query_one("#side").display = self.size.width >= 70

    # --- drawing ------------------------------------------------------------------------

    def redraw(self) -> None:
        """A new chart at the chart widget's size, then the rest."""
        from actcli.render.charts import MIN_HEIGHT, MIN_WIDTH, PlotError

        widget = self.query_one("#chart", ChartView)
        w, h = widget.size
        self._plain = None
        if w < MIN_WIDTH or h < MIN_HEIGHT:
            self.view.width = self.view.height = None
            widget.show(f"a {MIN_WIDTH}x{MIN_HEIGHT} chart does not fit here")
        else:
            try:
                c = self.view.chart(w, h)
            except PlotError as err:
                widget.show(str(err))
            else:
                self._plain = ANSI.sub("", c.text)
                widget.show(c.text, Canvas(self._plain))
                if c.warnings and not self.message.plain:  # what `plot` says on stderr
                    self.say("; ".join(c.warnings))
        self.show_cursor()
        self.show_state()

    @property
    def chart_text(self) -> str | None:
        """The chart shown, as plain text (None when none fits)."""
        return self._plain

    def show_cursor(self) -> None:
        widget = self.query_one("#chart", ChartView)
        if widget.canvas is not None:
            v = self.view
            widget.move_cursor(widget.canvas.column(v.cursor, v.start, v.stop))

    def show_state(self) -> None:
        """The readout, the side panel and the message, each only if it changed; a new layout
        only when the readout gains or loses a row (the rest keep their sizes)."""
        for name, content in (("readout", self.readout()), ("side", self.side()), ("message", self.message)):
            widget = self.query_one(f"#{name}", Static)
            if self._shown.get(name) == content:
                continue
            self._shown[name] = content
            rows = content.plain.count("\n") + 1
            widget.update(content, layout=name == "readout" and rows != widget.size.height)

    def readout(self) -> Text:
        """One row per function: f, f', f'' at the cursor, each digit the library's (as many
        as fit, correctly rounded, on a narrow terminal); x itself always in full."""
        v = self.view
        width = self.query_one("#readout", Static).size.width or self.app.size.width
        num = min(NUMBER_WIDTH, max(8, (width - 3 - MIN_NAME) // 3 - 1))
        rows = v.readout()
        head = f"x = {v.cursor!r}"
        wanted = max(len(head) - 2, *(len(label) for label, *_ in rows))
        name_width = max(8, min(wanted, width - 3 - 3 * (num + 1)))
        out = Text(no_wrap=True, overflow="crop")  # only a long x's header can reach the edge
        out.append(f"{head:<{name_width + 2}} ", style="bold")
        for name in ("f(x)", "f'(x)", "f''(x)"):
            out.append(f" {name:>{num}}", style="bold")
        for i, (label, *values) in enumerate(rows):
            out.append("\n")
            chosen = i == v.selected
            out.append("▶ " if chosen else "  ", style="bold")
            name = label if len(label) <= name_width else label[: name_width - 1] + "…"
            out.append(f"{name:<{name_width}} ", style=color_of(i) + Style(bold=chosen))
            for y in values:
                out.append(f" {fit(y, num):>{num}}")
        return out

    def side(self) -> Text:
        v = self.view
        e = v.current
        out = Text()
        out.append(e.act.label + "\n", style=color_of(v.selected) + Style(bold=True))
        params = v.params()
        if not params:
            out.append("no parameters\n", style="dim")
        for k, (name, value, p) in enumerate(params):
            chosen = k == v.param
            out.append(("▶ " if chosen else "  ") + f"{name} = {value!r}\n", style="bold" if chosen else "")
            out.append(f"    {p.doc}\n    domain: {p.domain}\n", style="dim")
        curves = " ".join(n for k, n in ((0, "f"), (1, "f'"), (2, "f''")) if v.shown[k])
        out.append("\n")
        for label, value in (
            ("range", f"[{v.start!r}, {v.stop!r}]"),
            ("step", repr(v.cursor_step)),
            ("curves", curves),
            ("dialect", v.dialect or "actcli (torch)"),
            ("shading", f"|f'| < {v.threshold:g}" if v.shade else "off"),
        ):
            out.append(f"{label:<8}", style="bold")
            out.append(f"{value}\n")
        return out

    def say(self, text: str, error: bool = False) -> None:
        self.message = Text(text, style="bold red" if error else "")

    # --- actions ------------------------------------------------------------------------

    def act(self, change: Any, *args: Any, chart: bool = True) -> None:
        """Apply one change to the view; a refused one leaves the view and says why."""
        try:
            note = change(*args)
        except ActivationError as err:
            self.say(str(err), error=True)
            self.show_state()
            return
        self.say(note if isinstance(note, str) else "")
        if chart:
            self.redraw()
        else:
            self.show_cursor()
            self.show_state()

    def action_cursor(self, steps: int) -> None:
        self.act(self.view.move, steps, chart=False)

    def action_param(self, step: int) -> None:
        self.act(self.view.select_param, step, chart=False)

    def action_choose(self, step: int) -> None:
        self.act(self.view.select, self.view.selected + step, chart=False)

    def action_step(self, steps: int) -> None:
        self.act(self.view.step_param, steps)

    def action_toggle(self, order: int) -> None:
        self.act(self.view.toggle, order)

    def action_zoom(self, factor: float) -> None:
        self.act(self.view.zoom, factor)

    def action_pan(self, fraction: float) -> None:
        self.act(self.view.pan, fraction)

    def action_home(self) -> None:
        self.act(self.view.reset_range)

    def action_remove(self) -> None:
        self.act(self.view.remove)

    def action_dialect(self) -> None:
        self.act(self.view.cycle_dialect)

    def action_shade(self) -> None:
        self.act(self.view.toggle_shade)

    def action_edit(self) -> None:
        params = self.view.params()
        if not params:
            self.say(f"{self.view.current.act.label}: no parameters to change", error=True)
            self.show_state()
            return
        name, value, p = params[self.view.param]

        def apply(text: str) -> None:
            try:
                number = float(text)
            except ValueError:
                raise ActivationError(f"'{text.strip()}' is not a number") from None
            self.view.set_param(number)  # ParameterError: the registry's message, shown
            self.say("")
            self.redraw()

        prompt = f"{self.view.current.name}: {name} ({p.domain}), {p.doc}"
        self.app.push_screen(AskScreen(prompt, apply, repr(value)))

    def action_add(self) -> None:
        choices = [
            (d.name, d.name + (f" ({', '.join(d.aliases)})" if d.aliases else ""))
            for d in declarations()
        ]

        def apply(text: str) -> None:
            self.view.add(text)
            self.say("")
            self.redraw()

        prompt = "add a function: type to search names and aliases, or an expression in x"
        self.app.push_screen(AskScreen(prompt, apply, "", choices))

    def action_info(self) -> None:
        self.app.push_screen(InfoScreen(card(self.view.current.act)))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(HELP))

    def action_quit(self) -> None:
        self.app.exit(return_code=0)


def card(act: Any) -> Any:
    """The info card, as `actcli info` shows it: the registry's declaration resolved for the
    parameters, or for an expression what is measured; the maximum slope computed for both."""
    from actcli.core.analysis import max_slope_where, probe
    from actcli.io import records
    from actcli.render.tables import EXPRESSION_INFO_LABELS, INFO_LABELS

    p = probe(act)
    if hasattr(act, "decl"):
        record, labels = records.function_record(act), INFO_LABELS
        record.update(max_slope=p.max_slope, max_slope_where=max_slope_where(act, p))
    else:
        record, labels = records.expression_record(act, p), EXPRESSION_INFO_LABELS
    table = Table(box=None, show_header=False, padding=(0, 1))
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    if getattr(act, "dialect", None):
        table.add_row("dialect", act.dialect)
    for key, label in labels.items():
        if key not in record:
            continue
        text = records.cell(record[key]) or "none"
        if key == "max_slope":
            where = record["max_slope_where"]
            text += f" {'at' if where.startswith('x =') else 'for'} {where} (computed)"
        table.add_row(label, text)
    return Group(Text(act.label, style="bold"), table, Text("escape closes", style="dim"))


class ExploreApp(App[None]):
    """`actcli explore`: one ExploreScreen; ctrl+c quits with 130."""

    CSS = """
    #top { height: 1fr; }
    #chart { width: 1fr; height: 1fr; }
    #side { width: 30; height: 1fr; padding: 0 1; border-left: solid $panel; }
    #readout { height: auto; }
    #message { height: 1; }
    #box { width: 90%; max-width: 100; height: auto; max-height: 90%; padding: 0 1;
           background: $panel; border: round $accent; overflow-y: auto; }
    HelpScreen, InfoScreen, AskScreen { align: center middle; }
    #choices { height: auto; max-height: 12; }
    """

    BINDINGS = [Binding("ctrl+c", "interrupt", show=False, priority=True)]
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, view: View, **kw: Any) -> None:
        super().__init__(**kw)
        self.view = view

    def action_interrupt(self) -> None:
        self.exit(return_code=EXIT_INTERRUPTED)

    def get_default_screen(self) -> Screen[Any]:
        return ExploreScreen(self.view)

    def get_driver_class(self) -> type[Driver]:
        return _sized_by_stderr(super().get_driver_class())


def _sized_by_stderr(base: type[Driver]) -> type[Driver]:
    """Textual draws on stderr but reads the size from stdout, 80x24 when stdout is redirected
    (`actcli explore > view.txt`): read it from stderr, where the app is."""
    try:
        from textual.drivers.linux_driver import LinuxDriver
    except ImportError:  # Windows: its driver draws on stdout anyway
        return base
    if not issubclass(base, LinuxDriver):
        return base

    class StderrSized(base):  # type: ignore[valid-type, misc]
        def _get_terminal_size(self) -> tuple[int, int]:
            try:
                size = os.get_terminal_size(sys.__stderr__.fileno())  # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):
                return super()._get_terminal_size()
            return size.columns, size.lines

    return StderrSized


def run(view: View) -> int:
    """Run the app on the terminal until `q` (0) or ctrl+c (130); `view` is left as shown."""
    app = ExploreApp(view)
    app.run()
    return app.return_code or 0
