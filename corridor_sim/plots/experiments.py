"""Experiments as pictures: a sweep's curves with their saturation points, a comparison's bars."""

from __future__ import annotations

import json
import textwrap
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from ..analysis.labels import label
from ..experiment.metrics import ECONOMIC_KPIS, MAIN_KPIS
from ..experiment.sweep import DEMAND, SweepResult
from ..layout import SATURATION, SUMMARY_TABLE
from ..rundir import SweepDirectory, load_run
from .common import figure, footnote, provenance, run_provenance


def load_sweep(source) -> SweepResult:
    """A SweepResult, or a sweep directory read back as one (its grid and saturation tables, sweep.json)."""
    if hasattr(source, "summary") and hasattr(source, "saturation") and hasattr(source, "info"):
        return source
    sweep = SweepDirectory.read(source)   # checked: a finished sweep, its tables readable
    return SweepResult(pd.DataFrame(), sweep.table(SUMMARY_TABLE), sweep.table(SATURATION), pd.DataFrame(), sweep.info,
                       sweep.path)


def sweep_curves(sweep, kpi: str = "delivered_tonnes_per_year") -> Figure:
    """The KPI's mean against each varied parameter with its 95% band, one line per value of
    the other parameters; where the KPI was judged, its saturation point (more buys nothing
    measurable) ringed. Delivered tonnes are drawn against the demand (dashed): what there was
    to carry. `kpi`: a main KPI or one the sweep judged (its summary has a column for each)."""
    sw = load_sweep(sweep)
    summary, sat, info = sw.summary, sw.saturation, sw.info
    if kpi not in summary.columns:
        shown = [c for c in summary.columns if f"{c}_ci95_low" in summary.columns]
        raise ValueError(f"the sweep has no KPI {kpi!r} (it has: {', '.join(shown)})")
    if "kpi" in sat.columns:   # a sweep judged on several KPIs: the rings of this one
        sat = sat[sat.kpi == kpi]
    demand = DEMAND if kpi == "delivered_tonnes_per_year" and DEMAND in summary.columns else None
    paths = list(info.get("vary", {}))
    fig = figure(6.2 * max(1, len(paths)), 4.6)
    axes = fig.subplots(1, max(1, len(paths)), squeeze=False)[0]
    scale, unit = (1e6, "Mt per year") if "tonnes" in kpi else (1.0, "")
    for ax, path in zip(axes, paths):
        others = [p for p in paths if p != path]
        groups = summary.groupby(others, sort=False) if others else [((), summary)]
        values = info["vary"][path]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        for i, (key, g) in enumerate(groups):
            g = g.copy()
            g["_x"] = g[path].astype(float) if numeric else g[path].map(
                {json.dumps(v, sort_keys=True): j for j, v in enumerate(values)} | {str(v): j for j, v in enumerate(values)})
            g = g.sort_values("_x")
            key = key if isinstance(key, tuple) else (key,)
            label = ", ".join(f"{_short(o)}={k}" for o, k in zip(others, key)) or kpi
            colour = f"C{i}"
            y = g[kpi] / scale
            ax.plot(g["_x"], y, marker="o", color=colour, label=label)
            lo, hi = g.get(f"{kpi}_ci95_low"), g.get(f"{kpi}_ci95_high")
            if lo is not None and lo.notna().any():
                ax.fill_between(g["_x"], lo / scale, hi / scale, color=colour, alpha=0.18, lw=0)
            if demand is not None and g[demand].notna().any():
                ax.plot(g["_x"], g[demand] / scale, ls="--", lw=1.2, color=colour, alpha=0.7,
                        label="demand" + (f" ({label})" if others else ""))
            s = sat[(sat.parameter == path) & sat.saturation_point.astype(bool)]
            s = s[s.point.isin(g.point)]
            for _, row in s.iterrows():
                x = g.loc[g.point == row.point, "_x"].iloc[0]
                yv = g.loc[g.point == row.point, kpi].iloc[0] / scale
                ax.scatter([x], [yv], s=160, facecolor="none", edgecolor="#c00000", lw=2, zorder=5)
                ax.annotate(f"saturated at {row.value}", (x, yv), xytext=(0, -22), textcoords="offset points",
                            ha="center", fontsize=8.5, color="#c00000")
        if not numeric:
            ax.set_xticks(range(len(values)), [str(v) for v in values], fontsize=7, rotation=15)
        elif all(isinstance(v, int) for v in values):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))   # vessels, tracks: no 1.25 of them
        ax.set_xlabel(path, fontsize=9)
        ax.set_ylabel(f"{kpi.replace('_', ' ')}" + (f" ({unit})" if unit else ""), fontsize=9)
        ax.grid(color="#eee")
        if others or demand is not None:
            ax.legend(fontsize=8)
    reps = info.get("replications")
    title = (f"{info.get('scenario', 'sweep')}: {kpi.replace('_', ' ')}, mean with 95% band"
             + (f" over {reps} replications" if reps else "") + "; red ring: where it saturates"
             + ("; dashed: the demand" if demand is not None else ""))
    # wrapped to the figure's width (one parameter: a narrow figure that cut the title off)
    fig.suptitle(textwrap.fill(title, width=int(11 * fig.get_figwidth())), fontsize=11, x=0.01, ha="left")
    footnote(fig, provenance(info.get("scenario", "sweep"), info.get("seed"), reps))
    return fig


def _short(path: str) -> str:
    """The last two steps of a field path, enough to tell the varied parameters apart in a legend."""
    return ".".join(path.split(".")[-2:])


def comparison_bars(table, metrics=None, top: int = 24, title: str | None = None, runs=None) -> Figure:
    """B − A in % of A per metric, the whisker its 95% interval; a bar whose interval excludes 0 is
    a real difference (solid), one that includes it is noise (pale). `table` is what
    `api.compare(a, b)` returns; `runs`: the two runs (directories or results) it compared, for their
    scenarios' names in the title, display names on the rows and a footnote. By default: the headline
    KPIs, then the flows whose transit changed most (mean and p95 side by side) and their tonnes."""
    t = table.set_index("metric")
    if metrics is None:
        metrics = default_comparison_metrics(t, top)
    rows = t.loc[[m for m in metrics if m in t.index]]
    data = [load_run(r) for r in runs] if runs else []
    fig = figure(11, 1.6 + 0.3 * max(1, len(rows)))
    ax = fig.add_subplot()
    y = np.arange(len(rows))[::-1]
    a = rows["a"].astype(float).abs().replace(0, np.nan)
    pct = rows["diff_pct"].astype(float)
    lo = rows["diff_ci95_low"].astype(float) / a * 100
    hi = rows["diff_ci95_high"].astype(float) / a * 100
    real = (lo > 0) | (hi < 0)
    colours = ["#d62728" if (p < 0) != _higher_is_worse(m) else "#2ca02c" for m, p in zip(rows.index, pct)]
    for yi, p, c, r in zip(y, pct.fillna(0), colours, real):
        ax.barh(yi, p, color=c, alpha=0.9 if r else 0.35, height=0.65)
    has = lo.notna() & hi.notna()
    ax.errorbar(pct[has], y[has.to_numpy()], xerr=[(pct - lo)[has].clip(lower=0), (hi - pct)[has].clip(lower=0)],
                fmt="none", ecolor="#222", capsize=2.5, lw=1)
    for yi, m, p in zip(y, rows.index, pct):
        if pd.notna(p):
            ax.text(p, yi, f" {p:+.1f}% ", va="center", ha="left" if p >= 0 else "right", fontsize=7.5)
    ax.axvline(0, color="#333", lw=0.8)
    scenario = data[1].scenario if data else {}
    ax.set_yticks(y, [metric_label(m, scenario) for m in rows.index], fontsize=8)
    ax.set_xlabel("B − A, % of A: bar = estimate, whisker = its 95% interval")
    ax.grid(axis="x", color="#eee")
    lim = np.nanmax(np.abs(np.r_[pct.to_numpy(), lo.to_numpy(), hi.to_numpy(), 1.0]))
    ax.set_xlim(-lim * 1.3, lim * 1.3)
    ax.legend(handles=[Patch(color="#2ca02c", label="better"), Patch(color="#d62728", label="worse"),
                       Patch(color="#999", alpha=0.35, label="pale: interval includes 0 (noise)"),
                       Line2D([], [], color="#222", marker="|", ms=8, lw=1, label="whisker: 95% interval")],
              loc="lower right", fontsize=8)
    if title is None and data:
        title = f"B = {data[1].name} against A = {data[0].name}"
    ax.set_title(title or "Comparison: B against A", fontsize=12, loc="left")
    if data:
        footnote(fig, "A: " + run_provenance(data[0]) + "\nB: " + run_provenance(data[1]))
    return fig


def default_comparison_metrics(t: pd.DataFrame, top: int) -> list[str]:
    """The headline and economic KPIs, then the flows whose p95 transit changed most, each with its mean
    transit beside its p95 and its delivered tonnes (a p95 alone hides whether the whole journey moved)."""
    main = [m for m in (*MAIN_KPIS, *(k.key for k in ECONOMIC_KPIS)) if m in t.index]
    p95s = [m for m in t.index if m.startswith("transit_days.") and m.endswith(".p95")]
    p95s.sort(key=lambda m: -abs(t.loc[m, "diff_pct"]) if pd.notna(t.loc[m, "diff_pct"]) else 0)
    rest: list[str] = []
    for m in p95s:
        flow = m[len("transit_days."):-len(".p95")]
        rest += [x for x in (f"transit_days.{flow}.mean", m, f"delivered_tonnes_per_year_by_flow.{flow}")
                 if x in t.index]
    return main + rest[: max(0, top - len(main))]


def metric_label(metric: str, scenario: dict) -> str:
    """A compared metric as a person reads it: its flow by display name ("transit days p95: China → Baku")."""
    for prefix, what in (("transit_days.", "transit days"), ("delivered_tonnes_per_year_by_flow.", "t/yr delivered")):
        if metric.startswith(prefix):
            rest = metric[len(prefix):]
            flow, _, stat = rest.rpartition(".") if prefix == "transit_days." else (rest, "", "")
            return f"{what}{' ' + stat if stat else ''}: {label(scenario, 'flows', flow)}"
    return metric.replace("_", " ")


def _higher_is_worse(metric: str) -> bool:
    return metric.startswith(("transit_days", "runtime", "resources.", "cost_", "generalised_", "corridor_", "co2e_")) \
        and "delivered" not in metric
