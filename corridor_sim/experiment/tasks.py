"""One run of an experiment: what a worker is sent, what it sends back, and its run directory.

A task carries the resolved scenario mapping itself, not a file name, so a worker
on another machine (a Dask cluster) needs only corridor-sim installed. The worker
sends the summary and the records back; the process that started the experiment
writes the run directory, so every result lands on its disk, atomically.
"""

from __future__ import annotations

import copy
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from ..output import record_frames, write_failed_run, write_run_frames
from ..recording import discard_logs
from ..rundir import finished_run
from ..scenario.loader import validate
from ..simulate import failure, provenance, simulate


@dataclass(frozen=True)
class RunTask:
    run_id: str                     # e.g. "rep-0003" or "g002-r0003": also the run directory's name
    replication: int                # the index of the random streams
    resolved: dict                  # the scenario after extends, --set and the swept values
    source: str                     # the scenario file, as the user named it
    parameters: dict = field(default_factory=dict)   # the swept values of this run ({} for replications)
    keep_records: bool = True       # send back the records, to write visits.parquet & co.


@dataclass
class RunOutcome:
    run_id: str
    replication: int
    parameters: dict
    summary: dict                   # a run's summary.json (with `error` set when it failed)
    frames: dict | None = None      # file name -> DataFrame of the records
    traceback: str | None = None
    resumed: bool = False           # found finished in the output directory, not run again

    @property
    def error(self) -> str | None:
        return self.summary.get("error")

    @property
    def ok(self) -> bool:
        return self.summary.get("error") is None


def execute(task: RunTask) -> RunOutcome:
    """Run one task; an exception becomes a recorded error, never a crash of the experiment."""
    started = time.perf_counter()
    try:
        sc = validate(copy.deepcopy(task.resolved), task.source)
        result = simulate(sc, task.resolved, replication=task.replication, source=task.source)
        summary = dict(result.summary)
        summary.pop("runtime_seconds", None)
        summary.update(_identity(task))
        summary["error"] = None
        summary["runtime_seconds"] = round(time.perf_counter() - started, 3)
        try:
            frames = record_frames(result.records) if task.keep_records else None
        finally:
            discard_logs(result.records.logs().values())   # sent back as frames: no spill file stays behind
        return RunOutcome(task.run_id, task.replication, task.parameters, summary, frames)
    except Exception as exc:  # noqa: BLE001 - a failing run is recorded and the others go on
        return failed_outcome(task, exc, traceback.format_exc(), time.perf_counter() - started)


def failed_outcome(task: RunTask, exc: BaseException, tb: str, seconds: float = 0.0) -> RunOutcome:
    head = provenance(task.resolved.get("name"), task.source, task.resolved.get("seed"), task.replication)
    summary = failure({**head, **_identity(task)}, exc, seconds)
    return RunOutcome(task.run_id, task.replication, task.parameters, summary, None, tb)


def _identity(task: RunTask) -> dict:
    out = {"run_id": task.run_id}
    if task.parameters:
        out["parameters"] = dict(task.parameters)
    return out


# ---------------------------------------------------------------------------
# Run directories
# ---------------------------------------------------------------------------


def write_outcome(run_dir: Path, task: RunTask, outcome: RunOutcome) -> None:
    if outcome.ok and outcome.frames is not None:
        write_run_frames(run_dir, outcome.summary, task.resolved, outcome.frames)
    elif not outcome.ok:
        write_failed_run(run_dir, outcome.summary, task.resolved, outcome.traceback or outcome.error or "")


def finished_outcome(run_dir: Path, task: RunTask) -> RunOutcome | None:
    """The outcome of `task` if `run_dir` holds it finished: a complete run directory of the same
    resolved scenario and replication that did not fail. Anything else is run (again)."""
    summary = finished_run(run_dir, task.resolved)
    if summary is None or summary.get("replication") != task.replication or summary.get("run_id") != task.run_id:
        return None
    return RunOutcome(task.run_id, task.replication, task.parameters, summary, None, resumed=True)
