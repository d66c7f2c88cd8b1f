"""How reliable each flow's transit is: the on-time share against its promise, and the buffer-time and
planning-time indices of the travel-time reliability literature (FHWA, "Travel Time Reliability",
2006).

Over the deliveries of the measured window:

- **On-time share**: the share delivered within `promised_days` (the flow's, else its group's), on the
  clock of published transit times, which promises are quoted on: from the consignment's train, truck
  or vessel leaving the origin to its delivery (`transit_days_from_departure`; TD1).
- **Buffer-time index**: (p95 − mean) / mean of the door-to-door transit (`transit_days`, cargo ready
  to delivery: the time the shipper's goods are tied up), the extra time, as a share of the average,
  a shipper must allow to be on time 95 times in 100.
- **Planning-time index**: p95 of the door-to-door transit / free-flow time, the free-flow time being
  the flow's mean time moving or being served, without any wait: travel plus processing of its
  transit breakdown (`transit_breakdown.<flow>.total`, analysis/decomposition.py), which is on the
  door-to-door clock too. 1 means no waiting ever.

A group pools its flows' deliveries; its free-flow time is their consignment-weighted mean, and
each delivery is on time against its own flow's promise.
"""

from __future__ import annotations

import numpy as np

from ..scenario.schema import Scenario


def promised_days(scenario: Scenario, flow_name: str) -> float | None:
    """A flow's promised transit: its own, else its group's (None: nothing promised)."""
    flow = scenario.flows[flow_name]
    if flow.promised_days is not None:
        return flow.promised_days
    group = scenario.groups.get(flow.group) if flow.group else None
    return group.promised_days if group is not None else None


def _indices(days: np.ndarray, free_flow: float | None) -> dict:
    if days.size == 0:
        return {"buffer_time_index": None, "planning_time_index": None}
    mean, p95 = float(days.mean()), float(np.percentile(days, 95))
    return {"buffer_time_index": (p95 - mean) / mean if mean > 0 else None,
            "planning_time_index": p95 / free_flow if free_flow else None}


def reliability(scenario: Scenario, door: dict[str, np.ndarray], days: dict[str, np.ndarray], breakdown: dict
                ) -> dict:
    """KPIs `on_time_share`, `promised_days`, `buffer_time_index`, `planning_time_index`, each per flow
    and `_by_group`. `door[flow]`, `days[flow]`: the door-to-door transit days and the days from
    departure of its window deliveries; `breakdown`: the run's `transit_breakdown`."""
    free = {f: (b["total"]["travel_hours"] + b["total"]["processing_hours"]) / 24.0 for f, b in breakdown.items()}
    out: dict = {k: {} for k in ("on_time_share", "promised_days", "buffer_time_index", "planning_time_index")}
    groups: dict[str, list[str]] = {}
    for name, flow in scenario.flows.items():
        if flow.group:
            groups.setdefault(flow.group, []).append(name)
        d = days[name]
        for key, v in _indices(door[name], free.get(name)).items():
            out[key][name] = {"mean": v}
        promise = promised_days(scenario, name)
        if promise is not None:
            out["promised_days"][name] = {"mean": promise}
            out["on_time_share"][name] = {"mean": float((d <= promise).mean()) if d.size else None}
    for key in list(out):
        out[f"{key}_by_group"] = {}
    for g, names in groups.items():
        d = np.concatenate([days[n] for n in names])
        n = {f: days[f].size for f in names}
        weighted = sum(free[f] * n[f] for f in names if f in free)
        counted = sum(n[f] for f in names if f in free)
        pooled = np.concatenate([door[n] for n in names])
        for key, v in _indices(pooled, weighted / counted if counted else None).items():
            out[f"{key}_by_group"][g] = {"mean": v}
        promises = {f: promised_days(scenario, f) for f in names}
        if all(p is not None for p in promises.values()):
            within = sum(int((days[f] <= promises[f]).sum()) for f in names)
            out["on_time_share_by_group"][g] = {"mean": within / d.size if d.size else None}
            if len(set(promises.values())) == 1:
                out["promised_days_by_group"][g] = {"mean": next(iter(promises.values()))}
    return out
