"""What each flow costs a shipper and the climate, and how reliable it is: the KPIs of `kpis.` that
price the run's deliveries.

Over the consignments delivered in the measured window, each flow's:

- `cost_usd_per_tonne`, `cost_usd_per_teu` (container flows): the tariffs and fees of its route
  (analysis/pricing.py), for the route option each consignment took, over its tonnes or TEU;
- `generalised_cost_usd_per_tonne`, `generalised_cost_usd_per_teu`: that, plus the time its goods
  were tied up, plus a premium for the flow's spread:

      generalised = tariffs + r · V · T + ρ · r · V · (p95 − mean)

  per consignment, with V the value of its goods, r the daily rate, T its own door-to-door transit
  in days (cargo ready to delivery), p95 and mean those of its flow's transit, ρ the reliability ratio;
- `co2e_kg_per_tonne`, `co2e_kg_per_teu`: well-to-wheel CO2e of its route (analysis/emissions.py);
- `co2e_tonnes_per_year_by_flow`, and over the corridor's flows `co2e_tonnes_per_year`;
- each per-unit figure `_by_leg` (legs `rail:a->b` and node charges `at:x`, adding up to the figure),
  the generalised cost `_by_part` (`tariffs`, `time`, `reliability`), and `_by_group` over the flows
  of a group (per TEU: over its container flows);
- corridor-wide, `corridor_cost_usd_per_teu`, `corridor_generalised_cost_usd_per_teu`,
  `corridor_co2e_kg_per_teu` (over the container flows) and `corridor_co2e_kg_per_tonne`;
- the reliability KPIs of analysis/reliability.py.

Background flows (traffic of other routes) are not priced; their cargo still shares the sea lines'
emissions. A scenario without `costs:` or `emissions:` gets only the reliability KPIs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..records import RunRecords
from ..scenario.flows import ContainerFlow
from ..scenario.schema import Scenario
from .deliveries import Deliveries
from .emissions import line_intensities, route_emissions
from .pricing import route_tariffs
from .reliability import reliability

PER_YEAR_DAYS = 365.0


@dataclass
class Totals:
    """Sums over the window deliveries of one flow (or a group, or the corridor)."""

    tonnes: float = 0.0
    teu: float = 0.0
    usd: dict[str, float] = field(default_factory=dict)     # tariffs by leg
    kg: dict[str, float] = field(default_factory=dict)      # CO2e by leg
    time_usd: float = 0.0
    reliability_usd: float = 0.0

    def add(self, other: "Totals") -> None:
        self.tonnes += other.tonnes
        self.teu += other.teu
        for mine, theirs in ((self.usd, other.usd), (self.kg, other.kg)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0.0) + v
        self.time_usd += other.time_usd
        self.reliability_usd += other.reliability_usd

    @property
    def parts(self) -> dict[str, float]:
        return {"tariffs": sum(self.usd.values()), "time": self.time_usd, "reliability": self.reliability_usd}


@dataclass
class Economics:
    kpis: dict
    blocks: dict          # top-level summary fields (the sea lines' CO2e intensities)


def _mean(x: float | None) -> dict:
    return {"mean": x}


def _per(total: float, units: float) -> float | None:
    return total / units if units > 0 else None


def _flow_totals(sc: Scenario, name: str, mask: np.ndarray, d: Deliveries, door_days: np.ndarray,
                 paths: list, lines: dict | None) -> Totals:
    """A flow's window deliveries: their tariffs and CO2e by leg (by the option each took), and the cost
    of their time and of their flow's spread."""
    t = Totals(tonnes=sum(d.tonnes[mask].tolist()), teu=sum(d.teu[mask].tolist()))
    taken = np.bincount(d.route[mask], minlength=len(paths))
    for option, (nodes, links, _) in enumerate(paths):
        n = int(taken[option])
        if not n:
            continue
        for totals, per_consignment in (
                (t.usd, route_tariffs(sc, name, nodes, links) if sc.costs is not None else {}),
                (t.kg, route_emissions(sc, name, nodes, links, lines) if lines is not None else {})):
            for key, v in per_consignment.items():
                totals[key] = totals.get(key, 0.0) + n * v
    days = door_days[mask]
    if sc.costs is not None and days.size:
        vot = sc.costs.value_of_time
        value = vot.flows.get(name) or vot.cargo[sc.flows[name].cargo]
        worth = value.usd_per_teu * d.teu[mask] if value.usd_per_teu is not None else value.usd_per_tonne * d.tonnes[mask]
        t.time_usd = vot.daily_rate * float(np.dot(worth, days))
        spread = float(np.percentile(days, 95)) - float(days.mean())
        t.reliability_usd = sc.costs.reliability_ratio * vot.daily_rate * spread * float(worth.sum())
    return t


def _unit_kpis(out: dict, suffix: str, key: str, t: Totals, sc: Scenario, container: bool) -> None:
    """The per-tonne and per-TEU KPIs of one flow or group (`suffix`: '' or '_by_group')."""
    bases = [("tonne", t.tonnes)] + ([("teu", t.teu)] if container else [])
    for unit, amount in bases:
        if sc.costs is not None:
            out.setdefault(f"cost_usd_per_{unit}{suffix}", {})[key] = _mean(_per(sum(t.usd.values()), amount))
            out.setdefault(f"generalised_cost_usd_per_{unit}{suffix}", {})[key] = _mean(
                _per(sum(t.parts.values()), amount))
            out.setdefault(f"generalised_cost_usd_per_{unit}_by_part{suffix}", {})[key] = {
                p: _mean(_per(v, amount)) for p, v in t.parts.items()}
            out.setdefault(f"cost_usd_per_{unit}_by_leg{suffix}", {})[key] = {
                k: _mean(_per(v, amount)) for k, v in t.usd.items()}
        if sc.emissions is not None:
            out.setdefault(f"co2e_kg_per_{unit}{suffix}", {})[key] = _mean(_per(sum(t.kg.values()), amount))
            out.setdefault(f"co2e_kg_per_{unit}_by_leg{suffix}", {})[key] = {
                k: _mean(_per(v, amount)) for k, v in t.kg.items()}


def economics(records: RunRecords, d: Deliveries, breakdown: dict) -> Economics:
    """The cost, CO2e and reliability KPIs of a run (see the module), and the sea lines' intensities."""
    sc = records.scenario
    w = d.in_window(records.warmup_hours, records.end_hours)
    flow_of = d.flow[w]
    wd = Deliveries(*(getattr(d, f)[w] for f in Deliveries.__dataclass_fields__))
    door = (wd.delivered - wd.created) / 24.0
    from_departure = (wd.delivered - wd.departed) / 24.0
    masks = {name: flow_of == name for name in sc.flows}
    out = reliability(sc, {n: door[m] for n, m in masks.items()}, {n: from_departure[m] for n, m in masks.items()},
                      breakdown)
    if sc.costs is None and sc.emissions is None:
        return Economics(out, {})
    lines = line_intensities(records) if sc.emissions is not None else None
    per_year = PER_YEAR_DAYS / sc.horizon_days
    corridor, containers = Totals(), Totals()
    groups: dict[str, tuple[Totals, Totals]] = {}
    for name, flow in sc.flows.items():
        if flow.background:
            continue
        t = _flow_totals(sc, name, masks[name], wd, door, records.route_paths[name], lines)
        is_box = isinstance(flow, ContainerFlow)
        _unit_kpis(out, "", name, t, sc, is_box)
        if sc.emissions is not None:
            out.setdefault("co2e_tonnes_per_year_by_flow", {})[name] = _mean(sum(t.kg.values()) / 1000.0 * per_year)
        corridor.add(t)
        if is_box:
            containers.add(t)
        if flow.group:
            everything, boxes = groups.setdefault(flow.group, (Totals(), Totals()))
            everything.add(t)
            if is_box:
                boxes.add(t)
    for g, (everything, boxes) in groups.items():
        _unit_kpis(out, "_by_group", g, everything, sc, False)
        if boxes.teu > 0:
            box_kpis: dict = {}
            _unit_kpis(box_kpis, "_by_group", g, boxes, sc, True)
            for key, by_group in box_kpis.items():
                if "_per_teu" in key:
                    out.setdefault(key, {})[g] = by_group[g]
    if sc.costs is not None:
        out["corridor_cost_usd_per_teu"] = _mean(_per(containers.parts["tariffs"], containers.teu))
        out["corridor_generalised_cost_usd_per_teu"] = _mean(_per(sum(containers.parts.values()), containers.teu))
    blocks = {}
    if sc.emissions is not None:
        out["co2e_tonnes_per_year"] = _mean(sum(corridor.kg.values()) / 1000.0 * per_year)
        out["corridor_co2e_kg_per_teu"] = _mean(_per(sum(containers.kg.values()), containers.teu))
        out["corridor_co2e_kg_per_tonne"] = _mean(_per(sum(corridor.kg.values()), corridor.tonnes))
        blocks["co2e_lines"] = lines
    return Economics(out, blocks)
