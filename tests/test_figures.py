"""Figures (issue 17): --save .svg, .png, .pdf and .html, drawn with matplotlib from the plan the
terminal chart draws; matplotlib loaded only for them; a page that works offline, light or dark.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from clitools import fails, ok, run

import actcli
from actcli.render import figures
from actcli.render.plan import plan

SVG = "{http://www.w3.org/2000/svg}"


def rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def pixels_of(image: np.ndarray, hex_color: str, tol: float = 40.0) -> int:
    """How many pixels of an RGB(A) image (0-255 or 0-1) are within `tol` of the colour."""
    img = image[..., :3].astype(float)
    if img.max() <= 1.0:
        img = img * 255
    return int((np.abs(img - rgb(hex_color)).sum(axis=-1) < tol).sum())


def read_png(path: Path) -> np.ndarray:
    from matplotlib.image import imread

    return imread(str(path))


# --- SVG, PNG, PDF ---------------------------------------------------------------------------


def test_svg_parses_and_holds_a_path_per_series_and_the_legend(tmp_path):
    out = tmp_path / "f.svg"
    assert ok("plot", "sigmoid", "tanh", "--deriv", "--save", str(out)) == ""
    root = ET.parse(out).getroot()
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for k, label in enumerate(["sigmoid", "sigmoid'", "tanh", "tanh'"]):
        (group,) = [g for g in root.iter(f"{SVG}g") if g.get("id") == f"series-{k}-0"]
        assert group.find(f"{SVG}path") is not None, label
        assert label in texts.split(), label
    assert "f(x)" in texts and "f'(x)" in texts and "x" in texts.split()  # axis labels
    assert "sigmoid, tanh" in texts  # the default title: the functions drawn
    assert "series-4-0" not in ids


def test_the_figure_draws_the_charts_plan_a_jump_is_two_strokes(tmp_path):
    """relu' jumps at 0: the plan ends a stroke there and starts another, with no riser; the
    figure draws the same two strokes (series 1: relu')."""
    out = tmp_path / "relu.svg"
    ok("plot", "relu", "--deriv", "--range", "-2", "2", "--save", str(out))
    ids = {g.get("id") for g in ET.parse(out).getroot().iter(f"{SVG}g")}
    assert {"series-0-0", "series-1-0", "series-1-1"} <= ids and "series-0-1" not in ids


def test_png_decodes_and_shows_every_series_colour(tmp_path):
    out = tmp_path / "f.png"
    names = ["sigmoid", "tanh", "relu", "elu", "gelu", "softsign"]
    ok("plot", *names, "--deriv", "--save", str(out), "--figsize", "6", "5", "--dpi", "100")
    img = read_png(out)
    assert img.shape[:2] == (500, 600)  # --figsize in inches times --dpi
    for color in figures.COLORS[: len(names)]:
        assert pixels_of(img, color) > 200, color


def test_pdf_starts_with_pdf_and_embeds_truetype(tmp_path):
    out = tmp_path / "f.pdf"
    ok("compare", "relu", "gelu", "--plot", "--save", str(out))
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"/FontFile2" in data  # TrueType, not Type 3


@pytest.mark.parametrize("suffix", [".svg", ".pdf", ".png", ".html"])
def test_the_same_figure_is_the_same_bytes(tmp_path, suffix):
    a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    for path in (a, b):
        ok("plot", "mish", "--annotate", "--shade-vanishing", "--save", str(path))
    assert a.read_bytes() == b.read_bytes()


def test_flow_plot_saves_a_figure_on_a_log_axis(tmp_path):
    out = tmp_path / "flow.svg"
    assert ok("flow", "sigmoid", "relu", "--depth", "6", "--plot", "--save", str(out)) == ""
    texts = " ".join("".join(t.itertext()) for t in ET.parse(out).getroot().iter(f"{SVG}text"))
    assert "sigmoid (xavier)" in texts and "layer" in texts and "10⁰" in texts


def test_annotations_and_shading_reach_the_figure():
    p = plan([actcli.get("relu"), actcli.get("mish")], -3, 3, orders=(0, 1), annotate=True,
             shade_vanishing=0.01)  # fmt: skip
    fig = figures.figure(p)
    texts = [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]
    assert "|relu'| < 0.01" in texts and "|mish'| < 0.01" in texts
    assert any(t.startswith("relu: kink at x = 0") for t in texts)
    assert {"kink", "max f'", "f' = 0", "the kink convention's value"} <= set(texts)
    bars = [a for a in fig.findobj() if (a.get_gid() or "").startswith("shade-")]
    assert len(bars) == 2


# --- mistakes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        (["--save", "f.svg", "--dpi", "300"], ["--dpi", "PNG", ".svg"]),
        (["--dpi", "300"], ["--dpi", "--save FILE.png"]),
        (["--figsize", "4", "3"], ["--figsize", "--save FILE.svg"]),
        (["--save", "f.txt", "--figsize", "4", "3"], ["--figsize"]),
        (["--save", "f.png", "--width", "60"], ["--width", "--figsize W H", "inches"]),
        (["--save", "f.png", "--figsize", "0", "3"], ["size", "1 to 50 inches"]),
        (["--save", "f.png", "--figsize", "4", "nan"], ["size", "1 to 50 inches"]),
        (["--save", "f.png", "--dpi", "5000"], ["dpi", "10 to 1200"]),
        (["--save", "f.jpg"], ["f.jpg", ".svg, .png, .pdf or .html"]),
    ],
)
def test_figure_mistakes_are_one_line_exit_2(args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    line = fails("plot", "relu", *args)
    assert all(w in line for w in words), line
    assert list(tmp_path.iterdir()) == []


def test_compare_and_flow_refuse_figure_options_without_plot():
    assert "add --plot" in fails("compare", "relu", "gelu", "--figsize", "4", "3")
    assert "add --plot" in fails("flow", "relu", "--dpi", "100")
    assert "--chart-width" in fails("flow", "relu", "--plot", "--save", "f.svg", "--chart-width", "40")


def test_an_unwritable_figure_exits_1_and_leaves_no_file(tmp_path):
    r = run("plot", "relu", "--save", str(tmp_path / "no" / "f.svg"))
    assert r.exit_code == 1 and r.stdout == ""
    assert r.stderr.startswith("actcli plot: cannot write") and r.stderr.count("\n") == 1


def test_without_matplotlib_one_line_names_the_install_and_exits_2(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib: ImportError
    r = run("plot", "relu", "--save", str(tmp_path / "f.svg"))
    assert r.exit_code == 2 and r.stdout == "", r.stderr
    assert r.stderr == (
        "actcli plot: saving a figure needs matplotlib, which is not installed: "
        "pip install matplotlib\n"
    )
    assert not (tmp_path / "f.svg").exists()


# --- matplotlib only when a figure is saved --------------------------------------------------


def test_only_saving_a_figure_loads_matplotlib(tmp_path):
    code = (
        "import sys\n"
        "from actcli.cli import main\n"
        "def run(*argv):\n"
        "    sys.argv = ['actcli', *argv]\n"
        "    try: main()\n"
        "    except SystemExit: pass\n"
        "    return sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'plotext', 'rich'})\n"
        "for argv in (['plot', 'relu', '--width', '40', '--height', '10'], ['info', 'elu'],\n"
        "             ['compare', 'relu', 'tanh', '--plot'], ['flow', 'relu', '--depth', '3', '--plot'],\n"
        "             ['plot', 'relu', '--save', sys.argv[1] + '/c.txt'], ['table', 'relu']):\n"
        "    run(*argv)\n"
        "print(run(), file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert "matplotlib" not in r.stderr.strip().splitlines()[-1], r.stderr
    # and a figure needs neither the terminal's chart (plotext) nor its tables (rich)
    code = (
        "import sys\n"
        "from actcli.cli import main\n"
        "sys.argv = ['actcli', 'plot', 'sigmoid', 'tanh', '--deriv', '--save', sys.argv[1] + '/f.svg']\n"
        "try: main()\n"
        "except SystemExit: pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'plotext', 'rich'}), file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert r.stderr.strip().splitlines()[-1] == "['matplotlib']", r.stderr
    assert not any(m.startswith("matplotlib.pyplot") for m in r.stderr.split())


# --- the HTML page ---------------------------------------------------------------------------


class _Page(HTMLParser):
    """Every tag and attribute of a page, and its style text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):  # noqa: ANN001
        self._in_style = False

    def handle_data(self, data):  # noqa: ANN001
        if self._in_style:
            self.style += data


def test_the_page_references_nothing_external(tmp_path):
    out = tmp_path / "p.html"
    ok("plot", "mish", "gelu", "--deriv", "--annotate", "--shade-vanishing", "--save", str(out))
    text = out.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "image", "base"}
    for tag, attrs in page.tags:
        for key in ("src", "href", "xlink:href", "srcset", "action", "data"):
            value = attrs.get(key)
            assert value is None or value.startswith(("#", "data:")), (tag, key, value)
    assert not re.search(r"url\((?!#)", text), "only url(#id) inside the page"
    assert "@import" not in text and "@font-face" not in text
    assert "http" not in re.sub(r'xmlns(:\w+)?="[^"]*"', "", text)  # namespaces name, not fetch
    assert "prefers-color-scheme: dark" in page.style and "currentColor" in text
    assert figures.PAGE_INK not in text
    assert text.count("<svg") == 1 and "<table>" in text and "all 2001 samples" in text


def test_the_page_escapes_every_text_a_user_gave(tmp_path):
    out = tmp_path / "p.html"
    ok("plot", "where(x < 0, 0, x)", "--title", "<b>costs</b> $5 & more", "--save", str(out))
    text = out.read_text(encoding="utf-8")
    assert "<b>" not in text and "&lt;b&gt;costs&lt;/b&gt; $5 &amp; more" in text
    assert "where(x < 0" not in text and "where(x &lt; 0, 0, x)" in text
    body = text[text.index("<svg") : text.index("</svg>") + 6]
    ET.fromstring(body)  # the inline figure is well-formed XML, user text escaped in it too


def test_the_page_table_holds_the_numbers_drawn(tmp_path):
    out = tmp_path / "p.html"
    ok("plot", "relu", "--deriv", "--range", "-1", "1", "--points", "5", "--save", str(out))
    rows = re.findall(r"<tr>(.*?)</tr>", out.read_text(encoding="utf-8"))
    cells = [re.findall(r"<t[dh]>(.*?)</t[dh]>", r) for r in rows]
    assert cells == [
        ["x", "relu", "relu'"],
        ["-1.0", "0.0", "0.0"],
        ["-0.5", "0.0", "0.0"],
        ["0.0", "0.0", "0.0"],
        ["0.5", "0.5", "1.0"],
        ["1.0", "1.0", "1.0"],
    ]


# --- the page in a real browser --------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def screenshot(page: Path, out: Path, *flags: str) -> np.ndarray:
    """A headless Chromium screenshot of `page` (a new profile each time, no network)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", f"--screenshot={out}",
             "--window-size=1000,900", *flags, page.as_uri()],
            capture_output=True, timeout=120, check=False,
        )  # fmt: skip
    assert out.exists(), "chromium wrote no screenshot"
    return read_png(out)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chromium_shows_the_page_and_every_series_colour(tmp_path, scheme):
    page = tmp_path / "p.html"
    names = ["sigmoid", "tanh", "relu", "elu"]
    ok("plot", *names, "--deriv", "--save", str(page))
    flags = ["--force-dark-mode"] if scheme == "dark" else []
    img = screenshot(page, tmp_path / "shot.png", *flags)
    grey = img[..., :3].mean(axis=-1)
    assert grey.std() > 0.02, "a blank screenshot"
    paper = np.median(grey)  # the page's background: white, or near black in dark mode
    assert (paper > 0.9) if scheme == "light" else (paper < 0.15), paper
    for color in figures.COLORS[: len(names)]:
        assert pixels_of(img, color) > 150, (scheme, color)
    # the text is the scheme's ink: dark on light, light on dark, plenty of it
    ink = (grey < 0.3) if scheme == "light" else (grey > 0.7)
    assert ink.sum() > 2000, (scheme, int(ink.sum()))


def test_more_functions_than_colours_is_said_on_stderr(tmp_path):
    names = ["sigmoid", "tanh", "relu", "elu", "gelu", "silu", "mish", "softsign"]
    r = run("plot", *names, "--save", str(tmp_path / "f.svg"))
    assert r.exit_code == 0 and r.stderr == (
        "actcli plot: 8 functions, 7 colours in a figure: softsign and sigmoid share a colour\n"
    )


def test_a_charts_save_writes_its_figure_sampled_finely(tmp_path):
    """The library's way: chart(...).save('f.svg') draws the chart's own plan, sampled for a
    figure (2001 points, not the 81 of a 40-column chart), at the size asked for."""
    from actcli.render.charts import chart

    c = chart([actcli.get("relu")], -2, 2, orders=(0, 1), width=40, height=12)
    assert len(c.plan.x) == 81
    svg = c.save(tmp_path / "f.svg", size=(4, 3))
    root = ET.parse(svg).getroot()
    assert root.get("width") == "288pt" and root.get("height") == "216pt"  # 72 pt an inch
    page = c.save(tmp_path / "f.html").read_text(encoding="utf-8")
    assert "all 2001 samples" in page
