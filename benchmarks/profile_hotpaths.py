"""Where corridor-sim's time goes: a profile of workload 1 and of a simulated 2030 year.

    python benchmarks/profile_hotpaths.py [--tree] [--scenario PATH ...]

For each run: the share of self time by area (SimPy's core, each corridor_sim
module, pandas/numpy, …) and the functions with the most self time, from cProfile
(deterministic; its per-call overhead inflates small functions, so read shares,
not seconds). `--tree` adds pyinstrument's call tree (sampling, less distortion)
when pyinstrument is installed. Output goes to stdout and to
benchmarks/results/profile.txt (not committed).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT = [HERE / "scenarios" / "tandem.yaml", ROOT / "scenarios" / "target_2030.yaml"]


def area(filename: str) -> str:
    f = filename.replace("\\", "/")
    if "/corridor_sim/" in f:
        rel = f.split("/corridor_sim/", 1)[1]
        return "corridor_sim/" + rel
    for lib in ("simpy", "pandas", "numpy", "pyarrow", "pydantic", "networkx", "scipy"):
        if f"/{lib}/" in f:
            return lib
    if f.startswith("~") or f.startswith("<"):
        return "builtins"
    return "other"


def profile(path: Path, out) -> None:
    from corridor_sim.api import simulate
    from corridor_sim.scenario import load_scenario

    sc, resolved = load_scenario(path)
    t0 = time.perf_counter()
    simulate(sc, resolved)
    plain = time.perf_counter() - t0
    prof = cProfile.Profile()
    prof.enable()
    result = simulate(sc, resolved)
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[2] for v in stats.stats.values())  # self time
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        by_area[area(filename)] += tottime
    print(f"\n=== {path.relative_to(ROOT)}: simulate {plain:.2f} s unprofiled, "
          f"{result.summary.get('events', 0):,} SimPy events ===", file=out)
    print("self time by area (cProfile):", file=out)
    for name, t in sorted(by_area.items(), key=lambda kv: -kv[1])[:14]:
        print(f"  {t / total:6.1%}  {name}", file=out)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(20)
    print("\n".join(line for line in buf.getvalue().splitlines() if line.strip())[-3000:], file=out)
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats("corridor_sim", 20)
    print("\n".join(line for line in buf.getvalue().splitlines() if line.strip())[-3000:], file=out)


def tree(path: Path, out) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("(pyinstrument is not installed: pip install pyinstrument)", file=out)
        return
    from corridor_sim.api import simulate
    from corridor_sim.scenario import load_scenario

    sc, resolved = load_scenario(path)
    p = Profiler(interval=0.001)
    p.start()
    simulate(sc, resolved)
    p.stop()
    print(p.output_text(unicode=False, color=False), file=out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", type=Path, action="append", help="profile these instead")
    ap.add_argument("--tree", action="store_true", help="add pyinstrument's call tree")
    args = ap.parse_args(argv)
    buf = io.StringIO()
    for path in args.scenario or DEFAULT:
        path = path.resolve()
        if not path.exists():
            print(f"\n=== {path}: not in the tree, skipped ===", file=buf)
            continue
        profile(path, buf)
        if args.tree:
            tree(path, buf)
    text = buf.getvalue()
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "profile.txt").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
