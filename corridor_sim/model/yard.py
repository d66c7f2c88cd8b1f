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
    __slots__ = ("env", "unit", "capacity", "level", "monitor", "blocked_tonnes", "_waiting", "_swaps")

    def __init__(self, env: simpy.Environment, unit: str, capacity: float, monitor: ResourceMonitor):
        self.env = env
        self.unit = unit
        self.capacity = capacity
        self.level = 0.0
        self.monitor = monitor
        self.blocked_tonnes = 0.0   # cargo held outside (on trains, vessels, at the gate) for want of room
        self._waiting: deque[tuple[float, simpy.Event]] = deque()   # (amount, event), first come first served
        # Vessels waiting to roll cargo off and on (see `reserve`): few, and they go ahead of the line,
        # so they are kept apart; a leave never scans the (possibly long) line of trains.
        self._swaps: list[tuple[float, simpy.Event, float]] = []     # (amount, event, swap)
        monitor.backlog = lambda: self.blocked_tonnes

    def enter(self, consignment):
        """Process step: wait for room, then occupy it. Returns the hours blocked."""
        waited = yield from self._admit(getattr(consignment, self.unit), consignment.tonnes, 0.0)
        if waited is None:  # room at once: counted, never in the queue
            self.monitor.arrive_served(self.env.now, consignment.tonnes)
            return 0.0
        return waited

    def reserve(self, amount: float, tonnes: float, swap: float = 0.0):
        """Process step: wait for room for `amount` (a vessel's whole discharge, at anchorage),
        then hold it; each consignment then takes its part with `enter_reserved`.

        `swap` is what the vessel will load back from the yard in the same call: a
        ro-ro ferry rolls wagons off and others on, so a yard full of cargo for that
        vessel does not keep it out (that would lock the port). Returns the hours waited.
        """
        waited = yield from self._admit(amount, tonnes, swap)
        return waited or 0.0

    def _admit(self, amount: float, tonnes: float, swap: float):
        """Take `amount` of room, waiting in line if there is none. Returns None when there was
        room at once (no event, nothing monitored but the level), else the hours waited."""
        now = self.env.now
        # A swap does not queue behind trains waiting for room: it frees what it takes.
        if (swap > 0 or not (self._waiting or self._swaps)) and self._fits(amount, swap):
            self.level += amount
            self.monitor.busy.set(now, self.level)
            return None
        self.monitor.arrive(now)
        self.blocked_tonnes += tonnes
        room = self.env.event()
        if swap > 0:
            self._swaps.append((amount, room, swap))
        else:
            self._waiting.append((amount, room))
        yield room                   # `leave` has already added `amount` to the level
        self.blocked_tonnes -= tonnes
        self.monitor.start_service(self.env.now, now, tonnes)
        return self.env.now - now

    def enter_reserved(self, consignment) -> None:
        """A consignment takes its part of room reserved for it."""
        self.monitor.arrive_served(self.env.now, consignment.tonnes)

    def _fits(self, amount: float, swap: float = 0.0) -> bool:
        # More than the whole yard (a vessel load into a small yard) goes in when it is
        # empty: a wait that can always end.
        return self.level + amount <= self.capacity + swap + 1e-9 or self.level <= 1e-9

    def leave(self, consignment) -> None:
        self.level -= getattr(consignment, self.unit)
        if self._swaps:   # swaps go ahead of the line (see `reserve`)
            for entry in [w for w in self._swaps if self._fits(w[0], w[2])]:
                self._swaps.remove(entry)
                self.level += entry[0]
                entry[1].succeed()
        # The line moves only when no vessel waits to swap: a vessel goes ahead of the whole line.
        while self._waiting and not self._swaps and self._fits(self._waiting[0][0]):
            amount, room = self._waiting.popleft()
            self.level += amount
            room.succeed()
        if not self._waiting and not self._swaps and self.level < 1e-9:
            self.level = 0.0  # no drift from float sums
        self.monitor.busy.set(self.env.now, self.level)
