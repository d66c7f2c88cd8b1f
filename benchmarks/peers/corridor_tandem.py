"""Workload 1 as a corridor-sim scenario (benchmarks/scenarios/tandem.yaml), run
through the Python API as a notebook user would.

The run-only timer covers `simulate` (build the model, simulate, compute the
KPIs); loading and validating the YAML is outside it but inside the whole-process
time. The time in system is the flow's transit KPI (days x 24); the worker also
checks, consignment by consignment, that it equals the sum of the 8 station
sojourns (arrival to departure; the transfers take 0 h).

    python benchmarks/peers/corridor_tandem.py [--seed N] [--end-hours H] [--warmup-hours H]
"""

import time
from pathlib import Path

from corridor_sim.api import simulate
from corridor_sim.scenario import load_scenario

from tandem_spec import parse_args, report

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "tandem.yaml"


def main() -> None:
    args = parse_args()
    sets = [f"seed={args.seed}", f"warmup_days={args.warmup_hours / 24!r}",
            f"horizon_days={(args.end_hours - args.warmup_hours) / 24!r}"]
    sc, resolved = load_scenario(SCENARIO, sets)
    t0, c0 = time.perf_counter(), time.process_time()
    result = simulate(sc, resolved)
    run_seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0

    (flow,) = sc.flows
    kpi = result.summary["kpis"]["transit_days"][flow]
    raw = result.records
    window = [d for d in raw.deliveries if raw.warmup_hours <= d.delivered < raw.end_hours]
    window.sort(key=lambda d: d.delivered)
    times = [d.delivered - d.created for d in window]
    # Sum of the station sojourns of each delivered consignment.
    stations = {n for n, node in sc.nodes.items() if node.station is not None}
    sojourn: dict[int, float] = {}
    for v in raw.visits:
        if v.node in stations:
            sojourn[v.consignment] = sojourn.get(v.consignment, 0.0) + (v.departure - v.arrival)
    gap = max((abs(sojourn[d.consignment] - (d.delivered - d.created)) for d in window), default=0.0)
    report("corridor-sim", run_seconds, times, cpu_seconds=cpu_seconds,
           kpi_mean_hours=kpi["mean"] * 24 if kpi["mean"] is not None else None,
           kpi_n=kpi["n"], max_gap_transit_vs_sojourns_hours=gap, events=result.summary.get("events"),
           engine_runtime_seconds=result.summary.get("runtime_seconds"))


if __name__ == "__main__":
    main()
