"""How much of the measured window each element can work: weather and disruptions, from the scenario.

The static capacity (`capacity.py`) counts only the time an element is available:

- **Weather.** A port is open for the share 1 − p_m of each calendar month m of the
  window (`closed_share_by_month`), averaged day by day over the window.
- **Closures** (`disruptions.<id>.closures`) take an element out for the part of the
  window they cover; a port's closure stops its vessels as a storm does.
- **Breakdowns** (`mtbf_hours`, `mttr_hours`) leave each server in working order for
  the share MTBF / (MTBF + MTTR) of the time.

A vessel that finds a port closed waits for it to reopen: on average the residual of
a closure, E[D²] / (2 E[D]) for closures of length D (a minimum plus an exponential
part). It needs a port open six times a round trip between A and B — leaving A (A and
B), arriving at B, leaving B (B and A), arriving at A — and each time it found that
port open not long before, so the chance it has closed since is far below the closed
share p_m when storms are long (`weather_hours_per_visit`).
"""

from __future__ import annotations

import datetime as dt
import math

from ..scenario.schema import Scenario, Weather


def window_dates(scenario: Scenario) -> tuple[dt.datetime, dt.datetime]:
    """The measured window, as calendar times."""
    start = dt.datetime.combine(scenario.start_date, dt.time()) + dt.timedelta(days=scenario.warmup_days)
    return start, start + dt.timedelta(days=scenario.horizon_days)


def _month_weights(scenario: Scenario) -> list[float]:
    """The share of the window in each calendar month (January first)."""
    start, end = window_dates(scenario)
    weights = [0.0] * 12
    t = start
    total = (end - start).total_seconds()
    if total <= 0:
        return [1 / 12] * 12
    while t < end:
        nxt = dt.datetime(t.year + (t.month == 12), t.month % 12 + 1, 1)
        stop = min(nxt, end)
        weights[t.month - 1] += (stop - t).total_seconds() / total
        t = stop
    return weights


def closed_by_weather(scenario: Scenario, weather: Weather | None) -> float:
    """The share of the window a port is closed by weather."""
    if weather is None:
        return 0.0
    return sum(w * p for w, p in zip(_month_weights(scenario), weather.closed_share_by_month))


def weather_hours_per_visit(scenario: Scenario, weather: Weather | None, open_hours_ago: float) -> float:
    """Hours a vessel waits, on average, when it needs the port open, having last found it open
    `open_hours_ago` hours before: the chance that it has closed since, p_m (1 − e^(−t / (D_m (1 − p_m)))) for
    alternating open and closed spells of mean lengths D_m (1 − p_m) / p_m and D_m, times the mean residual
    closure, averaged over the window's months. (The spells' minimum lengths are left out of the chance.)"""
    if weather is None:
        return 0.0
    total = 0.0
    for w, p in zip(_month_weights(scenario), weather.closed_share_by_month):
        if p <= 0 or w <= 0:
            continue
        mean = max(weather.mean_closure_hours, weather.min_open_hours * p / (1 - p))
        m = weather.min_closure_hours
        residual = (m * m + 2 * m * (mean - m) + 2 * (mean - m) ** 2) / (2 * mean)
        closed_since = p * (1 - math.exp(-max(0.0, open_hours_ago) / (mean * (1 - p))))
        total += w * closed_since * residual
    return total


def _closed_share(scenario: Scenario, windows) -> float:
    start, end = window_dates(scenario)
    span = (end - start).total_seconds()
    if span <= 0:
        return 0.0
    covered = []
    for w in windows:
        a = max(start, dt.datetime.combine(w.start, dt.time()))
        b = min(end, dt.datetime.combine(w.end, dt.time()))
        if b > a:
            covered.append((a, b))
    covered.sort()
    total, reach = 0.0, None
    for a, b in covered:   # overlapping closures count once
        if reach is not None and a < reach:
            a = reach
        if b > a:
            total += (b - a).total_seconds()
            reach = b
    return total / span


def availability(scenario: Scenario, path: str) -> float:
    """The share of the window the element at `path` (a disruption target) is in working order."""
    share = 1.0
    for d in scenario.disruptions.values():
        if d.target != path:
            continue
        share *= 1 - _closed_share(scenario, d.closures)
        if d.mtbf_hours is not None:
            share *= d.mtbf_hours / (d.mtbf_hours + d.mttr_hours)
    return share


def port_open_share(scenario: Scenario, node_id: str) -> float:
    """The share of the window a port is open: neither closed by weather nor by a disruption of the port."""
    return (1 - closed_by_weather(scenario, scenario.nodes[node_id].weather)) * availability(scenario, f"nodes.{node_id}")
