"""One run of a scenario, owned in one place: build, run, records, KPIs, provenance — or its failure.

    result = simulate(scenario, resolved, replication=0, source="scenarios/baseline_2024.yaml")
    result.summary        # what summary.json holds
    result.records        # the run's records (records.RunRecords): plain data, no SimPy object

Everything that runs a scenario goes through `simulate`: the Python API, the
experiments (each replication and grid point) and the CLI. The summary starts
with the run's provenance (what ran, with which code) and ends with
`runtime_seconds`, the one field that differs between two runs of the same
scenario and seed. A run that fails is, with `catch=True`, a result too: the
same provenance, its `error`, and the traceback.

The cyclic garbage collector is this module's concern: it is paused while the
model is built and runs (SimPy's objects are freed by reference counting; a
collector pass over a growing model costs more than it frees), and the model —
one large reference cycle, garbage once `run()` has handed over its records — is
collected as soon as the run is over, so that a loop of runs holds one run's
memory, not all of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import html
import platform
import subprocess
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import __version__
from .analysis.kpis import summarize
from .analysis.metric_names import flatten
from .layout import FORMAT
from .model.corridor import CorridorModel
from .recording import samples_table
from .records import Delivery, RunRecords, TrainRun, Visit, Voyage, to_frame
from .scenario.schema import Scenario


@dataclass
class RunResult:
    """One run: its summary (summary.json), its records, and the resolved scenario that reproduces it."""

    summary: dict
    records: RunRecords | None        # None when the run failed
    resolved: dict
    traceback: str | None = None      # the failure's, when it failed

    @property
    def error(self) -> str | None:
        return self.summary.get("error")

    @property
    def visits(self):
        """pandas DataFrame: one row per consignment per node visited."""
        return to_frame(self.records.visits, Visit)

    @property
    def deliveries(self):
        return to_frame(self.records.deliveries, Delivery)

    @property
    def trains(self):
        return to_frame(self.records.trains, TrainRun)

    @property
    def voyages(self):
        return to_frame(self.records.voyages, Voyage)

    @property
    def resources(self):
        import pandas as pd   # not at import: a run without tables needs no pandas (start-up)

        return pd.DataFrame(self.summary["resources"])

    @property
    def samples(self):
        """pandas DataFrame: every resource's queue and busy servers, once a simulated day."""
        return samples_table(self.records.resources).to_pandas()

    @property
    def kpis(self):
        """pandas DataFrame: the KPIs by their metric names (as `compare` names them) and their values."""
        import pandas as pd

        flat = flatten({"kpis": self.summary.get("kpis") or {}})
        return pd.DataFrame({"metric": list(flat), "value": list(flat.values())})

    def headline(self) -> str:
        """One line: what ran and what it delivered."""
        s = self.summary
        if self.error:
            return f"{s.get('scenario')} (seed {s.get('seed')}): failed: {self.error}"
        delivered = ((s.get("kpis") or {}).get("delivered_tonnes_per_year") or {}).get("mean")
        stable = (s.get("stability") or {}).get("stable")
        return (f"{s.get('scenario')} (seed {s.get('seed')}): {delivered or 0:,.0f} t/yr delivered, "
                f"{'stable' if stable else 'OVERLOADED'}")

    def __repr__(self) -> str:
        return f"RunResult({self.headline()})"

    def _repr_html_(self) -> str:
        """A short card for notebooks: the headline, the stability line and the top bottlenecks."""
        rows = "".join(f"<tr><td>{html.escape(b['name'])}</td><td>{b['utilization']:.0%}</td>"
                       f"<td>{b['wait_share']:.0%}</td></tr>" for b in (self.summary.get("bottlenecks") or [])[:3])
        message = (self.summary.get("stability") or {}).get("message", "")
        return (f"<b>RunResult</b> {html.escape(self.headline())}<br><small>{html.escape(message[:300])}</small>"
                + (f"<table><tr><th>bottleneck</th><th>working</th><th>share of waiting</th></tr>{rows}</table>"
                   if rows else ""))


@functools.cache
def git_commit() -> str | None:
    """The commit of the corridor-sim source tree, when it is a git checkout (asked once per process:
    it is a subprocess, and a sweep's worker runs many scenarios)."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True,
                             timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def provenance(name: str | None, source: str | None, seed: int | None, replication: int) -> dict:
    """What ran, and with which code: the head of every run's summary, failed or not (first, the
    `format` of the summary and of its run directory, for the readers)."""
    return {
        "format": FORMAT,
        "scenario": name,
        "scenario_file": source,
        "seed": seed,
        "replication": replication,
        "version": __version__,
        "git_commit": git_commit(),
        "python": platform.python_version(),
    }


def window(sc: Scenario) -> dict:
    """The measured window, as calendar dates."""
    return {
        "start": (sc.start_date + dt.timedelta(days=sc.warmup_days)).isoformat(),
        "end": (sc.start_date + dt.timedelta(days=sc.warmup_days + sc.horizon_days)).isoformat(),
        "warmup_days": sc.warmup_days,
        "horizon_days": sc.horizon_days,
    }


def failure(head: dict, exc: BaseException, seconds: float) -> dict:
    """The summary of a run that raised: its provenance, the error, the time it took."""
    return {**head, "error": f"{type(exc).__name__}: {exc}", "runtime_seconds": round(seconds, 3)}


def _freeze_what_the_process_loaded() -> None:
    """Once per process, before its first model is built: move the objects already there out of the
    collector's way (`gc.freeze`).

    They are mostly the modules, classes and functions of numpy, pyarrow and pydantic (and pandas
    in a notebook), ~100,000 objects that live as long as the process does. Every full pass of the
    cyclic collector walks them all again (80 ms each), and a run's records make full passes
    come. Objects frozen here are never collected: a cycle among them that was garbage at this
    moment stays in memory (a notebook's, at most once)."""
    if gc.get_freeze_count() == 0:
        gc.freeze()


def run_model(sc: Scenario, replication: int = 0, progress: Callable[[float, float], None] | None = None
              ) -> RunRecords:
    """Build the model, run it, and return its records; the model is collected before this returns."""
    _freeze_what_the_process_loaded()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        model = CorridorModel(sc, replication=replication)
        records = model.run(progress=progress)
        del model
    finally:
        if was_enabled:
            gc.enable()
    # Everything the run made is young (the collector was paused): one pass over the young
    # generation frees the model, which no record refers to.
    gc.collect(0)
    return records


def resource_names(sc: Scenario) -> list[str]:
    """The names of a scenario's resources, as every run's summary lists them (`resources[].name`): from
    the model built but not run (0.1 s for the 2030 corridor). What a KPI naming a resource is checked
    against before an experiment runs anything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        model = CorridorModel(sc)
        names = [m.name for m in model.ctx.monitors]
        del model
    finally:
        if was_enabled:
            gc.enable()
    gc.collect(0)
    return names


def simulate(sc: Scenario, resolved: dict, *, replication: int = 0, source: str | None = None,
             progress: Callable[[float, float], None] | None = None, catch: bool = False) -> RunResult:
    """Run one scenario: its records and its summary (provenance, window, KPIs, events, runtime).

    `progress(done_hours, total_hours)` is called as the simulation goes. With `catch`, an
    exception in the run becomes a failed result (summary with `error`, and `traceback`)
    instead of propagating.
    """
    started = time.perf_counter()
    head = provenance(sc.name, source, sc.seed, replication)
    try:
        records = run_model(sc, replication, progress)
        summary = {**head, "start_date": sc.start_date.isoformat(), "window": window(sc), **summarize(records),
                   "events": records.events}
    except Exception as exc:
        if not catch:
            raise
        return RunResult(failure(head, exc, time.perf_counter() - started), None, resolved, traceback.format_exc())
    # Last, and the one field that differs between identical runs.
    summary["runtime_seconds"] = round(time.perf_counter() - started, 3)
    return RunResult(summary, records, resolved)
