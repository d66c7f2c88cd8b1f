"""Building the SimPy elements of a scenario: stations, port weather, yards, rail sections,
transfers, pipelines, fleets with their berths, rolling-stock pools and disruptions.

`build_elements` turns the typed scenario into these objects, each with its
monitor; `CorridorModel` then moves consignments through them. Each element is
registered under the scenario path of what it is (`nodes.dostyk.station`,
`links.tbilisi_akhalkalaki`, `fleets.caspian_ferries`, …), which is how a
disruption finds its target: by that path, never by taking a name apart.

Elements are built in a fixed order (nodes, links, fleets, rolling stock,
disruptions): the order of the resources in the outputs, and of the processes
that start at hour 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..scenario.durations import mean_of
from ..scenario.schema import PipelineLink, RailLink, RoadLink, TransferLink
from ..scenario.sea import fleet_lines, line_capacity, line_crossing, line_timetable
from .batching import BatchQueue
from .berths import PortBerths
from .context import ModelContext
from .disruptions import PortOutages, ServerOutages, VesselOutages, start_disruption
from .embargo import PortEmbargo
from .distributions import Sampler
from .pipeline import HOURS_PER_YEAR, Pipeline
from .rail import RailSection
from .rolling_stock import RollingStockPool
from .fleet import Fleet
from .station import Station, background_trains
from .vessels import PortEnd, SeaLine
from .weather import PortWeather
from .yard import Yard

HOURS_PER_DAY = 24.0


@dataclass
class Elements:
    """The built elements, by what the routes look them up by."""

    berths: PortBerths
    train_stations: dict[str, Station] = field(default_factory=dict)          # stations that serve trains
    consignment_stations: dict[str, Station] = field(default_factory=dict)    # ... and single consignments
    weather: dict[str, PortWeather] = field(default_factory=dict)
    yards: dict[tuple[str, str], Yard] = field(default_factory=dict)          # (node, unit)
    sections: dict[tuple[str, str], RailSection] = field(default_factory=dict)   # (link, from node)
    pipelines: dict[str, Pipeline] = field(default_factory=dict)
    transfer_time: dict[str, Sampler] = field(default_factory=dict)               # transfers and roads
    line_ends: dict[tuple[str, str], PortEnd] = field(default_factory=dict)       # (sea link, port)
    fleets: dict[str, Fleet] = field(default_factory=dict)
    pools_at: dict[str, list[RollingStockPool]] = field(default_factory=dict)   # formation node -> pools
    embargoes: dict[str, PortEmbargo] = field(default_factory=dict)            # port -> its embargo
    queues: list[BatchQueue] = field(default_factory=list)                     # where consignments wait
    # What a disruption can take out of order, by scenario path: builds its outage controller.
    outages: dict[str, Callable[[], object]] = field(default_factory=dict)


def build_elements(ctx: ModelContext, corridor) -> Elements:
    """Every element of the scenario. `corridor` hands cargo over at ports (`reserve_room`, `hand_over`,
    see `fleet.py`) and sends consignments an embargo let go on their way (`enter`)."""
    el = Elements(PortBerths(ctx))
    _nodes(ctx, el)
    _links(ctx, el)
    _fleets(ctx, el, corridor)
    _embargoes(ctx, el, corridor)
    _rolling_stock(ctx, el)
    _disruptions(ctx, el)
    return el


def _nodes(ctx: ModelContext, el: Elements) -> None:
    sc, env = ctx.scenario, ctx.env
    for nid, node in sc.nodes.items():
        if node.station is not None:
            st = node.station
            server = ctx.server(f"station:{nid}", "station", f"nodes.{nid}.station", st.servers, (nid,))
            service = ctx.sampler(st.service_hours, f"station/{nid}/service")
            dwell = ctx.sampler(st.dwell_hours, f"station/{nid}/dwell", scale=sc.dwell_factor)
            stations = el.train_stations if st.serves == "train" else el.consignment_stations
            stations[nid] = Station(server, service, dwell)
            el.outages[f"nodes.{nid}.station"] = lambda s=server: ServerOutages(env, [s])
            if st.background_trains_per_day > 0:
                env.process(background_trains(env, stations[nid], st.background_trains_per_day / HOURS_PER_DAY,
                                              ctx.unit_exponential(f"station/{nid}/background")))
        if node.berths:
            # A port without weather still has one (never closed), for disruptions to close it.
            monitor = ctx.monitor(f"weather:{nid}", "weather", f"nodes.{nid}.weather", 1, (nid,),
                                  reported=node.weather is not None)
            weather = PortWeather(env, node.weather, ctx.calendar, ctx.unit_exponential(f"weather/{nid}"), monitor)
            el.weather[nid] = weather
            el.outages[f"nodes.{nid}"] = lambda w=weather: PortOutages(w)
            for group_id in node.berths:
                el.outages[f"nodes.{nid}.berths.{group_id}"] = \
                    lambda p=nid, g=group_id: ServerOutages(env, [el.berths.group(p, g)])
        if node.yard is not None:
            for unit in ("teu", "wagons", "tonnes", "vehicles"):
                cap = getattr(node.yard, f"capacity_{unit}")
                if cap is not None:
                    el.yards[(nid, unit)] = Yard(env, unit, cap, ctx.monitor(f"yard:{nid}.{unit}", "yard",
                                                                            f"nodes.{nid}.yard", cap, (nid,)))


def _links(ctx: ModelContext, el: Elements) -> None:
    sc, env = ctx.scenario, ctx.env
    rail = {lid: link for lid, link in sc.links.items() if isinstance(link, RailLink)}
    pairs = [frozenset((link.from_, link.to)) for link in rail.values()]
    for lid, link in rail.items():
        headway = HOURS_PER_DAY / link.capacity_trains_per_day
        travel = link.distance_km / link.speed_km_per_day * HOURS_PER_DAY
        parallel = pairs.count(frozenset((link.from_, link.to))) > 1
        prefix = f"rail:{lid}:" if parallel else "rail:"
        element = f"links.{lid}"
        if link.tracks == 1:
            # Single track: one set of paths for trains of both directions.
            slot = ctx.server(f"{prefix}{link.from_}<->{link.to}", "rail_section", element, 1, (link.from_, link.to))
            slots = [slot]
            for a in (link.from_, link.to):
                el.sections[(lid, a)] = RailSection(slot, headway, travel)
        else:
            slots = []
            for a, b in ((link.from_, link.to), (link.to, link.from_)):
                slots.append(ctx.server(f"{prefix}{a}->{b}", "rail_section", element, 1, (a,)))
                el.sections[(lid, a)] = RailSection(slots[-1], headway, travel)
        el.outages[element] = lambda s=slots: ServerOutages(env, s)
    for lid, link in sc.links.items():
        if isinstance(link, TransferLink):
            el.transfer_time[lid] = ctx.sampler(link.travel_hours, f"transfer/{lid}")
        elif isinstance(link, RoadLink):
            el.transfer_time[lid] = ctx.sampler(link.distance_km / link.speed_km_per_day * HOURS_PER_DAY,
                                                f"road/{lid}")
        elif isinstance(link, PipelineLink):
            server = ctx.server(f"pipeline:{lid}", "pipeline", f"links.{lid}", 1, (link.from_,))
            el.pipelines[lid] = Pipeline(server, link.capacity_tonnes_per_year / HOURS_PER_YEAR,
                                         ctx.sampler(link.travel_hours, f"pipeline/{lid}"))
            el.outages[f"links.{lid}"] = lambda s=server: ServerOutages(env, [s])


def _fleets(ctx: ModelContext, el: Elements, port) -> None:
    sc, env = ctx.scenario, ctx.env
    for fid, spec in sc.fleets.items():
        links = fleet_lines(sc, fid)
        ports = tuple(dict.fromkeys(p for link in links.values() for p in (link.from_, link.to)))
        monitor = ctx.monitor(f"fleet:{fid}", "fleet", f"fleets.{fid}", spec.vessels, ports)
        lines = []
        for lid, link in links.items():
            timetable = line_timetable(sc, link)
            ends = []
            for k, node in enumerate((link.from_, link.to)):
                group_id, group = el.berths.handling(node, spec.unit)
                queue = BatchQueue(env, spec.unit, monitor)
                el.queues.append(queue)
                # A timetabled line leaves its `from` port at the offset, its other end half a period later.
                first = timetable.offset_hours + k * timetable.every_hours / 2 if timetable is not None else 0.0
                end = PortEnd(node, el.berths.group(node, group_id), group.rate_per_hour, group.fixed_hours,
                              el.weather[node], queue, first_slot=first)
                el.line_ends[(lid, node)] = end
                ends.append(end)
            crossing = line_crossing(sc, link)
            lines.append(SeaLine(lid, tuple(ends), ctx.sampler(crossing, f"line/{lid}/crossing"), mean_of(crossing),
                                 line_capacity(sc, link), timetable, link.share))
        queues = [e.outbound for line in lines for e in line.ends]
        monitor.backlog = lambda queues=queues: sum(c.tonnes for q in queues for c in q.items)
        fleet = Fleet(ctx, fid, spec, lines, monitor, port)
        el.fleets[fid] = fleet
        el.outages[f"fleets.{fid}"] = lambda f=fleet: VesselOutages(env, f.vessels)


def _embargoes(ctx: ModelContext, el: Elements, corridor) -> None:
    for nid, node in ctx.scenario.nodes.items():
        if node.embargo is not None:
            queues = [end.outbound for (_, port), end in el.line_ends.items() if port == nid]
            monitor = ctx.monitor(f"embargo:{nid}", "embargo", f"nodes.{nid}.embargo", 1, (nid,))
            el.embargoes[nid] = PortEmbargo(ctx.env, nid, node.embargo, queues, monitor, corridor.enter)


def _rolling_stock(ctx: ModelContext, el: Elements) -> None:
    for pid, spec in ctx.scenario.rolling_stock.items():
        pool = RollingStockPool(ctx.env, pid, spec.count, spec.per_train,
                                ctx.monitor(f"stock:{pid}", "rolling_stock", f"rolling_stock.{pid}", spec.count,
                                            tuple(spec.formed_at)))
        for nid in spec.formed_at:
            el.pools_at.setdefault(nid, []).append(pool)


def _disruptions(ctx: ModelContext, el: Elements) -> None:
    sc = ctx.scenario
    for did, spec in sc.disruptions.items():
        start_disruption(ctx.env, spec, el.outages[spec.target](), sc.start_date,
                         lambda k, did=did: ctx.unit_exponential(f"disruption/{did}/{k}"))
