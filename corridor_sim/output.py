"""Writing a run directory atomically.

Files are written into a temporary sibling directory, which is renamed into
place only when every file is complete: a reader never sees a half-written run,
and an interrupted run leaves the previous results untouched. What was at the
place is replaced only if it is corridor-sim's own output (`ownership.py`,
checked again at the moment of replacement), and a stop (Ctrl-C, SIGTERM) asked
before the rename prevents it (`stopping.committing`).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import yaml

from .analysis.links import link_tonnes, node_tonnes
from .analysis.window import Window
from .columns import to_numpy
from .geo.network import network_geojson
from .layout import (DELIVERIES, ERROR, NETWORK, RESOLVED, SAMPLES, SUMMARY, TRAINS, VISITS, VOYAGES, replaced_prefix,
                     temporary_prefix)
from .ownership import OutputRefused, replace_problem
from .recording import samples_table, write_samples
from .records import Delivery, ResourceSample, RunRecords, TrainRun, Visit, Voyage, to_frame
from .stopping import committing, signals_held

__all__ = ["DELIVERIES", "ERROR", "RECORD_FILES", "RESOLVED", "SAMPLES", "SUMMARY", "TRAINS", "VISITS", "VOYAGES",
           "keep_dir", "record_frames", "replace_dir", "temporary_dir", "write_failed_run", "write_file_atomic",
           "write_json_atomic", "write_parquet_atomic", "write_run", "write_run_frames"]

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
    over as they are (a hard link or a copy of each spill file), never read back into memory.
    It is the result of the run: once it is in place, a stop is too late (`committing(final=True)`)."""

    def write_records(tmp: Path) -> None:
        for name, log in _record_logs(records).items():
            log.save(tmp / name)
        write_samples(records.resources, tmp / SAMPLES)

    return _write_run_dir(out, summary, resolved, write_records, extra, final=True)


def write_run_frames(out: Path, summary: dict, resolved: dict, frames: dict, extra=None) -> Path:
    """The run directory from records already turned into DataFrames (they may come from another process)."""

    def records(tmp: Path) -> None:
        for name, frame in frames.items():
            frame.to_parquet(tmp / name, index=False)

    return _write_run_dir(out, summary, resolved, records, extra)


def _write_run_dir(out: Path, summary: dict, resolved: dict, records, extra, final: bool = False) -> Path:
    """A run directory: `records(tmp)` writes the record files; `extra(tmp)`, if given, writes
    more files (the plots) into the temporary directory before it is renamed into place: they
    arrive with the run, or not at all."""

    def fill(tmp: Path) -> None:
        records(tmp)
        _write_resolved(tmp, resolved)
        _write_network(tmp, summary, resolved)
        if extra is not None:
            extra(tmp)
        _write_summary(tmp, summary)

    return _write_dir(Path(out), fill, final)


def write_failed_run(out: Path, summary: dict, resolved: dict, traceback_text: str) -> Path:
    """The run directory of a run that raised: its provenance and `error` in summary.json,
    the resolved scenario to rerun it, and the traceback in error.txt."""

    def fill(tmp: Path) -> None:
        _write_resolved(tmp, resolved)
        (tmp / ERROR).write_text(traceback_text, encoding="utf-8")
        _write_summary(tmp, summary)

    return _write_dir(Path(out), fill)


def _write_network(tmp: Path, summary: dict, resolved: dict) -> None:
    """network.geojson: the nodes and links with the run's results (`geo.network`), its tonnes read back
    from the record tables just written (the columns it needs only, with pyarrow: a run needs no pandas)."""
    import pyarrow.parquet as pq

    def columns(name: str, wanted: list[str], codes: str | None = None) -> dict:
        """The columns as numpy arrays (columns.py: the reads that need no pandas); `codes`, a string column
        read as integer codes into its dictionary (no string per row made, none sorted) and its names."""
        table = pq.ParquetFile(tmp / name, read_dictionary=[codes] if codes else None).read(columns=wanted)
        out = {c: to_numpy(table.column(c)) for c in wanted if c != codes}
        if codes:
            coded = table.unify_dictionaries().column(codes).combine_chunks()
            out[codes], out[f"{codes}_names"] = to_numpy(coded.indices), coded.dictionary.to_pylist()
        return out

    window = Window.of(resolved, summary.get("start_date"))
    visits = columns(VISITS, ["consignment", "node", "arrival", "departure", "tonnes"], codes="node")
    voyages = columns(VOYAGES, ["fleet", "departed", "tonnes"])
    doc = network_geojson(resolved, summary, link_tonnes(resolved.get("links") or {}, visits, voyages, window),
                          node_tonnes(resolved["nodes"], visits, window))
    with open(tmp / NETWORK, "w", encoding="utf-8") as fh:
        json.dump(_json_safe(doc), fh, ensure_ascii=False)
        fh.write("\n")


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
    tmp = Path(tempfile.mkdtemp(prefix=temporary_prefix(out.name), dir=parent))
    os.chmod(tmp, 0o777 & ~_umask())
    return tmp


def _write_dir(out: Path, fill, final: bool = False) -> Path:
    tmp = temporary_dir(out)
    try:
        fill(tmp)
        with committing(final):
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


def write_file_atomic(path: Path, fill, *, replaces=None, final: bool = False) -> Path:
    """A file written by `fill(tmp)` under a temporary name beside `path`, renamed into place when complete.

    `replaces(path)`, if given, says whether a file already at `path` may be replaced (it is ours: a
    report, a figure); asked again just before the rename. `final`: see `stopping.committing`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=temporary_prefix(path.name), dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        fill(tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        with committing(final):
            if replaces is not None and os.path.lexists(path) and not replaces(path):
                raise OutputRefused(path, "was replaced meanwhile by a file corridor-sim did not write: "
                                          "left as it was, nothing written")
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
    """Put `new` at `target`. What was there is renamed aside first and checked there, where nothing
    can be added to it unseen: if it holds anything corridor-sim did not write, it is put back and
    nothing is replaced (OutputRefused); else it is removed once `new` is in place."""
    if not new.is_dir():
        raise FileNotFoundError(f"{new}: no directory to put in place")   # and what is at `target` stays
    if not os.path.lexists(target):
        os.rename(new, target)
        return
    if target.is_symlink() or not target.is_dir():
        raise OutputRefused(target, "was replaced meanwhile by something that is not a directory: "
                                    "left as it was, nothing replaced")
    old = Path(tempfile.mkdtemp(prefix=replaced_prefix(target.name), dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    problem = replace_problem(old)
    if problem is not None:
        os.rename(old, target)
        raise OutputRefused(target, problem)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


def replace_dir(new: Path, target: Path, *, final: bool = False) -> None:
    """Put the complete directory `new` at `target`, replacing what was there (corridor-sim's own
    output only) in one rename; a stop asked before it prevents it (see `stopping.committing`)."""
    with committing(final):
        _replace_dir(Path(new), Path(target))


def keep_dir(new: Path, target: Path) -> None:
    """`replace_dir` for what must be kept although a stop was asked (the finished runs of an interrupted
    experiment): signals wait until it is in place."""
    with signals_held():
        _replace_dir(Path(new), Path(target))
