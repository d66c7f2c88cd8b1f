"""The stability guard: when demand exceeds what a resource can serve, say so.

Averages over a run mean nothing when a queue grows without bound. A resource is
flagged as overloaded when it is saturated (utilisation ≥ 97%) and its queue,
sampled daily over the measured window, grows by more than it fluctuates: the
least-squares trend over the window exceeds both 10 entities and twice the
mean queue. Seasonal queues that build and clear (Caspian storms) do not trip
it; a queue that only ever grows does. The run still ends normally.
"""

from __future__ import annotations

import numpy as np

from ..model.corridor import RawResult

SATURATED = 0.97


def queue_trend(samples: list[tuple[float, float, float]], start: float) -> tuple[float, float]:
    """(growth per day by least squares, queue at the end) over the samples after `start`."""
    pts = [(t, q) for t, q, _ in samples if t >= start]
    if len(pts) < 3:
        return 0.0, pts[-1][1] if pts else 0.0
    t = np.array([p[0] for p in pts]) / 24.0
    q = np.array([p[1] for p in pts])
    slope = float(np.polyfit(t, q, 1)[0])
    return slope, float(q[-1])


def stability(raw: RawResult, resources: list[dict]) -> dict:
    by_name = {m.name: m for m in raw.monitors}
    span_days = (raw.end_hours - raw.warmup_hours) / 24.0
    overloaded = []
    for r in resources:
        if r["utilization"] < SATURATED:
            continue
        m = by_name[r["name"]]
        slope, _ = queue_trend(m.samples, raw.warmup_hours)
        growth = slope * span_days
        if growth > max(10.0, 2.0 * r["mean_queue"]):
            overloaded.append({
                "name": r["name"],
                "kind": r["kind"],
                "utilization": r["utilization"],
                "queue_growth_per_day": slope,
                "queue_at_end": r["queue_at_end"],
                "backlog_tonnes": r["backlog_tonnes"],
            })
    overloaded.sort(key=lambda o: o["backlog_tonnes"], reverse=True)
    in_system = sum(c.tonnes for c in raw.in_system)
    return {
        "stable": not overloaded,
        "overloaded": overloaded,
        "in_system_tonnes_at_end": in_system,
        "message": ("stable: no queue grows without bound" if not overloaded else
                    "OVERLOADED: demand exceeds what " + ", ".join(o["name"] for o in overloaded)
                    + " can serve; queues grow without bound, averages describe a transient, not a steady state"),
    }
