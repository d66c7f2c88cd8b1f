"""The corridor model: hands consignments from carrier to carrier along their routes.

A consignment is handed over at each break node (a *stop*): it may enter a yard
(blocking the carrier that brings it while the yard is full), go through a
consignment-level station, and then joins the queue of its next leg — a train
formation, a fleet's outbound queue — or moves over a transfer or through a
pipeline on its own. At its destination it is delivered. The model records what
happened and computes no KPI: `run()` returns the run's records as plain data.
"""

from __future__ import annotations

import simpy

from ..recording import RecordLog
from ..records import Delivery, InTransit, LineSnapshot, RunRecords, TrainRun, Visit, Voyage
from ..scenario.schema import Scenario
from .calendar import Calendar
from .consignment import Consignment
from .context import ModelContext
from .demand import Demand
from .elements import build_elements
from .empties import EmptyReturns
from .monitor import sample_daily
from .rail import Trains
from .routes import RouteBuilder, Stop
from .streams import RandomStreams
from .yard import Yard

HOURS_PER_DAY = 24.0


class CorridorModel:
    def __init__(self, scenario: Scenario, replication: int = 0, chunk_rows: int | None = None):
        warmup = scenario.warmup_days * HOURS_PER_DAY
        end = warmup + scenario.horizon_days * HOURS_PER_DAY
        env = simpy.Environment()
        # Append-only logs that keep `chunk_rows` rows in memory and spill the rest to Parquet.
        self.ctx = ctx = ModelContext(
            env, scenario, RandomStreams(scenario.seed, replication), Calendar(scenario.start_date, end), warmup,
            end, RecordLog(Visit, "visits", chunk_rows), RecordLog(Delivery, "deliveries", chunk_rows),
            RecordLog(TrainRun, "trains", chunk_rows), RecordLog(Voyage, "voyages", chunk_rows))
        self.el = build_elements(ctx, self)
        self.trains = Trains(env, ctx.visits, ctx.train_log, self.hand_over)
        self.in_flight: dict[int, Consignment] = {}   # in a per-consignment process
        self.empties = EmptyReturns(ctx, self.enter)
        routes = RouteBuilder(ctx, self.el, self.trains, self._deliver, self.empties.returned)
        self.choices = {fname: routes.choice(fname) for fname in scenario.flows}
        self.route_paths = routes.paths
        self.demand = Demand(ctx, self.enter)
        for fname, choice in self.choices.items():
            self.demand.start(fname, choice)
        env.process(sample_daily(env, ctx.monitors))

    # ------------------------------------------------------------------ hand-over

    def enter(self, c: Consignment) -> None:
        """A new consignment at its origin (or one an embargo held there, now let go)."""
        for embargo in c.route.embargoes:
            if embargo.active:
                embargo.hold(c)
                return
        origin = c.route.stops[0]
        c.arrive(origin.node, c.created)
        if origin.yard is not None:
            self.ctx.env.process(self._walk(c, in_yard=False))
        else:
            self._after_yard(c, origin)

    def hand_over(self, cargo: list, node: str, reserved: bool = False):
        """Process step: a carrier (train, vessel) hands its cargo over at a stop, one consignment at a time.

        A train waits while a full yard has no room: blocking, with the cargo still
        on board and still counted. A vessel has reserved the room before berthing
        (`reserved`, see `reserve_room`).
        """
        while cargo:
            c = cargo[0]
            c.leg += 1
            stop = c.route.stops[c.leg]
            if reserved and c.route.empty_routes is not None:   # its empties will come back over this line
                c.landed = (c.landed or []) + [(c.leg - 1, self.ctx.env.now)]
            if stop.yard is not None:
                if reserved:
                    stop.yard.enter_reserved(c)
                else:
                    c.blocked += yield from stop.yard.enter(c)
                c.yard = stop.yard
            cargo.pop(0)
            self._after_yard(c, stop)

    def reserve_room(self, cargo: list, swap: float = 0.0):
        """Process step: room in the port's yard for a vessel's whole discharge (less what it will
        load back in the same call); the wait is blocked time."""
        by_yard: dict[Yard, list] = {}
        for c in cargo:
            yard = c.route.stops[c.leg + 1].yard
            if yard is not None:
                by_yard.setdefault(yard, []).append(c)
        for yard, part in by_yard.items():
            waited = yield from yard.reserve(sum(getattr(c, yard.unit) for c in part), sum(c.tonnes for c in part),
                                             swap)
            for c in part:
                c.blocked += waited

    def _after_yard(self, c: Consignment, stop: Stop) -> None:
        if stop.inline:
            self._next_leg(c)
        else:
            self.ctx.env.process(self._walk(c, in_yard=True))

    def _walk(self, c: Consignment, in_yard: bool):
        """One process carries a consignment on its own through stations, transfers and
        pipelines, until it joins a train or vessel queue or is delivered (one process
        per consignment, as a hand-written SimPy model would have)."""
        env = self.ctx.env
        route = c.route
        self.in_flight[c.id] = c
        while True:
            stop = route.stops[c.leg]
            if not in_yard and stop.yard is not None:
                c.blocked += yield from stop.yard.enter(c)  # waits outside a full yard
                c.yard = stop.yard
            in_yard = False
            if stop.station is not None:
                start = yield from stop.station.visit(env, c.tonnes)
                c.served(start, env.now)
            if c.leg == len(route.legs) or not route.legs[c.leg].carried_alone:
                del self.in_flight[c.id]
                self._next_leg(c)
                return
            leg = route.legs[c.leg]
            if leg.holds:
                yield from leg.move_off(env, c)
            travel = leg.travel()
            c.depart(env.now, self.ctx.visits)
            if travel > 0:
                yield env.timeout(travel)
            c.leg += 1
            c.arrive(leg.end, env.now)

    def _next_leg(self, c: Consignment) -> None:
        route = c.route
        if c.leg == len(route.legs):
            route.deliver(c)
        else:
            route.depart[c.leg](c)

    def _deliver(self, c: Consignment) -> None:
        now = self.ctx.env.now
        c.depart(now, self.ctx.visits)
        self.ctx.deliveries.append((c.id, c.flow, c.created, c.left_origin, now, c.tonnes, c.teu,
                                    c.route.option))  # a `Delivery`
        if c.landed:
            self.empties.after_delivery(c)

    # ------------------------------------------------------------------ run

    def in_transit(self) -> list[InTransit]:
        """Every consignment still in the corridor, found where it physically is."""
        held: list[tuple[Consignment, str]] = []
        for embargo in self.el.embargoes.values():
            held.extend((c, f"embargo at {embargo.port}") for c in embargo.held)
        for q in self.el.queues:
            held.extend((c, q.monitor.name) for c in q.items)
        for train in self.trains.running.values():
            held.extend((c, f"train {train.id}") for c in train.cargo)
        for fleet in self.el.fleets.values():
            for v in fleet.vessels:
                held.extend((c, f"vessel {fleet.name}/{v.id}") for c in v.cargo)
        held.extend((c, "moving") for c in self.in_flight.values())
        return [InTransit(c.id, c.flow, c.node, holder, c.tonnes, c.teu) for c, holder in held if not c.empty]

    def run(self, progress=None) -> RunRecords:
        """Simulate to the end of the window; `progress(done_hours, total_hours)` is called as it goes.
        Returns the records: the model can be dropped afterwards."""
        ctx = self.ctx
        env, end = ctx.env, ctx.end
        if progress is None:
            env.run(until=end)
        else:
            steps = 50
            for i in range(1, steps + 1):
                env.run(until=end * i / steps)
                progress(env.now, end)
        logs = (ctx.visits, ctx.deliveries, ctx.train_log, ctx.voyages)
        for log in logs:
            log.close()
        return RunRecords(
            ctx.scenario, ctx.warmup, end, *logs,
            resources=[m.snapshot(end) for m in ctx.monitors],
            in_transit=self.in_transit(),
            generated_consignments=self.demand.consignments,
            generated_tonnes=self.demand.tonnes,
            generated_teu=self.demand.teu,
            # SimPy numbers its events with a counter; the next number is the count so far.
            events=next(env._eid),
            route_counts={f: list(ch.chosen) for f, ch in self.choices.items()},
            route_paths=self.route_paths,
            lines=[LineSnapshot(line.id, fleet.name, line.capacity, line.timetable is not None, line.cancelled)
                   for fleet in self.el.fleets.values() for line in fleet.lines],
        )
