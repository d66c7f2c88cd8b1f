"""A station: c servers (tracks, counters) with a service time, then a dwell.

The same primitive serves whole trains (gauge change, border inspection,
locomotive change) and single consignments (customs per shipment, the M/M/c
validation station): queue FIFO for a server, hold it for the service time,
release it, then dwell (customs, documents) without holding a server — an
infinite-server stage.
"""

from __future__ import annotations

from dataclasses import dataclass

import simpy

from .distributions import Sampler
from .server import Server


@dataclass
class Station:
    server: Server
    service: Sampler
    dwell: Sampler

    def visit(self, env: simpy.Environment, tonnes: float):
        """Process step: queue, service, dwell. Returns the time service started."""
        req = self.server.seize(tonnes)
        if req is not None:
            yield req
        start = env.now
        yield env.timeout(self.service())
        self.server.release()
        dwell = self.dwell()
        if dwell > 0:
            yield env.timeout(dwell)
        return start


def background_trains(env: simpy.Environment, station: Station, per_hour: float, draw):
    """Process: trains of other routes (Poisson, `per_hour`) taking the station's tracks as corridor trains
    do; they carry none of the corridor's cargo (no tonnes)."""
    while True:
        yield env.timeout(draw() / per_hour)
        env.process(station.visit(env, 0.0))
