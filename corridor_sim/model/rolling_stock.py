"""Rolling-stock pools: container flat wagons and locomotives.

A train formed at one of a pool's nodes draws its wagons (or one locomotive)
from the pool and waits at formation while the pool is short. After the
break-up at the end of its leg, the stock runs back empty over the same rail
sections (taking their paths, as any train does) and returns to the pool.
"""

from __future__ import annotations

import math

import simpy

from .monitor import ResourceMonitor


class RollingStockPool:
    def __init__(self, env: simpy.Environment, name: str, count: int, per_train: str, monitor: ResourceMonitor):
        self.env = env
        self.name = name
        self.per_train = per_train
        self.store = simpy.Container(env, capacity=count, init=count)
        self.monitor = monitor  # busy = units away from the pool (in trains or running back)

    def units_for(self, wagons: float) -> int:
        """Wagons a train draws (whole ones, at least one: a train of consignments that take next to no wagon,
        1e-308 TEU or 1e308 TEU a wagon, still runs on one), or its one locomotive."""
        return max(1, math.ceil(wagons - 1e-9)) if self.per_train == "wagons" else 1

    def draw(self, units: int, tonnes: float):
        """Process step: wait until the pool has `units`, then take them."""
        arrived = self.env.now
        self.monitor.arrive(arrived)
        yield self.store.get(units)
        now = self.env.now
        self.monitor.start_service(now, arrived, tonnes)
        self.monitor.busy.set(now, self.store.capacity - self.store.level)

    def give_back(self, units: int) -> None:
        self.store.put(units)
        self.monitor.busy.set(self.env.now, self.store.capacity - self.store.level)
