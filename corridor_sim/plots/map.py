"""The corridor map: Natural Earth's land, seas and borders under it; each link along its alignment,
coloured by how full it ran and as wide as the tonnes it carried; the top bottleneck ringed and named.

Widths are on a scale in tonnes per year per millimetre (`t_per_mm`): by default one that makes the
busiest link about 4 mm wide, or a fixed one, the same for two maps that are to be compared
(`run --plots --map-scale`). Links between the same two nodes are drawn side by side; names are
placed where they strike nothing (`placement`).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

from ..analysis import links as link_analysis
from ..analysis.elements import resource_links, resource_node
from ..analysis.labels import label, resource_labels
from ..geo.alignment import link_lines, midpoint, side_by_side
from ..geo.basemap import load_basemap
from ..rundir import NotARunDirectory, RunData, load_run
from .common import UTIL_CMAP, cmap, figure, percent_formatter, run_footnote, scalar_mappable, value
from .geodata import COUNTRIES, SMALL_COUNTRIES
from .placement import CENTRED, Placer

NODE_MARKERS = {"origin_terminal": ("^", 80), "port": ("s", 55), "gauge_change": ("D", 50),
                "border_station": ("D", 45), "hub": ("o", 55), "destination": ("*", 170), "junction": ("o", 20),
                "station": ("o", 30)}
NODE_RANK = {"port": 0, "origin_terminal": 0, "destination": 0, "hub": 1, "gauge_change": 1, "border_station": 1,
             "station": 2, "junction": 3}   # whose name is placed first, where names crowd
LINK_STYLES = {"rail": "solid", "sea": (0, (4, 2)), "pipeline": (0, (1, 1.5)), "road": (0, (6, 1.5, 1, 1.5))}
LAND, SEA, BORDER = "#f3f0e6", "#d5e5f3", "#b9b2a3"
POINTS_PER_MM = 72 / 25.4
WIDEST_MM = 4.0          # the default scale: the busiest link this wide


def link_utilization(data) -> dict[str, float]:
    """Per link id: the highest utilisation of the resources on it (see `analysis.links`)."""
    data = load_run(data)
    return link_analysis.link_utilization(data.summary.get("resources", []), data.scenario.get("links") or {})


def link_tonnes(data) -> dict[str, float]:
    """Per link id: tonnes per year carried over it in the measured window (see `analysis.links`)."""
    data = load_run(data)
    return link_analysis.link_tonnes(data.scenario.get("links") or {}, data.visits, data.voyages, data.window)


def default_scale(tonnes: dict[str, float]) -> float:
    """Tonnes per year per mm that make the busiest link about WIDEST_MM wide, rounded up to 1, 2 or 5 × 10^k."""
    top = max(tonnes.values(), default=0.0) / WIDEST_MM
    if top <= 0:
        return 1e5
    power = 10 ** math.floor(math.log10(top))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= top)


def width_points(tonnes: float, t_per_mm: float) -> float:
    """A link's line width in points: its tonnes on the scale, never thinner than a hairline that shows."""
    return max(0.8, tonnes / t_per_mm * POINTS_PER_MM)


def corridor_map(data, zoom: bool | tuple = True, t_per_mm: float | None = None) -> Figure:
    """Natural Earth's ground; links along their alignment, coloured by utilisation and as wide as the
    tonnes they carried (`t_per_mm`: a fixed scale, tonnes per year per mm of width); the top bottleneck
    ringed in red and named.

    A long corridor gets a second, larger panel around its top bottleneck (`zoom=False` for the
    overview alone, or `zoom=(lon_min, lon_max, lat_min, lat_max)`)."""
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
    scale = t_per_mm or default_scale(tonnes)
    top = (data.summary.get("bottlenecks") or [None])[0]
    lines = link_lines(data.scenario)
    place = _resource_place(data.resource(top["name"]) or {}, nodes, data.scenario.get("links") or {},
                            lines) if top else None
    box = None
    if isinstance(zoom, tuple):
        box = zoom
    elif zoom and full[1] - full[0] > 35:
        cx, cy = place if place else ((full[0] + full[1]) / 2, (full[2] + full[3]) / 2)
        box = (cx - 10.5, cx + 10.5, cy - 4.8, cy + 4.8)
    panels = []
    if box is None:
        fig = figure(13, 7.4)
        ax = fig.add_subplot()
        panels.append((ax, full, top))
        legend_ax = ax
    else:
        fig = figure(13, 11.0)
        grid = fig.add_gridspec(2, 2, height_ratios=[1, 1.55], width_ratios=[1.75, 1])
        ax = fig.add_subplot(grid[0, :])
        ax.add_patch(Rectangle((box[0], box[2]), box[1] - box[0], box[3] - box[2], fill=False, ec="#444", lw=1,
                               ls="--", zorder=8))
        ax.text(box[0], box[2] - 0.3, "detail below", fontsize=7.5, color="#444", va="top")
        legend_ax = fig.add_subplot(grid[1, 1])
        legend_ax.axis("off")
        zax = fig.add_subplot(grid[1, 0])
        zax.set_title("detail: around the top bottleneck", fontsize=10, loc="left")
        panels += [(ax, full, None), (zax, box, top)]
    for axis, extent, ring in panels:
        _draw_map(axis, data, extent, util, tonnes, scale, lines, ring, place)
    _legend(fig, legend_ax, data, tonnes, scale, top, detail=box is not None)
    rep = " (utilisation: means over replications; tonnes: first replication)" if data.is_replications else ""
    fig.suptitle(f"{data.name}: utilisation and tonnes carried per link{rep}", fontsize=13, x=0.01, ha="left")
    run_footnote(fig, data)
    fig.draw_without_rendering()  # the layout first: names are placed in display space
    drawn_lines = list(lines.values())
    for i, (axis, extent, ring) in enumerate(panels):
        _names(axis, data, extent, ring and place, overview=box is not None and i == 0, lines=drawn_lines)
    return fig


def _legend(fig: Figure, legend_ax, data: RunData, tonnes: dict, scale: float, top: dict | None,
            detail: bool) -> None:
    """The colour bar, the key to lines, widths (on the map's scale) and markers, and the ranked bottlenecks."""
    sm = scalar_mappable(cmap(UTIL_CMAP), Normalize(0, 1))
    bar = fig.colorbar(sm, ax=legend_ax, shrink=0.45 if detail else 0.7, pad=0.01,
                       location="top" if detail else "right")
    bar.set_label("utilisation of the link's rail section, fleet or pipeline", fontsize=8.5)
    bar.ax.xaxis.set_major_formatter(percent_formatter())
    bar.ax.yaxis.set_major_formatter(percent_formatter())
    handles = [Line2D([], [], color="#555", lw=2, ls=ls, label=lab)
               for ls, lab in (("solid", "rail"), ((0, (4, 2)), "sea (fleet)"), ((0, (1, 1.5)), "pipeline"),
                               ((0, (6, 1.5, 1, 1.5)), "road"))]
    handles.append(Line2D([], [], color="#9a9a9a", lw=2, label="no capacity limit modelled"))
    if tonnes:
        for mt in _nice_levels(max(tonnes.values(), default=0.0)):
            handles.append(Line2D([], [], color="#555", lw=width_points(mt, scale), label=f"{mt / 1e6:g} Mt/yr"))
    kinds = [("^", "origin terminal"), ("D", "gauge change / border"), ("s", "port"), ("o", "hub or junction"),
             ("*", "destination")]
    handles += [Line2D([], [], marker=m, color="#222", mfc="white", ls="", label=lab) for m, lab in kinds]
    if top and detail:
        handles.append(Line2D([], [], marker="o", ms=14, mfc="none", mec="#c00000", mew=2, ls="",
                              label="top bottleneck"))
    legend_ax.legend(handles=handles, loc="center" if detail else "upper right", fontsize=8.5, framealpha=0.9,
                     title=f"links (width: 1 mm = {scale / 1e6:g} Mt/yr carried)", title_fontsize=8.5, ncols=1)
    if detail and data.summary.get("bottlenecks"):
        names = resource_labels(data.summary.get("resources") or [], data.scenario)
        lines = ["Ranked bottlenecks"]
        for i, b in enumerate(data.summary["bottlenecks"][:4], 1):
            u, sh = value(b.get("utilization")), value(b.get("wait_share"))
            lines.append(f"{i}. {names.get(b['name'], b['name'])}" + (f"  {u:.0%} busy" if u else "")
                         + (f", {sh:.0%} of waiting" if sh is not None else ""))
        legend_ax.text(0.5, 0.02, "\n".join(lines), transform=legend_ax.transAxes, fontsize=8.5, ha="center",
                       va="bottom", family="monospace",
                       bbox={"boxstyle": "round,pad=0.5", "fc": "#fff5f5", "ec": "#c00000"})


def _nice_levels(t_max: float) -> list[float]:
    levels = [x for x in (0.25e6, 0.5e6, 1e6, 2e6, 3e6, 5e6, 10e6) if x <= t_max]
    return levels[-2:] if len(levels) >= 2 else levels


def _resource_place(res: dict, nodes: dict, links: dict, lines: dict):
    """Where to mark a resource on the map: halfway along its link (the first its fleet sails), or its node."""
    lids = resource_links(res, links)
    if lids:
        return midpoint(lines[lids[0]])
    where = [n for n in [*(res.get("nodes") or []), resource_node(res)] if n in nodes]
    if where:
        return nodes[where[0]]["lon"], nodes[where[0]]["lat"]
    return None


def _oriented(ring, clockwise: bool) -> np.ndarray:
    pts = np.asarray(ring, dtype=float)
    area = 0.5 * np.sum(pts[:-1, 0] * pts[1:, 1] - pts[1:, 0] * pts[:-1, 1]) if len(pts) > 2 else 0.0
    return pts[::-1] if (area < 0) != clockwise else pts


def _polygon_patch(polygon, colour: str, edge: str, lw: float, zorder: float) -> PathPatch:
    """A polygon with holes (outer ring counter-clockwise, holes clockwise: the nonzero rule leaves them open)."""
    rings = [_oriented(polygon[0], False), *(_oriented(h, True) for h in polygon[1:])]
    path = Path.make_compound_path(*(Path(r, closed=True) for r in rings if len(r) > 2))
    return PathPatch(path, facecolor=colour, edgecolor=edge, lw=lw, zorder=zorder)


def _draw_ground(ax, extent) -> None:
    x0, x1, y0, y1 = extent
    base = load_basemap()
    ax.set_facecolor(SEA)

    def near(polygon) -> bool:
        xs, ys = zip(*polygon[0])
        return min(xs) < x1 and max(xs) > x0 and min(ys) < y1 and max(ys) > y0

    for polygon in base.land:
        if near(polygon):
            ax.add_patch(_polygon_patch(polygon, LAND, "#a9bccc", 0.5, 0))
    for polygon in base.water:
        if near(polygon):
            ax.add_patch(_polygon_patch(polygon, SEA, "#a9bccc", 0.5, 0.5))
    ax.add_collection(LineCollection(base.borders, colors=BORDER, linewidths=0.7, linestyles=(0, (3, 1.5)), zorder=1))


def _draw_map(ax, data: RunData, extent, util, tonnes, scale, lines, top, place) -> None:
    nodes, links = data.scenario["nodes"], data.scenario.get("links") or {}
    x0, x1, y0, y1 = extent
    ax.set_aspect(1.0 / math.cos(math.radians((y0 + y1) / 2)))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    _draw_ground(ax, extent)
    drawn = side_by_side(lines, links, spacing=(x1 - x0) / 160)
    colours, norm = cmap(UTIL_CMAP), Normalize(0, 1)
    for lid, link in links.items():
        style = LINK_STYLES.get(link.get("mode", "rail"), (0, (2, 2)))
        colour = colours(norm(util[lid])) if lid in util else "#9a9a9a"
        width = width_points(tonnes.get(lid, 0.0), scale) if tonnes else 3.0
        ax.add_collection(LineCollection([drawn[lid]], colors=[colour], linewidths=[width], linestyles=[style],
                                         capstyle="butt", joinstyle="round", zorder=3))
    for n in nodes.values():
        marker, size = NODE_MARKERS.get(n.get("kind"), ("o", 30))
        ax.scatter([n["lon"]], [n["lat"]], marker=marker, s=size, facecolor="white", edgecolor="#222", lw=1.1,
                   zorder=5)
    if top and place:
        x, y = place
        ax.scatter([x], [y], s=1100, facecolor="none", edgecolor="#c00000", lw=2.5, zorder=6)
        name = resource_labels(data.summary.get("resources") or [], data.scenario).get(top["name"], top["name"])
        u, share = value(top.get("utilization")), value(top.get("wait_share"))
        text = f"Top bottleneck: {name}" + (f"\nutilisation {u:.0%}" if u else "") \
            + (f", {share:.0%} of all waiting" if share is not None else "")
        ax.annotate(text, (x, y), xytext=(0.72, 0.07), textcoords="axes fraction", ha="center", fontsize=9.5,
                    color="#c00000", fontweight="bold", zorder=7,
                    bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#c00000", "alpha": 0.93},
                    arrowprops={"arrowstyle": "->", "color": "#c00000", "lw": 1.5})
    ax.set_xlabel("longitude (°E)", fontsize=8)
    ax.set_ylabel("latitude (°N)", fontsize=8)
    ax.tick_params(labelsize=7.5)
    ax.grid(color="#c9d6e2", lw=0.4)


def _names(ax, data: RunData, extent, ring, overview: bool, lines=()) -> None:
    """The nodes' names (display names), then the countries' and the seas', each where it strikes nothing.
    On the overview above a detail, only the main nodes are named (the detail names the rest); `ring`: where
    the top bottleneck is ringed, kept clear."""
    nodes = data.scenario["nodes"]
    x0, x1, y0, y1 = extent
    placer = Placer(ax)
    inside = {nid: n for nid, n in nodes.items() if x0 < n["lon"] < x1 and y0 < n["lat"] < y1}
    for n in inside.values():
        placer.block(n["lon"], n["lat"])
    if ring:
        placer.block(*ring, radius=19.0)
    for line in lines:
        placer.block_line(line)
    for nid, n in sorted(inside.items(), key=lambda kv: (NODE_RANK.get(kv[1].get("kind"), 3), -kv[1]["lat"])):
        minor = NODE_RANK.get(n.get("kind"), 3) >= 2
        if overview and minor:
            continue
        placer.place(label(data.scenario, "nodes", nid), n["lon"], n["lat"], 7 if minor else 8.5,
                     color="#555" if minor else "#111", zorder=6,
                     bbox={"boxstyle": "round,pad=0.08", "fc": "white", "ec": "none", "alpha": 0.75})
    span = x1 - x0
    for code in sorted({n.get("country") for n in nodes.values() if n.get("country")}):
        name, la, lo = COUNTRIES.get(code, (code, None, None))
        if la is None or (span > 35 and code in SMALL_COUNTRIES):
            continue
        if x0 < lo < x1 and y0 < la < y1:
            placer.place(name.upper(), lo, la, 11 if span > 35 else 13, CENTRED, clear_of_lines=True,
                         color="#bdb6a5", fontweight="bold", zorder=1)
    for sea, lo, la in load_basemap().seas:
        if x0 < lo < x1 and y0 < la < y1:
            placer.place(sea, lo, la, 8 if span > 35 else 10, CENTRED, clear_of_lines=True, color="#5f85ad",
                         style="italic", zorder=1)
