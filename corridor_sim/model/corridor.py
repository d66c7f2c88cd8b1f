"""The corridor model: builds the SimPy elements of a scenario and moves consignments.

A consignment is handed from carrier to carrier along its route's legs. At each
break node (a *stop*) it may enter a yard (blocking the carrier that brings it
while the yard is full), go through a consignment-level station, and then joins
the queue of its next leg: a train formation, a fleet's outbound queue, or a
transfer. The model records what happened and computes no KPI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from ..records import Delivery, TrainRun, Visit, Voyage
from ..scenario.network import Leg, compile_legs, flow_path, link_graph
from ..scenario.schema import RailLink, Scenario, SeaLink, TransferLink, consignment_size
from .batching import BatchQueue
from .calendar import Calendar
from .consignment import Consignment
from .distributions import Sampler, UnitExponential
from .monitor import ResourceMonitor
from .rail import RailSection, Train, TrainFormation, TrainStation, run_train
from .server import Server
from .streams import RandomStreams
from .vessels import FleetShuttle, PortEnd
from .weather import PortWeather
from .yard import Yard

HOURS_PER_DAY = 24.0


@dataclass
class ConsignmentStation:
    server: Server
    service: Sampler
    dwell: Sampler


@dataclass
class Stop:
    node: str
    yard: Yard | None
    station: ConsignmentStation | None
    inline: bool            # no station and no transfer next: hand straight to the next leg


@dataclass
class Route:
    flow: str
    legs: tuple[Leg, ...]
    stops: tuple[Stop, ...]     # stops[i] is where legs[i] starts; the last is the destination
    depart: tuple = ()          # per leg: a callable that puts a consignment on its way


@dataclass
class RawResult:
    """Everything a run recorded, for `analysis` to turn into KPIs."""

    scenario: Scenario
    warmup_hours: float
    end_hours: float
    visits: list[Visit]
    deliveries: list[Delivery]
    trains: list[TrainRun]
    voyages: list[Voyage]
    monitors: list[ResourceMonitor]
    generated_tonnes: float
    generated_teu: float
    generated_consignments: int
    in_system: list = field(default_factory=list)   # consignments still in the corridor at the end
    events: int = 0                                  # SimPy events scheduled: the cost of the run


class CorridorModel:
    def __init__(self, scenario: Scenario, replication: int = 0):
        self.scenario = scenario
        self.env = simpy.Environment()
        self.streams = RandomStreams(scenario.seed, replication)
        self.warmup = scenario.warmup_days * HOURS_PER_DAY
        self.end = self.warmup + scenario.horizon_days * HOURS_PER_DAY
        self.calendar = Calendar(scenario.start_date, self.end)
        self.monitors: list[ResourceMonitor] = []
        self.visits: list[Visit] = []
        self.deliveries: list[Delivery] = []
        self.train_log: list[TrainRun] = []
        self.voyages: list[Voyage] = []
        # Where consignments can be: the holders that `in_system` counts.
        self.queues: list[BatchQueue] = []
        self.running_trains: dict[int, Train] = {}
        self.fleets: list[FleetShuttle] = []
        self.in_flight: dict[int, Consignment] = {}   # in a per-consignment process
        self.generated = [0, 0.0, 0.0]                # consignments, tonnes, TEU
        self._next_id = 0
        self._next_train = 0
        self._build()

    # ------------------------------------------------------------------ build

    def _monitor(self, name: str, kind: str, capacity: float) -> ResourceMonitor:
        m = ResourceMonitor(name, kind, capacity, self.warmup)
        self.monitors.append(m)
        return m

    def _sampler(self, spec, stream: str) -> Sampler:
        return Sampler(spec, self.streams.generator(stream))

    def _build(self) -> None:
        sc, env = self.scenario, self.env
        self.train_stations: dict[str, TrainStation] = {}
        self.consignment_stations: dict[str, ConsignmentStation] = {}
        self.weather: dict[str, PortWeather] = {}
        self.yards: dict[tuple[str, str], Yard] = {}
        for nid, node in sc.nodes.items():
            if node.station is not None:
                st = node.station
                server = Server(env, st.servers, self._monitor(f"station:{nid}", "station", st.servers))
                service = self._sampler(st.service_hours, f"station/{nid}/service")
                dwell = self._sampler(st.dwell_hours, f"station/{nid}/dwell")
                if st.serves == "train":
                    self.train_stations[nid] = TrainStation(server, service, dwell)
                else:
                    self.consignment_stations[nid] = ConsignmentStation(server, service, dwell)
            if node.berths:
                monitor = self._monitor(f"weather:{nid}", "weather", 1) if node.weather else None
                self.weather[nid] = PortWeather(
                    env, node.weather, self.calendar,
                    UnitExponential(self.streams.generator(f"weather/{nid}")),
                    monitor or ResourceMonitor(f"weather:{nid}", "weather", 1, self.warmup),
                )
            if node.yard is not None:
                for unit in ("teu", "wagons", "tonnes"):
                    cap = getattr(node.yard, f"capacity_{unit}")
                    if cap is not None:
                        self.yards[(nid, unit)] = Yard(env, unit, cap, self._monitor(f"yard:{nid}.{unit}", "yard", cap))

        self.sections: dict[tuple[str, str], RailSection] = {}
        rail = {lid: link for lid, link in sc.links.items() if isinstance(link, RailLink)}
        pairs = [frozenset((link.from_, link.to)) for link in rail.values()]
        for lid, link in rail.items():
            headway = HOURS_PER_DAY / link.capacity_trains_per_day
            travel = link.distance_km / link.speed_km_per_day * HOURS_PER_DAY
            parallel = pairs.count(frozenset((link.from_, link.to))) > 1
            for a, b in ((link.from_, link.to), (link.to, link.from_)):
                name = f"rail:{lid}:{a}->{b}" if parallel else f"rail:{a}->{b}"
                slot = Server(env, 1, self._monitor(name, "rail_section", 1))
                self.sections[(lid, a)] = RailSection(slot, headway, travel)

        self.fleet_ends: dict[tuple[str, str], PortEnd] = {}
        self.fleet_unit: dict[str, str] = {}
        berth_groups: dict[str, Server] = {}
        for lid, link in sc.links.items():
            if not isinstance(link, SeaLink):
                continue
            spec = sc.fleets[link.fleet]
            self.fleet_unit[link.fleet] = spec.unit
            monitor = self._monitor(f"fleet:{link.fleet}", "fleet", spec.vessels)
            ends = []
            for port in (link.from_, link.to):
                group_id, group = next((g, b) for g, b in sc.nodes[port].berths.items() if b.handles == spec.unit)
                key = f"berths:{port}.{group_id}"
                berths = berth_groups.get(key)
                if berths is None:  # fleets of one unit share a port's berths
                    berths = berth_groups[key] = Server(env, group.count, self._monitor(key, "berth", group.count))
                queue = BatchQueue(env, spec.unit, monitor)
                self.queues.append(queue)
                end = PortEnd(port, berths, group.rate_per_hour, group.fixed_hours, self.weather[port], queue)
                self.fleet_ends[(link.fleet, port)] = end
                ends.append(end)
            self.fleets.append(FleetShuttle(
                env, link.fleet, spec.unit, spec.vessels, spec.usable_capacity, spec.max_wait_hours,
                self._sampler(spec.crossing_hours, f"fleet/{link.fleet}/crossing"), tuple(ends), monitor,
                self.visits, self.voyages, self._hand_over,
            ))

        self.transfer_time = {
            lid: self._sampler(link.travel_hours, f"transfer/{lid}")
            for lid, link in sc.links.items() if isinstance(link, TransferLink)
        }
        self.formations: dict[tuple, TrainFormation] = {}
        graph = link_graph(sc)
        self.routes: dict[str, Route] = {}
        for fname in sc.flows:
            nodes, links = flow_path(sc, graph, fname)
            legs = compile_legs(sc, nodes, links)
            self.routes[fname] = self._route(fname, legs)

        for fname, flow in sc.flows.items():
            self.env.process(self._demand(fname, flow))

    def _route(self, fname: str, legs: list[Leg]) -> Route:
        stop_nodes = [leg.start for leg in legs] + [legs[-1].end]
        stops = []
        for i, nid in enumerate(stop_nodes):
            unit = None
            for leg in (legs[i - 1] if i > 0 else None, legs[i] if i < len(legs) else None):
                if leg is not None and leg.mode == "sea":
                    unit = self.fleet_unit[self.scenario.links[leg.hops[0].link].fleet]
            station = self.consignment_stations.get(nid)
            # Inline: nothing to do here but join the next leg's queue (or be delivered).
            inline = station is None and (i == len(legs) or legs[i].mode != "transfer")
            stops.append(Stop(nid, self.yards.get((nid, unit)) if unit else None, station, inline))
        depart = tuple(self._departure(leg) for leg in legs)
        return Route(fname, tuple(legs), tuple(stops), depart)

    def _departure(self, leg: Leg):
        """The callable that puts a consignment on leg `leg`."""
        if leg.mode == "sea":
            fleet = self.scenario.links[leg.hops[0].link].fleet
            return self.fleet_ends[(fleet, leg.start)].outbound.put
        if leg.mode == "transfer":
            return None  # `_walk` carries consignments over transfers
        formation = self.formations.get(leg.key)
        if formation is None:
            spec = self.scenario.nodes[leg.start].train_formation or self.scenario.default_train_formation
            name = f"trains:{leg.start}->{leg.end}"
            if any(f.queue.monitor.name == name for f in self.formations.values()):
                # Another path between the same ends: name it by its stations (or all its nodes).
                via = [h.destination for h in leg.hops[:-1] if h.destination in self.train_stations]
                name += " via " + ",".join(via or [h.destination for h in leg.hops[:-1]])
            queue = BatchQueue(self.env, "wagons", self._monitor(name, "train_formation", 1))
            self.queues.append(queue)
            formation = TrainFormation(self.env, queue, spec.max_wagons, spec.max_wait_hours,
                                       lambda batch, hops=leg.hops: self._dispatch_train(batch, hops))
            self.formations[leg.key] = formation
        return formation.queue.put

    # ------------------------------------------------------------------ movement

    def _demand(self, fname: str, flow):
        env, cal = self.env, self.calendar
        size = consignment_size(flow)
        per_year = flow.tonnes_per_year / size["tonnes"]
        mean_w = sum(flow.seasonality) / 12
        rates = [per_year * w / mean_w / (365.0 * HOURS_PER_DAY) for w in flow.seasonality]
        draw = UnitExponential(self.streams.generator(f"demand/{fname}"))
        route = self.routes[fname]
        origin = route.stops[0]
        t = 0.0
        while True:
            t = cal.next_event(t, draw() if flow.arrivals == "poisson" else 1.0, rates)
            if t >= self.end:
                return
            yield env.timeout(t - env.now)
            c = Consignment(self._next_id, fname, size, t, route)
            self._next_id += 1
            self.generated[0] += 1
            self.generated[1] += c.tonnes
            self.generated[2] += c.teu
            c.arrive(origin.node, t)
            if origin.yard is not None:
                env.process(self._walk(c, in_yard=False))
            else:
                self._after_yard(c, origin)

    def _hand_over(self, cargo: list, node: str):
        """A carrier (train, vessel) hands its cargo over at a stop, one consignment at a time.

        The carrier waits while a full yard has no room: blocking, with the cargo
        still on board and still counted.
        """
        while cargo:
            c = cargo[0]
            c.leg += 1
            stop = c.route.stops[c.leg]
            if stop.yard is not None:
                c.blocked += yield from stop.yard.enter(c)
                c.yard = stop.yard
            cargo.pop(0)
            self._after_yard(c, stop)

    def _after_yard(self, c: Consignment, stop: Stop) -> None:
        if stop.inline:
            self._next_leg(c)
        else:
            self.env.process(self._walk(c, in_yard=True))

    def _walk(self, c: Consignment, in_yard: bool):
        """One process carries a consignment on its own through stations and transfers,
        until it joins a train or vessel queue or is delivered (one process per
        consignment, as a hand-written SimPy model would have)."""
        env = self.env
        route = c.route
        self.in_flight[c.id] = c
        while True:
            stop = route.stops[c.leg]
            if not in_yard and stop.yard is not None:
                c.blocked += yield from stop.yard.enter(c)  # waits outside a full yard
                c.yard = stop.yard
            in_yard = False
            station = stop.station
            if station is not None:
                req = station.server.request(c.tonnes)
                yield req
                start = env.now
                yield env.timeout(station.service())
                station.server.release(req)
                dwell = station.dwell()
                if dwell > 0:
                    yield env.timeout(dwell)
                c.served(start, env.now)
            if c.leg == len(route.legs) or route.legs[c.leg].mode != "transfer":
                del self.in_flight[c.id]
                self._next_leg(c)
                return
            leg = route.legs[c.leg]
            c.depart(env.now, self.visits)
            travel = self.transfer_time[leg.hops[0].link]()
            if travel > 0:
                yield env.timeout(travel)
            c.leg += 1
            c.arrive(leg.end, env.now)

    def _next_leg(self, c: Consignment) -> None:
        route = c.route
        if c.leg == len(route.legs):
            self._deliver(c)
        else:
            route.depart[c.leg](c)

    def _dispatch_train(self, batch: list, hops) -> None:
        self._next_train += 1
        train = Train(self._next_train, batch)
        self.env.process(run_train(self.env, train, hops, self.sections, self.train_stations,
                                   self.running_trains, self.visits, self.train_log, self._hand_over))

    def _deliver(self, c: Consignment) -> None:
        now = self.env.now
        c.depart(now, self.visits)
        self.deliveries.append(Delivery(c.id, c.flow, c.created, now, c.tonnes, c.teu))

    # ------------------------------------------------------------------ run

    def in_system(self) -> list[Consignment]:
        """Every consignment still in the corridor, found where it physically is."""
        out: list[Consignment] = []
        for q in self.queues:
            out.extend(q.items)
        for train in self.running_trains.values():
            out.extend(train.cargo)
        for fleet in self.fleets:
            for v in fleet.vessels:
                out.extend(v.cargo)
        out.extend(self.in_flight.values())
        return out

    def run(self, progress=None) -> RawResult:
        """Simulate to the end of the window. `progress(done_hours, total_hours)` is called as it goes."""
        if progress is None:
            self.env.run(until=self.end)
        else:
            steps = 50
            for i in range(1, steps + 1):
                self.env.run(until=self.end * i / steps)
                progress(self.env.now, self.end)
        for f in self.formations.values():
            f.queue.monitor.notes["utilization"] = f.fill()
            f.queue.monitor.notes["trains"] = f.trains
        return RawResult(
            scenario=self.scenario,
            warmup_hours=self.warmup,
            end_hours=self.end,
            visits=self.visits,
            deliveries=self.deliveries,
            trains=self.train_log,
            voyages=self.voyages,
            monitors=self.monitors,
            generated_consignments=self.generated[0],
            generated_tonnes=self.generated[1],
            generated_teu=self.generated[2],
            in_system=self.in_system(),
            # SimPy numbers its events with a counter; the next number is the count so far.
            events=next(self.env._eid),
        )
