"""Weather closures of a port: alternating open and closed spells.

Each spell has a minimum length (a storm closes a port for hours to days; a vessel
needs an open window long enough to leave) plus an exponential part. In calendar
month m the port is closed for a share p_m of the time: with closures of mean
length D, open spells last D (1 - p_m) / p_m on average, so once an open spell
has lasted its minimum M_o, closures start as a Poisson process of rate
1 / (D (1 - p_m) / p_m - M_o). Where that mean is shorter than M_o (a share close
to 1), closures are lengthened to D_m = M_o p_m / (1 - p_m) instead: the share is
kept, and the port stays shut rather than opening for instants. Vessels may
neither leave nor enter a closed port.
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
        self.listeners: list = []   # called when the port closes or reopens (what waiting cargo waits for)
        self.mean_closure = 0.0  # hours a closure lasts on average (0: never closed by weather)
        if spec is not None and any(spec.closed_share_by_month):
            self.rates, self.closure_means = spell_rates(spec)
            self.min_open, self.min_closure = spec.min_open_hours, spec.min_closure_hours
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
        if self.is_open:
            self.is_open = False
            for listener in self.listeners:
                listener()

    def reopen(self) -> None:
        self._closures -= 1
        if self._closures == 0:
            self.is_open = True
            for listener in self.listeners:
                listener()
            if self._reopened is not None:
                ev, self._reopened = self._reopened, None
                ev.succeed()

    def _spells(self, calendar: Calendar, draw: UnitExponential):
        env = self.env
        while True:
            if self.min_open > 0:
                yield env.timeout(self.min_open)
            closes = calendar.next_event(env.now, draw(), self.rates)
            if closes == float("inf"):
                return
            if closes > env.now:
                yield env.timeout(closes - env.now)
            self.close()
            self.monitor.busy.set(env.now, 1)
            self.monitor.closures = (self.monitor.closures or 0) + (env.now >= self.monitor.start)
            mean = self.closure_means[calendar.month_at(env.now)]
            yield env.timeout(self.min_closure + draw() * (mean - self.min_closure))
            self.monitor.busy.set(env.now, 0)
            self.reopen()


def spell_rates(spec: Weather) -> tuple[list[float], list[float]]:
    """Per calendar month: the rate (per hour) at which closures start once an open spell has lasted its
    minimum, and the mean length of a closure (see the module docstring)."""
    rates, closures = [], []
    for p in spec.closed_share_by_month:
        if p <= 0:
            rates.append(0.0)
            closures.append(spec.mean_closure_hours)
            continue
        closure = max(spec.mean_closure_hours, spec.min_open_hours * p / (1 - p))
        beyond_minimum = closure * (1 - p) / p - spec.min_open_hours
        rates.append(1 / beyond_minimum if beyond_minimum > 1e-9 else float("inf"))
        closures.append(closure)
    return rates, closures
