"""A levers directory as a picture: what each lever buys, in tonnes and in days, with its interval."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..rundir import LeversDirectory
from .common import figure, footnote, provenance

GAIN, LOSS = "#2ca02c", "#d62728"


def load_levers(source) -> dict:
    """A levers.json as a dict: from a LeverResult (`.info`), a levers directory, or the dict itself."""
    if isinstance(source, dict):
        return source
    if hasattr(source, "info") and hasattr(source, "gains"):
        return source.info
    return LeversDirectory.read(source).info


def lever_gains(source, measure: str = "p95") -> Figure:
    """Each lever, ranked, as a bar: tonnes a year gained (left) and the days of transit saved by each flow
    group (right: the `measure`, mean or p95), each with its 95% paired interval as a whisker. A solid bar's
    interval excludes 0 (a real change); a pale one's includes it (cannot tell from noise)."""
    info = load_levers(source)
    levers = info["levers"]
    groups = list(info["measures"]["days"])
    n = max(1, len(levers))
    fig = figure(12, 1.6 + 0.55 * n)
    tonnes, days = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [1, 1.2]})
    y = np.arange(n)[::-1]
    labels = [textwrap.fill(f"{lever['id']}: {lever['lever']}", 44) for lever in levers]
    _bars(tonnes, y, [lever["gain_tonnes_per_year"] for lever in levers], 0.7, scale=1e3)
    tonnes.set_xlabel("tonnes a year gained (thousands)")
    width = 0.8 / max(1, len(groups))
    colours = ["#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#17becf", "#7f7f7f"]
    for k, g in enumerate(groups):
        stats = [(lever.get("days_saved") or {}).get(g, {}).get(measure, {}) for lever in levers]
        _bars(days, y + 0.4 - width * (k + 0.5), stats, width, colour=colours[k % len(colours)])
    days.set_xlabel(f"days saved, {measure} transit (+ is faster)")
    if groups:
        days.legend(handles=[Patch(color=colours[k % len(colours)], label=g) for k, g in enumerate(groups)],
                    fontsize=7.5, loc="lower right")
    tonnes.set_yticks(y, labels, fontsize=8)
    for ax in (tonnes, days):
        ax.axvline(0, color="#333", lw=0.8)
        ax.grid(axis="x", color="#eee")
        ax.set_axisbelow(True)
    fig.suptitle(f"What each lever buys: {info.get('scenario')}, against its base over {info.get('replications')} "
                 "replications (whisker: paired 95% interval; pale: includes 0)", fontsize=11, x=0.01, ha="left")
    footnote(fig, provenance(info.get("scenario", "levers"), info.get("seed"), info.get("replications")))
    return fig


def _bars(ax, y, stats: list[dict], height: float, colour: str | None = None, scale: float = 1.0) -> None:
    for yi, s in zip(y, stats):
        mean = s.get("mean")
        if mean is None:
            continue
        c = colour or (GAIN if mean >= 0 else LOSS)
        ax.barh(yi, mean / scale, height=height, color=c, alpha=0.9 if s.get("real") else 0.35)
        ci = s.get("ci95")
        if ci:
            ax.errorbar(mean / scale, yi, xerr=[[max(0.0, (mean - ci[0]) / scale)], [max(0.0, (ci[1] - mean) / scale)]],
                        fmt="none", ecolor="#222", capsize=2.5, lw=1)
