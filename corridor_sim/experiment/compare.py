"""Two results side by side: A, B, the difference B − A, and whether it is real.

Each directory is a single run (`corridor-sim run`) or a set of replications
(`corridor-sim run --replications N`). Runs of the two directories with the same
master seed and replication index drew the same random numbers (common random
numbers): with two or more such pairs the difference gets a paired 95% t interval,
from the differences run by run. Without pairs, two sets of replications get a
Welch interval; two single runs get the difference alone.

Thresholds (`delivered_tonnes_per_year<-5%`, `runtime_seconds>20%`, `transit_days.*.p95>1`;
`--fail-if` on the command line) make the comparison a check: see `parse_threshold`.
"""

from __future__ import annotations

import fnmatch
import math
import operator
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..rundir import NotARunDirectory, RunDirectory
from .errors import ExperimentError
from .metrics import flatten
from .stats import paired_difference, t_interval, welch_difference

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["metric", "a", "b", "diff", "diff_pct", "diff_ci95_low", "diff_ci95_high", "method", "pairs",
           "n_a", "n_b", "a_ci95_low", "a_ci95_high", "b_ci95_low", "b_ci95_high"]


def load_runs(directory: str | Path) -> tuple[dict, list[dict]]:
    """The summary.json of a run directory and the summaries of its successful runs."""
    try:
        run = RunDirectory.read(directory)
        return run.summary, [r.summary for r in run.successful_runs()]
    except NotARunDirectory as exc:
        raise ExperimentError(None, exc.problem, remedy=exc.remedy) from None


def _key(summary: dict) -> tuple:
    return summary.get("seed"), summary.get("replication")


def compare(dir_a: str | Path, dir_b: str | Path) -> pd.DataFrame:
    """One row per metric (see `metrics.py`), with `runtime_seconds`: A, B, B − A, % and its interval."""
    import pandas as pd  # here: an experiment's tables; a single run needs no pandas

    _, runs_a = load_runs(dir_a)
    _, runs_b = load_runs(dir_b)
    if not runs_a or not runs_b:
        empty = dir_a if not runs_a else dir_b
        raise ExperimentError(None, f"{empty}: no successful run to compare")
    flat_a = {_key(s): flatten(s, runtime=True) for s in runs_a}
    flat_b = {_key(s): flatten(s, runtime=True) for s in runs_b}
    common = [k for k in flat_a if k in flat_b]
    metrics: dict[str, None] = {}
    for runs in (flat_a, flat_b):
        for m in runs.values():
            metrics.update(dict.fromkeys(m))
    rows = []
    for metric in metrics:
        xa = [m.get(metric) for m in flat_a.values()]
        xb = [m.get(metric) for m in flat_b.values()]
        ia, ib = t_interval(xa), t_interval(xb)
        if len(common) >= 2:
            pa = [flat_a[k].get(metric) for k in common]
            pb = [flat_b[k].get(metric) for k in common]
            d = paired_difference(pa, pb)
            keep = [(x, y) for x, y in zip(pa, pb) if x is not None and y is not None]
            a_mean = t_interval([x for x, _ in keep]).mean
            b_mean = t_interval([y for _, y in keep]).mean
            method, pairs = "paired", d.n
        else:
            d = welch_difference(xa, xb)
            a_mean, b_mean = ia.mean, ib.mean
            method = "welch" if ia.n >= 2 and ib.n >= 2 else None
            pairs = 0
        diff = None if a_mean is None or b_mean is None else b_mean - a_mean
        rows.append({
            "metric": metric, "a": a_mean, "b": b_mean, "diff": diff, "diff_pct": _pct(diff, a_mean),
            "diff_ci95_low": d.low, "diff_ci95_high": d.high, "method": method, "pairs": pairs,
            "n_a": ia.n, "n_b": ib.n, "a_ci95_low": ia.low, "a_ci95_high": ia.high,
            "b_ci95_low": ib.low, "b_ci95_high": ib.high,
        })
    frame = pd.DataFrame(rows, columns=COLUMNS)
    for c in COLUMNS:
        if c not in ("metric", "method", "pairs", "n_a", "n_b"):
            frame[c] = frame[c].astype("float64")
    frame["method"] = frame["method"].astype("string")
    return frame


def _pct(diff: float | None, base: float | None) -> float | None:
    if diff is None or base is None:
        return None
    if base == 0:
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    return 100.0 * diff / abs(base)


# ---------------------------------------------------------------------------
# Thresholds (--fail-if)
# ---------------------------------------------------------------------------

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_THRESHOLD = re.compile(r"^\s*(?P<metric>[^<>=\s]+)\s*(?P<op><=|>=|<|>)\s*"
                        r"(?P<value>[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)\s*(?P<pct>%)?\s*$")


@dataclass(frozen=True)
class Threshold:
    """Fail when the change from A to B of `metric` is `op` `value` (in % of A when `percent`)."""

    metric: str       # a metric name, or a pattern with * and ? (every match is checked)
    op: str
    value: float
    percent: bool
    text: str

    def fails(self, diff: float, diff_pct: float) -> bool:
        return _OPS[self.op](diff_pct if self.percent else diff, self.value)


def parse_threshold(text: str) -> Threshold:
    """'delivered_tonnes_per_year<-5%' -> fail when B is more than 5% below A;
    'transit_days.*.p95>1' -> fail when any flow's p95 transit grows by more than 1 day."""
    m = _THRESHOLD.match(text)
    if not m:
        raise ExperimentError("threshold", "expected METRIC<VALUE, METRIC>VALUE (also <=, >=), VALUE a number, "
                                           "with % for a change relative to A, e.g. 'delivered_tonnes_per_year<-5%'",
                              value=text)
    value = float(m["value"])
    if not math.isfinite(value):
        raise ExperimentError("threshold", "the value must be finite", value=text)
    return Threshold(m["metric"], m["op"], value, m["pct"] is not None, text.strip())


def check_thresholds(table: pd.DataFrame, thresholds: list[Threshold]) -> list[tuple[Threshold, str, float, float]]:
    """The (threshold, metric, diff, diff_pct) that fail. A metric no directory has, or one that has
    no value in A or B, is bad input (ExperimentError): a check that cannot be made must not pass."""
    import pandas as pd  # here: an experiment's tables; a single run needs no pandas

    failed = []
    names = list(table["metric"])
    for t in thresholds:
        matches = [n for n in names if fnmatch.fnmatchcase(n, t.metric)]
        if not matches:
            close = [n for n in names if "." not in n][:6]
            raise ExperimentError("threshold", f"no metric {t.metric!r} (e.g. {', '.join(close)})", value=t.text)
        pattern = any(c in t.metric for c in "*?[")
        checked = 0
        for name in matches:
            row = table.loc[table["metric"] == name].iloc[0]
            diff, pct = row["diff"], row["diff_pct"]
            if pd.isna(diff) or pd.isna(pct):
                if pattern:  # e.g. a flow that delivered nothing has no transit time: skip it
                    continue
                raise ExperimentError("threshold", f"{name} has no value in both directories", value=t.text)
            checked += 1
            if t.fails(float(diff), float(pct)):
                failed.append((t, name, float(diff), float(pct)))
        if not checked:
            raise ExperimentError("threshold", f"no metric matching {t.metric!r} has a value in both", value=t.text)
    return failed
