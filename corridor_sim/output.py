"""Writing a run directory atomically.

Files are written into a temporary sibling directory, which is renamed into
place only when every file is complete: a reader never sees a half-written run,
and an interrupted run leaves the previous results untouched.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import yaml

from .recording import samples_table, write_samples
from .records import Delivery, ResourceSample, RunRecords, TrainRun, Visit, Voyage, to_frame

SUMMARY = "summary.json"
VISITS = "visits.parquet"
DELIVERIES = "deliveries.parquet"
TRAINS = "trains.parquet"
VOYAGES = "voyages.parquet"
SAMPLES = "samples.parquet"
RESOLVED = "scenario.resolved.yaml"
ERROR = "error.txt"
RECORD_FILES = {VISITS: Visit, DELIVERIES: Delivery, TRAINS: TrainRun, VOYAGES: Voyage, SAMPLES: ResourceSample}


def _json_safe(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj


def _record_logs(records: RunRecords) -> dict:
    return {f"{name}.parquet": log for name, log in records.logs().items()}


def record_frames(records: RunRecords) -> dict:
    """A run's records as DataFrames, keyed by their file name in the run directory
    (read back from the spill files of a long run)."""
    frames = {name: to_frame(rows, RECORD_FILES[name]) for name, rows in _record_logs(records).items()}
    frames[SAMPLES] = samples_table(records.resources).to_pandas()
    return {name: frames[name] for name in RECORD_FILES}


def write_run(out: Path, summary: dict, resolved: dict, records: RunRecords, extra=None) -> Path:
    """The run directory of a run in this process. The records it spilled to disk are taken
    over as they are (a hard link or a copy of each spill file), never read back into memory."""

    def write_records(tmp: Path) -> None:
        for name, log in _record_logs(records).items():
            log.save(tmp / name)
        write_samples(records.resources, tmp / SAMPLES)

    return _write_run_dir(out, summary, resolved, write_records, extra)


def write_run_frames(out: Path, summary: dict, resolved: dict, frames: dict, extra=None) -> Path:
    """The run directory from records already turned into DataFrames (they may come from another process)."""

    def records(tmp: Path) -> None:
        for name, frame in frames.items():
            frame.to_parquet(tmp / name, index=False)

    return _write_run_dir(out, summary, resolved, records, extra)


def _write_run_dir(out: Path, summary: dict, resolved: dict, records, extra) -> Path:
    """A run directory: `records(tmp)` writes the record files; `extra(tmp)`, if given, writes
    more files (the plots) into the temporary directory before it is renamed into place: they
    arrive with the run, or not at all."""

    def fill(tmp: Path) -> None:
        records(tmp)
        _write_resolved(tmp, resolved)
        if extra is not None:
            extra(tmp)
        _write_summary(tmp, summary)

    return _write_dir(Path(out), fill)


def write_failed_run(out: Path, summary: dict, resolved: dict, traceback_text: str) -> Path:
    """The run directory of a run that raised: its provenance and `error` in summary.json,
    the resolved scenario to rerun it, and the traceback in error.txt."""

    def fill(tmp: Path) -> None:
        _write_resolved(tmp, resolved)
        (tmp / ERROR).write_text(traceback_text, encoding="utf-8")
        _write_summary(tmp, summary)

    return _write_dir(Path(out), fill)


def _write_resolved(tmp: Path, resolved: dict) -> None:
    with open(tmp / RESOLVED, "w", encoding="utf-8") as fh:
        yaml.safe_dump(resolved, fh, sort_keys=False, allow_unicode=True)


def _write_summary(tmp: Path, summary: dict) -> None:
    with open(tmp / SUMMARY, "w", encoding="utf-8") as fh:
        json.dump(_json_safe(summary), fh, indent=2, sort_keys=False)
        fh.write("\n")


def temporary_dir(out: Path) -> Path:
    """A new, empty directory beside `out` under a temporary name, to be filled and then renamed
    into place: with an ordinary directory's permissions (mkdtemp makes it private; results are not)."""
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    os.chmod(tmp, 0o777 & ~_umask())
    return tmp


def _write_dir(out: Path, fill) -> Path:
    tmp = temporary_dir(out)
    try:
        fill(tmp)
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def write_json_atomic(path: Path, obj) -> Path:
    """A JSON file written under a temporary name and renamed into place."""

    def fill(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(_json_safe(obj), fh, indent=2, sort_keys=False)
            fh.write("\n")

    return write_file_atomic(Path(path), fill)


def write_parquet_atomic(path: Path, frame) -> Path:
    return write_file_atomic(Path(path), lambda tmp: frame.to_parquet(tmp, index=False))


def write_file_atomic(path: Path, fill) -> Path:
    """A file written by `fill(tmp)` under a temporary name beside `path`, renamed into place when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        fill(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _replace_dir(new: Path, target: Path) -> None:
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rmdir(old)
        os.rename(target, old)
        os.rename(new, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(new, target)


def replace_dir(new: Path, target: Path) -> None:
    """Put the complete directory `new` at `target`, replacing what was there in one rename."""
    _replace_dir(Path(new), Path(target))
