"""The colours of chart series: eight from the xterm 256-colour cube, each at least 3:1 (WCAG)
against both a white and a black background, so a curve reads on a light theme and a dark one.

- `PALETTE`: xterm colour numbers, one per function, in the order they are handed out.
- `rgb(n)`: the (r, g, b) an xterm-compatible terminal shows for colour n (16 to 231).
- `contrast(a, b)`: the WCAG 2 contrast ratio of two sRGB colours, 1 to 21.
"""

from __future__ import annotations

# Blue, orange, green, crimson, purple, teal, brown, magenta. No yellow (on white its best cube
# entry reaches 1.6:1), no greys (they vanish into one theme or the other); bright terminal
# colours 9 to 14 are left out too, as each theme redefines them.
PALETTE = (33, 166, 28, 161, 98, 30, 94, 164)

_CUBE = (0, 95, 135, 175, 215, 255)  # the six levels of each channel in xterm's 6x6x6 cube


def rgb(n: int) -> tuple[int, int, int]:
    """The colour of xterm cube entry n = 16 + 36 r + 6 g + b."""
    if not 16 <= n <= 231:
        raise ValueError(f"not an xterm cube colour: {n}")
    i = n - 16
    return _CUBE[i // 36], _CUBE[i // 6 % 6], _CUBE[i % 6]


def hex_color(n: int) -> str:
    """'#0087ff' for colour 33."""
    return "#{:02x}{:02x}{:02x}".format(*rgb(n))


def _luminance(color: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def linear(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """(L1 + 0.05) / (L2 + 0.05), the lighter colour's luminance over the darker's."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
