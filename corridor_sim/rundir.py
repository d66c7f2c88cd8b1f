"""Reading run directories back: the one reader, beside the writer (`output.py`).

A run directory is one of:

    DIR/summary.json, scenario.resolved.yaml,     a single run: written under a temporary name and
        visits.parquet & co. (RECORD_FILES)        renamed into place whole
    DIR/summary.json (`error`), error.txt, ...     a failed run: its provenance and error, no records
    DIR/summary.json, DIR/replications/rep-0000/   replications: a run directory per replication; the
                                                   aggregated summary.json is written last
    DIR/sweep.json, DIR/runs/g000-r0000/           a sweep (sweep.json written last): not a run, refused
                                                   where a run is wanted
    DIR/levers.json, DIR/base/, DIR/levers/…       levers (levers.json written last): not a run either; its
                                                   base and each lever are replications directories

so a directory whose summary.json is there is complete. Everything that reads a run
reads it here: `compare` (`RunDirectory.successful_runs`, the summaries of the runs that
did not fail), the figures and the report (`load_run`: the summary, the resolved scenario
and the record tables on demand), and `--resume` (`finished_run`: is this run already
there?). A directory that is not what was asked for raises `NotARunDirectory`, one line
naming the path and what is wrong with it.
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
from .output import DELIVERIES, ERROR, RECORD_FILES, RESOLVED, SAMPLES, SUMMARY, VISITS, VOYAGES, record_frames
from .parameters import PYTHON, ParameterNames, Remedy

if TYPE_CHECKING:   # the tables are read on demand, by the figures and the report: a run needs no pandas
    import pandas as pd

REPLICATIONS_DIR = "replications"   # the replications' run directories, under the experiment's
SWEEP = "sweep.json"                # a sweep's own file
SWEEP_RUNS_DIR = "runs"             # a sweep's run directories
LEVERS = "levers.json"              # a levers directory's own file (written last)
LEVERS_BASE_DIR = "base"            # ... its base (a replications directory)
LEVERS_DIR = "levers"               # ... and its levers (each a replications directory)


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
    (of replications: the aggregated one, numbers as {mean, ci95})."""

    path: Path
    summary: dict

    @classmethod
    def read(cls, directory) -> RunDirectory:
        """The run directory at `directory`; refuses a missing path, a sweep, and a directory
        without a run's summary.json (an unfinished experiment among them)."""
        d = Path(directory)
        if not d.exists():
            raise NotARunDirectory(f"{d}: no such directory")
        if not d.is_dir():
            raise NotARunDirectory(f"{d}: not a directory")
        if (d / SWEEP).exists() or ((d / SWEEP_RUNS_DIR).is_dir() and not (d / SUMMARY).exists()):
            raise NotARunDirectory(f"{d}: is a sweep directory, not a run directory (its runs are in "
                                   f"{d / SWEEP_RUNS_DIR}/)")
        unfinished_levers = (d / LEVERS_BASE_DIR / REPLICATIONS_DIR).is_dir() and not (d / SUMMARY).exists()
        if (d / LEVERS).exists() or unfinished_levers:
            raise NotARunDirectory(f"{d}: is a levers directory, not a run directory (its base is "
                                   f"{d / LEVERS_BASE_DIR}/, each lever under {d / LEVERS_DIR}/)")
        if not (d / SUMMARY).exists():
            unfinished = Remedy("an unfinished experiment: finish it with", "resume", True) \
                if (d / REPLICATIONS_DIR).is_dir() else None
            raise NotARunDirectory(f"{d}: no summary.json: not a corridor-sim run directory", unfinished)
        return cls(d, _read_summary(d / SUMMARY))

    @property
    def is_replications(self) -> bool:
        return _is_replications(self.summary)

    @property
    def error(self) -> str | None:
        """Why a single run failed (None when it did not, and for replications)."""
        return self.summary.get("error")

    @property
    def complete(self) -> bool:
        """A single run that did not fail, with all its record files."""
        return (not self.is_replications and self.error is None and "kpis" in self.summary
                and all((self.path / name).is_file() for name in RECORD_FILES))

    def successful_runs(self) -> list[RunDirectory]:
        """The runs that did not fail, in order: the run itself, or each replication."""
        if not self.is_replications:
            return [self] if self.error is None else []
        runs = []
        for i in range(self.summary["replications"]):
            d = self.path / REPLICATIONS_DIR / replication_id(i)
            run = RunDirectory(d, _read_summary(d / SUMMARY))
            if run.error is None:
                runs.append(run)
        return runs

    def resolved(self) -> dict:
        """The resolved scenario of a single run (scenario.resolved.yaml)."""
        file = self.path / RESOLVED
        try:
            scenario = yaml.safe_load(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotARunDirectory(f"{self.path}: no {RESOLVED}: not a complete run directory") from None
        except (OSError, yaml.YAMLError) as exc:
            raise NotARunDirectory(f"{file}: cannot be read ({exc})") from None
        if not isinstance(scenario, dict) or "nodes" not in scenario:
            raise NotARunDirectory(f"{file}: not a resolved corridor-sim scenario")
        return scenario


def read_table(directory: Path, name: str) -> pd.DataFrame:
    """One record file of a run directory (`VISITS`, `SAMPLES`, …) as a DataFrame."""
    if not (directory / name).is_file():
        raise NotARunDirectory(f"{directory}: no {name} (records are needed for this figure)")
    import pandas as pd

    return pd.read_parquet(directory / name)


def _read_summary(file: Path) -> dict:
    try:
        summary = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NotARunDirectory(f"{file}: cannot be read ({exc})") from None
    # a run's KPIs, a failed run's error, or replications (whose KPIs are missing when all failed)
    if not isinstance(summary, dict) or not ("kpis" in summary or summary.get("error")
                                             or _is_replications(summary)):
        raise NotARunDirectory(f"{file}: not a corridor-sim run summary")
    return summary


def _is_replications(summary: dict) -> bool:
    n = summary.get("replications")
    return isinstance(n, int) and not isinstance(n, bool)


def finished_run(directory, resolved: dict) -> dict | None:
    """The summary in `directory` if it holds this resolved scenario's run, finished: a complete
    single run that did not fail. Anything else (nothing there, a failed or partial run,
    replications, another scenario) is None: run it (again)."""
    try:
        run = RunDirectory.read(directory)
        done = run.complete and same_scenario(run.resolved(), resolved)
    except NotARunDirectory:
        return None
    return run.summary if done else None


# ---------------------------------------------------------------------------
# A run as the figures and the report read it
# ---------------------------------------------------------------------------


@dataclass
class RunData:
    """One run or one set of replications, for the figures and the report.

    `summary` is the run's `summary.json` (for replications, the aggregated one:
    numbers as {mean, ci95}); `scenario` the resolved scenario; the record tables
    (`visits`, `deliveries`, `samples`, `voyages`) are read on first use into `frames`
    (by file name; a run in memory brings them all). For replications,
    `replication_dirs` lists the successful replications' run directories:
    `deliveries` holds all of them (column `replication`), the other tables the first one's.
    """

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
            if self.replication_dirs:
                frames = []
                for i, d in enumerate(self.replication_dirs):
                    f = read_table(d, DELIVERIES)
                    f["replication"] = i
                    frames.append(f)
                import pandas as pd

                self.frames[DELIVERIES] = pd.concat(frames, ignore_index=True)
            else:
                f = self.table(DELIVERIES).copy()
                f["replication"] = 0
                self.frames[DELIVERIES] = f
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
