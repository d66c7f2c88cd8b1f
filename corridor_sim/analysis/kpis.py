"""KPIs of one run, from its records: throughput, transit times, resources, mass balance.

Statistics cover the measured window only (after the warm-up); the mass balance
covers the whole run, because every tonne generated since hour 0 must be
either delivered or still somewhere in the corridor.

The deliveries are read as columns (from disk if the run spilled them, see
`recording.py`) and the visits chunk by chunk (`decomposition.visit_aggregates`):
a 20-year run is analysed without holding its records as Python objects.
Sums run in the order the deliveries happened, as a loop over them would.
"""

from __future__ import annotations

import numpy as np

from ..records import RunRecords
from .bottlenecks import rank_bottlenecks, waits_by_cause
from .capacity import static_capacity
from .decomposition import visit_aggregates
from .deliveries import Deliveries, read_deliveries
from .economics import economics
from .resources import resource_table
from .sea import sea_traffic
from .stability import queue_states, stability

DAYS_PER_YEAR = 365.0


def kpis(records: RunRecords, deliveries: Deliveries | None = None) -> dict:
    sc = records.scenario
    per_year = DAYS_PER_YEAR / sc.horizon_days
    d = deliveries if deliveries is not None else read_deliveries(records)
    in_window = d.in_window(records.warmup_hours, records.end_hours)
    # Columns filtered once, then masked per flow.
    flow_of = d.flow[in_window]
    tonnes = d.tonnes[in_window]
    delivered = d.delivered[in_window]
    clocks = {"transit_days": (delivered - d.created[in_window]) / 24.0,                  # from cargo ready
              "transit_days_from_departure": (delivered - d.departed[in_window]) / 24.0}   # from leaving the origin
    of_flow = {name: flow_of == name for name in sc.flows}
    # The corridor's own flows; traffic of other routes on its elements is counted apart.
    corridor = np.zeros(len(flow_of), dtype=bool)
    for name, flow in sc.flows.items():
        if not flow.background:
            corridor |= of_flow[name]
    out: dict = {
        "delivered_tonnes_per_year": {"mean": sum(tonnes[corridor].tolist()) * per_year},
        "delivered_teu_per_year": {"mean": sum(d.teu[in_window][corridor].tolist()) * per_year},
        "delivered_consignments_per_year": {"mean": int(corridor.sum()) * per_year},
        "background_tonnes_per_year": {"mean": sum(tonnes[~corridor].tolist()) * per_year},
    }
    out["delivered_tonnes_per_year_by_flow"] = {
        name: {"mean": sum(tonnes[mask].tolist()) * per_year} for name, mask in of_flow.items()
    }
    out["demand_tonnes_per_year_by_flow"] = {name: {"mean": f.tonnes_per_year} for name, f in sc.flows.items()}
    groups: dict[str, list[str]] = {}
    for name, flow in sc.flows.items():
        if flow.group:
            groups.setdefault(flow.group, []).append(name)
    for clock, days in clocks.items():
        out[clock] = {name: day_stats(days[mask]) for name, mask in of_flow.items()}
        out[f"{clock}_by_group"] = {g: day_stats(np.concatenate([days[of_flow[n]] for n in names]))
                                    for g, names in groups.items()}
    out["route_shares"] = {
        name: [n / sum(counts) for n in counts] for name, counts in records.route_counts.items()
        if len(counts) > 1 and sum(counts)
    }
    return out


def day_stats(days: np.ndarray) -> dict:
    """Mean, median, 95th percentile and count of transit times in days."""
    if days.size == 0:
        return {"mean": None, "p50": None, "p95": None, "n": 0}
    return {
        "mean": float(days.mean()),
        "p50": float(np.percentile(days, 50)),
        "p95": float(np.percentile(days, 95)),
        "n": int(days.size),
    }


def mass_balance(records: RunRecords, deliveries: Deliveries | None = None) -> dict:
    d = deliveries if deliveries is not None else read_deliveries(records)
    generated = records.generated_tonnes
    delivered = sum(d.tonnes.tolist())
    in_system = sum(c.tonnes for c in records.in_transit)
    ids = np.concatenate([np.array([c.consignment for c in records.in_transit], dtype=np.int64),
                          d.consignment])
    return {
        "generated_tonnes": generated,
        "delivered_tonnes": delivered,
        "in_system_tonnes": in_system,
        "generated_consignments": records.generated_consignments,
        "delivered_consignments": len(d),
        "in_system_consignments": len(records.in_transit),
        # Each consignment is found exactly once: delivered, or somewhere in the corridor.
        "balanced": abs(generated - delivered - in_system) <= 1e-6 * max(generated, 1.0)
        and len(ids) == len(np.unique(ids)) == records.generated_consignments,
    }


def summarize(records: RunRecords) -> dict:
    res = resource_table(records.resources)
    for r, state in zip(res, queue_states(records, res).values()):
        r["queue_state"] = state   # one verdict per queue, read by the ranking and the stability guard
    deliveries = read_deliveries(records)   # read once: from disk after a long run
    k = kpis(records, deliveries)
    capacity = static_capacity(records.scenario, k["route_shares"], records.route_paths)
    capacity["simulated_tonnes_per_year"] = k["delivered_tonnes_per_year"]["mean"]
    breakdown, crossing = visit_aggregates(records, deliveries)   # one pass over the visits, chunk by chunk
    priced = economics(records, deliveries, breakdown)             # cost, CO2e, reliability
    k.update(priced.kpis)
    return {
        "kpis": k,
        "resources": res,
        "bottlenecks": rank_bottlenecks(res, crossing),
        "waits_by_cause": waits_by_cause(res),
        "sea": sea_traffic(records),
        **priced.blocks,
        "stability": stability(records, res, k["delivered_tonnes_per_year"]["mean"], capacity),
        "static_capacity": capacity,
        "transit_breakdown": breakdown,
        "mass_balance": mass_balance(records, deliveries),
    }
