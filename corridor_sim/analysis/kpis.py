"""KPIs of one run, from its records: throughput, transit times, resources, mass balance.

Statistics cover the measured window only (after the warm-up); the mass balance
covers the whole run, because every tonne generated since hour 0 must be
either delivered or still somewhere in the corridor.
"""

from __future__ import annotations

import numpy as np

from ..model.corridor import RawResult
from .bottlenecks import rank_bottlenecks
from .capacity import static_capacity
from .decomposition import transit_breakdown
from .stability import stability

DAYS_PER_YEAR = 365.0


def kpis(raw: RawResult) -> dict:
    sc = raw.scenario
    per_year = DAYS_PER_YEAR / sc.horizon_days
    w0, w1 = raw.warmup_hours, raw.end_hours
    delivered = [d for d in raw.deliveries if w0 <= d.delivered < w1]
    out: dict = {
        "delivered_tonnes_per_year": {"mean": sum(d.tonnes for d in delivered) * per_year},
        "delivered_teu_per_year": {"mean": sum(d.teu for d in delivered) * per_year},
        "delivered_consignments_per_year": {"mean": len(delivered) * per_year},
    }
    by_flow: dict[str, list] = {name: [] for name in sc.flows}
    for d in delivered:
        by_flow[d.flow].append(d)
    out["delivered_tonnes_per_year_by_flow"] = {
        name: {"mean": sum(d.tonnes for d in ds) * per_year} for name, ds in by_flow.items()
    }
    out["demand_tonnes_per_year_by_flow"] = {name: {"mean": f.tonnes_per_year} for name, f in sc.flows.items()}
    out["transit_days"] = {name: transit_stats(ds) for name, ds in by_flow.items()}
    groups: dict[str, list] = {}
    for name, flow in sc.flows.items():
        if flow.group:
            groups.setdefault(flow.group, []).extend(by_flow[name])
    out["transit_days_by_group"] = {g: transit_stats(ds) for g, ds in groups.items()}
    out["route_shares"] = {
        name: [n / sum(counts) for n in counts] for name, counts in raw.route_counts.items()
        if len(counts) > 1 and sum(counts)
    }
    return out


def transit_stats(deliveries: list) -> dict:
    if not deliveries:
        return {"mean": None, "p50": None, "p95": None, "n": 0}
    days = np.array([(d.delivered - d.created) / 24.0 for d in deliveries])
    return {
        "mean": float(days.mean()),
        "p50": float(np.percentile(days, 50)),
        "p95": float(np.percentile(days, 95)),
        "n": int(days.size),
    }


def resources(raw: RawResult) -> list[dict]:
    return [m.summary(raw.end_hours) for m in raw.monitors]


def mass_balance(raw: RawResult) -> dict:
    generated = raw.generated_tonnes
    delivered = sum(d.tonnes for d in raw.deliveries)
    in_system = sum(c.tonnes for c in raw.in_system)
    ids = [c.id for c in raw.in_system] + [d.consignment for d in raw.deliveries]
    return {
        "generated_tonnes": generated,
        "delivered_tonnes": delivered,
        "in_system_tonnes": in_system,
        "generated_consignments": raw.generated_consignments,
        "delivered_consignments": len(raw.deliveries),
        "in_system_consignments": len(raw.in_system),
        # Each consignment is found exactly once: delivered, or somewhere in the corridor.
        "balanced": abs(generated - delivered - in_system) <= 1e-6 * max(generated, 1.0)
        and len(ids) == len(set(ids)) == raw.generated_consignments,
    }


def summarize(raw: RawResult) -> dict:
    res = resources(raw)
    k = kpis(raw)
    capacity = static_capacity(raw.scenario, k["route_shares"])
    capacity["simulated_tonnes_per_year"] = k["delivered_tonnes_per_year"]["mean"]
    return {
        "kpis": k,
        "resources": res,
        "bottlenecks": rank_bottlenecks(res, crossing_tonne_hours(raw)),
        "stability": stability(raw, res),
        "static_capacity": capacity,
        "transit_breakdown": transit_breakdown(raw),
        "mass_balance": mass_balance(raw),
    }


def crossing_tonne_hours(raw: RawResult) -> dict[str, float]:
    """Per node: transit tonne-hours of the consignments delivered in the window that passed it."""
    w0, w1 = raw.warmup_hours, raw.end_hours
    transit = {d.consignment: (d.delivered - d.created) * d.tonnes for d in raw.deliveries if w0 <= d.delivered < w1}
    out: dict[str, float] = {}
    for v in raw.visits:
        t = transit.get(v.consignment)
        if t is not None:
            out[v.node] = out.get(v.node, 0.0) + t
    return out
