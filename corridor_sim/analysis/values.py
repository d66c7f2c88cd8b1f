"""A number of a summary, as a single run or as replications wrote it.

A single run's summary.json holds plain numbers (a KPI with one value as `{"mean": x}`);
the summary of replications holds `{"mean": m, "ci95": [low, high]}` in their place.
Whatever reads either kind reads its numbers through these two.
"""

from __future__ import annotations


def value(x):
    """A summary number, plain or aggregated ({mean, ci95}), as a float (None stays None)."""
    if isinstance(x, dict):
        x = x.get("mean")
    return None if x is None else float(x)


def ci95(x):
    """The [low, high] interval of an aggregated number, or None."""
    return x.get("ci95") if isinstance(x, dict) else None
