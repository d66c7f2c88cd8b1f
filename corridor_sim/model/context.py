"""The context every element of a run is built with: one object instead of long parameter lists.

It holds the SimPy environment, the scenario, the named random streams, the
calendar, the measured window, the record logs and the monitors of the
resources (in the order they are built, which is the order of `summary.json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import simpy

from ..recording import RecordLog
from ..scenario.durations import Duration
from ..scenario.schema import Scenario
from .calendar import Calendar
from .distributions import Sampler, UnitExponential
from .monitor import ResourceMonitor
from .server import Server
from .streams import RandomStreams


@dataclass
class ModelContext:
    env: simpy.Environment
    scenario: Scenario
    streams: RandomStreams
    calendar: Calendar
    warmup: float                 # hours: statistics start here
    end: float                    # hours: the run ends here
    visits: RecordLog
    deliveries: RecordLog
    train_log: RecordLog
    voyages: RecordLog
    monitors: list[ResourceMonitor] = field(default_factory=list)

    def monitor(self, name: str, kind: str, element: str, capacity: float, nodes: tuple[str, ...] = (),
                reported: bool = True) -> ResourceMonitor:
        """A resource's monitor; `reported` ones are in the run's resources (and samples)."""
        m = ResourceMonitor(name, kind, element, capacity, self.warmup, nodes)
        if reported:
            self.monitors.append(m)
        return m

    def server(self, name: str, kind: str, element: str, capacity: int, nodes: tuple[str, ...] = ()) -> Server:
        """A multi-server resource whose backlog is the tonnes queued for it."""
        server = Server(self.env, capacity, self.monitor(name, kind, element, capacity, nodes))
        server.monitor.backlog = lambda: sum(r.tonnes for r in server.queue)
        return server

    def sampler(self, spec: Duration, stream: str, scale: float = 1.0) -> Sampler:
        return Sampler(spec, self.streams.generator(stream), scale)

    def unit_exponential(self, stream: str) -> UnitExponential:
        return UnitExponential(self.streams.generator(stream))
