"""The KPIs people read first (headline and economic), and what an experiment's tables take from a summary.

How every number of a summary is named as a metric is `analysis/metric_names.py`; it is re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..analysis.metric_names import ID_KEYS, PROVENANCE, RUNTIME, flatten, list_id, number


@dataclass(frozen=True)
class Kpi:
    """A KPI of summary.json's `kpis` as people read it: its key, its label, its digits."""

    key: str
    label: str
    digits: int = 0


# The headline KPIs, in this order everywhere: the runs table of an experiment, a sweep's grid,
# the terminal tables, a report's cards, a comparison's first rows.
HEADLINE_KPIS = (Kpi("delivered_tonnes_per_year", "tonnes delivered per year"),
                 Kpi("delivered_teu_per_year", "TEU delivered per year"),
                 Kpi("delivered_consignments_per_year", "consignments delivered per year"))
MAIN_KPIS = tuple(k.key for k in HEADLINE_KPIS)

# What the corridor's routes cost and emit: beside the headline KPIs wherever a run has them (a scenario
# with `costs:` and `emissions:`, see analysis/economics.py): a sweep's grid, the runs table, the cards.
ECONOMIC_KPIS = (Kpi("corridor_cost_usd_per_teu", "USD per TEU in tariffs (container flows)"),
                 Kpi("corridor_generalised_cost_usd_per_teu", "generalised USD per TEU (tariffs, time, spread)"),
                 Kpi("corridor_co2e_kg_per_teu", "kg CO2e per TEU (container flows)"),
                 Kpi("co2e_tonnes_per_year", "tonnes CO2e per year (the corridor's flows)"))

# How a summary's numbers are named is analysis's (`analysis/metric_names.py`); experiments name them so too.


def main_kpis(summary: dict, keys: tuple[str, ...] = MAIN_KPIS) -> dict[str, float | None]:
    kpis = summary.get("kpis") or {}
    return {name: number((kpis.get(name) or {}).get("mean")) for name in keys}


def reported_kpis(summaries: list[dict]) -> tuple[Kpi, ...]:
    """The headline KPIs, then the economic ones that any of the summaries holds."""
    held = {k for s in summaries for k in (s.get("kpis") or {})}
    return HEADLINE_KPIS + tuple(k for k in ECONOMIC_KPIS if k.key in held)


__all__ = ["Kpi", "HEADLINE_KPIS", "MAIN_KPIS", "ECONOMIC_KPIS", "RUNTIME", "PROVENANCE", "ID_KEYS", "list_id",
           "number", "flatten", "main_kpis", "reported_kpis"]
