"""N replications of one scenario: every KPI as a mean with its 95% t interval.

Replication i runs on the random streams of replication i (`RandomStreams(seed, i)`),
in every scenario: two scenarios replicated with the same seed are paired run by
run (common random numbers), which `compare` uses.

Directory layout (`out`):

    summary.json              the aggregated summary (see `aggregate.py`)
    runs.parquet              one row per replication: main KPIs, runtime, error
    results.parquet           tidy: run_id, scenario, replication, metric, value, error
    replications/rep-0000/    a complete run directory per replication
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..geo.network import mean_network
from ..layout import FORMAT, NETWORK, REPLICATIONS_DIR, RESULTS, RUNS, SUMMARY
from ..output import write_json_atomic, write_parquet_atomic
from ..rundir import replication_id
from ..scenario import Scenario
from ..scenario.sources import load_any, override_texts
from ..scenario.types import MAX_SEED
from .aggregate import aggregate_summaries
from .errors import ExperimentError
from .executors import check_options
from .metrics import flatten, main_kpis, reported_kpis
from .runner import Experiment, check_out, check_progress
from .tasks import RunOutcome, RunTask

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RESULTS", "RUNS", "ReplicationResult", "check_replications", "run_replications", "runs_table",
           "summarize_replications", "tidy_results"]


@dataclass
class ReplicationResult:
    summary: dict           # the aggregated summary.json
    runs: pd.DataFrame      # one row per replication: run_id, replication, seed, error, runtime_seconds, main KPIs
    results: pd.DataFrame   # tidy: run_id, scenario, replication, metric, value, error
    out: Path | None = None

    @property
    def failed(self) -> pd.DataFrame:
        return self.runs[self.runs["error"].notna()]

    def __repr__(self) -> str:
        s = self.summary
        tonnes = (s.get("kpis") or {}).get("delivered_tonnes_per_year") or {}
        ci = tonnes.get("ci95") or [None, None]
        shown = f"{tonnes['mean']:,.0f} t/yr delivered" if tonnes.get("mean") is not None else "nothing delivered"
        if ci[0] is not None:
            shown += f" (95%: {ci[0]:,.0f} – {ci[1]:,.0f})"
        return (f"ReplicationResult({s.get('scenario')}: {s.get('replications_ok')} of {s.get('replications')} "
                f"replications, {shown})")

    def _repr_html_(self) -> str:
        return f"<b>ReplicationResult</b> {html.escape(repr(self)[len('ReplicationResult('):-1])}"


# Runs in one experiment: each is a task (and a run directory) before any runs, so a typo of 1e9 replications
# took all the memory at once. Ten thousand runs is days of work; a larger study is several experiments.
MAX_RUNS = 10_000


def check_runs(runs: int, parameter: str, counted: str, remedy: str) -> None:
    """An experiment is at most MAX_RUNS runs, refused before any task is made; `counted` says how its
    `runs` came about, `remedy` what to change."""
    if runs > MAX_RUNS:
        raise ExperimentError(parameter, f"{counted}: at most {MAX_RUNS:,} in one experiment ({remedy})")


def check_replications(replications) -> None:
    if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
        raise ExperimentError("replications", "must be a whole number >= 1", value=replications)
    if replications > MAX_RUNS:
        raise ExperimentError("replications", f"at most {MAX_RUNS:,} runs in one experiment (run several, each "
                                              "with its own seed)", value=replications)


def seeded(overrides, seed: int | None) -> list[str]:
    """The overrides, with the master seed laid over the scenario's when one is given: checked here, so that
    a seed the tables cannot hold (64-bit) is refused by its parameter's name before anything runs."""
    if seed is None:
        return list(overrides)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise ExperimentError("seed", "must be a whole number from 0 to 2**63 - 1", value=seed)
    return [*overrides, f"seed={seed}"]


def run_replications(
    scenario: str | Path | Mapping | Scenario,
    *,
    replications: int,
    workers: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    run_timeout: float | None = None,
    overrides: list[str] | tuple[str, ...] | Mapping = (),
    seed: int | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ReplicationResult:
    """Run replications 0 … N−1 of a scenario; write `out` if given.

    Raises `ScenarioError` or `ExperimentError` for bad input (nothing written), and
    `ExperimentInterrupted` (a KeyboardInterrupt) on Ctrl-C, with the finished runs kept in `out`.
    A run that raises is recorded with its error (`runs.error`, its run directory) and the others go on;
    so is a run that takes longer than `run_timeout` seconds (in process or with `workers` > 1, not Dask).
    `progress`, if given, is called with (runs done, runs in all) when the runs start and after each.
    """
    check_replications(replications)
    check_options(workers, executor, scheduler, run_timeout)
    check_progress(progress)
    sets = seeded(override_texts(overrides), seed)
    sc, resolved, shown = load_any(scenario, sets)
    out = Path(out) if out is not None else None
    if out is not None:
        check_out(out, "replications", resume, scenario if isinstance(scenario, (str, Path)) else None)
    tasks = [RunTask(replication_id(i), i, resolved, shown, keep_records=out is not None)
             for i in range(replications)]
    holder: dict = {}

    def finish(work: Path | None, outcomes: list[RunOutcome], seconds: float) -> None:
        holder["result"] = summarize_replications(outcomes, seconds)
        if work is not None:
            result = holder["result"]
            write_parquet_atomic(work / RUNS, result.runs)
            write_parquet_atomic(work / RESULTS, result.results)
            write_mean_network(work, resolved, result.summary, [o.run_id for o in outcomes if o.ok])
            write_json_atomic(work / SUMMARY, result.summary)  # last: its presence marks the experiment complete

    Experiment(tasks, lambda t: f"{REPLICATIONS_DIR}/{t.run_id}", out, resume=resume, workers=workers,
               executor=executor, scheduler=scheduler, run_timeout=run_timeout, progress=progress,
               top_files=(SUMMARY, RUNS, RESULTS, NETWORK)).run(finish)
    result = holder["result"]
    result.out = out
    return result


def write_mean_network(work: Path, resolved: dict, summary: dict, run_ids: list[str]) -> None:
    """network.geojson of the replications: their means (`geo.network.mean_network`), from the network.geojson
    of each successful replication (one without it, from an older version, is left out of the tonnes)."""
    if summary.get("replications_ok", 0) == 0:
        return
    docs = []
    for run_id in run_ids:
        file = work / REPLICATIONS_DIR / run_id / NETWORK
        if file.is_file():
            docs.append(json.loads(file.read_text(encoding="utf-8")))
    write_json_atomic(work / NETWORK, mean_network(resolved, summary, docs))


def summarize_replications(outcomes: list[RunOutcome], seconds: float) -> ReplicationResult:
    """The aggregated summary, the runs table and the tidy results of replications in order."""
    ok = [o.summary for o in outcomes if o.ok]
    first = (ok or [outcomes[0].summary])[0]
    summary = {
        "format": FORMAT,
        "scenario": first.get("scenario"),
        "scenario_file": first.get("scenario_file"),
        "seed": first.get("seed"),
        "replications": len(outcomes),
        "replications_ok": len(ok),
        "failed": [{"replication": o.replication, "run_id": o.run_id, "error": o.error}
                   for o in outcomes if not o.ok],
        "confidence": "95% Student t interval over the replications",
    }
    for key in ("version", "git_commit", "python", "start_date", "window"):
        if key in first:
            summary[key] = first[key]
    summary.update(aggregate_summaries(ok))
    summary["runtime_seconds"] = round(seconds, 3)
    return ReplicationResult(summary, runs_table(outcomes), tidy_results(outcomes))


def runs_table(outcomes: list[RunOutcome], parameters: dict[str, Callable] | None = None) -> pd.DataFrame:
    """One row per run: run_id, the swept values, replication, seed, error, runtime_seconds, the headline
    KPIs (and the economic ones, where the runs price their routes)."""
    import pandas as pd  # here: an experiment's tables; a single run needs no pandas

    parameters = parameters or {}
    keys = tuple(k.key for k in reported_kpis([o.summary for o in outcomes]))
    rows = []
    for o in outcomes:
        s = o.summary
        row = {"run_id": o.run_id, **{p: conv(o.parameters.get(p)) for p, conv in parameters.items()},
               "replication": o.replication, "seed": s.get("seed"), "error": o.error,
               "runtime_seconds": s.get("runtime_seconds"), **main_kpis(s, keys)}
        rows.append(row)
    columns = ["run_id", *parameters, "replication", "seed", "error", "runtime_seconds", *keys]
    frame = pd.DataFrame(rows, columns=columns)
    frame["error"] = frame["error"].astype("string")
    for k in keys:
        frame[k] = frame[k].astype("float64")
    return frame


def tidy_results(outcomes: list[RunOutcome], parameters: dict[str, Callable] | None = None) -> pd.DataFrame:
    """One row per run per metric; a failed run is one row with metric 'error' and its message.

    `parameters` maps each swept parameter to the function that turns its value into the column's value.
    """
    import pandas as pd  # here: an experiment's tables; a single run needs no pandas

    parameters = parameters or {}
    cols: dict[str, list] = {"run_id": [], "scenario": [], **{p: [] for p in parameters},
                             "replication": [], "metric": [], "value": [], "error": []}
    for o in outcomes:
        metrics = flatten(o.summary) if o.ok else {"error": None}
        n = len(metrics)
        cols["run_id"] += [o.run_id] * n
        cols["scenario"] += [o.summary.get("scenario")] * n
        for p, conv in parameters.items():
            cols[p] += [conv(o.parameters.get(p))] * n
        cols["replication"] += [o.replication] * n
        cols["metric"] += list(metrics)
        cols["value"] += [float("nan") if v is None else v for v in metrics.values()]
        cols["error"] += [o.error] * n
    frame = pd.DataFrame(cols)
    frame["value"] = frame["value"].astype("float64")
    frame["error"] = frame["error"].astype("string")
    frame["replication"] = frame["replication"].astype("int64")
    return frame
