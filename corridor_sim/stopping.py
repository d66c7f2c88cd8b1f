"""Stopping from outside: Ctrl-C (SIGINT) and SIGTERM, from a command's first instant to its last.

The rule a command keeps: a stop that arrives before its result is in place ends it with
"interrupted" and 128 + the signal, and puts nothing in place after it arrived (an experiment
keeps the runs that had finished). A stop that arrives once the result is in place is too late
to undo it: the command finishes as if it had not come.

`StopHandler` is the handler of both signals in a command (the faces install it first thing,
before any heavy import). The first signal is recorded in it and raised as a KeyboardInterrupt
where the main thread is, so that the work stops and its cleanup (temporary directories, spill
files) runs as the exception unwinds. Later signals are ignored: a second KeyboardInterrupt
would cut that cleanup short.

A KeyboardInterrupt raised at an arbitrary instruction is not always delivered. Python drops
one raised in a weakref callback or a finaliser ("Exception ignored in …": importlib's module
locks use such a callback, so a signal in the middle of an import can vanish), and compiled code
may turn it into an exception of its own (pydantic-core builds its validators at import time and
reports a SchemaError). So the stop is also a recorded fact that the code checks where it
matters: `check_stop()` (at the progress callbacks of a command) and `committing()` (around each
rename that puts a result in place) raise KeyboardInterrupt again if a stop was asked, and the
command's entry point turns any ending into "interrupted" once one was.

Outside a command (a notebook, a test), no `StopHandler` is installed: Python's own Ctrl-C
applies, and only `signals_held` changes anything (it defers whatever handler is there).
"""

from __future__ import annotations

import contextlib
import signal
import sys

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopHandler:
    """The handler of SIGINT and SIGTERM in a command: the first signal stops it (KeyboardInterrupt).

    Armed, it raises; unarmed (before the command's own error handling is in place, and after its
    outcome is decided), it only records the signal, for the command to act on when it arms it."""

    def __init__(self) -> None:
        self.signum: int | None = None   # the signal that asked for the stop
        self.finished = False            # the command's result is in place: a stop now is too late
        self.armed = False

    def __call__(self, signum, frame) -> None:
        if self.signum is not None or self.finished:
            return
        self.signum = signum
        if self.armed:
            raise KeyboardInterrupt

    def arm(self) -> None:
        """Raise from now on (at once, if a signal came before)."""
        self.armed = True
        if self.stopping:
            raise KeyboardInterrupt

    @property
    def stopping(self) -> bool:
        """A stop was asked before the result was in place."""
        return self.signum is not None and not self.finished

    @property
    def exit_code(self) -> int:
        """128 + the signal: 130 for Ctrl-C (SIGINT), 143 for SIGTERM."""
        return 128 + (self.signum if self.signum is not None else signal.SIGINT)


class Replaced:
    """What `install_stop_handler` replaced, to put back (`restore_signals`). (A plain class: this
    module is imported in a hurry, before the handler is in place; dataclasses imports inspect.)"""

    def __init__(self, handlers: dict, unraisablehook) -> None:
        self.handlers = handlers
        self.unraisablehook = unraisablehook


def install_stop_handler() -> tuple[StopHandler, Replaced]:
    """A new StopHandler for both signals (main thread only, not armed yet); returns it and what it replaced.

    A KeyboardInterrupt that Python drops (raised in a finaliser or a weakref callback) would be
    printed as "Exception ignored in …" with its traceback: it is dropped quietly instead, as the
    handler has recorded the stop and the command ends with its one line all the same."""
    handler = StopHandler()
    replaced = Replaced({sig: signal.signal(sig, handler) for sig in SIGNALS}, sys.unraisablehook)
    sys.unraisablehook = _quiet_when_stopping
    return handler, replaced


def _quiet_when_stopping(unraisable) -> None:
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def installed() -> StopHandler | None:
    """The command's StopHandler, if one handles the signals now (not inside `signals_held`)."""
    handler = signal.getsignal(signal.SIGTERM)
    return handler if isinstance(handler, StopHandler) else None


def check_stop() -> None:
    """Stop now (KeyboardInterrupt) if a stop was asked and has not yet stopped the work."""
    handler = installed()
    if handler is not None and handler.stopping:
        raise KeyboardInterrupt


@contextlib.contextmanager
def committing(final: bool = False):
    """The step that puts a result in place (a rename). A stop asked before it prevents it
    (KeyboardInterrupt, nothing done); signals during it wait until it is done. With `final`, it
    is the command's last result: a stop that arrives during it or later is too late and is ignored."""
    handler = installed()
    with signals_held():
        if handler is not None and handler.stopping:
            raise KeyboardInterrupt
        yield
        if final and handler is not None:
            handler.finished = True


@contextlib.contextmanager
def signals_held():
    """Hold SIGINT and SIGTERM (whose Python handlers raise, e.g. KeyboardInterrupt) until the block
    is done, then deliver them: the block runs whole or, if something in it raises, not at all.

    Python runs signal handlers in the main thread only, between two bytecodes of whatever it is
    doing: swapping the handlers there is enough (blocking the signal in this thread would not be,
    as a pool's threads would take it). Off the main thread (where no handler can be set) there is
    nothing to hold."""
    import threading   # here: the entry point imports this module before anything else, in a hurry

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


def ignore_signals() -> None:
    """From now on SIGINT and SIGTERM do nothing (a command whose outcome is decided, on its way out:
    Python's own exit would otherwise put back their default actions)."""
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


def restore_signals(replaced: Replaced) -> None:
    for sig, handler in replaced.handlers.items():
        signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
    sys.unraisablehook = replaced.unraisablehook
