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


class ResourceMonitor:
    """What one resource saw: arrivals, waits, queue length and busy servers.

    `capacity` is the number of servers (tracks, berths, vessels, slots); the
    utilisation is mean busy / capacity.
    """

    __slots__ = (
        "name", "kind", "element", "capacity", "start", "queue", "busy",
        "arrivals", "waits", "wait_sum", "wait_tonne_hours", "_pending", "_pending_since",
        "down", "backlog", "samples", "nodes", "closures", "trains", "wagons", "max_wagons", "held_tonnes",
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

    def snapshot(self, end: float) -> ResourceSnapshot:
        """The raw counters at `end`, as data (a snapshot of what the window saw)."""
        return ResourceSnapshot(
            self.name, self.kind, self.element, self.nodes, self.capacity, self.start, end,
            busy_hours=self.busy.integral(end),
            queue_hours=self.queue.integral(end),
            down_hours=self.down.integral(end) if self.down is not None else None,
            peak_queue=self.queue.peak_in_window(),
            queue_at_end=self.queue.value,
            arrivals=self.arrivals,
            waits=self.waits,
            wait_hours=self.wait_sum,
            pending=self._pending,
            pending_arrivals=self._pending_since,
            wait_tonne_hours=self.wait_tonne_hours,
            backlog_tonnes=self.backlog() if self.backlog is not None else 0.0,
            samples=self.samples,
            closures=self.closures, trains=self.trains, wagons=self.wagons, max_wagons=self.max_wagons,
            held_tonnes=self.held_tonnes,
        )


def sample_daily(env, monitors: list[ResourceMonitor]):
    """Process: queue length and busy servers of every resource, once a day (for trends and plots)."""
    while True:
        for m in monitors:
            m.sample(env.now)
        yield env.timeout(SAMPLE_EVERY_HOURS)
