"""The stability guard: when demand exceeds what a resource can serve, say so.

Averages over a run mean nothing when a queue grows without bound. A queue,
sampled daily over the measured window, is growing without bound when its
least-squares trend adds more than 10 entities and more than its mean over the
window (a queue growing steadily from empty ends at twice its mean), and it grows
in both halves of the window. The second condition keeps seasonal queues that
build and clear (a storm backlog in November–December) from tripping it. A
growing queue is often only the symptom, upstream of a full yard: the saturated
resources (utilisation ≥ 97%) are listed beside it as the likely cause. Seasonal queues that build and clear (Caspian storms) do not trip
it; a queue that only ever grows does. The run still ends normally.

It says by how much: per overloaded resource, how fast its queue grows and the
tonnes waiting for it at the end; for the corridor, the demand against what was
delivered (the shortfall per year) and against the static capacity (the element
that fills first, and its demand as a multiple of its capacity).
"""

from __future__ import annotations

import math

import numpy as np

from ..records import RunRecords
from .bottlenecks import saturated


def queue_trend(arrays, start: float, end: float = float("inf")) -> float:
    """Growth of the queue per day, by least squares, over the samples in [start, end).

    `arrays`: the (time, queue, busy) arrays of a monitor's samples (`SampleSeries.arrays`)."""
    t, q, _ = arrays
    keep = (t >= start) & (t < end)
    if keep.sum() < 3:
        return 0.0
    return float(np.polyfit(t[keep] / 24.0, q[keep], 1)[0])


def queue_states(records: RunRecords, resources: list[dict]) -> dict[str, str]:
    """Each resource's queue over the window: `growing`, `seasonal` or `steady` (see the module docstring)."""
    by_name = {r.name: r for r in records.resources}
    span_days = (records.end_hours - records.warmup_hours) / 24.0
    middle = (records.warmup_hours + records.end_hours) / 2
    states = {}
    for r in resources:
        samples = by_name[r["name"]].samples.arrays()   # read once per resource
        growth = queue_trend(samples, records.warmup_hours) * span_days
        if (growth > max(10.0, r["mean_queue"])
                and queue_trend(samples, records.warmup_hours, middle) > 0
                and queue_trend(samples, middle) > 0):
            states[r["name"]] = "growing"
        else:
            states[r["name"]] = "seasonal" if r["max_queue"] > 10 else "steady"
    return states


def stability(records: RunRecords, resources: list[dict], delivered_tonnes_per_year: float | None = None,
              capacity: dict | None = None) -> dict:
    """`resources` carry their `queue_state` (`queue_states`); `delivered_tonnes_per_year` (the KPI) and
    `capacity` (`static_capacity`) say by how much demand exceeds what the corridor carries."""
    by_name = {r.name: r for r in records.resources}
    overloaded = []
    for r in resources:
        if r["queue_state"] != "growing":
            continue
        slope = queue_trend(by_name[r["name"]].samples.arrays(), records.warmup_hours)
        overloaded.append({
            "name": r["name"],
            "kind": r["kind"],
            "utilization": r["utilization"],
            "queue_growth_per_day": slope,
            "queue_at_end": r["queue_at_end"],
            "backlog_tonnes": r["backlog_tonnes"],
        })
    overloaded.sort(key=lambda o: o["backlog_tonnes"], reverse=True)
    full = [{"name": r["name"], "kind": r["kind"], "utilization": r["utilization"], "occupancy": r["occupancy"]}
            for r in resources if saturated(r)]
    in_system = sum(c.tonnes for c in records.in_transit)
    demand = sum(f.tonnes_per_year for f in records.scenario.flows.values() if not f.background)
    load = _load(demand, delivered_tonnes_per_year, capacity)
    if overloaded:
        message = ("OVERLOADED: queues grow without bound at "
                   + ", ".join(f"{o['name']} (+{o['queue_growth_per_day']:,.1f} waiting per day, "
                               f"{o['backlog_tonnes']:,.0f} t waiting at the end)" for o in overloaded)
                   + _load_text(load)
                   + ("; saturated: " + ", ".join(f"{s['name']} ({s['occupancy']:.0%} occupied)" for s in full)
                      if full else "")
                   + ". Averages describe a transient, not a steady state.")
    else:
        message = "stable: no queue grows without bound" + _load_text(load)
        if load.get("demand_over_capacity", 0) > 1:
            message += (" — above 100% in the static estimate, yet no queue grew: the estimate is conservative "
                        "here (it charges every call its expected storm wait)")
    return {
        "stable": not overloaded,
        "overloaded": overloaded,
        "saturated": full,
        "in_system_tonnes_at_end": in_system,
        **load,
        "message": message,
    }


def _load(demand: float, delivered: float | None, capacity: dict | None) -> dict:
    """Demand against delivered tonnes and against the static capacity: by how much it is too much."""
    out: dict = {"demand_tonnes_per_year": demand}
    if delivered is not None:
        out["delivered_tonnes_per_year"] = delivered
        out["shortfall_tonnes_per_year"] = max(0.0, demand - delivered)
        out["shortfall_share"] = out["shortfall_tonnes_per_year"] / demand if demand > 0 else 0.0
    first = (capacity or {}).get("first_to_saturate")
    if first:
        out["capacity_tonnes_per_year"] = capacity["tonnes_per_year"]
        out["first_to_saturate"] = first["element"]
        out["demand_over_capacity"] = first["demand_over_capacity"]
    return out


def _load_text(load: dict) -> str:
    text = f"; demand {load['demand_tonnes_per_year']:,.0f} t/yr"
    if "delivered_tonnes_per_year" in load:
        text += (f", delivered {load['delivered_tonnes_per_year']:,.0f} t/yr "
                 f"(short by {load['shortfall_tonnes_per_year']:,.0f} t/yr, {load['shortfall_share']:.0%})")
    if "demand_over_capacity" in load:
        text += (f"; static capacity (estimate) {load['capacity_tonnes_per_year']:,.0f} t/yr, "
                 f"{load['first_to_saturate']} {over_capacity(load['demand_over_capacity'])}")
    return text


def over_capacity(rho: float) -> str:
    """An element's demand over its capacity, in words: a percentage while it reads as one (152%), then a
    multiple, in powers of ten past a million (1e-308 trains a day: not a 300-digit number, nor `inf%`)."""
    if math.isinf(rho):
        return "can carry nothing in the window (closed or out of order for all of it)"
    if rho >= 1e6:
        return f"at {rho:.2g} times its capacity"
    if rho >= 10:
        return f"at {rho:,.0f} times its capacity"
    return f"at {rho:.0%} of its capacity"
