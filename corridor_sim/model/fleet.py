"""A fleet's operations: where each vessel goes, and when it sails.

**Sail when loaded** (F5: the Caspian has no timetable). A vessel in port, its
cargo discharged, takes the first of these that it can:

1. *Load*: a line at this port with cargo waiting and no vessel gathering for it
   claims the vessel. It gathers until a full load waits or the first consignment
   has waited `max_wait_hours`, takes it, and sails. One vessel gathers for a line
   at a port at a time, in the order the vessels came in (as ports work): a vessel
   never takes a load another has claimed, so none sails empty while the cargo it
   waited for sails on another. When it has taken its load, the next vessel in
   line may gather what is left.
2. *Ballast*: if no cargo waits here for a line, and the cargo waiting at its
   other end beyond what the vessels gathering there or already sailing there will
   take *calls* for a vessel — a full load of it, or a consignment that has waited
   `max_wait_hours`, the moment a vessel there would sail — it sails there empty:
   never while cargo for that line waits here unclaimed, and not for a trickle of
   cargo in the light direction that a vessel coming back loaded will take.
3. Otherwise it waits, idle, until the fleet's dispatcher sends it: whenever cargo
   arrives at any end, or a claim is given up, the first idle vessel of the ports
   concerned is offered the same choice.

Where several lines meet at a port (Alat serves Kuryk, Aktau and Turkmenbashi),
the fleet's **dispatch rule** picks among those it could take: `most_cargo` (the
line with the most cargo waiting — here to load, at the far end to go in ballast)
or `fixed_shares` (the line furthest below its share of the fleet's sailings).

**Timetable.** A line with a timetable has departures from its `from` port at
offset, offset + H, … and from its other end half a period later. A vessel in port
takes the earliest departure at this port that no vessel has taken (a departure
more than a period late is cancelled and counted), waits off the berth until the
cut-off (the time a full load takes to handle before the slot), takes what cargo
waits then, loads, and sails at its slot — with what is aboard, empty if nothing
waited — or later only if weather, a breakdown or its own late arrival holds it.
"""

from __future__ import annotations

from collections import deque

from ..records import Voyage
from ..scenario.schema import Fleet as FleetSpec
from .context import ModelContext
from .monitor import ResourceMonitor, WaitCauses
from .vessels import VESSEL_STATES, PortEnd, SeaLine, Vessel, berth, handle, wait_weather


class MostCargo:
    """Load where the most cargo waits here; failing that, sail in ballast where the most waits unclaimed at
    the other end. (The first of equals: the lines' order in the scenario.)"""

    @staticmethod
    def pick(loads: list[PortEnd], ballasts: list[PortEnd], unclaimed) -> tuple[str, PortEnd] | None:
        if loads:
            return ("load", max(loads, key=lambda e: e.outbound.level))
        if ballasts:
            return ("ballast", max(ballasts, key=lambda e: unclaimed(e.other)))
        return None


class FixedShares:
    """The line furthest below its share of the fleet's sailings, among those with something to do: load
    here if cargo waits here for it, else sail in ballast to its other end."""

    def __init__(self, lines: list[SeaLine]):
        self.lines = lines

    def pick(self, loads: list[PortEnd], ballasts: list[PortEnd], unclaimed) -> tuple[str, PortEnd] | None:
        if not loads and not ballasts:
            return None
        total = sum(line.sailings for line in self.lines)
        end = max(loads + ballasts, key=lambda e: (e.line.share or 0.0) * total - e.line.sailings)
        return ("load" if end in loads else "ballast", end)


class Fleet:
    """The vessels of one fleet on its lines, and the dispatcher that sends them."""

    def __init__(self, ctx: ModelContext, name: str, spec: FleetSpec, lines: list[SeaLine],
                 monitor: ResourceMonitor, port):
        env = ctx.env
        self.env = env
        self.name = name
        self.unit = spec.unit
        self.max_wait_hours = spec.max_wait_hours
        self.lines = lines
        self.monitor = monitor          # busy = vessels not idle for want of cargo
        self.visits = ctx.visits
        self.voyages = ctx.voyages
        self.port = port                # the corridor's hand-over: reserve_room, hand_over
        self.rule = MostCargo() if spec.dispatch == "most_cargo" or len(lines) == 1 else FixedShares(lines)
        self.ends_at: dict[str, list[PortEnd]] = {}
        self.idle_vessels = 0
        for line in lines:
            for end in line.ends:
                self.ends_at.setdefault(end.node, []).append(end)
                end.outbound.listener = lambda e=end: self._cargo_arrived(e)
                # What the cargo waiting here waits for, as it changes (see `_cause`).
                end.outbound.causes = causes = WaitCauses(monitor.start, self._cause(end))
                monitor.wait_causes.append(causes)
                end.weather.listeners.append(lambda e=end: self._recause(e))
        self.idle: dict[str, deque] = {node: deque() for node in self.ends_at}
        # The vessels start at the lines' first ports in turn (with one line: all at its `from` port).
        monitor.track_work()
        monitor.track_states(VESSEL_STATES, "idle", spec.vessels)
        self.vessels = [Vessel(env, i, lines[i % len(lines)].ends[0].node, monitor) for i in range(spec.vessels)]
        monitor.busy.set(env.now, spec.vessels)
        for v in self.vessels:
            env.process(self._run(v))

    # ------------------------------------------------------------------ the dispatcher

    def _unclaimed(self, end: PortEnd) -> float:
        """Cargo waiting at `end` beyond what the vessel gathering there and those sailing there will take."""
        return end.outbound.level - end.line.capacity * (end.heading + (end.loader is not None))

    def _cause(self, end: PortEnd) -> str:
        """What cargo waiting at `end` waits for now: the port to reopen (a storm or a closure), the next
        departure of a timetable, a load to fill (the vessel gathering it here, or — while vessels of the fleet
        lie idle — enough cargo to call one), or else a vessel: the fleet's `capacity`."""
        if not end.weather.is_open:
            return "port_closed"
        if end.line.timetable is not None:
            return "timetable"
        return "load" if end.loader is not None or self.idle_vessels else "capacity"

    def _recause(self, end: PortEnd) -> None:
        end.outbound.causes.set_cause(self.env.now, self._cause(end))

    def _idle_changed(self, delta: int) -> None:
        self.idle_vessels += delta
        if self.idle_vessels == (1 if delta > 0 else 0):   # none idle <-> some idle: the causes change
            for ends in self.ends_at.values():
                for end in ends:
                    self._recause(end)

    def _assign(self, v: Vessel, node: str):
        """What vessel `v` at `node` can do now: ("load", end), ("slot", end, time), ("ballast", end), or None.
        Claims what it returns."""
        ends = self.ends_at[node]
        loads = [e for e in ends if e.line.timetable is None and e.loader is None and e.outbound.items]
        if not loads:   # the first slot, if a timetabled line leaves from here
            slots = [e for e in ends if e.line.timetable is not None]
            if slots:
                end = min(slots, key=self._next_departure)
                t = self._next_departure(end)
                end.next_slot += 1
                return ("slot", end, t)
        ballasts = [e for e in ends if e.line.timetable is None and self._unclaimed(e) <= 0 and self._calls(e.other)]
        action = self.rule.pick(loads, ballasts, self._unclaimed)
        if action is not None:
            kind, end = action
            if kind == "load":
                end.loader = v
                self._recause(end)
            else:
                end.other.heading += 1
        return action

    def _calls(self, end: PortEnd) -> bool:
        """Whether cargo at `end` calls for a vessel to come in ballast: unclaimed, and a full load of it or
        one consignment that has waited the maximum."""
        unclaimed = self._unclaimed(end)
        return unclaimed >= end.line.capacity - 1e-9 or (
            unclaimed > 0 and end.outbound.oldest_arrival() + self.max_wait_hours <= self.env.now)

    def _next_departure(self, end: PortEnd) -> float:
        """The time of the next departure from `end` no vessel has taken; departures more than a period
        late are cancelled on the way."""
        every = end.line.timetable.every_hours
        while end.first_slot + end.next_slot * every < self.env.now - every:
            end.next_slot += 1
            end.line.cancelled += 1
        return end.first_slot + end.next_slot * every

    def _dispatch(self, node: str) -> None:
        """Offer the first idle vessel at `node` what there is to do, as long as there is something."""
        idle = self.idle.get(node)
        while idle:
            v, ev = idle[0]
            action = self._assign(v, node)
            if action is None:
                return
            idle.popleft()
            ev.succeed(action)

    def _cargo_arrived(self, end: PortEnd) -> None:
        self._dispatch(end.node)
        self._dispatch(end.other.node)
        if end.outbound.items and end.line.timetable is None and not end.call_pending and self._unclaimed(end) > 0:
            end.call_pending = True
            self.env.process(self._call_when_due(end))

    def _call_when_due(self, end: PortEnd):
        """Process: when the oldest unclaimed consignment at `end` has waited the maximum, call a vessel."""
        while end.outbound.items and self._unclaimed(end) > 0:
            due = end.outbound.oldest_arrival() + self.max_wait_hours - self.env.now
            if due > 0:
                yield self.env.timeout(due)
                continue
            self._dispatch(end.node)
            self._dispatch(end.other.node)
            break
        end.call_pending = False

    # ------------------------------------------------------------------ a vessel

    def _run(self, v: Vessel):
        env = self.env
        came_in: PortEnd | None = None      # the end it arrived at (None: where it starts)
        while True:
            at_berth: PortEnd | None = None
            if came_in is not None:
                yield from wait_weather(env, v, came_in)
            if v.cargo:
                # Room in the yard first, at anchorage: a vessel that cannot discharge does not take a
                # berth (holding one would lock the port: the cargo that frees the yard leaves by it).
                v.set_state("waiting_yard")
                yield from self.port.reserve_room(v.cargo, min(came_in.outbound.level, came_in.line.capacity))
                v.set_state("waiting_berth")
                yield from berth(came_in, v.tonnes)
                at_berth = came_in
                v.set_state("handling")
                yield from handle(env, came_in, v.cargo, self.unit, call=True)
                yield from self.port.hand_over(v.cargo, came_in.node, reserved=True)
            action = self._assign(v, v.node)
            if action is None:
                if at_berth is not None:    # off the berth, so that it is free for vessels with work to do
                    at_berth.berths.release()
                    at_berth = None
                self.monitor.busy.add(env.now, -1)
                v.set_state("idle")
                self._idle_changed(1)
                ev = env.event()
                self.idle[v.node].append((v, ev))
                action = yield ev
                self._idle_changed(-1)
                self.monitor.busy.add(env.now, 1)
            end = action[1]
            if at_berth is not None and (action[0] == "ballast" or at_berth.berths is not end.berths
                                         or (action[0] == "load" and end.outbound.level < end.line.capacity)):
                at_berth.berths.release()   # loads in the same call only if a full load waits at this berth
                at_berth = None
            if action[0] == "load":
                v.set_state("gathering")
                yield from self._gather(v, end)
            elif action[0] == "slot":
                v.set_state("waiting_slot")
                at_berth = yield from self._await_slot(v, end, action[2], at_berth)
            if v.cargo:
                new_call = at_berth is None
                if new_call:
                    v.set_state("waiting_berth")
                    yield from berth(end, v.tonnes)
                    at_berth = end
                v.set_state("handling")
                yield from handle(env, end, v.cargo, self.unit, call=new_call)
            if action[0] == "slot" and env.now < action[2]:
                v.set_state("waiting_slot")
                yield env.timeout(action[2] - env.now)   # until its departure (alongside, if it loaded)
            came_in = yield from self._sail(v, end, at_berth, action[2] if action[0] == "slot" else None)
            if action[0] == "ballast":
                came_in.heading -= 1

    def _gather(self, v: Vessel, end: PortEnd):
        """Process step: wait for a full load, or for the first consignment's maximum wait; take it, and give
        up the claim so that the next vessel in line may gather what is left."""
        env, out, cap = self.env, end.outbound, end.line.capacity
        while not v.cargo:
            wait = out.oldest_arrival() + self.max_wait_hours - env.now
            full = out.collect(cap)
            if not full.triggered and wait > 0:
                yield full | env.timeout(wait)
            if full.triggered:
                v.cargo = full.value
            else:
                out.cancel(full)
                v.cargo = out.take(cap)
        end.loader = None
        self._recause(end)
        self._cargo_arrived(end)

    def _await_slot(self, v: Vessel, end: PortEnd, slot: float, at_berth: PortEnd | None):
        """Process step: off the berth until the cut-off of departure `slot`, then take the cargo waiting."""
        env = self.env
        cut_off = slot - (end.fixed_hours + end.line.capacity / end.rate_per_hour)
        if env.now < cut_off:
            if at_berth is not None:
                at_berth.berths.release()
                at_berth = None
            yield env.timeout(cut_off - env.now)
        v.cargo = end.outbound.take(end.line.capacity)
        return at_berth

    def _sail(self, v: Vessel, end: PortEnd, at_berth: PortEnd | None, slot: float | None):
        """Process step: leave `end` (weather and repairs permitting) and cross to its other end."""
        env, there, line = self.env, end.other, end.line
        yield from wait_weather(env, v, end, there)
        repaired = v.until_in_service()
        if repaired is not None:  # broken down or withdrawn: stays in port until back in service
            v.set_state("out_of_service")
            yield repaired
            yield from wait_weather(env, v, end, there)
        if at_berth is not None:
            at_berth.berths.release()
        departed = env.now
        for c in v.cargo:
            c.depart(departed, self.visits)
        line.sailings += 1
        v.node = there.node
        v.set_state("sailing_loaded" if v.cargo else "sailing_empty")
        yield env.timeout(line.crossing())
        arrived = env.now
        for c in v.cargo:
            c.arrive(there.node, arrived)
        self.voyages.append(voyage_row(self.name, v, line.id, end.node, there.node, departed, arrived, slot,
                                       self.unit))
        return there


# What a sailing carries of each unit, by what the fleet's vessels take aboard: rail ferries roll the
# wagons on (with the boxes on them), ro-ro ferries wagons and trucks, feeders lift the boxes off their
# wagons, tankers pump the oil out of its tank wagons.
ABOARD = {"wagons": ("wagons", "teu"), "lane_metres": ("wagons", "vehicles", "teu"), "teu": ("teu",), "tonnes": ()}


def voyage_row(fleet: str, v: Vessel, line: str, origin: str, destination: str, departed: float, arrived: float,
               slot: float | None, unit: str) -> Voyage:
    """One sailing and what it carried: loaded cargo and, apart, empty wagons, boxes and trucks coming back."""
    loaded = [c for c in v.cargo if not c.empty]
    empties = [c for c in v.cargo if c.empty]
    aboard = ABOARD[unit]

    def count(cargo: list, what: str) -> float:
        return sum(getattr(c, what) for c in cargo) if what in aboard else 0.0

    return Voyage(fleet, v.id, line, origin, destination, departed, arrived,
                  float("nan") if slot is None else slot, sum(getattr(c, unit) for c in v.cargo), unit,
                  sum(c.tonnes for c in loaded), count(loaded, "teu"), count(loaded, "wagons"),
                  count(loaded, "vehicles"), len(loaded),
                  count(empties, "teu"), count(empties, "wagons"), count(empties, "vehicles"))
