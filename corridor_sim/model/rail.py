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
    """Forms trains for one rail leg at its start node.

    Its monitor counts the trains formed in the window and their wagons: the mean
    fill of its trains is its utilisation (waiting for a train to fill is the
    price of batching, not a shortage of capacity)."""

    def __init__(self, env: simpy.Environment, queue: BatchQueue, max_wagons: int, max_wait_hours: float,
                 dispatch):
        self.env = env
        self.queue = queue
        self.max_wagons = max_wagons
        self.max_wait_hours = max_wait_hours
        self.dispatch = dispatch   # called with each formed batch
        queue.monitor.trains, queue.monitor.wagons, queue.monitor.max_wagons = 0, 0.0, max_wagons
        env.process(self._run())

    def _run(self):
        env, queue, cap = self.env, self.queue, self.max_wagons
        monitor = queue.monitor
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
            if env.now >= monitor.start:
                monitor.trains += 1
                monitor.wagons += sum(c.wagons for c in batch)
            self.dispatch(batch)


class Trains:
    """The trains on the move, numbered in the order they are formed.

    A train runs the hops of its rail leg: a path on each section, the stations on
    the way, and at the leg's end `hand_over(cargo, node)` breaks it up. Until the
    break-up is done its cargo is on board and counted in the system (`running`).
    Trains drawing on rolling-stock pools wait for their wagons and locomotive
    first, and send them back empty over the same sections.
    """

    def __init__(self, env: simpy.Environment, visits, train_log, hand_over):
        self.env = env
        self.visits = visits
        self.train_log = train_log
        self.hand_over = hand_over
        self.running: dict[int, Train] = {}
        self._next = 0

    def dispatch(self, batch: list, leg) -> None:
        """A formed batch leaves as a train over `leg` (a `legs.RailLeg`)."""
        self._next += 1
        train = Train(self._next, batch)
        self.env.process(self._run(train, leg))

    def _run(self, train: Train, leg):
        env, visits = self.env, self.visits
        self.running[train.id] = train
        formed = env.now
        for c in train.cargo:
            c.served(formed, formed)  # waiting for wagons or a locomotive is waiting, not processing
        drawn = []
        for pool in leg.pools:
            units = pool.units_for(train.wagons)
            yield from pool.draw(units, train.tonnes)
            drawn.append((pool, units))
        last = len(leg.path) - 1
        for i, (section, node, station) in enumerate(leg.path):
            yield from _run_section(env, section, train.tonnes, train.cargo, visits)
            now = env.now
            for c in train.cargo:
                c.arrive(node, now)
            if station is not None:
                start = yield from station.visit(env, train.tonnes)
                for c in train.cargo:
                    c.served(start, env.now)
            if i == last:
                self.train_log.append(TrainRun(train.id, leg.start, node, formed, env.now,
                                               train.wagons, len(train.cargo), train.tonnes))
                # Break-up hands the cargo over one consignment at a time (a full yard
                # holds the rest on the train), so the train stays in `running` until empty.
                yield from self.hand_over(train.cargo, node)
                del self.running[train.id]
        if drawn:
            env.process(self._run_empty(train.id, leg, drawn, train.wagons))

    def _run_empty(self, train_id: int, leg, drawn: list, wagons: float):
        """Empty wagons and the locomotive run back over the leg and return to their pools."""
        left = self.env.now
        for section in leg.return_path:
            yield from _run_section(self.env, section, 0.0, (), ())
        for pool, units in drawn:
            pool.give_back(units)
        self.train_log.append(TrainRun(-train_id, leg.end, leg.start, left, self.env.now, wagons, 0, 0.0))


def _run_section(env, section: RailSection, tonnes: float, cargo: list, visits):
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


def _release_later(env, server, delay):
    yield env.timeout(delay)
    server.release()
