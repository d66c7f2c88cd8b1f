"""What an experiment judges a change on: a KPI (a metric of the runs) and which way is better.

A criterion is a metric name as `compare` and the tidy tables name it (`metrics.py`) with its
direction: more delivered tonnes is better, fewer transit days and shorter waits are better.
The KPIs an experiment can judge, and their direction:

    delivered_tonnes_per_year (also _teu_, _consignments_)          higher is better
    delivered_tonnes_per_year_by_flow.<flow>                          higher
    transit_days.<flow>.<mean|p50|p95>                                lower
    transit_days_by_group.<group>.<mean|p50|p95>                      lower
    transit_days_from_departure[_by_group].<flow|group>.<stat>        lower
    resources.<resource>.<mean_wait_hours|mean_queue|max_queue|       lower
              queue_at_end|wait_tonne_hours|backlog_tonnes>
    corridor_cost_usd_per_teu, corridor_generalised_cost_usd_per_teu  lower (a scenario with `costs:`)
    corridor_co2e_kg_per_teu (or _per_tonne), co2e_tonnes_per_year    lower (a scenario with `emissions:`)

Other metrics (utilisation, occupancy, …) have no better direction: more of a resource makes
them fall, which is neither good nor bad, so they are refused rather than guessed.

By default an experiment judges delivered tonnes and the transit time (mean and p95) of every
flow group (`group:` in the scenario) — the time the shippers of each trade see. A scenario
without groups has each of its corridor flows judged as a group of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from ..scenario.schema import Scenario
from .errors import ExperimentError

HIGHER, LOWER = "higher", "lower"
TONNES = "delivered_tonnes_per_year"
TRANSIT_STATS = ("mean", "p95")          # judged by default, per group
WAIT_STATS = ("mean_wait_hours", "mean_queue", "max_queue", "queue_at_end", "wait_tonne_hours", "backlog_tonnes")


@dataclass(frozen=True)
class Criterion:
    """A KPI and which way is better: `gain(before, after)` is positive when `after` is better."""

    metric: str
    better: str        # HIGHER or LOWER

    def gain(self, before: float, after: float) -> float:
        return after - before if self.better == HIGHER else before - after

    def as_dict(self) -> dict:
        return {"metric": self.metric, "better": self.better}


@dataclass(frozen=True)
class _Family:
    """A family of metric names (a pattern), its direction, and the scenario names in it to check."""

    pattern: re.Pattern
    better: str
    form: str                  # how the family is written, for the message that lists them
    needs: str | None = None   # the scenario's section without which its runs have no such metric


_STAT = r"(?:mean|p50|p95)"
_FAMILIES = (
    _Family(re.compile(r"delivered_(?:tonnes|teu|consignments)_per_year"), HIGHER,
            "delivered_tonnes_per_year (or _teu_, _consignments_)"),
    _Family(re.compile(r"delivered_tonnes_per_year_by_flow\.(?P<flow>[^.]+)"), HIGHER,
            "delivered_tonnes_per_year_by_flow.<flow>"),
    _Family(re.compile(rf"transit_days(?:_from_departure)?\.(?P<flow>[^.]+)\.{_STAT}"), LOWER,
            "transit_days.<flow>.<mean|p50|p95>"),
    _Family(re.compile(rf"transit_days(?:_from_departure)?_by_group\.(?P<group>.+)\.{_STAT}"), LOWER,
            "transit_days_by_group.<group>.<mean|p50|p95>"),
    _Family(re.compile(rf"resources\.(?P<resource>.+)\.(?:{'|'.join(WAIT_STATS)})"), LOWER,
            f"resources.<resource>.<{'|'.join(WAIT_STATS)}>"),
    _Family(re.compile(r"corridor_(?:generalised_)?cost_usd_per_teu"), LOWER,
            "corridor_cost_usd_per_teu (or _generalised_)", "costs"),
    _Family(re.compile(r"corridor_co2e_kg_per_(?:teu|tonne)|co2e_tonnes_per_year"), LOWER,
            "corridor_co2e_kg_per_teu (or _per_tonne), co2e_tonnes_per_year", "emissions"),
)
FORMS = "; ".join(f.form for f in _FAMILIES)


def transit_groups(scenario: Scenario) -> dict[str, str]:
    """{group: the metric prefix of its transit days}: every flow group of the scenario's corridor flows
    (`transit_days_by_group.<group>`), or, where no flow has a group, every corridor flow
    (`transit_days.<flow>`). Traffic of other routes (`background`) is not the corridor's."""
    corridor = {name: flow for name, flow in scenario.flows.items() if not flow.background}
    groups = list(dict.fromkeys(f.group for f in corridor.values() if f.group))
    if groups:
        return {g: f"transit_days_by_group.{g}" for g in groups}
    return {name: f"transit_days.{name}" for name in corridor}


def default_criteria(scenario: Scenario) -> list[Criterion]:
    """Delivered tonnes, and the mean and p95 transit days of every flow group (see `transit_groups`)."""
    out = [Criterion(TONNES, HIGHER)]
    for prefix in transit_groups(scenario).values():
        out += [Criterion(f"{prefix}.{stat}", LOWER) for stat in TRANSIT_STATS]
    return out


def parse_criteria(kpis: Sequence[str] | str | None, scenario: Scenario,
                   resource_names: Callable[[], list[str]]) -> list[Criterion]:
    """The criteria named by `kpis` (metric names), checked against the scenario before anything runs:
    its flows, its groups and its resources (`resource_names()`, asked only when a KPI names a resource).
    None or empty: `default_criteria`."""
    if kpis is None:
        return default_criteria(scenario)
    if isinstance(kpis, str):
        kpis = [kpis]
    if not kpis:
        return default_criteria(scenario)
    groups = {f.group for f in scenario.flows.values() if f.group}
    known: dict[str, set[str] | None] = {"flow": set(scenario.flows), "group": groups, "resource": None}
    out: list[Criterion] = []
    for text in kpis:
        if not isinstance(text, str):
            raise ExperimentError("kpis", "expected metric names such as 'delivered_tonnes_per_year'", value=kpis)
        metric = text.strip()
        family = next((f for f in _FAMILIES if f.pattern.fullmatch(metric)), None)
        if family is None:
            raise ExperimentError("kpis", f"{text!r}: not a KPI an experiment can judge (one of: {FORMS})")
        if family.needs is not None and getattr(scenario, family.needs, None) is None:
            raise ExperimentError("kpis", f"{text!r}: the scenario has no {family.needs}: section, so its runs "
                                          f"have no such KPI")
        for kind, name in family.pattern.fullmatch(metric).groupdict().items():
            if known[kind] is None:
                known[kind] = set(resource_names())
            if name not in known[kind]:
                some = ", ".join(sorted(known[kind])[:6]) or "none"
                raise ExperimentError("kpis", f"{text!r}: no {kind} {name!r} in the scenario (e.g. {some})")
        if any(c.metric == metric for c in out):
            raise ExperimentError("kpis", f"{text!r}: given twice")
        out.append(Criterion(metric, family.better))
    return out
