"""Ranking the corridor's bottlenecks, and what "saturated" means.

Resources are ranked by their share of the corridor's waiting for capacity
(tonne-hours spent queueing for a free server — a path, a track, a berth, a vessel,
wagons — see `resources.py` for the causes), a queue growing without bound first
(the stability guard's verdict, `queue_state`, so the two never disagree). Waiting
for a train or a vessel to fill is the price of batching, and a port closed by a
storm is weather: both are reported beside the ranking, not as shortages.

A resource is *saturated* when it has almost no spare time: less than 5% of its
server-time free to take more work. For a fleet, the spare time is its vessels'
time idle for want of cargo or gathering a load; a vessel held by a storm or
waiting for a berth is not spare, but neither is it the fleet's shortage — its
`time_shares` say which.
"""

from __future__ import annotations

CAPACITY_KINDS = {"rail_section", "station", "berth", "yard", "fleet", "pipeline", "rolling_stock"}
SPARE_AT_MOST = 0.05
LISTED_UTILIZATION = 0.80
LISTED_WAIT_SHARE = 0.05
SPARE_STATES = ("idle", "gathering", "waiting_slot")   # a vessel that could take more cargo
STATE_NAMES = {"sailing_loaded": "sailing loaded", "sailing_empty": "sailing empty", "handling": "handling cargo",
               "waiting_berth": "waiting for a berth", "waiting_yard": "waiting for yard room",
               "port_closed": "held by a closed port", "out_of_service": "out of service",
               "gathering": "gathering a load", "waiting_slot": "waiting for its departure", "idle": "idle"}
CAUSE_NAMES = {"capacity": "for capacity", "load": "for a load to fill", "timetable": "for a departure",
               "port_closed": "for a closed port", "yard_full": "for yard room", "embargo": "under an embargo"}


def spare_share(r: dict) -> float:
    """The share of a resource's server-time free to take more work."""
    if "time_shares" in r:
        return sum(r["time_shares"].get(s, 0.0) for s in SPARE_STATES)
    return 1.0 - r.get("occupancy", r["utilization"])


def saturated(r: dict) -> bool:
    return r["kind"] in CAPACITY_KINDS and spare_share(r) < SPARE_AT_MOST


def waits_by_cause(resources: list[dict]) -> dict[str, float]:
    """The corridor's tonne-hours of waiting in the window, by cause (see `resources.py`)."""
    total: dict[str, float] = {}
    for r in resources:
        for cause, hours in r.get("waits_by_cause", {}).items():
            total[cause] = total.get(cause, 0.0) + hours
    return dict(sorted(total.items(), key=lambda kv: -kv[1]))


def rank_bottlenecks(resources: list[dict], crossing: dict[str, float] | None = None, top: int = 5) -> list[dict]:
    """`resources` carry their `queue_state` (stability guard); `crossing[node]`: transit tonne-hours of the
    consignments that passed the node, so that each resource's waiting can be put as a share of the transit
    time of the flows crossing it."""
    crossing = crossing or {}
    candidates = [r for r in resources if r["kind"] != "train_formation"]
    total_wait = sum(r["wait_tonne_hours"] for r in candidates) or 1.0
    rows = []
    for r in candidates:
        share = r["wait_tonne_hours"] / total_wait
        through = sum(crossing.get(n, 0.0) for n in r.get("nodes", ())) / max(1, len(r.get("nodes", ())))
        r_transit = r["wait_tonne_hours"] / through if through else 0.0
        util = r["utilization"] if r["kind"] in CAPACITY_KINDS else 0.0
        growing = r.get("queue_state") == "growing"
        capacity_share = r.get("waits_by_cause", {}).get("capacity", 0.0) / total_wait
        # A busy resource that nobody waits for (a berth held by a vessel waiting
        # for cargo) is not a bottleneck; one that causes much of the waiting is.
        busy_and_waited = util >= LISTED_UTILIZATION and share >= 0.01
        if not (growing or busy_and_waited or share >= LISTED_WAIT_SHARE):
            continue
        rows.append((growing, capacity_share, share, r, r_transit))
    rows.sort(key=lambda t: (t[0], t[1], t[2]), reverse=True)
    return [
        {"name": r["name"], "kind": r["kind"], "utilization": r["utilization"],
         "occupancy": r.get("occupancy", r["utilization"]), "saturated": saturated(r), "wait_share": share,
         "capacity_wait_share": capacity_share, "share_of_transit_time": r_transit,
         "queue_state": r.get("queue_state", "steady"), "reason": reason(r, share, r_transit)}
        for _, capacity_share, share, r, r_transit in rows[:top]
    ]


def reason(r: dict, share: float, transit_share: float) -> str:
    """Why a resource is ranked, in one line, from its statistics (a run's, or the means over replications:
    then `queue_state` may be the list of the replications' verdicts)."""
    parts = []
    if r["kind"] == "weather":
        parts.append(f"closed {r['utilization']:.0%} of the time")
    elif r["kind"] in CAPACITY_KINDS:
        parts.append(f"working {r['utilization']:.0%}, occupied {r.get('occupancy', r['utilization']):.0%}")
    shares = r.get("time_shares")
    if shares:
        top = sorted(((v, k) for k, v in shares.items() if v >= 0.03 and k not in ("sailing_loaded", "handling")),
                     reverse=True)[:3]
        if top:
            parts.append("vessels " + ", ".join(f"{STATE_NAMES[k]} {v:.0%}" for v, k in top))
    parts.append(f"{share:.0%} of all waiting (mean wait {r['mean_wait_hours']:.1f} h, max queue {r['max_queue']:,.0f})")
    causes = r.get("waits_by_cause") or {}
    total = sum(causes.values())
    if len(causes) > 1 and total:
        parts.append("waits " + ", ".join(f"{CAUSE_NAMES.get(c, c)} {v / total:.0%}"
                                           for c, v in sorted(causes.items(), key=lambda kv: -kv[1])))
    if transit_share:
        parts.append(f"{transit_share:.0%} of the transit time of the flows through it")
    state = r.get("queue_state")
    if isinstance(state, list):   # replications that disagree
        growing = sum(s == "growing" for s in state)
        if growing:
            parts.append(f"queue growing without bound in {growing} of {len(state)} replications")
    elif state == "growing":
        parts.append(f"queue growing without bound: {r['queue_at_end']:,.0f} waiting at the end")
    elif state == "seasonal" and r["queue_at_end"] >= 0.9 * r["max_queue"]:
        parts.append(f"backlog of {r['queue_at_end']:,.0f} at the end, its peak: built late in the window, "
                     "with no growth over the window as a whole")
    elif state == "seasonal" and r["queue_at_end"]:
        parts.append(f"backlog of {r['queue_at_end']:,.0f} at the end (peak {r['max_queue']:,.0f}): it builds and clears")
    return "; ".join(parts)
