"""A resource's statistics over the measured window, from its raw counters.

Occupancy is the mean of occupied servers over the window divided by the capacity.
Utilisation is the share of server-time spent *working*: for most resources the two
are the same, but a vessel held in port by a storm, waiting for a berth or for its
load to fill, or a berth held by a vessel waiting alongside, is occupied without
working — a fleet's vessel-hours are split by state in `time_shares`, so that a storm
is told apart from a shortage of vessels. (A train formation's utilisation is
instead the mean fill of the trains it formed: wagons over the most a train takes.)
The mean queue is the time average of entities waiting; the mean wait counts the
waits still running at the end as far as they got, so that an overloaded resource
does not look good because its longest waits never finished, and the waits already
running when the window opened from the opening (as arrivals then). These are the L, λ and
W that Little's law relates.

`waits_by_cause` splits the tonne-hours waited for a resource by what they waited
for: `capacity` (a free server: a path, a track, a berth, a vessel, wagons), `load`
(a train or a vessel to fill), `timetable` (a scheduled departure), `port_closed`
(a storm or a closure), `yard_full` (room in a full yard: blocked), `embargo`.
"""

from __future__ import annotations

from ..records import ResourceSnapshot


# What cargo waiting for a resource of each kind waits for (a fleet measures its own split).
WAIT_CAUSE = {"rail_section": "capacity", "station": "capacity", "berth": "capacity", "pipeline": "capacity",
              "rolling_stock": "capacity", "fleet": "capacity", "yard": "yard_full", "train_formation": "load",
              "weather": "port_closed", "embargo": "embargo"}


def _mean(integral: float, span: float) -> float:
    return integral / span if span > 0 else 0.0


def resource_statistics(r: ResourceSnapshot) -> dict:
    """The `resources[]` entry of summary.json for one resource."""
    span = r.end - r.start
    waiters = r.waits + r.pending
    wait_total = r.wait_hours + max(0.0, r.pending * r.end - r.pending_arrivals)
    mean_busy = _mean(r.busy_hours, span)
    occupancy = min(1.0, mean_busy / r.capacity) if r.capacity else 0.0
    working = occupancy if r.work_hours is None or not r.capacity else min(1.0, _mean(r.work_hours, span) / r.capacity)
    out = {
        "name": r.name,
        "kind": r.kind,
        "element": r.element,
        "nodes": list(r.nodes),
        "capacity": r.capacity,
        "utilization": working,
        "occupancy": occupancy,
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
    out["waits_by_cause"] = _waits_by_cause(r)
    if r.state_hours is not None and r.capacity and span > 0:
        out["time_shares"] = {state: hours / (span * r.capacity) for state, hours in r.state_hours.items()}
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


def _waits_by_cause(r: ResourceSnapshot) -> dict[str, float]:
    """Tonne-hours waited for the resource, by cause (the measured split, or its kind's one cause)."""
    if r.wait_tonne_hours_by_cause is None:
        return {WAIT_CAUSE.get(r.kind, "capacity"): r.wait_tonne_hours} if r.wait_tonne_hours else {}
    measured = sum(r.wait_tonne_hours_by_cause.values())
    if not measured:
        return {}
    # The split is of the tonnes waiting over the window; the total is the waits of the window's arrivals.
    return {cause: r.wait_tonne_hours * hours / measured for cause, hours in r.wait_tonne_hours_by_cause.items()
            if hours > 0}


def resource_table(snapshots: list[ResourceSnapshot]) -> list[dict]:
    """Every resource's statistics, in the order the model built them."""
    return [resource_statistics(r) for r in snapshots]
