"""The multi-server station: c identical servers and a FIFO queue.

A `simpy.Resource` that overrides the two hooks where a request is granted and
a server is released, so that its monitor sees every change of queue length and
busy servers without the model having to report them. Tracks of a gauge-change
station, berths of a port and the entry slot of a rail section are all `Server`s.

Usage, as in SimPy::

    req = server.request(tonnes=train.tonnes)
    yield req            # waits in the queue; the wait is recorded when granted
    yield env.timeout(service_hours)
    server.release(req)
"""

from __future__ import annotations

import simpy

from .monitor import ResourceMonitor


class Request(simpy.resources.resource.Request):
    """A request that knows when it was made, how many tonnes wait on it, and
    whether it had to queue."""

    def __init__(self, resource: "Server", tonnes: float):
        self.arrived = resource._env.now
        self.tonnes = tonnes
        self.queued = False
        super().__init__(resource)   # the base class tries to grant it at once


class Server(simpy.Resource):
    def __init__(self, env: simpy.Environment, capacity: int, monitor: ResourceMonitor):
        super().__init__(env, capacity)
        self.monitor = monitor
        self.nominal = capacity

    def set_available(self, servers: int) -> None:
        """Servers in working order (closures and breakdowns take some away).

        Work in progress finishes; no new service starts on a missing server; when
        servers come back, the queue moves on at once.
        """
        self._capacity = servers
        self.monitor.set_down(self._env.now, self.nominal - servers)
        if servers > 0:
            self._trigger_put(None)

    def request(self, tonnes: float = 0.0) -> Request:  # type: ignore[override]
        req = Request(self, tonnes)
        if not req.triggered:  # every server busy: it joins the queue
            req.queued = True
            self.monitor.arrive(req.arrived)
        return req

    def _do_put(self, event: Request) -> bool | None:  # type: ignore[override]
        users = self.users
        if len(users) >= self._capacity:
            return None
        users.append(event)
        event.succeed()
        now = self._env.now
        if event.queued:
            self.monitor.start_service(now, event.arrived, event.tonnes)
        else:
            self.monitor.arrive_served(now, event.tonnes)
        self.monitor.busy.set(now, len(users))
        return True  # a server was free: try the next in line too (several may be back after a repair)

    def _do_get(self, event) -> None:  # type: ignore[override]
        super()._do_get(event)
        self.monitor.busy.set(self._env.now, len(self.users))
