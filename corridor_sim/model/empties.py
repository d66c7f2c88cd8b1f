"""Empty returns: the wagons, boxes and trucks of a flow coming back across the sea lines.

A flow with `empty_return` sends back `share` of its consignments' wagons, TEU or
road vehicles empty across each sea line it crossed loaded. Each crossing's
empties are back at the port where the loaded cargo was unloaded after the time
the loaded cargo took from there to its destination, twice (out and back), plus
the flow's `turnaround_hours`; they then queue for the line's vessels like any
cargo, taking deck space in the fleet's unit, and are returned when they reach the
other end. (Their rail journeys beyond the ports are not simulated: the model
counts what they take on the Caspian decks.)

Shares are kept exactly, not drawn: a running total per flow and crossing sends
back one consignment's worth each time it reaches one.
"""

from __future__ import annotations

from dataclasses import dataclass

from .consignment import Consignment, EmptyReturn
from .context import ModelContext

EPSILON = 1e-9


@dataclass
class Returned:
    """Empties sent back and returned, over the whole run."""

    sent: int = 0
    returned: int = 0
    wagons: float = 0.0
    teu: float = 0.0
    vehicles: float = 0.0


class EmptyReturns:
    def __init__(self, ctx: ModelContext, enter):
        self.ctx = ctx
        self.enter = enter                 # places an empty at the port it leaves from
        self.owed: dict[tuple[str, int], float] = {}
        self.book = Returned()
        self._next_id = -1                 # empties count down from -1: no freight id is negative

    def after_delivery(self, c: Consignment) -> None:
        """A loaded consignment was delivered: schedule its empties, crossing by crossing."""
        spec = self.ctx.scenario.flows[c.flow].empty_return
        now = self.ctx.env.now
        for leg, landed in c.landed:
            key = (c.flow, leg)
            owed = self.owed.get(key, 0.0) + spec.share
            if owed >= 1.0 - EPSILON:
                owed -= 1.0
                back_after = (now - landed) + spec.turnaround_hours
                self.ctx.env.process(self._send(c, c.route.empty_routes[leg], back_after))
            self.owed[key] = owed

    def _send(self, c: Consignment, route, after: float):
        yield self.ctx.env.timeout(after)
        size = {"tonnes": 0.0, "teu": c.teu, "wagons": c.wagons, "vehicles": c.vehicles, "lane_metres": c.lane_metres}
        empty = EmptyReturn(self._next_id, c.flow, size, self.ctx.env.now, route)
        self._next_id -= 1
        self.book.sent += 1
        self.enter(empty)

    def returned(self, e: EmptyReturn) -> None:
        """An empty reached the other side of its line: back with its owner."""
        e.depart(self.ctx.env.now, self.ctx.visits)
        book = self.book
        book.returned += 1
        book.wagons += e.wagons
        book.teu += e.teu
        book.vehicles += e.vehicles
