"""Candidate levers: what limits the corridor in a run's own diagnostics, and what to try on it.

**What limits it.** Two diagnostics of the base run point at elements: the ranking of the
resources the cargo waited for (`bottlenecks[]`, by the waiting *for capacity*) and the static
load of every element (`static_capacity.elements[]`, by `demand_over_capacity`). An element
both point at comes first (in the ranking's order); then, in turn, the next of the ranking and
the next of the static load. Each limiting element says which pointed at it.

**What to try** depends on what the element is (its type in the scenario, found by its path):

| element | lever |
|---|---|
| a fleet | one more vessel; a timetable, if none of its lines has one, as frequent as its sailings in the base |
| a berth group | one more berth |
| a rail section | +25% train paths a day |
| a station | one more track (server); −25% dwell, where it has a dwell |
| a pipeline | +25% throughput (the quota) |
| a timetabled sea line | 25% more departures |
| a yard | +25% room, in every unit it counts |
| a rolling-stock pool | +25% wagons or locomotives |

Weather, an embargo and a train formation have no lever: a storm cannot be bought off, an
embargo is a port's rule, a train formation's wait is the price of full trains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..scenario.durations import as_yaml_value, mean_of, scaled
from ..scenario.schema import BerthGroup, Embargo, Fleet, PipelineLink, RailLink, RollingStockPool, Scenario, SeaLink, \
    Station, TrainFormation, Weather, Yard
from ..scenario.sea import fleet_lines, line_timetable

BOTH, RANKING, STATIC = "ranking and static load", "ranking", "static load"
MORE = 1.25           # +25%: the step the levers take on a capacity (issue 13)
SHORTER = 0.75        # -25%: the step on a dwell
HOURS_PER_YEAR = 365.0 * 24.0


@dataclass(frozen=True)
class Lever:
    """One change to try against the base: `path` set to `value` (its `base_value` before)."""

    lever: str                  # in words: "one more vessel for fleets.asco_ferries (15 → 16)"
    path: str
    value: object
    base_value: object = None
    element: str | None = None  # the limiting element it acts on (None: given by the user)
    source: str = "diagnostics"  # or "user" (--lever / levers=)


@dataclass
class Limiting:
    """An element the base run's diagnostics point at."""

    element: str
    pointed_at_by: str                      # BOTH, RANKING or STATIC
    kind: str | None = None                 # its resource's kind, where it has one
    resource: str | None = None             # the ranked resource's name
    rank: int | None = None                 # its place in the ranking (1 = first)
    demand_over_capacity: float | None = None
    queue_state: object = None
    reason: str | None = None               # the ranking's words
    levers: list[str] = field(default_factory=list)   # the ids of the levers built for it
    no_lever: str | None = None             # why none, where none

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items()}


def _mean(x):
    """A number of a run's summary, or the mean of an aggregated one ({mean, ci95})."""
    return x.get("mean") if isinstance(x, dict) else x


def limiting_elements(summary: dict) -> list[Limiting]:
    """Every element the diagnostics of `summary` (a run's or an aggregated one) point at, most limiting first."""
    resources = summary.get("resources") or []
    element_of = {r["name"]: r.get("element") for r in resources}
    kind_of = {}
    for r in resources:
        kind_of.setdefault(r.get("element"), r.get("kind"))
    ranked: dict[str, tuple[int, dict]] = {}
    for i, b in enumerate(summary.get("bottlenecks") or [], 1):
        element = element_of.get(b["name"])
        if element is not None and element not in ranked:
            ranked[element] = (i, b)
    loads = {e["element"]: _mean(e.get("demand_over_capacity"))
             for e in (summary.get("static_capacity") or {}).get("elements") or []}
    static = sorted((e for e, rho in loads.items() if rho), key=lambda e: -loads[e])

    def entry(element: str, by: str) -> Limiting:
        rank, b = ranked.get(element, (None, {}))
        return Limiting(element, by, kind_of.get(element), b.get("name"), rank, loads.get(element),
                        b.get("queue_state"), b.get("reason"))

    both = [entry(e, BOTH) for e in ranked if e in loads]
    by_rank = [entry(e, RANKING) for e in ranked if e not in loads]
    by_load = [entry(e, STATIC) for e in static if e not in ranked]
    turns = [x for pair in zip(by_rank, by_load) for x in pair]
    rest = by_rank[len(by_load):] + by_load[len(by_rank):]
    return both + turns + rest


# ---------------------------------------------------------------------------
# The levers of each kind of element
# ---------------------------------------------------------------------------


def _shown(x) -> str:
    return f"{x:,.4g}" if isinstance(x, float) else str(x)


def _fleet(path: str, fleet: Fleet, scenario: Scenario, summary: dict) -> list[Lever]:
    fid = path.split(".")[1]
    out = [Lever(f"one more vessel for {path} ({fleet.vessels} → {fleet.vessels + 1})", f"{path}.vessels",
                 fleet.vessels + 1, fleet.vessels, path)]
    lines = fleet_lines(scenario, fid)
    if lines and all(line_timetable(scenario, link) is None for link in lines.values()):
        sea = (summary.get("sea") or {}).get("lines") or {}
        sailings = sum(_mean((sea.get(lid) or {}).get("sailings_per_year")) or 0.0 for lid in lines)
        if sailings > 0:
            # A fleet's timetable puts departures on each of its lines from both ends, every `every` hours:
            # as many as it sailed in the base, now on the clock instead of when loaded.
            every = round(2 * HOURS_PER_YEAR * len(lines) / sailings, 1)
            if every > 0:
                out.append(Lever(f"a timetable for {path} (every {every:g} h: its sailings in the base)",
                                 f"{path}.timetable", {"every_hours": every}, None, path))
    return out


def _berths(path: str, group: BerthGroup, scenario: Scenario, summary: dict) -> list[Lever]:
    return [Lever(f"one more berth at {path} ({group.count} → {group.count + 1})", f"{path}.count",
                  group.count + 1, group.count, path)]


def _rail(path: str, link: RailLink, scenario: Scenario, summary: dict) -> list[Lever]:
    more = link.capacity_trains_per_day * MORE
    return [Lever(f"+25% train paths on {path} ({_shown(link.capacity_trains_per_day)} → {_shown(more)} a day)",
                  f"{path}.capacity_trains_per_day", more, link.capacity_trains_per_day, path)]


def _pipeline(path: str, link: PipelineLink, scenario: Scenario, summary: dict) -> list[Lever]:
    more = link.capacity_tonnes_per_year * MORE
    return [Lever(f"+25% quota in {path} ({link.capacity_tonnes_per_year:,.0f} → {more:,.0f} t a year)",
                  f"{path}.capacity_tonnes_per_year", more, link.capacity_tonnes_per_year, path)]


def _sea_line(path: str, link: SeaLink, scenario: Scenario, summary: dict) -> list[Lever]:
    timetable = line_timetable(scenario, link)
    if timetable is None:
        return []
    every = round(timetable.every_hours / MORE, 2)
    return [Lever(f"25% more departures on {path} (every {timetable.every_hours:g} h → {every:g} h)",
                  f"{path}.timetable", {"every_hours": every, "offset_hours": timetable.offset_hours},
                  timetable.model_dump(), path)]


def _station(path: str, station: Station, scenario: Scenario, summary: dict) -> list[Lever]:
    what = "track" if station.serves == "train" else "server"
    out = [Lever(f"one more {what} at {path} ({station.servers} → {station.servers + 1})", f"{path}.servers",
                 station.servers + 1, station.servers, path)]
    dwell = mean_of(station.dwell_hours)
    if dwell > 0:
        shorter = scaled(station.dwell_hours, SHORTER)
        out.append(Lever(f"−25% dwell at {path} (mean {dwell:g} h → {mean_of(shorter):g} h)",
                         f"{path}.dwell_hours", as_yaml_value(shorter), as_yaml_value(station.dwell_hours), path))
    return out


def _yard(path: str, yard: Yard, scenario: Scenario, summary: dict) -> list[Lever]:
    room = {k: v for k, v in yard.model_dump().items() if v is not None}
    more = {k: v * MORE for k, v in room.items()}
    units = ", ".join(k.removeprefix("capacity_") for k in room)
    return [Lever(f"+25% room in {path} ({units})", path, more, room, path)] if room else []


def _stock(path: str, pool: RollingStockPool, scenario: Scenario, summary: dict) -> list[Lever]:
    more = math.ceil(pool.count * MORE)
    return [Lever(f"+25% rolling stock in {path} ({pool.count} → {more})", f"{path}.count", more, pool.count, path)]


_BUILDERS = {Fleet: _fleet, BerthGroup: _berths, RailLink: _rail, PipelineLink: _pipeline, SeaLink: _sea_line,
             Station: _station, Yard: _yard, RollingStockPool: _stock}
_NO_LEVER = {Weather: "storms: no lever buys them off", Embargo: "an embargo is the port's rule, not a capacity",
             TrainFormation: "waiting for a train to fill is the price of full trains"}


def element_at(scenario: Scenario, path: str):
    """The part of the scenario at an element's path (`fleets.asco_ferries`, `nodes.alat.berths.ferry`),
    or None."""
    obj = scenario
    for part in path.split("."):
        if isinstance(obj, dict):
            obj = obj.get(part)
        else:
            obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def levers_for(element: str, scenario: Scenario, summary: dict) -> tuple[list[Lever], str | None]:
    """The levers to try on a limiting element, or none and why."""
    obj = element_at(scenario, element)
    build = _BUILDERS.get(type(obj))
    if build is None:
        return [], _NO_LEVER.get(type(obj), "no lever for this kind of element")
    levers = build(element, obj, scenario, summary)
    return levers, None if levers else "no lever for this element as it is (a sea line without a timetable: " \
                                       "its fleet and its berths are the levers)"
