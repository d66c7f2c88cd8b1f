"""One run's results as named metrics: the rows of the tidy tables, what `compare` compares and
`RunResult.kpis` lists.

Every number of a run's `summary.json` outside its provenance is a metric, named by
its path in the file, with the entries of a list named by their id:

- `delivered_tonnes_per_year` (a KPI whose only statistic is `mean`: the KPI's own name),
- `delivered_tonnes_per_year_by_flow.<flow>`, `demand_tonnes_per_year_by_flow.<flow>`,
- `transit_days.<flow>.mean` / `.p50` / `.p95` / `.n`,
- `resources.<resource>.<statistic>` (`utilization`, `mean_wait_hours`, `mean_queue`, …),
- `mass_balance.balanced` (true/false as 1/0), and whatever else the summary holds.
"""

from __future__ import annotations

import math

RUNTIME = "runtime_seconds"

# The fields of a run's summary that say what ran, not what happened.
PROVENANCE = ("format", "scenario", "scenario_file", "seed", "replication", "run_id", "parameters", "version",
              "git_commit", "python", "start_date", "window", "error", RUNTIME)

# The field that names an entry of a list of objects (resources, bottlenecks, nodes of a path, …).
ID_KEYS = ("name", "node", "element", "flow", "id")


def list_id(items: list) -> str | None:
    """The key that names every entry of a list of objects, if there is one."""
    if not items or not all(isinstance(x, dict) for x in items):
        return None
    for key in ID_KEYS:
        if all(isinstance(x.get(key), str) for x in items):
            return key
    return None


def number(x) -> float | None:
    if isinstance(x, bool):
        return 1.0 if x else 0.0
    if isinstance(x, (int, float)):
        return float(x) if math.isfinite(x) else None
    return None


def _flatten(prefix: str, node, out: dict) -> None:
    if isinstance(node, dict):
        if set(node) == {"mean"} and prefix:  # a KPI with one value is named by the KPI itself
            out[prefix] = number(node["mean"])
            return
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    elif isinstance(node, list):
        key = list_id(node)
        if key is not None:
            for item in node:
                _flatten(f"{prefix}.{item[key]}", {k: v for k, v in item.items() if k != key}, out)
    elif node is None or isinstance(node, (int, float)):
        out[prefix] = number(node)


def flatten(summary: dict, *, runtime: bool = False) -> dict[str, float | None]:
    """The metrics of one run's summary (None where a statistic has nothing to measure).

    `runtime` adds `runtime_seconds`, the one metric that differs between two runs
    of the same scenario and seed.
    """
    out: dict[str, float | None] = {}
    for key, value in summary.items():
        if key not in PROVENANCE:
            _flatten("" if key == "kpis" else key, value, out)  # KPIs go by their own names
    if runtime and RUNTIME in summary:
        out[RUNTIME] = number(summary[RUNTIME])
    return out
