"""The Python API that the CLI and notebooks share: a thin facade over the single run
(`simulate.py`) and the experiments (`experiment/`).

    from corridor_sim.api import run, run_replications, sweep, compare, levers, market
    result = run("scenarios/baseline_2024.yaml", overrides={"nodes.dostyk.station.servers": 4})
    result.summary["kpis"]["delivered_tonnes_per_year"]
    result.kpis        # the KPIs as a DataFrame; .trains, .voyages, .samples, .resources too
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable

from . import experiment
from .experiment import LeverResult, ReplicationResult, SweepResult, compare
from .experiment.executors import check_options, time_limit
from .experiment.replications import seeded
from .market import MarketResult, market_equilibrium
from .output import write_run
from .ownership import check_out
from .progress import drawing_progress
from .scenario import Scenario
from .scenario.sources import load_any, override_texts
from .simulate import RunResult, simulate

# The core reports an experiment's progress to a callback; here `progress=True` also draws it.
run_replications = drawing_progress(experiment.run_replications)
sweep = drawing_progress(experiment.sweep)
levers = drawing_progress(experiment.levers)
market = drawing_progress(market_equilibrium)


def run(
    scenario: str | Path | Mapping | Scenario,
    *,
    seed: int | None = None,
    overrides: Mapping[str, Any] | list[str] | tuple[str, ...] = (),
    out: str | Path | None = None,
    replication: int = 0,
    progress: Callable[[float, float], None] | None = None,
    run_timeout: float | None = None,
    extra_files: Callable[[RunResult, Path], None] | None = None,
) -> RunResult:
    """Run one scenario — a file, a mapping or a `Scenario` — once; write the run directory if `out` is given.

    `overrides` are `path.to.field=value` texts, as `--set` on the CLI, or a mapping of paths to
    values (`{"fleets.asco_ferries.vessels": 16}`).
    `progress`, if given, is called with (simulated_hours_done, total_hours).
    `run_timeout` stops a run that takes longer (seconds; `RunTimedOut`, nothing written).
    `extra_files(result, directory)` writes more files (figures) into the run directory
    before it is put in place, so that they arrive with the run or not at all.
    Replications are `run_replications` (a `ReplicationResult`); one run is always a `RunResult`.
    An `out` that is not corridor-sim's to replace (a folder of other files, the current
    directory, …: see `corridor_sim.ownership`) raises `OutputRefused` before anything runs.
    """
    check_options(1, "process", None, run_timeout)
    sets = seeded(override_texts(overrides), seed)
    sc, resolved, shown = load_any(scenario, sets)
    return run_loaded(sc, resolved, source=shown, out=out, replication=replication, progress=progress,
                      run_timeout=run_timeout, extra_files=extra_files)


def run_loaded(sc: Scenario, resolved: dict, *, source: str | None = None, out: str | Path | None = None,
               replication: int = 0, progress: Callable[[float, float], None] | None = None,
               run_timeout: float | None = None, extra_files: Callable[[RunResult, Path], None] | None = None
               ) -> RunResult:
    """`run` for a scenario already loaded (`load_scenario`): one run under its time limit, and its run
    directory written if `out` is given (checked first: `OutputRefused`)."""
    if out is not None:
        check_out(out, scenario=source)
    with time_limit(run_timeout):
        result = simulate(sc, resolved, replication=replication, progress=progress, source=source)
    if out is not None:
        extra = (lambda directory: extra_files(result, directory)) if extra_files is not None else None
        write_run(Path(out), result.summary, resolved, result.records, extra=extra)
    return result


__all__ = ["run", "run_loaded", "simulate", "RunResult", "run_replications", "sweep", "compare", "levers",
           "market", "ReplicationResult", "SweepResult", "LeverResult", "MarketResult"]
