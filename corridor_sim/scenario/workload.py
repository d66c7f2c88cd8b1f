"""The work a run asks for, estimated element by element from the scenario's fields before it runs.

Every element that makes events or holds memory gets a `Share` of the run's work, tagged with
the field that drives it, so that a scenario over its `limits` (`limits.py`) is refused with
the field to look at (`disruptions.wear.mtbf_hours: breakdowns every 0.0001 h make …`):

| element | events (run time) | memory |
|---|---|---|
| demand (`flows.<f>.tonnes_per_year`) | ~16 per consignment: its generation, hand-overs, stations, and its share of the trains and sailings that carry it (5–15 in the shipped scenarios) | 1.5 KB per consignment: all of them, as an overloaded corridor keeps them (measured: 1.45 KB for each consignment queued at a station) |
| daily samples (`horizon_days`) | one a day | 24 bytes per resource per day |
| background trains (`nodes.<n>.station.background_trains_per_day`) | 4 per train (arrival, service, release, dwell) | — |
| breakdowns (`disruptions.<d>.mtbf_hours`) | 2 per failure of each server: servers × hours / (MTBF + MTTR), one process per server | 1 KB per server |
| storms (`nodes.<p>.weather.mean_closure_hours`) | 3 per storm (open spell, closure, reopening): hours × the largest monthly closed share / mean closure, at most hours / (min_open_hours + min_closure_hours) | — |
| timetabled departures (`links.<l>.timetable.every_hours`, or the fleet's) | 4 per departure from each end | — |
| vessels (`fleets.<f>.vessels`) | one process each | 1 KB each |

Estimates are upper bounds of the right order, not predictions: what matters is that a run
they accept finishes in minutes, not hours, within a known memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .flows import consignment_size
from .schema import Scenario, SeaLink, Weather

HOURS_PER_DAY = 24.0
HOURS_PER_YEAR = 365.0 * HOURS_PER_DAY
EVENTS_PER_CONSIGNMENT = 16
BYTES_PER_CONSIGNMENT = 1_500
BYTES_PER_SAMPLE = 24          # one resource-day, packed (`recording.SampleSeries`)
BYTES_PER_PROCESS = 1_000      # a SimPy process that lives the whole run (a vessel, a server's breakdowns)
MB = 1_000_000
EVENTS_PER_SECOND = 150_000    # the engine on one core (100,000-200,000 in the shipped scenarios)


@dataclass(frozen=True)
class Share:
    """One element's part of a run's work: the field that drives it, what it is, its events and bytes."""

    path: str
    what: str          # "the demand makes 24,662 consignments over the run (1.2 years)"
    events: float
    bytes: float = 0.0


def count(x: float) -> str:
    """A count as a message writes it: 1,234,567, or 1.2e+20 when it is beyond belief."""
    return f"{x:,.0f}" if x < 1e15 else f"{x:.2g}"


def every(hours: float) -> str:
    return f"every {hours:g} h"


def shares(sc: Scenario) -> list[Share]:
    """The work of every element of the scenario that makes events or holds memory, in the scenario's order."""
    hours = (sc.warmup_days + sc.horizon_days) * HOURS_PER_DAY
    days = hours / HOURS_PER_DAY
    out = [_samples(sc, days)]
    out += [_demand(sc, fid, hours) for fid in sc.flows]
    for nid, node in sc.nodes.items():
        if node.station is not None and node.station.background_trains_per_day > 0:
            trains = node.station.background_trains_per_day * days
            out.append(Share(f"nodes.{nid}.station.background_trains_per_day",
                             f"{count(trains)} background trains over the run ({days:,.0f} days)", 4 * trains))
        if node.weather is not None and node.berths:
            storms = _storms(node.weather, hours)
            out.append(Share(f"nodes.{nid}.weather.mean_closure_hours",
                             f"storms of {node.weather.mean_closure_hours:g} h make {count(storms)} closures",
                             3 * storms))
    out += _timetables(sc, hours)
    for fid, fleet in sc.fleets.items():
        out.append(Share(f"fleets.{fid}.vessels", f"{fleet.vessels:,} vessels", fleet.vessels,
                         fleet.vessels * BYTES_PER_PROCESS))
    for did, d in sc.disruptions.items():
        out.append(Share(f"disruptions.{did}.closures", f"{len(d.closures):,} closures", 2 * len(d.closures)))
        if d.mtbf_hours is not None:
            units = breakdown_units(sc, d.target)
            failures = units * hours / (d.mtbf_hours + d.mttr_hours)
            out.append(Share(f"disruptions.{did}.mtbf_hours",
                             f"breakdowns {every(d.mtbf_hours)} of {units:,} server{'s' if units > 1 else ''} "
                             f"make {count(failures)} failures", units + 2 * failures, units * BYTES_PER_PROCESS))
    return out


def _samples(sc: Scenario, days: float) -> Share:
    resources = resource_count(sc)
    return Share("horizon_days", f"daily samples of {resources:,} resources over {count(days)} days "
                                 "(warmup_days + horizon_days)",
                 days, resources * days * BYTES_PER_SAMPLE)


def _demand(sc: Scenario, fid: str, hours: float) -> Share:
    """A flow's consignments over the run: a year's worth per year, and a part-year at the rate of its
    busiest month (a 20-day run in the peak season makes more than 20/365 of a year's consignments)."""
    flow = sc.flows[fid]
    per_year = flow.tonnes_per_year / consignment_size(flow)["tonnes"]
    years = hours / HOURS_PER_YEAR
    whole, part = divmod(years, 1.0)
    consignments = per_year * (whole + min(1.0, part * max(flow.month_factors())))
    return Share(f"flows.{fid}.tonnes_per_year",
                 f"the demand makes {count(consignments)} consignments over the run ({years:,.1f} years)",
                 EVENTS_PER_CONSIGNMENT * consignments, BYTES_PER_CONSIGNMENT * consignments)


def _storms(weather: Weather, hours: float) -> float:
    """Closures of a port over the run: a storm and the open spell after it last D / p on average (closures
    of mean D, a closed share p), and no less than the two spells' minimum lengths."""
    cycle = weather.mean_closure_hours / max(weather.closed_share_by_month) if any(weather.closed_share_by_month) \
        else math.inf
    return hours / max(cycle, weather.min_open_hours + weather.min_closure_hours)


def _timetables(sc: Scenario, hours: float) -> list[Share]:
    out = []
    for lid, link in sc.links.items():
        if not isinstance(link, SeaLink) or link.fleet not in sc.fleets:
            continue
        own = link.timetable is not None
        timetable = link.timetable if own else sc.fleets[link.fleet].timetable
        if timetable is None:
            continue
        slots = 2 * hours / timetable.every_hours
        path = f"links.{lid}.timetable.every_hours" if own else f"fleets.{link.fleet}.timetable.every_hours"
        out.append(Share(path, f"departures {every(timetable.every_hours)} make {count(slots)} sailings on "
                               f"line '{lid}'", 4 * slots))
    return out


def resource_count(sc: Scenario) -> int:
    """About how many resources the run monitors (and samples daily): stations, berth groups, port weather,
    yards, embargoes, train formations, rail sections, pipelines, fleets, rolling-stock pools."""
    n = 0
    for node in sc.nodes.values():
        n += 1                                          # a train formation, if trains are formed here
        n += node.station is not None
        n += len(node.berths) + bool(node.berths)       # berth groups, and the port's weather
        n += node.embargo is not None
        if node.yard is not None:
            n += sum(v is not None for v in node.yard.model_dump().values())
    n += sum(2 if link.mode == "rail" else link.mode == "pipeline" for link in sc.links.values())
    return n + len(sc.fleets) + len(sc.rolling_stock)


def breakdown_units(sc: Scenario, target: str) -> int:
    """How many servers of a disruption's target break down each on its own (1 where the target is unknown:
    that is reported on its own)."""
    parts = target.split(".")
    if parts[0] == "fleets" and len(parts) == 2 and parts[1] in sc.fleets:
        return sc.fleets[parts[1]].vessels
    node = sc.nodes.get(parts[1]) if parts[0] == "nodes" and len(parts) > 2 else None
    if node is not None and parts[2:] == ["station"] and node.station is not None:
        return node.station.servers
    if node is not None and len(parts) == 4 and parts[2] == "berths" and parts[3] in node.berths:
        return node.berths[parts[3]].count
    return 1


def estimate(sc: Scenario) -> tuple[float, float]:
    """The run's events and memory (MB), as held against `limits.events` and `limits.memory_mb`."""
    parts = shares(sc)
    return math.fsum(s.events for s in parts), math.fsum(s.bytes for s in parts) / MB


def workload_problems(sc: Scenario) -> list[tuple[str, str]]:
    """The limits a scenario's run would go over, each as (the field that drives it most, the problem)."""
    problems = []
    days = sc.warmup_days + sc.horizon_days
    if not days <= sc.limits.days:
        problems.append(("horizon_days", f"a run of {count(days)} days (warmup_days + horizon_days), more than "
                                         f"limits.days ({count(sc.limits.days)}): check the units, or raise "
                                         "limits.days for a real long study"))
    parts = shares(sc)
    events = math.fsum(s.events for s in parts)
    if not events <= sc.limits.events:
        top = max(parts, key=lambda s: s.events)
        minutes = sc.limits.events / EVENTS_PER_SECOND / 60
        problems.append((top.path, f"{top.what}: about {count(top.events)} events, and the whole run about "
                                   f"{count(events)}, more than limits.events ({count(sc.limits.events)}, about "
                                   f"{count(minutes)} minutes of simulation): {_advice(top, 'events')}"))
    memory = math.fsum(s.bytes for s in parts) / MB
    if not memory <= sc.limits.memory_mb:
        top = max(parts, key=lambda s: s.bytes)
        held = "if they all wait in the corridor at once, " if top.path.startswith("flows.") else ""
        problems.append((top.path, f"{top.what}: {held}about {count(top.bytes / MB)} MB, and the whole run about "
                                   f"{count(memory)} MB, more than limits.memory_mb ({count(sc.limits.memory_mb)}): "
                                   f"{_advice(top, 'memory_mb')}"))
    return problems


def _advice(top: Share, limit: str) -> str:
    if top.path.startswith("flows."):
        fix = "check the units, use larger consignments or a shorter horizon"
    elif top.path == "horizon_days":
        fix = "check the units or shorten the run"
    else:
        fix = "check the units"
    return f"{fix}, or raise limits.{limit} for a real long study"
