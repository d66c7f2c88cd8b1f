"""Where the runs of an experiment execute.

- in process (`workers=1`, the default): one run after another;
- a local process pool (`workers=N`);
- Dask: a local cluster it starts (`executor="dask"`) or an existing one
  (`scheduler="tcp://host:port"`).

Every executor yields `(index, result)` as runs finish; the caller puts results
back in task order, so nothing depends on which run finished first.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import signal
import uuid
from typing import Callable, Iterator, Sequence

from .errors import ExperimentError

EXECUTORS = ("process", "dask")
_SCHEDULER = re.compile(r"^(tcp|tls|ws|wss|inproc|ucx)://\S+$")


def check_options(workers: int, executor: str, scheduler: str | None) -> None:
    """Bad executor options, before anything runs or is written."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ExperimentError(f"--workers {workers!r}: must be a whole number >= 1")
    if executor not in EXECUTORS:
        raise ExperimentError(f"--executor {executor!r}: must be one of {', '.join(EXECUTORS)}")
    if scheduler is not None:
        if not _SCHEDULER.match(scheduler):
            raise ExperimentError(f"--scheduler {scheduler!r}: expected an address like tcp://HOST:PORT")
    if scheduler is not None or executor == "dask":
        _import_distributed()


def _import_distributed():
    try:
        import distributed
    except ImportError:
        raise ExperimentError("the Dask executor needs dask.distributed: "
                              "pip install 'corridor-sim[dask]'") from None
    return distributed


class InProcess:
    name = "in process"

    def map(self, fn: Callable, tasks: Sequence) -> Iterator[tuple[int, object]]:
        for i, task in enumerate(tasks):
            yield i, fn(task)

    def close(self) -> None:
        pass


def _ignore_sigint() -> None:
    # Ctrl-C goes to the whole process group: the parent alone decides what to keep.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(arg):
    fn, i, task = arg
    return i, fn(task)


class ProcessPool:
    """A pool of fresh Python processes ('spawn': no state inherited from the parent's threads)."""

    def __init__(self, workers: int):
        self.workers = workers
        self.name = f"{workers} local processes"
        self._pool = None

    def map(self, fn: Callable, tasks: Sequence) -> Iterator[tuple[int, object]]:
        ctx = multiprocessing.get_context("spawn")
        self._pool = ctx.Pool(min(self.workers, max(1, len(tasks))), initializer=_ignore_sigint)
        yield from self._pool.imap_unordered(_call, [(fn, i, t) for i, t in enumerate(tasks)], chunksize=1)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()  # unfinished runs are dropped; finished ones are already written
            self._pool.join()
            self._pool = None


class Dask:
    def __init__(self, workers: int, scheduler: str | None):
        distributed = _import_distributed()
        self._cluster = None
        try:
            if scheduler is None:
                self._cluster = distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, processes=True,
                    dashboard_address=None, silence_logs=logging.ERROR)
                self.name = f"local Dask cluster of {workers} worker{'s' if workers > 1 else ''}"
                self._client = distributed.Client(self._cluster)
            else:
                self.name = f"Dask cluster at {scheduler}"
                self._client = distributed.Client(scheduler, timeout=10)
        except (OSError, TimeoutError) as exc:
            self.close()
            where = scheduler or "a local cluster"
            raise ExperimentError(f"cannot connect to the Dask scheduler at {where}: {exc}") from None

    def map(self, fn: Callable, tasks: Sequence) -> Iterator[tuple[int, object]]:
        distributed = _import_distributed()
        batch = uuid.uuid4().hex[:8]
        index = {}
        futures = []
        for i, task in enumerate(tasks):
            key = f"corridor-sim-{batch}-{getattr(task, 'run_id', i)}"
            index[key] = i
            futures.append(self._client.submit(fn, task, key=key, pure=False, retries=0))
        try:
            for fut in distributed.as_completed(futures):
                result = fut.result()
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


def make_executor(workers: int = 1, executor: str = "process", scheduler: str | None = None):
    check_options(workers, executor, scheduler)
    if scheduler is not None or executor == "dask":
        return Dask(workers, scheduler)
    if workers == 1:
        return InProcess()
    return ProcessPool(workers)
