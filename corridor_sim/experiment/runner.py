"""Running a list of tasks into an experiment directory: resume, progress, Ctrl-C.

Progress is reported to a callback, `progress(runs_done, runs_total)`, when the runs start and
after each; drawing it is the faces' work (corridor_sim/progress.py).

A new experiment is written into a temporary sibling of `out` and renamed into
place when complete, as a single run is. Each run directory inside it is written
as soon as its run finishes. On Ctrl-C (or any other stop) the finished runs are
put in place at `out` without the experiment's summary, which marks it
unfinished; `resume=True` then works in `out` itself and runs only what is not
finished there.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..output import replace_dir, temporary_dir
from . import stats as _stats
from . import tasks as _tasks
from .errors import ExperimentError, ExperimentInterrupted
from .executors import make_executor
from .tasks import RunOutcome, RunTask, failed_outcome, finished_outcome, write_outcome

# What each kind of experiment directory holds at its top, to refuse resuming the wrong kind.
_MARKERS = {"single run": "visits.parquet", "replications": "replications", "sweep": "runs", "levers": "base"}


def check_progress(progress) -> None:
    """The progress callback, before anything runs."""
    if progress is not None and not callable(progress):
        raise ExperimentError("progress", "must be a function progress(done, total), or None", value=progress)


def check_out(out: Path, kind: str, resume: bool) -> None:
    """Refuse an unusable output directory before anything runs."""
    if out.exists() and not out.is_dir():
        raise ExperimentError("out", "exists and is not a directory", value=out)
    above = next((p for p in out.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        raise ExperimentError("out", f"{above} is not a directory", value=out)
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
                    with _signals_held():
                        if work is not None:
                            write_outcome(work / self.run_dir(self.tasks[i]), self.tasks[i], outcome)
                        outcome.frames = None  # written; the records need not stay in memory
                        outcomes[i] = outcome
                    finished += 1
                    report(finished, total)
            if executor is not None:
                executor.close()
                executor = None
            finish(work, outcomes, time.perf_counter() - started)
            if work is not None and not in_place:
                replace_dir(work, self.out)
        except BaseException as exc:
            # Exactly the runs whose directories were written (see `_signals_held`): the count
            # reported and the run directories kept agree.
            done = {i for i, o in enumerate(outcomes) if o is not None}
            try:
                if executor is not None:
                    executor.close()
            finally:
                if work is not None:
                    if not in_place:
                        if any(i in done for i in todo):
                            replace_dir(work, self.out)
                        else:
                            shutil.rmtree(work, ignore_errors=True)
            if isinstance(exc, KeyboardInterrupt) and not isinstance(exc, ExperimentInterrupted):
                raise ExperimentInterrupted(len(done), total, self.out) from None
            raise
        return outcomes


@contextlib.contextmanager
def _signals_held():
    """Hold SIGINT and SIGTERM (whose Python handlers raise, e.g. KeyboardInterrupt) until the block
    is done, then deliver them: the block runs whole or, if something in it raises, not at all.

    Python runs signal handlers in the main thread only, between two bytecodes of whatever it is
    doing: swapping the handlers there is enough (blocking the signal in this thread would not be,
    as the pool's threads would take it). Off the main thread there is nothing to hold."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    try:
        with _held(signal.SIGTERM, caught), _held(signal.SIGINT, caught):
            yield
    finally:
        for sig in dict.fromkeys(caught):
            signal.raise_signal(sig)   # to the handler it was meant for, now that the block is done


@contextlib.contextmanager
def _held(sig: int, caught: list[int]):
    handler = signal.getsignal(sig)
    if not callable(handler):     # SIG_DFL, SIG_IGN or a handler set from C: not ours to defer
        yield
        return
    signal.signal(sig, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(sig, handler)


def _no_progress(done: int, total: int) -> None:
    pass
