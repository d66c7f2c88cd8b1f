"""Parameter sweeps: the full grid of the varied values, N replications at each point.

    corridor-sim sweep SCENARIO --vary nodes.kuryk.berths.ferry.count=1,2,3 --replications 5 --out DIR

Directory layout (`out`):

    sweep.json             what was swept, the KPIs judged, the saturation verdicts, failed runs (written last)
    results.parquet        tidy: run_id, scenario, <one column per varied path>, replication, metric, value, error
    summary.parquet        one row per grid point: main and judged KPIs with mean and 95% interval, demand,
                           gains, saturation
    saturation.parquet     one row per grid point per varied parameter per judged KPI: the step's gain, its verdict
    runs.parquet           one row per run: the varied values, replication, error, runtime, main KPIs
    runs/g000-r0000/       a complete run directory per run

Saturation (`saturation.py`): along each varied parameter, the others held fixed, each step to
the next value is judged on the KPIs (`criteria.py`: by default delivered tonnes and the mean
and p95 transit of every flow group) by its paired gain (`gains.py`). The line is saturated at
the value after its last step that buys something on any KPI, when every later step is shown to
buy less than `min_gain` on every KPI; it says "not enough replications to tell" when a later
step's interval is too wide to say so.
"""

from __future__ import annotations

import datetime as dt
import html
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import yaml

from ..layout import FORMAT, RESULTS, SATURATION, SUMMARY_TABLE, SWEEP, SWEEP_RUNS_DIR
from ..output import write_json_atomic, write_parquet_atomic
from ..scenario import Scenario, ScenarioError
from ..scenario.loader import SafeLoader, apply_overrides, read_family, validate
from ..scenario.sources import load_any, override_texts
from ..simulate import resource_names
from .criteria import HIGHER, Criterion, parse_criteria
from .errors import ExperimentError
from .executors import check_options
from .metrics import flatten, reported_kpis
from .replications import RUNS, check_replications, check_runs, runs_table, seeded, tidy_results
from .runner import Experiment, check_out, check_progress
from .saturation import judge
from .stats import t_interval
from .tasks import RunOutcome, RunTask

if TYPE_CHECKING:
    import pandas as pd

DEMAND = "demand_tonnes_per_year"          # summary.parquet: the corridor's demand at each point
DEMAND_METRIC = "stability.demand_tonnes_per_year"
GAIN_METRIC = "delivered_tonnes_per_year"   # summary.parquet's gain_pct[<path>]: the step's tonnes, always shown
DEFAULT_MIN_GAIN = 0.01


@dataclass
class SweepResult:
    results: pd.DataFrame      # tidy: one row per run per metric
    summary: pd.DataFrame      # one row per grid point
    saturation: pd.DataFrame   # one row per grid point per varied parameter per judged KPI
    runs: pd.DataFrame         # one row per run
    info: dict                 # the content of sweep.json
    out: Path | None = None

    def __repr__(self) -> str:
        return (f"SweepResult({self.info.get('scenario')}: {len(self.summary)} grid points, "
                f"{len(self.runs)} runs{f', in {self.out}' if self.out else ''})")

    def _repr_html_(self) -> str:
        return f"<b>{html.escape(repr(self))}</b>" + self.summary.head(12).to_html(max_cols=8)


# ---------------------------------------------------------------------------
# What is varied
# ---------------------------------------------------------------------------


def parse_vary(text: str) -> tuple[str, list]:
    """'fleets.ferries.vessels=2,3,4' -> ('fleets.ferries.vessels', [2, 3, 4]).

    The values are read as one YAML flow list, so a value may itself be a mapping:
    'fleets.f.crossing_hours={dist: gamma, mean: 20, cv: 0.3},{dist: gamma, mean: 24, cv: 0.3}'.
    """
    if "=" not in text:
        raise ExperimentError("vary", "expected path.to.field=v1,v2,...", value=text)
    path, _, raw = text.partition("=")
    path = path.strip()
    if not path or any(not p.strip() for p in path.split(".")) or any(c.isspace() for c in path):
        raise ExperimentError("vary", "the field path must be like nodes.dostyk.station.servers", value=text)
    if not raw.strip():
        raise ExperimentError("vary", "no values after '='", value=text)
    try:
        values = yaml.load(f"[{raw}]", Loader=SafeLoader)
    except (yaml.YAMLError, RecursionError):
        raise ExperimentError("vary", "the values must be a comma-separated list", value=text) from None
    if not values:
        raise ExperimentError("vary", "no values after '='", value=text)
    return path, _check_values(values, text)


def _check_values(values: Sequence, given) -> list:
    """The values of one varied path, each once; `given` is what the caller wrote for them."""
    values = list(values)
    if not values:
        raise ExperimentError("vary", "no values", value=given)
    seen = set()
    for v in values:
        key = value_text(v)
        if key in seen:
            raise ExperimentError("vary", f"the value {key} is given twice", value=given)
        seen.add(key)
    return values


def normalize_vary(vary: Mapping[str, Sequence] | Sequence[str]) -> list[tuple[str, list]]:
    """`vary` as a list of (path, values): from `path=v1,v2` texts or a {path: values} mapping."""
    if isinstance(vary, Mapping):
        items = []
        for path, values in vary.items():
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
                raise ExperimentError("vary", "expected a list of values", value={path: values})
            items.append((str(path), _check_values(values, {path: values})))
    else:
        if isinstance(vary, str):
            vary = [vary]
        items = [parse_vary(t) for t in vary]
    if not items:
        raise ExperimentError("vary", "give at least one path with its values", value=vary)
    paths = [p for p, _ in items]
    for p in paths:
        if paths.count(p) > 1:
            raise ExperimentError("vary", "the same path is varied twice (give all its values at once)", value=p)
    return items


def value_text(value) -> str:
    """A value as the YAML text that an override (`path=value`) reads back to the same value."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def _column(values: list) -> Callable:
    """How a varied path's values go into a table column: numbers stay numbers, the rest is text."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return (lambda v: v) if all(isinstance(v, int) for v in values) else (lambda v: float(v))
    if all(isinstance(v, str) for v in values):
        return lambda v: v
    return value_text


# ---------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------


def sweep(
    scenario: str | Path | Mapping | Scenario,
    vary: Mapping[str, Sequence] | Sequence[str],
    *,
    replications: int = 1,
    workers: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    run_timeout: float | None = None,
    overrides: list[str] | tuple[str, ...] | Mapping = (),
    seed: int | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    min_gain: float = DEFAULT_MIN_GAIN,
    kpis: Sequence[str] | None = None,
) -> SweepResult:
    """Run every combination of the varied values (`vary`: {path: [values]} or ['path=v1,v2', …]),
    `replications` times each. Replication i of every point uses the same random streams.
    `kpis`: the metric names saturation is judged on (`criteria.py`; default: delivered tonnes and
    the mean and p95 transit days of every flow group).
    `progress`, if given, is called with (runs done, runs in all) when the runs start and after each."""
    check_replications(replications)
    check_options(workers, executor, scheduler, run_timeout)
    check_progress(progress)
    if not (isinstance(min_gain, (int, float)) and 0 <= min_gain < 1):
        raise ExperimentError("min_gain", "must be a fraction in [0, 1)", value=min_gain)
    items = normalize_vary(vary)
    runs = math.prod(len(values) for _, values in items) * replications
    grid = " x ".join(f"{len(values):,}" for _, values in items)
    check_runs(runs, "vary", f"gives a grid of {grid} points, {runs:,} runs with the replications", "run several")
    sets = seeded(override_texts(overrides), seed)
    base_sc, base, shown = load_any(scenario, sets)
    criteria = parse_criteria(kpis, base_sc, lambda: resource_names(base_sc))
    points = []  # (index, {path: value}, resolved)
    for g, combo in enumerate(itertools.product(*(values for _, values in items))):
        params = {path: value for (path, _), value in zip(items, combo)}
        point_sets = [f"{path}={value_text(value)}" for path, value in params.items()]
        try:
            data = apply_overrides(base, point_sets, shown)
            validate(data, shown)
        except ScenarioError as exc:   # the grid point is at fault, not the override that set its value
            if isinstance(scenario, (str, Path)):    # a value a parent file wrote is named in that file
                exc = read_family(scenario).blame(exc, [*sets, *point_sets])
            raise ScenarioError(exc.file, exc.path, exc.problem, grid_point=point_sets,
                                reached_from=exc.reached_from) from None
        points.append((g, params, data))
    out = Path(out) if out is not None else None
    if out is not None:
        check_out(out, "sweep", resume, scenario)

    pw = max(3, len(str(len(points) - 1)))
    rw = max(4, len(str(replications - 1)))
    tasks = [RunTask(f"g{g:0{pw}d}-r{r:0{rw}d}", r, data, shown, parameters=params, keep_records=out is not None)
             for g, params, data in points for r in range(replications)]
    point_of = {t.run_id: i // replications for i, t in enumerate(tasks)}
    columns = {path: _column(values) for path, values in items}
    holder: dict = {}

    def finish(work: Path | None, outcomes: list[RunOutcome], seconds: float) -> None:
        results = tidy_results(outcomes, columns)
        runs = runs_table(outcomes, columns)
        summary, saturation, marks = summarize_points(outcomes, point_of, items, columns, min_gain, criteria)
        info = {
            "format": FORMAT,
            "scenario": base_sc.name,
            "scenario_file": shown,
            "seed": base_sc.seed,
            "replications": replications,
            "vary": {path: values for path, values in items},
            "overrides": list(overrides),
            "points": len(points),
            "runs": len(outcomes),
            "runs_ok": sum(o.ok for o in outcomes),
            "failed": [{"run_id": o.run_id, "replication": o.replication, "parameters": o.parameters,
                        "error": o.error} for o in outcomes if not o.ok],
            "saturation": {"kpis": [c.as_dict() for c in criteria], "min_gain": min_gain,
                           "confidence": _confidence(len(criteria)), "points": marks},
            "version": _first(outcomes, "version"),
            "git_commit": _first(outcomes, "git_commit"),
            "python": _first(outcomes, "python"),
            "runtime_seconds": round(seconds, 3),
        }
        holder["result"] = SweepResult(results, summary, saturation, runs, info)
        if work is not None:
            write_parquet_atomic(work / RESULTS, results)
            write_parquet_atomic(work / SUMMARY_TABLE, summary)
            write_parquet_atomic(work / SATURATION, saturation)
            write_parquet_atomic(work / RUNS, runs)
            write_json_atomic(work / SWEEP, info)  # last: its presence marks the sweep complete

    Experiment(tasks, lambda t: f"{SWEEP_RUNS_DIR}/{t.run_id}", out, resume=resume, workers=workers, executor=executor,
               scheduler=scheduler, run_timeout=run_timeout, progress=progress,
               top_files=(SWEEP, RESULTS, SUMMARY_TABLE, SATURATION, RUNS)).run(finish)
    result = holder["result"]
    result.out = out
    return result


def _first(outcomes: list[RunOutcome], key: str):
    return next((o.summary.get(key) for o in outcomes if o.summary.get(key) is not None), None)


# ---------------------------------------------------------------------------
# Per grid point, and saturation
# ---------------------------------------------------------------------------


def _confidence(criteria: int) -> str:
    if criteria == 1:
        return "95% paired t interval of each step's gain (common random numbers)"
    return (f"95% paired t intervals of each step's gain, simultaneous over the {criteria} KPIs judged "
            f"(Bonferroni: each at {100 * (1 - 0.05 / criteria):.2f}%)")


def summarize_points(outcomes: list[RunOutcome], point_of: dict[str, int], items: list[tuple[str, list]],
                     columns: dict[str, Callable], min_gain: float, criteria: Sequence[Criterion]):
    """The summary table (one row per point), the saturation table and the verdict of each line."""
    import pandas as pd  # here: an experiment's tables; a single run needs no pandas

    by_point: dict[int, list[RunOutcome]] = {}
    for o in outcomes:
        by_point.setdefault(point_of[o.run_id], []).append(o)
    n_points = len(by_point)
    params_of = {g: os_[0].parameters for g, os_ in by_point.items()}
    keys_of = {g: {p: value_text(v) for p, v in params.items()} for g, params in params_of.items()}
    metrics_of = {g: {o.replication: flatten(o.summary) for o in os_ if o.ok} for g, os_ in by_point.items()}
    keys = tuple(k.key for k in reported_kpis([o.summary for o in outcomes if o.ok]))
    shown = keys + tuple(c.metric for c in criteria if c.metric not in keys)
    rows = []
    for g in range(n_points):
        os_ = by_point[g]
        row = {"point": g, **{p: columns[p](params_of[g][p]) for p, _ in items},
               "runs": sum(o.ok for o in os_), "failed": sum(not o.ok for o in os_)}
        for k in shown:
            iv = t_interval([m.get(k) for m in metrics_of[g].values()])
            row[k] = iv.mean
            row[f"{k}_ci95_low"] = iv.low
            row[f"{k}_ci95_high"] = iv.high
        row[DEMAND] = t_interval([m.get(DEMAND_METRIC) for m in metrics_of[g].values()]).mean
        rows.append(row)

    order = {path: _order(values) for path, values in items}
    sat_rows, marks, saturated = judge(items, order, params_of, keys_of, metrics_of, criteria, min_gain)
    tonnes = [Criterion(GAIN_METRIC, HIGHER)]
    gain_rows, _, _ = judge(items, order, params_of, keys_of, metrics_of, tonnes, min_gain)
    for r in gain_rows:
        rows[r["point"]][f"gain_pct[{r['parameter']}]"] = r["gain_pct"]
    for row in rows:
        for p, _ in items:
            row[f"saturated[{p}]"] = saturated[(row["point"], p)]
        row["saturated"] = any(row[f"saturated[{p}]"] for p, _ in items)
    summary = pd.DataFrame(rows)
    for c in summary.columns:
        if c.startswith("gain_pct[") or c.endswith("_ci95_low") or c.endswith("_ci95_high") or c in shown \
                or c == DEMAND:
            summary[c] = summary[c].astype("float64")
    saturation = pd.DataFrame(sat_rows, columns=[
        "parameter", "kpi", "better", "point", "value", "mean", "gain", "gain_ci95_low", "gain_ci95_high",
        "gain_pct", "step", "growing", "saturated", "saturation_point"])
    for c in ("mean", "gain", "gain_ci95_low", "gain_ci95_high", "gain_pct"):
        saturation[c] = saturation[c].astype("float64")
    saturation["step"] = saturation["step"].astype("string")
    return summary, saturation, marks


def _order(values: list) -> dict[str, float]:
    """Numbers in increasing order; anything else in the order given."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return {value_text(v): float(v) for v in values}
    return {value_text(v): float(i) for i, v in enumerate(values)}
