"""Static capacity: how far the demand can grow before an element is full, worked out without simulating.

Each element's *load* is the time its servers need in a year to carry the demand's
traffic (`traffic.py`) by the engine's own arithmetic, over the time they are
available in the measured window (`availability.py`: weather, closures, breakdowns):

- a **rail section** admits `capacity_trains_per_day` in each direction (both
  directions together on a single track); loaded trains and the empty stock going
  back both take paths;
- a **station** serving trains needs its service time per train, the trains of other
  routes (`background_trains_per_day`) included; one serving consignments, per
  consignment;
- a **fleet** needs, per line, round trips for the heavier direction (the light one
  rides back, loaded or in ballast): two crossings, the handling of what is loaded
  and unloaded at both ends at the berths' rates, the fixed time of a call at each
  end, and the expected waits for a closed port on leaving and arriving
  (`availability.weather_hours_per_visit`);
  a timetabled line has its departures, not more;
- a **berth group** needs the calls of every line using it: fixed time, handling, and
  the departures it holds a vessel through a storm for;
- a **pipeline** carries its quota.

`demand_over_capacity` of an element is that load (1 = full); the corridor's static
capacity scales the whole demand, with its route shares, until the first element is
full. It is an *estimate*, not a bound: it counts no queueing, batching or blocking
(which cost the simulation throughput) and only the expected weather (a mild year
lets the simulation carry more). `by_direction` adds, per direction, the max flow
over the elements the routes use and its min cut.
"""

from __future__ import annotations

import math

from ..scenario.durations import mean_of
from ..scenario.graph import FlowNetwork
from ..scenario.schema import PipelineLink, RailLink, Scenario, SeaLink
from ..scenario.sea import fleet_lines, line_capacity, line_crossing, line_timetable
from .availability import availability, port_open_share, weather_hours_per_visit
from .traffic import Traffic, all_route_paths, flow_traffic

HOURS_PER_YEAR = 365.0 * 24.0
SOURCE, SINK = "__origins__", "__destinations__"
NOTE = ("an estimate: the demand, with its route shares, scaled until the first element is full; each element "
        "counts the time its servers need by the engine's arithmetic (round trips, handling, service, paths) "
        "over the time weather, closures and breakdowns leave it; no queueing, batching or blocking losses")

__all__ = ["all_route_paths", "element_capacities", "static_capacity", "SOURCE", "SINK"]


def _get(traffic: dict, key: str, direction: tuple) -> Traffic:
    return traffic.get((key, direction)) or Traffic()


def _rail(scenario: Scenario, lid: str, link: RailLink, traffic: dict) -> tuple[float, str]:
    ab, ba = _get(traffic, f"links.{lid}", (link.from_, link.to)), _get(traffic, f"links.{lid}", (link.to, link.from_))
    paths = link.capacity_trains_per_day * 365 * availability(scenario, f"links.{lid}")
    need = ab.trains + ba.trains if link.tracks == 1 else max(ab.trains, ba.trains)
    how = f"{need:,.0f} of {paths:,.0f} train paths a year" + (" (single track: both directions)"
                                                                    if link.tracks == 1 else " (busier direction)")
    return (need / paths if paths else math.inf if need else 0.0), how


def _station(scenario: Scenario, nid: str, traffic: dict) -> tuple[float, str]:
    st = scenario.nodes[nid].station
    t = _get(traffic, f"nodes.{nid}.station", (nid, nid))
    service = mean_of(st.service_hours)
    hours = st.servers * HOURS_PER_YEAR * availability(scenario, f"nodes.{nid}.station")
    if st.serves == "train":
        background = st.background_trains_per_day * 365
        need = (t.trains + background) * service
        how = f"{t.trains:,.0f} trains + {background:,.0f} of other routes x {service:g} h on {st.servers} tracks"
    else:
        need = t.consignments * service
        how = f"{t.consignments:,.0f} consignments x {service:g} h on {st.servers} servers"
    return (need / hours if hours else math.inf if need else 0.0), how


def _berth_group(scenario: Scenario, port: str, unit: str) -> str:
    return next(g for g, b in scenario.nodes[port].berths.items() if b.handles == unit)


def _sea(scenario: Scenario, traffic: dict) -> tuple[dict, dict]:
    """Fleet loads and berth-group loads, and each sea link's load (the larger of its fleet's, its berths'
    and its timetable's)."""
    fleets, berths, lines = {}, {}, {}
    berth_need: dict[tuple[str, str], float] = {}   # (port, berth group) -> berth-hours a year
    for fid, fleet in scenario.fleets.items():
        need = 0.0
        for lid, link in fleet_lines(scenario, fid).items():
            ends = (link.from_, link.to)
            ab, ba = (_get(traffic, f"links.{lid}", (a, b)) for a, b in (ends, ends[::-1]))
            units = (ab.units.get(fleet.unit, 0.0), ba.units.get(fleet.unit, 0.0))
            load = line_capacity(scenario, link)
            if load <= 0:
                lines[lid] = (math.inf if any(units) else 0.0, "nothing can be loaded (draft)")
                continue
            trips = max(units) / load
            if trips <= 0:
                lines[lid] = (0.0, f"no traffic; {load:g} {fleet.unit} a sailing")
                continue
            groups = [scenario.nodes[p].berths[_berth_group(scenario, p, fleet.unit)] for p in ends]
            weathers = [scenario.nodes[p].weather for p in ends]
            crossing = mean_of(line_crossing(scenario, link))
            # A call: its fixed time and the handling of a round trip's share of both directions' cargo.
            call = [g.fixed_hours + sum(units) / trips / g.rate_per_hour for g in groups]
            # Leaving a port: waiting alongside for it (found open on arrival, a call ago) and for the other
            # end (found open when the vessel left it); arriving: the port, found open a crossing ago.
            leave = [weather_hours_per_visit(scenario, weathers[i], call[i])
                     + weather_hours_per_visit(scenario, weathers[1 - i], crossing + call[i]) for i in (0, 1)]
            arrive = [weather_hours_per_visit(scenario, weathers[i], crossing) for i in (0, 1)]
            open_share = port_open_share(scenario, ends[0]) * port_open_share(scenario, ends[1])
            ports_shut = availability(scenario, f"nodes.{ends[0]}") * availability(scenario, f"nodes.{ends[1]}")
            hours = trips * (2 * crossing + sum(call) + sum(leave) + sum(arrive))
            need += hours / ports_shut if ports_shut else (math.inf if trips else 0.0)
            for i, p in enumerate(ends):
                key = (p, _berth_group(scenario, p, fleet.unit))
                # calls, loading and unloading here, and the storms a loaded vessel waits out alongside
                berth_need[key] = berth_need.get(key, 0.0) + trips * (call[i] + leave[i])
            rho = 0.0
            timetable = line_timetable(scenario, link)
            if timetable is not None:
                departures = HOURS_PER_YEAR / timetable.every_hours * open_share
                rho = max(units) / (departures * load) if departures else math.inf
            lines[lid] = (rho, f"{trips:,.0f} round trips a year of {load:g} {fleet.unit}")
        hours = fleet.vessels * HOURS_PER_YEAR * availability(scenario, f"fleets.{fid}")
        fleets[fid] = (need / hours if hours else math.inf if need else 0.0,
                       f"{need:,.0f} of {hours:,.0f} vessel-hours a year")
    for (port, gid), need in berth_need.items():
        key = f"nodes.{port}.berths.{gid}"
        group = scenario.nodes[port].berths[gid]
        hours = group.count * HOURS_PER_YEAR * availability(scenario, key) * availability(scenario, f"nodes.{port}")
        berths[key] = (need / hours if hours else math.inf if need else 0.0,
                       f"{need:,.0f} of {hours:,.0f} berth-hours a year")
    for lid, (rho, how) in list(lines.items()):
        # The link's own load is its timetable's; what it carries when full is set by whichever of its fleet,
        # its berths and its timetable fills first (named in the basis).
        link = scenario.links[lid]
        fleet = scenario.fleets[link.fleet]
        binding = [(rho, "its timetable"), (fleets[link.fleet][0], f"fleets.{link.fleet}")] + [
            (berths.get(f"nodes.{p}.berths.{_berth_group(scenario, p, fleet.unit)}", (0.0, ""))[0],
             f"nodes.{p}.berths.{_berth_group(scenario, p, fleet.unit)}") for p in (link.from_, link.to)]
        worst, by = max(binding)
        through = _through(traffic, f"links.{lid}")
        full = 0.0 if math.isinf(worst) else through / worst if worst > 0 and through > 0 else None
        lines[lid] = (rho, f"{how}; full when {by} is", full)
    return {**{f"fleets.{k}": v for k, v in fleets.items()}, **berths}, lines


def element_loads(scenario: Scenario, traffic: dict) -> dict[str, tuple]:
    """{element path: (demand over capacity, how it was worked out, tonnes a year it carries when full or None
    where that follows from its traffic)} for every element with a capacity."""
    out: dict[str, tuple] = {}
    ships, lines = _sea(scenario, traffic)
    for lid, link in scenario.links.items():
        if isinstance(link, RailLink):
            out[f"links.{lid}"] = (*_rail(scenario, lid, link, traffic), None)
        elif isinstance(link, SeaLink):
            out[f"links.{lid}"] = lines.get(lid, (0.0, "no fleet", None))
        elif isinstance(link, PipelineLink):
            quota = link.capacity_tonnes_per_year * availability(scenario, f"links.{lid}")
            tonnes = sum(_get(traffic, f"links.{lid}", d).tonnes for d in ((link.from_, link.to), (link.to, link.from_)))
            out[f"links.{lid}"] = (tonnes / quota if quota else math.inf if tonnes else 0.0,
                                   "pipeline throughput (quota)", quota)
    for nid, node in scenario.nodes.items():
        if node.station is not None:
            out[f"nodes.{nid}.station"] = (*_station(scenario, nid, traffic), None)
    out.update({k: (*v, None) for k, v in ships.items()})
    return out


def _through(traffic: dict, key: str) -> float:
    return sum(t.tonnes for (k, _), t in traffic.items() if k == key)


def element_capacities(scenario: Scenario, paths: dict[str, list] | None = None,
                       shares: dict[str, list[float]] | None = None) -> dict[str, dict]:
    """Per element: `demand_over_capacity` (its load), `tonnes_per_year` (the tonnes through it when full,
    at its traffic's mix — None without traffic; a pipeline its quota) and `basis` (how it was worked out)."""
    paths = paths if paths is not None else all_route_paths(scenario)
    traffic = flow_traffic(scenario, paths, shares or _declared_shares(scenario, paths))
    return _capacities(scenario, traffic)


def _capacities(scenario: Scenario, traffic: dict) -> dict[str, dict]:
    caps = {}
    for key, (rho, how, full) in element_loads(scenario, traffic).items():
        through = _through(traffic, key)
        if full is not None:
            tonnes = full
        elif math.isinf(rho):
            tonnes = 0.0
        else:   # no traffic: nothing to scale (None)
            tonnes = through / rho if rho > 0 and through > 0 else None
        caps[key] = {"tonnes_per_year": tonnes, "demand_over_capacity": rho, "basis": how}
    return caps


def _declared_shares(scenario: Scenario, paths: dict[str, list]) -> dict[str, list[float]]:
    return {f: [share for _, _, share in options] for f, options in paths.items()}


def _shares(scenario: Scenario, paths: dict[str, list], observed: dict[str, list[float]]) -> dict[str, list[float]]:
    """Each flow's shares over its options: declared; for least expected time, those observed in the run, else in
    proportion to what each option's narrowest element carries when the declared split fills it."""
    shares = _declared_shares(scenario, paths)
    choosing = [f for f, flow in scenario.flows.items() if flow.route_choice == "least_expected_time"
                and len(paths[f]) > 1]
    unobserved = [f for f in choosing if f not in observed]
    if unobserved:
        caps = _capacities(scenario, flow_traffic(scenario, paths, shares))
        for f in unobserved:
            narrowest = [min((caps[k]["tonnes_per_year"] for k in _used(scenario, nodes, links)
                              if k in caps and caps[k]["tonnes_per_year"] is not None), default=math.inf)
                         for nodes, links, _ in paths[f]]
            finite = [c for c in narrowest if c != math.inf]
            shares[f] = [c / sum(finite) if c != math.inf else 0.0 for c in narrowest] if finite and sum(finite) \
                else [1 / len(narrowest)] * len(narrowest)
    for f in choosing:
        if f in observed:
            shares[f] = list(observed[f])
    return shares


def _used(scenario: Scenario, nodes: list, links: list) -> list[str]:
    return [f"links.{lid}" for lid in links] + [f"nodes.{n}.station" for n in nodes
                                                 if scenario.nodes[n].station is not None]


def static_capacity(scenario: Scenario, observed_shares: dict[str, list[float]] | None = None,
                    paths: dict[str, list] | None = None) -> dict:
    """Static capacity of the corridor for its demand, in tonnes per year (see the module docstring).

    - `tonnes_per_year` and `first_to_saturate`: the demand scaled until its first element is full;
    - `elements[]`: every element with traffic, the most loaded first (`element`, `demand_over_capacity`,
      `tonnes_per_year`, `basis`) — the same loads the first to saturate is taken from;
    - `by_direction`: for westbound and eastbound flows apart (so that cargo cannot 'flow' from an eastbound
      origin to a westbound destination), the max flow from their origins to their destinations over the
      elements their routes use, and the min cut that bounds it.
    """
    paths = paths if paths is not None else all_route_paths(scenario)   # a run has worked them out already
    shares = _shares(scenario, paths, observed_shares or {})
    traffic = flow_traffic(scenario, paths, shares)
    caps = _capacities(scenario, traffic)
    demand = sum(f.tonnes_per_year for f in scenario.flows.values())
    loaded = {k: c for k, c in caps.items() if c["demand_over_capacity"] > 0}
    first = max(loaded, key=lambda k: loaded[k]["demand_over_capacity"]) if loaded else None
    rho = loaded[first]["demand_over_capacity"] if first else 0.0
    return {
        "tonnes_per_year": demand / rho if rho > 0 else math.inf,
        "first_to_saturate": ({"element": first, **caps[first]} if first else None),
        "elements": [{"element": k, **loaded[k]} for k in sorted(loaded, key=lambda k: -loaded[k]["demand_over_capacity"])],
        "by_direction": _by_direction(scenario, paths, shares, traffic, caps),
        "note": NOTE,
    }


def _by_direction(scenario: Scenario, paths: dict, shares: dict, traffic: dict, caps: dict) -> dict:
    directions: dict[str, FlowNetwork] = {}
    for fname, flow in scenario.flows.items():
        o, d = scenario.nodes[flow.origin], scenario.nodes[flow.destination]
        g = directions.setdefault("westbound" if d.lon <= o.lon else "eastbound", FlowNetwork())
        g.add_edge(SOURCE, ("out", flow.origin), float("inf"), None)
        g.add_edge(("in", flow.destination), SINK, float("inf"), None)
        for (nodes, links, _), share in zip(paths[fname], shares[fname]):
            if share <= 0:
                continue
            for n in nodes:
                key = f"nodes.{n}.station"
                g.add_edge(("in", n), ("out", n), _directed(traffic, caps, key, (n, n)), key if key in caps else None)
            for a, b, lid in zip(nodes, nodes[1:], links):
                key = f"links.{lid}"
                g.add_edge(("out", a), ("in", b), _directed(traffic, caps, key, (a, b)), key if key in caps else None)
    out = {}
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
        out[name] = {"tonnes_per_year": value, "min_cut": [{"element": e, **caps[e]} for e in cut]}
    return out


def _directed(traffic: dict, caps: dict, key: str, direction: tuple) -> float:
    """What an element can carry one way: the tonnes of its busier direction when it is full (a vessel or a
    path back is there anyway); a pipeline, its quota."""
    if key not in caps or caps[key]["tonnes_per_year"] is None:
        return float("inf")
    rho = caps[key]["demand_over_capacity"]
    tonnes = max(_get(traffic, key, direction).tonnes, _get(traffic, key, direction[::-1]).tonnes)
    if rho > 0 and tonnes > 0 and not math.isinf(rho):
        return min(caps[key]["tonnes_per_year"], tonnes / rho)
    return caps[key]["tonnes_per_year"]
