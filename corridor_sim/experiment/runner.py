"""Running a list of tasks into an experiment directory: resume, progress, Ctrl-C.

Progress is reported to a callback, `progress(runs_done, runs_total)`, when the runs start and
after each; drawing it is the faces' work (corridor_sim/progress.py).

A new experiment is written into a temporary sibling of `out` and renamed into
place when complete, as a single run is (replacing only a corridor-sim output:
`ownership.py`). Each run directory inside it is written as soon as its run
finishes. On Ctrl-C (or any other stop) the finished runs are put in place at
`out` without the experiment's summary, which marks it unfinished; `resume=True`
then works in `out` itself and runs only what is not finished there. A stop asked
from outside is also checked between runs and before the experiment is put in
place (`stopping.py`: one that an import swallowed still stops it).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..layout import LEVERS_BASE_DIR, REPLICATIONS_DIR, SWEEP_RUNS_DIR, VISITS
from ..output import keep_dir, replace_dir, temporary_dir
from ..ownership import OutputRefused
from ..ownership import check_out as check_owned
from ..stopping import check_stop, committing, signals_held
from . import stats as _stats
from . import tasks as _tasks
from .errors import ExperimentError, ExperimentInterrupted
from .executors import make_executor
from .tasks import RunOutcome, RunTask, failed_outcome, finished_outcome, write_outcome

# What each kind of experiment directory holds at its top, to refuse resuming the wrong kind.
_MARKERS = {"single run": VISITS, "replications": REPLICATIONS_DIR, "sweep": SWEEP_RUNS_DIR, "levers": LEVERS_BASE_DIR}


def check_progress(progress) -> None:
    """The progress callback, before anything runs."""
    if progress is not None and not callable(progress):
        raise ExperimentError("progress", "must be a function progress(done, total), or None", value=progress)


def check_out(out: Path, kind: str, resume: bool, scenario=None) -> None:
    """Refuse an unusable output directory before anything runs: one that cannot be a directory, one
    that is not corridor-sim's to replace (`ownership.check_out`; `scenario`, the file being run), or,
    to resume, one that holds another kind of experiment."""
    if out.exists() and not out.is_dir():
        raise ExperimentError("out", "exists and is not a directory", value=out)
    above = next((p for p in out.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        raise ExperimentError("out", f"{above} is not a directory", value=out)
    try:
        check_owned(out, scenario=scenario)
    except OutputRefused as exc:
        raise ExperimentError("out", exc.problem, value=out) from None
    if resume and out.is_dir():
        for other, marker in _MARKERS.items():
            if other != kind and (out / marker).exists() and not (out / _MARKERS[kind]).exists():
                raise ExperimentError("resume", f"{out} holds a {other}, not {kind}", value=True)


@dataclass
class Experiment:
    tasks: Sequence[RunTask]
    run_dir: Callable[[RunTask], str]     # the run directory of a task, relative to `out`
    out: Path | None
    resume: bool = False
    workers: int = 1
    executor: str = "process"
    scheduler: str | None = None
    run_timeout: float | None = None      # seconds a run may take before it is stopped and recorded as failed
    progress: Callable[[int, int], None] | None = None   # called with (runs done, runs in all)
    top_files: tuple[str, ...] = ()       # the experiment's own files (written last by `finish`)
    final: bool = True                    # its result completes the command: a stop after it is too late
                                          # (False: another experiment runs into the same directory next)

    def run(self, finish: Callable[[Path | None, list[RunOutcome], float], None]) -> list[RunOutcome]:
        """Run what is not finished; then `finish(directory, outcomes in task order, seconds)`."""
        started = time.perf_counter()
        total = len(self.tasks)
        in_place = self.out is not None and self.resume and self.out.is_dir()
        outcomes: list[RunOutcome | None] = [None] * total
        if in_place:
            for i, task in enumerate(self.tasks):
                outcomes[i] = finished_outcome(self.out / self.run_dir(task), task)
        todo = [i for i in range(total) if outcomes[i] is None]
        executor = make_executor(self.workers, self.executor, self.scheduler, self.run_timeout) if todo else None
        report = self.progress or _no_progress
        work = None
        placed = False
        try:
            if executor is not None:
                executor.start()   # before a progress bar's thread; a fork server imports corridor-sim meanwhile
            if self.out is not None:
                if in_place:
                    work = self.out
                    if todo:  # the summary no longer describes what the directory will hold
                        for name in self.top_files:
                            (work / name).unlink(missing_ok=True)
                else:
                    work = temporary_dir(self.out)
            finished = total - len(todo)
            report(finished, total)
            if todo:
                # While the runs are out, this process is idle: it imports what `finish` needs
                # then (the t quantile: 0.2-0.3 s) rather than after the last run.
                for j, outcome in executor.map(_tasks.execute, [self.tasks[i] for i in todo], idle=_stats.preload):
                    i = todo[j]
                    if isinstance(outcome, BaseException):  # the run took its worker down with it
                        outcome = failed_outcome(self.tasks[i], outcome, f"{type(outcome).__name__}: {outcome}\n")
                    # Writing a run directory and counting it as finished are one step: a Ctrl-C in
                    # between (even between the temporary directory's creation and the cleanup that
                    # would remove it) would leave a directory that is not counted, or the reverse.
                    with signals_held():
                        if work is not None:
                            write_outcome(work / self.run_dir(self.tasks[i]), self.tasks[i], outcome)
                        outcome.frames = None  # written; the records need not stay in memory
                        outcomes[i] = outcome
                    finished += 1
                    check_stop()
                    report(finished, total)
            if executor is not None:
                executor.close()
                executor = None
            seconds = time.perf_counter() - started
            if work is None:
                finish(None, outcomes, seconds)
            elif in_place:
                with committing(final=self.final):   # its summary, written last, completes the experiment
                    finish(work, outcomes, seconds)
            else:
                finish(work, outcomes, seconds)
                replace_dir(work, self.out, final=self.final)
                placed = True
        except BaseException as exc:
            # Exactly the runs whose directories were written (see `signals_held`): the count
            # reported and the run directories kept agree.
            done = {i for i, o in enumerate(outcomes) if o is not None}
            try:
                if executor is not None:
                    executor.close()
            finally:
                if work is not None and not in_place and not placed:
                    self._keep_finished(work, any(i in done for i in todo))
            if isinstance(exc, KeyboardInterrupt) and not isinstance(exc, ExperimentInterrupted):
                raise ExperimentInterrupted(len(done), total, self.out) from None
            raise
        return outcomes

    def _keep_finished(self, work: Path, any_finished: bool) -> None:
        """An experiment that stopped: its finished runs in place at `out`, without its own files (their
        absence marks it unfinished); nothing at all if no run finished. (No `work` any more: it was
        put in place whole just before the stop, which Python delivered after the rename.)"""
        if not work.exists():
            return
        if not any_finished:
            shutil.rmtree(work, ignore_errors=True)
            return
        for name in self.top_files:
            (work / name).unlink(missing_ok=True)
        try:
            keep_dir(work, self.out)
        except OutputRefused as exc:
            raise OutputRefused(self.out, f"{exc.problem}; the finished runs are in {work}") from None


def _no_progress(done: int, total: int) -> None:
    pass
