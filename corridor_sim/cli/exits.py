"""How a command ends: one line on stderr and an exit code, never a traceback.

- 0: done;
- 1: the work ran but did not all succeed (a run failed, a threshold of `compare` failed) or its
  results could not be written;
- 2: bad input (a scenario, a flag, a directory), found before anything is written;
- 128 + the signal: stopped by Ctrl-C (130) or SIGTERM (143), with what finished kept.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path
from typing import Callable, NoReturn

import click

from ..messages import one_line
from ..stopping import check_stop, installed

EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """Bad input: `error: <message>` on stderr, exit code 2, one line whatever the message holds (or, if a
    stop arrived meanwhile and this is what it left of the command, "interrupted" and its code)."""
    _unless_stopped()
    click.echo(f"error: {one_line(message)}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def cannot_write(what, exc: OSError) -> NoReturn:
    """A write that failed (disk full, no permission): one line, exit 1."""
    _unless_stopped()
    click.echo(f"error: {one_line(f'cannot write {what}: {exc.strerror or exc}')}", err=True)
    sys.exit(EXIT_FAILED)


def exit_if_failed(failed: int, total: int, what: str, runs_dir: Path) -> None:
    """Runs that failed were recorded and the others written: say where, exit 1."""
    if failed:
        click.echo(f"error: {failed} of {total} {what} failed (see {runs_dir}/*/error.txt)", err=True)
        sys.exit(EXIT_FAILED)


def interrupted(finished: int, total: int, out: Path | None) -> NoReturn:
    """Stopped in the middle of an experiment: what was kept, and the signal's exit code."""
    click.echo(f"interrupted: {finished} of {total} runs finished"
               + (f" and kept in {out} (continue with --resume)" if out is not None and finished else ""),
               err=True)
    sys.exit(interrupt_code())


# ---------------------------------------------------------------------------
# Signals (the handler itself: corridor_sim/stopping.py, installed by corridor_sim.cli.main)
# ---------------------------------------------------------------------------


def interrupt_code() -> int:
    """128 + the signal: 130 for Ctrl-C (SIGINT), 143 for SIGTERM."""
    handler = installed()
    return handler.exit_code if handler is not None else 128 + signal.SIGINT


def checking_stop(progress: Callable[[float, float], None]) -> Callable[[float, float], None]:
    """`progress` that first stops the command if a stop was asked and something swallowed its
    KeyboardInterrupt (see corridor_sim/stopping.py): a run notices it within 1/50 of its time."""

    def call(done: float, total: float) -> None:
        check_stop()
        progress(done, total)

    return call


def _unless_stopped() -> None:
    """A stop arrived and the command ends by another way (an error a library made of the interrupt):
    it ends as interrupted."""
    handler = installed()
    if handler is not None and handler.stopping:
        click.echo("interrupted", err=True)
        sys.exit(handler.exit_code)


class OneLineWarnings(logging.Handler):
    """The library's warnings (a worker process died, …) as one line each on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)
