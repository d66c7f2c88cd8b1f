"""Online statistics of a resource over the measured window.

Each resource keeps a `ResourceMonitor`: time-weighted queue length and busy
servers (integrated only after the warm-up), and the waits of the entities that
arrived in the window. These are what Little's law relates (L = λW) and what the
utilisation, mean wait and maximum queue of `summary.json` report.
"""

from __future__ import annotations

from ..recording import SampleSeries


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

    def mean(self, end: float) -> float:
        span = end - self.start
        if span <= 0:
            return 0.0
        tail = self.value * (end - (self.last if self.last > self.start else self.start))
        return (self.area + tail) / span

    def peak_in_window(self) -> float:
        return max(self.peak, self.value)


class ResourceMonitor:
    """What one resource saw: arrivals, waits, queue length and busy servers.

    `capacity` is the number of servers (tracks, berths, vessels, slots); the
    utilisation is mean busy / capacity.
    """

    __slots__ = (
        "name", "kind", "element", "capacity", "start", "queue", "busy",
        "arrivals", "waits", "wait_sum", "wait_tonne_hours", "notes", "_pending", "_pending_since",
        "down", "backlog", "samples", "nodes",
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
        self.notes: dict[str, float] = {}
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

    def summary(self, end: float) -> dict:
        """Statistics of the window. The mean wait includes the waits still running at
        the end (as far as they got): an overloaded resource must not look good
        because its longest waits never finished."""
        span = end - self.start
        waiters = self.waits + self._pending
        wait_total = self.wait_sum + max(0.0, self._pending * end - self._pending_since)
        return {
            "name": self.name,
            "kind": self.kind,
            "element": self.element,
            "nodes": list(self.nodes),
            "capacity": self.capacity,
            "utilization": min(1.0, self.busy.mean(end) / self.capacity) if self.capacity else 0.0,
            "mean_wait_hours": wait_total / waiters if waiters else 0.0,
            "max_queue": int(self.queue.peak_in_window()),
            "mean_queue": self.queue.mean(end),
            "mean_busy": self.busy.mean(end),
            "arrivals": self.arrivals,
            "arrival_rate_per_hour": self.arrivals / span if span > 0 else 0.0,
            "queue_at_end": int(self.queue.value),
            "wait_tonne_hours": self.wait_tonne_hours,
            "backlog_tonnes": self.backlog() if self.backlog is not None else 0.0,
            **({"unavailable_share": self.down.mean(end) / self.capacity} if self.down is not None and self.capacity else {}),
            **self.notes,
        }
