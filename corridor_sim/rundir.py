"""Reading run directories back: the one reader, beside the writer (`output.py`).

A run directory is one of:

    DIR/summary.json, scenario.resolved.yaml,     a single run: written under a temporary name and
        visits.parquet & co. (RECORD_FILES)        renamed into place whole
    DIR/summary.json (`error`), error.txt, ...     a failed run: its provenance and error, no records
    DIR/summary.json, DIR/replications/rep-0000/   replications: a run directory per replication; the
                                                   aggregated summary.json is written last
    DIR/sweep.json, DIR/runs/g000-r0000/           a sweep (sweep.json written last): not a run, refused
                                                   where a run is wanted; read as a sweep by `SweepDirectory`
    DIR/levers.json, DIR/base/, DIR/levers/…       levers (levers.json written last): not a run either; its
                                                   base and each lever are replications directories
    DIR/market.json beside replications            a market: the final corridor run's replications, and
                                                   the equilibrium (`read_market`)

Everything that reads a run reads it here: `compare` (`RunDirectory.successful_runs`), the figures,
the report, the exports and the explorer (`load_run`, `SweepDirectory`, `LeversDirectory`,
`read_market`), and `--resume` (`finished_run`: is this run already there?).

What a complete directory is, decided here once (`RunDirectory.read`):

- its summary.json (sweep.json) parses, names a `format` this version reads (`layout.FORMATS_READ`),
  and has the fields of its kind that readers rely on;
- a run that did not fail has its resolved scenario and every record table, each a Parquet file
  that opens (its footer reads) with the columns of its records; a failed run its resolved
  scenario and error.txt;
- replications: every replication's run directory is itself complete (or a complete failed run);
- a sweep: its grid and saturation tables open.

A directory that is not what was asked for, or is damaged, raises `NotARunDirectory`: one line
naming the path and what is wrong with it. `--resume` takes it as not finished, and runs it again.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .analysis.window import Window
from .layout import (ERROR, FORMATS_READ, GAINS, LEVERS, LEVERS_BASE_DIR, LEVERS_DIR, MARKET, REPLICATIONS_DIR,
                     RESOLVED, SATURATION, SUMMARY, SUMMARY_TABLE, SWEEP, SWEEP_RUNS_DIR)
from .output import DELIVERIES, RECORD_FILES, SAMPLES, VISITS, VOYAGES, record_frames
from .parameters import PYTHON, ParameterNames, Remedy

if TYPE_CHECKING:   # the tables are read on demand, by the figures and the report: a run needs no pandas
    import pandas as pd

__all__ = ["REPLICATIONS_DIR", "SWEEP", "SWEEP_RUNS_DIR", "LeversDirectory", "NotARunDirectory", "RunData", "RunDirectory",
           "SweepDirectory", "finished_run", "load_run", "read_market", "read_table", "replication_id", "same_scenario"]

# The fields readers rely on, and what each must be, by kind of summary.
_PROVENANCE = {"format": str, "scenario": str, "seed": int}
_RUN = {**_PROVENANCE, "replication": int, "start_date": str, "window": dict, "kpis": dict, "resources": list,
        "bottlenecks": list, "stability": dict, "static_capacity": dict, "mass_balance": dict}
_FAILED = {**_PROVENANCE, "replication": int, "error": str}
_REPLICATIONS = {**_PROVENANCE, "replications": int, "replications_ok": int, "failed": list}
_REPLICATIONS_OK = {"window": dict, "kpis": dict, "resources": list, "bottlenecks": list, "mass_balance": dict}
_SWEEP = {**_PROVENANCE, "replications": int, "vary": dict, "points": int, "runs": int, "runs_ok": int,
          "failed": list, "saturation": dict}
_LEVERS = {**_PROVENANCE, "replications": int, "base": dict, "limiting": list, "levers": list, "runs": int,
           "runs_ok": int, "failed": list}
_MARKET = {**_PROVENANCE, "replications": int, "markets": dict, "iterations": list, "converged": bool}
_KPIS = ("delivered_tonnes_per_year", "delivered_teu_per_year", "delivered_consignments_per_year")


class NotARunDirectory(ValueError):
    """The path is not a complete corridor-sim run directory (of the kind wanted).

    `remedy`, when there is one, is the setting that would make it one (an unfinished experiment:
    resume=True); `describe` names it in a face's words (`--resume` on the command line)."""

    def __init__(self, problem: str, remedy: Remedy | None = None):
        self.problem = problem
        self.remedy = remedy
        super().__init__(self.describe())

    def describe(self, names: ParameterNames = PYTHON) -> str:
        return self.problem if self.remedy is None else f"{self.problem} ({self.remedy.describe(names)})"

    def __str__(self) -> str:
        return self.describe()


def replication_id(replication: int) -> str:
    """The name of replication i's run directory (by index: no name from a scenario becomes a path)."""
    return f"rep-{replication:04d}"


def same_scenario(a: dict, b: dict) -> bool:
    """Equal as YAML documents (what scenario.resolved.yaml holds)."""
    dump = lambda x: yaml.safe_dump(x, sort_keys=True, allow_unicode=True)  # noqa: E731
    return dump(a) == dump(b)


@dataclass(frozen=True)
class RunDirectory:
    """A complete run directory: a single run, a failed run or replications, and its summary.json
    (of replications: the aggregated one, numbers as {mean, ci95}; `replications`: each one's)."""

    path: Path
    summary: dict
    replications: tuple[RunDirectory, ...] = ()

    @classmethod
    def read(cls, directory) -> RunDirectory:
        """The run directory at `directory`, checked whole (see the module's rules); refuses a missing
        path, a sweep, a directory without a run's summary.json (an unfinished experiment among
        them) and a damaged one."""
        d = _directory(directory)
        if (d / SWEEP).exists() or ((d / SWEEP_RUNS_DIR).is_dir() and not (d / SUMMARY).exists()):
            raise NotARunDirectory(f"{d}: is a sweep directory, not a run directory (its runs are in "
                                   f"{d / SWEEP_RUNS_DIR}/)")
        if (d / LEVERS).exists() or ((d / LEVERS_BASE_DIR / REPLICATIONS_DIR).is_dir() and not (d / SUMMARY).exists()):
            raise NotARunDirectory(f"{d}: is a levers directory, not a run directory (its base is "
                                   f"{d / LEVERS_BASE_DIR}/, each lever under {d / LEVERS_DIR}/)")
        if not (d / SUMMARY).exists():
            unfinished = Remedy("an unfinished experiment: finish it with", "resume", True) \
                if (d / REPLICATIONS_DIR).is_dir() else None
            raise NotARunDirectory(f"{d}: no summary.json: not a corridor-sim run directory", unfinished)
        summary = _read_summary(d / SUMMARY)
        if _is_replications(summary):
            return cls(d, summary, _read_replications(d, summary))
        _check_run_files(d, summary)
        return cls(d, summary)

    @property
    def is_replications(self) -> bool:
        return _is_replications(self.summary)

    @property
    def error(self) -> str | None:
        """Why a single run failed (None when it did not, and for replications)."""
        return self.summary.get("error")

    @property
    def complete(self) -> bool:
        """A single run that did not fail (`read` has checked its files)."""
        return not self.is_replications and self.error is None

    def successful_runs(self) -> list[RunDirectory]:
        """The runs that did not fail, in order: the run itself, or each replication."""
        runs = self.replications if self.is_replications else (self,)
        return [run for run in runs if run.error is None]

    def resolved(self) -> dict:
        """The resolved scenario of a single run (scenario.resolved.yaml)."""
        file = self.path / RESOLVED
        try:
            scenario = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotARunDirectory(f"{self.path}: no {RESOLVED}: not a complete run directory") from None
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise NotARunDirectory(f"{file}: cannot be read ({_one_line(exc)})") from None
        if not isinstance(scenario, dict) or "nodes" not in scenario:
            raise NotARunDirectory(f"{file}: not a resolved corridor-sim scenario")
        return scenario


@dataclass(frozen=True)
class SweepDirectory:
    """A finished sweep directory: its sweep.json (`info`), and its tables read on demand."""

    path: Path
    info: dict

    @classmethod
    def read(cls, directory) -> SweepDirectory:
        d = _experiment(directory, SWEEP, SWEEP_RUNS_DIR, "sweep", _SWEEP, (SUMMARY_TABLE, SATURATION))
        return cls(d, _read_json(d / SWEEP, "sweep"))

    def table(self, name: str) -> pd.DataFrame:
        return read_table(self.path, name)


@dataclass(frozen=True)
class LeversDirectory:
    """A finished levers directory: its levers.json (`info`); its base and levers are replications directories."""

    path: Path
    info: dict

    @classmethod
    def read(cls, directory) -> LeversDirectory:
        d = _experiment(directory, LEVERS, LEVERS_BASE_DIR, "levers", _LEVERS, (GAINS,))
        return cls(d, _read_json(d / LEVERS, "levers"))


def read_market(directory) -> dict:
    """A market directory's market.json (the equilibrium beside the final corridor replications), checked."""
    d = _experiment(directory, MARKET, REPLICATIONS_DIR, "market", _MARKET, ())
    return _read_json(d / MARKET, "market")


def _experiment(directory, top: str, started: str, kind: str, fields: dict, tables: tuple[str, ...]) -> Path:
    """An experiment's directory, checked: its top file (written last) with its fields, its tables readable."""
    d = _directory(directory)
    if not (d / top).is_file():
        unfinished = Remedy(f"an unfinished {kind} experiment: finish it with", "resume", True) \
            if (d / started).is_dir() else None
        raise NotARunDirectory(f"{d}: no {top}: not a finished corridor-sim {kind} directory", unfinished)
    _check_fields(d / top, _read_json(d / top, kind), fields)
    for name in tables:
        _check_table(d / name, None)
    return d


def _directory(directory) -> Path:
    d = Path(directory)
    if not d.is_dir():
        raise NotARunDirectory(f"{d}: no such directory" if not d.exists() else f"{d}: not a directory")
    return d


def read_table(directory: Path, name: str) -> pd.DataFrame:
    """One table of a run or sweep directory (`VISITS`, `SAMPLES`, …) as a DataFrame."""
    file = directory / name
    if not file.is_file():
        raise NotARunDirectory(f"{directory}: no {name} (records are needed for this figure)")
    import pandas as pd
    import pyarrow as pa

    try:
        return pd.read_parquet(file)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise NotARunDirectory(f"{file}: cannot be read ({_one_line(exc)})") from None


def _read_json(file: Path, what: str) -> dict:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NotARunDirectory(f"{file}: cannot be read ({_one_line(exc)})") from None
    if not isinstance(data, dict):
        raise NotARunDirectory(f"{file}: not a corridor-sim {what} summary")
    version = data.get("format")
    if version is None:
        raise NotARunDirectory(f"{file}: no format: written by an older corridor-sim, or not by corridor-sim "
                               f"(this version reads {', '.join(FORMATS_READ)}); run it again")
    if version not in FORMATS_READ:
        raise NotARunDirectory(f"{file}: format {_shown(version)} is not one this corridor-sim reads "
                               f"({', '.join(FORMATS_READ)})")
    return data


def _read_summary(file: Path) -> dict:
    """A summary.json checked: format, and the fields of its kind (a run, a failed run, replications)."""
    summary = _read_json(file, "run")
    if _is_replications(summary):
        _check_fields(file, summary, _REPLICATIONS)
        if summary["replications_ok"]:
            _check_fields(file, summary, _REPLICATIONS_OK)
    elif summary.get("error") is not None:
        _check_fields(file, summary, _FAILED)
    else:
        _check_fields(file, summary, _RUN)
        missing = [k for k in _KPIS if not isinstance(summary["kpis"].get(k), dict)]
        if missing:
            raise NotARunDirectory(f"{file}: no kpis.{missing[0]}: a damaged or foreign run summary")
    return summary


def _check_fields(file: Path, data: dict, fields: dict) -> None:
    for key, kind in fields.items():
        if key not in data:
            raise NotARunDirectory(f"{file}: no {key}: a damaged or foreign summary")
        value = data[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise NotARunDirectory(f"{file}: {key} is {_shown(value)}, not a {kind.__name__}: a damaged or "
                                   "foreign summary")


def _check_run_files(d: Path, summary: dict) -> None:
    """A run's files: the resolved scenario, and its records (a failed run: its error.txt instead)."""
    needed = [RESOLVED, ERROR] if summary.get("error") is not None else [RESOLVED]
    for name in needed:
        if not (d / name).is_file():
            raise NotARunDirectory(f"{d}: no {name}: not a complete run directory")
    if summary.get("error") is None:
        for name, record in RECORD_FILES.items():
            _check_table(d / name, record._fields)


def _check_table(file: Path, columns) -> None:
    """A Parquet file that opens (its footer and schema read) and has `columns`."""
    if not file.is_file():
        raise NotARunDirectory(f"{file.parent}: no {file.name}: not a complete run directory")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        names = pq.ParquetFile(file).schema_arrow.names
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise NotARunDirectory(f"{file}: cannot be read ({_one_line(exc)})") from None
    missing = [c for c in columns or () if c not in names]
    if missing:
        raise NotARunDirectory(f"{file}: no column {missing[0]!r}: not a corridor-sim {file.stem} table")


def _read_replications(d: Path, summary: dict) -> tuple[RunDirectory, ...]:
    """Each replication's run directory, checked; the aggregated summary's count and failures agree with them."""
    failed = {f.get("replication") for f in summary["failed"] if isinstance(f, dict)}
    runs = []
    for i in range(summary["replications"]):
        run = RunDirectory.read(d / REPLICATIONS_DIR / replication_id(i))
        if run.is_replications or (run.error is not None) != (i in failed):
            raise NotARunDirectory(f"{run.path}: does not match {d / SUMMARY} (a damaged replications directory)")
        runs.append(run)
    return tuple(runs)


def _is_replications(summary: dict) -> bool:
    n = summary.get("replications")
    return isinstance(n, int) and not isinstance(n, bool)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _shown(value) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 40 else text[:37] + "..."


def finished_run(directory, resolved: dict) -> dict | None:
    """The summary in `directory` if it holds this resolved scenario's run, finished: a complete
    single run that did not fail. Anything else (nothing there, a failed, partial or damaged run,
    replications, another scenario) is None: run it (again)."""
    try:
        run = RunDirectory.read(directory)
        done = run.complete and same_scenario(run.resolved(), resolved)
    except NotARunDirectory:
        return None
    return run.summary if done else None


@dataclass
class RunData:
    """One run or one set of replications, for the figures and the report: `summary` (of replications,
    the aggregated one), the resolved `scenario`, and the record tables read on first use into `frames`
    by file name. For replications, `replication_dirs` lists the successful ones: `deliveries` holds them
    all (column `replication`), the other tables the first one's."""

    summary: dict
    scenario: dict
    path: Path | None = None
    replication_dirs: list[Path] = field(default_factory=list)
    frames: dict = field(default_factory=dict, repr=False)

    @property
    def is_replications(self) -> bool:
        return _is_replications(self.summary)

    @property
    def name(self) -> str:
        return str(self.summary.get("scenario") or self.scenario.get("name") or "run")

    @cached_property
    def window(self) -> Window:
        """The measured window (its dates from the summary's start_date, its length from the scenario)."""
        return Window.of(self.scenario, self.summary.get("start_date"))

    @property
    def start(self) -> dt.datetime:
        return self.window.start

    @property
    def warmup_hours(self) -> float:
        return self.window.warmup_hours

    @property
    def end_hours(self) -> float:
        return self.window.end_hours

    @property
    def per_year(self) -> float:
        return self.window.per_year

    def date(self, hours) -> pd.DatetimeIndex:
        """Simulated hours as calendar datetimes."""
        return self.window.date(hours)

    def table(self, name: str) -> pd.DataFrame:
        """A record table of the run (the first replication's, for replications), read once."""
        if name not in self.frames:
            source = self.replication_dirs[0] if self.replication_dirs else self.path
            if source is None:
                raise NotARunDirectory(f"(a run in memory): no {name} (records are needed for this figure)")
            self.frames[name] = read_table(source, name)
        return self.frames[name]

    @property
    def visits(self) -> pd.DataFrame:
        return self.table(VISITS)

    @property
    def samples(self) -> pd.DataFrame:
        return self.table(SAMPLES)

    @property
    def voyages(self) -> pd.DataFrame:
        return self.table(VOYAGES)

    @property
    def deliveries(self) -> pd.DataFrame:
        """Deliveries, with a `replication` column (all successful replications of a replications dir)."""
        if DELIVERIES not in self.frames:
            import pandas as pd

            tables = [read_table(d, DELIVERIES) for d in self.replication_dirs] or [self.table(DELIVERIES)]
            self.frames[DELIVERIES] = pd.concat([t.assign(replication=i) for i, t in enumerate(tables)],
                                                ignore_index=True)
        return self.frames[DELIVERIES]

    @property
    def n_replications(self) -> int:
        return max(1, len(self.replication_dirs))

    def resource(self, name: str) -> dict | None:
        return next((r for r in self.summary.get("resources", []) if r.get("name") == name), None)


def load_run(source) -> RunData:
    """A RunResult (from `api.run`), a RunData, or the path of a run directory, as RunData.

    Raises `NotARunDirectory` with one readable line when the path is not a complete
    run directory with a run to show: a sweep directory, a failed run, replications
    that all failed.
    """
    if isinstance(source, RunData):
        return source
    if hasattr(source, "records") and hasattr(source, "summary") and hasattr(source, "resolved"):
        return RunData(source.summary, source.resolved, None, [], dict(record_frames(source.records)))
    run = RunDirectory.read(source)
    path = run.path
    if run.error:
        raise NotARunDirectory(f"{path}: the run failed ({run.error}); see {path / ERROR}")
    if not run.is_replications:
        return RunData(run.summary, run.resolved(), path, [])
    reps = run.successful_runs()
    if not reps:
        raise NotARunDirectory(f"{path}: no successful replication under {path / REPLICATIONS_DIR}")
    return RunData(run.summary, reps[0].resolved(), path, [r.path for r in reps])
