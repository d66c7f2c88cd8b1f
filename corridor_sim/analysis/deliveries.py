"""A run's deliveries as columns: what the throughput, transit and mass-balance KPIs read.

Read once per run from its record log (from disk after a long run), as numpy
arrays in the order the deliveries happened, so that sums run in that order, as
a loop over them would. No DataFrame: a run's analysis needs no pandas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..columns import to_numpy
from ..records import RunRecords


@dataclass(frozen=True)
class Deliveries:
    consignment: np.ndarray     # int64 ids
    flow: np.ndarray            # flow names (str objects)
    created: np.ndarray         # hours: cargo ready at the origin
    departed: np.ndarray        # hours: its carrier left the origin
    delivered: np.ndarray       # hours
    tonnes: np.ndarray
    teu: np.ndarray
    route: np.ndarray           # index of the route option taken

    def __len__(self) -> int:
        return len(self.consignment)

    def in_window(self, start: float, end: float) -> np.ndarray:
        """Which deliveries fall in [start, end)."""
        return (self.delivered >= start) & (self.delivered < end)


def read_deliveries(records: RunRecords) -> Deliveries:
    table = records.deliveries.table(dictionary=("flow",))
    return Deliveries(*(to_numpy(table.column(name)) for name in Deliveries.__dataclass_fields__))
