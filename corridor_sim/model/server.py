"""The multi-server station: c identical servers and a FIFO queue.

A counter of busy servers and a FIFO of waiting requests, with the monitor
updated in place. Not a subclass of `simpy.Resource`: releasing a server
schedules no event (SimPy's `Release` is an event of its own, and the next
request is granted only when that event is processed), and `seize` takes a free
server without creating or scheduling any event at all. Tracks of a gauge-change
station, berths of a port and the entry slot of a rail section are all `Server`s.

Usage (no event at all when a server is free)::

    req = server.seize(tonnes)
    if req is not None:
        yield req        # every server was busy; the wait is recorded when granted
    yield env.timeout(service_hours)
    server.release()
"""

from __future__ import annotations

from collections import deque

import simpy
from simpy.events import Event

from .monitor import ResourceMonitor


class Request(Event):
    """A queued request: when it was made and how many tonnes wait on it."""

    __slots__ = ("arrived", "tonnes")


class Server:
    def __init__(self, env: simpy.Environment, capacity: int, monitor: ResourceMonitor):
        self._env = env
        self._capacity = capacity
        self.nominal = capacity
        self.monitor = monitor
        self.busy = 0
        self.queue: deque[Request] = deque()   # waiting, first come first served

    def set_available(self, servers: int) -> None:
        """Servers in working order (closures and breakdowns take some away).

        Work in progress finishes; no new service starts on a missing server; when
        servers come back, the queue moves on at once.
        """
        self._capacity = servers
        now = self._env._now
        self.monitor.set_down(now, self.nominal - servers)
        if self.queue and self.busy < servers:
            self._grant(now)
            self.monitor.busy.set(now, self.busy)

    def seize(self, tonnes: float = 0.0) -> Request | None:
        """Take a free server now (None: no event, nothing to wait for), or join
        the queue and return the request to yield."""
        now = self._env._now
        m = self.monitor
        if self.busy < self._capacity and not self.queue:
            self.busy += 1
            m.arrive_served(now, tonnes)
            m.busy.set(now, self.busy)
            return None
        m.arrive(now)
        req = Request(self._env)
        req.arrived = now
        req.tonnes = tonnes
        self.queue.append(req)
        return req

    def release(self) -> None:
        now = self._env._now
        self.busy -= 1
        if self.queue:
            self._grant(now)
        self.monitor.busy.set(now, self.busy)

    def _grant(self, now: float) -> None:
        q, m, env = self.queue, self.monitor, self._env
        while q and self.busy < self._capacity:
            r = q.popleft()
            self.busy += 1
            m.start_service(now, r.arrived, r.tonnes)
            r._ok = True
            r._value = None
            env.schedule(r)
