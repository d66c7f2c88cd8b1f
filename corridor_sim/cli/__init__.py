"""The `corridor-sim` command: a thin layer over the Python API and the experiments.

`main` is the entry point (the console script, `python -m corridor_sim.cli`). Its first act,
before anything slow is imported, is to take over Ctrl-C and SIGTERM (`corridor_sim.stopping`):
from the first instant, a stop ends the command with the one line "interrupted", exit code 130
(SIGINT) or 143 (SIGTERM), and nothing written. The commands themselves, and click, are in
`commands.py` (`cli`, `COMMANDS`; also reachable from here).

Exit codes (`exits.py`): 0 done; 1 the work ran but not all of it succeeded, or its results
could not be written; 2 bad input, found before anything is written; 128 + the signal when stopped.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Run a `corridor-sim` command line and end as the exit codes say (SystemExit unless 0).

    With no `argv`, it is this process's own command line and the process is on its way out
    afterwards: the signals are then ignored until it has exited (Python's exit would put back
    their default actions, and a late Ctrl-C would kill it with no word). With an `argv` (a test,
    a script), the signal handlers it found are put back."""
    from ..stopping import ignore_signals, install_stop_handler, restore_signals

    stop, previous = install_stop_handler()
    try:
        code = _command(argv, stop)
    finally:
        if argv is None:
            ignore_signals()
        else:
            restore_signals(previous)
    if code:
        sys.exit(code)


def _command(argv, stop) -> int | str | None:
    """The command's exit code; "interrupted" on stderr if a stop arrived before its result was in
    place, however the command then ended (a KeyboardInterrupt, or an exception that an interrupted
    library raised instead, or, if something swallowed the interrupt, a normal return). The handler
    raises only inside the `try` (armed there): outside it, a signal is recorded, never a traceback."""
    try:
        try:
            stop.arm()
            from .commands import run_command   # click, and through the command, everything else

            code = run_command(argv)
        finally:
            stop.armed = False
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        code = None
        if not stop.stopping:    # raised by the program itself, not by a signal: Ctrl-C all the same
            sys.stderr.write("interrupted\n")
            return stop.exit_code
    except BaseException:
        if not stop.stopping:
            raise
        code = None
    if stop.stopping and code != stop.exit_code:   # (an experiment has said what it kept, with the code)
        sys.stderr.write("interrupted\n")
        return stop.exit_code
    return code


def __getattr__(name: str):
    """`cli` (the click group) and `COMMANDS`, from commands.py, on first use."""
    if name in ("cli", "COMMANDS"):
        from . import commands

        return getattr(commands, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["COMMANDS", "cli", "main"]
