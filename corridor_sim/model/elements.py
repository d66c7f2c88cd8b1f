"""The SimPy elements of a scenario: stations, yards, ports, rail sections,
pipelines, fleets, rolling-stock pools and disruptions, each with its monitor.

`build_elements` turns the typed scenario into these objects; `CorridorModel`
then moves consignments through them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from ..scenario.schema import PipelineLink, RailLink, Scenario, SeaLink, TransferLink
from .batching import BatchQueue
from .calendar import Calendar
from .disruptions import PortOutages, ServerOutages, VesselOutages, start_disruption
from .distributions import Sampler, UnitExponential
from .monitor import ResourceMonitor
from .rail import RailSection
from .rolling_stock import RollingStockPool
from .server import Server
from .station import Station
from .streams import RandomStreams
from .vessels import FleetShuttle, PortEnd
from .weather import PortWeather
from .yard import Yard

HOURS_PER_DAY = 24.0


@dataclass
class Pipeline:
    """A pipeline is one server: a parcel of t tonnes occupies it for t / throughput hours."""

    server: Server
    tonnes_per_hour: float
    travel: Sampler


@dataclass
class Elements:
    monitors: list[ResourceMonitor] = field(default_factory=list)
    train_stations: dict[str, Station] = field(default_factory=dict)          # stations that serve trains
    consignment_stations: dict[str, Station] = field(default_factory=dict)    # ... and single consignments
    weather: dict[str, PortWeather] = field(default_factory=dict)
    yards: dict[tuple[str, str], Yard] = field(default_factory=dict)
    sections: dict[tuple[str, str], RailSection] = field(default_factory=dict)   # (link, from node)
    pipelines: dict[str, Pipeline] = field(default_factory=dict)
    transfer_time: dict[str, Sampler] = field(default_factory=dict)
    fleet_ends: dict[tuple[str, str], PortEnd] = field(default_factory=dict)      # (fleet, port)
    fleet_unit: dict[str, str] = field(default_factory=dict)
    fleets: dict[str, FleetShuttle] = field(default_factory=dict)
    berths: dict[str, Server] = field(default_factory=dict)
    pools_at: dict[str, list[RollingStockPool]] = field(default_factory=dict)   # formation node -> pools
    queues: list[BatchQueue] = field(default_factory=list)


class ElementBuilder:
    def __init__(self, env: simpy.Environment, scenario: Scenario, streams: RandomStreams, calendar: Calendar,
                 warmup: float, visits: list, voyages: list, hand_over, reserve_yard):
        self.env = env
        self.sc = scenario
        self.streams = streams
        self.calendar = calendar
        self.warmup = warmup
        self.visits = visits
        self.voyages = voyages
        self.hand_over = hand_over
        self.reserve_yard = reserve_yard
        self.el = Elements()

    def monitor(self, name: str, kind: str, element: str, capacity: float, nodes: tuple[str, ...] = ()
                ) -> ResourceMonitor:
        m = ResourceMonitor(name, kind, element, capacity, self.warmup, nodes)
        self.el.monitors.append(m)
        return m

    def sampler(self, spec, stream: str, scale: float = 1.0) -> Sampler:
        return Sampler(spec, self.streams.generator(stream), scale)

    def server(self, name: str, kind: str, element: str, capacity: int, nodes: tuple[str, ...] = ()) -> Server:
        server = Server(self.env, capacity, self.monitor(name, kind, element, capacity, nodes))
        server.monitor.backlog = lambda: sum(r.tonnes for r in server.queue)
        return server

    def build(self) -> Elements:
        self._nodes()
        self._links()
        self._fleets()
        self._rolling_stock()
        self._disruptions()
        return self.el

    def _nodes(self) -> None:
        sc, el = self.sc, self.el
        for nid, node in sc.nodes.items():
            if node.station is not None:
                st = node.station
                server = self.server(f"station:{nid}", "station", f"nodes.{nid}.station", st.servers, (nid,))
                service = self.sampler(st.service_hours, f"station/{nid}/service")
                dwell = self.sampler(st.dwell_hours, f"station/{nid}/dwell", scale=sc.dwell_factor)
                stations = el.train_stations if st.serves == "train" else el.consignment_stations
                stations[nid] = Station(server, service, dwell)
            if node.berths:
                name = f"weather:{nid}"
                element = f"nodes.{nid}.weather"
                monitor = (self.monitor(name, "weather", element, 1, (nid,)) if node.weather
                           else ResourceMonitor(name, "weather", element, 1, self.warmup, (nid,)))
                el.weather[nid] = PortWeather(self.env, node.weather, self.calendar,
                                              UnitExponential(self.streams.generator(f"weather/{nid}")), monitor)
            if node.yard is not None:
                for unit in ("teu", "wagons", "tonnes"):
                    cap = getattr(node.yard, f"capacity_{unit}")
                    if cap is not None:
                        el.yards[(nid, unit)] = Yard(self.env, unit, cap,
                                                     self.monitor(f"yard:{nid}.{unit}", "yard", f"nodes.{nid}.yard", cap, (nid,)))

    def _links(self) -> None:
        sc, el = self.sc, self.el
        rail = {lid: link for lid, link in sc.links.items() if isinstance(link, RailLink)}
        pairs = [frozenset((link.from_, link.to)) for link in rail.values()]
        for lid, link in rail.items():
            headway = HOURS_PER_DAY / link.capacity_trains_per_day
            travel = link.distance_km / link.speed_km_per_day * HOURS_PER_DAY
            parallel = pairs.count(frozenset((link.from_, link.to))) > 1
            prefix = f"rail:{lid}:" if parallel else "rail:"
            if link.tracks == 1:
                # Single track: one set of paths for trains of both directions.
                slot = self.server(f"{prefix}{link.from_}<->{link.to}", "rail_section", f"links.{lid}", 1,
                                   (link.from_, link.to))
                for a in (link.from_, link.to):
                    el.sections[(lid, a)] = RailSection(slot, headway, travel)
            else:
                for a, b in ((link.from_, link.to), (link.to, link.from_)):
                    slot = self.server(f"{prefix}{a}->{b}", "rail_section", f"links.{lid}", 1, (a,))
                    el.sections[(lid, a)] = RailSection(slot, headway, travel)
        for lid, link in sc.links.items():
            if isinstance(link, TransferLink):
                el.transfer_time[lid] = self.sampler(link.travel_hours, f"transfer/{lid}")
            elif isinstance(link, PipelineLink):
                el.pipelines[lid] = Pipeline(self.server(f"pipeline:{lid}", "pipeline", f"links.{lid}", 1,
                                                         (link.from_,)),
                                             link.capacity_tonnes_per_year / (365.0 * HOURS_PER_DAY),
                                             self.sampler(link.travel_hours, f"pipeline/{lid}"))

    def _fleets(self) -> None:
        sc, el = self.sc, self.el
        for lid, link in sc.links.items():
            if not isinstance(link, SeaLink):
                continue
            spec = sc.fleets[link.fleet]
            el.fleet_unit[link.fleet] = spec.unit
            monitor = self.monitor(f"fleet:{link.fleet}", "fleet", f"fleets.{link.fleet}", spec.vessels,
                                   (link.from_, link.to))
            ends = []
            for port in (link.from_, link.to):
                group_id, group = next((g, b) for g, b in sc.nodes[port].berths.items() if b.handles == spec.unit)
                key = f"berths:{port}.{group_id}"
                if key not in el.berths:  # fleets of one unit share a port's berths
                    el.berths[key] = self.server(key, "berth", f"nodes.{port}.berths.{group_id}", group.count, (port,))
                queue = BatchQueue(self.env, spec.unit, monitor)
                el.queues.append(queue)
                end = PortEnd(port, el.berths[key], group.rate_per_hour, group.fixed_hours, el.weather[port], queue)
                el.fleet_ends[(link.fleet, port)] = end
                ends.append(end)
            monitor.backlog = lambda ends=ends: sum(c.tonnes for e in ends for c in e.outbound.items)
            el.fleets[link.fleet] = FleetShuttle(
                self.env, link.fleet, spec.unit, spec.vessels, spec.usable_capacity, spec.max_wait_hours,
                self.sampler(spec.crossing_hours, f"fleet/{link.fleet}/crossing"), tuple(ends), monitor,
                self.visits, self.voyages, self.hand_over, self.reserve_yard,
            )

    def _rolling_stock(self) -> None:
        for pid, spec in self.sc.rolling_stock.items():
            pool = RollingStockPool(self.env, pid, spec.count, spec.per_train,
                                    self.monitor(f"stock:{pid}", "rolling_stock", f"rolling_stock.{pid}", spec.count,
                                                 tuple(spec.formed_at)))
            for nid in spec.formed_at:
                self.el.pools_at.setdefault(nid, []).append(pool)

    def _disruptions(self) -> None:
        sc, el = self.sc, self.el
        for did, spec in sc.disruptions.items():
            parts = spec.target.split(".")
            if parts[0] == "fleets":
                target = VesselOutages(self.env, el.fleets[parts[1]].vessels)
            elif parts[0] == "links":
                lid = parts[1]
                if lid in el.pipelines:
                    servers = [el.pipelines[lid].server]
                else:
                    servers = list({id(s.slot): s.slot for (k, _), s in el.sections.items() if k == lid}.values())
                target = ServerOutages(self.env, servers)
            elif len(parts) == 2:
                target = PortOutages(el.weather[parts[1]])
            elif parts[2] == "station":
                st = el.train_stations.get(parts[1]) or el.consignment_stations[parts[1]]
                target = ServerOutages(self.env, [st.server])
            else:
                port = parts[1]
                group = sc.nodes[port].berths[parts[3]]
                key = f"berths:{port}.{parts[3]}"
                server = el.berths.get(key) or self.server(key, "berth", f"nodes.{port}.berths.{parts[3]}", group.count,
                                                          (port,))
                target = ServerOutages(self.env, [server])
            start_disruption(self.env, spec, target, sc.start_date,
                             lambda k, did=did: UnitExponential(self.streams.generator(f"disruption/{did}/{k}")))
