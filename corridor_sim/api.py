"""The Python API that the CLI and notebooks share."""

from __future__ import annotations

import datetime as dt
import functools
import platform
import subprocess
import time
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
    return RunResult(summary, raw, resolved)


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
