"""Demand: each flow's consignments entering the corridor at its origin.

Arrivals follow the flow's monthly rate (tonnes per year spread by its
seasonality weights, normalised to a mean of 1: `Flow.month_factors`): a non-homogeneous Poisson
process, or one consignment at each unit of that rate's work (`regular`). Each
new consignment takes a route (`routing.py`) and is handed to the corridor at its
origin. Consignment ids are unique in the run, in the order of generation.
"""

from __future__ import annotations

import math
from typing import Callable

from ..scenario.flows import consignment_size
from .consignment import Consignment
from .context import ModelContext
from .routing import RouteChoice

HOURS_PER_YEAR = 365.0 * 24.0


class Demand:
    """The consignments generated so far, and the process of each flow that generates them."""

    def __init__(self, ctx: ModelContext, enter: Callable[[Consignment], None]):
        self.ctx = ctx
        self.enter = enter           # places a new consignment at its origin
        self.consignments = 0
        self.tonnes = 0.0
        self.teu = 0.0

    def start(self, fname: str, choice: RouteChoice) -> None:
        self.ctx.env.process(self._arrivals(fname, choice))

    def _arrivals(self, fname: str, choice: RouteChoice):
        ctx = self.ctx
        env, cal, end = ctx.env, ctx.calendar, ctx.end
        flow = ctx.scenario.flows[fname]
        size = consignment_size(flow)
        per_hour = flow.tonnes_per_year / size["tonnes"] / HOURS_PER_YEAR
        rates = [per_hour * factor for factor in flow.month_factors()]
        if not all(math.isfinite(rate) for rate in rates):
            # The schema and the run's limits make this impossible; were it not, an infinite rate would
            # generate consignments at one instant for ever, and a NaN none at all.
            raise ValueError(f"flow {fname}: monthly rates {rates} are not finite")
        # Poisson: exponential work between arrivals; regular: one unit of work each.
        work = ctx.unit_exponential(f"demand/{fname}") if flow.arrivals == "poisson" else (lambda: 1.0)
        t = 0.0
        while True:
            t = cal.next_event(t, work(), rates)
            if t >= end:
                return
            yield env.timeout(t - env.now)
            route = choice.choose(t)
            # Stamped with the clock, not with t: now + (t - now) can differ from t in the last bit,
            # and a consignment must not be recorded as arriving after its service started.
            c = Consignment(self.consignments, fname, size, env.now, route)
            self.consignments += 1
            self.tonnes += c.tonnes
            self.teu += c.teu
            self.enter(c)
