"""Terminal tables of what the routes cost and emit: per flow group and per flow, and the competing routes'
published figures beside the corridor's simulated ones (a single run, or replications with intervals)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..analysis.references import PUBLISHED, beside, competing_routes
from ..analysis.values import ci95, value


def _v(x, fmt: str = ",.0f", scale: float = 1.0) -> str:
    v = value(x)
    if v is None:
        return "–"
    iv = ci95(x)
    text = format(v * scale, fmt)
    if iv and iv[0] is not None:
        text += f" ({format(iv[0] * scale, fmt)}–{format(iv[1] * scale, fmt)})"
    return text


def _share(x) -> str:
    v = value(x)
    return "–" if v is None else f"{v:.0%}"


def _on_time(row: dict) -> str:
    """'86% in 34 d'; a group whose flows have promises of their own: the share alone."""
    promise = value(row["promised_days"])
    if value(row["on_time_share"]) is None:
        return "–"
    return _share(row["on_time_share"]) + ("" if promise is None else f" in {promise:g} d")


def print_routes(summary: dict, console: Console) -> None:
    """Cost, days and CO2e per flow group (per FEU) beside the competing routes, then per flow; nothing for a
    run that priced nothing."""
    k = summary.get("kpis") or {}
    groups = [g for g in (k.get("transit_days_by_group") or {}) if beside(k, g)]
    if not groups:
        return
    reps = "replications" in summary
    t = Table(title="Routes: cost, days and CO2e per FEU (simulated" + ("; 95% intervals" if reps else "") + ")",
              title_justify="left", caption="FEU = 2 TEU. Days door to door (cargo ready to delivery), and from "
              "leaving the origin (the clock of published times); on time against the promised days.",
              caption_justify="left")
    for col in ("flow group", "USD/FEU tariffs", "generalised USD/FEU", "days", "from departure", "on time",
                "kg CO2e/FEU"):
        t.add_column(col, justify="left" if col == "flow group" else "right")
    for g in groups:
        row = beside(k, g)
        on_time = _on_time(row)
        t.add_row(g, _v(row["cost_usd_per_feu"]), _v(row["generalised_cost_usd_per_feu"]),
                  _v(row["transit_days"], ".1f"), _v(row["transit_days_from_departure"], ".1f"), on_time,
                  _v(row["co2e_kg_per_feu"]))
    console.print(t)

    ref = Table(title=f"Competing routes China → Europe: {PUBLISHED}", title_justify="left")
    for col in ("route", "USD/FEU", "days", "kg CO2e/FEU"):
        ref.add_column(col, justify="left" if col == "route" else "right")
    for route in competing_routes().routes.values():
        cells = {kpi: "; ".join(f"{f.text} ({f.source}{f', {f.year}' if f.year else ''})"
                                for f in route.figures if f.kpi == kpi) or "–"
                 for kpi in ("cost_usd_per_feu", "transit_days", "co2e_kg_per_feu")}
        ref.add_row(route.name, cells["cost_usd_per_feu"], cells["transit_days"], cells["co2e_kg_per_feu"])
    console.print(ref)

    flows = Table(title="Flows: cost and CO2e (tariffs; generalised = tariffs + time + spread)", title_justify="left")
    for col in ("flow", "USD/t", "USD/TEU", "generalised USD/TEU", "kg CO2e/t", "kg CO2e/TEU", "on time"):
        flows.add_column(col, justify="left" if col == "flow" else "right")
    for f in k.get("cost_usd_per_tonne") or k.get("co2e_kg_per_tonne") or {}:
        get = lambda key: (k.get(key) or {}).get(f)  # noqa: E731
        flows.add_row(f, _v(get("cost_usd_per_tonne")), _v(get("cost_usd_per_teu")),
                      _v(get("generalised_cost_usd_per_teu")), _v(get("co2e_kg_per_tonne"), ".1f"),
                      _v(get("co2e_kg_per_teu")), _share(get("on_time_share")))
    console.print(flows)
