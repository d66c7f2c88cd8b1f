"""The corridor as GeoJSON: nodes as points, links as lines along their alignment, each with what the
run measured on it — what QGIS, a web map or a notebook opens as it is (network.geojson).

Properties, flat (a GIS shows a flat table): every feature has `id`, `label` and `kind` (a node's
kind; a link's mode); a link also `from`, `to`, `distance_km`, `fleet`; then the results —

    tonnes_per_year              carried over the link (both directions) or through the node, in the window
    utilization, occupancy       the highest of the resources on it (its rail section, fleet or pipeline;
                                 its station, berths, yard); resources: their display names
    mean_wait_hours              the longest mean wait among them
    wait_tonne_hours_<cause>     their waits in the window by cause (capacity, load, timetable,
                                 port_closed, yard_full, embargo)
    cost_<rate>                  where the scenario prices it: its own rates in `costs.links` / `costs.nodes`
    co2e_kg_per_tkm, co2e_tonnes_per_year   a sea line's intensity (ISO 14083, from the run's sailings) and
                                 what its cargo emitted per year; co2e_<factor> a node's factors

Numbers of replications are their means (`mean_network`: the tonnes averaged over the replications'
own network.geojson). Coordinates are WGS84 longitude, latitude (RFC 7946).
"""

from __future__ import annotations

import json

from ..analysis.elements import resource_links, resource_node
from ..analysis.links import link_tonnes, node_tonnes
from ..analysis.labels import label, resource_labels
from ..analysis.values import value
from ..layout import NETWORK
from .alignment import link_lines

CAUSES = ("capacity", "load", "timetable", "port_closed", "yard_full", "embargo")


def network_geojson(scenario: dict, summary: dict, link_tonnes: dict[str, float] | None = None,
                    node_tonnes: dict[str, float] | None = None) -> dict:
    """The FeatureCollection of a resolved scenario and its run's summary (tonnes from `analysis.links`;
    None where the records are not at hand)."""
    nodes, links = scenario["nodes"], scenario.get("links") or {}
    resources = summary.get("resources") or []
    names = resource_labels(resources, scenario)
    on_link: dict[str, list[dict]] = {lid: [] for lid in links}
    at_node: dict[str, list[dict]] = {nid: [] for nid in nodes}
    for r in resources:
        for lid in resource_links(r, links):
            on_link[lid].append(r)
        nid = resource_node(r)
        if nid in at_node:
            at_node[nid].append(r)
    costs = scenario.get("costs") or {}
    emissions = scenario.get("emissions") or {}
    lines = summary.get("co2e_lines") or {}
    features = []
    for nid, node in nodes.items():
        props = {"id": nid, "label": label(scenario, "nodes", nid), "kind": node.get("kind"),
                 "country": node.get("country"), "name": node.get("name")}
        if node_tonnes is not None:
            props["tonnes_per_year"] = node_tonnes.get(nid, 0.0)
        props |= _results(at_node[nid], names)
        props |= _rates("cost", (costs.get("nodes") or {}).get(nid))
        props |= _rates("co2e", (emissions.get("nodes") or {}).get(nid))
        features.append({"type": "Feature", "id": f"nodes.{nid}", "properties": props,
                         "geometry": {"type": "Point", "coordinates": [float(node["lon"]), float(node["lat"])]}})
    for lid, line in link_lines(scenario).items():
        link = links[lid]
        props = {"id": lid, "label": label(scenario, "links", lid), "kind": link.get("mode"),
                 "from": link["from"], "to": link["to"], "distance_km": link.get("distance_km"),
                 "fleet": link.get("fleet")}
        if link_tonnes is not None:
            props["tonnes_per_year"] = link_tonnes.get(lid, 0.0)
        props |= _results(on_link[lid], names)
        props |= _rates("cost", (costs.get("links") or {}).get(lid))
        sea = lines.get(lid)
        if isinstance(sea, dict) and value(sea.get("kgco2e_per_tkm")) is not None:
            intensity = value(sea["kgco2e_per_tkm"])
            props["co2e_kg_per_tkm"] = intensity
            if link_tonnes is not None and link.get("distance_km"):
                props["co2e_tonnes_per_year"] = intensity * link_tonnes.get(lid, 0.0) * float(link["distance_km"]) / 1e3
        features.append({"type": "Feature", "id": f"links.{lid}", "properties": props,
                         "geometry": {"type": "LineString", "coordinates": [[x, y] for x, y in line]}})
    return {"type": "FeatureCollection", "name": str(summary.get("scenario") or scenario.get("name") or "corridor"),
            "features": features}


def _results(resources: list[dict], names: dict[str, str]) -> dict:
    """What the resources on a link or at a node measured, flat."""
    if not resources:
        return {}
    out: dict = {"resources": "; ".join(names.get(r.get("name"), str(r.get("name"))) for r in resources)}
    for key in ("utilization", "occupancy", "mean_wait_hours"):
        found = [value(r.get(key)) for r in resources if value(r.get(key)) is not None]
        if found:
            out[key] = max(found)
    waits = {c: 0.0 for c in CAUSES}
    for r in resources:
        for cause, v in (r.get("waits_by_cause") or {}).items():
            waits[cause] = waits.get(cause, 0.0) + (value(v) or 0.0)
    out |= {f"wait_tonne_hours_{c}": v for c, v in waits.items()}
    return out


def _rates(prefix: str, rates) -> dict:
    """A link's or node's own rates or factors (`usd_per_teu: 120` -> `cost_usd_per_teu`)."""
    if not isinstance(rates, dict):
        return {}
    return {f"{prefix}_{k}": float(v) for k, v in rates.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def mean_network(scenario: dict, summary: dict, docs: list[dict]) -> dict:
    """The FeatureCollection of replications: the aggregated summary's results (means), and each node's
    and link's tonnes the mean over the replications' own network.geojson (`docs`)."""
    totals: dict[str, float] = {}
    for doc in docs:
        for f in doc.get("features") or []:
            t = (f.get("properties") or {}).get("tonnes_per_year")
            if isinstance(t, (int, float)):
                totals[f["id"]] = totals.get(f["id"], 0.0) + t
    n = max(1, len(docs))
    links = {lid: totals.get(f"links.{lid}", 0.0) / n for lid in scenario.get("links") or {}} if docs else None
    nodes = {nid: totals.get(f"nodes.{nid}", 0.0) / n for nid in scenario["nodes"]} if docs else None
    return network_geojson(scenario, summary, links, nodes)


def run_network(data) -> dict:
    """network.geojson of a run or replications (a `rundir.RunData`): its directory's own file when it has
    one (of replications: their means), else made from its records (a run in memory, an older directory)."""
    file = data.path / NETWORK if data.path is not None else None
    if file is not None and file.is_file():
        try:
            doc = json.loads(file.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
                return doc
        except (OSError, ValueError):
            pass   # unreadable: made again from the records below
    links = data.scenario.get("links") or {}
    return network_geojson(data.scenario, data.summary, link_tonnes(links, data.visits, data.voyages, data.window),
                           node_tonnes(data.scenario["nodes"], data.visits, data.window))
