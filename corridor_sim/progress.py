"""Progress on the terminal: rich bars that the core's `progress(done, total)` callbacks move.

The core never draws. An experiment calls `progress(runs_done, runs_total)` when it starts and
after each run; a single run calls `progress(simulated_hours, total_hours)` as it advances. A bar
here is such a callback, for the command line and for `progress=True` in the Python API:

    with RunsBar("baseline_2024") as progress:
        run_replications(scenario, replications=10, progress=progress)

A bar appears on its first call and goes when its `with` block ends, however it ends. An
experiment makes that first call only once its worker processes are copied: a copy of a process
that runs the bar's thread is unsafe (experiment/executors.py).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable


class ProgressBar:
    """A transient bar on stderr, moved by calling it with (done, total). An invisible one draws
    nothing and imports nothing (rich takes 0.06 s to import: a quiet run does without it)."""

    def __init__(self, description: str, visible: bool = True):
        self.description = description
        self._bar = None
        if visible:
            from rich.console import Console
            from rich.progress import Progress, TextColumn

            self._bar = Progress(TextColumn("[bold]{task.description}"), *self.columns(),
                                 console=Console(stderr=True), transient=True)
        self._task = None

    def columns(self) -> list:
        return []

    def fields(self, done: float, total: float) -> dict:
        """Text the columns show beside the bar."""
        return {}

    def __call__(self, done: float, total: float) -> None:
        if self._bar is None:
            return
        if self._task is None:
            self._task = self._bar.add_task(self.description, total=total, completed=done, **self.fields(done, total))
            self._bar.start()
        else:
            self._bar.update(self._task, completed=done, total=total, **self.fields(done, total))

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        if self._task is not None:
            self._bar.stop()


class RunsBar(ProgressBar):
    """The runs of an experiment: how many of them are done, the time taken and the time to go."""

    def columns(self) -> list:
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        return [BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn()]


class SimulationBar(ProgressBar):
    """One run's simulated time: the day it has reached."""

    def columns(self) -> list:
        from rich.progress import BarColumn, TextColumn, TimeElapsedColumn

        return [BarColumn(), TextColumn("{task.fields[day]}"), TimeElapsedColumn()]

    def fields(self, done: float, total: float) -> dict:
        return {"day": f"day {done / 24:,.0f}/{total / 24:,.0f}"}


def drawing_progress(experiment: Callable) -> Callable:
    """`experiment` (run_replications, sweep) with `progress=True` too: a `RunsBar` on stderr counts
    its runs. A callback is passed on as it is; False means none."""

    @functools.wraps(experiment)
    def with_bar(scenario, *args, progress=False, **options):
        if progress is True:
            with RunsBar(Path(scenario).stem) as bar:
                return experiment(scenario, *args, progress=bar, **options)
        return experiment(scenario, *args, progress=progress or None, **options)

    return with_bar
