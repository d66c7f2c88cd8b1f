"""Workload 6 of the benchmark suite: the 2030 market equilibrium (issue 15 item 6).

`corridor-sim market scenarios/market_2030.yaml --replications 5 --workers 2` in a fresh process, as a
user runs it: every iteration's replications on a local process pool, the final corridor run written.
Target: at most 2 minutes on the 2-core machine. The wall time is the whole command's; market.json gives
the iterations it took and whether it converged.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKET_2030 = ROOT / "scenarios" / "market_2030.yaml"
TARGET_SECONDS = 120.0


def workload6(p: dict, say) -> dict:
    n, workers = p["w6_replications"], 2
    say(f"W6 market: the 2030 equilibrium, {n} replications per iteration on {workers} workers")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "market"
        sets = [a for s in p["short"] + p.get("w6_set", []) for a in ("--set", s)]
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "corridor_sim.cli", "market", str(MARKET_2030), "--out", str(out),
                               "--replications", str(n), "--workers", str(workers), "--quiet", *sets],
                              capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"market workload failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        report = json.loads((out / "market.json").read_text())
    return {
        "scenario": str(MARKET_2030.relative_to(ROOT)),
        "replications_per_iteration": n,
        "workers": workers,
        "process_seconds": wall,
        "equilibrium_seconds": report["runtime_seconds"],
        "iterations": len(report["iterations"]),
        "runs": (len(report["iterations"]) + 1) * n,
        "converged": report["converged"],
        "corridor_tonnes_per_year": report["corridor_tonnes_per_year"]["mean"],
        "target_seconds": TARGET_SECONDS,
    }
