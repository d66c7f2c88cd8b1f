"""The corridor-sim benchmark suite: one command, every workload of issue 6.

    python benchmarks/run.py            # full suite (a few minutes); updates benchmarks/README.md
    python benchmarks/run.py --quick    # fewer repeats; does not touch the README
    python benchmarks/run.py --tiny --out /tmp/b   # seconds; what the smoke test runs

Writes OUT/latest.json (every measurement) and OUT/latest.md (the tables); OUT is
benchmarks/results by default. Each measurement runs in a fresh Python process
(benchmarks/worker.py, benchmarks/peers/*.py) so that its peak memory is its own
and its whole-process time includes interpreter start-up and imports; the
run-only time is an in-process timer around the simulation. Repeats of the
different implementations are interleaved, and the medians are reported.
Timings are measured, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import statistics
import subprocess
import tempfile
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = HERE / "peers"
WORKER = HERE / "worker.py"
BASELINE = ROOT / "scenarios" / "baseline_2024.yaml"
TARGET_2030 = ROOT / "scenarios" / "target_2030.yaml"
TANDEM = HERE / "scenarios" / "tandem.yaml"
README = HERE / "README.md"
MARK_START, MARK_END = "<!-- results:start -->", "<!-- results:end -->"

sys.path.insert(0, str(PEERS))
import tandem_spec  # noqa: E402  (stdlib only)
from market_workload import workload6  # noqa: E402  (workload 6, issue 15)

# Sizes of each workload per profile. `short` shrinks the scenario runs of
# workloads 2-5 (overrides applied to every run) for the smoke test.
PROFILES = {
    "full": dict(w1_repeats=7, w1_end=tandem_spec.END_HOURS, w2_scales=[1, 2, 5, 10], w2_repeats=3,
                 w3_repeats=5, w4_replications=20, w4_repeats=5, w5_horizons=[366, 3650], w5_loop=50, w6_replications=5, short=[]),
    "quick": dict(w1_repeats=3, w1_end=tandem_spec.END_HOURS, w2_scales=[1, 2, 5, 10], w2_repeats=1,
                  w3_repeats=1, w4_replications=8, w4_repeats=1, w5_horizons=[366, 3650], w5_loop=10, w6_replications=5, short=[]),
    "tiny": dict(w1_repeats=1, w1_end=tandem_spec.WARMUP_HOURS + 1500, w2_scales=[1, 2], w2_repeats=1,
                 w3_repeats=1, w4_replications=4, w4_repeats=1, w5_horizons=[10, 30], w5_loop=3,
                 w6_replications=2, w6_set=["horizon_days=45", "market.equilibrium.max_iterations=2"], short=["warmup_days=5", "horizon_days=10"]),
}

TARGETS = {
    "w1_cli_vs_simpy_process_max": 1.3,
    "w1_corridor_vs_simpy_max": 1.25,     # corridor-sim run time / hand-written SimPy
    "w1_ciw_vs_corridor_min": 2.0,        # ciw run time / corridor-sim
    "w3_2030_year_seconds_max": 2.0,
    "w4_parallel_efficiency_min": 0.80,
    "w6_market_2030_seconds_max": 120.0,
}

# Two-sided 95% Student t quantiles (no scipy needed).
_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
         10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110,
         18: 2.101, 19: 2.093, 20: 2.086, 25: 2.060, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}


def t975(df: int) -> float:
    if df in _T975:
        return _T975[df]
    below = [k for k in _T975 if k < df]
    return _T975[max(below)] if below else 1.96


def t_interval(xs: list[float]) -> list[float] | None:
    if len(xs) < 2:
        return None
    m, s = statistics.fmean(xs), statistics.stdev(xs)
    h = t975(len(xs) - 1) * s / math.sqrt(len(xs))
    return [m - h, m + h]


def slope(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0


# ---------------------------------------------------------------- processes


def measure(cmd: list[str]) -> dict:
    """Run one worker in a fresh process; its JSON plus the whole-process wall time."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, *map(str, cmd)], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process_seconds"] = wall
    return out


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- workloads


def analytic_time_in_system() -> dict:
    from corridor_sim.analysis.queueing import mmc_mean_wait

    lam = tandem_spec.ARRIVALS_PER_HOUR
    per_station = [mmc_mean_wait(lam, mean, c) + mean for c, mean in tandem_spec.STATIONS]
    return {"hours": sum(per_station), "per_station_sojourn_hours": per_station}


def check_tandem_scenario() -> None:
    """The YAML must describe the same network as tandem_spec (the peers' definition)."""
    from corridor_sim.scenario import load_scenario

    sc, _ = load_scenario(TANDEM)
    stations = [(n.station.servers, float(n.station.service_hours.mean)) for n in sc.nodes.values()
                if n.station is not None]
    assert stations == [(c, float(m)) for c, m in tandem_spec.STATIONS], stations
    (flow,) = sc.flows.values()
    assert flow.tonnes_per_year == 8760 * tandem_spec.ARRIVALS_PER_HOUR
    assert (sc.warmup_days + sc.horizon_days) * 24 == tandem_spec.END_HOURS
    assert sc.warmup_days * 24 == tandem_spec.WARMUP_HOURS


IMPLS = {"corridor-sim": "corridor_tandem.py", "simpy": "simpy_tandem.py", "ciw": "ciw_tandem.py"}


def measure_cli(seed: int, end_hours: float) -> float:
    """Whole-process seconds of `corridor-sim run` on the tandem, as a user types it: start-up, imports,
    loading, the run, the KPIs and the run directory written."""
    script = Path(sys.executable).parent / "corridor-sim"
    horizon_days = end_hours / 24 - tandem_spec.WARMUP_HOURS / 24
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(script), "run", str(TANDEM), "--out", str(Path(tmp) / "run"), "--quiet", "--seed", str(seed),
               "--set", f"horizon_days={horizon_days:g}"]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall


def workload1(p: dict) -> dict:
    check_tandem_scenario()
    analytic = analytic_time_in_system()
    runs: dict[str, list[dict]] = {k: [] for k in IMPLS}
    cli: list[float] = []
    for rep in range(p["w1_repeats"]):
        for impl, script in IMPLS.items():
            say(f"W1 tandem: {impl} run {rep + 1}/{p['w1_repeats']}")
            runs[impl].append(measure([PEERS / script, "--seed", rep + 1, "--end-hours", p["w1_end"],
                                       "--warmup-hours", tandem_spec.WARMUP_HOURS]))
        say(f"W1 tandem: corridor-sim run (the command) {rep + 1}/{p['w1_repeats']}")
        cli.append(measure_cli(rep + 1, p["w1_end"]))
    out = {"analytic_hours": analytic["hours"], "analytic_per_station_sojourn_hours":
           analytic["per_station_sojourn_hours"], "end_hours": p["w1_end"],
           "warmup_hours": tandem_spec.WARMUP_HOURS, "repeats": p["w1_repeats"], "impls": {}}
    for impl, rs in runs.items():
        means = [r["mean_hours"] for r in rs]
        reps_ci = t_interval(means) if len(rs) >= 3 else None
        batch_ci = t_interval(rs[0]["batch_means"])
        ci, method = (reps_ci, f"t interval over {len(rs)} replications (seeds 1..{len(rs)})") if reps_ci \
            else (batch_ci, f"batch means: {len(rs[0]['batch_means'])} batches of one run, t interval")
        mean = statistics.fmean(means)
        entry = {
            "run_seconds_median": statistics.median(r["run_seconds"] for r in rs),
            "cpu_seconds_median": statistics.median(r["cpu_seconds"] for r in rs),
            "process_seconds_median": statistics.median(r["process_seconds"] for r in rs),
            "run_seconds": [r["run_seconds"] for r in rs],
            "cpu_seconds": [r["cpu_seconds"] for r in rs],
            "process_seconds": [r["process_seconds"] for r in rs],
            "peak_rss_mb_median": statistics.median(r["peak_rss_mb"] for r in rs),
            "mean_hours": mean,
            "ci95_hours": ci,
            "ci_method": method,
            "ci95_batch_means_first_run": batch_ci,
            "run_means_hours": means,
            "n_per_run": [r["n"] for r in rs],
            "relative_error": mean / analytic["hours"] - 1,
            "agrees": bool(ci and ci[0] <= analytic["hours"] <= ci[1]),
        }
        if impl == "corridor-sim":
            entry["kpi_mean_hours"] = [r["kpi_mean_hours"] for r in rs]
            entry["max_gap_transit_vs_sojourns_hours"] = max(r["max_gap_transit_vs_sojourns_hours"] for r in rs)
            entry["events"] = rs[0]["events"]
        else:
            entry["version"] = rs[0].get("version")
        out["impls"][impl] = entry
    out["cli_process_seconds"] = cli
    out["cli_process_seconds_median"] = statistics.median(cli)
    cs, sp, cw = (out["impls"][k] for k in ("corridor-sim", "simpy", "ciw"))
    out["ratios"] = {
        # the whole `corridor-sim run` command (run directory written) against the hand-written model's process
        "cli_over_simpy_process": out["cli_process_seconds_median"] / sp["process_seconds_median"],
        "corridor_over_simpy_run": cs["run_seconds_median"] / sp["run_seconds_median"],
        "corridor_over_simpy_process": cs["process_seconds_median"] / sp["process_seconds_median"],
        "ciw_over_corridor_run": cw["run_seconds_median"] / cs["run_seconds_median"],
        "ciw_over_corridor_process": cw["process_seconds_median"] / cs["process_seconds_median"],
        # CPU time of the run: what the ratios are when other work on the machine steals wall time
        "corridor_over_simpy_cpu": cs["cpu_seconds_median"] / sp["cpu_seconds_median"],
        "ciw_over_corridor_cpu": cw["cpu_seconds_median"] / cs["cpu_seconds_median"],
    }
    return out


def baseline_flows() -> dict[str, float]:
    from corridor_sim.scenario import load_scenario

    sc, _ = load_scenario(BASELINE)
    return {name: f.tonnes_per_year for name, f in sc.flows.items()}


def workload2(p: dict) -> dict:
    flows = baseline_flows()
    rows = []
    for k in p["w2_scales"]:
        sets = [f"flows.{f}.tonnes_per_year={t * k!r}" for f, t in flows.items()] + p["short"]
        rs = []
        for rep in range(p["w2_repeats"]):
            say(f"W2 scaling: x{k} run {rep + 1}/{p['w2_repeats']}")
            rs.append(measure([WORKER, "run", BASELINE, *[a for s in sets for a in ("--set", s)]]))
        r0 = rs[0]
        run_s = statistics.median(r["run_seconds"] for r in rs)
        cpu_s = statistics.median(r["cpu_seconds"] for r in rs)
        rows.append({
            "scale": k,
            "demand_tonnes_per_year": r0["demand_tonnes_per_year"],
            "delivered_tonnes_per_year": r0["delivered_tonnes_per_year"],
            "delivered_share": r0["delivered_tonnes_per_year"] / r0["demand_tonnes_per_year"],
            "generated_consignments": r0["generated_consignments"],
            "events": r0["events"],
            "run_seconds_median": run_s,
            "cpu_seconds_median": cpu_s,
            "process_seconds_median": statistics.median(r["process_seconds"] for r in rs),
            "peak_rss_mb": r0["peak_rss_mb"],
            "cpu_us_per_event": cpu_s / r0["events"] * 1e6,
            "cpu_us_per_consignment": cpu_s / r0["generated_consignments"] * 1e6,
            "events_per_second": r0["events"] / run_s,
            "us_per_event": run_s / r0["events"] * 1e6,
            "us_per_consignment": run_s / r0["generated_consignments"] * 1e6,
        })
    base = rows[0]
    for r in rows:
        r["us_per_event_vs_x1"] = r["us_per_event"] / base["us_per_event"]
        r["us_per_consignment_vs_x1"] = r["us_per_consignment"] / base["us_per_consignment"]
    xs = [math.log(r["scale"]) for r in rows]
    return {
        "scenario": str(BASELINE.relative_to(ROOT)),
        "overrides": p["short"],
        "rows": rows,
        # Exponent b of run time ~ volume^b: 1 is linear.
        "loglog_slope_run_seconds_vs_volume": slope(xs, [math.log(r["run_seconds_median"]) for r in rows]),
        "loglog_slope_cpu_seconds_vs_volume": slope(xs, [math.log(r["cpu_seconds_median"]) for r in rows]),
        "loglog_slope_events_vs_volume": slope(xs, [math.log(r["events"]) for r in rows]),
    }


def workload3(p: dict) -> dict:
    out = {}
    for name, path in (("baseline_2024", BASELINE), ("target_2030", TARGET_2030)):
        if not path.exists():
            out[name] = {"skipped": f"{path.relative_to(ROOT)} is not in the tree yet"}
            continue
        rs = []
        try:
            for rep in range(p["w3_repeats"]):
                say(f"W3 year: {name} run {rep + 1}/{p['w3_repeats']}")
                rs.append(measure([WORKER, "run", path, *[a for s in p["short"] for a in ("--set", s)]]))
        except RuntimeError as e:
            if name == "baseline_2024":
                raise
            # The 2030 scenario is someone else's work in progress: report, don't stop the suite.
            last = str(e).strip().splitlines()[-1]
            say(f"W3: {name} failed: {last}")
            out[name] = {"skipped": f"{path.relative_to(ROOT)} does not run yet: {last}"}
            continue
        out[name] = {
            "scenario": str(path.relative_to(ROOT)),
            "simulated_days": rs[0]["simulated_days"],
            "run_seconds_median": statistics.median(r["run_seconds"] for r in rs),
            "cpu_seconds_median": statistics.median(r["cpu_seconds"] for r in rs),
            "process_seconds_median": statistics.median(r["process_seconds"] for r in rs),
            "run_seconds": [r["run_seconds"] for r in rs],
            "peak_rss_mb_median": statistics.median(r["peak_rss_mb"] for r in rs),
            "events": rs[0]["events"],
            "generated_consignments": rs[0]["generated_consignments"],
        }
    return out


def workload4(p: dict) -> dict:
    n, repeats = p["w4_replications"], p["w4_repeats"]
    runs: dict[int, list] = {1: [], 2: []}
    for rep in range(repeats):   # 1 and 2 workers interleaved: drift on the machine hits both alike
        for workers in (1, 2):
            say(f"W4 parallel: {n} replications on {workers} worker(s), run {rep + 1}/{repeats}")
            r = measure([WORKER, "replications", BASELINE, "--replications", n, "--workers", workers,
                         *[a for s in p["short"] for a in ("--set", s)]])
            if "skipped" in r:
                say(f"W4 skipped: {r['skipped']}")
                return {"skipped": r["skipped"]}
            runs[workers].append(r)
    t1 = statistics.median(r["run_seconds"] for r in runs[1])
    t2 = statistics.median(r["run_seconds"] for r in runs[2])
    answers = {r["delivered_tonnes_per_year"] for rs in runs.values() for r in rs}
    return {
        "scenario": str(BASELINE.relative_to(ROOT)),
        "replications": n,
        "repeats": repeats,
        "cores": os.cpu_count(),
        "seconds_1_worker": t1,
        "seconds_2_workers": t2,
        "seconds_1_worker_runs": [r["run_seconds"] for r in runs[1]],
        "seconds_2_workers_runs": [r["run_seconds"] for r in runs[2]],
        "process_seconds_1_worker": statistics.median(r["process_seconds"] for r in runs[1]),
        "process_seconds_2_workers": statistics.median(r["process_seconds"] for r in runs[2]),
        "parallel_efficiency": t1 / (2 * t2),
        # each pair's own efficiency: how much the machine's noise moves it
        "parallel_efficiency_of_each_pair": [a["run_seconds"] / (2 * b["run_seconds"]) for a, b in zip(runs[1], runs[2])],
        "same_answer": len(answers) == 1,
    }


def workload5(p: dict) -> dict:
    horizons = []
    for days in p["w5_horizons"]:
        say(f"W5 memory: horizon {days} days")
        sets = p["short"] + [f"horizon_days={days}"]
        r = measure([WORKER, "run", BASELINE, *[a for s in sets for a in ("--set", s)]])
        horizons.append({"horizon_days": days, "peak_rss_mb": r["peak_rss_mb"], "run_seconds": r["run_seconds"],
                         "visits": r["visits"], "events": r["events"]})
    n = p["w5_loop"]
    say(f"W5 memory: {n} replications in one process")
    loop = measure([WORKER, "loop", BASELINE, "--replications", n, *[a for s in p["short"] for a in ("--set", s)]])
    rss = loop["rss_mb"]            # rss[0]: before the first run; rss[i]: after replication i
    skip = min(5, max(1, n // 2))   # the first replications warm the allocator and caches up
    reps = list(range(skip, n + 1))
    growth = slope(reps, [rss[i] for i in reps]) if len(reps) >= 2 else 0.0
    return {
        "scenario": str(BASELINE.relative_to(ROOT)),
        "horizons": horizons,
        "loop": {
            "replications": n,
            "rss_mb_after_each": rss,
            "slope_mb_per_replication": growth,
            "slope_from_replication": skip,
            "rss_mb_first": rss[1] if len(rss) > 1 else rss[0],
            "rss_mb_last": rss[-1],
            "peak_rss_mb": loop["peak_rss_mb"],
            "flat": growth * n < max(5.0, 0.02 * rss[-1]),   # under 5 MB (or 2%) over the whole loop
        },
    }


# ---------------------------------------------------------------- report


def environment(profile: str) -> dict:
    def version(mod: str) -> str | None:
        try:
            from importlib.metadata import version as v

            return v(mod)
        except Exception:
            return None

    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or None
    dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "corridor_sim"],
                                capture_output=True, text=True).stdout.strip())
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "profile": profile,
        "command": "python benchmarks/run.py" + ("" if profile == "full" else f" --{profile}"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "corridor_sim": version("corridor-sim"),
        "git_commit": commit,
        "corridor_sim_tree_dirty": dirty,
        "simpy": version("simpy"),
        "ciw": version("ciw"),
        "numpy": version("numpy"),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        # Other work on the machine skews wall times (and parallel efficiency): look here first.
        "load_average_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def _f(x, fmt="{:.2f}") -> str:
    return "–" if x is None else fmt.format(x)


def _load(avg) -> str:
    return "–" if not avg else "/".join(f"{x:.1f}" for x in avg)


def markdown(res: dict) -> str:
    env = res["environment"]
    L = [f"Measured {env['date']} on {env['cpu']} ({env['cores']} cores), Python {env['python']}, "
         f"corridor-sim {env['corridor_sim']} (commit {env['git_commit']}"
         f"{', uncommitted engine changes' if env['corridor_sim_tree_dirty'] else ''}), "
         f"SimPy {env['simpy']}, ciw {env['ciw']}, numpy {env['numpy']}. Profile `{env['profile']}`: "
         f"`{env['command']}`; load average {_load(env.get('load_average_at_start'))} at the start, "
         f"{_load(env.get('load_average_at_end'))} at the end (1, 5, 15 min).", ""]

    w1 = res["workloads"]["1_tandem"]
    L += [f"**Workload 1: tandem network of 8 M/M/c stations** ({w1['end_hours']:.0f} h simulated, "
          f"{w1['warmup_hours']:.0f} h warm-up; medians of {w1['repeats']} runs). Analytic mean time in system "
          f"(Jackson: Σ Erlang-C Wq + service) **{w1['analytic_hours']:.2f} h**.", "",
          "| implementation | run only (s) | run only, CPU (s) | whole process (s) | peak RSS (MB) | mean time in system (h) | 95% interval (h) | analytic inside |",
          "|---|---:|---:|---:|---:|---:|---:|:---:|"]
    for impl, e in w1["impls"].items():
        ci = e["ci95_hours"]
        L.append(f"| {impl} | {e['run_seconds_median']:.3f} | {e['cpu_seconds_median']:.3f} | {e['process_seconds_median']:.3f} | "
                 f"{e['peak_rss_mb_median']:.0f} | {e['mean_hours']:.2f} | "
                 f"{_f(ci[0]) if ci else '–'} – {_f(ci[1]) if ci else '–'} | {'yes' if e['agrees'] else 'NO'} |")
    r = w1["ratios"]
    cs = w1["impls"]["corridor-sim"]
    L += ["", f"Ratios (run only / run-only CPU / whole process): corridor-sim ÷ SimPy "
          f"**{r['corridor_over_simpy_run']:.2f}×** / {r['corridor_over_simpy_cpu']:.2f}× / "
          f"{r['corridor_over_simpy_process']:.2f}×; ciw ÷ corridor-sim **{r['ciw_over_corridor_run']:.2f}×** / "
          f"{r['ciw_over_corridor_cpu']:.2f}× / {r['ciw_over_corridor_process']:.2f}×. Interval: {cs['ci_method']}. corridor-sim's transit KPI "
          f"equals the sum of the 8 station sojourns to {cs['max_gap_transit_vs_sojourns_hours']:.1e} h; "
          f"{cs['events']:,} SimPy events per run.",
          "", f"The whole command, `corridor-sim run benchmarks/scenarios/tandem.yaml --out DIR --quiet` (start-up, "
          f"imports, the run, its KPIs and its run directory written): **{w1['cli_process_seconds_median']:.3f} s**, "
          f"{r['cli_over_simpy_process']:.2f}× the hand-written SimPy model's whole process.", ""]

    w2 = res["workloads"]["2_scaling"]
    L += [f"**Workload 2: scaling** (`{w2['scenario']}`, every flow's tonnes ×k"
          f"{', ' + ' '.join(w2['overrides']) if w2['overrides'] else ''}; run only, median).", "",
          "| demand | consignments | events | run (s) | run, CPU (s) | events/s | µs/event | µs/consignment | CPU µs/event | delivered/demand |",
          "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in w2["rows"]:
        L.append(f"| ×{row['scale']} | {row['generated_consignments']:,} | {row['events']:,} | "
                 f"{row['run_seconds_median']:.2f} | {row['cpu_seconds_median']:.2f} | {row['events_per_second']:,.0f} | "
                 f"{row['us_per_event']:.2f} | {row['us_per_consignment']:.0f} | {row['cpu_us_per_event']:.2f} | "
                 f"{row['delivered_share']:.2f} |")
    L += ["", f"Run time grows as volume^{w2['loglog_slope_run_seconds_vs_volume']:.2f} "
          f"(CPU time as volume^{w2['loglog_slope_cpu_seconds_vs_volume']:.2f}, "
          f"events as volume^{w2['loglog_slope_events_vs_volume']:.2f}); 1.00 is linear.", ""]

    w3 = res["workloads"]["3_year"]
    L += ["**Workload 3: a simulated year** (the scenario as shipped: its warm-up plus a measured year; median).", "",
          "| scenario | simulated days | run only (s) | run only, CPU (s) | whole process (s) | peak RSS (MB) | events |",
          "|---|---:|---:|---:|---:|---:|---:|"]
    for name, e in w3.items():
        if "skipped" in e:
            L.append(f"| {name} | skipped: {e['skipped']} | | | | | |")
        else:
            L.append(f"| {name} | {e['simulated_days']:.0f} | {e['run_seconds_median']:.2f} | {e['cpu_seconds_median']:.2f} | "
                     f"{e['process_seconds_median']:.2f} | {e['peak_rss_mb_median']:.0f} | {e['events']:,} |")
    L.append("")

    w4 = res["workloads"]["4_parallel"]
    if "skipped" in w4:
        L += [f"**Workload 4: parallel replications**: skipped ({w4['skipped']}).", ""]
    else:
        reps = w4.get("repeats", 1)
        pairs = w4.get("parallel_efficiency_of_each_pair") or []
        L += [f"**Workload 4: parallel replications** ({w4['replications']} replications of `{w4['scenario']}` "
              f"with `corridor_sim.experiment.run_replications`, {w4['cores']} cores; "
              f"{'median of ' + str(reps) + ' interleaved runs each' if reps > 1 else 'one run each'}).", "",
              "| workers | wall (s) | parallel efficiency T1/(2·T2) | same answer |", "|---:|---:|---:|:---:|",
              f"| 1 | {w4['seconds_1_worker']:.2f} | | |",
              f"| 2 | {w4['seconds_2_workers']:.2f} | {w4['parallel_efficiency']:.0%} | "
              f"{'yes' if w4['same_answer'] else 'NO'} |", ""]
        if len(pairs) > 1:
            L += ["Each pair (1 worker, then 2) on its own: " + ", ".join(f"{e:.0%}" for e in pairs) + ".", ""]

    w5 = res["workloads"]["5_memory"]
    lp = w5["loop"]
    L += [f"**Workload 5: memory** (`{w5['scenario']}`; peak RSS of a fresh process).", "",
          "| horizon (days) | peak RSS (MB) | run (s) | visit records |", "|---:|---:|---:|---:|"]
    for h in w5["horizons"]:
        L.append(f"| {h['horizon_days']:g} | {h['peak_rss_mb']:.0f} | {h['run_seconds']:.2f} | {h['visits']:,} |")
    L += ["", f"{lp['replications']} replications in one process: RSS {lp['rss_mb_first']:.0f} MB after the first, "
          f"{lp['rss_mb_last']:.0f} MB after the last; slope {lp['slope_mb_per_replication']:+.3f} MB per replication "
          f"(least squares from replication {lp['slope_from_replication']}) — "
          f"{'flat' if lp['flat'] else 'GROWS'}.", ""]

    L += ["**Targets**", "", "| target | measured | met |", "|---|---:|:---:|"]
    for t in res["targets"]:
        L.append(f"| {t['target']} | {t['measured']} | {t['met']} |")
    return "\n".join(L) + "\n"


def targets(res: dict) -> list[dict]:
    w = res["workloads"]
    w1 = w["1_tandem"]
    out = []

    def add(target, measured, met):
        out.append({"target": target, "measured": measured, "met": "–" if met is None else ("yes" if met else "no")})

    r = w1["ratios"]["corridor_over_simpy_run"]
    c = w1["ratios"]["corridor_over_simpy_cpu"]
    add("W1: corridor-sim ≤ 1.25× hand-written SimPy (run only)", f"{r:.2f}× (CPU {c:.2f}×)",
        r <= TARGETS["w1_corridor_vs_simpy_max"])
    r = w1["ratios"]["cli_over_simpy_process"]
    add("W1: a whole `corridor-sim run` ≤ 1.3× the hand-written SimPy model's whole process", f"{r:.2f}×",
        r <= TARGETS["w1_cli_vs_simpy_process_max"])
    r = w1["ratios"]["ciw_over_corridor_run"]
    c = w1["ratios"]["ciw_over_corridor_cpu"]
    add("W1: corridor-sim ≥ 2× faster than ciw (run only)", f"{r:.2f}× (CPU {c:.2f}×)",
        r >= TARGETS["w1_ciw_vs_corridor_min"])
    ok = all(e["agrees"] for e in w1["impls"].values())
    add("W1: every mean agrees with the analytic value (inside its 95% interval)",
        ", ".join(f"{k} {e['relative_error']:+.1%}" for k, e in w1["impls"].items()), ok)
    y = w["3_year"]["target_2030"]
    if "skipped" in y:
        add("W3: a simulated year of the 2030 scenario < 2 s (one core)", "skipped: " + y["skipped"], None)
    else:
        add("W3: a simulated year of the 2030 scenario < 2 s (one core)",
            f"{y['run_seconds_median']:.2f} s (CPU {y['cpu_seconds_median']:.2f} s)",
            y["run_seconds_median"] < TARGETS["w3_2030_year_seconds_max"])
    p = w["4_parallel"]
    if "skipped" in p:
        add("W4: parallel efficiency ≥ 80% on 2 workers", "skipped: " + p["skipped"], None)
    else:
        add("W4: parallel efficiency ≥ 80% on 2 workers", f"{p['parallel_efficiency']:.0%}",
            p["parallel_efficiency"] >= TARGETS["w4_parallel_efficiency_min"])
    lp = w["5_memory"]["loop"]
    add(f"W5: memory does not grow over {lp['replications']} replications",
        f"{lp['slope_mb_per_replication']:+.3f} MB/replication", lp["flat"])
    m = w["6_market"]
    add("W6: the 2030 market equilibrium, 5 replications per iteration, ≤ 2 min on 2 workers",
        f"{m['process_seconds']:.0f} s ({m['iterations']} iterations, {m['runs']} runs)",
        m["process_seconds"] <= TARGETS["w6_market_2030_seconds_max"])
    return out


def update_readme(table: str) -> None:
    text = README.read_text()
    start, end = text.index(MARK_START) + len(MARK_START), text.index(MARK_END)
    README.write_text(text[:start] + "\n" + table + text[end:])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="fewer repeats and replications (about a minute)")
    size.add_argument("--tiny", action="store_true", help="tiny sizes, for the smoke test (seconds)")
    ap.add_argument("--out", type=Path, default=HERE / "results", help="where latest.json and latest.md go")
    ap.add_argument("--readme", action=argparse.BooleanOptionalAction, default=None,
                    help="put the table into benchmarks/README.md (default: only for a full run into benchmarks/results)")
    ap.add_argument("--only", default="1,2,3,4,5,6", help="comma-separated workloads to run (default all)")
    args = ap.parse_args(argv)
    profile = "tiny" if args.tiny else "quick" if args.quick else "full"
    p = PROFILES[profile]
    only = {s.strip() for s in args.only.split(",")}

    started = time.perf_counter()
    res: dict = {"environment": environment(profile), "targets_spec": TARGETS, "workloads": {}}
    steps = [("1", "1_tandem", workload1), ("2", "2_scaling", workload2), ("3", "3_year", workload3),
             ("4", "4_parallel", workload4), ("5", "5_memory", workload5),
             ("6", "6_market", lambda p: workload6(p, say))]
    for key, name, fn in steps:
        if key in only:
            res["workloads"][name] = fn(p)
    res["suite_seconds"] = time.perf_counter() - started
    res["environment"]["load_average_at_end"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    complete = len(res["workloads"]) == len(steps)
    if complete:
        res["targets"] = targets(res)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(res, indent=2) + "\n")
    if complete:
        table = markdown(res)
        (args.out / "latest.md").write_text(table)
        print(table)
        write_readme = args.readme if args.readme is not None else (
            profile == "full" and args.out.resolve() == (HERE / "results").resolve())
        if write_readme:
            update_readme(table)
    say(f"wrote {args.out / 'latest.json'} in {res['suite_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
