"""What `run`, `sweep` and `levers` share: the experiment options, the checks made before anything runs,
the progress bar's place, and how an experiment's errors and interruptions end the command."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import sys

import click

from ..experiment import ExperimentError, ExperimentInterrupted
from ..ownership import OutputRefused
from ..ownership import check_out as check_owned
from ..recording import chunk_rows_default
from ..scenario import ScenarioError
from .exits import cannot_write, fail, interrupted
from .flags import COMMAND_LINE


def experiment_options(func=None, *, replications: int = 1):
    """--replications, --workers, --executor, --scheduler, --resume, --run-timeout: shared by run, sweep and
    levers (`@experiment_options(replications=3)`: another default number of replications)."""

    def decorate(func):
        options = [
            click.option("--replications", type=click.IntRange(min=1), default=replications, show_default=True,
                         help="Independent replications (replication i uses the same random streams in every "
                              "scenario)."),
            click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
                         help="Runs at once: 1 runs in this process; N > 1 a local process pool "
                              "(with --executor dask, the local Dask workers)."),
            click.option("--executor", type=click.Choice(["process", "dask"]), default="process", show_default=True,
                         help="Local process pool, or a local Dask cluster (needs corridor-sim[dask])."),
            click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
                         help="Run on an existing Dask cluster (its workers need corridor-sim installed)."),
            click.option("--resume", is_flag=True,
                         help="Keep the finished runs in --out and run only the others."),
            click.option("--run-timeout", "run_timeout", type=float, default=None, metavar="SECONDS",
                         help="Stop a run that takes longer, record it as failed and go on (in process and "
                              "with the local process pool)."),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate(func) if func is not None else decorate


def progress_shown(quiet: bool) -> bool:
    """A progress bar is drawn on a terminal, unless --quiet."""
    return not quiet and sys.stderr.isatty()


def check_chunk_rows() -> None:
    """A bad CORRIDOR_SIM_CHUNK_ROWS is bad input to a command that records runs, found before anything runs."""
    try:
        chunk_rows_default()
    except ValueError as exc:
        fail(str(exc))


def check_out(out: Path, scenario: Path) -> None:
    """An --out that can never be a directory, or that is not corridor-sim's to replace (a folder of
    other files, the current directory, the scenario's folder: corridor_sim/ownership.py), before the
    scenario is even read."""
    if out.exists() and not out.is_dir():
        fail(f"--out {out}: exists and is not a directory")
    above = next((p for p in out.parents if p.exists()), None)
    if above is not None and not above.is_dir():
        fail(f"--out {out}: {above} is not a directory")
    try:
        check_owned(out, scenario=scenario)
    except OutputRefused as exc:
        fail(exc.describe(COMMAND_LINE))


@contextmanager
def experiment_errors(out: Path):
    """Bad input: one line, exit 2; Ctrl-C: what finished is kept; a write that fails: exit 1."""
    try:
        yield
    except (ScenarioError, ExperimentError, OutputRefused) as exc:
        fail(exc.describe(COMMAND_LINE))
    except ExperimentInterrupted as exc:
        interrupted(exc.finished, exc.total, exc.out)
    except OSError as exc:
        cannot_write(out, exc)
