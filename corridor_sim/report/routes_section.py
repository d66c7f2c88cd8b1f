"""The report's page of routes: cost, days and CO2e per route side by side, the corridor's simulated flow
groups first, then the competing routes' published figures (labelled as such, with their sources), then
each flow's cost and CO2e with the leg that weighs most.

Every simulated number carries its exact value (`data-value`) and, for replications, its interval.
"""

from __future__ import annotations

from ..analysis.references import PUBLISHED, beside, competing_routes
from ..analysis.values import value
from .markup import cell, ci_cell, esc, num, pct

INTRO = ("What a shipper pays in tariffs and fees per FEU (2 TEU), the generalised cost (tariffs, plus the "
         "goods' time in transit at the scenario's value of time, plus a premium for the spread of the transit "
         "time), the days door to door and from leaving the origin, the share on time against the promised "
         "days, and the well-to-wheel CO2e (ISO 14083, GLEC), per flow group of the corridor.")


def _cell(raw, digits: int, key: str) -> str:
    """A KPI's cell, named by `key` only where it has a value (a box-less flow has no cost per TEU)."""
    return cell(raw, digits, key if value(raw) is not None else None)


def _cells(raw, digits: int, key: str, reps: bool) -> str:
    """The KPI's cell, followed for replications by its interval's cell."""
    return _cell(raw, digits, key) + (ci_cell(raw, digits) if reps else "")


def routes_section(s: dict, reps: bool) -> str:
    """The section, or nothing for a run that priced no route."""
    k = s.get("kpis") or {}
    groups = [g for g in (k.get("transit_days_by_group") or {}) if beside(k, g)]
    if not groups:
        return ""
    ci = "<th>95% interval</th>" if reps else ""
    out = ['<h2 id="routes">Routes: cost, days and CO2e</h2>', f'<p class="muted">{esc(INTRO)}</p>',
           f'<table id="route-table"><tr><th class="l">route</th><th class="l">figures</th><th>USD/FEU</th>{ci}'
           f'<th>generalised USD/FEU</th>{ci}<th>days</th>{ci}<th>days from departure</th><th>on time</th>'
           f'<th>kg CO2e/FEU</th>{ci}<th class="l">sources</th></tr>']
    for g in groups:
        r = beside(k, g)
        promise, share = value(r["promised_days"]), value(r["on_time_share"])
        on_time = "–" if share is None else pct(share) + ("" if promise is None else f" in {promise:g} d")
        out.append(f'<tr data-route="{esc(g)}"><td class="l">corridor: {esc(g)}</td><td class="l">simulated</td>'
                   + _cells(r["cost_usd_per_feu"], 0, f"cost_usd_per_feu_by_group.{g}", reps)
                   + _cells(r["generalised_cost_usd_per_feu"], 0, f"generalised_cost_usd_per_feu_by_group.{g}", reps)
                   + _cells(r["transit_days"], 1, f"transit_days_by_group.{g}.mean", reps)
                   + cell(r["transit_days_from_departure"], 1) + f"<td>{esc(on_time)}</td>"
                   + _cells(r["co2e_kg_per_feu"], 0, f"co2e_kg_per_feu_by_group.{g}", reps)
                   + '<td class="l">this run</td></tr>')
    blank = "<td>–</td>" if reps else ""
    for rid, route in competing_routes().routes.items():
        for kpi in ("cost_usd_per_feu", "transit_days", "co2e_kg_per_feu"):
            for f in (f for f in route.figures if f.kpi == kpi):
                shown = {q: (f"<td>{esc(f.text)}</td>" if q == kpi else "<td>–</td>")
                         for q in ("cost_usd_per_feu", "transit_days", "co2e_kg_per_feu")}
                year = f", {f.year}" if f.year else ""
                out.append(f'<tr class="published" data-route="{esc(rid)}"><td class="l">{esc(route.name)}</td>'
                           f'<td class="l">{PUBLISHED}</td>{shown["cost_usd_per_feu"]}{blank}<td>–</td>{blank}'
                           f'{shown["transit_days"]}{blank}<td>–</td><td>–</td>{shown["co2e_kg_per_feu"]}{blank}'
                           f'<td class="l">{esc(f.source + year)}: {esc(f.note)}</td></tr>')
    out.append("</table>")
    out.append(f'<p class="muted">The competing routes\' figures are {PUBLISHED}: rows of the calibration sheets '
               "(competition-costs-emissions.md, corridor-figures.md), shipped in corridor_sim/data/references.yaml. "
               "Emissions per FEU scale with the tonnes in the box: the corridor's are at the scenario's tonnes per "
               "TEU (R13: 21 t westbound), GLEC's container factors at lighter boxes.</p>")
    out.append(_flows(k, reps))
    return "\n".join(out)


def _flows(k: dict, reps: bool) -> str:
    names = list(k.get("cost_usd_per_tonne") or k.get("co2e_kg_per_tonne") or {})
    ci = "<th>95% interval</th>" if reps else ""
    out = ['<h3>Flows: cost and CO2e</h3><table id="flow-cost-table"><tr><th class="l">flow</th>'
           f'<th>USD/t</th>{ci}<th>USD/TEU</th><th>generalised USD/TEU</th><th>kg CO2e/t</th>{ci}'
           '<th>kg CO2e/TEU</th><th>on time</th><th class="l">costliest leg (USD/t)</th>'
           '<th class="l">most CO2e (kg/t)</th></tr>']
    for f in names:
        get = lambda key: (k.get(key) or {}).get(f)  # noqa: E731
        out.append(f'<tr><td class="l">{esc(f)}</td>' + _cells(get("cost_usd_per_tonne"), 0, f"cost_usd_per_tonne.{f}", reps)
                   + _cell(get("cost_usd_per_teu"), 0, f"cost_usd_per_teu.{f}")
                   + _cell(get("generalised_cost_usd_per_teu"), 0, f"generalised_cost_usd_per_teu.{f}")
                   + _cells(get("co2e_kg_per_tonne"), 1, f"co2e_kg_per_tonne.{f}", reps)
                   + _cell(get("co2e_kg_per_teu"), 0, f"co2e_kg_per_teu.{f}")
                   + cell(get("on_time_share"), percent=True)
                   + f'<td class="l">{esc(_top(get("cost_usd_per_tonne_by_leg")))}</td>'
                   + f'<td class="l">{esc(_top(get("co2e_kg_per_tonne_by_leg")))}</td></tr>')
    out.append("</table>")
    return "\n".join(out)


def _top(by_leg: dict | None) -> str:
    """The leg (or node) with the largest share of a breakdown, and its amount."""
    if not by_leg:
        return "–"
    leg, amount = max(((leg, value(x) or 0.0) for leg, x in by_leg.items()), key=lambda p: p[1])
    return f"{leg}: {num(amount, 1)}"
