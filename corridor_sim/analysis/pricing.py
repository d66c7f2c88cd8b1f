"""What one consignment pays on each leg of a route option: the scenario's tariffs and fees
(`costs:`, scenario/costs.py) applied to its own units.

A route option is its nodes and links (`RunRecords.route_paths`); its legs are the stretches on one
carrier (`scenario.network.compile_legs`). Each leg is charged:

- on each rail and road link, per unit-kilometre at the rates of the countries it runs in
  (kilometres by `km_by_country`, scenario/economics.py), or at the link's own rates where it has any;
- on each link with a tariff, its fees per unit, and for a sea link the fees of the empties the flow
  sends back over it: `empty_return.share` of its units per crossing (the share the model returns,
  exactly);

and each node of the route with fees is charged on its own (`at:<node>`): port handling, borders,
transshipment. Nothing here depends on the run but which option a consignment took.
"""

from __future__ import annotations

from ..scenario.costs import PER_EMPTY, PER_KM, PER_UNIT, Costs
from ..scenario.economics import km_by_country
from ..scenario.network import Leg, compile_legs
from ..scenario.flows import ContainerFlow, consignment_size
from ..scenario.schema import RailLink, RoadLink, Scenario, SeaLink


def charged_units(flow) -> dict[str, float]:
    """A consignment's own units: its tonnes, TEU, wagons, vehicles and running metres of deck, but for
    containers not the wagons (the railway's flat wagons: their use is in the TEU tariff)."""
    units = dict(consignment_size(flow))
    if isinstance(flow, ContainerFlow):
        units["wagons"] = 0.0
    return units


def leg_key(leg: Leg) -> str:
    """A leg's name in the breakdowns: `rail:xian->aktau`, `sea:aktau->alat`."""
    return f"{leg.mode}:{leg.start}->{leg.end}"


def node_key(node: str) -> str:
    """A node's charges in the breakdowns: `at:aktau`."""
    return f"at:{node}"


def dot(spec, table: dict[str, str], units: dict[str, float]) -> float:
    """Σ rate × unit over a table of (field, unit): what `spec` charges for `units`."""
    return sum(getattr(spec, name) * units[unit] for name, unit in table.items())


def link_usd(scenario: Scenario, costs: Costs, link_id: str, units: dict[str, float], empty_share: float) -> float:
    """What one consignment of `units` pays for one link: per kilometre, per unit, and for its empties."""
    link = scenario.links[link_id]
    own = costs.links.get(link_id)
    usd = 0.0
    if own is not None and own.own_km_rates:
        usd += link.distance_km * dot(own, PER_KM, units)
    elif isinstance(link, (RailLink, RoadLink)):
        rates = costs.rail if isinstance(link, RailLink) else costs.road
        usd += sum(km * dot(rates[country], PER_KM, units)
                   for country, km in km_by_country(scenario, link_id).items())
    if own is not None:
        usd += dot(own, PER_UNIT, units)
        if isinstance(link, SeaLink):
            usd += empty_share * dot(own, PER_EMPTY, units)
    return usd


def route_tariffs(scenario: Scenario, flow_name: str, nodes: list[str], links: list[str]) -> dict[str, float]:
    """USD per consignment of a flow on one route option, by leg (`rail:a->b`) and node (`at:x`), in
    route order (a node's fees before the leg that leaves it)."""
    costs = scenario.costs
    flow = scenario.flows[flow_name]
    units = charged_units(flow)
    empty_share = flow.empty_return.share if flow.empty_return is not None else 0.0
    out: dict[str, float] = {}
    legs = compile_legs(scenario, nodes, links)
    for node in nodes:
        fees = costs.nodes.get(node)
        starts = [leg for leg in legs if leg.start == node]
        if fees is not None:
            out[node_key(node)] = out.get(node_key(node), 0.0) + dot(fees, PER_UNIT, units)
        for leg in starts:
            out[leg_key(leg)] = out.get(leg_key(leg), 0.0) + sum(
                link_usd(scenario, costs, hop.link, units, empty_share) for hop in leg.hops)
    return out
