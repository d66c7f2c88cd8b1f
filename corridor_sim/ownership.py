"""What corridor-sim may replace: its own outputs, never anything else.

A command that writes a directory (`run`, `run --replications`, `sweep`) replaces `--out`
whole, so that a rerun leaves no file of the previous run behind. That is safe only if what
was there is corridor-sim's. The rules, checked before anything runs (`check_out`):

- `--out` may not be the current directory, a folder that holds it (`..`, `/`), the home
  directory or a folder that holds it, nor a folder that holds the scenario file being run;
  nor a symbolic link (the link would be replaced, not what it points to);
- an existing `--out` must be a directory that is empty (or holds only empty folders), or a
  corridor-sim output: every entry in it, at every level, bears a name corridor-sim writes
  there (`layout.py`: summary.json, visits.parquet, … in a run directory; `replications/rep-0000/`,
  `runs/g000-r0000/` below an experiment; `base/` and `levers/lever-000/`, replications
  directories, below levers; the temporary names of a write that was killed), and it carries
  corridor-sim's mark: a summary.json, sweep.json or levers.json that names corridor-sim's
  `format` (or, written before the format was named, holds corridor-sim's provenance fields), at
  its top or, for an experiment that was interrupted before its summary, in one of its runs.

Anything else is refused with one line naming what is there (`exists and is not a corridor-sim
output (it holds notes.txt, sub/)`). At the moment of replacement the writer checks again
(`replace_problem`), on the old directory once it has been renamed aside (so that nothing can
be added to it unseen between the check and the removal), and puts it back if it now holds
anything else.

Files written into a folder beside others (a report, the findings table, a figure) replace only
a file of the same kind that corridor-sim wrote (`check_file_out`).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Callable

from .layout import (EXPORT_CSV_FILES, EXPORT_MANIFEST, FINDINGS_JSON, FINDINGS_MD, LEVER_DIR, LEVERS,
                     LEVERS_BASE_DIR, LEVERS_DIR, LEVERS_FILES, PRODUCT, REPLICATIONS_DIR, REPLICATIONS_FILES,
                     RUN_DIRS, RUN_FILES, SUMMARY, SWEEP, SWEEP_FILES, TEMPORARY)
from .parameters import PYTHON, ParameterNames

OUTPUT_FILES = RUN_FILES | REPLICATIONS_FILES | SWEEP_FILES | LEVERS_FILES   # what the top of an output may hold
SHOWN = 5                                                     # entries named in a message


class OutputRefused(ValueError):
    """`out` is something corridor-sim must not replace or write into. Raised before anything runs
    (and, if it changed meanwhile, at the moment of replacement: then nothing is replaced)."""

    def __init__(self, out, problem: str, parameter: str = "out"):
        self.out = out
        self.problem = problem
        self.parameter = parameter    # the parameter that named it (`plot` for compare's figure)
        super().__init__(self.describe())

    def describe(self, names: ParameterNames = PYTHON) -> str:
        return f"{names.setting(self.parameter, self.out)}: {self.problem}"

    def __str__(self) -> str:
        return self.describe()


# ---------------------------------------------------------------------------
# A directory replaced whole
# ---------------------------------------------------------------------------


def check_out(out, *, scenario=None) -> None:
    """Refuse an `out` directory that corridor-sim may not replace whole (see the module's rules)."""
    problem = place_problem(Path(out), scenario) or content_problem(Path(out))
    if problem is not None:
        raise OutputRefused(out, problem)


def place_problem(out: Path, scenario=None) -> str | None:
    """Why `out` is a place no run may be written to, whatever it holds now (None if it may be)."""
    advice = "; corridor-sim replaces its output directory whole: give it one of its own, such as runs/NAME"
    target = Path(os.path.realpath(out))
    cwd = Path.cwd().resolve()
    if target == Path(target.anchor):
        return "is the root directory" + advice
    if target == cwd:
        return "is the current directory" + advice
    if target in cwd.parents:
        return "holds the current directory" + advice
    home = _home()
    if home is not None and target == home:
        return "is the home directory" + advice
    if home is not None and target in home.parents:
        return "holds the home directory" + advice
    if scenario is not None and Path(scenario).is_file():   # (a scenario given as a mapping has no file)
        source = Path(os.path.realpath(scenario))
        if target in source.parents:
            return f"holds the scenario file {scenario}" + advice
    return None


def content_problem(out: Path) -> str | None:
    """Why what is at `out` now may not be replaced (None if nothing is there, or a corridor-sim output)."""
    if out.is_symlink():
        return "is a symbolic link (it would be replaced, not what it points to); give the directory itself"
    if not out.exists():
        return None
    if not out.is_dir():
        return "exists and is not a directory"
    foreign = foreign_entries(out)
    if foreign:
        return f"exists and is not a corridor-sim output (it holds {_listing(foreign)}); choose another directory"
    if _holds_files(out) and not _marked(out):
        return (f"exists and is not a corridor-sim output (it has no corridor-sim {SUMMARY} or {SWEEP}); "
                "choose another directory")
    return None


def replace_problem(directory: Path) -> str | None:
    """At the moment of replacement: why `directory` may not be removed (it holds what is not ours)."""
    foreign = foreign_entries(directory)
    if foreign:
        return f"now holds {_listing(foreign)}, which corridor-sim did not write: left as it was, nothing replaced"
    return None


def foreign_entries(directory: Path) -> list[str]:
    """The entries under `directory` that do not bear a name corridor-sim writes there (relative paths,
    folders with a trailing /), in name order."""
    found: list[str] = []
    for entry, own, shown in _entries(Path(directory), "", found):
        if entry.is_dir(follow_symlinks=False) and own in RUN_DIRS:   # replications/, runs/
            _foreign_runs(Path(entry.path), shown + "/", RUN_DIRS[own], found)
        elif entry.is_dir(follow_symlinks=False) and own == LEVERS_BASE_DIR:   # levers' base/
            _foreign_replications(Path(entry.path), shown + "/", found)
        elif entry.is_dir(follow_symlinks=False) and own == LEVERS_DIR:        # levers/lever-000/
            for lever, lever_own, lever_shown in _entries(Path(entry.path), shown + "/", found):
                if lever.is_dir(follow_symlinks=False) and LEVER_DIR.fullmatch(lever_own):
                    _foreign_replications(Path(lever.path), lever_shown + "/", found)
                else:
                    found.append(_named(lever, lever_shown))
        elif not _a_file_of(entry, own, OUTPUT_FILES):
            found.append(_named(entry, shown))
    return found


def _foreign_replications(directory: Path, prefix: str, found: list[str]) -> None:
    """A replications directory below an experiment (levers' base and levers): its files and its runs."""
    for entry, own, shown in _entries(directory, prefix, found):
        if entry.is_dir(follow_symlinks=False) and own == REPLICATIONS_DIR:
            _foreign_runs(Path(entry.path), shown + "/", RUN_DIRS[REPLICATIONS_DIR], found)
        elif not _a_file_of(entry, own, REPLICATIONS_FILES):
            found.append(_named(entry, shown))


def _foreign_runs(directory: Path, prefix: str, run_name: re.Pattern, found: list[str]) -> None:
    """Below an experiment: run directories (rep-0000, g000-r0000), each holding a run's files."""
    for entry, own, shown in _entries(directory, prefix, found):
        if entry.is_dir(follow_symlinks=False) and run_name.fullmatch(own):
            for inner, inner_own, inner_shown in _entries(Path(entry.path), shown + "/", found):
                if not _a_file_of(inner, inner_own, RUN_FILES):
                    found.append(_named(inner, inner_shown))
        else:
            found.append(_named(entry, shown))


def _entries(directory: Path, prefix: str, found: list[str]):
    """(entry, the name it stands for — a temporary `.NAME.tmp-XXXX` stands for NAME —, its path as shown)."""
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError:
        found.append(prefix or "./")
        return
    for entry in entries:
        temporary = TEMPORARY.fullmatch(entry.name)
        yield entry, temporary.group("name") if temporary else entry.name, prefix + entry.name


def _a_file_of(entry: os.DirEntry, own: str, files: frozenset) -> bool:
    return own in files and entry.is_file(follow_symlinks=False)


def _named(entry: os.DirEntry, shown: str) -> str:
    return shown + "/" if entry.is_dir(follow_symlinks=False) else shown


def _holds_files(directory: Path) -> bool:
    for _, _, files in os.walk(directory):
        if files:
            return True
    return False


def _marked(directory: Path) -> bool:
    """Our mark at the top, or (an experiment interrupted before its summary) in one of its runs."""
    if _ours(directory / SUMMARY) or _ours(directory / SWEEP) or _ours(directory / LEVERS):
        return True
    for folder in RUN_DIRS:
        below = directory / folder
        if below.is_dir():
            for run in sorted(below.iterdir()):
                if _ours(run / SUMMARY):
                    return True
    base = directory / LEVERS_BASE_DIR   # levers interrupted before levers.json: its base is marked
    return base.is_dir() and _marked(base)


def _ours(file: Path) -> bool:
    """A summary.json or sweep.json that corridor-sim wrote: it names our format, or (written before
    the format was named) holds our provenance and what only our summaries hold."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("format"), str) and data["format"].startswith(f"{PRODUCT}/"):
        return True
    return {"scenario_file", "seed", "version"} <= set(data) and bool({"kpis", "error", "replications",
                                                                       "vary"} & set(data))


def _listing(entries: list[str]) -> str:
    shown = ", ".join(entries[:SHOWN])
    return shown if len(entries) <= SHOWN else f"{shown} and {len(entries) - SHOWN} more"


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError, OSError):
        return None


# ---------------------------------------------------------------------------
# A file written beside others
# ---------------------------------------------------------------------------


def check_file_out(path, ours: Callable[[Path], bool], what: str, *, parameter: str = "out",
                   parameter_value=None) -> None:
    """Refuse to replace a file at `path` that corridor-sim did not write (`ours` says whether it did).
    `what` names the kind of file in the message. The error names `parameter` set to `path`, or to
    `parameter_value` (the folder the file goes into: findings)."""
    path = Path(path)
    problem = file_problem(path, ours, what)
    if problem is None:
        return
    if parameter_value is None:
        raise OutputRefused(path, f"{problem}; choose another file", parameter)
    raise OutputRefused(parameter_value, f"its {path.name} {problem}; choose another directory", parameter)


def file_problem(path: Path, ours: Callable[[Path], bool], what: str) -> str | None:
    """Why the file at `path` may not be replaced (None: nothing there, or a `what` corridor-sim wrote)."""
    if path.is_symlink():
        return "is a symbolic link"
    if not path.exists():
        return None
    if path.is_dir():
        return "is a directory"
    if not ours(path):
        return f"exists and is not a {what} written by corridor-sim"
    return None


def is_report(path: Path) -> bool:
    """An HTML page that names corridor-sim as its generator (report/markup.py's page head)."""
    return f'<meta name="generator" content="{PRODUCT} '.encode() in _head(path, 2048)


def is_figure(path: Path) -> bool:
    """A PNG whose `Software` text names corridor-sim (plots.save_figures writes it)."""
    head = _head(path, 4096)
    return head.startswith(b"\x89PNG\r\n\x1a\n") and b"Software\x00" + PRODUCT.encode() in head


def is_workbook(path: Path) -> bool:
    """An .xlsx workbook whose document properties name corridor-sim as its creator (export/files.py)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml")[:4096]
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return f"<dc:creator>{PRODUCT}".encode() in core


def csv_folder_problem(directory: Path) -> str | None:
    """Why `corridor-sim export --csv` may not write into `directory` (None: it is new, empty, or an earlier
    export's: its manifest and CSV files only, the names in `layout.EXPORT_CSV_FILES`)."""
    if directory.is_symlink():
        return "is a symbolic link"
    if not directory.exists():
        return None
    if not directory.is_dir():
        return "exists and is not a directory"
    names = {e.name for e in os.scandir(directory)}
    if not names:
        return None
    if EXPORT_MANIFEST not in names:
        return "is a folder of other files (not an earlier corridor-sim export)"
    foreign = sorted(names - EXPORT_CSV_FILES)
    if foreign:
        return f"holds files corridor-sim did not write ({_listing(foreign)})"
    return None


def is_findings(path: Path) -> bool:
    """findings.md (the table's header) or findings.json (a list of rows with a scenario and its tonnes)."""
    if path.name == FINDINGS_MD:
        return _head(path, 64).startswith(b"| scenario | delivered Mt |")
    if path.name == FINDINGS_JSON:
        try:
            rows = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return isinstance(rows, list) and all(isinstance(r, dict) and {"scenario", "delivered_mt"} <= set(r)
                                              for r in rows)
    return False


def _head(path: Path, n: int) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""
