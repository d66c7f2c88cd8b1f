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
from typing import NoReturn

import click

from ..messages import one_line
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """Bad input: `error: <message>` on stderr, exit code 2; one line, whatever the message holds."""
    click.echo(f"error: {one_line(message)}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def cannot_write(what, exc: OSError) -> NoReturn:
    """A write that failed (disk full, no permission): one line, exit 1."""
    click.echo(f"error: {one_line(f'cannot write {what}: {exc.strerror or exc}')}", err=True)
    sys.exit(EXIT_FAILED)


def exit_if_failed(failed: int, total: int, what: str, runs_dir: Path) -> None:
    """Runs that failed were recorded and the others written: say where, exit 1."""
    if failed:
        click.echo(f"error: {failed} of {total} {what} failed (see {runs_dir}/*/error.txt)", err=True)
        sys.exit(EXIT_FAILED)


def interrupted(finished: int, total: int, out: Path | None) -> NoReturn:
    """Stopped in the middle of an experiment: what was kept, and the signal's exit code."""
    click.echo(f"\ninterrupted: {finished} of {total} runs finished"
               + (f" and kept in {out} (continue with --resume)" if out is not None and finished else ""),
               err=True)
    sys.exit(interrupt_code())


# ---------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------

_signalled: list[int] = []   # the signal that stopped the command (SIGINT or SIGTERM)


def _stop(signum, frame) -> None:
    """SIGTERM (and SIGINT) stop the command as Ctrl-C does: a KeyboardInterrupt, so that a run
    or an experiment removes its temporary directories and keeps its finished runs. A second
    signal while that cleanup runs is ignored: it must not leave the cleanup half done."""
    if _signalled:
        return
    _signalled.append(signum)
    raise KeyboardInterrupt


def interrupt_code() -> int:
    """128 + the signal: 130 for Ctrl-C (SIGINT), 143 for SIGTERM."""
    return 128 + (_signalled[0] if _signalled else signal.SIGINT)


def install_signal_handlers() -> None:
    """SIGINT and SIGTERM stop the command through `_stop` (from now on: no signal caught yet)."""
    _signalled.clear()
    try:
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    except ValueError:  # not the main thread: leave the signals alone
        pass


class OneLineWarnings(logging.Handler):
    """The library's warnings (a worker process died, …) as one line each on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)
