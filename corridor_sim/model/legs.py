"""The legs of a route, one class per way of moving: a train, a vessel, a transfer, a pipeline.

A leg is a stretch on one carrier between two break nodes (`scenario.network.Leg`
is its plan: mode, ends, hops). Each class knows, for its kind:

- `depart(c)`: puts a consignment in the queue of the carrier that takes it (a
  train formation, a fleet's outbound queue); legs a consignment moves over on its
  own (`carried_alone`: transfers and pipelines) have none: it leaves after
  `move_off` (a process step, for a leg that `holds` it: the pipeline) and travels
  `travel()` hours;
- `yard_unit(flow)`: the unit of the yards a flow's cargo enters at its ends (a
  fleet's unit — wagon sidings or the truck park for a ro-ro ferry's lane metres;
  tonnes of tankage at a pipeline), `None` where it hands over without a yard;
- `add_expected(est, size, terms)`: its part of a route's expected time — static
  hours and the queue terms of its resources (see `routing.py`).

Legs are built once per distinct plan when routes are compiled, and shared by
every route that takes the same stretch (so consignments of several flows fill the
same trains); the per-event path only calls the bound methods resolved here.
"""

from __future__ import annotations

from ..scenario.network import Leg
from ..scenario.durations import mean_of
from ..scenario.schema import Scenario, TransferLink
from .elements import Elements
from .rail import RailSection, TrainFormation
from .routing import QueueTerms, RouteEstimate
from .station import Station
from .vessels import PortEnd


class RailLeg:
    """A train from the leg's start to its end, through the stations on the way."""

    carried_alone = False
    sails = False

    def __init__(self, plan: Leg, scenario: Scenario, el: Elements, formation: TrainFormation):
        self.start, self.end, self.hops = plan.start, plan.end, plan.hops
        self.scenario = scenario
        self.formation = formation
        self.depart = formation.queue.put
        self.pools = tuple(el.pools_at.get(plan.start, ()))
        # Per hop: the section entered, the node reached, the station there (if it serves trains).
        self.sections: tuple[RailSection, ...] = tuple(el.sections[(h.link, h.origin)] for h in plan.hops)
        self.stations: tuple[Station | None, ...] = tuple(el.train_stations.get(h.destination) for h in plan.hops)
        self.path = tuple(zip(self.sections, (h.destination for h in plan.hops), self.stations))
        # Empty stock runs back over the same sections, in the other direction.
        self.return_path = tuple(el.sections[(h.link, h.destination)] for h in reversed(plan.hops))

    @staticmethod
    def yard_unit(flow) -> str | None:
        return None

    def add_expected(self, est: RouteEstimate, size: dict, terms: QueueTerms) -> None:
        sc = self.scenario
        spec = sc.nodes[self.start].train_formation or sc.default_train_formation
        est.static_hours += spec.max_wait_hours / 2
        for hop, section, st in zip(self.hops, self.sections, self.stations):
            est.static_hours += section.travel_hours + section.headway_hours
            terms.add(est, ("section", id(section)), lambda s=section: len(s.slot.queue) * s.headway_hours)
            if st is not None:
                node = sc.nodes[hop.destination]
                est.static_hours += mean_of(node.station.service_hours) + \
                    mean_of(node.station.dwell_hours) * sc.dwell_factor
                mean = mean_of(node.station.service_hours)
                terms.add(est, ("station", id(st)), lambda st=st, m=mean: len(st.server.queue) * m / st.server.nominal)


class SeaLeg:
    """A crossing on one of the line's vessels, from the port where it is loaded."""

    carried_alone = False
    sails = True

    def __init__(self, plan: Leg, scenario: Scenario, el: Elements):
        self.start, self.end, self.hops = plan.start, plan.end, plan.hops
        self.link = scenario.links[plan.hops[0].link]
        self.fleet = scenario.fleets[self.link.fleet]
        self.port: PortEnd = el.line_ends[(plan.hops[0].link, plan.start)]
        self.depart = self.port.outbound.put

    def yard_unit(self, flow) -> str:
        """A ro-ro ferry's wagons wait on the port's sidings, its trucks in the truck park."""
        if self.fleet.unit == "lane_metres":
            return "vehicles" if flow.cargo == "road" else "wagons"
        return self.fleet.unit

    def add_expected(self, est: RouteEstimate, size: dict, terms: QueueTerms) -> None:
        fleet, end = self.fleet, self.port
        capacity = end.line.capacity
        crossing = end.line.crossing_mean
        handling = end.fixed_hours + capacity / end.rate_per_hour
        # The gap between departures from this port when every vessel is busy: its round trip
        # (crossing both ways, this port's handling at both calls) shared by the fleet.
        round_trip = 2 * (crossing + handling)
        est.static_hours += crossing + 2 * handling + fleet.max_wait_hours / 2
        terms.add(est, ("fleet", id(end)), lambda q=end.outbound, cap=capacity,
                  gap=round_trip / fleet.vessels: q.level / cap * gap)
        terms.add(est, ("weather", id(end.weather)), lambda w=end.weather: 0.0 if w.is_open else w.mean_closure)


class TransferLeg:
    """A move with a travel time and no capacity (a truck shuttle, an internal move), or a road."""

    carried_alone = True
    holds = False          # nothing to wait for before it leaves: no process step
    sails = False
    depart = None

    def __init__(self, plan: Leg, scenario: Scenario, el: Elements):
        self.start, self.end, self.hops = plan.start, plan.end, plan.hops
        self.link = scenario.links[plan.hops[0].link]
        self.travel = el.transfer_time[plan.hops[0].link]
        self.expected_hours = mean_of(self.link.travel_hours) if isinstance(self.link, TransferLink) else \
            self.link.distance_km / self.link.speed_km_per_day * 24.0

    @staticmethod
    def yard_unit(flow) -> str | None:
        return None

    def add_expected(self, est: RouteEstimate, size: dict, terms: QueueTerms) -> None:
        est.static_hours += self.expected_hours


class PipelineLeg:
    """A parcel pumped into the pipeline, then carried to its far end."""

    carried_alone = True
    holds = True           # it waits for the pipeline and is pumped in before it travels
    sails = False
    depart = None

    @staticmethod
    def yard_unit(flow) -> str:
        return "tonnes"   # tankage in front of and behind a pipeline

    def __init__(self, plan: Leg, scenario: Scenario, el: Elements):
        self.start, self.end, self.hops = plan.start, plan.end, plan.hops
        self.link = scenario.links[plan.hops[0].link]
        self.pipeline = el.pipelines[plan.hops[0].link]
        self.travel = self.pipeline.travel

    def move_off(self, env, c):
        """Process step: wait for the pipeline and pump the parcel in."""
        yield from self.pipeline.pump(env, c)

    def add_expected(self, est: RouteEstimate, size: dict, terms: QueueTerms) -> None:
        pipe = self.pipeline
        est.static_hours += mean_of(self.link.travel_hours) + size["tonnes"] / pipe.tonnes_per_hour
        terms.add(est, ("pipeline", id(pipe)), lambda p=pipe: sum(r.tonnes for r in p.server.queue) / p.tonnes_per_hour)
