"""What the explorer shows of a run, as plain data and Plotly figures: KPI cards, the map with hover
details on every node and link, monthly tonnes, transit times, the ranked bottlenecks.

Everything is drawn from `rundir.RunData` (a directory, or a lever run held in memory) through the
same analysis the PNG figures use; the map is `plots.interactive.interactive_map`, the one the report
embeds with `report --interactive`.
"""

from __future__ import annotations

import plotly.graph_objects as go

from ..analysis.labels import label, resource_labels
from ..analysis.monthly import delivered_by_month, tonnes_by_month_and_cargo
from ..analysis.values import ci95, value
from ..analysis.window import window_transit
from ..plots.interactive import interactive_map
from ..rundir import NotARunDirectory, RunData

__all__ = ["bottleneck_rows", "interactive_map", "kpi_cards", "monthly_figure", "transit_figure"]

CARDS = (("delivered_tonnes_per_year", "delivered", "t/yr"), ("delivered_teu_per_year", "containers", "TEU/yr"),
         ("delivered_consignments_per_year", "consignments", "/yr"),
         ("corridor_cost_usd_per_teu", "tariffs", "USD/TEU"), ("co2e_tonnes_per_year", "emissions", "t CO2e/yr"))


def kpi_cards(data: RunData) -> list[dict]:
    """The headline KPIs as cards: key, title, value, unit and (replications) the 95% interval."""
    kpis = data.summary.get("kpis") or {}
    cards = []
    for key, title, unit in CARDS:
        if key in kpis and value(kpis[key]) is not None:
            cards.append({"key": key, "title": title, "value": value(kpis[key]), "unit": unit,
                          "ci95": ci95(kpis[key])})
    return cards


def bottleneck_rows(data: RunData, top: int = 8) -> list[dict]:
    names = resource_labels(data.summary.get("resources") or [], data.scenario)
    return [{"rank": i, "resource": names.get(b["name"], b["name"]),
             "utilisation": _pct(value(b.get("utilization"))), "share of waiting": _pct(value(b.get("wait_share"))),
             "why": b.get("reason", "")}
            for i, b in enumerate((data.summary.get("bottlenecks") or [])[:top], 1)]


def _pct(x) -> str:
    return "–" if x is None else f"{x:.0%}"


def monthly_figure(data: RunData) -> go.Figure:
    """Tonnes delivered per month, stacked by cargo (the mean over replications)."""
    fig = go.Figure()
    try:
        delivered = delivered_by_month(data.deliveries, data.scenario.get("flows") or {}, data.window)
        table = tonnes_by_month_and_cargo(delivered, data.window, data.n_replications)
    except NotARunDirectory:
        return fig
    months = [str(m) for m in table.index]
    for cargo in table.columns:
        fig.add_trace(go.Bar(x=months, y=table[cargo] / 1e3, name=str(cargo)))
    fig.update_layout(barmode="stack", height=340, margin={"l": 50, "r": 10, "t": 30, "b": 40},
                      yaxis_title="thousand tonnes", title={"text": "tonnes delivered per month", "font": {"size": 13}})
    return fig


def transit_figure(data: RunData) -> go.Figure:
    """Transit days per flow as boxes (every delivered consignment of the window; pooled over replications)."""
    fig = go.Figure()
    try:
        d = window_transit(data.deliveries, data.window)
    except NotARunDirectory:
        return fig
    for flow, g in sorted(d.groupby("flow"), key=lambda kv: kv[1].days.median()):
        fig.add_trace(go.Box(x=g.days, name=label(data.scenario, "flows", flow), boxpoints=False,
                             orientation="h"))
    fig.update_layout(height=max(300, 60 + 22 * d.flow.nunique()), showlegend=False,
                      margin={"l": 10, "r": 10, "t": 30, "b": 40}, xaxis_title="transit days",
                      title={"text": "transit time per flow", "font": {"size": 13}})
    return fig
