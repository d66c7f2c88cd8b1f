"""The corridor map: nodes at their coordinates, links coloured by how full they ran and drawn as
wide as the tonnes they carried, the top bottleneck ringed and named."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle

from ..analysis import links as link_analysis
from ..analysis.elements import resource_links, resource_node
from ..rundir import NotARunDirectory, RunData, load_run
from .common import UTIL_CMAP, cmap, figure, percent_formatter, pretty, scalar_mappable, value
from .geodata import COUNTRIES, SEA_LABELS, SEAS, SMALL_COUNTRIES

NODE_MARKERS = {"origin_terminal": ("^", 80), "port": ("s", 55), "gauge_change": ("D", 50),
                "border_station": ("D", 45), "hub": ("o", 55), "destination": ("*", 170), "junction": ("o", 20),
                "station": ("o", 30)}
NODE_RANK = {"port": 0, "origin_terminal": 0, "destination": 0, "hub": 1, "gauge_change": 1, "border_station": 1,
             "station": 2, "junction": 3}   # whose name is placed first, where names crowd
LINK_STYLES = {"rail": "solid", "sea": (0, (4, 2)), "pipeline": (0, (1, 1.5))}


def link_utilization(data) -> dict[str, float]:
    """Per link id: the highest utilisation of the resources on it (see `analysis.links`)."""
    data = load_run(data)
    return link_analysis.link_utilization(data.summary.get("resources", []), data.scenario.get("links") or {})


def link_tonnes(data) -> dict[str, float]:
    """Per link id: tonnes per year carried over it in the measured window (see `analysis.links`)."""
    data = load_run(data)
    return link_analysis.link_tonnes(data.scenario.get("links") or {}, data.visits, data.voyages, data.window)


def corridor_map(data, zoom: bool | tuple = True) -> Figure:
    """Nodes at their coordinates; links coloured by utilisation and as wide as the tonnes they
    carried; the top bottleneck ringed in red and named.

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
        fig = figure(13, 7.2)
        ax = fig.add_subplot()
        _draw_map(ax, data, full, util, tonnes, segments, top, place)
        legend_ax = ax
    else:
        fig = figure(13, 10.8)
        grid = fig.add_gridspec(2, 2, height_ratios=[1, 1.55], width_ratios=[1.75, 1])
        ax = fig.add_subplot(grid[0, :])
        _draw_map(ax, data, full, util, tonnes, segments, None, place)
        ax.add_patch(Rectangle((box[0], box[2]), box[1] - box[0], box[3] - box[2], fill=False, ec="#444", lw=1,
                               ls="--", zorder=8))
        ax.text(box[0], box[3] + 0.3, "detail below", fontsize=7.5, color="#444", va="bottom")
        legend_ax = fig.add_subplot(grid[1, 1])
        legend_ax.axis("off")
        zax = fig.add_subplot(grid[1, 0])
        _draw_map(zax, data, box, util, tonnes, segments, top, place)
        zax.set_title("detail: around the top bottleneck", fontsize=10, loc="left")
    _legend(fig, legend_ax, data, tonnes, top, detail=box is not None)
    rep = " (utilisation: means over replications; tonnes: first replication)" if data.is_replications else ""
    fig.suptitle(f"{data.name}: utilisation and tonnes carried per link{rep}", fontsize=13, x=0.01, ha="left")
    fig.draw_without_rendering()  # the layout first: names are placed in display space
    if box is None:
        _label_nodes(ax, nodes, full, "all")
    else:
        _label_nodes(ax, nodes, full, "main")
        _label_nodes(zax, nodes, box, "all")
    return fig


def _legend(fig: Figure, legend_ax, data: RunData, tonnes: dict, top: dict | None, detail: bool) -> None:
    """The colour bar, the key to lines, widths and markers, and (beside a detail) the ranked bottlenecks."""
    t_max = max(tonnes.values(), default=0.0) or 1.0
    sm = scalar_mappable(cmap(UTIL_CMAP), Normalize(0, 1))
    bar = fig.colorbar(sm, ax=legend_ax, shrink=0.45 if detail else 0.7, pad=0.01,
                       location="top" if detail else "right")
    bar.set_label("utilisation of the link's rail section, fleet or pipeline", fontsize=8.5)
    bar.ax.xaxis.set_major_formatter(percent_formatter())
    bar.ax.yaxis.set_major_formatter(percent_formatter())
    handles = [Line2D([], [], color="#555", lw=2, ls=ls, label=lab)
               for ls, lab in (("solid", "rail"), ((0, (4, 2)), "sea (fleet)"), ((0, (1, 1.5)), "pipeline"))]
    handles.append(Line2D([], [], color="#9a9a9a", lw=2, label="no capacity limit modelled"))
    if tonnes:
        for mt in _nice_levels(t_max):
            handles.append(Line2D([], [], color="#555", lw=_width(mt, t_max), label=f"{mt / 1e6:g} Mt/yr"))
    kinds = [("^", "origin terminal"), ("D", "gauge change / border"), ("s", "port"), ("o", "hub or junction"),
             ("*", "destination")]
    handles += [Line2D([], [], marker=m, color="#222", mfc="white", ls="", label=lab) for m, lab in kinds]
    if top and detail:
        handles.append(Line2D([], [], marker="o", ms=14, mfc="none", mec="#c00000", mew=2, ls="",
                              label="top bottleneck"))
    legend_ax.legend(handles=handles, loc="center" if detail else "upper right", fontsize=8.5,
                     framealpha=0.9, title="links (width: tonnes per year carried)", title_fontsize=8.5,
                     ncols=1)
    if detail and data.summary.get("bottlenecks"):
        lines = ["Ranked bottlenecks"]
        for i, b in enumerate(data.summary["bottlenecks"][:4], 1):
            u, sh = value(b.get("utilization")), value(b.get("wait_share"))
            lines.append(f"{i}. {b['name']}" + (f"  {u:.0%} busy" if u else "")
                         + (f", {sh:.0%} of waiting" if sh is not None else ""))
        legend_ax.text(0.5, 0.02, "\n".join(lines), transform=legend_ax.transAxes, fontsize=8.5, ha="center",
                       va="bottom", family="monospace",
                       bbox={"boxstyle": "round,pad=0.5", "fc": "#fff5f5", "ec": "#c00000"})


def _width(t: float, t_max: float) -> float:
    return 1.2 + 11.0 * t / t_max


def _nice_levels(t_max: float) -> list[float]:
    levels = [x for x in (0.25e6, 0.5e6, 1e6, 2e6, 3e6, 5e6, 10e6) if x <= t_max]
    return levels[-2:] if len(levels) >= 2 else levels


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


def _draw_map(ax, data: RunData, extent, util, tonnes, segments, top, place) -> None:
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
    colours, norm = cmap(UTIL_CMAP), Normalize(0, 1)
    for lid, link in links.items():
        style = LINK_STYLES.get(link.get("mode", "rail"), (0, (2, 2)))
        colour = colours(norm(util[lid])) if lid in util else "#9a9a9a"
        width = _width(tonnes.get(lid, 0.0), t_max) if tonnes else 3.0
        ax.add_collection(LineCollection([segments[lid]], colors=[colour], linewidths=[width], linestyles=[style],
                                         capstyle="butt", zorder=3))
    for n in nodes.values():
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


def _label_nodes(ax, nodes: dict, extent, labels: str) -> None:
    """Node names beside their markers, each put where it covers no other name or marker
    (`labels="main"`: the minor ones, and those with no room, left out).

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
