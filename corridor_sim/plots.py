"""Pictures of a run, a sweep and a comparison (matplotlib).

Every function takes what a notebook has at hand — a `RunResult` from
`corridor_sim.api.run`, a run directory (a single run or `--replications`), a
`SweepResult` or a sweep directory, a `compare` table — and returns a
`matplotlib.figure.Figure`. Figures are built without pyplot, so nothing here
touches the global backend: a script or the CLI saves them with `fig.savefig`
(Agg), a notebook shows them inline.

    from corridor_sim import plots
    data = plots.load_run("runs/baseline_2024")      # or the RunResult of api.run(...)
    plots.corridor_map(data)
    plots.monthly_tonnes(data)
    plots.transit_distribution(data)
    plots.transit_breakdown(data)
    plots.queue_lengths(data)
    plots.sweep_curves("runs/sweep")                 # or the SweepResult of api.sweep(...)
    plots.comparison_bars(api.compare("runs/a", "runs/b"))

A replications directory is drawn from its aggregated `summary.json` (means)
and from the records of all its successful replications (monthly tonnes with
their 95% interval, transit times pooled) or of its first one (the map's
tonnes, queues over time), as each caption says.
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle
from matplotlib.ticker import MaxNLocator

from .analysis import links as link_analysis
from .analysis import monthly
from .analysis.elements import resource_links, resource_node
from .analysis.values import ci95, value  # noqa: F401 - plots.value and plots.ci95, for notebooks
from .analysis.window import window_transit
from .rundir import SWEEP, NotARunDirectory, RunData, load_run

DPI = 110
UTIL_CMAP = "RdYlGn_r"
PARTS = ("travel_hours", "processing_hours", "waiting_hours", "blocked_hours")
JOURNEY_ORDER = ("waiting_hours", "processing_hours", "blocked_hours", "travel_hours")  # at a node, then onward
PART_LABELS = {"travel_hours": "travel", "processing_hours": "processing", "waiting_hours": "waiting",
               "blocked_hours": "blocked (full yard)"}
PART_COLORS = {"travel_hours": "#9ecae1", "processing_hours": "#3182bd", "waiting_hours": "#fd8d3c",
               "blocked_hours": "#d62728"}
CARGO_COLORS = {"container": "#3182bd", "wagonload": "#31a354", "liquid_bulk": "#636363"}
CARGO_LABELS = {"container": "containers", "wagonload": "wagonload", "liquid_bulk": "liquid bulk (oil)"}

COUNTRIES = {  # code: (name, label lat, label lon) — an approximate point inside the country
    "CN": ("China", 38.5, 100.0), "KZ": ("Kazakhstan", 48.3, 67.0), "UZ": ("Uzbekistan", 41.6, 63.5),
    "TM": ("Turkmenistan", 38.9, 58.8), "AZ": ("Azerbaijan", 41.0, 47.6), "GE": ("Georgia", 42.6, 44.0),
    "AM": ("Armenia", 40.1, 45.0), "TR": ("Türkiye", 38.6, 33.5), "RO": ("Romania", 46.0, 25.0),
    "BG": ("Bulgaria", 42.7, 25.2), "RU": ("Russia", 50.5, 45.0), "IR": ("Iran", 35.0, 53.0),
    "UA": ("Ukraine", 48.8, 32.0), "GR": ("Greece", 39.5, 22.0), "DE": ("Germany", 51.0, 10.0),
    "PL": ("Poland", 52.0, 19.5), "HU": ("Hungary", 47.1, 19.4), "RS": ("Serbia", 44.0, 20.9),
}

# Simplified coastlines (lon, lat), for orientation only.
SEAS = {
    "Caspian Sea": [
        (47.5, 45.6), (48.5, 45.8), (49.5, 46.3), (50.5, 46.7), (51.8, 46.95), (53.0, 46.8), (53.2, 46.2),
        (53.0, 45.4), (52.0, 45.4), (51.2, 45.1), (50.3, 44.6), (50.4, 44.3), (51.0, 43.9), (51.15, 43.6),
        (51.6, 43.15), (52.2, 42.6), (52.7, 42.0), (52.9, 41.3), (52.8, 40.4), (53.0, 40.0), (52.9, 39.3),
        (53.2, 38.8), (53.9, 37.5), (54.0, 36.9), (53.0, 36.7), (51.5, 36.75), (50.2, 37.3), (49.4, 37.5),
        (48.9, 38.4), (48.85, 38.8), (49.2, 39.3), (49.4, 39.9), (49.55, 40.2), (50.35, 40.45), (49.6, 40.6),
        (49.0, 41.2), (48.5, 41.8), (47.9, 42.6), (47.5, 43.0), (47.5, 43.6), (47.0, 44.3), (46.9, 44.8),
        (47.2, 45.3)],
    "Black Sea": [
        (28.0, 41.6), (27.5, 42.5), (27.95, 43.2), (28.65, 44.15), (29.7, 45.1), (30.2, 45.8), (30.7, 46.5),
        (31.7, 46.6), (32.5, 46.0), (32.5, 45.4), (33.5, 44.6), (34.2, 44.45), (35.4, 44.9), (36.5, 45.3),
        (37.3, 44.9), (37.8, 44.7), (38.8, 44.2), (39.7, 43.6), (41.0, 43.0), (41.66, 42.15), (41.6, 41.6),
        (40.5, 41.0), (39.7, 41.0), (37.9, 41.05), (36.3, 41.3), (35.1, 42.0), (33.3, 42.0), (31.8, 41.45),
        (30.0, 41.2), (29.1, 41.2), (28.3, 41.5)],
    "Mediterranean": [
        (26.5, 36.0), (28.0, 36.6), (29.7, 36.2), (30.6, 36.8), (31.7, 36.6), (32.8, 36.05), (34.0, 36.3),
        (34.64, 36.78), (35.6, 36.6), (35.9, 36.85), (36.2, 36.6), (35.8, 35.9), (35.8, 34.5), (34.5, 33.0),
        (26.5, 33.0)],
}


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=DPI, layout="constrained")


def pretty(node_id: str) -> str:
    return node_id.replace("_", " ").title()


# ---------------------------------------------------------------------------
# The corridor map
# ---------------------------------------------------------------------------


def link_utilization(data) -> dict[str, float]:
    """Per link id: the highest utilisation of the resources on it (see `analysis.links`)."""
    data = load_run(data)
    return link_analysis.link_utilization(data.summary.get("resources", []), data.scenario.get("links") or {})


def link_tonnes(data) -> dict[str, float]:
    """Per link id: tonnes per year carried over it in the measured window (see `analysis.links`)."""
    data = load_run(data)
    return link_analysis.link_tonnes(data.scenario.get("links") or {}, data.visits, data.voyages, data.window)


def corridor_map(data, zoom: bool | tuple = True) -> Figure:
    """Nodes at their coordinates; links coloured by utilisation and as wide as the tonnes
    they carried; the top bottleneck ringed in red and named.

    A long corridor gets a second, larger panel around its top bottleneck (`zoom=False`
    for the overview alone, or `zoom=(lon_min, lon_max, lat_min, lat_max)`)."""
    data = load_run(data)
    nodes = data.scenario["nodes"]
    lats = [n["lat"] for n in nodes.values()]
    lons = [n["lon"] for n in nodes.values()]
    full = (min(lons) - 3, max(lons) + 3, min(lats) - 2.5, max(lats) + 2.5)
    util = link_utilization(data)
    try:
        tonnes = link_tonnes(data)
    except NotARunDirectory:
        tonnes = {}
    top = (data.summary.get("bottlenecks") or [None])[0]
    segments = _link_segments(data)
    place = _resource_place(data.resource(top["name"]) or {}, nodes, data.scenario.get("links") or {},
                            segments) if top else None
    box = None
    if isinstance(zoom, tuple):
        box = zoom
    elif zoom and full[1] - full[0] > 35:
        cx, cy = place if place else ((full[0] + full[1]) / 2, (full[2] + full[3]) / 2)
        box = (cx - 10.5, cx + 10.5, cy - 4.8, cy + 4.8)
    if box is None:
        fig = _figure(13, 7.2)
        ax = fig.add_subplot()
        _draw_map(ax, data, full, util, tonnes, segments, top, place, labels="all")
        legend_ax = ax
    else:
        fig = _figure(13, 10.8)
        grid = fig.add_gridspec(2, 2, height_ratios=[1, 1.55], width_ratios=[1.75, 1])
        ax = fig.add_subplot(grid[0, :])
        _draw_map(ax, data, full, util, tonnes, segments, None, place, labels="main")
        ax.add_patch(Rectangle((box[0], box[2]), box[1] - box[0], box[3] - box[2], fill=False, ec="#444", lw=1,
                               ls="--", zorder=8))
        ax.text(box[0], box[3] + 0.3, "detail below", fontsize=7.5, color="#444", va="bottom")
        legend_ax = fig.add_subplot(grid[1, 1])
        legend_ax.axis("off")
        zax = fig.add_subplot(grid[1, 0])
        _draw_map(zax, data, box, util, tonnes, segments, top, place, labels="all")
        zax.set_title("detail: around the top bottleneck", fontsize=10, loc="left")
    t_max = max(tonnes.values(), default=0.0) or 1.0
    sm = _scalar_mappable(_cmap(UTIL_CMAP), Normalize(0, 1))
    bar = fig.colorbar(sm, ax=legend_ax, shrink=0.7 if box is None else 0.45, pad=0.01,
                       location="right" if box is None else "top")
    bar.set_label("utilisation of the link's rail section, fleet or pipeline", fontsize=8.5)
    bar.ax.xaxis.set_major_formatter(_percent())
    bar.ax.yaxis.set_major_formatter(_percent())
    handles = [Line2D([], [], color="#555", lw=2, ls=ls, label=lab)
               for ls, lab in (("solid", "rail"), ((0, (4, 2)), "sea (fleet)"), ((0, (1, 1.5)), "pipeline"))]
    handles.append(Line2D([], [], color="#9a9a9a", lw=2, label="no capacity limit modelled"))
    if tonnes:
        for mt in _nice_levels(t_max):
            handles.append(Line2D([], [], color="#555", lw=_width(mt, t_max), label=f"{mt / 1e6:g} Mt/yr"))
    kinds = [("^", "origin terminal"), ("D", "gauge change / border"), ("s", "port"), ("o", "hub or junction"),
             ("*", "destination")]
    handles += [Line2D([], [], marker=m, color="#222", mfc="white", ls="", label=lab) for m, lab in kinds]
    if top and box is not None:
        handles.append(Line2D([], [], marker="o", ms=14, mfc="none", mec="#c00000", mew=2, ls="",
                              label="top bottleneck"))
    legend_ax.legend(handles=handles, loc="upper right" if box is None else "center", fontsize=8.5,
                     framealpha=0.9, title="links (width: tonnes per year carried)", title_fontsize=8.5,
                     ncols=1)
    if box is not None and data.summary.get("bottlenecks"):
        lines = ["Ranked bottlenecks"]
        for i, b in enumerate(data.summary["bottlenecks"][:4], 1):
            u, sh = value(b.get("utilization")), value(b.get("wait_share"))
            lines.append(f"{i}. {b['name']}" + (f"  {u:.0%} busy" if u else "")
                         + (f", {sh:.0%} of waiting" if sh is not None else ""))
        legend_ax.text(0.5, 0.02, "\n".join(lines), transform=legend_ax.transAxes, fontsize=8.5, ha="center",
                       va="bottom", family="monospace",
                       bbox={"boxstyle": "round,pad=0.5", "fc": "#fff5f5", "ec": "#c00000"})
    rep = " (utilisation: means over replications; tonnes: first replication)" if data.is_replications else ""
    fig.suptitle(f"{data.name}: utilisation and tonnes carried per link{rep}", fontsize=13, x=0.01, ha="left")
    fig.draw_without_rendering()  # the layout first: names are placed in display space
    if box is None:
        _label_nodes(ax, nodes, full, "all")
    else:
        _label_nodes(ax, nodes, full, "main")
        _label_nodes(zax, nodes, box, "all")
    return fig


def _width(t: float, t_max: float) -> float:
    return 1.2 + 11.0 * t / t_max


def _link_segments(data: RunData) -> dict:
    """Each link as a straight segment; parallel links between the same two nodes side by side."""
    nodes, links = data.scenario["nodes"], data.scenario.get("links") or {}
    count: dict[frozenset, int] = {}
    seen: dict[frozenset, int] = {}
    for link in links.values():
        key = frozenset((link["from"], link["to"]))
        count[key] = count.get(key, 0) + 1
    segments = {}
    for lid, link in links.items():
        a, b = nodes[link["from"]], nodes[link["to"]]
        key = frozenset((link["from"], link["to"]))
        k = seen.get(key, 0)
        seen[key] = k + 1
        offset = (k - (count[key] - 1) / 2) * 0.3
        (x0, y0), (x1, y1) = (a["lon"], a["lat"]), (b["lon"], b["lat"])
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        ox, oy = -(y1 - y0) / length * offset, (x1 - x0) / length * offset
        segments[lid] = [(x0 + ox, y0 + oy), (x1 + ox, y1 + oy)]
    return segments


def _draw_map(ax, data: RunData, extent, util, tonnes, segments, top, place, labels: str) -> None:
    nodes, links = data.scenario["nodes"], data.scenario.get("links") or {}
    x0, x1, y0, y1 = extent
    lat0 = (y0 + y1) / 2
    ax.set_aspect(1.0 / math.cos(math.radians(lat0)))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_facecolor("#fbfaf6")
    span = x1 - x0
    for sea, pts in SEAS.items():
        ax.add_patch(Polygon(pts, closed=True, facecolor="#dbe9f6", edgecolor="#a9c4de", lw=0.8, zorder=0))
        xs, ys = zip(*pts)
        lx, ly = SEA_LABELS.get(sea, (np.mean(xs), np.mean(ys)))
        if x0 < lx < x1 and y0 < ly < y1:
            ax.text(lx, ly, sea, color="#6d8fb3", fontsize=8 if span > 35 else 10, style="italic", ha="center",
                    va="center", zorder=1, rotation=90 if sea == "Caspian Sea" and span <= 35 else 0)
    for code in sorted({n.get("country") for n in nodes.values() if n.get("country")}):
        name, la, lo = COUNTRIES.get(code, (code, None, None))
        if la is None:
            pts = [(n["lat"], n["lon"]) for n in nodes.values() if n.get("country") == code]
            la, lo = np.mean([p[0] for p in pts]) + 1.2, np.mean([p[1] for p in pts])
        if span > 35 and code in SMALL_COUNTRIES:
            continue
        crowded = any(abs(n["lon"] - lo) < span / 30 and abs(n["lat"] - la) < (y1 - y0) / 14 for n in nodes.values())
        if x0 + 1 < lo < x1 - 1 and y0 + 0.5 < la < y1 - 0.5 and not crowded:
            ax.text(lo, la, name.upper(), color="#c4bfb2", fontsize=11 if span > 35 else 13, fontweight="bold",
                    ha="center", va="center", zorder=1)
    t_max = max(tonnes.values(), default=0.0) or 1.0
    cmap, norm = _cmap(UTIL_CMAP), Normalize(0, 1)
    for lid, link in links.items():
        mode = link.get("mode", "rail")
        style = {"rail": "solid", "sea": (0, (4, 2)), "pipeline": (0, (1, 1.5))}.get(mode, (0, (2, 2)))
        colour = cmap(norm(util[lid])) if lid in util else "#9a9a9a"
        width = _width(tonnes.get(lid, 0.0), t_max) if tonnes else 3.0
        ax.add_collection(LineCollection([segments[lid]], colors=[colour], linewidths=[width], linestyles=[style],
                                         capstyle="butt", zorder=3))
    for nid, n in nodes.items():
        marker, size = NODE_MARKERS.get(n.get("kind"), ("o", 30))
        ax.scatter([n["lon"]], [n["lat"]], marker=marker, s=size, facecolor="white", edgecolor="#222", lw=1.1,
                   zorder=5)
    if top and place:
        x, y = place
        ax.scatter([x], [y], s=1100, facecolor="none", edgecolor="#c00000", lw=2.5, zorder=6)
        u, share = value(top.get("utilization")), value(top.get("wait_share"))
        text = f"Top bottleneck: {top['name']}" + (f"\nutilisation {u:.0%}" if u else "") \
            + (f", {share:.0%} of all waiting" if share is not None else "")
        ax.annotate(text, (x, y), xytext=(0.72, 0.07), textcoords="axes fraction", ha="center", fontsize=9.5,
                    color="#c00000", fontweight="bold", zorder=7,
                    bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#c00000", "alpha": 0.93},
                    arrowprops={"arrowstyle": "->", "color": "#c00000", "lw": 1.5})
    ax.set_xlabel("longitude (°E)", fontsize=8)
    ax.set_ylabel("latitude (°N)", fontsize=8)
    ax.tick_params(labelsize=7.5)
    ax.grid(color="#e6e3da", lw=0.5)


NODE_MARKERS = {"origin_terminal": ("^", 80), "port": ("s", 55), "gauge_change": ("D", 50),
                "border_station": ("D", 45), "hub": ("o", 55), "destination": ("*", 170), "junction": ("o", 20),
                "station": ("o", 30)}
SMALL_COUNTRIES = {"AZ", "GE", "AM"}
SEA_LABELS = {"Caspian Sea": (50.6, 41.8), "Black Sea": (34.5, 43.3), "Mediterranean": (30.5, 34.5)}


def _label_nodes(ax, nodes: dict, extent, labels: str) -> None:
    """Node names beside their markers, each put where it covers no other name or marker.

    Works in display points, so call it once the figure's layout is done."""
    x0, x1, y0, y1 = extent
    to_pt = 72.0 / ax.figure.dpi
    inside = {nid: n for nid, n in nodes.items() if x0 < n["lon"] < x1 and y0 < n["lat"] < y1}
    at = {nid: ax.transData.transform((n["lon"], n["lat"])) * to_pt for nid, n in inside.items()}
    taken = [(p[0] - 4, p[1] - 4, p[0] + 4, p[1] + 4) for p in at.values()]
    for nid, n in sorted(inside.items(), key=lambda kv: (NODE_RANK.get(kv[1].get("kind"), 3), -kv[1]["lat"])):
        minor = n.get("kind") == "junction"
        size = 7 if minor else 8.5
        text = pretty(nid)
        w, h = len(text) * 0.56 * size + 2, 1.3 * size
        px, py = at[nid]
        g = 6.0
        candidates = [((0, g), "center", "bottom", (-w / 2, g)), ((g, 0), "left", "center", (g, -h / 2)),
                      ((0, -g), "center", "top", (-w / 2, -g - h)), ((-g, 0), "right", "center", (-g - w, -h / 2)),
                      ((g * 0.7, g * 0.7), "left", "bottom", (g * 0.7, g * 0.7)),
                      ((-g * 0.7, -g * 0.7), "right", "top", (-g * 0.7 - w, -g * 0.7 - h)),
                      ((g * 0.7, -g * 0.7), "left", "top", (g * 0.7, -g * 0.7 - h)),
                      ((-g * 0.7, g * 0.7), "right", "bottom", (-g * 0.7 - w, g * 0.7))]

        def overlap(c):
            bx, by = px + c[3][0], py + c[3][1]
            return sum(max(0.0, min(bx + w, b[2]) - max(bx, b[0])) * max(0.0, min(by + h, b[3]) - max(by, b[1]))
                       for b in taken)

        best = min(candidates, key=lambda c: (overlap(c) > 1e-9, overlap(c), candidates.index(c)))
        if labels == "main" and (minor or overlap(best) > 0.25 * w * h):
            continue
        bx, by = px + best[3][0], py + best[3][1]
        taken.append((bx, by, bx + w, by + h))
        ax.annotate(text, (n["lon"], n["lat"]), xytext=best[0], textcoords="offset points", ha=best[1],
                    va=best[2], fontsize=size, color="#555" if minor else "#111", zorder=6,
                    bbox={"boxstyle": "round,pad=0.08", "fc": "white", "ec": "none", "alpha": 0.7})


NODE_RANK = {"port": 0, "origin_terminal": 0, "destination": 0, "hub": 1, "gauge_change": 1, "border_station": 1,
             "station": 2, "junction": 3}


def _resource_place(res: dict, nodes: dict, links: dict, segments: dict):
    """Where to mark a resource on the map: the midpoint of its link (of the first its fleet sails),
    or its node."""
    lids = resource_links(res, links)
    if lids:
        (x0, y0), (x1, y1) = segments[lids[0]]
        return (x0 + x1) / 2, (y0 + y1) / 2
    where = [n for n in [*(res.get("nodes") or []), resource_node(res)] if n in nodes]
    if where:
        return nodes[where[0]]["lon"], nodes[where[0]]["lat"]
    return None


def _nice_levels(t_max: float) -> list[float]:
    levels = [x for x in (0.25e6, 0.5e6, 1e6, 2e6, 3e6, 5e6, 10e6) if x <= t_max]
    return levels[-2:] if len(levels) >= 2 else levels


# ---------------------------------------------------------------------------
# Delivered tonnes by month, weather closures shaded
# ---------------------------------------------------------------------------


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
    fig = _figure(12, 5.2) if ax is None else ax.figure
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
    return fig


def _t_band(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise 95% t interval of the mean over the columns (replications); the t quantile of experiment.stats."""
    from .experiment.stats import LEVEL, _t_quantile

    n = matrix.shape[1]
    mean = matrix.mean(axis=1)
    if n < 2:
        return mean, mean
    half = _t_quantile(0.5 + LEVEL / 2, n - 1) * matrix.std(axis=1, ddof=1) / math.sqrt(n)
    return mean - half, mean + half


# ---------------------------------------------------------------------------
# Transit times
# ---------------------------------------------------------------------------


def transit_distribution(data, flows=None, ax=None) -> Figure:
    """Per flow, the distribution of door-to-door transit days: box from p25 to p75, whiskers
    from p5 to p95, the mean as a dot and the p95 written beside it; slowest flows at the top."""
    data = load_run(data)
    d = window_transit(data.deliveries, data.window)
    if flows is not None:
        d = d[d.flow.isin(list(flows))]
    order = d.groupby("flow").days.mean().sort_values().index.tolist()
    fig = _figure(11, 1.2 + 0.34 * max(1, len(order))) if ax is None else ax.figure
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
        ax.set_yticks(range(1, len(order) + 1), [f"{f}  (n={len(g)})" for f, g in zip(order, groups)], fontsize=8)
        ax.set_xlim(0, max(p95) * 1.35)
    ax.set_xlabel("transit days, generation at the origin to delivery")
    ax.grid(axis="x", color="#e5e5e5")
    ax.legend(handles=[Line2D([], [], marker="o", color="#d62728", ls="", label="mean"),
                       Line2D([], [], color="#08519c", lw=1.6, label="median"),
                       Patch(facecolor="#c6dbef", edgecolor="#3182bd", label="p25–p75"),
                       Line2D([], [], color="#3182bd", label="whiskers: p5–p95")], loc="lower right", fontsize=8)
    rep = f" (pooled over {data.n_replications} replications)" if data.n_replications > 1 else ""
    ax.set_title(f"{data.name}: transit time per flow{rep}", fontsize=12, loc="left")
    return fig


def transit_cdf(runs: dict, flows=None, ax=None) -> Figure:
    """The share of consignments delivered within x days, one line per run (e.g. two
    scenarios side by side), over the given flows together; p95 marked on each line."""
    fig = _figure(10, 4.8) if ax is None else ax.figure
    ax = ax or fig.add_subplot()
    colours = ["#3182bd", "#d62728", "#31a354", "#756bb1", "#636363", "#e6550d"]
    for (label, src), colour in zip(runs.items(), colours * 3):
        data = load_run(src)
        d = window_transit(data.deliveries, data.window)
        if flows is not None:
            d = d[d.flow.isin(list(flows))]
        days = np.sort(d.days.to_numpy())
        if not days.size:
            continue
        y = np.arange(1, days.size + 1) / days.size
        p95, mean = np.percentile(days, 95), days.mean()
        ax.plot(days, y, color=colour, lw=1.8, label=f"{label}: mean {mean:.1f} d, p95 {p95:.1f} d")
        ax.axvline(p95, color=colour, ls=":", lw=1.2)
    ax.axhline(0.95, color="#888", lw=0.8, ls="--")
    ax.text(ax.get_xlim()[0], 0.955, " 95% delivered", fontsize=8, color="#666", va="bottom")
    ax.set_ylim(0, 1.02)
    ax.yaxis.set_major_formatter(_percent())
    ax.set_xlabel("transit days")
    ax.set_ylabel("share of consignments delivered within")
    ax.grid(color="#e5e5e5")
    ax.legend(loc="lower right", fontsize=8.5)
    what = ", ".join(flows) if flows is not None and len(flows) <= 4 else ("selected flows" if flows else "all flows")
    ax.set_title(f"Transit time distribution: {what}", fontsize=12, loc="left")
    return fig


def transit_breakdown(data, flows=None, ax=None) -> Figure:
    """Each flow's mean transit time as its journey: one segment per node in route order,
    coloured by travel (to the next node), processing, waiting and blocked time; the node
    where the flow waits most is named on the bar."""
    data = load_run(data)
    tb = data.summary.get("transit_breakdown") or {}
    names = [f for f in tb if flows is None or f in flows]
    totals = {f: sum(value(tb[f]["total"].get(p)) or 0.0 for p in PARTS) for f in names}
    names.sort(key=lambda f: totals[f])
    fig = _figure(13, 1.4 + 0.36 * max(1, len(names))) if ax is None else ax.figure
    ax = ax or fig.add_subplot()
    for y, f in enumerate(names):
        left = 0.0
        worst = (None, 0.0)
        for node in tb[f]["nodes"]:
            start = left
            for p in JOURNEY_ORDER:
                w = (value(node.get(p)) or 0.0) / 24.0
                if w > 0:
                    ax.barh(y, w, left=left, color=PART_COLORS[p], height=0.7, lw=0)
                    left += w
            wait = ((value(node.get("waiting_hours")) or 0.0) + (value(node.get("blocked_hours")) or 0.0)) / 24
            if wait > worst[1]:
                worst = (node["node"], wait)
            ax.plot([left, left], [y - 0.35, y + 0.35], color="white", lw=0.8)
            if left - start > 2.2:
                ax.text((start + left) / 2, y, pretty(node["node"]), fontsize=6.5, ha="center", va="center",
                        color="#1a1a1a")
        note = f" {left:.1f} d" + (f"; waits most at {pretty(worst[0])} ({worst[1]:.1f} d)" if worst[0] and
                                   worst[1] >= 0.1 else "")
        ax.text(left + 0.2, y, note, fontsize=7.5, va="center", color="#333")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    longest = max(totals.values(), default=1.0) / 24.0
    ax.set_xlim(0, longest * 1.38 + 1)
    ax.set_xlabel("mean days per consignment: one segment per node in route order (waiting, processing and blocked "
                  "there, then travel to the next node)")
    ax.legend(handles=[Patch(color=PART_COLORS[p], label=PART_LABELS[p]) for p in JOURNEY_ORDER], loc="lower right",
              fontsize=8, ncols=4)
    ax.grid(axis="x", color="#eee")
    rep = " (means over replications)" if data.is_replications else ""
    ax.set_title(f"{data.name}: where the transit time goes{rep}", fontsize=12, loc="left")
    return fig


# ---------------------------------------------------------------------------
# Queues over time
# ---------------------------------------------------------------------------


def top_resources(data: RunData, top: int = 4) -> list[str]:
    """The ranked bottlenecks first, then the resources with the longest mean queue."""
    names = [b["name"] for b in data.summary.get("bottlenecks", [])]
    rest = sorted((r for r in data.summary.get("resources", []) if r.get("kind") != "train_formation"),
                  key=lambda r: -(value(r.get("mean_queue")) or 0.0))
    for r in rest:
        if r["name"] not in names and (value(r.get("mean_queue")) or 0.0) > 0:
            names.append(r["name"])
    return names[:top]


def queue_lengths(data, resources=None, top: int = 4) -> Figure:
    """Entities waiting at the top resources, sampled daily over the whole run (warm-up shaded)."""
    data = load_run(data)
    names = list(resources) if resources is not None else top_resources(data, top)
    s = data.samples
    fig = _figure(12, 0.6 + 2.0 * max(1, len(names)))
    axes = fig.subplots(max(1, len(names)), 1, sharex=True, squeeze=False)[:, 0]
    warm_end = data.date([data.warmup_hours])[0]
    for ax, name in zip(axes, names):
        g = s[s.resource == name].sort_values("time")
        ax.fill_between(data.date(g.time), g.queue, step="post", color="#fdae6b", alpha=0.6, lw=0)
        ax.step(data.date(g.time), g.queue, where="post", color="#e6550d", lw=1.1)
        ax.axvspan(data.date([0])[0], warm_end, color="#bbb", alpha=0.25, lw=0)
        r = data.resource(name) or {}
        u, wait = value(r.get("utilization")), value(r.get("mean_wait_hours"))
        unit = {"fleet": "consignments", "rail_section": "trains", "station": "trains", "berth": "vessels",
                "weather": "vessels held", "yard": "consignments held", "pipeline": "parcels",
                "rolling_stock": "requests"}.get(r.get("kind"), "waiting")
        ax.set_ylabel(unit, fontsize=8)
        ax.set_title(f"{name}" + (f" — utilisation {u:.0%}" if u is not None else "")
                     + (f", mean wait {wait:.1f} h" if wait is not None else ""), fontsize=9.5, loc="left")
        ax.grid(color="#eee")
        ax.set_ylim(bottom=0)
    if len(axes):
        axes[0].text(data.date([data.warmup_hours / 2])[0], axes[0].get_ylim()[1] * 0.9, "warm-up", ha="center",
                     va="top", fontsize=8, color="#666")
    rep = " (first replication)" if data.is_replications else ""
    fig.suptitle(f"{data.name}: queue length over time at the busiest resources{rep}", fontsize=12, x=0.01,
                 ha="left")
    return fig


# ---------------------------------------------------------------------------
# Experiments: sweep curves, comparison bars
# ---------------------------------------------------------------------------


def load_sweep(source):
    """A SweepResult, or a sweep directory read back as one."""
    from .experiment.sweep import SATURATION, SUMMARY_TABLE, SweepResult

    if hasattr(source, "summary") and hasattr(source, "saturation") and hasattr(source, "info"):
        return source
    path = Path(source)
    if not (path / SWEEP).is_file():
        raise NotARunDirectory(f"{path}: no {SWEEP}: not a finished corridor-sim sweep directory")
    info = json.loads((path / SWEEP).read_text(encoding="utf-8"))
    return SweepResult(pd.DataFrame(), pd.read_parquet(path / SUMMARY_TABLE), pd.read_parquet(path / SATURATION),
                       pd.DataFrame(), info, path)


def sweep_curves(sweep, kpi: str = "delivered_tonnes_per_year") -> Figure:
    """The KPI's mean against each varied parameter with its 95% band, one line per value of
    the other parameters; the saturation point (more buys nothing measurable) marked."""
    sw = load_sweep(sweep)
    summary, sat, info = sw.summary, sw.saturation, sw.info
    paths = list(info.get("vary", {}))
    fig = _figure(6.2 * max(1, len(paths)), 4.6)
    axes = fig.subplots(1, max(1, len(paths)), squeeze=False)[0]
    scale, unit = (1e6, "Mt per year") if "tonnes" in kpi else (1.0, "")
    for ax, path in zip(axes, paths):
        others = [p for p in paths if p != path]
        groups = summary.groupby(others, sort=False) if others else [((), summary)]
        values = info["vary"][path]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        for i, (key, g) in enumerate(groups):
            g = g.copy()
            g["_x"] = g[path].astype(float) if numeric else g[path].map(
                {json.dumps(v, sort_keys=True): j for j, v in enumerate(values)} | {str(v): j for j, v in enumerate(values)})
            g = g.sort_values("_x")
            key = key if isinstance(key, tuple) else (key,)
            label = ", ".join(f"{_short(o)}={k}" for o, k in zip(others, key)) or kpi
            colour = f"C{i}"
            y = g[kpi] / scale
            ax.plot(g["_x"], y, marker="o", color=colour, label=label)
            lo, hi = g.get(f"{kpi}_ci95_low"), g.get(f"{kpi}_ci95_high")
            if lo is not None and lo.notna().any():
                ax.fill_between(g["_x"], lo / scale, hi / scale, color=colour, alpha=0.18, lw=0)
            s = sat[(sat.parameter == path) & sat.saturation_point.astype(bool)]
            s = s[s.point.isin(g.point)]
            for _, row in s.iterrows():
                x = g.loc[g.point == row.point, "_x"].iloc[0]
                yv = g.loc[g.point == row.point, kpi].iloc[0] / scale
                ax.scatter([x], [yv], s=160, facecolor="none", edgecolor="#c00000", lw=2, zorder=5)
                ax.annotate(f"saturated at {row.value}", (x, yv), xytext=(0, -22), textcoords="offset points",
                            ha="center", fontsize=8.5, color="#c00000")
        if not numeric:
            ax.set_xticks(range(len(values)), [str(v) for v in values], fontsize=7, rotation=15)
        elif all(isinstance(v, int) for v in values):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # vessels, tracks: no 1.25 of them
        ax.set_xlabel(path, fontsize=9)
        ax.set_ylabel(f"{kpi.replace('_', ' ')}" + (f" ({unit})" if unit else ""), fontsize=9)
        ax.grid(color="#eee")
        if others:
            ax.legend(fontsize=8)
    reps = info.get("replications")
    title = (f"{info.get('scenario', 'sweep')}: {kpi.replace('_', ' ')}, mean with 95% band"
             + (f" over {reps} replications" if reps else "") + "; red ring: saturation point")
    # wrapped to the figure's width (one parameter: a narrow figure that cut the title off)
    fig.suptitle(textwrap.fill(title, width=int(11 * fig.get_figwidth())), fontsize=11, x=0.01, ha="left")
    return fig


def _short(path: str) -> str:
    return ".".join(path.split(".")[-2:])


MAIN_COMPARE = ("delivered_tonnes_per_year", "delivered_teu_per_year", "delivered_consignments_per_year")


def comparison_bars(table, metrics=None, top: int = 24, title: str | None = None) -> Figure:
    """B − A in % of A per metric, with its 95% interval; a bar whose interval excludes 0 is
    a real difference (solid), one that includes it is noise (pale). `table` is what
    `api.compare(a, b)` returns. By default: the main KPIs, then the flows' delivered
    tonnes and p95 transit days that changed most."""
    t = table.set_index("metric")
    if metrics is None:
        main = [m for m in MAIN_COMPARE if m in t.index]
        rest = [m for m in t.index if (m.startswith("delivered_tonnes_per_year_by_flow.")
                                       or (m.startswith("transit_days.") and m.endswith(".p95")))]
        rest = sorted(rest, key=lambda m: -abs(t.loc[m, "diff_pct"]) if pd.notna(t.loc[m, "diff_pct"]) else 0)
        metrics = main + rest[: max(0, top - len(main))]
    rows = t.loc[[m for m in metrics if m in t.index]]
    fig = _figure(11, 1.3 + 0.3 * max(1, len(rows)))
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    a = rows["a"].astype(float).abs().replace(0, np.nan)
    pct = rows["diff_pct"].astype(float)
    lo = rows["diff_ci95_low"].astype(float) / a * 100
    hi = rows["diff_ci95_high"].astype(float) / a * 100
    real = (lo > 0) | (hi < 0)
    colours = ["#d62728" if (p < 0) != _higher_is_worse(m) else "#2ca02c" for m, p in zip(rows.index, pct)]
    for yi, p, c, r in zip(y, pct.fillna(0), colours, real):
        ax.barh(yi, p, color=c, alpha=0.9 if r else 0.35, height=0.65)
    has = lo.notna() & hi.notna()
    ax.errorbar(pct[has], y[has.to_numpy()], xerr=[(pct - lo)[has], (hi - pct)[has]], fmt="none", ecolor="#222",
                capsize=2.5, lw=1)
    for yi, m, p in zip(y, rows.index, pct):
        if pd.notna(p):
            ax.text(p, yi, f" {p:+.1f}% ", va="center", ha="left" if p >= 0 else "right", fontsize=7.5)
    ax.axvline(0, color="#333", lw=0.8)
    ax.set_yticks(y, rows.index, fontsize=8)
    ax.set_xlabel("B − A, % of A (bar: 95% interval of the difference)")
    ax.grid(axis="x", color="#eee")
    lim = np.nanmax(np.abs(np.r_[pct.to_numpy(), lo.to_numpy(), hi.to_numpy(), 1.0]))
    ax.set_xlim(-lim * 1.3, lim * 1.3)
    ax.legend(handles=[Patch(color="#2ca02c", label="better"), Patch(color="#d62728", label="worse"),
                       Patch(color="#999", alpha=0.35, label="pale: interval includes 0 (noise)")],
              loc="lower right", fontsize=8)
    ax.set_title(title or "Comparison: B against A", fontsize=12, loc="left")
    return fig


def _higher_is_worse(metric: str) -> bool:
    return metric.startswith(("transit_days", "runtime", "resources.")) and "delivered" not in metric


# ---------------------------------------------------------------------------
# All the figures of a run
# ---------------------------------------------------------------------------

RUN_FIGURES = {
    "map.png": corridor_map,
    "monthly_tonnes.png": monthly_tonnes,
    "transit_times.png": transit_distribution,
    "transit_breakdown.png": transit_breakdown,
    "queues.png": queue_lengths,
}


def run_figures(data) -> dict[str, Figure]:
    """Every figure of a run (or replications), keyed by its PNG file name."""
    data = load_run(data)
    return {name: make(data) for name, make in RUN_FIGURES.items()}


def save_figures(figures: dict[str, Figure], directory: Path, atomic: bool = False) -> list[Path]:
    """Each figure as a PNG in `directory`. `atomic`: each file written under a temporary name
    and renamed into place (for a directory that readers may already see)."""
    from .output import _write_file

    out = []
    for name, fig in figures.items():
        path = Path(directory) / name
        if atomic:
            _write_file(path, lambda tmp, fig=fig: fig.savefig(tmp, dpi=DPI, format="png"))
        else:
            fig.savefig(path, dpi=DPI)
        out.append(path)
    return out


def _cmap(name: str):
    from matplotlib import colormaps

    return colormaps[name]


def _scalar_mappable(cmap, norm):
    from matplotlib.cm import ScalarMappable

    return ScalarMappable(norm=norm, cmap=cmap)


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0)
