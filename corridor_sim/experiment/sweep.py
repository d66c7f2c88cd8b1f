"""Parameter sweeps: the full grid of the varied values, N replications at each point.

    corridor-sim sweep SCENARIO --vary nodes.kuryk.berths.ferry.count=1,2,3 --replications 5 --out DIR

Directory layout (`out`):

    sweep.json             what was swept, the saturation points, failed runs (written last)
    results.parquet        tidy: run_id, scenario, <one column per varied path>, replication, metric, value, error
    summary.parquet        one row per grid point: main KPIs with mean and 95% interval, gains, saturation
    saturation.parquet     one row per grid point per varied parameter: the step's gain and the marks
    runs.parquet           one row per run: the varied values, replication, error, runtime, main KPIs
    runs/g000-r0000/       a complete run directory per run

Saturation (see `saturation`): along each varied parameter, the others held fixed, a
step to the next value *grows* when its paired gain in delivered tonnes is at least
`min_gain` of the tonnes before it and (with two or more replications) its 95%
interval lies above zero. The value after the last growing step is the saturation
point; it and the larger values are saturated. A line whose last step still grows
has not saturated within the swept range.
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
from .errors import ExperimentError
from .executors import check_options
from .metrics import reported_kpis
from .replications import MAX_RUNS, RUNS, check_replications, runs_table, seeded, tidy_results
from .runner import Experiment, check_out, check_progress
from .stats import paired_difference, t_interval
from .tasks import RunOutcome, RunTask

if TYPE_CHECKING:
    import pandas as pd

SATURATION_METRIC = "delivered_tonnes_per_year"
DEFAULT_MIN_GAIN = 0.01


@dataclass
class SweepResult:
    results: pd.DataFrame      # tidy: one row per run per metric
    summary: pd.DataFrame      # one row per grid point
    saturation: pd.DataFrame   # one row per grid point per varied parameter
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
) -> SweepResult:
    """Run every combination of the varied values (`vary`: {path: [values]} or ['path=v1,v2', …]),
    `replications` times each. Replication i of every point uses the same random streams.
    `progress`, if given, is called with (runs done, runs in all) when the runs start and after each."""
    check_replications(replications)
    check_options(workers, executor, scheduler, run_timeout)
    check_progress(progress)
    if not (isinstance(min_gain, (int, float)) and 0 <= min_gain < 1):
        raise ExperimentError("min_gain", "must be a fraction in [0, 1)", value=min_gain)
    items = normalize_vary(vary)
    runs = math.prod(len(values) for _, values in items) * replications
    if runs > MAX_RUNS:
        grid = " x ".join(f"{len(values):,}" for _, values in items)
        raise ExperimentError("vary", f"gives a grid of {grid} points, {runs:,} runs with the replications: at most "
                                      f"{MAX_RUNS:,} in one experiment (run several)")
    sets = seeded(override_texts(overrides), seed)
    base_sc, base, shown = load_any(scenario, sets)
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
        summary, saturation, marks = summarize_points(outcomes, point_of, items, columns, min_gain)
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
            "saturation": {"metric": SATURATION_METRIC, "min_gain": min_gain, "points": marks},
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


def summarize_points(outcomes, point_of, items, columns, min_gain):
    """The summary table (one row per point), the saturation table and the saturation points."""
    import pandas as pd  # here: an experiment's tables; a single run needs no pandas

    by_point: dict[int, list[RunOutcome]] = {}
    for o in outcomes:
        by_point.setdefault(point_of[o.run_id], []).append(o)
    n_points = len(by_point)
    params_of = {g: os_[0].parameters for g, os_ in by_point.items()}
    values_of = {g: {o.replication: (o.summary.get("kpis") or {}).get(SATURATION_METRIC, {}).get("mean")
                     for o in os_ if o.ok} for g, os_ in by_point.items()}

    keys = tuple(k.key for k in reported_kpis([o.summary for o in outcomes if o.ok]))
    rows = []
    for g in range(n_points):
        os_ = by_point[g]
        row = {"point": g, **{p: columns[p](params_of[g][p]) for p, _ in items},
               "runs": sum(o.ok for o in os_), "failed": sum(not o.ok for o in os_)}
        for k in keys:
            iv = t_interval([(o.summary.get("kpis") or {}).get(k, {}).get("mean") for o in os_ if o.ok])
            row[k] = iv.mean
            row[f"{k}_ci95_low"] = iv.low
            row[f"{k}_ci95_high"] = iv.high
        rows.append(row)

    sat_rows, marks = [], {}
    for p_index, (path, values) in enumerate(items):
        order = _order(values)
        lines: dict[tuple, list[int]] = {}
        for g in range(n_points):
            others = tuple(value_text(params_of[g][q]) for q, _ in items if q != path)
            lines.setdefault(others, []).append(g)
        marks[path] = []
        for others, gs in lines.items():
            gs = sorted(gs, key=lambda g: order[value_text(params_of[g][path])])
            steps = [None] + [_step(values_of[a], values_of[b], min_gain) for a, b in zip(gs, gs[1:])]
            growing = [s is not None and s["growing"] for s in steps]
            if len(gs) > 1 and not growing[-1]:
                s_at = max((j for j, grows in enumerate(growing) if grows), default=0)
            else:
                s_at = None
            for j, g in enumerate(gs):
                step = steps[j] or {}
                saturated = s_at is not None and j >= s_at
                sat_rows.append({
                    "parameter": path, "point": g, "value": value_text(params_of[g][path]),
                    "gain_tonnes_per_year": step.get("gain"), "gain_ci95_low": step.get("low"),
                    "gain_ci95_high": step.get("high"), "gain_pct": step.get("pct"),
                    "growing": bool(growing[j]), "saturated": saturated,
                    "saturation_point": s_at is not None and j == s_at,
                })
                rows[g][f"gain_pct[{path}]"] = step.get("pct")
                rows[g][f"saturated[{path}]"] = saturated
            fixed = {q: params_of[gs[0]][q] for q, _ in items if q != path}
            marks[path].append({"fixed": fixed,
                                "saturation_point": None if s_at is None else params_of[gs[s_at]][path]})
    for row in rows:
        row["saturated"] = any(row.get(f"saturated[{p}]", False) for p, _ in items)
    summary = pd.DataFrame(rows)
    for c in summary.columns:
        if c.startswith("gain_pct[") or c.endswith("_ci95_low") or c.endswith("_ci95_high") or c in keys:
            summary[c] = summary[c].astype("float64")
    saturation = pd.DataFrame(sat_rows, columns=[
        "parameter", "point", "value", "gain_tonnes_per_year", "gain_ci95_low", "gain_ci95_high", "gain_pct",
        "growing", "saturated", "saturation_point"])
    for c in ("gain_tonnes_per_year", "gain_ci95_low", "gain_ci95_high", "gain_pct"):
        saturation[c] = saturation[c].astype("float64")
    return summary, saturation, marks


def _order(values: list) -> dict[str, float]:
    """Numbers in increasing order; anything else in the order given."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return {value_text(v): float(v) for v in values}
    return {value_text(v): float(i) for i, v in enumerate(values)}


def _step(before: dict[int, float], after: dict[int, float], min_gain: float) -> dict | None:
    """The paired gain from one value to the next (replication i with replication i)."""
    common = sorted(set(before) & set(after))
    a = [before[r] for r in common]
    b = [after[r] for r in common]
    if not common:
        return None
    diff = paired_difference(a, b)
    base = t_interval(a).mean
    if diff.mean is None or base is None:
        return None
    scale = 100.0 / base if base else math.nan
    pct = diff.mean * scale if base else (math.inf if diff.mean > 0 else 0.0)
    grows = pct >= 100.0 * min_gain and (diff.low is None or diff.low > 0) and diff.mean > 0
    return {"gain": diff.mean, "low": diff.low, "high": diff.high, "pct": pct, "growing": bool(grows)}
