"""Route choice: which of a flow's routes a new consignment takes.

- `fixed_shares`: at random, with the shares the scenario gives (a planner's split).
- `least_expected_time`: the route with the least expected time given the queues
  now: its static time (running, processing, dwell, crossing, mean batching
  waits) plus the work queued in front of each resource on it, divided by that
  resource's capacity. A shipper's choice with today's information, refreshed
  once a simulated hour (consignments booked within the hour take the same route);
  it does not foresee storms or the queues others will add.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class RouteEstimate:
    static_hours: float
    queue_hours: list[Callable[[], float]] = field(default_factory=list)

    def hours(self, values: list[float], positions: tuple[int, ...]) -> float:
        """Static hours plus the queue terms: `values[positions[i]]` is the value of `queue_hours[i]`,
        read once for all of a flow's routes."""
        return self.static_hours + sum(map(values.__getitem__, positions))


class RouteChoice:
    REFRESH_HOURS = 1.0

    def __init__(self, routes: list, shares: list[float], rule: str, rng: np.random.Generator,
                 estimates: list[RouteEstimate]):
        self.routes = routes
        self.rule = rule
        self.rng = rng
        self.cumulative = np.cumsum(shares).tolist()
        self.estimates = estimates
        self.chosen = [0] * len(routes)
        self._best = (-1.0, 0)   # (hour it was worked out, route index)
        # The queue terms of all the routes, each once (routes share most of their resources),
        # and where each route finds its own among them.
        self._terms = list(dict.fromkeys(f for e in estimates for f in e.queue_hours))
        where = {f: i for i, f in enumerate(self._terms)}
        self._positions = [tuple(where[f] for f in e.queue_hours) for e in estimates]

    def choose(self, now: float):
        if len(self.routes) == 1:
            k = 0
        elif self.rule == "fixed_shares":
            u = self.rng.random() * self.cumulative[-1]
            k = next((i for i, c in enumerate(self.cumulative) if u < c), len(self.routes) - 1)
        else:
            hour = now // self.REFRESH_HOURS
            if hour != self._best[0]:
                values = [f() for f in self._terms]
                hours = [e.hours(values, p) for e, p in zip(self.estimates, self._positions)]
                self._best = (hour, min(range(len(hours)), key=hours.__getitem__))   # the first of equals
            k = self._best[1]
        self.chosen[k] += 1
        return self.routes[k]
