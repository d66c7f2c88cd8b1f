"""One corridor-sim measurement in a fresh process, printed as one JSON line.

benchmarks/run.py starts this script once per measurement, so that peak memory
(`ru_maxrss`) is that workload's alone and the whole-process wall time includes
the imports. The run-only time is an in-process timer around the work itself.

    python benchmarks/worker.py run SCENARIO [--set path=value ...]
    python benchmarks/worker.py replications SCENARIO --replications N --workers W [--set ...]
    python benchmarks/worker.py loop SCENARIO --replications N [--set ...]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def current_rss_mb() -> float:
    """Resident set size now (Linux /proc; elsewhere psutil if present, else the peak)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / (1024 * 1024)
    except OSError:
        try:
            import psutil

            return psutil.Process().memory_info().rss / (1024 * 1024)
        except ImportError:
            return peak_rss_mb()


def _run(args) -> dict:
    from corridor_sim.api import simulate
    from corridor_sim.scenario import load_scenario

    sc, resolved = load_scenario(args.scenario, args.set)
    t0, c0 = time.perf_counter(), time.process_time()
    result = simulate(sc, resolved)
    run_seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    s = result.summary
    k = s["kpis"]
    return {
        "run_seconds": run_seconds,
        "cpu_seconds": cpu_seconds,
        "events": s.get("events"),
        "simulated_days": sc.warmup_days + sc.horizon_days,
        "generated_consignments": s["mass_balance"]["generated_consignments"],
        "delivered_consignments": s["mass_balance"]["delivered_consignments"],
        "delivered_tonnes_per_year": k["delivered_tonnes_per_year"]["mean"],
        "demand_tonnes_per_year": sum(f["mean"] for f in k["demand_tonnes_per_year_by_flow"].values()),
        "visits": len(result.records.visits),
        "peak_rss_mb": peak_rss_mb(),
    }


def _replications(args) -> dict:
    try:
        from corridor_sim.experiment import run_replications
    except ImportError as e:
        return {"skipped": f"corridor_sim.experiment.run_replications is not in this tree yet (issue 4): {e}"}
    t0 = time.perf_counter()
    res = run_replications(args.scenario, replications=args.replications, workers=args.workers,
                           overrides=tuple(args.set))
    run_seconds = time.perf_counter() - t0
    kpis = res.summary.get("kpis", {}) if isinstance(res.summary, dict) else {}
    tonnes = kpis.get("delivered_tonnes_per_year", {})
    return {
        "run_seconds": run_seconds,
        "replications": args.replications,
        "workers": args.workers,
        "runs": int(len(res.runs)),
        # For the check that the worker count does not change the answer.
        "delivered_tonnes_per_year": tonnes.get("mean") if isinstance(tonnes, dict) else tonnes,
        "peak_rss_mb": peak_rss_mb(),
    }


def _loop(args) -> dict:
    from corridor_sim.api import simulate
    from corridor_sim.scenario import load_scenario

    sc, resolved = load_scenario(args.scenario, args.set)
    rss = [current_rss_mb()]
    seconds = []
    for rep in range(args.replications):
        t0 = time.perf_counter()
        result = simulate(sc, resolved, replication=rep)
        seconds.append(time.perf_counter() - t0)
        del result
        rss.append(current_rss_mb())
    return {"rss_mb": rss, "run_seconds": seconds, "peak_rss_mb": peak_rss_mb()}


def main(argv=None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["run", "replications", "loop"])
    p.add_argument("scenario")
    p.add_argument("--set", action="append", default=[])
    p.add_argument("--replications", type=int, default=1)
    p.add_argument("--workers", type=int, default=1)
    args = p.parse_args(argv)
    out = {"run": _run, "replications": _replications, "loop": _loop}[args.mode](args)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
