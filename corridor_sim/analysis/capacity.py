"""Static capacity of the network: max flow and min cut over link and node capacities.

Each element's capacity is turned into tonnes per year from the scenario alone
(no simulation): rail sections from trains per day, stations from tracks and
processing time, vessel fleets from their round trip (crossing, handling at the
berths, weather availability) and usable load, pipelines from their throughput.
Only the links and stations that the flows' routes use count, in the directions
they use them. Two bounds come out: how far the demand can grow before its first
element is full, and, per direction, the max flow from origins to destinations
with the min cut that bounds it (`scenario/graph.py`). Both ignore batching waits and
seasonality: upper bounds on what the corridor can carry.
"""

from __future__ import annotations

import math

from ..scenario.graph import FlowNetwork
from ..scenario.durations import mean_of
from ..scenario.network import LinkGraphs, route_paths
from ..scenario.flows import consignment_size
from ..scenario.schema import PipelineLink, RailLink, Scenario, SeaLink
from ..scenario.sea import line_capacity, line_crossing

HOURS_PER_YEAR = 365.0 * 24.0
SOURCE, SINK = "__origins__", "__destinations__"


COUNTED = ("wagons", "teu", "vehicles", "lane_metres")


def _mix(flows) -> dict:
    """Tonnes per wagon, per TEU, per road vehicle, per lane metre and per tonne of the demand of `flows`,
    weighted by tonnes (over the flows that count in that unit)."""
    totals = dict.fromkeys(COUNTED, 0.0)
    per_unit_tonnes = dict.fromkeys(COUNTED, 0.0)
    for f in flows:
        size = consignment_size(f)
        n = f.tonnes_per_year / size["tonnes"]
        for unit in COUNTED:
            if size[unit] > 0:
                totals[unit] += n * size[unit]
                per_unit_tonnes[unit] += f.tonnes_per_year
    return {**{unit: per_unit_tonnes[unit] / totals[unit] if totals[unit] else 0.0 for unit in COUNTED},
            "tonnes": 1.0}


def all_route_paths(scenario: Scenario) -> dict[str, list]:
    """Each flow's route options as (nodes, link ids, share), worked out once."""
    graphs = LinkGraphs(scenario)
    return {fname: route_paths(scenario, graphs, fname) for fname in scenario.flows}


def _users(scenario: Scenario, paths: dict[str, list]) -> dict[str, list]:
    """The flows whose routes use each link and each node."""
    users: dict[str, list] = {}
    for fname, flow in scenario.flows.items():
        for nodes, links, _ in paths[fname]:
            for key in [f"links.{lid}" for lid in links] + [f"nodes.{n}.station" for n in nodes]:
                if flow not in users.setdefault(key, []):
                    users[key].append(flow)
    return users


def element_capacities(scenario: Scenario, paths: dict[str, list] | None = None) -> dict[str, dict]:
    """Tonnes per year each element can carry, with how it was worked out."""
    users = _users(scenario, paths if paths is not None else all_route_paths(scenario))
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
            load = line_capacity(scenario, link)
            ports = [scenario.nodes[p] for p in (link.from_, link.to)]
            berths = [next(b for b in n.berths.values() if b.handles == fleet.unit) for n in ports]
            handling = sum(b.fixed_hours + load / b.rate_per_hour for b in berths)
            crossing = mean_of(line_crossing(scenario, link))
            open_share = 1.0
            for n in ports:
                if n.weather is not None:
                    open_share *= 1 - sum(n.weather.closed_share_by_month) / 12
            # Loaded one way (load at one port, unload at the other), back in ballast or with
            # the other direction's cargo: the most one direction can get. A fleet serving several
            # lines gives each all its vessels here: an upper bound for each line.
            round_trip = 2 * crossing + handling
            trips = fleet.vessels * HOURS_PER_YEAR * open_share / round_trip
            fleet_cap = trips * load * mix[fleet.unit]
            berth_cap = min(b.count * HOURS_PER_YEAR * open_share / (b.fixed_hours + load / b.rate_per_hour)
                            * load * mix[fleet.unit] for b in berths)
            cap = min(fleet_cap, berth_cap)
            how = (f"{fleet.vessels} vessels x {trips / fleet.vessels:,.0f} round trips x {load:g} "
                   f"{fleet.unit} (open {open_share:.0%})" if fleet_cap <= berth_cap
                   else f"berths: {berth_cap:,.0f} t/yr")
        elif isinstance(link, PipelineLink):
            cap, how = link.capacity_tonnes_per_year, "pipeline throughput (quota)"
        else:
            cap, how = float("inf"), "no capacity limit (transfer, road)"
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


def static_capacity(scenario: Scenario, observed_shares: dict[str, list[float]] | None = None,
                    paths: dict[str, list] | None = None) -> dict:
    """Static capacity of the corridor for its demand, in tonnes per year.

    - `by_direction`: for westbound and eastbound flows apart (so that cargo cannot
      'flow' from an eastbound origin to a westbound destination), the max flow
      from their origins to their destinations over the elements their routes use,
      and the min cut that bounds it.
    - `tonnes_per_year` and `first_to_saturate`: scaling the whole demand (with its
      route shares) up until one element is full — the demand-weighted capacity and
      the element that binds first. Flows choosing by least expected time take the
      shares observed in the run when given (`observed_shares[flow]`), else split in
      proportion to what each option's narrowest element can carry.
    """
    observed_shares = observed_shares or {}
    paths = paths if paths is not None else all_route_paths(scenario)   # a run has worked them out already
    caps = element_capacities(scenario, paths)
    load: dict[str, float] = {}
    directions: dict[str, FlowNetwork] = {}
    demand = 0.0

    for fname, flow in scenario.flows.items():
        demand += flow.tonnes_per_year
        o, d = scenario.nodes[flow.origin], scenario.nodes[flow.destination]
        g = directions.setdefault("westbound" if d.lon <= o.lon else "eastbound", FlowNetwork())
        g.add_edge(SOURCE, ("out", flow.origin), float("inf"), None)
        g.add_edge(("in", flow.destination), SINK, float("inf"), None)
        options = paths[fname]
        used_by = [[f"links.{lid}" for lid in links] + [f"nodes.{n}.station" for n in nodes if f"nodes.{n}.station" in caps]
                   for nodes, links, _ in options]
        if flow.route_choice == "least_expected_time" and len(options) > 1 and fname in observed_shares:
            shares = observed_shares[fname]
        elif flow.route_choice == "least_expected_time" and len(options) > 1:
            # Shippers fill the faster options first; statically, each takes demand in
            # proportion to what its narrowest element can carry.
            narrowest = [min(caps[k]["tonnes_per_year"] for k in used) if used else float("inf") for used in used_by]
            finite = [c for c in narrowest if c != float("inf")]
            shares = [c / sum(finite) if c != float("inf") else 0.0 for c in narrowest] if finite else \
                [1 / len(options)] * len(options)
        else:
            shares = [share for _, _, share in options]
        for used, share in zip(used_by, shares):
            for key in used:
                load[key] = load.get(key, 0.0) + flow.tonnes_per_year * share
        for nodes, links, _ in options:
            for n in nodes:
                key = f"nodes.{n}.station"
                g.add_edge(("in", n), ("out", n), caps[key]["tonnes_per_year"] if key in caps else float("inf"),
                           key if key in caps else None)
            for a, b, lid in zip(nodes, nodes[1:], links):
                g.add_edge(("out", a), ("in", b), caps[f"links.{lid}"]["tonnes_per_year"], f"links.{lid}")

    by_direction = {}
    for name, g in directions.items():
        if g.bounded(SOURCE, SINK):
            # max flow = min cut; the source side of the cut tells which elements bind
            reach = g.source_side(SOURCE, SINK)
            # The cut's capacity, summed exactly (in any order: the same last bit in every process).
            value = math.fsum(d.get("capacity", float("inf")) for (u, v), d in g.edges.items()
                              if u in reach and v not in reach)
        else:
            value, reach = float("inf"), set()
        cut = sorted({e for (u, v), d in g.edges.items() if u in reach and v not in reach for e in d["elements"]})
        by_direction[name] = {"tonnes_per_year": value, "min_cut": [{"element": e, **caps[e]} for e in cut]}

    ratios = {k: caps[k]["tonnes_per_year"] / v for k, v in load.items() if v > 0}
    first = min(ratios, key=ratios.get) if ratios else None
    scale = ratios[first] if first else float("inf")
    return {
        "tonnes_per_year": demand * scale,
        # An element of next to no capacity (1e-308 trains a day) is full before any demand: infinitely over.
        "first_to_saturate": ({"element": first, "demand_over_capacity": 1 / scale if scale > 0 else math.inf,
                               **caps[first]} if first else None),
        "by_direction": by_direction,
        "note": ("demand scaled with its route shares until the first element is full; max flow per direction "
                 "over the elements the routes use. Static upper bounds: no batching waits, no seasonality."),
    }
