"""The investment question: what limits the corridor, and what each lever buys.

    corridor-sim levers SCENARIO --out DIR [--replications N] [--top K] [--lever path=value ...]

The base scenario runs first (N replications). Its own diagnostics — the ranking of what the
cargo waited for and the static load of every element — name the elements that limit it
(`candidates.limiting_elements`); the top K of those that have a lever get one or two each
(`candidates.levers_for`: one more vessel, one more berth, +25% train paths, …), and the
levers the user lists are added. Each lever then runs N replications with the same seed:
replication i of a lever drew the same random numbers as replication i of the base (common
random numbers), so its gain is measured pair by pair, with a paired 95% t interval, on
delivered tonnes and on the mean and p95 transit days of every flow group (`criteria.py`).
The levers are ranked by tonnes gained, and by days saved per group.

Directory layout (`out`):

    levers.json                  the ranked levers, the base's diagnostics, provenance (written last)
    gains.parquet                tidy: one row per lever per measure: base, with the lever, gain, interval
    base/                        a replications directory (summary.json, runs.parquet, results.parquet,
                                 replications/rep-0000/ …): `corridor-sim report` and `compare` read it
    levers/lever-000/ …          the same for each lever, in the order they were built

The base is put in place at `out` once its runs are done (as an interrupted experiment is),
and the levers run into it; `levers.json`, written last, marks the directory complete. With
`resume`, the runs already finished in `out` are kept.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from ..output import write_json_atomic, write_parquet_atomic
from ..layout import FORMAT, GAINS, LEVERS, LEVERS_BASE_DIR, LEVERS_DIR, REPLICATIONS_DIR, SUMMARY
from ..rundir import replication_id
from ..scenario import Scenario, ScenarioError
from ..scenario.loader import apply_overrides, parse_override, validate
from ..scenario.sources import load_any, override_texts
from .candidates import Lever, limiting_elements, levers_for
from .criteria import TONNES, TRANSIT_STATS, default_criteria, transit_groups
from .errors import ExperimentError, ExperimentInterrupted
from .executors import check_options
from .gains import paired_gain
from .lever_gains import by_days_saved, gain_rows, gains_table, lever_dir, lever_entry, rank
from .metrics import flatten
from .replications import (RESULTS, RUNS, ReplicationResult, check_replications, check_runs, seeded,
                           summarize_replications)
from .runner import Experiment, check_out, check_progress
from .stats import t_interval
from .sweep import value_text
from .tasks import RunOutcome, RunTask

if TYPE_CHECKING:
    import pandas as pd

BASE_DIR = LEVERS_BASE_DIR
DEFAULT_TOP = 5
DEFAULT_REPLICATIONS = 3
CONFIDENCE = ("95% paired t interval over the replications: replication i of the base and of a lever drew the "
              "same random numbers (common random numbers)")


@dataclass
class LeverResult:
    info: dict                 # the content of levers.json
    gains: pd.DataFrame        # tidy: one row per lever per measure
    base: ReplicationResult    # the base's replications
    out: Path | None = None

    def __repr__(self) -> str:
        info = self.info
        first = (info.get("levers") or [None])[0]
        best = "no lever" if first is None else (
            f"first: {first['lever']}, {first['gain_tonnes_per_year']['mean'] or 0:+,.0f} t/yr"
            + (" (real)" if first["gain_tonnes_per_year"]["real"] else " (not real)"))
        return (f"LeverResult({info.get('scenario')}: {len(info.get('levers') or [])} levers on "
                f"{len(info.get('limiting') or [])} limiting elements, {info.get('replications')} replications; "
                f"{best}{f', in {self.out}' if self.out else ''})")

    def _repr_html_(self) -> str:
        head = f"<b>LeverResult</b> {html.escape(repr(self)[len('LeverResult('):-1])}"
        tonnes = self.gains[self.gains.measure == TONNES]
        return head + tonnes[["lever", "path", "gain", "gain_ci95_low", "gain_ci95_high", "real"]].to_html(index=False)


def check_top(top) -> None:
    if isinstance(top, bool) or not isinstance(top, int) or top < 0:
        raise ExperimentError("top", "must be a whole number >= 0", value=top)


def given_levers(levers: Sequence[str] | Mapping[str, object], resolved: dict, shown: str) -> list[Lever]:
    """The levers the user gave (`path=value` texts or a {path: value} mapping), each checked on the base
    scenario before anything runs: a bad one names itself."""
    if isinstance(levers, Mapping):
        texts = [f"{path}={value_text(value)}" for path, value in levers.items()]
    elif isinstance(levers, str):
        texts = [levers]
    else:
        texts = list(levers)
    out: list[Lever] = []
    for text in texts:
        if not isinstance(text, str):
            raise ExperimentError("levers", "expected path.to.field=value texts, or a {path: value} mapping",
                                  value=levers)
        try:
            parts, value = parse_override(text)
            validate(apply_overrides(resolved, [text], shown), shown)
        except ValueError as exc:   # not path=value
            raise ExperimentError("levers", f"{text!r}: {exc}") from None
        except ScenarioError as exc:   # the file and the field the lever makes wrong
            where = f"{exc.file}: {exc.path}" if exc.path else exc.file
            raise ExperimentError("levers", f"{text!r}: {where}: {exc.problem}") from None
        path = ".".join(parts)
        before = _at(resolved, parts)
        if before == value:
            raise ExperimentError("levers", f"{text!r}: the scenario already has {path} = {value_text(value)}")
        if any(lever.path == path for lever in out):
            raise ExperimentError("levers", f"{text!r}: {path} is given twice (one lever per path; a sweep "
                                            f"tries several values)")
        out.append(Lever(f"{path} = {value_text(value)} (given)", path, value, before, None, "user"))
    return out


def _at(data: dict, parts: list[str]):
    node = data
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def levers(
    scenario: str | Path | Mapping | Scenario,
    *,
    replications: int = DEFAULT_REPLICATIONS,
    top: int = DEFAULT_TOP,
    levers: Sequence[str] | Mapping[str, object] = (),
    workers: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    run_timeout: float | None = None,
    overrides: list[str] | tuple[str, ...] | Mapping = (),
    seed: int | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> LeverResult:
    """Run the base (a file, a mapping or a `Scenario`), build levers for its `top` limiting elements (and
    the `levers` given: 'path=value' texts or {path: value}), run each against the base with common random
    numbers, and rank them.
    Bad input raises `ScenarioError` or `ExperimentError` before anything runs; Ctrl-C raises
    `ExperimentInterrupted` with the finished runs kept in `out`."""
    check_replications(replications)
    check_options(workers, executor, scheduler, run_timeout)
    check_progress(progress)
    check_top(top)
    sets = seeded(override_texts(overrides), seed)
    sc, resolved, shown = load_any(scenario, sets)
    given = given_levers(levers, resolved, shown)
    if top == 0 and not given:
        raise ExperimentError("top", "tries no element, and no lever is given: nothing to try", value=top)
    check_run_count(1 + len(given), replications)
    out = Path(out) if out is not None else None
    if out is not None:
        check_out(out, "levers", resume, scenario if isinstance(scenario, (str, Path)) else None)
    options = {"workers": workers, "executor": executor, "scheduler": scheduler, "run_timeout": run_timeout}
    report = progress or (lambda done, total: None)
    keep = out is not None

    # The base, put in place at `out` when its runs are done.
    base_tasks = [RunTask(replication_id(r), r, resolved, shown, keep_records=keep) for r in range(replications)]
    holder: dict = {}

    def finish_base(work: Path | None, outcomes: list[RunOutcome], seconds: float) -> None:
        holder["base"] = (summarize_replications(outcomes, seconds), outcomes)
        if work is not None:
            _write_replications(work / BASE_DIR, holder["base"][0])

    Experiment(base_tasks, lambda t: f"{BASE_DIR}/{REPLICATIONS_DIR}/{t.run_id}", out, resume=resume,
               progress=report, top_files=(LEVERS, GAINS, f"{BASE_DIR}/{SUMMARY}"), final=False,   # levers follow
               **options).run(finish_base)
    base, base_outcomes = holder["base"]

    first = len(base_tasks)
    try:
        # What limits it, and what to try.
        limiting, tried, skipped = _candidates(base.summary, sc, resolved, shown, top, given)
        check_run_count(1 + len(tried), replications)   # the diagnostics' levers too, before any of them runs
        runs = []   # (lever index, task)
        for k, lever in enumerate(tried):
            data = apply_overrides(resolved, [f"{lever.path}={value_text(lever.value)}"], shown)
            runs += [(k, RunTask(replication_id(r), r, data, shown, parameters={lever.path: lever.value},
                                 keep_records=keep)) for r in range(replications)]
        where = {id(t): f"{LEVERS_DIR}/{lever_dir(k)}/{REPLICATIONS_DIR}/{t.run_id}" for k, t in runs}

        def finish_levers(work: Path | None, outcomes: list[RunOutcome], seconds: float) -> None:
            entries, rows, by_lever = _judged(sc, tried, [k for k, _ in runs], outcomes, base_outcomes, work)
            ranked = rank(entries)
            info = _info(sc, shown, replications, top, overrides, base, base_outcomes, limiting, ranked, skipped,
                         by_lever, seconds)
            holder["result"] = (info, gains_table(rows))
            if work is not None:
                write_parquet_atomic(work / GAINS, holder["result"][1])
                write_json_atomic(work / LEVERS, info)   # last: its presence marks the experiment complete

        Experiment([t for _, t in runs], lambda t: where[id(t)], out, resume=True,
                   progress=lambda done, total: report(first + done, first + total),
                   top_files=(LEVERS, GAINS, *(f"{LEVERS_DIR}/{lever_dir(k)}/{SUMMARY}" for k in range(len(tried)))),
                   **options).run(finish_levers)
    except ExperimentInterrupted as exc:   # counted with the base's runs
        raise ExperimentInterrupted(first + exc.finished, first + exc.total, out) from None
    except KeyboardInterrupt:              # after the base, before any lever finished
        raise ExperimentInterrupted(first, first, out) from None
    info, gains = holder["result"]
    return LeverResult(info, gains, base, out)


def _judged(sc, tried: list[Lever], lever_of: list[int], outcomes: list[RunOutcome], base_outcomes: list[RunOutcome],
            work: Path | None) -> tuple[list[dict], list[dict], dict[int, list[RunOutcome]]]:
    """Each lever's replications summarised (and written into `work`, as a replications directory), and
    its gains against the base, pair by pair, on tonnes and on the transit of every flow group: its
    levers.json entry, its rows of gains.parquet, and its runs (`lever_of[i]`: the lever of run i)."""
    criteria = default_criteria(sc)   # tonnes, and the mean and p95 transit of every flow group
    by_lever: dict[int, list[RunOutcome]] = {}
    for k, o in zip(lever_of, outcomes):
        by_lever.setdefault(k, []).append(o)
    base_metrics = {o.replication: flatten(o.summary) for o in base_outcomes if o.ok}
    entries, rows = [], []
    for k, lever in enumerate(tried):
        done = by_lever.get(k, [])
        result = summarize_replications(done, sum(o.summary.get("runtime_seconds") or 0.0 for o in done))
        if work is not None:
            _write_replications(work / LEVERS_DIR / lever_dir(k), result)
        metrics = {o.replication: flatten(o.summary) for o in done if o.ok}
        gains = {c.metric: paired_gain(c, {r: m.get(c.metric) for r, m in base_metrics.items()},
                                       {r: m.get(c.metric) for r, m in metrics.items()}) for c in criteria}
        entries.append(lever_entry(k, lever, gains, sc, done))
        rows += gain_rows(k, lever, gains, criteria, sc)
    return entries, rows, by_lever


def check_run_count(experiments: int, replications: int) -> None:
    """The base and the levers, each with its replications, are at most `MAX_RUNS` runs: bounded work."""
    n, runs = experiments - 1, experiments * replications
    check_runs(runs, "replications", f"of the base and its {n:,} lever{'s' * (n != 1)} make {runs:,} runs",
               "fewer levers, a smaller top or fewer replications")


def _candidates(summary: dict, sc, resolved: dict, shown: str, top: int, given: list[Lever]):
    """The limiting elements (the top `top` with a lever), the levers to try (theirs, then the ones given),
    and the elements passed over for want of a lever, with why."""
    limiting, tried, skipped = [], [], []
    for element in limiting_elements(summary):
        if len(limiting) >= top:
            break
        found, why = levers_for(element.element, sc, summary)
        found = [lever for lever in found if _valid(lever, resolved, shown)]
        if not found:
            element.no_lever = why or "its levers make an invalid scenario (a limit of the schema)"
            skipped.append(element.as_dict())
            continue
        element.levers = [lever_dir(len(tried) + i) for i in range(len(found))]
        tried += found
        limiting.append(element)
    for lever in given:
        key = (lever.path, value_text(lever.value))
        same = next((i for i, t in enumerate(tried) if (t.path, value_text(t.value)) == key), None)
        if same is None:
            tried.append(lever)
        else:   # built from the diagnostics too: tried once
            t = tried[same]
            tried[same] = Lever(t.lever, t.path, t.value, t.base_value, t.element, "diagnostics and user")
    return [e.as_dict() for e in limiting], tried, skipped


def _valid(lever: Lever, resolved: dict, shown: str) -> bool:
    """A lever built from the diagnostics makes a valid scenario (a fleet at the schema's size limit does not)."""
    try:
        validate(apply_overrides(resolved, [f"{lever.path}={value_text(lever.value)}"], shown), shown)
    except ScenarioError:
        return False
    return True


# ---------------------------------------------------------------------------
# What each lever buys, and the ranking
# ---------------------------------------------------------------------------


def _write_replications(directory: Path, result: ReplicationResult) -> None:
    """A replications directory's own files, around the run directories already written into it."""
    directory.mkdir(parents=True, exist_ok=True)
    write_parquet_atomic(directory / RUNS, result.runs)
    write_parquet_atomic(directory / RESULTS, result.results)
    write_json_atomic(directory / SUMMARY, result.summary)   # last: it marks the directory complete


def _diagnostics(sc, base: ReplicationResult, base_outcomes: list[RunOutcome]) -> dict:
    """The base's diagnostics, as levers.json gives them: what it delivers against its demand, its transit
    times, its stability, static capacity and ranked bottlenecks (means and intervals over its replications)."""
    s = base.summary
    metrics = [flatten(o.summary) for o in base_outcomes if o.ok]

    def stat(metric: str) -> dict:
        iv = t_interval([m.get(metric) for m in metrics])
        return {"mean": iv.mean, "ci95": iv.ci}

    stability = s.get("stability") or {}
    capacity = s.get("static_capacity") or {}
    return {
        "dir": BASE_DIR,
        "delivered_tonnes_per_year": stat(TONNES),
        "demand_tonnes_per_year": stat("stability.demand_tonnes_per_year")["mean"],
        "transit_days": {group: {st: stat(f"{prefix}.{st}") for st in TRANSIT_STATS}
                         for group, prefix in transit_groups(sc).items()},
        "stability": {"stable": stability.get("stable"), "message": stability.get("message"),
                      "stable_in": sum(bool((o.summary.get("stability") or {}).get("stable"))
                                       for o in base_outcomes if o.ok)},
        "static_capacity": {"tonnes_per_year": capacity.get("tonnes_per_year"),
                            "first_to_saturate": capacity.get("first_to_saturate"), "note": capacity.get("note")},
        "bottlenecks": [{k: b.get(k) for k in ("name", "kind", "listed_in", "rank", "queue_state", "reason")}
                        for b in s.get("bottlenecks") or []],
        "waits_by_cause": s.get("waits_by_cause"),
    }


def _info(sc, shown, replications, top, overrides, base, base_outcomes, limiting, ranked, skipped, by_lever,
          seconds) -> dict:
    lever_runs = [o for done in by_lever.values() for o in done]
    failed = [{"lever": BASE_DIR, "run_id": o.run_id, "replication": o.replication, "error": o.error}
              for o in base_outcomes if not o.ok]
    failed += [{"lever": e["id"], **f} for e in sorted(ranked, key=lambda e: e["id"]) for f in e["failed"]]
    first = next((o.summary for o in base_outcomes if o.ok), base_outcomes[0].summary if base_outcomes else {})
    return {
        "format": FORMAT,
        "scenario": sc.name,
        "scenario_file": shown,
        "seed": sc.seed,
        "replications": replications,
        "top": top,
        "overrides": override_texts(overrides),
        "confidence": CONFIDENCE,
        "measures": {"tonnes": TONNES, "days": transit_groups(sc)},
        "base": _diagnostics(sc, base, base_outcomes),
        "limiting": limiting,
        "not_levered": skipped,
        "levers": ranked,
        "by_days_saved": by_days_saved(ranked),
        "runs": len(base_outcomes) + len(lever_runs),
        "runs_ok": sum(o.ok for o in base_outcomes) + sum(o.ok for o in lever_runs),
        "failed": failed,
        "version": first.get("version"),
        "git_commit": first.get("git_commit"),
        "python": first.get("python"),
        "runtime_seconds": round((base.summary.get("runtime_seconds") or 0.0) + seconds, 3),
    }
