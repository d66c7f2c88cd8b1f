"""What every figure shares: its resolution, the new figure itself, names for people, the footnote
that says what a figure shows, and the colour maps and formatters matplotlib makes on demand."""

from __future__ import annotations

import datetime as dt

from matplotlib.figure import Figure

from .. import __version__
from ..analysis.labels import readable
from ..analysis.values import ci95, value

__all__ = ["DPI", "UTIL_CMAP", "ci95", "cmap", "figure", "footnote", "percent_formatter", "pretty", "provenance",
           "run_footnote", "run_provenance", "scalar_mappable", "value"]

DPI = 110
UTIL_CMAP = "RdYlGn_r"   # utilisation: green idle, red full


def figure(width: float, height: float) -> Figure:
    """A new figure of `width` × `height` inches, laid out by matplotlib (no pyplot: no global backend)."""
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def pretty(node_id: str) -> str:
    """An id as a name: "kars_divrigi" -> "Kars Divrigi" (for an element with no `label`)."""
    return readable(node_id)


def provenance(scenario: str, seed, replications: int | None, window: tuple | None = None) -> str:
    """What a figure shows, in one line: the scenario's name, its seed, how many replications, the measured
    window, and the date it was drawn (with corridor-sim's version)."""
    parts = [f"scenario {scenario}", f"seed {seed}" if seed is not None else "seed –",
             f"{replications} replications" if replications and replications > 1 else "one run"]
    if window and window[0]:
        parts.append(f"window {str(window[0])[:10]} to {str(window[1])[:10]}")
    parts.append(f"drawn {dt.date.today().isoformat()} by corridor-sim {__version__}")
    return " · ".join(parts)


def footnote(fig: Figure, text: str) -> None:
    """The figure's footnote (see `provenance`), small, at its bottom left, inside its layout."""
    fig.supxlabel(text, x=0.005, ha="left", fontsize=7, color="#666")


def run_provenance(data) -> str:
    """`provenance` of one run or replications (a `RunData`)."""
    s = data.summary
    window = s.get("window") or {}
    seed = s.get("seed")
    return provenance(data.name, seed if not isinstance(seed, list) else "/".join(map(str, seed)),
                      s.get("replications") if data.is_replications else 1, (window.get("start"), window.get("end")))


def run_footnote(fig: Figure, data) -> None:
    """The footnote of a figure of one run or replications (a `RunData`)."""
    footnote(fig, run_provenance(data))


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
