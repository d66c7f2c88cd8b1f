"""Link by link: how full each link of the corridor ran and how many tonnes went over it.

`links` is the resolved scenario's `links` mapping; `resources` the `resources` of a
summary.json (a run's, or replications' with their numbers as {mean, ci95}).
"""

from __future__ import annotations

import pandas as pd

from .elements import resource_links
from .values import value
from .window import Window


def link_utilization(resources: list[dict], links: dict) -> dict[str, float]:
    """Per link id: the highest utilisation of the resources on it (its rail section in either
    direction, the fleet that sails it, the pipeline). Links with none are left out."""
    out: dict[str, float] = {}
    for r in resources:
        u = value(r.get("utilization"))
        if u is None:
            continue
        for lid in resource_links(r, links):
            out[lid] = max(out.get(lid, 0.0), u)
    return out


def link_tonnes(links: dict, visits: pd.DataFrame, voyages: pd.DataFrame, window: Window) -> dict[str, float]:
    """Per link id: tonnes per year carried over it in the measured window (both directions).

    Sea links from the voyages of their fleet; rail and pipeline links from the
    visits (a consignment moving from one node to the next), shared equally between
    parallel links of the same two nodes."""
    w0, w1, per_year = window.warmup_hours, window.end_hours, window.per_year
    out = {lid: 0.0 for lid in links}
    by_pair: dict[frozenset, list[str]] = {}
    for lid, link in links.items():
        if link.get("mode") != "sea":
            by_pair.setdefault(frozenset((link["from"], link["to"])), []).append(lid)
    v = visits.sort_values(["consignment", "arrival", "departure"], kind="stable")
    nxt = v.groupby("consignment", sort=False).node.shift(-1)
    moves = pd.DataFrame({"a": v.node, "b": nxt, "t": v.tonnes, "dep": v.departure}).dropna(subset=["b"])
    moves = moves[(moves.dep >= w0) & (moves.dep < w1)]
    for (a, b), t in moves.groupby(["a", "b"]).t.sum().items():
        lids = by_pair.get(frozenset((a, b)), [])
        for lid in lids:
            out[lid] += t * per_year / len(lids)
    voy = voyages[(voyages.departed >= w0) & (voyages.departed < w1)]
    for fleet, t in voy.groupby("fleet").tonnes.sum().items():
        lids = [lid for lid, link in links.items() if link.get("fleet") == fleet]
        for lid in lids:
            out[lid] = t * per_year / len(lids)
    return out


def node_tonnes(nodes: dict, visits: pd.DataFrame, window: Window) -> dict[str, float]:
    """Per node id: tonnes per year that passed through it in the measured window (left it, or were
    delivered there: a visit's departure inside the window)."""
    v = visits[(visits.departure >= window.warmup_hours) & (visits.departure < window.end_hours)]
    sums = v.groupby("node").tonnes.sum()
    return {nid: float(sums.get(nid, 0.0)) * window.per_year for nid in nodes}
