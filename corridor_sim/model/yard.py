"""A port yard: finite storage for one unit (TEU, wagons on sidings, tonnes in tanks).

When the yard is full, whatever is unloading into it (a train, a vessel) waits
with the cargo still on board: blocking upstream. Cargo is never dropped.
Room is given first come, first served: a large consignment at the head of the
line is not overtaken by smaller ones.

The level is kept here rather than in a `simpy.Container`, so that entering a
yard with room and leaving it cost no simulation events; only a consignment that
must wait for room waits on an event.
"""

from __future__ import annotations

from collections import deque

import simpy

from .monitor import ResourceMonitor


class Yard:
    __slots__ = ("env", "unit", "capacity", "level", "monitor", "blocked_tonnes", "_waiting")

    def __init__(self, env: simpy.Environment, unit: str, capacity: float, monitor: ResourceMonitor):
        self.env = env
        self.unit = unit
        self.capacity = capacity
        self.level = 0.0
        self.monitor = monitor
        self.blocked_tonnes = 0.0   # cargo held outside (on trains, vessels, at the gate) for want of room
        self._waiting: deque[tuple[float, simpy.Event]] = deque()
        monitor.backlog = lambda: self.blocked_tonnes

    def enter(self, consignment):
        """Process step: wait for room, then occupy it. Returns the hours blocked."""
        amount = getattr(consignment, self.unit)
        now = self.env.now
        if not self._waiting and self.level + amount <= self.capacity + 1e-9:
            self.level += amount
            self.monitor.arrive_served(now, consignment.tonnes)
            self.monitor.busy.set(now, self.level)
            return 0.0
        arrived = now
        self.monitor.arrive(arrived)
        self.blocked_tonnes += consignment.tonnes
        room = self.env.event()
        self._waiting.append((amount, room))
        yield room                   # `leave` has already added `amount` to the level
        self.blocked_tonnes -= consignment.tonnes
        now = self.env.now
        self.monitor.start_service(now, arrived, consignment.tonnes)
        return now - arrived

    def leave(self, consignment) -> None:
        self.level -= getattr(consignment, self.unit)
        while self._waiting and self.level + self._waiting[0][0] <= self.capacity + 1e-9:
            amount, room = self._waiting.popleft()
            self.level += amount
            room.succeed()
        if not self._waiting and self.level < 1e-9:
            self.level = 0.0  # no drift from float sums
        self.monitor.busy.set(self.env.now, self.level)
