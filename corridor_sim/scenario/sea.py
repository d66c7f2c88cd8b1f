"""The sea lines of a scenario, worked out from its fields once for the engine and the analysis alike.

A fleet serves every sea link that names it (its *lines*). On each line its
vessels load what the shallower of the two ports lets them: with a `draft`, the
share (depth − under-keel clearance − light draft) / (loaded draft − light draft)
of their capacity, at most all of it (F7: 3.5 m at most Caspian ports, so 70–75%);
without one, the fleet's fixed `load_factor`. Dredging a port or a falling sea
level is a change of `depth_m`.
"""

from __future__ import annotations

from .schema import Duration, Fleet, Scenario, SeaLink, Timetable


def fleet_lines(scenario: Scenario, fleet_id: str) -> dict[str, SeaLink]:
    """The sea links a fleet serves, in the scenario's order."""
    return {lid: link for lid, link in scenario.links.items() if isinstance(link, SeaLink) and link.fleet == fleet_id}


def usable_share(scenario: Scenario, fleet: Fleet, ports: tuple[str, ...]) -> float:
    """The share of a vessel's capacity it may load for a voyage between `ports`."""
    if fleet.draft is None:
        return fleet.load_factor
    d = fleet.draft
    depth = min(scenario.nodes[p].depth_m for p in ports)
    return min(1.0, max(0.0, (depth - d.under_keel_m - d.light_m) / (d.loaded_m - d.light_m)))


def line_capacity(scenario: Scenario, link: SeaLink) -> float:
    """What one vessel of the line's fleet may carry on the line, in the fleet's unit."""
    fleet = scenario.fleets[link.fleet]
    return fleet.capacity * usable_share(scenario, fleet, (link.from_, link.to))


def line_crossing(scenario: Scenario, link: SeaLink) -> Duration:
    return link.crossing_hours if link.crossing_hours is not None else scenario.fleets[link.fleet].crossing_hours


def line_timetable(scenario: Scenario, link: SeaLink) -> Timetable | None:
    return link.timetable if link.timetable is not None else scenario.fleets[link.fleet].timetable


def carries(fleet: Fleet, cargo: str) -> bool:
    """Whether a fleet's vessels take a flow's cargo (`container`, `wagonload`, `liquid_bulk`, `road`):
    feeders take containers, rail ferries wagons, ro-ro ferries wagons and road vehicles, tankers
    liquid bulk."""
    return cargo in CARRIED[fleet.unit]


CARRIED = {
    "teu": {"container"},
    "wagons": {"container", "wagonload"},
    "lane_metres": {"container", "wagonload", "road"},
    "tonnes": {"liquid_bulk", "wagonload"},
}
