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


class QueueTerms:
    """The queue terms of every route, one callable per resource: routes through the same
    resource share it, so that a refresh reads each resource once."""

    def __init__(self):
        self._by_key: dict[tuple, Callable[[], float]] = {}

    def add(self, est: RouteEstimate, key: tuple, hours: Callable[[], float]) -> None:
        """`hours()`: the work queued in front of the resource `key`, in hours (the first callable
        given for a resource is the one every route shares)."""
        est.queue_hours.append(self._by_key.setdefault(key, hours))


def estimate(legs, size: dict, terms: QueueTerms) -> RouteEstimate:
    """Expected hours along a route's legs: static times plus the work queued in front of each resource."""
    est = RouteEstimate(0.0)
    for leg in legs:
        leg.add_expected(est, size, terms)
    return est


class FixedShares:
    """At random, with the shares the scenario gives (a planner's split)."""

    def __init__(self, shares: list[float], estimates: list[RouteEstimate], rng: np.random.Generator):
        self.rng = rng
        self.cumulative = np.cumsum(shares).tolist()

    def choose(self, now: float) -> int:
        u = self.rng.random() * self.cumulative[-1]
        return next((i for i, c in enumerate(self.cumulative) if u < c), len(self.cumulative) - 1)


class LeastExpectedTime:
    """The route with the least expected time given the queues now, refreshed once a simulated hour."""

    REFRESH_HOURS = 1.0

    def __init__(self, shares: list[float], estimates: list[RouteEstimate], rng: np.random.Generator):
        self.estimates = estimates
        self._best = (-1.0, 0)   # (hour it was worked out, route index)
        # The queue terms of all the routes, each once (routes share most of their resources),
        # and where each route finds its own among them.
        self._terms = list(dict.fromkeys(f for e in estimates for f in e.queue_hours))
        where = {f: i for i, f in enumerate(self._terms)}
        self._positions = [tuple(where[f] for f in e.queue_hours) for e in estimates]

    def choose(self, now: float) -> int:
        hour = now // self.REFRESH_HOURS
        if hour != self._best[0]:
            values = [f() for f in self._terms]
            hours = [e.hours(values, p) for e, p in zip(self.estimates, self._positions)]
            self._best = (hour, min(range(len(hours)), key=hours.__getitem__))   # the first of equals
        return self._best[1]


class OnlyRoute:
    """A flow with one way to go."""

    def __init__(self, shares: list[float], estimates: list[RouteEstimate], rng: np.random.Generator):
        pass

    @staticmethod
    def choose(now: float) -> int:
        return 0


# Every rule is built from the routes' shares, their estimates and the flow's own random stream.
RULES = {"fixed_shares": FixedShares, "least_expected_time": LeastExpectedTime}


class RouteChoice:
    """A flow's routes, the rule that picks one per consignment, and how often each was taken."""

    def __init__(self, routes: list, rule):
        self.routes = routes
        self.rule = rule
        self.chosen = [0] * len(routes)

    def choose(self, now: float):
        k = self.rule.choose(now)
        self.chosen[k] += 1
        return self.routes[k]
