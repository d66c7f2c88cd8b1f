"""Vessels, the sea lines they sail, and what a vessel does in a port.

A fleet (rail ferries, ro-ro ferries, container feeders, tankers) serves one or
more *lines* — the sea links that name it. A line has two ends; at each end the
cargo waiting to cross is a batch queue (`PortEnd.outbound`) in the fleet's unit:
wagons, TEU, tonnes, or lane metres of deck for ferries that carry wagons and road
vehicles together. What a vessel may load on a line is its capacity times the
share the shallower port allows (`scenario.sea`).

In a port a vessel waits at anchorage until the yard has room for its cargo,
takes a berth and unloads; loading is at the berth's rate plus the fixed time of
a call once per call. It neither leaves nor enters a port closed by weather; a
loaded vessel holds its berth while it waits out a storm. Where vessels go and
when they sail is the fleet's business (`fleet.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from ..scenario.schema import Timetable
from .batching import BatchQueue
from .distributions import Sampler
from .server import Server
from .weather import PortWeather


# What a vessel is doing, for the split of its fleet's time: working (sailing, handling cargo) or not.
VESSEL_STATES = ("sailing_loaded", "sailing_empty", "handling", "waiting_berth", "waiting_yard", "port_closed",
                 "out_of_service", "gathering", "waiting_slot", "idle")
WORKING = frozenset({"sailing_loaded", "sailing_empty", "handling"})


class Vessel:
    __slots__ = ("id", "cargo", "env", "node", "state", "monitor", "_out", "_back")

    def __init__(self, env: simpy.Environment, vid: int, node: str, monitor):
        self.env = env
        self.id = vid
        self.node = node                     # the port it is at, or sailing to
        self.cargo: list = []
        self.monitor = monitor               # its fleet's: vessel-hours by state
        self.state = "idle"
        self._out = 0                        # breakdowns and withdrawals under way
        self._back: simpy.Event | None = None

    def set_state(self, state: str) -> None:
        """What the vessel does from now on (one of VESSEL_STATES)."""
        old = self.state
        if state == old:
            return
        now = self.env.now
        self.monitor.move(now, old, state)
        if (old in WORKING) != (state in WORKING):
            self.monitor.work.add(now, 1 if state in WORKING else -1)
        self.state = state

    def take_out_of_service(self) -> None:
        self._out += 1

    def return_to_service(self) -> None:
        self._out -= 1
        if self._out == 0 and self._back is not None:
            ev, self._back = self._back, None
            ev.succeed()

    def until_in_service(self) -> simpy.Event | None:
        """None if the vessel can sail now, else an event that fires when it is repaired."""
        if self._out == 0:
            return None
        if self._back is None:
            self._back = self.env.event()
        return self._back

    @property
    def tonnes(self) -> float:
        return sum(c.tonnes for c in self.cargo)


@dataclass(eq=False)
class PortEnd:
    """One end of a line, as its fleet sees it: the berths it uses there and the cargo waiting to cross."""

    node: str
    berths: Server
    rate_per_hour: float
    fixed_hours: float
    weather: PortWeather
    outbound: BatchQueue                 # cargo waiting here to cross on this line
    first_slot: float = 0.0              # a timetabled line's first departure from here (hours)
    line: "SeaLine" = field(default=None, repr=False)
    other: "PortEnd" = field(default=None, repr=False)
    loader: Vessel | None = None         # the vessel gathering cargo here (a claim: one at a time, in turn)
    heading: int = 0                     # vessels sailing here in ballast to load
    call_pending: bool = False           # a call for a vessel is timed to the oldest consignment's wait
    next_slot: int = 0                   # a timetabled line's next departure from here not yet taken


@dataclass(eq=False)
class SeaLine:
    """A sea link a fleet serves: its two ends, its crossing time, and what one vessel may load on it."""

    id: str
    ends: tuple[PortEnd, PortEnd]
    crossing: Sampler
    crossing_mean: float                 # hours, for route estimates
    capacity: float                      # usable, in the fleet's unit (after the draft limit)
    timetable: Timetable | None = None
    share: float | None = None           # of the fleet's sailings, for fixed_shares dispatch
    sailings: int = 0
    cancelled: int = 0                   # timetabled departures no vessel could take within a period

    def __post_init__(self):
        a, b = self.ends
        a.line = b.line = self
        a.other, b.other = b, a


def berth(end: PortEnd, tonnes: float):
    """Process step: take a berth, waiting in line while every berth is busy."""
    req = end.berths.seize(tonnes)
    if req is not None:
        yield req


def handle(env: simpy.Environment, end: PortEnd, cargo: list, unit: str, call: bool):
    """Process step: load or unload alongside — the units at the berth's rate, plus the fixed time of a
    call (mooring, documents) once per call, however much is loaded and unloaded."""
    start = env.now
    load = sum(getattr(c, unit) for c in cargo)
    work = end.berths.monitor.work
    work.add(start, 1)
    yield env.timeout((end.fixed_hours if call else 0.0) + load / end.rate_per_hour)
    work.add(env.now, -1)
    for c in cargo:
        c.served(start, env.now)


def wait_weather(env: simpy.Environment, v: Vessel, *ports: PortEnd):
    """Process step: until every port of `ports` is open (the wait is booked to the port's weather)."""
    while True:
        closed = next((p for p in ports if not p.weather.is_open), None)
        if closed is None:
            return
        held, doing = env.now, v.state
        v.set_state("port_closed")
        closed.weather.monitor.arrive(held)
        yield closed.weather.wait_open()
        closed.weather.monitor.start_service(env.now, held, v.tonnes)
        v.set_state(doing)
