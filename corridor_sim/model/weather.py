"""Weather closures of a port: alternating open and closed spells.

Closures start as a Poisson process whose rate in calendar month m makes the
port closed for a share p_m of the time: with closures of mean length D,
rate_m = p_m / ((1 - p_m) D) while open. Spell lengths are exponential. Vessels
may neither leave nor enter a closed port.
"""

from __future__ import annotations

import simpy

from ..scenario.schema import Weather
from .calendar import Calendar
from .distributions import UnitExponential
from .monitor import ResourceMonitor


class PortWeather:
    def __init__(self, env: simpy.Environment, spec: Weather | None, calendar: Calendar,
                 draw: UnitExponential | None, monitor: ResourceMonitor):
        self.env = env
        self.is_open = True
        self.monitor = monitor  # busy = 1 while closed by weather: its utilisation is the closed share
        self._closures = 0      # storms and disruptions under way
        self._reopened: simpy.Event | None = None
        self.mean_closure = 0.0  # hours a closure lasts on average (0: never closed by weather)
        if spec is not None and any(spec.closed_share_by_month):
            self.rates = [p / ((1 - p) * spec.mean_closure_hours) for p in spec.closed_share_by_month]
            self.mean_closure = spec.mean_closure_hours
            env.process(self._spells(calendar, draw))

    def wait_open(self) -> simpy.Event | None:
        """None if open now, else an event that fires when the port reopens."""
        if self.is_open:
            return None
        if self._reopened is None:
            self._reopened = self.env.event()
        return self._reopened

    def close(self) -> None:
        self._closures += 1
        self.is_open = False

    def reopen(self) -> None:
        self._closures -= 1
        if self._closures == 0:
            self.is_open = True
            if self._reopened is not None:
                ev, self._reopened = self._reopened, None
                ev.succeed()

    def _spells(self, calendar: Calendar, draw: UnitExponential):
        env = self.env
        while True:
            closes = calendar.next_event(env.now, draw(), self.rates)
            if closes == float("inf"):
                return
            yield env.timeout(closes - env.now)
            self.close()
            self.monitor.busy.set(env.now, 1)
            self.monitor.closures = (self.monitor.closures or 0) + (env.now >= self.monitor.start)
            yield env.timeout(draw() * self.mean_closure)
            self.monitor.busy.set(env.now, 0)
            self.reopen()
