"""Where transit time goes: each flow's time split by node into travel, processing,
waiting and blocked time; and the transit tonne-hours that crossed each node.

From the visit records of the consignments delivered in the measured window:
at a node, processing is service_end − service_start, blocked is the time held
by a full yard, waiting is the rest of the stay; travel is the time from leaving
the node to reaching the next one (booked to the node it leaves).

The visits are read chunk by chunk, in the order they were recorded (a long run
keeps them on disk, see `recording.py`), never all at once: memory stays bounded
by a chunk and the consignments on the move at a chunk's end. A visit's travel
needs the consignment's next visit, which may be in a later chunk: the last
visit of each consignment in a chunk waits for it (the *carry*), unless it is the
delivery at the flow's destination, which has no travel. The sums per flow and
node are exact (an exact running sum, `ExactSum`), so they do not depend on how
the visits were cut into chunks nor in which order they are added: the result is
the correctly rounded sum of the per-visit values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from .. import columns
from ..columns import to_numpy
from ..records import RunRecords
from .deliveries import Deliveries, read_deliveries

PARTS = ("travel_hours", "processing_hours", "waiting_hours", "blocked_hours")
_COLUMNS = ["consignment", "flow", "node", "arrival", "service_start", "service_end", "departure", "blocked_hours"]


def visit_components(visits):
    """The visits (a DataFrame of visits.parquet) with their travel, processing, waiting and blocked hours."""
    v = visits.sort_values(["consignment", "arrival", "departure"], kind="stable").copy()
    v["processing_hours"] = v.service_end - v.service_start
    v["blocked_hours"] = v.blocked_hours
    v["waiting_hours"] = (v.departure - v.arrival) - v.processing_hours - v.blocked_hours
    nxt = v.groupby("consignment", sort=False).arrival.shift(-1)
    v["travel_hours"] = (nxt - v.departure).fillna(0.0)
    return v


class ExactSum:
    """A running sum of floats kept exactly, as a few non-overlapping floats (their exact sum
    is the total); `value()` is the correctly rounded total, whatever the order of the adds."""

    __slots__ = ("partials",)

    def __init__(self):
        self.partials: list[float] = []

    def add(self, values: list[float]) -> None:
        items = self.partials + values
        out: list[float] = []
        for _ in range(80):  # each round takes >= 53 bits off the exact remainder
            s = math.fsum(items + [-x for x in out])
            if s == 0.0:
                break
            out.append(s)
        self.partials = out

    def value(self) -> float:
        return math.fsum(self.partials)


@dataclass
class WindowDeliveries:
    """The consignments delivered in the measured window, indexed by consignment id."""

    in_window: np.ndarray        # bool per id
    created: np.ndarray          # hours, per id (window deliveries)
    transit_tonne_hours: np.ndarray   # (delivered − created) × tonnes, per id
    flow_order: list[str]        # flows with window deliveries, by their lowest consignment id
    consignments: dict[str, int]  # flow -> window deliveries


def window_deliveries(records: RunRecords, deliveries: Deliveries | None = None) -> WindowDeliveries:
    d = deliveries if deliveries is not None else read_deliveries(records)
    size = int(max(records.generated_consignments, int(d.consignment.max()) + 1 if len(d) else 0))
    w = d.in_window(records.warmup_hours, records.end_hours)
    ids = d.consignment[w]
    created = d.created[w]
    delivered = d.delivered[w]
    tonnes = d.tonnes[w]
    in_window = np.zeros(size, dtype=bool)
    in_window[ids] = True
    by_id = np.zeros(size)
    by_id[ids] = created
    transit = np.zeros(size)
    transit[ids] = (delivered - created) * tonnes
    # Each flow's window deliveries (a consignment is delivered once), flows by their lowest id.
    names, of_flow = np.unique(d.flow[w].astype(str), return_inverse=True)
    lowest = np.full(len(names), np.iinfo(np.int64).max)
    np.minimum.at(lowest, of_flow, ids)
    counts = np.bincount(of_flow, minlength=len(names))
    order = np.argsort(lowest, kind="stable").tolist()
    return WindowDeliveries(in_window, by_id, transit, [str(names[i]) for i in order],
                            {str(names[i]): int(counts[i]) for i in order})


def _codes(column: pa.ChunkedArray, index: dict[str, int], keep: np.ndarray) -> np.ndarray:
    """A string column's rows `keep` as the positions of their values in `index` (names seen first get the
    next numbers)."""
    names, rows = columns.codes(column, keep)
    for name in names:
        if name not in index:
            index[name] = len(index)
    lookup = np.array([index[n] for n in names], dtype=np.int64)
    return lookup[rows] if len(names) else np.empty(0, dtype=np.int64)


def visit_aggregates(records: RunRecords, deliveries: Deliveries | None = None) -> tuple[dict, dict[str, float]]:
    """One pass over the visits: (transit breakdown by flow, transit tonne-hours crossing each node)."""
    win = window_deliveries(records, deliveries)
    size = len(win.in_window)
    flow_index: dict[str, int] = {}
    node_index: dict[str, int] = {}
    destination = {f: spec.destination for f, spec in records.scenario.flows.items()}
    crossing = np.zeros(0)                 # per node code (codes number the nodes in the order first crossed)
    sums: dict[tuple[int, int], list] = {}  # (flow code, node code) -> [visits, ExactSum × (offset + PARTS)]
    carry = None                           # visits of the window waiting for their consignment's next visit
    for table in records.visits.batches(columns=_COLUMNS, dictionary=("flow", "node")):
        cid = to_numpy(table.column("consignment"))
        mask = (cid < size) & (cid >= 0)
        mask[mask] = win.in_window[cid[mask]]
        if not mask.any():
            continue
        cid = cid[mask]
        node = _codes(table.column("node"), node_index, mask)
        flow = _codes(table.column("flow"), flow_index, mask)
        # Crossing tonne-hours, visit by visit in recorded order (np.add.at adds in order).
        crossing = np.r_[crossing, np.zeros(len(node_index) - len(crossing))]   # the nodes first seen here
        np.add.at(crossing, node, win.transit_tonne_hours[cid])
        cols = {c: to_numpy(table.column(c))[mask] for c in _COLUMNS[3:]}
        chunk = {"cid": cid, "flow": flow, "node": node, **cols}
        if carry is not None:
            chunk = {k: np.concatenate([carry[k], chunk[k]]) for k in chunk}
        carry = _complete(chunk, win, sums, _destination_codes(destination, flow_index, node_index))
    if carry is not None and len(carry["cid"]):
        # Whatever still waits has no next visit: no travel (as for the last visit of any consignment).
        _accumulate(carry, np.zeros(len(carry["cid"])), win, sums)
    names = {code: name for name, code in node_index.items()}
    flows = {code: name for name, code in flow_index.items()}
    return _breakdown(sums, win, names, flows), {names[k]: float(v) for k, v in enumerate(crossing)}


def _destination_codes(destination: dict[str, str], flow_index: dict, node_index: dict) -> np.ndarray:
    """Per flow code: the node code of its destination (-1 if not seen yet)."""
    out = np.full(len(flow_index), -1, dtype=np.int64)
    for f, code in flow_index.items():
        out[code] = node_index.get(destination.get(f), -1)
    return out


def _complete(chunk: dict, win: WindowDeliveries, sums: dict, dest: np.ndarray) -> dict:
    """Account for the visits whose travel is known; return the others (the carry)."""
    order = np.argsort(chunk["cid"], kind="stable")   # each consignment's visits together, in recorded order
    c = {k: v[order] for k, v in chunk.items()}
    cid = c["cid"]
    n = len(cid)
    same_next = np.zeros(n, dtype=bool)
    same_next[:-1] = cid[1:] == cid[:-1]
    next_arrival = np.zeros(n)   # the last has no next (np.empty left garbage there: NaN warnings)
    next_arrival[:-1] = c["arrival"][1:]
    final = c["node"] == dest[c["flow"]]              # the delivery: nothing follows it
    done = same_next | final
    travel = np.where(same_next, next_arrival - c["departure"], 0.0)
    _accumulate({k: v[done] for k, v in c.items()}, travel[done], win, sums)
    return {k: v[~done] for k, v in c.items()}


def _accumulate(v: dict, travel: np.ndarray, win: WindowDeliveries, sums: dict) -> None:
    if not len(v["cid"]):
        return
    processing = v["service_end"] - v["service_start"]
    blocked = v["blocked_hours"]
    waiting = (v["departure"] - v["arrival"]) - processing - blocked
    offset = v["arrival"] - win.created[v["cid"]]
    values = (offset, travel, processing, waiting, blocked)
    key = v["flow"] * (1 << 32) + v["node"]
    order = np.argsort(key, kind="stable")
    key = key[order]
    values = [x[order] for x in values]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    ends = np.r_[starts[1:], len(key)]
    for s, e in zip(starts.tolist(), ends.tolist()):
        k = (int(key[s] >> 32), int(key[s] & 0xFFFFFFFF))
        acc = sums.get(k)
        if acc is None:
            acc = sums[k] = [0] + [ExactSum() for _ in range(1 + len(PARTS))]
        acc[0] += e - s
        for total, x in zip(acc[1:], values):
            total.add(x[s:e].tolist())


def _breakdown(sums: dict, win: WindowDeliveries, nodes: dict[int, str], flows: dict[int, str]) -> dict:
    by_flow: dict[str, list] = {}
    for (f, node), acc in sorted(sums.items()):
        count = acc[0]
        by_flow.setdefault(flows[f], []).append(
            {"node": nodes[node], "order": acc[1].value() / count, **{p: acc[2 + i].value() for i, p in enumerate(PARTS)}})
    out = {}
    for flow in win.flow_order:
        rows = by_flow.get(flow)
        if not rows:
            continue
        n = win.consignments[flow]
        rows.sort(key=lambda r: r["order"])   # stable: ties keep the node order
        nodes_out = [{"node": r["node"], **{p: r[p] / n for p in PARTS}} for r in rows]
        totals = {p: float(np.sum(np.array([r[p] for r in nodes_out]))) for p in PARTS}
        out[flow] = {"consignments": int(n), "total": totals, "nodes": nodes_out}
    return out


def transit_breakdown(records: RunRecords) -> dict:
    """Per flow: mean hours per consignment at each node (in route order) and in total."""
    return visit_aggregates(records)[0]


def crossing_tonne_hours(records: RunRecords) -> dict[str, float]:
    """Per node: transit tonne-hours of the consignments delivered in the window that passed it."""
    return visit_aggregates(records)[1]
