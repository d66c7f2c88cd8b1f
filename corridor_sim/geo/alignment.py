"""Each link as the line it is drawn along, and links between the same two nodes side by side.

A link runs from its `from` node through the points of its `path` (if it has one) to its `to`
node: the real alignment, where the scenario gives it (a sea line around a peninsula, the BTC
pipeline along its route), else the straight chord. Several links between the same two nodes (the
Caspian ferry, Ro-Pax and feeder lines from Turkmenbashi to Alat) would be drawn on top of each
other: `side_by_side` shifts each sideways by its place in the bundle, so that each is seen.
"""

from __future__ import annotations

import math

Line = list[tuple[float, float]]


def link_line(link: dict, nodes: dict) -> Line:
    """The link's line in (lon, lat): its `from` node, its path's points, its `to` node."""
    a, b = nodes[link["from"]], nodes[link["to"]]
    inner = [(float(x), float(y)) for x, y in link.get("path") or []]
    return [(float(a["lon"]), float(a["lat"])), *inner, (float(b["lon"]), float(b["lat"]))]


def link_lines(scenario: dict) -> dict[str, Line]:
    """Every link of a resolved scenario as its line."""
    nodes = scenario["nodes"]
    return {lid: link_line(link, nodes) for lid, link in (scenario.get("links") or {}).items()}


def bundles(links: dict) -> dict[str, tuple[int, int]]:
    """Each link's place in the bundle of links between the same two nodes, and the bundle's size."""
    members: dict[frozenset, list[str]] = {}
    for lid, link in links.items():
        members.setdefault(frozenset((link["from"], link["to"])), []).append(lid)
    return {lid: (group.index(lid), len(group)) for group in members.values() for lid in group}


def side_by_side(lines: dict[str, Line], links: dict, spacing: float) -> dict[str, Line]:
    """The lines with each link of a bundle moved sideways by `spacing` (degrees) times its place
    (centred on the bundle: two links at ±spacing/2). Measured across its own direction of travel in a
    fixed orientation (from the bundle's first node), so the order holds whichever way a link is given."""
    out = {}
    place = bundles(links)
    for lid, line in lines.items():
        k, n = place.get(lid, (0, 1))
        shift = (k - (n - 1) / 2) * spacing
        if n == 1 or shift == 0:
            out[lid] = list(line)
            continue
        link = links[lid]
        flip = -1.0 if str(link["from"]) > str(link["to"]) else 1.0
        out[lid] = _shifted(line, shift * flip)
    return out


def _shifted(line: Line, shift: float) -> Line:
    """The line moved `shift` to the left of its direction at each point (the mean of its neighbours' normals)."""
    out = []
    for i, (x, y) in enumerate(line):
        (x0, y0), (x1, y1) = line[max(0, i - 1)], line[min(len(line) - 1, i + 1)]
        coslat = math.cos(math.radians(y)) or 1e-9
        dx, dy = (x1 - x0) * coslat, y1 - y0
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length, dx / length           # left normal, in ground units
        out.append((x + nx * shift / coslat, y + ny * shift))
    return out


def midpoint(line: Line) -> tuple[float, float]:
    """The point halfway along the line (by length on the ground): where a link's hover mark or name goes."""
    lengths = [_ground(a, b) for a, b in zip(line, line[1:])]
    half = sum(lengths) / 2
    for (a, b), length in zip(zip(line, line[1:]), lengths):
        if half <= length and length > 0:
            t = half / length
            return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
        half -= length
    return line[-1]


def _ground(a, b) -> float:
    coslat = math.cos(math.radians((a[1] + b[1]) / 2))
    return math.hypot((b[0] - a[0]) * coslat, b[1] - a[1])
