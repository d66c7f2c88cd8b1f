"""What the model records: one immutable row type per kind of event, and the run's records.

The model only appends these rows (to `recording.RecordLog`s, which keep a chunk
in memory and spill the rest to Parquet) and, when the run ends, takes a snapshot
of each resource's raw counters and of each consignment still in the corridor.
`RunRecords` holds all of it as plain data: it refers to no SimPy object, so the
model is garbage once the run is over, and `analysis/` computes every KPI from it
without importing the model. Each row type turns straight into a DataFrame with
`to_frame`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:   # for annotations only: the records are data, whatever holds them
    import pandas as pd

    from .recording import RecordLog, SampleSeries
    from .scenario.schema import Scenario


class Visit(NamedTuple):
    """A consignment's stay at one node (hours from simulated hour 0).

    arrival → service_start: waiting (for a station, a berth, a train or a vessel);
    service_start → service_end: processing (station service and dwell, vessel
    loading or unloading); service_end → departure: waiting to leave (a rail slot,
    the weather, room in the yard: `blocked_hours` of it for a full yard).
    """

    consignment: int
    flow: str
    node: str
    arrival: float
    service_start: float
    service_end: float
    departure: float
    blocked_hours: float
    tonnes: float
    teu: float


class Delivery(NamedTuple):
    """A consignment delivered at its destination. Its transit is timed on two clocks: from `created`
    (cargo ready at the origin) and from `departed` (its train, truck or vessel leaving the origin).
    `route` is the index of the route option it took among its flow's (0 for a flow with one route):
    what it paid and emitted follows from that route's legs."""

    consignment: int
    flow: str
    created: float
    departed: float
    delivered: float
    tonnes: float
    teu: float
    route: int


class TrainRun(NamedTuple):
    train: int
    origin: str
    destination: str
    formed: float
    arrived: float
    wagons: float
    consignments: int
    tonnes: float


class Voyage(NamedTuple):
    """One sailing: its line, its slot (timetabled lines; NaN otherwise), the deck or hold it used in the
    fleet's unit (`load`), the loaded cargo aboard, and apart the empty boxes, wagons and trucks coming back."""

    fleet: str
    vessel: int
    line: str
    origin: str
    destination: str
    departed: float
    arrived: float
    slot: float
    load: float
    unit: str
    tonnes: float
    teu: float
    wagons: float
    vehicles: float
    consignments: int
    empty_teu: float
    empty_wagons: float
    empty_vehicles: float


class ResourceSample(NamedTuple):
    """A resource's state once a day: entities waiting, servers busy (for trends and plots)."""

    resource: str
    kind: str
    time: float
    queue: float
    busy: float


class InTransit(NamedTuple):
    """A consignment still in the corridor when the run ends, and what holds it."""

    consignment: int
    flow: str
    node: str | None      # the node it last reached (None: not yet at its origin)
    holder: str           # a queue's resource name, "train <id>", "vessel <fleet>/<id>", or "moving"
    tonnes: float
    teu: float


@dataclass(frozen=True, slots=True)
class ResourceSnapshot:
    """A resource's raw counters at the end of the run: what `analysis.resources` turns into
    utilisation, waits and queues. Integrals are over the measured window, [start, end].

    Waits: `waits` entities of the window started service after `wait_hours` of waiting in all;
    `pending` more were still waiting at the end, having arrived at `pending_arrivals` (the sum
    of their arrival times): their waits so far count too. An entity already waiting when the
    window opened counts as arriving then: only its wait inside the window is counted.
    """

    name: str                     # display name: "rail:dostyk->almaty", "fleet:caspian_ferries"
    kind: str                     # rail_section, station, berth, yard, fleet, pipeline, rolling_stock, ...
    element: str                  # scenario path of its element: "links.dostyk_almaty", "nodes.aktau.yard"
    nodes: tuple[str, ...]        # where consignments wait for it
    capacity: float               # servers, tracks, berths, vessels, wagons; units for a yard
    start: float                  # the window, in hours from simulated hour 0
    end: float
    busy_hours: float             # ∫ busy dt: server-hours busy (a yard's occupancy × hours)
    queue_hours: float            # ∫ queue dt: entity-hours waiting
    down_hours: float | None      # ∫ servers out of order dt, if it was ever disrupted
    peak_queue: float
    queue_at_end: float
    arrivals: int
    waits: int
    wait_hours: float
    pending: int
    pending_arrivals: float
    wait_tonne_hours: float
    backlog_tonnes: float         # tonnes waiting for it at the end
    samples: SampleSeries         # (time, queue, busy) once a simulated day
    closures: int | None = None   # weather: closures that began in the window (None: never closed)
    trains: int | None = None     # train formation: trains formed in the window, their wagons,
    wagons: float | None = None   # ... and the most wagons a train takes
    max_wagons: int | None = None
    held_tonnes: float | None = None  # embargo: tonnes held at their origins in the window
    work_hours: float | None = None   # ∫ servers working dt, where occupied is not working (fleets, berths)
    state_hours: dict | None = None   # a fleet: vessel-hours in each state (sailing_loaded, weather, idle, ...)
    wait_tonne_hours_by_cause: dict | None = None   # tonne-hours waited for it, by what they waited for


class LineSnapshot(NamedTuple):
    """A sea line at the end of the run: what one vessel may load on it, and its timetable's record."""

    line: str
    fleet: str
    capacity: float          # in the fleet's unit, after the draft limit
    timetabled: bool
    cancelled: int           # timetabled departures no vessel took within a period


@dataclass
class RunRecords:
    """Everything one run recorded, as data, for `analysis` to turn into KPIs."""

    scenario: Scenario
    warmup_hours: float
    end_hours: float
    visits: RecordLog
    deliveries: RecordLog
    trains: RecordLog
    voyages: RecordLog
    resources: list[ResourceSnapshot]
    in_transit: list[InTransit]             # found where each physically is, at the end
    generated_consignments: int
    generated_tonnes: float
    generated_teu: float
    events: int                             # SimPy events scheduled: the cost of the run
    route_counts: dict[str, list[int]] = field(default_factory=dict)   # flow -> consignments per route option
    route_paths: dict[str, list] = field(default_factory=dict)         # flow -> options as (nodes, links, share)
    lines: list[LineSnapshot] = field(default_factory=list)

    @property
    def samples(self) -> list[ResourceSample]:
        return [ResourceSample(r.name, r.kind, t, q, b) for r in self.resources for t, q, b in r.samples]

    def logs(self) -> dict[str, RecordLog]:
        """The record logs by their name (visits, deliveries, trains, voyages)."""
        return {"visits": self.visits, "deliveries": self.deliveries, "trains": self.trains, "voyages": self.voyages}


def to_frame(rows, row_type: type) -> pd.DataFrame:
    """The rows as a DataFrame, one column per field (built column by column: fast).

    `rows` is a list of rows, or a `recording.RecordLog` (read back from its spill file)."""
    import pandas as pd   # only where a frame is asked for: the model records without it

    if hasattr(rows, "frame"):
        return rows.frame()
    if not rows:
        return pd.DataFrame({f: [] for f in row_type._fields})
    return pd.DataFrame(dict(zip(row_type._fields, map(list, zip(*rows)))))
