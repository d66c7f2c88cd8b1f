"""Tonnes delivered per calendar month, by cargo, against the demand, with the storm months shaded."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ..analysis import monthly
from ..experiment.stats import t_interval
from ..rundir import NotARunDirectory, RunData, load_run
from .common import figure, run_footnote

CARGO_COLORS = {"container": "#3182bd", "wagonload": "#31a354", "liquid_bulk": "#636363"}
CARGO_LABELS = {"container": "containers", "wagonload": "wagonload", "liquid_bulk": "liquid bulk (oil)"}


def monthly_demand(data) -> pd.Series:
    """The scenario's demand per calendar month of the window, in tonnes (see `analysis.monthly`)."""
    data = load_run(data)
    return monthly.monthly_demand(data.scenario.get("flows", {}), data.window)


def monthly_closed_share(data) -> pd.DataFrame:
    """Share of each measured month each port was closed by weather: from the daily samples of its
    weather resource or, without samples, from the scenario (see `analysis.monthly`)."""
    data = load_run(data)
    return monthly.monthly_closed_share(_samples(data), data.summary.get("resources", []), data.scenario["nodes"],
                                        data.window)


def _samples(data: RunData) -> pd.DataFrame | None:
    try:
        return data.samples
    except NotARunDirectory:
        return None


def _has_weather_samples(data: RunData) -> bool:
    samples = _samples(data)
    return samples is not None and bool((samples.kind == "weather").any())


def monthly_tonnes(data, ax=None) -> Figure:
    """Delivered tonnes per calendar month, by cargo, against the demand; months shaded red as
    much as the most-closed port was closed by storms."""
    data = load_run(data)
    fig = figure(12, 5.2) if ax is None else ax.figure
    ax = ax or fig.add_subplot()
    window = data.window
    months = window.months()
    d = monthly.delivered_by_month(data.deliveries, data.scenario.get("flows", {}), window)
    n = data.n_replications
    table = monthly.tonnes_by_month_and_cargo(d, window, n)
    x = np.arange(len(months))
    closed = monthly_closed_share(data)
    worst = closed.max(axis=1) if not closed.empty else pd.Series(0.0, index=months)
    for i, share in enumerate(worst.values):
        if share > 0:
            ax.axvspan(i - 0.5, i + 0.5, color="#d62728", alpha=min(0.45, 0.6 * share), lw=0, zorder=0)
    bottom = np.zeros(len(months))
    for cargo in [c for c in CARGO_COLORS if c in table] + [c for c in table if c not in CARGO_COLORS]:
        vals = table[cargo].to_numpy() / 1e3
        ax.bar(x, vals, bottom=bottom, width=0.7, color=CARGO_COLORS.get(cargo, "#bbb"),
               label=CARGO_LABELS.get(cargo, cargo), zorder=2)
        bottom += vals
    if n > 1:
        m = monthly.tonnes_by_month_and_replication(d, window).to_numpy() / 1e3
        if n >= 3:
            lo, hi = _t_band(m)
            what = f"95% interval over {n} replications"
        else:  # a t interval from 2 runs is too wide to say anything: show both runs
            lo, hi = m.min(axis=1), m.max(axis=1)
            what = f"range of the {n} replications"
        lo, hi = np.minimum(lo, bottom), np.maximum(hi, bottom)
        ax.errorbar(x, bottom, yerr=[bottom - lo, hi - bottom], fmt="none", ecolor="#222", capsize=3, lw=1,
                    zorder=3, label=what)
    demand = monthly_demand(data)
    ax.step(np.r_[x - 0.5, x[-1] + 0.5], np.r_[demand.to_numpy(), demand.to_numpy()[-1]] / 1e3, where="post",
            color="#111", lw=1.4, ls="--", label="demand", zorder=4)
    ax.set_xticks(x, [f"{m.strftime('%b')}\n{m.year}" if i == 0 or m.month == 1 else m.strftime("%b")
                      for i, m in enumerate(months)])
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.set_ylabel("thousand tonnes delivered")
    ax.grid(axis="y", color="#e5e5e5")
    handles, labels = ax.get_legend_handles_labels()
    ports = ", ".join(closed.columns) if len(closed.columns) else "none"
    source = "this run's storms, sampled daily" if _has_weather_samples(data) else "scenario's closed share"
    handles.append(Patch(color="#d62728", alpha=0.35, label=f"port closed by weather: share of the month\n"
                                                             f"(worst of {ports}; {source})"))
    ax.set_ylim(0, ax.get_ylim()[1] * 1.06)
    for i, share in enumerate(worst.values):
        if share >= 0.05:
            ax.text(i, ax.get_ylim()[1] * 0.985, f"{share:.0%} closed", ha="center", va="top", fontsize=7.5,
                    color="#a01010")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), fontsize=8, framealpha=0.92,
              ncols=len(handles))
    rep = f" (mean of {n} replications)" if n > 1 else ""
    ax.set_title(f"{data.name}: tonnes delivered per month{rep}", fontsize=12, loc="left")
    run_footnote(fig, data)
    return fig


def _t_band(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row by row, the 95% t interval of the mean over the columns (replications), as `experiment.stats` gives it."""
    rows = [t_interval(row) for row in matrix]
    return np.array([iv.low for iv in rows], dtype=float), np.array([iv.high for iv in rows], dtype=float)
