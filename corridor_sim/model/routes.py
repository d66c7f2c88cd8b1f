"""Compiling each flow's routes, once, into what the per-event path follows.

A route is its legs (`legs.py`) and its stops: at each break node, the yard the
cargo enters (in the unit of the vessel or pipeline at that stop), a station that
serves single consignments, and whether there is nothing to do there but join the
next carrier's queue (an *inline* stop, which needs no process of its own).

Legs are shared: the same stretch in two routes is one leg object, so that one
train formation gathers the consignments of every flow bound over it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario.network import Hop, Leg, LinkGraphs, compile_legs, route_paths
from ..scenario.flows import consignment_size
from ..scenario.schema import PipelineLink, RailLink, RoadLink, SeaLink, TransferLink
from .batching import BatchQueue
from .context import ModelContext
from .elements import Elements
from .legs import PipelineLeg, RailLeg, SeaLeg, TransferLeg
from .rail import TrainFormation, Trains
from .routing import RULES, OnlyRoute, QueueTerms, RouteChoice, estimate
from .station import Station
from .yard import Yard

# The leg class for the kind of link a leg runs on.
LEG_CLASSES = {SeaLink: SeaLeg, TransferLink: TransferLeg, RoadLink: TransferLeg, PipelineLink: PipelineLeg}


@dataclass
class Stop:
    node: str
    yard: Yard | None
    station: Station | None       # a station serving single consignments
    inline: bool            # nothing to do here but join the next train or vessel queue (or be delivered)


@dataclass
class Route:
    flow: str
    legs: tuple
    stops: tuple[Stop, ...]     # stops[i] is where legs[i] starts; the last is the destination
    depart: tuple               # per leg: puts a consignment in the leg's queue (None: carried alone)
    deliver: object             # what happens at the destination (a delivery; an empty's return)
    embargoes: tuple = ()       # the embargoes of the ports it sails from: a new consignment waits while one holds
    empty_routes: dict = None   # sea leg index -> the route its empties take back over that line
    option: int = 0             # its index among the flow's route options (recorded with each delivery)


class RouteBuilder:
    """Builds the routes of every flow over the elements, sharing legs between routes."""

    def __init__(self, ctx: ModelContext, el: Elements, trains: Trains, deliver, returned):
        self.ctx = ctx
        self.el = el
        self.trains = trains
        self.deliver = deliver          # a loaded consignment at its destination
        self.returned = returned        # an empty return at the end of its line
        self.legs: dict[tuple, object] = {}
        self.terms = QueueTerms()
        self.paths: dict[str, list] = {}
        self._graphs = LinkGraphs(ctx.scenario)

    def choice(self, fname: str) -> RouteChoice:
        """The routes of flow `fname` and the rule that picks one for each consignment."""
        sc = self.ctx.scenario
        flow = sc.flows[fname]
        routes, shares, estimates = [], [], []
        self.paths[fname] = route_paths(sc, self._graphs, fname)
        size = consignment_size(flow)
        for option, (nodes, links, share) in enumerate(self.paths[fname]):
            route = self._route(flow, fname, compile_legs(sc, nodes, links), option)
            routes.append(route)
            shares.append(share)
            estimates.append(estimate(route.legs, size, self.terms))
        rule = RULES[flow.route_choice] if len(routes) > 1 else OnlyRoute
        return RouteChoice(routes, rule(shares, estimates, self.ctx.streams.generator(f"route/{fname}")))

    def _route(self, flow, fname: str, plans: list[Leg], option: int) -> Route:
        legs = [self._leg(plan) for plan in plans]
        stops = self._stops(flow, legs)
        embargoes = tuple(self.el.embargoes[leg.start] for leg in legs if leg.sails and leg.start in self.el.embargoes)
        empty_routes = None
        if flow.empty_return is not None:
            # Each sea crossing's empties: from where they were unloaded, back over the same line.
            empty_routes = {}
            for i, plan in enumerate(plans):
                if legs[i].sails:
                    back = Leg(plan.mode, plan.end, plan.start, (Hop(plan.hops[0].link, plan.end, plan.start),))
                    leg = self._leg(back)
                    empty_routes[i] = Route(fname, (leg,), self._stops(flow, [leg])[:1] + (Stop(plan.start, None, None, True),),
                                            (leg.depart,), self.returned)
        return Route(fname, tuple(legs), stops, tuple(leg.depart for leg in legs), self.deliver, embargoes, empty_routes,
                     option)

    def _stops(self, flow, legs: list) -> tuple[Stop, ...]:
        el = self.el
        stop_nodes = [leg.start for leg in legs] + [legs[-1].end]
        stops = []
        for i, nid in enumerate(stop_nodes):
            near = [leg for leg in (legs[i - 1] if i > 0 else None, legs[i] if i < len(legs) else None) if leg]
            # The vessel's unit decides the yard (a ferry's wagons, a feeder's TEU); else a pipeline's tankage.
            sailing = [leg.yard_unit(flow) for leg in near if leg.sails]
            other = [leg.yard_unit(flow) for leg in near if leg.yard_unit(flow)]
            unit = sailing[-1] if sailing else (other[0] if other else None)
            station = el.consignment_stations.get(nid)
            inline = station is None and (i == len(legs) or not legs[i].carried_alone)
            stops.append(Stop(nid, el.yards.get((nid, unit)) if unit else None, station, inline))
        return tuple(stops)

    def _leg(self, plan: Leg):
        """The leg object of a plan, built the first time a route takes that stretch."""
        leg = self.legs.get(plan.key)
        if leg is None:
            link_type = type(self.ctx.scenario.links[plan.hops[0].link])
            if link_type is RailLink:
                leg = RailLeg(plan, self.ctx.scenario, self.el, self._formation(plan))
            else:
                leg = LEG_CLASSES[link_type](plan, self.ctx.scenario, self.el)
            self.legs[plan.key] = leg
        return leg

    def _formation(self, plan: Leg) -> TrainFormation:
        """The train formation of a rail leg, at its start node."""
        ctx, sc = self.ctx, self.ctx.scenario
        spec = sc.nodes[plan.start].train_formation or sc.default_train_formation
        name = f"trains:{plan.start}->{plan.end}"
        if any(m.name == name for m in ctx.monitors if m.kind == "train_formation"):
            # Another path between the same ends: name it by its stations (or all its nodes).
            via = [h.destination for h in plan.hops[:-1] if h.destination in self.el.train_stations]
            name += " via " + ",".join(via or [h.destination for h in plan.hops[:-1]])
        monitor = ctx.monitor(name, "train_formation", f"nodes.{plan.start}.train_formation", 1, (plan.start,))
        queue = BatchQueue(ctx.env, "wagons", monitor)
        monitor.backlog = lambda: sum(c.tonnes for c in queue.items)
        self.el.queues.append(queue)
        return TrainFormation(ctx.env, queue, spec.max_wagons, spec.max_wait_hours,
                              lambda batch, key=plan.key: self.trains.dispatch(batch, self.legs[key]))
