"""A port yard: finite storage for one unit (TEU, wagons on sidings, tonnes in tanks).

When the yard is full, whatever is unloading into it (a train, a vessel) waits
with the cargo still on board: blocking upstream. Cargo is never dropped.
"""

from __future__ import annotations

import simpy

from .monitor import ResourceMonitor


class Yard:
    __slots__ = ("env", "unit", "store", "monitor", "blocked_tonnes")

    def __init__(self, env: simpy.Environment, unit: str, capacity: float, monitor: ResourceMonitor):
        self.env = env
        self.unit = unit
        self.store = simpy.Container(env, capacity=capacity, init=0)
        self.monitor = monitor
        self.blocked_tonnes = 0.0   # cargo held outside (on trains, vessels, at the gate) for want of room
        monitor.backlog = lambda: self.blocked_tonnes

    def enter(self, consignment):
        """Process step: wait for room, then occupy it. Returns the hours blocked."""
        amount = getattr(consignment, self.unit)
        arrived = self.env.now
        self.monitor.arrive(arrived)
        if self.store.level + amount > self.store.capacity or self.store.put_queue:
            self.blocked_tonnes += consignment.tonnes
            yield self.store.put(amount)
            self.blocked_tonnes -= consignment.tonnes
        else:
            self.store.put(amount)  # room now: granted at once, no need to yield
        now = self.env.now
        self.monitor.start_service(now, arrived, consignment.tonnes)
        self.monitor.busy.set(now, self.store.level)
        return now - arrived

    def leave(self, consignment) -> None:
        self.store.get(getattr(consignment, self.unit))
        self.monitor.busy.set(self.env.now, self.store.level)
