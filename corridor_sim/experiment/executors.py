"""Where the runs of an experiment execute.

- in process (`workers=1`, the default): one run after another;
- a local process pool (`workers=N`);
- Dask: a local cluster it starts (`executor="dask"`) or an existing one
  (`scheduler="tcp://host:port"`).

Every executor has the same three calls: `start()` (get ready, before the caller
starts threads of its own), `map(fn, tasks, idle=None)`, which yields `(index,
result)` as runs finish and calls `idle()` once while the first runs are out
elsewhere (work for the caller's otherwise idle process), and `close()`. The caller
puts results back in task order, so nothing depends on which run finished first.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
import uuid
from typing import Callable, Iterator, Sequence

from ..parameters import PYTHON, ParameterNames
from .errors import ExperimentError

EXECUTORS = ("process", "dask")
_SCHEDULER = re.compile(r"^(tcp|tls|ws|wss|inproc|ucx)://\S+$")


def check_options(workers: int, executor: str, scheduler: str | None, run_timeout: float | None = None) -> None:
    """Bad executor options, before anything runs or is written."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ExperimentError("workers", "must be a whole number >= 1", value=workers)
    if run_timeout is not None:
        if isinstance(run_timeout, bool) or not isinstance(run_timeout, (int, float)) \
                or not math.isfinite(run_timeout) or run_timeout <= 0:
            raise ExperimentError("run_timeout", "must be a number of seconds > 0", value=run_timeout)
        if scheduler is not None or executor == "dask":
            raise ExperimentError("run_timeout", "works in process and with the local process pool, not with Dask "
                                                 "(set the cluster's own limits there)")
    if executor not in EXECUTORS:
        raise ExperimentError("executor", f"must be one of {', '.join(EXECUTORS)}", value=executor)
    if scheduler is not None:
        if not _SCHEDULER.match(scheduler):
            raise ExperimentError("scheduler", "expected an address like tcp://HOST:PORT", value=scheduler)
    if scheduler is not None or executor == "dask":
        _import_distributed()


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise ExperimentError(None, "the Dask executor needs dask.distributed: "
                                    "pip install 'corridor-sim[dask]'") from None
    return distributed


class RunTimedOut(Exception):
    """A run took longer than the experiment's `run_timeout`: stopped, and recorded as failed."""

    def __init__(self, seconds: float):
        # The limit is the only argument: the exception pickles (to and from workers) as it is.
        super().__init__(seconds)
        self.seconds = seconds

    def describe(self, names: ParameterNames = PYTHON) -> str:
        return f"the run took longer than {self.seconds:g} s ({names.parameter('run_timeout')}) and was stopped"

    def __str__(self) -> str:
        return self.describe()


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise RunTimedOut where this thread is after `seconds` (a SIGALRM timer; nothing if None,
    or outside the main thread, which alone receives the signal)."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise RunTimedOut(seconds)

    before = signal.signal(signal.SIGALRM, stop)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, before)


class InProcess:
    name = "in process"

    def __init__(self, run_timeout: float | None = None):
        self.run_timeout = run_timeout

    def start(self) -> None:
        pass

    def map(self, fn: Callable, tasks: Sequence, idle: Callable[[], None] | None = None
            ) -> Iterator[tuple[int, object]]:
        # `idle` is not called: the runs take this process, nothing runs beside them.
        for i, task in enumerate(tasks):
            try:
                with time_limit(self.run_timeout):
                    result = fn(task)   # the run's own error handling records a RunTimedOut raised inside it
            except RunTimedOut as exc:  # ... unless the timer fired in its last instants
                result = exc
            yield i, result

    def close(self) -> None:
        pass


def _ignore_sigint() -> None:
    # Ctrl-C goes to the whole process group: the parent alone decides what to keep.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM (the parent stopping the pool, or a `kill` of the process group): remove the
    # run's spill files, which a plain termination would leave in the temporary directory.
    signal.signal(signal.SIGTERM, _stop_worker)
    # A worker process ends without running atexit handlers; multiprocessing's finalizers do run.
    from multiprocessing import util

    from ..recording import forget_inherited_spills, remove_spills

    forget_inherited_spills()   # a forked worker's copy of the parent's: the parent's files, not its own

    util.Finalize(None, remove_spills, exitpriority=10)


def _stop_worker(signum, frame) -> None:
    from ..recording import remove_spills

    remove_spills()
    os._exit(128 + signum)


log = logging.getLogger("corridor_sim.experiment")


class WorkerDied(RuntimeError):
    """A worker process ended without returning (killed, out of memory, a crash in C code)."""


@contextlib.contextmanager
def _main_not_rerun():
    """Start worker processes without re-running the caller's main script in them.

    A fresh Python process normally re-imports the parent's `__main__` file, to find
    functions defined there. The runs need none of it (their function lives in
    corridor_sim), and re-running a script that starts an experiment at its top level,
    or a script read from stdin, would fail in every worker.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


def _new_pool(width: int, ctx):
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(width, mp_context=ctx, initializer=_ignore_sigint)


def _context():
    """Worker processes that inherit no other thread's state.

    - Linux, and this process has no other thread: copies of this process (fork), which has
      corridor-sim imported already. Starting a pool then costs nothing, where a fork server
      spends 0.65 s importing corridor-sim first: with 2 workers, that was 10% of 20 baseline
      replications (benchmarks, workload 4).
    - Otherwise (a progress bar's thread, a Dask client, another platform): forked from a
      single-threaded server that imports corridor-sim once, or spawned where there is no fork
      server. A copy of a process with threads can inherit a lock that a thread held.
    """
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["corridor_sim.api"])
        return ctx
    return multiprocessing.get_context("spawn")


class ProcessPool:
    """A pool of fresh Python processes (see `_context`).

    At most one run per worker is handed out at a time. A run that kills its worker
    process (the out-of-memory killer, a crash in C code) breaks the pool and the runs
    in flight with it: those are then rerun one at a time, each in its own process, so
    that the one that kills its worker again is known and returned as a `WorkerDied`
    error for the caller to record; the others go on in a new pool.
    """

    def __init__(self, workers: int, run_timeout: float | None = None):
        self.workers = workers
        self.run_timeout = run_timeout
        self.name = f"{workers} local processes"
        self._pool = None
        self.deaths: list[dict] = []   # each broken pool: the runs in flight and how the workers ended

    def start(self) -> None:
        """Get the workers going before the caller starts threads of its own (a progress bar's).

        Copies of this process (fork) are made now, while it has no other thread; they then wait
        for runs. A fork server is started without waiting for it: it imports corridor-sim while
        the caller does something else. Without `start`, the first `map` does either."""
        ctx = _context()
        if ctx.get_start_method() == "fork":
            self._pool = _new_pool(self.workers, ctx)
            self._pool.submit(int).result()   # a fork pool makes all its workers on the first submit
        elif ctx.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            with _main_not_rerun():
                forkserver.ensure_running()

    def map(self, fn: Callable, tasks: Sequence, idle: Callable[[], None] | None = None
            ) -> Iterator[tuple[int, object]]:
        from concurrent.futures import TimeoutError as FutureTimeout
        from concurrent.futures.process import BrokenProcessPool

        ctx = _context()
        queue = list(range(len(tasks)))
        suspects: list[int] = []
        started: dict[int, float] = {}
        while queue or suspects:
            if suspects:  # after a broken pool: each run in flight then, alone
                i = suspects.pop(0)
                self._pool = _new_pool(1, ctx)
                try:
                    with _main_not_rerun():  # worker processes start on submit
                        fut = self._pool.submit(fn, tasks[i])
                    result = fut.result(timeout=self.run_timeout)
                except FutureTimeout:
                    result = RunTimedOut(self.run_timeout)
                except BrokenProcessPool:
                    how = self._how_workers_ended()
                    result = WorkerDied("the worker process running this run died again when run alone ("
                                        + (how or "killed, out of memory, or a crash outside Python") + ")")
                self.close()
                yield i, result
                continue
            width = min(self.workers, len(queue))
            if self._pool is None:   # else started by `start`, with all its workers
                self._pool = _new_pool(width, ctx)
            in_flight: dict = {}
            broken = False
            while queue or in_flight:
                while queue and len(in_flight) < width:
                    i = queue.pop(0)
                    try:
                        with _main_not_rerun():  # worker processes start on submit
                            in_flight[self._pool.submit(fn, tasks[i])] = i
                            started[i] = time.monotonic()   # a free worker takes it at once
                    except BrokenProcessPool:  # a worker died since the last wait
                        queue.insert(0, i)
                        broken = True
                        break
                if idle is not None:
                    idle()
                    idle = None
                if in_flight:
                    done, late = self._wait(in_flight, started)
                    for fut in sorted(done, key=in_flight.get):
                        i = in_flight.pop(fut)
                        try:
                            result = fut.result()
                        except BrokenProcessPool:
                            suspects.append(i)
                            broken = True
                            continue
                        yield i, result
                    if late and not broken:
                        # A worker cannot be stopped alone: stop the pool, record the late runs as
                        # failed, and run the others in flight again from the start in a new pool.
                        for fut in late:
                            yield in_flight.pop(fut), RunTimedOut(self.run_timeout)
                        queue[:0] = sorted(in_flight.values())
                        in_flight.clear()
                        break
                if broken:
                    suspects.extend(sorted(in_flight.values()))
                    self._report_death(tasks, suspects)
                    break
            self.close()

    def _wait(self, in_flight: dict, started: dict[int, float]) -> tuple[set, list]:
        """Wait until a run in flight finishes or, with a `run_timeout`, the oldest falls due; return
        the runs that finished and those past their time."""
        from concurrent.futures import FIRST_COMPLETED, wait

        if self.run_timeout is None:
            return wait(in_flight, return_when=FIRST_COMPLETED)[0], []
        due = {fut: started[i] + self.run_timeout for fut, i in in_flight.items()}
        done, _ = wait(in_flight, timeout=max(0.0, min(due.values()) - time.monotonic()), return_when=FIRST_COMPLETED)
        now = time.monotonic()
        return done, [fut for fut in in_flight if fut not in done and now >= due[fut]]

    def _how_workers_ended(self) -> str:
        """How the pool's dead workers ended, e.g. 'killed by SIGKILL' (empty if unknown)."""
        codes = [p.exitcode for p in (getattr(self._pool, "_processes", None) or {}).values()
                 if p.exitcode not in (None, 0)]
        # Once one worker dies the pool stops the others (SIGTERM; they may also exit on their own):
        # a worker killed by a signal is the cause, else any other way of ending.
        stopped = (-signal.SIGTERM, 128 + signal.SIGTERM)
        codes = [c for c in codes if c < 0 and c not in stopped] or [c for c in codes if c not in stopped] or codes
        out = []
        for code in codes:
            if code < 0:
                try:
                    out.append(f"killed by {signal.Signals(-code).name}")
                except ValueError:
                    out.append(f"killed by signal {-code}")
            elif code > 128 and code - 128 in signal.Signals._value2member_map_:
                out.append(f"stopped by {signal.Signals(code - 128).name}")
            else:
                out.append(f"exit code {code}")
        return ", ".join(dict.fromkeys(out))

    def _report_death(self, tasks: Sequence, suspects: list[int]) -> None:
        how = self._how_workers_ended()
        runs = [getattr(tasks[i], "run_id", str(i)) for i in suspects]
        self.deaths.append({"runs": runs, "how": how or "unknown"})
        if runs:
            log.warning("a worker process died%s while running %s: each is run again alone (a run that kills "
                        "its worker again is recorded as failed)", f" ({how})" if how else "", ", ".join(runs))
        else:
            log.warning("a worker process died%s between runs: the pool is started again",
                        f" ({how})" if how else "")

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            # Unfinished runs are dropped (finished ones are already written): stop the workers now
            # rather than wait for their current runs.
            procs = list((getattr(pool, "_processes", None) or {}).values())
            for proc in procs:
                if proc.is_alive():
                    proc.terminate()
            for proc in procs:
                proc.join(timeout=10)
            from ..recording import remove_spills_of

            remove_spills_of(p.pid for p in procs if p.pid is not None and not p.is_alive())
            # A worker stopped while it was sending its result leaves half a message in the result
            # pipe, and the pool's manager thread waiting for the rest of it for ever: this process
            # holds a writing end too, so the pipe never reads as closed. Close that end (the workers
            # are gone): the manager thread reads end-of-file and stops, and shutdown can join it.
            writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
            if writer is not None:
                try:
                    writer.close()
                except OSError:
                    pass
            pool.shutdown(wait=True, cancel_futures=True)


class Dask:
    def __init__(self, workers: int, scheduler: str | None):
        distributed = _import_distributed()
        self._cluster = None
        try:
            if scheduler is None:
                with _main_not_rerun():
                    self._cluster = distributed.LocalCluster(
                        n_workers=workers, threads_per_worker=1, processes=True,
                        dashboard_address=":0", silence_logs=logging.ERROR)  # any free port
                self.name = f"local Dask cluster of {workers} worker{'s' if workers > 1 else ''}"
                self._client = distributed.Client(self._cluster)
            else:
                self.name = f"Dask cluster at {scheduler}"
                self._client = distributed.Client(scheduler, timeout=10)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = scheduler or "a local cluster"
            raise ExperimentError(None, f"cannot connect to the Dask scheduler at {where}: {exc}") from None

    def start(self) -> None:
        pass   # the cluster is up once constructed

    def map(self, fn: Callable, tasks: Sequence, idle: Callable[[], None] | None = None
            ) -> Iterator[tuple[int, object]]:
        distributed = _import_distributed()
        batch = uuid.uuid4().hex[:8]
        index = {}
        futures = []
        for i, task in enumerate(tasks):
            key = f"corridor-sim-{batch}-{getattr(task, 'run_id', i)}"
            index[key] = i
            futures.append(self._client.submit(fn, task, key=key, pure=False, retries=0))
        if idle is not None:
            idle()
        try:
            for fut in distributed.as_completed(futures):
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker: the run killed its workers
                    result = exc
                fut.release()
                yield index[fut.key], result
        finally:
            self._client.cancel([f for f in futures if not f.done()])

    def close(self) -> None:
        client = getattr(self, "_client", None)
        if client is not None:
            client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def make_executor(workers: int = 1, executor: str = "process", scheduler: str | None = None,
                  run_timeout: float | None = None):
    check_options(workers, executor, scheduler, run_timeout)
    if scheduler is not None or executor == "dask":
        return Dask(workers, scheduler)
    if workers == 1:
        return InProcess(run_timeout)
    return ProcessPool(workers, run_timeout)
