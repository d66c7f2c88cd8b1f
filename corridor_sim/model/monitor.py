"""The raw counters of a resource over the measured window.

Each resource keeps a `ResourceMonitor`: time-weighted queue length and busy
servers (integrated only after the warm-up), and the waits of the entities that
arrived in the window. At the end of the run it becomes a `ResourceSnapshot`
(plain data); `analysis.resources` turns that into the utilisation, mean wait and
queues of `summary.json`, which Little's law relates (L = λW). Nothing here
computes a KPI.
"""

from __future__ import annotations

from ..recording import SampleSeries
from ..records import ResourceSnapshot

SAMPLE_EVERY_HOURS = 24.0


class TimeWeighted:
    """The time integral and peak of a piecewise-constant value, counted from `start`."""

    __slots__ = ("value", "last", "area", "start", "peak")

    def __init__(self, start: float, value: float = 0.0):
        self.value = value
        self.last = 0.0
        self.area = 0.0
        self.start = start
        self.peak = 0.0

    def set(self, now: float, value: float) -> None:
        if now > self.start:
            # The old value was held over (max(last, start), now].
            self.area += self.value * (now - (self.last if self.last > self.start else self.start))
            if self.value > self.peak:
                self.peak = self.value
        self.last = now
        self.value = value

    def add(self, now: float, delta: float) -> None:
        self.set(now, self.value + delta)

    def integral(self, end: float) -> float:
        """∫ value dt over the window up to `end`."""
        return self.area + self.value * (end - (self.last if self.last > self.start else self.start))

    def peak_in_window(self) -> float:
        return max(self.peak, self.value)


class WaitCauses:
    """Tonne-hours waited in one queue, split by what the cargo was waiting for: the tonnes waiting, integrated
    over time under the cause in force (a fleet's cargo waits for a vessel, for the vessel gathering it to fill,
    for a timetabled departure, or for the port to reopen). Counted from `start`."""

    __slots__ = ("start", "tonnes", "cause", "last", "hours")

    def __init__(self, start: float, cause: str):
        self.start = start
        self.tonnes = 0.0
        self.cause = cause
        self.last = 0.0
        self.hours: dict[str, float] = {}

    def _flush(self, now: float) -> None:
        if now > self.start and self.tonnes > 0:
            since = self.last if self.last > self.start else self.start
            self.hours[self.cause] = self.hours.get(self.cause, 0.0) + self.tonnes * (now - since)
        self.last = now

    def add_tonnes(self, now: float, delta: float) -> None:
        self._flush(now)
        self.tonnes = max(0.0, self.tonnes + delta)

    def set_cause(self, now: float, cause: str) -> None:
        if cause != self.cause:
            self._flush(now)
            self.cause = cause

    def tonne_hours(self, end: float) -> dict[str, float]:
        self._flush(end)
        return dict(self.hours)


class ResourceMonitor:
    """What one resource saw: arrivals, waits, queue length and busy servers.

    `capacity` is the number of servers (tracks, berths, vessels, slots); the
    utilisation is mean busy / capacity.
    """

    __slots__ = (
        "name", "kind", "element", "capacity", "start", "queue", "busy",
        "arrivals", "waits", "wait_sum", "wait_tonne_hours", "_pending", "_pending_since",
        "down", "backlog", "samples", "nodes", "closures", "trains", "wagons", "max_wagons", "held_tonnes",
        "work", "states", "wait_causes",
    )

    def __init__(self, name: str, kind: str, element: str, capacity: float, start: float,
                 nodes: tuple[str, ...] = ()):
        self.name = name
        self.element = element  # the scenario path of the element it belongs to: links.kuryk_alat, nodes.aktau.yard
        self.nodes = nodes      # where consignments wait for it (to relate its waits to the flows there)
        self.kind = kind
        self.capacity = capacity
        self.start = start
        self.queue = TimeWeighted(start)
        self.busy = TimeWeighted(start)
        self.arrivals = 0          # entities that joined the queue in the window
        self.waits = 0             # of those, how many have started service
        self.wait_sum = 0.0        # their waiting hours
        self.wait_tonne_hours = 0.0
        # Counters of one kind of resource: a port's weather closures, a train formation's trains.
        self.closures: int | None = None
        self.trains: int | None = None
        self.wagons: float | None = None
        self.max_wagons: int | None = None
        self.held_tonnes: float | None = None      # an embargo: tonnes it held at their origins in the window
        # Entities of the window still waiting: their count and the sum of their
        # arrival times, so that waits cut off by the end of the run still count.
        self._pending = 0
        self._pending_since = 0.0
        self.down: TimeWeighted | None = None      # servers out of order (disruptions), if any
        self.backlog = None                        # callable: tonnes waiting now
        self.samples = SampleSeries()   # (time, queue, busy), daily; packed: one resource-day is 24 bytes
        # Where occupied is not the same as working (a vessel held by a storm, a berth held by a vessel
        # gathering cargo): servers doing the work itself, and (a fleet) servers in each state.
        self.work: TimeWeighted | None = None
        self.states: dict[str, TimeWeighted] | None = None
        self.wait_causes: list[WaitCauses] = []   # the queues whose waits are split by cause

    def track_work(self) -> None:
        self.work = TimeWeighted(self.start)

    def track_states(self, states: tuple[str, ...], initial: str, servers: float) -> None:
        self.states = {s: TimeWeighted(self.start) for s in states}
        self.states[initial].set(0.0, servers)

    def move(self, now: float, old: str, new: str) -> None:
        """One server goes from state `old` to state `new`."""
        self.states[old].add(now, -1)
        self.states[new].add(now, 1)

    def set_down(self, now: float, servers: float) -> None:
        if self.down is None:
            self.down = TimeWeighted(self.start)
        self.down.set(now, servers)

    def sample(self, now: float) -> None:
        self.samples.append((now, self.queue.value, self.busy.value))

    def arrive(self, now: float) -> None:
        self.queue.add(now, 1)
        if now >= self.start:
            self.arrivals += 1
            self._pending += 1
            self._pending_since += now

    def arrive_served(self, now: float, tonnes: float) -> None:
        """An arrival served at once: counted, with a wait of zero, and never in the queue."""
        if now >= self.start:
            self.arrivals += 1
            self.waits += 1

    def start_service(self, now: float, arrived: float, tonnes: float) -> None:
        self.queue.add(now, -1)
        if arrived >= self.start:
            wait = now - arrived
            self.waits += 1
            self.wait_sum += wait
            self.wait_tonne_hours += wait * tonnes
            self._pending -= 1
            self._pending_since -= arrived
        elif now > self.start:
            # Already waiting when the window opened: its wait in the window counts, from the opening, as
            # an arrival then (so that the time-average queue is exactly arrivals x mean wait / span).
            wait = now - self.start
            self.arrivals += 1
            self.waits += 1
            self.wait_sum += wait
            self.wait_tonne_hours += wait * tonnes

    def _waiting_since_before(self, end: float) -> int:
        return max(0, round(self.queue.value) - self._pending) if end > self.start else 0

    def snapshot(self, end: float) -> ResourceSnapshot:
        """The raw counters at `end`, as data (a snapshot of what the window saw)."""
        return ResourceSnapshot(
            self.name, self.kind, self.element, self.nodes, self.capacity, self.start, end,
            busy_hours=self.busy.integral(end),
            queue_hours=self.queue.integral(end),
            down_hours=self.down.integral(end) if self.down is not None else None,
            peak_queue=self.queue.peak_in_window(),
            queue_at_end=self.queue.value,
            # Those waiting since before the window opened and still waiting count from the opening.
            arrivals=self.arrivals + self._waiting_since_before(end),
            waits=self.waits,
            wait_hours=self.wait_sum,
            pending=self._pending + self._waiting_since_before(end),
            pending_arrivals=self._pending_since + self._waiting_since_before(end) * self.start,
            wait_tonne_hours=self.wait_tonne_hours,
            backlog_tonnes=self.backlog() if self.backlog is not None else 0.0,
            samples=self.samples,
            closures=self.closures, trains=self.trains, wagons=self.wagons, max_wagons=self.max_wagons,
            held_tonnes=self.held_tonnes,
            work_hours=self.work.integral(end) if self.work is not None else None,
            state_hours={k: v.integral(end) for k, v in self.states.items()} if self.states is not None else None,
            wait_tonne_hours_by_cause=_sum_causes(c.tonne_hours(end) for c in self.wait_causes)
            if self.wait_causes else None,
        )


def _sum_causes(parts) -> dict[str, float]:
    total: dict[str, float] = {}
    for part in parts:
        for cause, hours in part.items():
            total[cause] = total.get(cause, 0.0) + hours
    return total


def sample_daily(env, monitors: list[ResourceMonitor]):
    """Process: queue length and busy servers of every resource, once a day (for trends and plots)."""
    while True:
        for m in monitors:
            m.sample(env.now)
        yield env.timeout(SAMPLE_EVERY_HOURS)
