"""Transit times: their distribution per flow, their distribution against another run's, and
where each flow's journey spends them."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..analysis.labels import label
from ..analysis.window import window_transit
from ..rundir import load_run
from .common import figure, footnote, percent_formatter, provenance, run_footnote, value

PARTS = ("travel_hours", "processing_hours", "waiting_hours", "blocked_hours")
JOURNEY_ORDER = ("waiting_hours", "processing_hours", "blocked_hours", "travel_hours")  # at a node, then onward
PART_LABELS = {"travel_hours": "travel", "processing_hours": "processing", "waiting_hours": "waiting",
               "blocked_hours": "blocked (full yard)"}
PART_COLORS = {"travel_hours": "#9ecae1", "processing_hours": "#3182bd", "waiting_hours": "#fd8d3c",
               "blocked_hours": "#d62728"}


def transit_distribution(data, flows=None, ax=None) -> Figure:
    """Per flow, the distribution of door-to-door transit days: box from p25 to p75, whiskers
    from p5 to p95, the mean as a dot and the p95 written beside it; slowest flows at the top."""
    data = load_run(data)
    d = window_transit(data.deliveries, data.window)
    if flows is not None:
        d = d[d.flow.isin(list(flows))]
    order = d.groupby("flow").days.mean().sort_values().index.tolist()
    fig = figure(11, 1.2 + 0.34 * max(1, len(order))) if ax is None else ax.figure
    ax = ax or fig.add_subplot()
    groups = [d.loc[d.flow == f, "days"].to_numpy() for f in order]
    if order:
        ax.boxplot(groups, orientation="horizontal", whis=(5, 95), showfliers=False, widths=0.6, patch_artist=True,
                   boxprops={"facecolor": "#c6dbef", "edgecolor": "#3182bd"},
                   medianprops={"color": "#08519c", "lw": 1.6}, whiskerprops={"color": "#3182bd"},
                   capprops={"color": "#3182bd"})
        means = [g.mean() for g in groups]
        p95 = [np.percentile(g, 95) for g in groups]
        ax.scatter(means, range(1, len(order) + 1), color="#d62728", zorder=3, s=18, label="mean")
        for i, (m, p) in enumerate(zip(means, p95), 1):
            ax.text(p + 0.3, i, f"p95 {p:.1f} d ({p / m:.2f}× mean)", va="center", fontsize=7.5, color="#444")
        ax.set_yticks(range(1, len(order) + 1),
                      [f"{label(data.scenario, 'flows', f)}  (n={len(g)})" for f, g in zip(order, groups)], fontsize=8)
        ax.set_xlim(0, max(p95) * 1.35)
    ax.set_xlabel("transit days, generation at the origin to delivery")
    ax.grid(axis="x", color="#e5e5e5")
    ax.legend(handles=[Line2D([], [], marker="o", color="#d62728", ls="", label="mean"),
                       Line2D([], [], color="#08519c", lw=1.6, label="median"),
                       Patch(facecolor="#c6dbef", edgecolor="#3182bd", label="p25–p75"),
                       Line2D([], [], color="#3182bd", label="whiskers: p5–p95")], loc="lower right", fontsize=8)
    rep = f" (pooled over {data.n_replications} replications)" if data.n_replications > 1 else ""
    ax.set_title(f"{data.name}: transit time per flow{rep}", fontsize=12, loc="left")
    run_footnote(fig, data)
    return fig


def transit_cdf(runs: dict, flows=None, ax=None) -> Figure:
    """The share of consignments delivered within x days, one line per run (e.g. two
    scenarios side by side), over the given flows together; p95 marked on each line."""
    fig = figure(10, 4.8) if ax is None else ax.figure
    ax = ax or fig.add_subplot()
    shown = []
    colours = ["#3182bd", "#d62728", "#31a354", "#756bb1", "#636363", "#e6550d"]
    for (name, src), colour in zip(runs.items(), colours * 3):
        data = load_run(src)
        shown.append(data)
        d = window_transit(data.deliveries, data.window)
        if flows is not None:
            d = d[d.flow.isin(list(flows))]
        days = np.sort(d.days.to_numpy())
        if not days.size:
            continue
        y = np.arange(1, days.size + 1) / days.size
        p95, mean = np.percentile(days, 95), days.mean()
        ax.plot(days, y, color=colour, lw=1.8, label=f"{name}: mean {mean:.1f} d, p95 {p95:.1f} d")
        ax.axvline(p95, color=colour, ls=":", lw=1.2)
    ax.axhline(0.95, color="#888", lw=0.8, ls="--")
    ax.text(ax.get_xlim()[0], 0.955, " 95% delivered", fontsize=8, color="#666", va="bottom")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(percent_formatter())
    ax.set_xlabel("transit days")
    ax.set_ylabel("share of consignments delivered within")
    ax.grid(color="#e5e5e5")
    ax.legend(loc="lower right", fontsize=8.5)
    names = [label(shown[0].scenario, "flows", f) for f in flows] if shown and flows is not None else []
    what = ", ".join(names) if names and len(names) <= 4 else ("selected flows" if flows else "all flows")
    ax.set_title(f"Transit time distribution: {what}", fontsize=12, loc="left")
    footnote(fig, "\n".join(provenance(d.name, d.summary.get("seed"), d.n_replications) for d in shown))
    return fig


def transit_breakdown(data, flows=None, ax=None) -> Figure:
    """Each flow's mean transit time as its journey: one segment per node in route order,
    coloured by travel (to the next node), processing, waiting and blocked time; a node's name is
    written over the time spent at it (where there is room), never over the travel that follows,
    and the node where the flow waits most is named after the bar."""
    data = load_run(data)
    tb = data.summary.get("transit_breakdown") or {}
    names = [f for f in tb if flows is None or f in flows]
    totals = {f: sum(value(tb[f]["total"].get(p)) or 0.0 for p in PARTS) for f in names}
    names.sort(key=lambda f: totals[f])
    fig = figure(13, 1.4 + 0.36 * max(1, len(names))) if ax is None else ax.figure
    ax = ax or fig.add_subplot()
    longest = max(totals.values(), default=1.0) / 24.0
    ax.set_xlim(0, longest * 1.38 + 1)
    char_days = name_char_days(ax)
    for y, f in enumerate(names):
        left = 0.0
        worst = (None, 0.0)
        for node in tb[f]["nodes"]:
            start = left
            at_node = sum((value(node.get(p)) or 0.0) for p in JOURNEY_ORDER if p != "travel_hours") / 24.0
            for p in JOURNEY_ORDER:
                w = (value(node.get(p)) or 0.0) / 24.0
                if w > 0:
                    ax.barh(y, w, left=left, color=PART_COLORS[p], height=0.7, lw=0)
                    left += w
            wait = ((value(node.get("waiting_hours")) or 0.0) + (value(node.get("blocked_hours")) or 0.0)) / 24
            if wait > worst[1]:
                worst = (node["node"], wait)
            ax.plot([left, left], [y - 0.35, y + 0.35], color="white", lw=0.8)
            name = label(data.scenario, "nodes", node["node"])
            if at_node > (len(name) + 1) * char_days:   # the name fits over the time at the node
                ax.text(start + at_node / 2, y, name, fontsize=6.5, ha="center", va="center", color="#1a1a1a")
        note = f" {left:.1f} d" + (f"; waits most at {label(data.scenario, 'nodes', worst[0])} ({worst[1]:.1f} d)"
                                   if worst[0] and worst[1] >= 0.1 else "")
        ax.text(left + 0.2, y, note, fontsize=7.5, va="center", color="#333")
    ax.set_yticks(range(len(names)), [label(data.scenario, "flows", f) for f in names], fontsize=8)
    ax.set_xlabel("mean days per consignment: one segment per node in route order (waiting, processing and blocked "
                  "there, then travel to the next node)")
    ax.legend(handles=[Patch(color=PART_COLORS[p], label=PART_LABELS[p]) for p in JOURNEY_ORDER], loc="lower right",
              fontsize=8, ncols=4)
    ax.grid(axis="x", color="#eee")
    rep = " (means over replications)" if data.is_replications else ""
    ax.set_title(f"{data.name}: where the transit time goes{rep}", fontsize=12, loc="left")
    run_footnote(fig, data)
    return fig


def name_char_days(ax, size: float = 6.5) -> float:
    """How many days of the bars' axis one character of a name at `size` points takes (a sans-serif's
    mean advance, 0.58 em): a name is written on a segment only where it fits."""
    x0, x1 = ax.get_xlim()
    width_points = ax.get_position().width * ax.figure.get_figwidth() * 72
    return (x1 - x0) / width_points * 0.58 * size
