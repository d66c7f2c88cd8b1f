"""Ranking the corridor's bottlenecks.

Resources are ranked by their share of the corridor's waiting (tonne-hours spent
queueing in front of them), a queue still growing at the end first; utilisation
is reported beside it. Train formation is left out: waiting for a train to fill is the price of
batching, not a shortage of capacity.
"""

from __future__ import annotations

CAPACITY_KINDS = {"rail_section", "station", "berth", "yard", "fleet", "pipeline", "rolling_stock"}
SATURATED = 0.95
LISTED_UTILIZATION = 0.80
LISTED_WAIT_SHARE = 0.05


def rank_bottlenecks(resources: list[dict], crossing: dict[str, float] | None = None, top: int = 5) -> list[dict]:
    """`crossing[node]`: transit tonne-hours of the consignments that passed the node, so that
    each resource's waiting can be put as a share of the transit time of the flows crossing it."""
    crossing = crossing or {}
    candidates = [r for r in resources if r["kind"] != "train_formation"]
    total_wait = sum(r["wait_tonne_hours"] for r in candidates) or 1.0
    rows = []
    for r in candidates:
        share = r["wait_tonne_hours"] / total_wait
        through = sum(crossing.get(n, 0.0) for n in r.get("nodes", ())) / max(1, len(r.get("nodes", ())))
        r_transit = r["wait_tonne_hours"] / through if through else 0.0
        util = r["utilization"] if r["kind"] in CAPACITY_KINDS else 0.0
        growing = util >= SATURATED and r["queue_at_end"] > max(5, 2 * r["mean_queue"])
        # A busy resource that nobody waits for (a berth held by a vessel waiting
        # for cargo) is not a bottleneck; one that causes much of the waiting is.
        busy_and_waited = util >= LISTED_UTILIZATION and share >= 0.01
        if not (growing or busy_and_waited or share >= LISTED_WAIT_SHARE):
            continue
        rows.append((growing, share, util, r, r_transit, _reason(r, util, share, r_transit, growing)))
    rows.sort(key=lambda t: (t[0], t[1], t[2]), reverse=True)
    return [
        {"name": r["name"], "kind": r["kind"], "utilization": util, "wait_share": share,
         "share_of_transit_time": r_transit, "reason": reason}
        for _, share, util, r, r_transit, reason in rows[:top]
    ]


def _reason(r: dict, util: float, share: float, transit_share: float, growing: bool) -> str:
    parts = []
    if r["kind"] == "weather":
        parts.append(f"closed {r['utilization']:.0%} of the time")
    elif util:
        parts.append(f"utilization {util:.0%}")
    parts.append(f"{share:.0%} of all waiting (mean wait {r['mean_wait_hours']:.1f} h, max queue {r['max_queue']})")
    if transit_share:
        parts.append(f"{transit_share:.0%} of the transit time of the flows through it")
    if growing:
        parts.append(f"queue growing: {r['queue_at_end']} waiting at the end")
    return "; ".join(parts)
