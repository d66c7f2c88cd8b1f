"""The Python API that the CLI and notebooks share."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import platform
import subprocess
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import __version__
from .analysis.kpis import summarize
from .model.corridor import CorridorModel, RawResult
from .output import write_run
from .records import Delivery, Visit, to_frame
from .scenario import Scenario, load_scenario


@dataclass
class RunResult:
    summary: dict
    raw: RawResult
    resolved: dict

    @property
    def visits(self) -> pd.DataFrame:
        return to_frame(self.raw.visits, Visit)

    @property
    def deliveries(self) -> pd.DataFrame:
        return to_frame(self.raw.deliveries, Delivery)

    @property
    def resources(self) -> pd.DataFrame:
        return pd.DataFrame(self.summary["resources"])


def run(
    scenario: str | Path,
    *,
    seed: int | None = None,
    overrides: list[str] | tuple[str, ...] = (),
    out: str | Path | None = None,
    replication: int = 0,
    progress=None,
    replications: int | None = None,
    **experiment,
):
    """Run one scenario file; write the run directory if `out` is given.

    `overrides` are `path.to.field=value` strings, as `--set` on the CLI.
    `progress`, if given, is called with (simulated_hours_done, total_hours).

    With `replications=N`, runs replications 0 … N−1 instead and returns a
    `ReplicationResult` (see `run_replications`, which takes the other keywords:
    `workers`, `executor`, `scheduler`, `resume`).
    """
    if replications is not None:
        return run_replications(scenario, replications=replications, seed=seed, overrides=overrides, out=out,
                                progress=bool(progress), **experiment)
    if experiment:
        raise TypeError(f"run() got unexpected keyword arguments {sorted(experiment)} (without replications=)")
    overrides = list(overrides)
    if seed is not None:
        overrides.append(f"seed={seed}")
    sc, resolved = load_scenario(scenario, overrides)
    result = run_scenario(sc, resolved, replication=replication, progress=progress, source=str(scenario))
    if out is not None:
        write_run(Path(out), result.summary, resolved, result.raw)
    return result


def run_scenario(sc: Scenario, resolved: dict, *, replication: int = 0, progress=None,
                 source: str | None = None) -> RunResult:
    _collect_dropped_runs()
    started = time.perf_counter()
    model = CorridorModel(sc, replication=replication)
    raw = model.run(progress=progress)
    summary = {
        "scenario": sc.name,
        "scenario_file": source,
        "seed": sc.seed,
        "replication": replication,
        "version": __version__,
        "git_commit": _git_commit(),
        "python": platform.python_version(),
        "start_date": sc.start_date.isoformat(),
        "window": {
            "start": (sc.start_date + dt.timedelta(days=sc.warmup_days)).isoformat(),
            "end": (sc.start_date + dt.timedelta(days=sc.warmup_days + sc.horizon_days)).isoformat(),
            "warmup_days": sc.warmup_days,
            "horizon_days": sc.horizon_days,
        },
        **summarize(raw),
        "events": raw.events,
    }
    # Last, and the one field that differs between identical runs.
    summary["runtime_seconds"] = round(time.perf_counter() - started, 3)
    result = RunResult(summary, raw, resolved)
    _handed_out.append((weakref.ref(result), weakref.ref(model)))
    return result


# The runs handed out whose model may still be in memory: (the result, its model), weakly.
_handed_out: list[tuple[weakref.ref, weakref.ref]] = []


def _collect_dropped_runs() -> None:
    """Free the models of the runs whose results are gone, before the next run.

    A model is one large reference cycle (its processes, their environment, the resources, the
    consignments, which a result's `raw.in_system` holds): when the caller drops a result, reference
    counting frees none of it, and the model pauses the cyclic collector while it runs. Left to the
    collector's own schedule, several replications' models pile up, and a process's memory grows
    with the number of replications (benchmark W5). One collection when a result has been dropped
    keeps it at one replication's; none while the caller holds its results."""
    global _handed_out
    dropped = False
    kept = []
    for result, model in _handed_out:
        if model() is None:      # already freed
            continue
        if result() is None:
            dropped = True       # its model is garbage, unless the caller kept `raw`: collected once
        else:
            kept.append((result, model))
    _handed_out = kept
    if dropped:
        gc.collect()


@functools.cache
def _git_commit() -> str | None:
    """The commit of the corridor-sim source tree, when it is a git checkout (asked once per process:
    it is a subprocess, and a sweep's worker runs many scenarios)."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


# The experiments (replications, sweeps, comparisons) are built on run_scenario above.
from .experiment import ReplicationResult, SweepResult, compare, run_replications, sweep  # noqa: E402

__all__ = ["run", "run_scenario", "RunResult", "run_replications", "sweep", "compare", "ReplicationResult",
           "SweepResult"]
