"""Same scenario and seed, same results: a digest of runs to compare across two commits.

    python benchmarks/same_results.py digest OUT.json [SCENARIO ...]   # run each, write the digest
    python benchmarks/same_results.py check OLD.json NEW.json           # exit 1 if a value changed

The digest of a run is its `summary.json` (without `runtime_seconds` and `git_commit`, the two
fields that differ between identical runs) and the SHA-256 of each of its Parquet files. `check`
requires every value of OLD to be in NEW, equal to the last bit, and every Parquet file to be
identical byte for byte; NEW may add fields (a refactoring may add a field, never change one).
Default scenarios: every shipped scenario, the M/M/c validation station, the benchmark tandem, and
the 2030 target with a disruption of every kind.

It imports only `corridor_sim.api.run`, which every commit has, so the same file runs on both.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.yaml")) + [
    "scenarios/validation/mmc.yaml", "benchmarks/scenarios/tandem.yaml"]
VARYING = ("runtime_seconds", "git_commit")
# The 2030 target with a disruption of every kind of target (no shipped scenario has one).
DISRUPTED = ("scenarios/target_2030.yaml", [
    "name=target_2030_disrupted",
    "disruptions={ferry_wear: {target: fleets.asco_ferries, mtbf_hours: 900, mttr_hours: 48},"
    " btk_works: {target: links.tbilisi_akhalkalaki, closures: [{start: 2030-06-01, end: 2030-06-08}]},"
    " alat_strike: {target: nodes.alat, closures: [{start: 2030-03-01, end: 2030-03-03}]},"
    " dostyk_outage: {target: nodes.dostyk.station, mtbf_hours: 500, mttr_hours: 6},"
    " aktau_crane: {target: nodes.aktau.berths.containers, mtbf_hours: 700, mttr_hours: 12},"
    " btc_pump: {target: links.sangachal_ceyhan, mtbf_hours: 3000, mttr_hours: 24}}"])


def digest(out: Path, scenarios: list[str]) -> None:
    from corridor_sim.api import run

    doc = {}
    runs = [(name, name, []) for name in scenarios]
    if not scenarios:
        runs = [(name, name, []) for name in DEFAULT] + [("target_2030 disrupted", *DISRUPTED)]
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, path, overrides) in enumerate(runs):
            run_dir = Path(tmp) / f"run{i}"
            run(str(ROOT / path), overrides=overrides, out=run_dir)
            summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
            for key in VARYING:
                summary.pop(key, None)
            files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(run_dir.glob("*.parquet"))}
            doc[name] = {"summary": summary, "parquet_sha256": files}
            print(f"{name}: {summary.get('events')} events, {len(files)} Parquet files", file=sys.stderr)
    out.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def differences(old, new, path: str = "") -> list[str]:
    """Where `new` does not hold `old`'s value (added keys in `new` are fine)."""
    if isinstance(old, dict):
        if not isinstance(new, dict):
            return [f"{path}: was a mapping, now {type(new).__name__}"]
        out = []
        for key, value in old.items():
            if key not in new:
                out.append(f"{path}.{key}: removed")
            else:
                out.extend(differences(value, new[key], f"{path}.{key}"))
        return out
    if isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            return [f"{path}: list of {len(old)} became {len(new) if isinstance(new, list) else type(new).__name__}"]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if old == new and type(old) is type(new) else [f"{path}: {old!r} -> {new!r}"]


def check(old_file: Path, new_file: Path) -> int:
    old = json.loads(old_file.read_text(encoding="utf-8"))
    new = json.loads(new_file.read_text(encoding="utf-8"))
    problems = differences(old, new)
    for p in problems[:50]:
        print(p)
    if problems:
        print(f"{len(problems)} differences")
        return 1
    for name, run in old.items():
        print(f"{name}: same ({run['summary'].get('events')} events; identical "
              f"{', '.join(sorted(run['parquet_sha256']))})")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "digest":
        digest(Path(args[1]), args[2:])
    elif len(args) == 3 and args[0] == "check":
        sys.exit(check(Path(args[1]), Path(args[2])))
    else:
        sys.exit(__doc__)
