"""Link by link: how full each link of the corridor ran and how many tonnes went over it.

`links` is the resolved scenario's `links` mapping; `resources` the `resources` of a
summary.json (a run's, or replications' with their numbers as {mean, ci95}).
"""

from __future__ import annotations

import numpy as np

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


def link_tonnes(links: dict, visits, voyages, window: Window) -> dict[str, float]:
    """Per link id: tonnes per year carried over it in the measured window (both directions).

    Sea links from the voyages of their fleet; rail and pipeline links from the
    visits (a consignment moving from one node to the next), shared equally between
    parallel links of the same two nodes. `visits` and `voyages`: DataFrames or mappings of
    their columns (numpy arrays: a run writing its directory reads them so, without pandas)."""
    w0, w1, per_year = window.warmup_hours, window.end_hours, window.per_year
    out = {lid: 0.0 for lid in links}
    by_pair: dict[frozenset, list[str]] = {}
    for lid, link in links.items():
        if link.get("mode") != "sea":
            by_pair.setdefault(frozenset((link["from"], link["to"])), []).append(lid)
    consignment, arrival, departure = (np.asarray(visits[c]) for c in ("consignment", "arrival", "departure"))
    node, names = node_codes(visits)
    tonnes = np.asarray(visits["tonnes"], dtype=float)
    order = np.lexsort((departure, arrival, consignment))      # each consignment's visits in route order
    consignment, node, tonnes, departure = consignment[order], node[order], tonnes[order], departure[order]
    moves = np.flatnonzero((consignment[1:] == consignment[:-1]) & (departure[:-1] >= w0) & (departure[:-1] < w1))
    for (a, b), t in _sums(node[moves], node[moves + 1], weights=tonnes[moves]).items():
        lids = by_pair.get(frozenset((names[a], names[b])), [])
        for lid in lids:
            out[lid] += t * per_year / len(lids)
    departed = np.asarray(voyages["departed"], dtype=float)
    inside = (departed >= w0) & (departed < w1)
    fleets = np.asarray(voyages["fleet"], dtype=object)[inside]
    for (fleet,), t in _sums(fleets, weights=np.asarray(voyages["tonnes"], dtype=float)[inside]).items():
        lids = [lid for lid, link in links.items() if link.get("fleet") == fleet]
        for lid in lids:
            out[lid] = t * per_year / len(lids)
    return out


def node_tonnes(nodes: dict, visits, window: Window) -> dict[str, float]:
    """Per node id: tonnes per year that passed through it in the measured window (left it, or were
    delivered there: a visit's departure inside the window). `visits`: as for `link_tonnes`."""
    departure = np.asarray(visits["departure"], dtype=float)
    inside = (departure >= window.warmup_hours) & (departure < window.end_hours)
    node, names = node_codes(visits)
    sums = _sums(node[inside], weights=np.asarray(visits["tonnes"], dtype=float)[inside])
    by_name = {names[code]: t for (code,), t in sums.items()}
    return {nid: float(by_name.get(nid, 0.0)) * window.per_year for nid in nodes}


def node_codes(visits) -> tuple[np.ndarray, list[str]]:
    """The visits' nodes as integer codes into a list of names: given so (`node` codes and `node_names`, as
    a Parquet dictionary column reads) or made from the names (sorting strings: the slow way)."""
    if "node_names" in visits:
        return np.asarray(visits["node"]), list(visits["node_names"])
    names, codes = np.unique(np.asarray(visits["node"]).astype(str), return_inverse=True)
    return codes, [str(n) for n in names]


def _sums(*keys: np.ndarray, weights: np.ndarray) -> dict[tuple, float]:
    """The sum of `weights` per distinct combination of the `keys` columns (a group-by without pandas);
    integer keys stay integers, others are compared as text."""
    if not len(weights):
        return {}
    codes, uniques = [], []
    for k in keys:
        u, inverse = np.unique(k if k.dtype.kind in "iu" else k.astype(str), return_inverse=True)
        codes.append(inverse)
        uniques.append(u)
    combined = np.ravel_multi_index(codes, [len(u) for u in uniques])
    total = np.bincount(combined, weights=weights)
    present = np.flatnonzero(np.bincount(combined))
    return {tuple(u[i].item() if u.dtype.kind in "iu" else str(u[i])
                  for u, i in zip(uniques, np.unravel_index(c, [len(u) for u in uniques]))): float(total[c])
            for c in present}
