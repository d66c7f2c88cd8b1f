"""The corridor model: moves consignments through the elements of a scenario.

A consignment is handed from carrier to carrier along its route's legs. At each
break node (a *stop*) it may enter a yard (blocking the carrier that brings it
while the yard is full), go through a consignment-level station, and then joins
the queue of its next leg: a train formation, a fleet's outbound queue, a
transfer or a pipeline. The model records what happened and computes no KPI.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field

import simpy

from ..recording import RecordLog
from ..records import Delivery, ResourceSample, TrainRun, Visit, Voyage
from ..scenario.network import Leg, compile_legs, link_graph, route_paths
from ..scenario.schema import Scenario, consignment_size, mean_of
from .batching import BatchQueue
from .calendar import Calendar
from .consignment import Consignment
from .distributions import UnitExponential
from .elements import ElementBuilder
from .monitor import ResourceMonitor
from .rail import Train, TrainFormation, run_train
from .station import Station
from .routing import RouteChoice, RouteEstimate
from .streams import RandomStreams
from .yard import Yard

HOURS_PER_DAY = 24.0
SAMPLE_EVERY_HOURS = 24.0


@dataclass
class Stop:
    node: str
    yard: Yard | None
    station: Station | None       # a station serving single consignments
    inline: bool            # nothing to do here but join the next train or vessel queue (or be delivered)


@dataclass
class Route:
    flow: str
    legs: tuple[Leg, ...]
    stops: tuple[Stop, ...]     # stops[i] is where legs[i] starts; the last is the destination
    depart: tuple = ()          # per leg: a callable that puts a consignment in the leg's queue


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
    route_counts: dict = field(default_factory=dict)  # flow -> consignments per route option
    route_paths: dict | None = None                   # flow -> its route options as (nodes, links, share)

    @property
    def samples(self) -> list[ResourceSample]:
        return [ResourceSample(m.name, m.kind, t, q, b) for m in self.monitors for t, q, b in m.samples]


_frozen = False


def _freeze_what_the_process_loaded() -> None:
    """Once per process, before its first model is built: move the objects already there out of the
    collector's way (`gc.freeze`).

    They are mostly the modules, classes and functions of numpy, pandas, pyarrow,
    pydantic and networkx, ~140,000 objects that live as long as the process does. Every
    full pass of the cyclic collector walks them all again (80 ms each), and a run's
    records make full passes come. Objects frozen here are never collected: a cycle
    among them that was garbage at this moment stays in memory (a notebook's, at most
    once).
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.freeze()


class CorridorModel:
    def __new__(cls, *args, **kwargs):
        # Before the model object exists: a frozen model would keep all it holds for ever.
        _freeze_what_the_process_loaded()
        return super().__new__(cls)

    def __init__(self, scenario: Scenario, replication: int = 0, chunk_rows: int | None = None):
        self.scenario = scenario
        self.env = simpy.Environment()
        self.streams = RandomStreams(scenario.seed, replication)
        self.warmup = scenario.warmup_days * HOURS_PER_DAY
        self.end = self.warmup + scenario.horizon_days * HOURS_PER_DAY
        self.calendar = Calendar(scenario.start_date, self.end)
        # Append-only logs that keep `chunk_rows` rows in memory and spill the rest to Parquet.
        self.visits = RecordLog(Visit, "visits", chunk_rows)
        self.deliveries = RecordLog(Delivery, "deliveries", chunk_rows)
        self.train_log = RecordLog(TrainRun, "trains", chunk_rows)
        self.voyages = RecordLog(Voyage, "voyages", chunk_rows)
        self.el = ElementBuilder(self.env, scenario, self.streams, self.calendar, self.warmup,
                                 self.visits, self.voyages, self._unload_vessel, self._reserve_yard).build()
        self.monitors = self.el.monitors
        # Where consignments can be: the holders that `in_system` counts.
        self.queues: list[BatchQueue] = self.el.queues
        self.running_trains: dict[int, Train] = {}
        self.in_flight: dict[int, Consignment] = {}   # in a per-consignment process
        self.generated = [0, 0.0, 0.0]                # consignments, tonnes, TEU
        self._next_id = 0
        self._next_train = 0
        self.formations: dict[tuple, TrainFormation] = {}
        self.choices: dict[str, RouteChoice] = {}
        self._queue_terms: dict[tuple, object] = {}
        graph = link_graph(scenario)
        self.route_paths: dict[str, list] = {}
        for fname, flow in scenario.flows.items():
            routes, shares, estimates = [], [], []
            self.route_paths[fname] = route_paths(scenario, graph, fname)
            for nodes, links, share in self.route_paths[fname]:
                route = self._route(fname, compile_legs(scenario, nodes, links))
                routes.append(route)
                shares.append(share)
                estimates.append(self._estimate(route, consignment_size(flow)))
            self.choices[fname] = RouteChoice(routes, shares, flow.route_choice,
                                              self.streams.generator(f"route/{fname}"), estimates)
        for fname, flow in scenario.flows.items():
            self.env.process(self._demand(fname, flow))
        self.env.process(self._sample_queues())

    # ------------------------------------------------------------------ routes

    def _route(self, fname: str, legs: list[Leg]) -> Route:
        el = self.el
        stop_nodes = [leg.start for leg in legs] + [legs[-1].end]
        stops = []
        for i, nid in enumerate(stop_nodes):
            unit = None
            for leg in (legs[i - 1] if i > 0 else None, legs[i] if i < len(legs) else None):
                if leg is not None and leg.mode == "sea":
                    unit = el.fleet_unit[self.scenario.links[leg.hops[0].link].fleet]
                elif leg is not None and leg.mode == "pipeline" and unit is None:
                    unit = "tonnes"  # tankage in front of or behind a pipeline
            station = el.consignment_stations.get(nid)
            inline = station is None and (i == len(legs) or legs[i].mode not in ("transfer", "pipeline"))
            stops.append(Stop(nid, el.yards.get((nid, unit)) if unit else None, station, inline))
        depart = tuple(self._departure(leg) for leg in legs)
        return Route(fname, tuple(legs), tuple(stops), depart)

    def _departure(self, leg: Leg):
        """The callable that puts a consignment in the queue of leg `leg`."""
        if leg.mode == "sea":
            fleet = self.scenario.links[leg.hops[0].link].fleet
            return self.el.fleet_ends[(fleet, leg.start)].outbound.put
        if leg.mode in ("transfer", "pipeline"):
            return None  # `_walk` carries consignments over transfers and through pipelines
        formation = self.formations.get(leg.key)
        if formation is None:
            spec = self.scenario.nodes[leg.start].train_formation or self.scenario.default_train_formation
            name = f"trains:{leg.start}->{leg.end}"
            if any(f.queue.monitor.name == name for f in self.formations.values()):
                # Another path between the same ends: name it by its stations (or all its nodes).
                via = [h.destination for h in leg.hops[:-1] if h.destination in self.el.train_stations]
                name += " via " + ",".join(via or [h.destination for h in leg.hops[:-1]])
            monitor = ResourceMonitor(name, "train_formation", f"nodes.{leg.start}.train_formation", 1, self.warmup,
                                      (leg.start,))
            self.monitors.append(monitor)
            queue = BatchQueue(self.env, "wagons", monitor)
            monitor.backlog = lambda q=queue: sum(c.tonnes for c in q.items)
            self.queues.append(queue)
            pools = tuple(self.el.pools_at.get(leg.start, ()))
            formation = TrainFormation(self.env, queue, spec.max_wagons, spec.max_wait_hours,
                                       lambda batch, hops=leg.hops, pools=pools: self._dispatch_train(batch, hops, pools))
            self.formations[leg.key] = formation
        return formation.queue.put

    def _estimate(self, route: Route, size: dict) -> RouteEstimate:
        """Expected hours along a route: static times plus the work queued in front of each resource."""
        sc, el = self.scenario, self.el
        est = RouteEstimate(0.0)
        # One callable per resource, shared by every route through it: a refresh reads each once.
        terms = self._queue_terms

        def term(key, hours):   # the first callable made for a resource is the one all share
            est.queue_hours.append(terms.setdefault(key, hours))
        for leg in route.legs:
            if leg.mode == "rail":
                spec = sc.nodes[leg.start].train_formation or sc.default_train_formation
                est.static_hours += spec.max_wait_hours / 2
                for hop in leg.hops:
                    section = el.sections[(hop.link, hop.origin)]
                    est.static_hours += section.travel_hours + section.headway_hours
                    term(("section", id(section)), lambda s=section: len(s.slot.queue) * s.headway_hours)
                    node = sc.nodes[hop.destination]
                    if hop.destination in el.train_stations:
                        st = el.train_stations[hop.destination]
                        est.static_hours += mean_of(node.station.service_hours) + mean_of(node.station.dwell_hours) * sc.dwell_factor
                        mean = mean_of(node.station.service_hours)
                        term(("station", id(st)),
                             lambda st=st, m=mean: len(st.server.queue) * m / st.server.nominal)
            elif leg.mode == "sea":
                link = sc.links[leg.hops[0].link]
                fleet = sc.fleets[link.fleet]
                end = el.fleet_ends[(link.fleet, leg.start)]
                crossing = mean_of(fleet.crossing_hours)
                handling = end.fixed_hours + fleet.usable_capacity / end.rate_per_hour
                round_trip = 2 * (crossing + handling)
                est.static_hours += crossing + 2 * handling + fleet.max_wait_hours / 2
                term(("fleet", id(end)), lambda q=end.outbound, cap=fleet.usable_capacity,
                     gap=round_trip / fleet.vessels: q.level / cap * gap)
                term(("weather", id(end.weather)),
                     lambda w=end.weather: 0.0 if w.is_open else getattr(w, "mean_closure", 0.0))
            elif leg.mode == "transfer":
                est.static_hours += mean_of(sc.links[leg.hops[0].link].travel_hours)
            else:
                pipe = el.pipelines[leg.hops[0].link]
                est.static_hours += mean_of(sc.links[leg.hops[0].link].travel_hours) + size["tonnes"] / pipe.tonnes_per_hour
                term(("pipeline", id(pipe)), lambda p=pipe: sum(r.tonnes for r in p.server.queue) / p.tonnes_per_hour)
        return est

    # ------------------------------------------------------------------ movement

    def _demand(self, fname: str, flow):
        env, cal = self.env, self.calendar
        size = consignment_size(flow)
        per_year = flow.tonnes_per_year / size["tonnes"]
        mean_w = sum(flow.seasonality) / 12
        rates = [per_year * w / mean_w / (365.0 * HOURS_PER_DAY) for w in flow.seasonality]
        draw = UnitExponential(self.streams.generator(f"demand/{fname}"))
        choice = self.choices[fname]
        t = 0.0
        while True:
            t = cal.next_event(t, draw() if flow.arrivals == "poisson" else 1.0, rates)
            if t >= self.end:
                return
            yield env.timeout(t - env.now)
            route = choice.choose(t)
            # Stamped with the clock, not with t: now + (t - now) can differ from t in the last bit,
            # and a consignment must not be recorded as arriving after its service started.
            c = Consignment(self._next_id, fname, size, env.now, route)
            self._next_id += 1
            self.generated[0] += 1
            self.generated[1] += c.tonnes
            self.generated[2] += c.teu
            origin = route.stops[0]
            c.arrive(origin.node, c.created)
            if origin.yard is not None:
                env.process(self._walk(c, in_yard=False))
            else:
                self._after_yard(c, origin)

    def _hand_over(self, cargo: list, node: str, reserved: bool = False):
        """A carrier (train, vessel) hands its cargo over at a stop, one consignment at a time.

        A train waits while a full yard has no room: blocking, with the cargo still
        on board and still counted. A vessel has reserved the room before berthing
        (`reserved`).
        """
        while cargo:
            c = cargo[0]
            c.leg += 1
            stop = c.route.stops[c.leg]
            if stop.yard is not None:
                if reserved:
                    stop.yard.enter_reserved(c)
                else:
                    c.blocked += yield from stop.yard.enter(c)
                c.yard = stop.yard
            cargo.pop(0)
            self._after_yard(c, stop)

    def _unload_vessel(self, cargo: list, node: str):
        yield from self._hand_over(cargo, node, reserved=True)

    def _reserve_yard(self, cargo: list, swap: float = 0.0):
        """Room in the port's yard for a vessel's whole discharge (less what it will load
        back in the same call); the wait is blocked time."""
        by_yard: dict[Yard, list] = {}
        for c in cargo:
            yard = c.route.stops[c.leg + 1].yard
            if yard is not None:
                by_yard.setdefault(yard, []).append(c)
        for yard, part in by_yard.items():
            waited = yield from yard.reserve(sum(getattr(c, yard.unit) for c in part), sum(c.tonnes for c in part),
                                             swap)
            for c in part:
                c.blocked += waited

    def _after_yard(self, c: Consignment, stop: Stop) -> None:
        if stop.inline:
            self._next_leg(c)
        else:
            self.env.process(self._walk(c, in_yard=True))

    def _walk(self, c: Consignment, in_yard: bool):
        """One process carries a consignment on its own through stations, transfers and
        pipelines, until it joins a train or vessel queue or is delivered (one process
        per consignment, as a hand-written SimPy model would have)."""
        env = self.env
        route = c.route
        self.in_flight[c.id] = c
        while True:
            stop = route.stops[c.leg]
            if not in_yard and stop.yard is not None:
                c.blocked += yield from stop.yard.enter(c)  # waits outside a full yard
                c.yard = stop.yard
            in_yard = False
            if stop.station is not None:
                start = yield from stop.station.visit(env, c.tonnes)
                c.served(start, env.now)
            if c.leg == len(route.legs) or route.legs[c.leg].mode not in ("transfer", "pipeline"):
                del self.in_flight[c.id]
                self._next_leg(c)
                return
            leg = route.legs[c.leg]
            link = leg.hops[0].link
            if leg.mode == "pipeline":
                pipe = self.el.pipelines[link]
                req = pipe.server.seize(c.tonnes)
                if req is not None:
                    yield req
                start = env.now
                yield env.timeout(c.tonnes / pipe.tonnes_per_hour)  # pumping the parcel in
                pipe.server.release()
                c.served(start, env.now)
                travel = pipe.travel()
            else:
                travel = self.el.transfer_time[link]()
            c.depart(env.now, self.visits)
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

    def _dispatch_train(self, batch: list, hops, pools) -> None:
        self._next_train += 1
        train = Train(self._next_train, batch)
        self.env.process(run_train(self.env, train, hops, self.el.sections, self.el.train_stations,
                                   self.running_trains, self.visits, self.train_log, self._hand_over, pools))

    def _deliver(self, c: Consignment) -> None:
        now = self.env.now
        c.depart(now, self.visits)
        self.deliveries.append((c.id, c.flow, c.created, now, c.tonnes, c.teu))   # a `Delivery` row

    def _sample_queues(self):
        """Queue length and busy servers of every resource, once a day (for trends and plots)."""
        env = self.env
        while True:
            for m in self.monitors:
                m.sample(env.now)
            yield env.timeout(SAMPLE_EVERY_HOURS)

    # ------------------------------------------------------------------ run

    def in_system(self) -> list[Consignment]:
        """Every consignment still in the corridor, found where it physically is."""
        out: list[Consignment] = []
        for q in self.queues:
            out.extend(q.items)
        for train in self.running_trains.values():
            out.extend(train.cargo)
        for fleet in self.el.fleets.values():
            for v in fleet.vessels:
                out.extend(v.cargo)
        out.extend(self.in_flight.values())
        return out

    def run(self, progress=None) -> RawResult:
        """Simulate to the end of the window. `progress(done_hours, total_hours)` is called as it goes."""
        # The records make the cyclic collector's full passes costly as a run grows, and
        # SimPy's objects are freed by reference counting: collect once, afterwards.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._run(progress)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _run(self, progress=None) -> RawResult:
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
        for log in (self.visits, self.deliveries, self.train_log, self.voyages):
            log.close()
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
            route_counts={f: list(ch.chosen) for f, ch in self.choices.items()},
            route_paths=self.route_paths,
        )
