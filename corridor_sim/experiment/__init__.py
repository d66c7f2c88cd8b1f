"""Experiments: replications with confidence intervals, sweeps, comparisons; local or on Dask.

    from corridor_sim.experiment import run_replications, sweep, compare
    r = run_replications("scenarios/baseline_2024.yaml", replications=10, workers=2)
    r.summary["kpis"]["delivered_tonnes_per_year"]   # {"mean": …, "ci95": [low, high]}
    r.runs                                           # one row per replication

One module per concept: `stats` (t intervals, paired differences), `metrics`
(a run as named metrics), `aggregate` (the summary of N runs), `tasks` (one run),
`executors` (in process, process pool, Dask), `runner` (resume, progress, Ctrl-C),
`replications`, `sweep` (its verdicts in `saturation`), `compare`, and `levers` (what to try in
`candidates`); `criteria` (a KPI and which way is better) and `gains` (the paired gain of a
change and its verdict) judge sweeps and levers alike.
"""

from .compare import Threshold, check_thresholds, compare, parse_threshold
from .errors import ExperimentError, ExperimentInterrupted
from .levers import LeverResult, levers
from .replications import ReplicationResult, run_replications
from .sweep import SweepResult, sweep

__all__ = [
    "ExperimentError", "ExperimentInterrupted", "LeverResult", "ReplicationResult", "SweepResult", "Threshold",
    "check_thresholds", "compare", "levers", "parse_threshold", "run_replications", "sweep",
]
