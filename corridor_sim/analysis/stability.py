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
"""

from __future__ import annotations

import numpy as np

from ..model.corridor import RawResult
from .bottlenecks import CAPACITY_KINDS

SATURATED = 0.97


def queue_trend(samples: list[tuple[float, float, float]], start: float, end: float = float("inf")) -> float:
    """Growth of the queue per day, by least squares, over the samples in [start, end)."""
    pts = [(t, q) for t, q, _ in samples if start <= t < end]
    if len(pts) < 3:
        return 0.0
    t = np.array([p[0] for p in pts]) / 24.0
    q = np.array([p[1] for p in pts])
    return float(np.polyfit(t, q, 1)[0])


def stability(raw: RawResult, resources: list[dict]) -> dict:
    by_name = {m.name: m for m in raw.monitors}
    span_days = (raw.end_hours - raw.warmup_hours) / 24.0
    overloaded = []
    middle = (raw.warmup_hours + raw.end_hours) / 2
    for r in resources:
        m = by_name[r["name"]]
        slope = queue_trend(m.samples, raw.warmup_hours)
        growth = slope * span_days
        if (growth > max(10.0, r["mean_queue"])
                and queue_trend(m.samples, raw.warmup_hours, middle) > 0
                and queue_trend(m.samples, middle) > 0):
            overloaded.append({
                "name": r["name"],
                "kind": r["kind"],
                "utilization": r["utilization"],
                "queue_growth_per_day": slope,
                "queue_at_end": r["queue_at_end"],
                "backlog_tonnes": r["backlog_tonnes"],
            })
    overloaded.sort(key=lambda o: o["backlog_tonnes"], reverse=True)
    saturated = [{"name": r["name"], "kind": r["kind"], "utilization": r["utilization"]}
                 for r in resources if r["utilization"] >= SATURATED and r["kind"] in CAPACITY_KINDS]
    in_system = sum(c.tonnes for c in raw.in_system)
    if overloaded:
        backlog = sum(o["backlog_tonnes"] for o in overloaded)
        message = ("OVERLOADED: queues grow without bound at " + ", ".join(o["name"] for o in overloaded)
                   + f" ({backlog:,.0f} t waiting there at the end)"
                   + ("; saturated: " + ", ".join(f"{s['name']} ({s['utilization']:.0%})" for s in saturated)
                      if saturated else "")
                   + ". Averages describe a transient, not a steady state.")
    else:
        message = "stable: no queue grows without bound"
    return {
        "stable": not overloaded,
        "overloaded": overloaded,
        "saturated": saturated,
        "in_system_tonnes_at_end": in_system,
        "message": message,
    }
