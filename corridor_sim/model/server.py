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

    def request(self, tonnes: float = 0.0) -> simpy.resources.resource.Request:  # type: ignore[override]
        now = self._env.now
        self.monitor.arrive(now)
        req = super().request()
        req.arrived, req.tonnes = now, tonnes
        if req.triggered:  # a server was free
            self._granted(req)
        return req

    def _do_put(self, event) -> None:  # type: ignore[override]
        super()._do_put(event)
        # A request granted later, when a server is released. (A new request has no
        # `arrived` yet while the base class first tries it; `request` handles that.)
        if event.triggered and hasattr(event, "arrived"):
            self._granted(event)

    def _do_get(self, event) -> None:  # type: ignore[override]
        super()._do_get(event)
        self.monitor.busy.set(self._env.now, len(self.users))

    def _granted(self, req) -> None:
        now = self._env.now
        self.monitor.start_service(now, req.arrived, req.tonnes)
        self.monitor.busy.set(now, len(self.users))
