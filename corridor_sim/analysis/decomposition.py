"""Where transit time goes: each flow's time split by node into travel, processing,
waiting and blocked time.

From the visit records of the consignments delivered in the measured window:
at a node, processing is service_end − service_start, blocked is the time held
by a full yard, waiting is the rest of the stay; travel is the time from leaving
the node to reaching the next one (booked to the node it leaves).
"""

from __future__ import annotations

import pandas as pd

from ..model.corridor import RawResult
from ..records import Delivery, Visit, to_frame

PARTS = ("travel_hours", "processing_hours", "waiting_hours", "blocked_hours")


def visit_components(visits: pd.DataFrame) -> pd.DataFrame:
    """The visits with their travel, processing, waiting and blocked hours."""
    v = visits.sort_values(["consignment", "arrival", "departure"], kind="stable").copy()
    v["processing_hours"] = v.service_end - v.service_start
    v["blocked_hours"] = v.blocked_hours
    v["waiting_hours"] = (v.departure - v.arrival) - v.processing_hours - v.blocked_hours
    nxt = v.groupby("consignment", sort=False).arrival.shift(-1)
    v["travel_hours"] = (nxt - v.departure).fillna(0.0)
    return v


def transit_breakdown(raw: RawResult) -> dict:
    """Per flow: mean hours per consignment at each node (in route order) and in total."""
    deliveries = to_frame(raw.deliveries, Delivery)
    window = deliveries[(deliveries.delivered >= raw.warmup_hours) & (deliveries.delivered < raw.end_hours)]
    if window.empty:
        return {}
    visits = to_frame(raw.visits, Visit)
    v = visit_components(visits[visits.consignment.isin(window.consignment)])
    v["offset"] = v.arrival - v.groupby("consignment").arrival.transform("min")
    out = {}
    for flow, fv in v.groupby("flow", sort=False):
        n = fv.consignment.nunique()
        per_node = fv.groupby("node", sort=False).agg(
            order=("offset", "mean"), **{p: (p, "sum") for p in PARTS})
        per_node = per_node.sort_values("order")
        per_node[list(PARTS)] = per_node[list(PARTS)] / n
        nodes = [{"node": node, **{p: float(row[p]) for p in PARTS}} for node, row in per_node.iterrows()]
        totals = {p: float(per_node[p].sum()) for p in PARTS}
        out[flow] = {"consignments": int(n), "total": totals, "nodes": nodes}
    return out
