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

from .records import Delivery, TrainRun, Visit, Voyage, to_frame

SUMMARY = "summary.json"
VISITS = "visits.parquet"
DELIVERIES = "deliveries.parquet"
TRAINS = "trains.parquet"
VOYAGES = "voyages.parquet"
RESOLVED = "scenario.resolved.yaml"


def _json_safe(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return obj


def write_run(out: Path, summary: dict, resolved: dict, raw) -> Path:
    out = Path(out)
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it private; a run directory is not
    try:
        to_frame(raw.visits, Visit).to_parquet(tmp / VISITS, index=False)
        to_frame(raw.deliveries, Delivery).to_parquet(tmp / DELIVERIES, index=False)
        to_frame(raw.trains, TrainRun).to_parquet(tmp / TRAINS, index=False)
        to_frame(raw.voyages, Voyage).to_parquet(tmp / VOYAGES, index=False)
        with open(tmp / RESOLVED, "w", encoding="utf-8") as fh:
            yaml.safe_dump(resolved, fh, sort_keys=False, allow_unicode=True)
        with open(tmp / SUMMARY, "w", encoding="utf-8") as fh:
            json.dump(_json_safe(summary), fh, indent=2, sort_keys=False)
            fh.write("\n")
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


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
