"""What the model records: one immutable row type per kind of event.

The model only appends these rows (to `recording.RecordLog`s, which keep a chunk
in memory and spill the rest to Parquet); every KPI is computed from them
afterwards. Each type turns straight into a DataFrame with `to_frame`.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd


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
    consignment: int
    flow: str
    created: float
    delivered: float
    tonnes: float
    teu: float


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
    fleet: str
    vessel: int
    origin: str
    destination: str
    departed: float
    arrived: float
    load: float
    unit: str
    tonnes: float


class ResourceSample(NamedTuple):
    """A resource's state once a day: entities waiting, servers busy (for trends and plots)."""

    resource: str
    kind: str
    time: float
    queue: float
    busy: float


def to_frame(rows, row_type: type) -> pd.DataFrame:
    """The rows as a DataFrame, one column per field (built column by column: fast).

    `rows` is a list of rows, or a `recording.RecordLog` (read back from its spill file)."""
    if hasattr(rows, "frame"):
        return rows.frame()
    if not rows:
        return pd.DataFrame({f: [] for f in row_type._fields})
    return pd.DataFrame(dict(zip(row_type._fields, map(list, zip(*rows)))))
