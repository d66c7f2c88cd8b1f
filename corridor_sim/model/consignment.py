"""Consignments: a wagon group, a block of containers, a convoy of trucks or an oil parcel of one flow.

A consignment carries its size in every unit the corridor counts in (tonnes,
TEU, wagons, road vehicles, lane metres of ferry deck), its itinerary, and the
visit it is making now; the visit becomes an immutable `Visit` row when the
consignment leaves the node.

An `EmptyReturn` is the flow's empty wagons, boxes or trucks coming back across a
sea line: it takes deck space, weighs nothing, and is no freight (no visits, no
delivery, not in the mass balance of tonnes).
"""

from __future__ import annotations


class Consignment:
    __slots__ = (
        "id", "flow", "tonnes", "teu", "wagons", "vehicles", "lane_metres", "created", "route", "leg",
        "queued_at", "yard", "node", "arrival", "service_start", "service_end", "blocked", "left_origin", "landed",
    )
    empty = False

    def __init__(self, cid: int, flow: str, size: dict, created: float, route):
        self.id = cid
        self.flow = flow
        self.tonnes = size["tonnes"]
        self.teu = size["teu"]
        self.wagons = size["wagons"]
        self.vehicles = size["vehicles"]
        self.lane_metres = size["lane_metres"]
        self.created = created
        self.route = route          # the flow's compiled Route
        self.leg = 0                # index of the next leg to take
        self.queued_at = created
        self.yard = None            # the Yard it occupies, if any
        self.node = None
        self.arrival = created
        self.service_start = None
        self.service_end = None
        self.blocked = 0.0
        self.left_origin = None     # when its carrier left the origin (the published transit clock starts)
        self.landed = None          # (leg, hour) of each sea crossing it was unloaded from, for empty returns

    def arrive(self, node: str, now: float) -> None:
        self.node = node
        self.arrival = now
        self.service_start = None
        self.service_end = None
        self.blocked = 0.0

    def served(self, start: float, end: float) -> None:
        if self.service_start is None:  # the first service at a node is the one recorded
            self.service_start = start
            self.service_end = end

    def depart(self, now: float, log: list) -> None:
        start = self.service_start if self.service_start is not None else now
        end = self.service_end if self.service_end is not None else start
        # A `Visit` row as a plain tuple in its field order (a third of the cost of the
        # NamedTuple's constructor, a row per consignment per node); the log reads rows back as Visits.
        log.append((self.id, self.flow, self.node, self.arrival, start, end, now, self.blocked,
                    self.tonnes, self.teu))
        if self.left_origin is None:
            self.left_origin = now
        if self.yard is not None:
            self.yard.leave(self)
            self.yard = None


class EmptyReturn(Consignment):
    """Empty wagons, boxes or trucks of a flow crossing back: deck space, no freight, no visits recorded."""

    __slots__ = ()
    empty = True

    def depart(self, now: float, log: list) -> None:
        if self.yard is not None:
            self.yard.leave(self)
            self.yard = None
