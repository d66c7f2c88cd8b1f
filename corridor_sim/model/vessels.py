"""Vessel fleets on a sea link: rail ferries, container feeders, tankers.

The vessels of a fleet shuttle between the link's two ports with no timetable
(F5). At each port a vessel waits at anchorage until the yard has room for its
cargo, takes a berth and unloads; it loads for the other side in the same call if
a full load waits, and otherwise waits for cargo off the berth and berths again
to load. It sails when full (its usable capacity, after the draft limit) or when
the first consignment aboard has waited `max_wait_hours`. With nothing to load it
goes back in ballast if cargo waits on the other side, and otherwise waits until
cargo arrives at either end.
A vessel neither leaves nor enters a port closed by weather; a loaded vessel
holds its berth while it waits out a storm.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from ..records import Voyage
from ..scenario.schema import Fleet
from .batching import BatchQueue
from .distributions import Sampler
from .monitor import ResourceMonitor
from .server import Server
from .weather import PortWeather


@dataclass
class PortEnd:
    """One end of a sea link, as the fleet sees it."""

    node: str
    berths: Server
    rate_per_hour: float
    fixed_hours: float
    weather: PortWeather
    outbound: BatchQueue      # cargo waiting here for this fleet


class Vessel:
    __slots__ = ("id", "cargo", "env", "_out", "_back")

    def __init__(self, env: simpy.Environment, vid: int):
        self.env = env
        self.id = vid
        self.cargo: list = []
        self._out = 0                        # breakdowns and withdrawals under way
        self._back: simpy.Event | None = None

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


class FleetShuttle:
    """The vessels of one fleet shuttling on one sea link.

    `port` does the hand-over at a port: `port.reserve_room(cargo, swap)` (room in the
    yards for a discharge, a process step) and `port.hand_over(cargo, node, reserved=True)`.
    """

    def __init__(self, ctx, name: str, spec: Fleet, crossing: Sampler, ends: tuple[PortEnd, PortEnd],
                 monitor: ResourceMonitor, port):
        env = ctx.env
        self.env = env
        self.name = name
        self.unit = spec.unit
        self.capacity = spec.usable_capacity
        self.max_wait_hours = spec.max_wait_hours
        self.crossing = crossing
        self.ends = ends
        self.monitor = monitor          # busy = vessels not idle for want of cargo
        self.visits = ctx.visits
        self.voyages = ctx.voyages
        self.port = port
        self.vessels = [Vessel(env, i) for i in range(spec.vessels)]
        monitor.busy.set(env.now, spec.vessels)
        for v in self.vessels:
            env.process(self._shuttle(v))

    def _shuttle(self, v: Vessel):
        env = self.env
        k = 0  # every vessel starts at the link's `from` port
        while True:
            here, there = self.ends[k], self.ends[1 - k]
            yield from self._weather(v, here)
            at_berth = False
            if v.cargo:
                # Room in the yard first, at anchorage: a vessel that cannot discharge
                # does not take a berth (holding one would lock the port: the cargo
                # that would free the yard leaves through the same berths).
                yield from self.port.reserve_room(v.cargo, min(here.outbound.level, self.capacity))
                yield from self._berth(here, v.tonnes)
                at_berth = True
                yield from self._handle(here, v.cargo, call=True)
                yield from self.port.hand_over(v.cargo, here.node, reserved=True)
                if here.outbound.level < self.capacity:
                    # No full load waiting: wait for cargo off the berth, so that it
                    # is free for the vessels that have work to do.
                    here.berths.release()
                    at_berth = False
            self.monitor.busy.add(env.now, -1)
            yield from self._gather(v, here, there)
            self.monitor.busy.add(env.now, 1)
            if v.cargo:
                new_call = not at_berth
                if new_call:
                    yield from self._berth(here, v.tonnes)
                    at_berth = True
                yield from self._handle(here, v.cargo, call=new_call)
            yield from self._weather(v, here, there)
            repaired = v.until_in_service()
            if repaired is not None:  # broken down or withdrawn: stays in port until back in service
                yield repaired
                yield from self._weather(v, here, there)
            if at_berth:
                here.berths.release()
            departed = env.now
            for c in v.cargo:
                c.depart(departed, self.visits)
            yield env.timeout(self.crossing())
            arrived = env.now
            for c in v.cargo:
                c.arrive(there.node, arrived)
            self.voyages.append(Voyage(self.name, v.id, here.node, there.node, departed, arrived,
                                       sum(getattr(c, self.unit) for c in v.cargo), self.unit, v.tonnes))
            k = 1 - k

    @staticmethod
    def _berth(end: PortEnd, tonnes: float):
        """Process step: take a berth, waiting in line while every berth is busy."""
        req = end.berths.seize(tonnes)
        if req is not None:
            yield req

    def _handle(self, end: PortEnd, cargo: list, call: bool):
        """Load or unload alongside: the units at the berth's rate, plus the fixed time of a
        call (mooring, documents) once per call, however much is loaded and unloaded."""
        start = self.env.now
        load = sum(getattr(c, self.unit) for c in cargo)
        yield self.env.timeout((end.fixed_hours if call else 0.0) + load / end.rate_per_hour)
        for c in cargo:
            c.served(start, self.env.now)

    def _gather(self, v: Vessel, here: PortEnd, there: PortEnd):
        """Wait for cargo: sail with a full load, or with what waits once the first
        consignment has waited `max_wait_hours`.

        With nothing to load here, go back in ballast if cargo waits on the other
        side (the way of a one-way trade); otherwise wait for cargo at either end.
        """
        env = self.env
        out, back = here.outbound, there.outbound
        while True:
            if out.items:
                wait = out.oldest_arrival() + self.max_wait_hours - env.now
                full = out.collect(self.capacity)
                if not full.triggered and wait > 0:
                    yield full | env.timeout(wait)
                if full.triggered:
                    v.cargo = full.value
                else:
                    out.cancel(full)
                    v.cargo = out.take(self.capacity)
                return
            if back.items:
                return  # in ballast, to where cargo waits
            yield out.when_nonempty() | back.when_nonempty()

    def _weather(self, v: Vessel, *ports: PortEnd):
        env = self.env
        while True:
            closed = next((p for p in ports if not p.weather.is_open), None)
            if closed is None:
                return
            held = env.now
            closed.weather.monitor.arrive(held)
            yield closed.weather.wait_open()
            closed.weather.monitor.start_service(env.now, held, v.tonnes)
