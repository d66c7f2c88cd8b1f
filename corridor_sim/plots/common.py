"""What every figure shares: its resolution, the new figure itself, node names for people, and
the colour maps and formatters matplotlib makes on demand."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..analysis.values import ci95, value

__all__ = ["DPI", "UTIL_CMAP", "ci95", "cmap", "figure", "percent_formatter", "pretty", "scalar_mappable", "value"]

DPI = 110
UTIL_CMAP = "RdYlGn_r"   # utilisation: green idle, red full


def figure(width: float, height: float) -> Figure:
    """A new figure of `width` × `height` inches, laid out by matplotlib (no pyplot: no global backend)."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def pretty(node_id: str) -> str:
    """A node id as a name: "kars_divrigi" -> "Kars Divrigi"."""
    return node_id.replace("_", " ").title()


def cmap(name: str):
    """A matplotlib colour map by its name."""
    from matplotlib import colormaps

    return colormaps[name]


def scalar_mappable(colours, norm):
    """What a colour bar shows: the colour map `colours` over `norm`."""
    from matplotlib.cm import ScalarMappable

    return ScalarMappable(norm=norm, cmap=colours)


def percent_formatter():
    """Tick labels of shares (0-1) in per cent."""
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0)
