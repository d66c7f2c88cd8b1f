"""The picture of a market equilibrium (market.json): who carries each market, and the corridor's volume
against what it can carry.

Left: each market's shares by route (the corridor simulated, the others published). Right: the
corridor's demand at each iteration (its market flows' TEU in tonnes, plus the exogenous flows), the
tonnes it delivered at the settled demand (mean and 95% interval over the replications), and its static
capacity (`static_capacity.tonnes_per_year` of the final run: the first element to saturate).
"""

from __future__ import annotations

import datetime as dt

from matplotlib.figure import Figure

from .. import __version__
from ..analysis.values import ci95, value
from .common import figure, footnote

ROUTE_COLOURS = {"corridor": "#d95f02"}
OTHER_COLOURS = ["#1b9e77", "#7570b3", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


def market_figure(report: dict) -> Figure:
    """Shares by route per market, and the corridor's volume over the iterations against its capacity."""
    fig = figure(11, 4.4)
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    _shares(left, report)
    its = report["iterations"]
    exogenous = report["corridor_demand_tonnes_per_year"] - _market_tonnes(report, None)
    xs = [it["iteration"] for it in its]
    demand = [exogenous + _market_tonnes(report, it["corridor_teu_per_year"]) for it in its]
    right.plot(xs, [d / 1e6 for d in demand], "o-", color=ROUTE_COLOURS["corridor"], label="demand simulated")
    t = report.get("corridor_tonnes_per_year")
    mean, ci = value(t), ci95(t) or [None, None]
    last = xs[-1] + 1
    if mean is not None:
        err = None if ci[0] is None else [[(mean - ci[0]) / 1e6], [(ci[1] - mean) / 1e6]]
        right.errorbar([last], [mean / 1e6], yerr=err, fmt="s", color="black", capsize=4,
                       label="delivered at the settled demand")
    cap = value(report.get("static_capacity_tonnes_per_year"))
    if cap:
        right.axhline(cap / 1e6, color="grey", ls="--", label="static capacity")
    right.set_xticks([*xs, last], [*map(str, xs), "final"])
    right.set_xlabel("iteration (final: the settled demand simulated and written)")
    right.set_ylabel("Mt per year, whole corridor")
    right.set_title("Corridor volume against its capacity")
    right.legend(fontsize=8)
    state = "converged" if report.get("converged") else "NOT converged"
    footnote(fig, f"scenario {report.get('scenario')} · seed {report.get('seed')} · {report.get('replications')} "
                  f"replications per iteration · {len(its)} iterations, {state} · drawn {dt.date.today().isoformat()} "
                  f"by corridor-sim {__version__}")
    return fig


def _shares(ax, report: dict) -> None:
    """One bar per route of each market, on a log scale: the corridor's share is a fraction of a percent of a
    market the sea carries almost whole, and a stacked bar would not show it."""
    y, ticks, labels = 0, [], []
    for mname, m in report["markets"].items():
        for i, (rname, r) in enumerate(m["routes"].items()):
            colour = ROUTE_COLOURS.get(rname) or OTHER_COLOURS[i % len(OTHER_COLOURS)]
            share = max(r["share"], 1e-5)
            ax.barh(y, share, color=colour)
            ax.text(share * 1.15, y, f"{r['share']:.2%}" + ("" if r["simulated"] else " (published)"),
                    va="center", fontsize=8)
            ticks.append(y)
            labels.append(f"{mname}: {rname}")
            y += 1
        y += 0.5
    ax.set_yticks(ticks, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(1e-4, 100)
    ax.set_xlabel("share of the market's TEU (log scale)")
    ax.set_title("Shares by route (the corridor simulated)")


def _market_tonnes(report: dict, teu: dict | None) -> float:
    """The market flows' tonnes at these corridor TEU (None: at the settled demand)."""
    out = 0.0
    for mname, m in report["markets"].items():
        x = m["routes"]["corridor"]["teu_per_year"] if teu is None else teu[mname]
        out += x * m["tonnes_per_teu"]
    return out
