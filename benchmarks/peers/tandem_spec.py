"""Workload 1, the one definition the three implementations share.

An open tandem (Jackson) network: Poisson arrivals at 1 per hour into 8
multi-server stations in series, exponential service. Each entry is
(servers c, mean service hours). 2 simulated years (17,520 h) of which the
first 720 h are warm-up; a consignment counts if it leaves the last station
in the measured window [720 h, 17,520 h), the rule corridor-sim's transit KPI
uses (delivered in the window).

This module imports nothing but the standard library, so that it adds nothing
to the peers' start-up time.
"""

ARRIVALS_PER_HOUR = 1.0
STATIONS = [(4, 3.0), (3, 2.5), (50, 40.0), (2, 1.5), (25, 20.0), (2, 1.6), (30, 24.0), (3, 2.4)]
END_HOURS = 2 * 365 * 24.0       # 17,520 h simulated in all
WARMUP_HOURS = 720.0
BATCHES = 20                     # batch means within one run


def batch_means(values: list[float], batches: int = BATCHES) -> list[float]:
    """Means of `batches` consecutive equal batches of `values` (in exit order)."""
    size = len(values) // batches
    if size == 0:
        return []
    return [sum(values[i * size:(i + 1) * size]) / size for i in range(batches)]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MB (stdlib `resource`)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB on Linux


def parse_args(argv=None):
    import argparse

    p = argparse.ArgumentParser(description="Workload 1 (tandem network): prints one JSON object")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--end-hours", type=float, default=END_HOURS)
    p.add_argument("--warmup-hours", type=float, default=WARMUP_HOURS)
    return p.parse_args(argv)


def report(impl: str, run_seconds: float, times_in_system: list[float], **extra) -> None:
    """Print the worker's result as one JSON line (read by benchmarks/run.py)."""
    import json

    n = len(times_in_system)
    print(json.dumps({
        "impl": impl,
        "run_seconds": run_seconds,
        "n": n,
        "mean_hours": sum(times_in_system) / n if n else None,
        "batch_means": batch_means(times_in_system),
        "peak_rss_mb": peak_rss_mb(),
        **extra,
    }))
