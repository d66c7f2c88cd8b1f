"""The Python API that the CLI and notebooks share: a thin facade over the single run
(`simulate.py`) and the experiments (`experiment/`).

    from corridor_sim.api import run, run_replications, sweep, compare
    result = run("scenarios/baseline_2024.yaml", overrides=["nodes.dostyk.station.servers=4"])
    result.summary["kpis"]["delivered_tonnes_per_year"]
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from . import experiment
from .experiment import ReplicationResult, SweepResult, compare
from .experiment.executors import check_options, time_limit
from .experiment.replications import seeded
from .output import write_run
from .progress import drawing_progress
from .scenario import Scenario, load_scenario
from .simulate import RunResult, simulate

# The core reports an experiment's progress to a callback; here `progress=True` also draws it.
run_replications = drawing_progress(experiment.run_replications)
sweep = drawing_progress(experiment.sweep)


def run(
    scenario: str | Path,
    *,
    seed: int | None = None,
    overrides: list[str] | tuple[str, ...] = (),
    out: str | Path | None = None,
    replication: int = 0,
    progress: Callable[[float, float], None] | None = None,
    run_timeout: float | None = None,
    extra_files: Callable[[RunResult, Path], None] | None = None,
    replications: int | None = None,
    workers: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    resume: bool = False,
) -> RunResult | ReplicationResult:
    """Run one scenario file; write the run directory if `out` is given.

    `overrides` are `path.to.field=value` strings, as `--set` on the CLI.
    `progress`, if given, is called with (simulated_hours_done, total_hours).
    `run_timeout` stops a run that takes longer (seconds; `RunTimedOut`, nothing written).
    `extra_files(result, directory)` writes more files (figures) into the run directory
    before it is put in place, so that they arrive with the run or not at all.

    With `replications=N`, runs replications 0 … N−1 instead and returns a
    `ReplicationResult` (see `run_replications`, which takes `workers`, `executor`,
    `scheduler`, `resume` and `run_timeout`).
    """
    if replications is not None:
        return run_replications(scenario, replications=replications, seed=seed, overrides=overrides, out=out,
                                progress=progress, workers=workers, executor=executor, scheduler=scheduler,
                                resume=resume, run_timeout=run_timeout)
    check_options(workers, executor, scheduler, run_timeout)
    sets = seeded(overrides, seed)
    sc, resolved = load_scenario(scenario, sets)
    return run_loaded(sc, resolved, source=str(scenario), out=out, replication=replication, progress=progress,
                      run_timeout=run_timeout, extra_files=extra_files)


def run_loaded(sc: Scenario, resolved: dict, *, source: str | None = None, out: str | Path | None = None,
               replication: int = 0, progress: Callable[[float, float], None] | None = None,
               run_timeout: float | None = None, extra_files: Callable[[RunResult, Path], None] | None = None
               ) -> RunResult:
    """`run` for a scenario already loaded (`load_scenario`): one run under its time limit, and its run
    directory written if `out` is given."""
    with time_limit(run_timeout):
        result = simulate(sc, resolved, replication=replication, progress=progress, source=source)
    if out is not None:
        extra = (lambda directory: extra_files(result, directory)) if extra_files is not None else None
        write_run(Path(out), result.summary, resolved, result.records, extra=extra)
    return result


__all__ = ["run", "run_loaded", "simulate", "RunResult", "run_replications", "sweep", "compare", "ReplicationResult",
           "SweepResult"]
