"""The demand's traffic on each element, per year and per direction, as the engine would run it.

Each flow's route options are split into legs as the engine splits them
(`scenario.network.compile_legs`); on a rail leg the wagons make trains of the
formation node's `max_wagons` (full trains: the most a path or a track can take),
and trains drawing on a rolling-stock pool send their stock back empty over the
same sections; on a sea leg the cargo counts in its fleet's unit (lane metres on a
ro-ro ferry); a station serving trains counts trains, one serving consignments
counts consignments. Traffic is a `Traffic` per (element path, direction).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..scenario.network import LinkGraphs, compile_legs, route_paths
from ..scenario.flows import consignment_size
from ..scenario.schema import Scenario


def all_route_paths(scenario: Scenario) -> dict[str, list]:
    """Each flow's route options as (nodes, link ids, share), worked out once."""
    graphs = LinkGraphs(scenario)
    return {fname: route_paths(scenario, graphs, fname) for fname in scenario.flows}


@dataclass
class Traffic:
    """What crosses one element in one direction in a year (`share` of each flow's demand counted)."""

    tonnes: float = 0.0
    units: dict = field(default_factory=dict)     # wagons, teu, vehicles, lane_metres, tonnes
    trains: float = 0.0
    consignments: float = 0.0
    flows: set = field(default_factory=set)

    def add(self, flow_name: str, tonnes: float, consignments: float, size: dict, trains: float = 0.0) -> None:
        self.tonnes += tonnes
        self.consignments += consignments
        self.trains += trains
        for unit, per in size.items():
            self.units[unit] = self.units.get(unit, 0.0) + consignments * per
        if tonnes > 0:
            self.flows.add(flow_name)


def flow_traffic(scenario: Scenario, paths: dict[str, list], shares: dict[str, list[float]]) -> dict:
    """{(element path, (from, to)): Traffic} of the whole demand, each flow split over its options by
    `shares[flow]`. Stations and other node elements have the direction (node, node)."""
    traffic: dict = {}

    def at(key: str, direction: tuple) -> Traffic:
        return traffic.setdefault((key, direction), Traffic())

    pools = {n for pool in scenario.rolling_stock.values() for n in pool.formed_at}
    for fname, flow in scenario.flows.items():
        size = consignment_size(flow)
        per_year = flow.tonnes_per_year / size["tonnes"] if size["tonnes"] else 0.0
        for (nodes, links, _), share in zip(paths[fname], shares[fname]):
            if share <= 0:
                continue
            n = per_year * share
            tonnes = flow.tonnes_per_year * share
            for nid in nodes:
                st = scenario.nodes[nid].station
                if st is not None and st.serves == "consignment":
                    at(f"nodes.{nid}.station", (nid, nid)).add(fname, tonnes, n, size)
            for leg in compile_legs(scenario, nodes, links):
                if leg.mode == "rail":
                    formation = scenario.nodes[leg.start].train_formation or scenario.default_train_formation
                    trains = n * size["wagons"] / formation.max_wagons
                    for h in leg.hops:
                        at(f"links.{h.link}", (h.origin, h.destination)).add(fname, tonnes, n, size, trains)
                        st = scenario.nodes[h.destination].station
                        if st is not None and st.serves == "train":
                            at(f"nodes.{h.destination}.station", (h.destination, h.destination)).add(
                                fname, tonnes, n, size, trains)
                        if leg.start in pools:   # the stock runs back empty
                            at(f"links.{h.link}", (h.destination, h.origin)).trains += trains
                else:
                    for hop in leg.hops:
                        at(f"links.{hop.link}", (hop.origin, hop.destination)).add(fname, tonnes, n, size)
    return traffic
