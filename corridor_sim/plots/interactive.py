"""The corridor map as a Plotly figure: the same map as `map.png`, with hover details on every node and
link — for the explorer and for `report --interactive` (embedded there with Plotly's script inline).

It is drawn on the corridor's own lon/lat plane over the shipped Natural Earth basemap, as Plotly
`Scatter` traces, not a `geo` trace: Plotly's geo traces fetch their outlines from a CDN, and
neither the explorer nor the report loads anything from the network. Plotly is optional (the
`explore` extra): importing this module without it raises ImportError.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ..analysis.labels import label
from ..analysis.links import link_utilization
from ..geo.alignment import link_lines, midpoint, side_by_side
from ..geo.basemap import load_basemap
from ..geo.network import run_network
from ..rundir import load_run
from .map import default_scale

LAND, SEA, BORDER = "#f3f0e6", "#d5e5f3", "#b9b2a3"
PX_PER_MM = 96 / 25.4   # CSS pixels: a browser draws 96 to the inch
NAMED_KINDS = {"port", "origin_terminal", "destination", "hub", "gauge_change"}   # named on the map; the rest on hover


def _hover(props: dict) -> str:
    """A feature's properties as hover lines: its name, then its results (tonnes, utilisation, waits, cost, CO2)."""
    lines = [f"<b>{props.get('label')}</b> ({props.get('kind')})"]
    for key, v in props.items():
        if key in ("id", "label", "kind", "name", "from", "to", "fleet", "country") or v in (None, 0, 0.0, ""):
            continue
        if isinstance(v, float):
            v = f"{v:.0%}" if key in ("utilization", "occupancy") else f"{v:,.1f}" if abs(v) < 100 else f"{v:,.0f}"
        lines.append(f"{key.replace('_', ' ')}: {v}")
    return "<br>".join(lines)


def interactive_map(data, t_per_mm: float | None = None) -> go.Figure:
    """The corridor on its ground: links along their paths, coloured by utilisation, as wide as their tonnes
    (1 mm per `t_per_mm` tonnes a year; default the PNG map's round scale, `map.default_scale`); hover on a
    node or a link (its midpoint) for everything the run measured there. The scale is in `layout.meta`."""
    data = load_run(data)
    scenario = data.scenario
    links = scenario.get("links") or {}
    nodes = scenario["nodes"]
    doc = run_network(data)
    props = {f["id"]: f["properties"] for f in doc["features"]}
    util = link_utilization(data.summary.get("resources") or [], links)
    lons = [n["lon"] for n in nodes.values()]
    lats = [n["lat"] for n in nodes.values()]
    box = (min(lons) - 3, max(lons) + 3, min(lats) - 2.5, max(lats) + 2.5)
    fig = go.Figure()
    _ground(fig, box)
    drawn = side_by_side(link_lines(scenario), links, spacing=(box[1] - box[0]) / 160)
    tonnes = {lid: props[f"links.{lid}"].get("tonnes_per_year") or 0.0 for lid in links}
    scale = t_per_mm or default_scale(tonnes)   # the PNG map's scale: the same tonnes as wide on both
    for lid, line in drawn.items():
        p = props[f"links.{lid}"]
        u = util.get(lid)
        width = max(1.0, tonnes[lid] / scale * PX_PER_MM)
        xs, ys = zip(*line)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": width, "color": _colour(u),
                                 "dash": "dash" if links[lid].get("mode") == "sea" else "solid"},
                                 hoverinfo="skip", showlegend=False))
        mx, my = midpoint(line)
        fig.add_trace(go.Scatter(x=[mx], y=[my], mode="markers", marker={"size": 9, "color": _colour(u), "opacity": 0.9},
                                 hovertext=[_hover(p)], hoverinfo="text", showlegend=False, name=lid,
                                 customdata=[f"links.{lid}"]))
    ids = list(nodes)
    fig.add_trace(go.Scatter(x=[nodes[n]["lon"] for n in ids], y=[nodes[n]["lat"] for n in ids], mode="markers+text",
                             marker={"size": 9, "color": "white", "line": {"width": 1.2, "color": "#222"}},
                             text=[label(scenario, "nodes", n) if nodes[n].get("kind") in NAMED_KINDS else ""
                                   for n in ids], textposition="top right",
                             textfont={"size": 10}, hovertext=[_hover(props[f"nodes.{n}"]) for n in ids],
                             hoverinfo="text", showlegend=False, customdata=[f"nodes.{n}" for n in ids]))
    coslat = math.cos(math.radians((box[2] + box[3]) / 2))
    fig.update_xaxes(range=box[:2], showgrid=False, zeroline=False, title="longitude (°E)")
    fig.update_yaxes(range=box[2:], showgrid=False, zeroline=False, title="latitude (°N)",
                     scaleanchor="x", scaleratio=1 / coslat)
    fig.update_layout(meta={"t_per_mm": scale},   # the width scale: another map drawn on it compares with this one
                      plot_bgcolor=SEA, margin={"l": 40, "r": 10, "t": 30, "b": 40}, height=520,
                      title={"text": f"{data.name}: utilisation (colour) and tonnes (width: 1 mm = {scale / 1e6:g} "
                                     f"Mt/yr) per link; hover for details", "font": {"size": 13}})
    return fig


def _colour(u) -> str:
    """Green idle to red full (the PNG map's RdYlGn_r), grey where no capacity limit is modelled."""
    if u is None:
        return "#9a9a9a"
    stops = [(0.0, (26, 152, 80)), (0.5, (254, 224, 139)), (1.0, (215, 48, 39))]
    u = min(1.0, max(0.0, u))
    (a, ca), (b, cb) = (stops[0], stops[1]) if u <= 0.5 else (stops[1], stops[2])
    t = (u - a) / (b - a)
    return "rgb({},{},{})".format(*(round(x + (y - x) * t) for x, y in zip(ca, cb)))


def _ground(fig: go.Figure, box) -> None:
    """Natural Earth's land (filled), lakes and the Caspian, and borders, inside the box: one trace each."""
    base = load_basemap()
    x0, x1, y0, y1 = box

    def near(ring) -> bool:
        xs, ys = zip(*ring)
        return min(xs) < x1 and max(xs) > x0 and min(ys) < y1 and max(ys) > y0

    for polygons, colour in ((base.land, LAND), (base.water, SEA)):
        xs, ys = [], []
        for polygon in polygons:
            if near(polygon[0]):
                xs += [p[0] for p in polygon[0]] + [None]
                ys += [p[1] for p in polygon[0]] + [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, fill="toself", fillcolor=colour, mode="lines",
                                 line={"width": 0.5, "color": "#a9bccc"}, hoverinfo="skip", showlegend=False))
    xs, ys = [], []
    for line in base.borders:
        if near(line):
            xs += [p[0] for p in line] + [None]
            ys += [p[1] for p in line] + [None]
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line={"width": 0.7, "color": BORDER, "dash": "dot"},
                             hoverinfo="skip", showlegend=False))
