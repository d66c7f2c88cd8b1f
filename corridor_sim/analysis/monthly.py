"""Month by month over the measured window: the demand, the tonnes delivered, the storms.

Months are calendar months (`Window.months`); the first and last may be partial,
and the demand counts only their days inside the window.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .elements import resource_node
from .window import Window, window_deliveries


def monthly_demand(flows: dict, window: Window) -> pd.Series:
    """The scenario's demand per calendar month of the window (tonnes), from each flow's
    tonnes per year and seasonality (weights normalised to a mean of 1)."""
    months = window.months()
    total = pd.Series(0.0, index=months)
    w0 = window.date([window.warmup_hours])[0]
    w1 = window.date([window.end_hours])[0]
    for f in flows.values():
        weights = np.asarray(f.get("seasonality") or [1.0] * 12, dtype=float)
        weights = weights / weights.mean()
        for m in months:
            start = max(m.start_time, w0)
            end = min(m.end_time + pd.Timedelta(microseconds=1), w1)
            days = max(0.0, (end - start) / pd.Timedelta(days=1))
            total[m] += f["tonnes_per_year"] / 365.0 * days * weights[m.month - 1]
    return total


def monthly_closed_share(samples: pd.DataFrame | None, resources: list[dict], nodes: dict,
                         window: Window) -> pd.DataFrame:
    """Share of each measured month each port was closed by weather (one column per port node):
    from the daily samples of its weather resource, or, without samples (None or none of
    weather), from the scenario's closed_share_by_month."""
    months = window.months()
    out = pd.DataFrame(index=months)
    s = pd.DataFrame() if samples is None else samples[
        (samples.kind == "weather") & (samples.time >= window.warmup_hours) & (samples.time < window.end_hours)]
    if not s.empty:
        node_of = {r["name"]: resource_node(r) for r in resources}
        s = s.assign(month=window.date(s.time).to_period("M"))
        for res, g in s.groupby("resource"):
            out[node_of[res]] = g.groupby("month").busy.mean().clip(0, 1).reindex(months)
        return out.fillna(0.0)
    for nid, n in nodes.items():
        w = n.get("weather")
        if w:
            out[nid] = [w["closed_share_by_month"][m.month - 1] for m in months]
    return out


def delivered_by_month(deliveries: pd.DataFrame, flows: dict, window: Window) -> pd.DataFrame:
    """The window's deliveries, each with its calendar `month` and its flow's `cargo`
    ("other" for a flow the scenario does not name)."""
    d = window_deliveries(deliveries, window)
    cargo_of = {name: f.get("cargo", "container") for name, f in flows.items()}
    return d.assign(month=window.date(d.delivered).to_period("M"), cargo=d.flow.map(cargo_of).fillna("other"))


def tonnes_by_month_and_cargo(delivered: pd.DataFrame, window: Window, replications: int = 1) -> pd.DataFrame:
    """Tonnes delivered per month (rows, every month of the window) and cargo (columns), the mean
    over `replications` (`delivered` from `delivered_by_month`, all replications together)."""
    table = delivered.groupby(["month", "cargo"]).tonnes.sum().unstack(fill_value=0.0)
    return table.reindex(window.months(), fill_value=0.0) / replications


def tonnes_by_month_and_replication(delivered: pd.DataFrame, window: Window) -> pd.DataFrame:
    """Tonnes delivered per month (rows) in each replication (columns, from its `replication` column)."""
    table = delivered.groupby(["month", "replication"]).tonnes.sum().unstack(fill_value=0.0)
    return table.reindex(window.months(), fill_value=0.0)
