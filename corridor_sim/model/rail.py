"""Rail: train formation, rail sections and stations on the way.

- A **train formation** at a leg's start node gathers consignments bound for the
  same rail leg and dispatches a train when it is full (in wagons) or when the
  first consignment has waited the maximum time: a batch departure.
- A **rail section** admits one train every 24/capacity hours in each direction
  (a single server whose service time is the headway); the run itself takes
  distance / speed and needs no server, so many trains can be on a section at once.
- A **station** (gauge change, border, locomotive change) is a `Server` with
  one server per track; a train holds a track for its processing time, then
  dwells (customs, documents) without holding it.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from ..records import TrainRun
from .batching import BatchQueue
from .server import Server
from .station import Station


@dataclass
class RailSection:
    slot: Server                # one server: the entry slot
    headway_hours: float
    travel_hours: float


class Train:
    __slots__ = ("id", "cargo", "tonnes", "wagons")

    def __init__(self, tid: int, cargo: list):
        self.id = tid
        self.cargo = cargo
        self.tonnes = sum(c.tonnes for c in cargo)
        self.wagons = sum(c.wagons for c in cargo)


class TrainFormation:
    """Forms trains for one rail leg at its start node."""

    def __init__(self, env: simpy.Environment, queue: BatchQueue, max_wagons: int, max_wait_hours: float,
                 dispatch):
        self.env = env
        self.queue = queue
        self.max_wagons = max_wagons
        self.max_wait_hours = max_wait_hours
        self.dispatch = dispatch   # called with each formed batch
        self.trains = 0
        self.wagons = 0.0
        env.process(self._run())

    def _run(self):
        env, queue, cap = self.env, self.queue, self.max_wagons
        while True:
            if not queue.items:
                yield queue.when_nonempty()
            if queue.level >= cap:
                batch = queue.take(cap)
            else:
                wait = queue.oldest_arrival() + self.max_wait_hours - env.now
                full = queue.collect(cap)
                if wait > 0:
                    yield full | env.timeout(wait)
                if full.triggered:
                    batch = full.value
                else:
                    queue.cancel(full)
                    batch = queue.take(cap)
            if env.now >= queue.monitor.start:
                self.trains += 1
                self.wagons += sum(c.wagons for c in batch)
            self.dispatch(batch)

    def fill(self) -> float:
        return self.wagons / (self.trains * self.max_wagons) if self.trains else 0.0


def run_train(env: simpy.Environment, train: Train, hops, sections: dict, stations: dict, running: dict,
              visits: list, train_log: list, on_arrival, pools: tuple = ()):
    """One train over the hops of a rail leg; `on_arrival(cargo, node)` breaks it up at the end.

    `running` holds the trains between formation and break-up, so that the
    cargo on them is counted as in the system. Trains drawing on rolling-stock
    `pools` wait for their wagons and locomotive first, and send them back empty.
    """
    running[train.id] = train
    formed = env.now
    for c in train.cargo:
        c.served(formed, formed)  # waiting for wagons or a locomotive is waiting, not processing
    drawn = []
    for pool in pools:
        units = pool.units_for(train.wagons)
        yield from pool.draw(units, train.tonnes)
        drawn.append((pool, units))
    last = len(hops) - 1
    for i, hop in enumerate(hops):
        yield from _run_section(env, sections[(hop.link, hop.origin)], train.tonnes, train.cargo, visits)
        now = env.now
        for c in train.cargo:
            c.arrive(hop.destination, now)
        station: Station | None = stations.get(hop.destination)
        if station is not None:
            start = yield from station.visit(env, train.tonnes)
            for c in train.cargo:
                c.served(start, env.now)
        if i == last:
            train_log.append(TrainRun(train.id, hops[0].origin, hop.destination, formed, env.now,
                                      train.wagons, len(train.cargo), train.tonnes))
            # Break-up hands the cargo over one consignment at a time (a full yard
            # holds the rest on the train), so the train stays in `running` until empty.
            yield from on_arrival(train.cargo, hop.destination)
            del running[train.id]
    if drawn:
        env.process(_run_empty(env, train.id, hops, sections, drawn, train.wagons, train_log))


def _run_section(env, section: RailSection, tonnes: float, cargo: list, visits: list):
    """Wait for a path on the section, leave the node, and run to its end."""
    req = section.slot.seize(tonnes)
    if req is not None:
        yield req
    for c in cargo:
        c.depart(env.now, visits)
    if section.travel_hours > section.headway_hours:
        yield env.timeout(section.headway_hours)
        section.slot.release()
        yield env.timeout(section.travel_hours - section.headway_hours)
    else:
        yield env.timeout(section.travel_hours)
        env.process(_release_later(env, section.slot, section.headway_hours - section.travel_hours))


def _run_empty(env, train_id: int, hops, sections: dict, drawn: list, wagons: float, train_log: list):
    """Empty wagons and the locomotive run back over the leg and return to their pools."""
    left = env.now
    for hop in reversed(hops):
        yield from _run_section(env, sections[(hop.link, hop.destination)], 0.0, (), ())
    for pool, units in drawn:
        pool.give_back(units)
    train_log.append(TrainRun(-train_id, hops[-1].destination, hops[0].origin, left, env.now, wagons, 0, 0.0))


def _release_later(env, server, delay):
    yield env.timeout(delay)
    server.release()
