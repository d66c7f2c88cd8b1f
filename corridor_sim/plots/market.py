"""The picture of a market equilibrium (market.json): who carries each market, and the corridor's volume
against what it can carry.

Left: each market's shares by route (the corridor simulated, the others published). Right: the
corridor's demand at each iteration (its market flows' TEU in tonnes, plus the exogenous flows), the
tonnes it delivered at the settled demand (mean and 95% interval over the replications), and its static
capacity (`static_capacity.tonnes_per_year` of the final run: the first element to saturate).
"""

from __future__ import annotations

from matplotlib.figure import Figure

from .common import figure

ROUTE_COLOURS = {"corridor": "#d95f02"}
OTHER_COLOURS = ["#1b9e77", "#7570b3", "#66a61e", "#e6ab02", "#a6761d", "#666666"]


def market_figure(report: dict) -> Figure:
    """Shares by route per market, and the corridor's volume over the iterations against its capacity."""
    fig = figure(11, 4.2)
    left, right = fig.subplots(1, 2, width_ratios=[1.1, 1])
    markets = list(report["markets"])
    colours = dict(ROUTE_COLOURS)
    for mi, mname in enumerate(markets):
        bottom = 0.0
        for rname, r in report["markets"][mname]["routes"].items():
            if rname not in colours:
                colours[rname] = OTHER_COLOURS[(len(colours) - 1) % len(OTHER_COLOURS)]
            left.barh(mi, r["share"], left=bottom, color=colours[rname],
                      label=rname if mi == 0 or rname not in _routes(report, markets[:mi]) else None)
            if r["share"] >= 0.04:
                left.text(bottom + r["share"] / 2, mi, f"{r['share']:.0%}", ha="center", va="center", fontsize=8)
            bottom += r["share"]
    left.set_yticks(range(len(markets)), markets)
    left.set_xlim(0, 1)
    left.set_xlabel("share of the market's TEU")
    left.set_title("Shares by route (corridor simulated)")
    left.legend(fontsize=8, loc="lower right")

    its = report["iterations"]
    exogenous = report["corridor_demand_tonnes_per_year"] - _market_tonnes(report, None)
    xs = [it["iteration"] for it in its]
    demand = [exogenous + _market_tonnes(report, it["corridor_teu_per_year"]) for it in its]
    right.plot(xs, [d / 1e6 for d in demand], "o-", color=ROUTE_COLOURS["corridor"], label="demand simulated")
    t = report.get("corridor_tonnes_per_year") or {}
    last = xs[-1] + 1
    if t.get("mean") is not None:
        ci = t.get("ci95") or [None, None]
        err = None if ci[0] is None else [[(t["mean"] - ci[0]) / 1e6], [(ci[1] - t["mean"]) / 1e6]]
        right.errorbar([last], [t["mean"] / 1e6], yerr=err, fmt="s", color="black", capsize=4,
                       label="delivered at the settled demand")
    cap = report.get("static_capacity_tonnes_per_year") or {}
    cap = cap.get("mean") if isinstance(cap, dict) else cap
    if cap:
        right.axhline(cap / 1e6, color="grey", ls="--", label="static capacity")
    right.set_xlabel("iteration (last: the final simulation)")
    right.set_ylabel("Mt per year, whole corridor")
    right.set_title("Corridor volume against its capacity")
    right.legend(fontsize=8)
    return fig


def _routes(report: dict, markets: list[str]) -> set[str]:
    return {r for m in markets for r in report["markets"][m]["routes"]}


def _market_tonnes(report: dict, teu: dict | None) -> float:
    """The market flows' tonnes at these corridor TEU (None: at the settled demand)."""
    out = 0.0
    for mname, m in report["markets"].items():
        x = m["routes"]["corridor"]["teu_per_year"] if teu is None else teu[mname]
        out += x * m["tonnes_per_teu"]
    return out
