"""The corridor as a graph: cross-checks between nodes, links, fleets and flows, and
each flow's route compiled into legs (a train ride, a sea crossing, a transfer).

The paths are the shortest by distance between a flow's waypoints (`graph.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .graph import LinkGraph, NoPath
from .flows import consignment_size
from .schema import PipelineLink, RailLink, RoadLink, Scenario, SeaLink
from .sea import CARRIED, carries, line_capacity
from .workload import workload_problems


@dataclass(frozen=True)
class Hop:
    """One link run in one direction."""

    link: str
    origin: str
    destination: str


@dataclass(frozen=True)
class Leg:
    """A stretch of a route on one carrier: one train, one vessel, or a transfer.

    Cargo is handed over only at a leg's ends (break nodes); within a rail leg the
    train stays together through stations (gauge change, border, locomotive change).
    """

    mode: str  # the links' mode: "rail" | "sea" | "transfer" | "pipeline" | "road"
    start: str
    end: str
    hops: tuple[Hop, ...]

    @property
    def key(self) -> tuple:
        return (self.mode, tuple(h.link for h in self.hops), self.start, self.end)


def usable(scenario: Scenario, link, cargo: str) -> bool:
    """Whether cargo of a kind (`container`, `wagonload`, `liquid_bulk`, `road`) can go over a link:
    trucks by road and on ro-ro ferries, the rest by rail, pipeline and the vessels that take it."""
    if isinstance(link, RoadLink):
        return cargo == "road"
    if isinstance(link, (RailLink, PipelineLink)):
        return cargo != "road"
    if isinstance(link, SeaLink):
        return link.fleet not in scenario.fleets or carries(scenario.fleets[link.fleet], cargo)
    return True


def link_graph(scenario: Scenario, cargo: str | None = None) -> LinkGraph:
    """The links as a graph (those a cargo can use, if given)."""
    g = LinkGraph()
    for n in scenario.nodes:
        g.add_node(n)
    for link_id, link in scenario.links.items():
        if link.from_ in scenario.nodes and link.to in scenario.nodes and (cargo is None or usable(scenario, link, cargo)):
            g.add_link(link.from_, link.to, link_id, link.distance_km)
    return g


class LinkGraphs(dict):
    """The graph of each kind of cargo, built the first time a flow of that kind asks for it."""

    def __init__(self, scenario: Scenario):
        super().__init__()
        self.scenario = scenario

    def __missing__(self, cargo: str) -> LinkGraph:
        self[cargo] = g = link_graph(self.scenario, cargo)
        return g


def route_paths(scenario: Scenario, graphs: LinkGraphs, flow_name: str) -> list[tuple[list[str], list[str], float]]:
    """(nodes, link ids, share) of each route option of a flow."""
    flow = scenario.flows[flow_name]
    g = graphs[flow.cargo]
    return [(*option_path(scenario, g, flow, via), share) for via, share in flow.route_options()]


def option_path(scenario: Scenario, g: LinkGraph, flow, via: list[str]) -> tuple[list[str], list[str]]:
    """Nodes and link ids of one way from a flow's origin to its destination.

    Waypoints are node ids, or link ids for a link the path must take (e.g. the
    rail ferry rather than the container feeder between the same two ports).
    Between waypoints the path is the shortest by distance. Raises ValueError with
    the reason if there is no path.
    """
    try:
        return _option_path(scenario, g, flow, via)
    except NoPath as exc:
        raise ValueError(_why_no_path(scenario, flow, *exc.args)) from None


def _option_path(scenario: Scenario, g: LinkGraph, flow, via: list[str]) -> tuple[list[str], list[str]]:
    waypoints = list(via)
    if not waypoints or waypoints[0] != flow.origin:
        waypoints.insert(0, flow.origin)
    if waypoints[-1] != flow.destination:
        waypoints.append(flow.destination)
    nodes: list[str] = [flow.origin]
    forced: dict[int, str] = {}  # index in nodes of a hop -> the link it must take
    for target in waypoints[1:]:
        here = nodes[-1]
        if target in scenario.links:
            link = scenario.links[target]
            if not usable(scenario, link, flow.cargo):
                raise ValueError(f"{flow.cargo} cargo cannot go over link '{target}'")
            # Enter the link at its nearer end (at a tie, the end we are at), unless the way there
            # passes its other end (a link of 0 km makes both ends equally near).
            ends = sorted([(link.from_, link.to), (link.to, link.from_)],
                          key=lambda e: (_distance(g, here, e[0]), e[0] != here))
            near, far = next((e for e in ends if _distance(g, here, e[0]) < float("inf")
                              and e[1] not in _shortest(g, here, e[0])), ends[0])
            nodes.extend(_shortest(g, here, near)[1:])
            forced[len(nodes) - 1] = target
            nodes.append(far)
        else:
            nodes.extend(_shortest(g, here, target)[1:])
    if len(set(nodes)) != len(nodes):
        raise ValueError(f"the path visits a node twice: {' -> '.join(nodes)}")
    links = []
    for i, (a, b) in enumerate(zip(nodes, nodes[1:])):
        if i in forced:
            links.append(forced[i])
            continue
        edges = g.links(a, b)
        links.append(min(edges, key=edges.get))   # the shortest of parallel links
    return nodes, links


def _shortest(g: LinkGraph, a: str, b: str) -> list[str]:
    return g.shortest_path(a, b)


def _distance(g: LinkGraph, a: str, b: str) -> float:
    return g.distance(a, b)


CARGO_NAMES = {"container": "containers", "wagonload": "wagonload", "liquid_bulk": "liquid bulk",
               "road": "road vehicles"}


def _why_no_path(scenario: Scenario, flow, a: str, b: str) -> str:
    """Why a flow's cargo finds no way from a to b: a link on the way the scenario's links give that the
    cargo cannot take, or no way at all."""
    everything = link_graph(scenario)
    try:
        nodes = everything.shortest_path(a, b)
    except NoPath:
        return f"no path from '{a}' to '{b}' over the scenario's links"
    for u, w in zip(nodes, nodes[1:]):
        links = everything.links(u, w)
        if any(usable(scenario, scenario.links[lid], flow.cargo) for lid in links):
            continue
        lid = next(iter(links))
        link = scenario.links[lid]
        if isinstance(link, SeaLink):
            fleet = scenario.fleets[link.fleet]
            carried = " and ".join(CARGO_NAMES[c] for c in sorted(CARRIED[fleet.unit]))
            return f"{flow.cargo} cargo cannot go on fleet '{link.fleet}', which carries {carried}"
        kind = "a road (trucks only)" if isinstance(link, RoadLink) else f"{link.mode} (no trucks)"
        return f"{flow.cargo} cargo cannot go over link '{lid}', which is {kind}"
    return f"no path from '{a}' to '{b}' for {flow.cargo} cargo"


def compile_legs(scenario: Scenario, nodes: list[str], links: list[str]) -> list[Leg]:
    """Split a path into legs at break nodes: ports, mode changes, consignment-level
    stations and nodes that form trains."""
    legs: list[Leg] = []
    hops: list[Hop] = []
    mode = None
    start = nodes[0]
    for a, b, link_id in zip(nodes, nodes[1:], links):
        link_mode = scenario.links[link_id].mode
        if hops and link_mode != mode:
            legs.append(Leg(mode, start, a, tuple(hops)))
            hops, start = [], a
        mode = link_mode
        hops.append(Hop(link_id, a, b))
        if b != nodes[-1] and _is_break(scenario, b, scenario.links[link_id]):
            legs.append(Leg(mode, start, b, tuple(hops)))
            hops, start = [], b
    if hops:
        legs.append(Leg(mode, start, nodes[-1], tuple(hops)))
    return legs


def _is_break(scenario: Scenario, node_id: str, link) -> bool:
    """Whether a route reaching `node_id` over `link` changes carrier there."""
    node = scenario.nodes[node_id]
    if not isinstance(link, RailLink):
        return True  # sea, transfer and pipeline legs are one hop each
    return (
        node.kind == "port"
        or node.train_formation is not None
        or (node.station is not None and node.station.serves == "consignment")
    )


def check_network(scenario: Scenario) -> list[tuple[str, str]]:
    """Everything the types alone cannot check. Returns (field path, problem) pairs."""
    problems: list[tuple[str, str]] = []
    nodes = scenario.nodes

    try:
        end = scenario.start_date + dt.timedelta(days=scenario.warmup_days + scenario.horizon_days)
    except OverflowError:
        end = dt.date.max
    if end.year >= dt.MAXYEAR:
        problems.append(("horizon_days", f"the run (warmup_days + horizon_days from start_date) ends after the year {dt.MAXYEAR - 1}"))

    for nid, node in nodes.items():
        if node.weather is not None and not node.berths:
            problems.append((f"nodes.{nid}.weather", "weather closures apply to ports: this node has no berths"))

    fleet_links: dict[str, list[str]] = {}
    for lid, link in scenario.links.items():
        for end, field in ((link.from_, "from"), (link.to, "to")):
            if end not in nodes:
                problems.append((f"links.{lid}.{field}", f"unknown node '{end}'"))
        if link.from_ == link.to:
            problems.append((f"links.{lid}.to", "a link must join two different nodes"))
        if isinstance(link, SeaLink):
            fleet = scenario.fleets.get(link.fleet)
            if fleet is None:
                problems.append((f"links.{lid}.fleet", f"unknown fleet '{link.fleet}'"))
                continue
            fleet_links.setdefault(link.fleet, []).append(lid)
            for end in (link.from_, link.to):
                if end in nodes and not any(b.handles == fleet.unit for b in nodes[end].berths.values()):
                    problems.append(
                        (f"nodes.{end}.berths", f"no berth handles {fleet.unit} for fleet '{link.fleet}' on link '{lid}'")
                    )
            problems.extend(_line_problems(scenario, lid, link))
    for fid, fleet in scenario.fleets.items():
        lines = fleet_links.get(fid, [])
        if not lines:
            problems.append((f"fleets.{fid}", "no sea link uses this fleet"))
        elif fleet.dispatch == "fixed_shares" and len(lines) > 1:
            shares = [scenario.links[lid].share for lid in lines]
            if any(x is None for x in shares):
                problems.append((f"fleets.{fid}.dispatch", "fixed_shares needs a share on each of its links: "
                                 + ", ".join(lid for lid in lines if scenario.links[lid].share is None)))
            elif abs(sum(shares) - 1.0) > 1e-6:
                problems.append((f"fleets.{fid}.dispatch", f"the shares of its links add up to {sum(shares):g}, not 1"))
    for nid, node in nodes.items():
        if node.embargo is not None and not node.berths:
            problems.append((f"nodes.{nid}.embargo", "an embargo holds cargo bound for a port: this node has no berths"))
    if problems:
        return problems

    graphs = LinkGraphs(scenario)
    for fname, flow in scenario.flows.items():
        for field in ("origin", "destination"):
            ref = getattr(flow, field)
            if ref not in nodes:
                problems.append((f"flows.{fname}.{field}", f"unknown node '{ref}'"))
        options = [(f"flows.{fname}.route", flow.route or [])] if flow.routes is None else [
            (f"flows.{fname}.routes[{k}].via", r.via) for k, r in enumerate(flow.routes)]
        for where, via in options:
            for i, ref in enumerate(via):
                if ref not in nodes and ref not in scenario.links:
                    problems.append((f"{where}[{i}]", f"unknown node or link '{ref}'"))
        if problems:
            continue
        if flow.origin == flow.destination:
            problems.append((f"flows.{fname}.destination", "destination is the origin"))
            continue
        for where, via in options:
            try:
                path_nodes, path_links = option_path(scenario, graphs[flow.cargo], flow, via)
            except ValueError as exc:
                problems.append((where if via else f"flows.{fname}", str(exc)))
                continue
            problems.extend(_check_fit(scenario, fname, compile_legs(scenario, path_nodes, path_links)))

    for pid, pool in scenario.rolling_stock.items():
        for i, ref in enumerate(pool.formed_at):
            if ref not in nodes:
                problems.append((f"rolling_stock.{pid}.formed_at[{i}]", f"unknown node '{ref}'"))
            elif pool.per_train == "wagons":
                # A train waits at formation until the pool has its wagons: a pool smaller than
                # a full train would hold that train (and its cargo) for ever.
                spec = nodes[ref].train_formation or scenario.default_train_formation
                if pool.count < spec.max_wagons:
                    problems.append((f"rolling_stock.{pid}.count", f"{pool.count} wagons cannot make up one "
                                     f"{spec.max_wagons}-wagon train formed at '{ref}'"))
    for fid, fleet in scenario.fleets.items():
        if fleet.vessels > MAX_VESSELS:
            problems.append((f"fleets.{fid}.vessels", f"{fleet.vessels:,} vessels: at most {MAX_VESSELS:,} "
                             "in one fleet (each is simulated on its own)"))
    problems.extend(workload_problems(scenario))   # the run's events and memory against its limits
    for did, d in scenario.disruptions.items():
        reason = disruption_target_problem(scenario, d.target)
        if reason:
            problems.append((f"disruptions.{did}.target", reason))
    return problems


MAX_VESSELS = 10_000


def disruption_target_problem(scenario: Scenario, target: str) -> str | None:
    """Why a disruption target names nothing that can be disrupted (None if it is fine)."""
    parts = target.split(".")
    usage = ("expected nodes.<id>, nodes.<id>.station, nodes.<id>.berths.<group>, links.<id> "
             "(rail or pipeline) or fleets.<id>")
    if parts[0] == "fleets" and len(parts) == 2:
        return None if parts[1] in scenario.fleets else f"unknown fleet '{parts[1]}'"
    if parts[0] == "links" and len(parts) == 2:
        link = scenario.links.get(parts[1])
        if link is None:
            return f"unknown link '{parts[1]}'"
        return None if link.mode in ("rail", "pipeline") else f"a {link.mode} link cannot be disrupted (disrupt its fleet or ports)"
    if parts[0] == "nodes" and len(parts) >= 2:
        node = scenario.nodes.get(parts[1])
        if node is None:
            return f"unknown node '{parts[1]}'"
        if len(parts) == 2:
            return None if node.berths else "only a port (a node with berths) can be closed as a whole"
        if parts[2:] == ["station"]:
            return None if node.station else f"node '{parts[1]}' has no station"
        if len(parts) == 4 and parts[2] == "berths":
            return None if parts[3] in node.berths else f"node '{parts[1]}' has no berth group '{parts[3]}'"
    return usage


def _check_fit(scenario: Scenario, fname: str, legs: list[Leg]) -> list[tuple[str, str]]:
    """A consignment is never split: it must fit the trains and vessels of its route."""
    flow = scenario.flows[fname]
    size = consignment_size(flow)
    out = []
    for leg in legs:
        link = scenario.links[leg.hops[0].link]
        if isinstance(link, RailLink):
            formation = scenario.nodes[leg.start].train_formation or scenario.default_train_formation
            if size["wagons"] > formation.max_wagons:
                out.append((f"flows.{fname}", f"a consignment of {size['wagons']:g} wagons does not fit the "
                            f"{formation.max_wagons}-wagon trains formed at '{leg.start}'"))
        elif isinstance(link, SeaLink):
            fleet = scenario.fleets[link.fleet]
            usable_cap = line_capacity(scenario, link)
            if size[fleet.unit] > usable_cap:
                out.append((f"flows.{fname}", f"a consignment of {size[fleet.unit]:g} {fleet.unit} exceeds what a vessel "
                            f"of fleet '{link.fleet}' may load on link '{leg.hops[0].link}' ({usable_cap:g} "
                            f"{fleet.unit})"))
    return out


def _line_problems(scenario: Scenario, lid: str, link: SeaLink) -> list[tuple[str, str]]:
    """A draft needs the depth of both ports, and enough of it to load anything at all."""
    fleet = scenario.fleets[link.fleet]
    if fleet.draft is None or not all(p in scenario.nodes for p in (link.from_, link.to)):
        return []   # an unknown port is reported as such
    shallow = [p for p in (link.from_, link.to) if p in scenario.nodes and scenario.nodes[p].depth_m is None]
    if shallow:
        return [(f"nodes.{shallow[0]}.depth_m", f"fleet '{link.fleet}' has a draft: its ports need depth_m "
                 f"(link '{lid}')")]
    if line_capacity(scenario, link) <= 0:
        depth = min(scenario.nodes[p].depth_m for p in (link.from_, link.to))
        return [(f"links.{lid}", f"the vessels of fleet '{link.fleet}' cannot load at all in {depth:g} m of water "
                 f"(light draft {fleet.draft.light_m:g} m + {fleet.draft.under_keel_m:g} m under the keel)")]
    return []
