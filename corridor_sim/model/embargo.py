"""Embargoes: the railways stop dispatching cargo bound for a saturated port.

When the cargo waiting at a port for the sea crossing (in the fleets' queues
there, counted in the embargo's unit) passes the port's `limit`, origins stop
dispatching new consignments whose route sails from that port; when it falls
below `release`, they are let go, first held first released. Held cargo waits at
its origin: it is in the system (never dropped), and its wait there is part of
its transit. (KTZ stopped wagons for Kuryk in April-June 2025 once more than
1,000 waited against 46-47 shipped a day; see the scenarios for the limits.)

The embargo is a resource of its own: busy while in force (its utilisation is
the share of the time the port was embargoed), its queue the consignments held.
"""

from __future__ import annotations

from collections import deque

from ..scenario.schema import Embargo
from .monitor import ResourceMonitor


class PortEmbargo:
    def __init__(self, env, port: str, spec: Embargo, queues: list, monitor: ResourceMonitor, enter):
        self.env = env
        self.port = port
        self.unit = spec.unit
        self.limit = spec.limit
        self.release = spec.release
        self.queues = queues           # the fleets' outbound queues at the port
        self.monitor = monitor
        self.enter = enter             # sends a released consignment on its way
        self.active = False
        self.level = 0.0               # cargo waiting at the port, in `unit`
        self.held: deque = deque()
        monitor.backlog = lambda: sum(c.tonnes for c in self.held)
        monitor.held_tonnes = 0.0
        for q in queues:
            q.observer = self.check

    def hold(self, c) -> None:
        """A new consignment bound for the embargoed port waits at its origin."""
        now = self.env.now
        self.held.append(c)
        self.monitor.arrive(now)
        if now >= self.monitor.start:
            self.monitor.held_tonnes += c.tonnes

    def check(self, items, sign: int) -> None:
        """Cargo was put into (`sign` 1) or taken from (-1) a queue at the port: put the embargo in force,
        or lift it."""
        unit = self.unit
        self.level += sign * sum(getattr(c, unit) for c in items)
        level = self.level
        now = self.env.now
        if not self.active and level > self.limit:
            self.active = True
            self.monitor.busy.set(now, 1)
        elif self.active and level < self.release:
            self.active = False
            self.monitor.busy.set(now, 0)
            while self.held and not self.active:
                c = self.held.popleft()
                self.monitor.start_service(now, c.created, c.tonnes)
                self.enter(c)
