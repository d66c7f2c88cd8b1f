"""Batch departures: consignments wait until a carrier (train, vessel) takes them.

A `BatchQueue` holds consignments FIFO with their total size in one unit (wagons,
TEU or tonnes). A carrier either takes what fits now (`take`) or waits for a full
load (`collect`): the batch is handed over the moment the waiting consignments
reach its capacity. A consignment is never split; a carrier is full when the next
consignment would not fit.
"""

from __future__ import annotations

from collections import deque

import simpy

from .monitor import ResourceMonitor


class BatchQueue:
    __slots__ = ("env", "unit", "items", "level", "monitor", "listener", "observer", "causes", "_collectors",
                 "_watchers")

    def __init__(self, env: simpy.Environment, unit: str, monitor: ResourceMonitor):
        self.env = env
        self.unit = unit
        self.items: deque = deque()
        self.level = 0.0
        self.monitor = monitor
        self._collectors: deque[tuple[simpy.Event, float]] = deque()
        self._watchers: list[simpy.Event] = []
        self.listener = None    # called after each put (a fleet's dispatcher), if set
        self.observer = None    # called with what was put (+1) or taken (-1) (a port's embargo), if set
        self.causes = None      # a `WaitCauses` splitting the waits here by cause (a fleet's port end), if set

    def put(self, consignment) -> None:
        now = self.env.now
        consignment.queued_at = now
        self.items.append(consignment)
        self.level += getattr(consignment, self.unit)
        self.monitor.arrive(now)
        if self.causes is not None:
            self.causes.add_tonnes(now, consignment.tonnes)
        if self._watchers:
            for ev in self._watchers:
                ev.succeed()
            self._watchers = []
        while self._collectors and self.level >= self._collectors[0][1] - 1e-9:
            ev, capacity = self._collectors.popleft()
            ev.succeed(self.take(capacity))
        if self.listener is not None:
            self.listener()
        if self.observer is not None:
            self.observer((consignment,), 1)

    def take(self, capacity: float) -> list:
        """FIFO, as many consignments as fit in `capacity`."""
        batch = []
        room = capacity + 1e-9
        now = self.env.now
        items, unit = self.items, self.unit
        while items and getattr(items[0], unit) <= room:
            c = items.popleft()
            size = getattr(c, unit)
            room -= size
            self.level -= size
            self.monitor.start_service(now, c.queued_at, c.tonnes)
            if c.yard is not None:  # aboard: its room in the yard is free again
                c.yard.leave(c)
                c.yard = None
            batch.append(c)
        if not items:
            self.level = 0.0  # no drift from float sums
        if self.causes is not None and batch:
            self.causes.add_tonnes(now, -sum(c.tonnes for c in batch))
        if self.observer is not None and batch:
            self.observer(batch, -1)
        return batch

    def collect(self, capacity: float) -> simpy.Event:
        """An event whose value is a full batch, as soon as one is waiting."""
        ev = self.env.event()
        if not self._collectors and self.level >= capacity - 1e-9:
            ev.succeed(self.take(capacity))
        else:
            self._collectors.append((ev, capacity))
        return ev

    def cancel(self, ev: simpy.Event) -> None:
        for i, (pending, _) in enumerate(self._collectors):
            if pending is ev:
                del self._collectors[i]
                return

    def when_nonempty(self) -> simpy.Event:
        """An event that fires (taking nothing) once something is waiting."""
        ev = self.env.event()
        if self.items:
            ev.succeed()
        else:
            self._watchers.append(ev)
        return ev

    def oldest_arrival(self) -> float | None:
        return self.items[0].queued_at if self.items else None
