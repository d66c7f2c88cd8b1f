"""A resource's statistics over the measured window, from its raw counters.

Utilisation is the mean of busy servers over the window divided by the capacity
(a train formation's is instead the mean fill of the trains it formed: wagons
over the most a train takes); the mean queue is the time average of entities
waiting; the mean wait counts the waits still running at the end as far as they
got, so that an overloaded resource does not look good because its longest waits
never finished. These are the L, λ and W that Little's law relates.
"""

from __future__ import annotations

from ..records import ResourceSnapshot


def _mean(integral: float, span: float) -> float:
    return integral / span if span > 0 else 0.0


def resource_statistics(r: ResourceSnapshot) -> dict:
    """The `resources[]` entry of summary.json for one resource."""
    span = r.end - r.start
    waiters = r.waits + r.pending
    wait_total = r.wait_hours + max(0.0, r.pending * r.end - r.pending_arrivals)
    mean_busy = _mean(r.busy_hours, span)
    out = {
        "name": r.name,
        "kind": r.kind,
        "element": r.element,
        "nodes": list(r.nodes),
        "capacity": r.capacity,
        "utilization": min(1.0, mean_busy / r.capacity) if r.capacity else 0.0,
        "mean_wait_hours": wait_total / waiters if waiters else 0.0,
        "max_queue": int(r.peak_queue),
        "mean_queue": _mean(r.queue_hours, span),
        "mean_busy": mean_busy,
        "arrivals": r.arrivals,
        "arrival_rate_per_hour": r.arrivals / span if span > 0 else 0.0,
        "queue_at_end": int(r.queue_at_end),
        "wait_tonne_hours": r.wait_tonne_hours,
        "backlog_tonnes": r.backlog_tonnes,
    }
    if r.down_hours is not None and r.capacity:
        out["unavailable_share"] = _mean(r.down_hours, span) / r.capacity
    if r.trains is not None:   # a train formation: its utilisation is the fill of its trains
        out["utilization"] = r.wagons / (r.trains * r.max_wagons) if r.trains else 0.0
        out["trains"] = r.trains
    if r.closures is not None:
        out["closures"] = r.closures
    if r.held_tonnes is not None:   # an embargo: the days it was in force and the tonnes it held back
        out["embargo_days"] = r.busy_hours / 24.0
        out["held_tonnes"] = r.held_tonnes
    return out


def resource_table(snapshots: list[ResourceSnapshot]) -> list[dict]:
    """Every resource's statistics, in the order the model built them."""
    return [resource_statistics(r) for r in snapshots]
