"""Every series in a chart's legend can be seen: walked over the catalog in pairs and over the
seed's five functions together, with colour and without (#14)."""

from __future__ import annotations

import itertools
import re

import pytest

import actcli
from actcli.render.charts import ANSI, chart

SEED = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
PAIRS = list(itertools.combinations(actcli.names(), 2))
CODE = re.compile(r"\x1b\[38;5;(\d+)m([^\x1b]*)")


def panels(text: str) -> list[list[str]]:
    """The inner cells of each panel: rows between ┌/├ and the next ├/└, frame cut off."""
    lines = ANSI.sub("", text).split("\n")
    out: list[list[str]] = []
    for line in lines:
        inner = line.lstrip()
        if inner[:1] in "┌├":
            out.append([])
        elif inner[:1] == "└":
            break
        elif out:
            out[-1].append(line)
    return out


def canvas(line: str, start: int, stop: int) -> str:
    return line[start:stop]


def legend(text: str, labels: list[str]) -> dict[str, str]:
    """label -> the glyph before it in the legend."""
    tail = ANSI.sub("", text).split("└")[-1]
    return {lab: re.search(rf"(\S) {re.escape(lab)}(?=\s|$)", tail).group(1) for lab in labels}


def frame_cols(text: str) -> tuple[int, int]:
    bottom = next(line for line in ANSI.sub("", text).split("\n") if "└" in line)
    return bottom.index("└") + 1, bottom.index("┘")


def labels_of(specs: tuple[str, ...], orders: tuple[int, ...]) -> list[list[str]]:
    """The series of each panel: one panel per order."""
    return [[n + "'" * o for n in specs] for o in orders]


def assert_every_series_seen(specs: tuple[str, ...], orders: tuple[int, ...], **kw) -> None:
    fs = [actcli.get(s) for s in specs]
    plain = chart(fs, orders=orders, **kw)
    c0, c1 = frame_cols(plain.text)
    glyphs = legend(plain.text, [lab for group in labels_of(specs, orders) for lab in group])
    for rows, group in zip(panels(plain.text), labels_of(specs, orders), strict=True):
        cells = "".join(canvas(r, c0, c1) for r in rows)
        for lab in group:
            if len(specs) * len(orders) > 1:  # alone in a chart a series is drawn in braille
                assert glyphs[lab] in cells, (lab, "\n" + plain.text)
            else:
                assert any("\u2800" < ch <= "\u28ff" for ch in cells), lab
    colored = chart(fs, orders=orders, color=True, **kw)
    lines = colored.text.split("\n")
    starts = [i for i, line in enumerate(lines) if ANSI.sub("", line).lstrip()[:1] in "┌├└"]
    from actcli.render.palette import PALETTE

    for k, _ in enumerate(labels_of(specs, orders)):
        shown = {int(n) for line in lines[starts[k] + 1 : starts[k + 1]] for n, _ in CODE.findall(line)}
        for i, spec in enumerate(specs):
            assert PALETTE[i] in shown, (spec, k, "\n" + ANSI.sub("", colored.text))


@pytest.mark.parametrize("pair", PAIRS, ids=["-".join(p) for p in PAIRS])
def test_every_pair_of_the_catalog_shows_both(pair):
    assert_every_series_seen(pair, (0,), width=80, height=24)


def test_each_series_keeps_its_glyph_in_a_panel_of_its_own():
    assert_every_series_seen(("tanh",), (0, 1), width=80, height=24)


@pytest.mark.parametrize("orders", [(0,), (1,), (0, 1), (0, 1, 2)])
@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 16)])
def test_the_seed_five_all_show(orders, size):
    width, height = size
    if len(orders) == 3 and height < 20:
        pytest.skip("three panels need more rows")
    assert_every_series_seen(SEED, orders, width=width, height=height)


@pytest.mark.parametrize(
    "specs, orders, kw",
    [
        (("relu", "leaky_relu"), (0,), {"start": -4, "stop": 4, "width": 60, "height": 14}),
        (("gelu", "silu", "mish"), (0,), {"start": -5, "stop": 5}),
        (("relu", "leaky_relu"), (1,), {"start": -2, "stop": 2}),
        (("relu", "gelu"), (0, 1), {"width": 60, "height": 12}),
    ],
)
def test_the_issues_examples_show_every_series(specs, orders, kw):
    assert_every_series_seen(specs, orders, **{"width": 80, "height": 24, **kw})


def test_series_within_a_row_everywhere_are_named_with_a_way_out():
    c = chart([actcli.get("relu"), actcli.get("leaky_relu")], -4, 4, width=60, height=14)
    (note,) = [w for w in c.warnings if "within one row" in w]
    assert note.startswith("relu and leaky_relu are within one row of each other over [-4, 4]")
    assert "--range" in note and "--diff" in note
    c = chart([actcli.get("relu"), actcli.get("tanh")], -4, 4, width=60, height=14)
    assert not [w for w in c.warnings if "within one row" in w]
