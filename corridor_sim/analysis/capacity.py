"""Static capacity of the network: max flow and min cut over link and node capacities.

Each element's capacity is turned into tonnes per year from the scenario alone
(no simulation): rail sections from trains per day, stations from tracks and
processing time, vessel fleets from their round trip (crossing, handling at the
berths, weather availability) and usable load, pipelines from their throughput.
Only the links and stations that the flows' routes use count, in the directions
they use them. The max flow from all origins to all destinations (networkx) is
an upper bound on what the corridor can carry — a single-commodity relaxation
that ignores batching waits and seasonality — and the min cut names the elements
that bound it.
"""

from __future__ import annotations

import networkx as nx

from ..scenario.network import link_graph, route_paths
from ..scenario.schema import PipelineLink, RailLink, Scenario, SeaLink, consignment_size, mean_of

HOURS_PER_YEAR = 365.0 * 24.0
SOURCE, SINK = "__origins__", "__destinations__"


def _mix(flows) -> dict:
    """Tonnes per wagon, per TEU and per tonne of the demand of `flows`, weighted by tonnes."""
    totals = {"tonnes": 0.0, "wagons": 0.0, "teu": 0.0}
    per_unit_tonnes = {"wagons": 0.0, "teu": 0.0}
    for f in flows:
        size = consignment_size(f)
        n = f.tonnes_per_year / size["tonnes"]
        totals["tonnes"] += f.tonnes_per_year
        for unit in ("wagons", "teu"):
            if size[unit] > 0:
                totals[unit] += n * size[unit]
                per_unit_tonnes[unit] += f.tonnes_per_year
    return {
        "wagons": per_unit_tonnes["wagons"] / totals["wagons"] if totals["wagons"] else 0.0,
        "teu": per_unit_tonnes["teu"] / totals["teu"] if totals["teu"] else 0.0,
        "tonnes": 1.0,
    }


def _users(scenario: Scenario) -> dict[str, list]:
    """The flows whose routes use each link and each node."""
    graph = link_graph(scenario)
    users: dict[str, list] = {}
    for fname, flow in scenario.flows.items():
        for nodes, links, _ in route_paths(scenario, graph, fname):
            for key in [f"links.{lid}" for lid in links] + [f"nodes.{n}.station" for n in nodes]:
                if flow not in users.setdefault(key, []):
                    users[key].append(flow)
    return users


def element_capacities(scenario: Scenario) -> dict[str, dict]:
    """Tonnes per year each element can carry, with how it was worked out."""
    users = _users(scenario)
    caps: dict[str, dict] = {}
    for lid, link in scenario.links.items():
        # Tonnes per unit of what actually goes over the element (all demand if unused).
        mix = _mix(users.get(f"links.{lid}") or scenario.flows.values())
        per_train = scenario.default_train_formation.max_wagons * mix["wagons"]
        if isinstance(link, RailLink):
            cap = link.capacity_trains_per_day * 365 * per_train
            how = f"{link.capacity_trains_per_day:g} trains/day x {per_train:,.0f} t"
            if link.tracks == 1:
                how += " (single track: both directions together)"
        elif isinstance(link, SeaLink):
            fleet = scenario.fleets[link.fleet]
            ports = [scenario.nodes[p] for p in (link.from_, link.to)]
            berths = [next(b for b in n.berths.values() if b.handles == fleet.unit) for n in ports]
            handling = sum(b.fixed_hours + fleet.usable_capacity / b.rate_per_hour for b in berths)
            crossing = mean_of(fleet.crossing_hours)
            open_share = 1.0
            for n in ports:
                if n.weather is not None:
                    open_share *= 1 - sum(n.weather.closed_share_by_month) / 12
            round_trip = 2 * crossing + 2 * handling  # loaded one way; the way back carries the other direction
            trips = fleet.vessels * HOURS_PER_YEAR * open_share / round_trip
            fleet_cap = trips * fleet.usable_capacity * mix[fleet.unit]
            berth_cap = min(b.count * HOURS_PER_YEAR * open_share / (b.fixed_hours + fleet.usable_capacity / b.rate_per_hour)
                            * fleet.usable_capacity * mix[fleet.unit] for b in berths)
            cap = min(fleet_cap, berth_cap)
            how = (f"{fleet.vessels} vessels x {trips / fleet.vessels:,.0f} round trips x {fleet.usable_capacity:g} "
                   f"{fleet.unit} (open {open_share:.0%})" if fleet_cap <= berth_cap
                   else f"berths: {berth_cap:,.0f} t/yr")
        elif isinstance(link, PipelineLink):
            cap, how = link.capacity_tonnes_per_year, "pipeline throughput (quota)"
        else:
            cap, how = float("inf"), "transfer: no limit"
        caps[f"links.{lid}"] = {"tonnes_per_year": cap, "basis": how}
    for nid, node in scenario.nodes.items():
        if node.station is not None:
            flows = users.get(f"nodes.{nid}.station") or list(scenario.flows.values())
            per_train = scenario.default_train_formation.max_wagons * _mix(flows)["wagons"]
            st = node.station
            per_service = mean_of(st.service_hours)
            if st.serves == "train":
                cap = st.servers * HOURS_PER_YEAR / per_service * per_train if per_service else float("inf")
                how = f"{st.servers} tracks x {per_service:g} h per train x {per_train:,.0f} t"
            else:
                mean_t = sum(consignment_size(f)["tonnes"] * f.tonnes_per_year for f in flows) / \
                    sum(f.tonnes_per_year for f in flows)
                cap = st.servers * HOURS_PER_YEAR / per_service * mean_t if per_service else float("inf")
                how = f"{st.servers} servers x {per_service:g} h per consignment"
            caps[f"nodes.{nid}.station"] = {"tonnes_per_year": cap, "basis": how}
    return caps


def static_capacity(scenario: Scenario) -> dict:
    """Max flow (tonnes/year) from the flows' origins to their destinations, and its min cut."""
    caps = element_capacities(scenario)
    g = nx.DiGraph()
    graph = link_graph(scenario)

    def add(u, v, cap, element):
        if g.has_edge(u, v):
            return
        attrs = {} if cap == float("inf") else {"capacity": cap}
        g.add_edge(u, v, element=element, **attrs)

    for fname, flow in scenario.flows.items():
        add(SOURCE, ("in", flow.origin), float("inf"), None)
        add(("out", flow.destination), SINK, float("inf"), None)
        for nodes, links, _ in route_paths(scenario, graph, fname):
            for n in nodes:
                key = f"nodes.{n}.station"
                add(("in", n), ("out", n), caps[key]["tonnes_per_year"] if key in caps else float("inf"),
                    key if key in caps else None)
            for a, b, lid in zip(nodes, nodes[1:], links):
                add(("out", a), ("in", b), caps[f"links.{lid}"]["tonnes_per_year"], f"links.{lid}")
    # max flow = min cut (value); the source side of the cut tells which elements bind
    value, (reach, _) = nx.minimum_cut(g, SOURCE, SINK) if _bounded(g) else (float("inf"), (set(), set()))
    cut = sorted({d["element"] for u, v, d in g.edges(data=True)
                  if u in reach and v not in reach and d.get("element")})
    return {
        "tonnes_per_year": value,
        "min_cut": [{"element": e, **caps[e]} for e in cut],
        "note": "single-commodity max flow over the capacities of the elements the routes use; an upper bound",
    }


def _bounded(g: nx.DiGraph) -> bool:
    """Whether every path from the origins to the destinations meets a finite capacity
    (otherwise the max flow is unbounded)."""
    h = nx.DiGraph((u, v) for u, v, d in g.edges(data=True) if "capacity" not in d)
    h.add_nodes_from([SOURCE, SINK])
    return not nx.has_path(h, SOURCE, SINK)
