"""The observed China -> West container market, 2019-2025 (corridor_sim/data/market_history.yaml):
each route's published tariff, time and spread by year, and the TEU each carried.

`load_history(years)` keeps only the years asked for — inputs and outcomes alike — and notes them in
`History.years`: the fit asks for 2019-2024, so a 2025 outcome can never reach it (tests check both).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

HISTORY = "market_history.yaml"
ROUTES = ("corridor", "northern", "sea")
NESTS = {"corridor": "land", "northern": "land", "sea": "sea"}


@dataclass(frozen=True)
class RouteYear:
    usd_per_teu: float
    days: float
    spread_days: float


@dataclass(frozen=True)
class History:
    years: tuple[int, ...]                          # the years loaded, nothing else
    inputs: dict[int, dict[str, RouteYear]]         # year -> route -> published tariff, time, spread
    observed: dict[int, dict[str, float]]           # year -> route -> TEU (routes not observed are absent)
    usd_per_teu_day: float                          # r · V: the value of a TEU-day in transit
    reliability_ratio: float
    sanctions_from: int                             # the Northern route's sanctions constant applies from then
    market_growth: float
    capacity_teu: dict[int, float]

    def cost(self, year: int, route: str) -> float:
        """Generalised cost per TEU: tariff + r·V·days + ρ·r·V·spread (as the corridor's: analysis/economics)."""
        r = self.inputs[year][route]
        return r.usd_per_teu + self.usd_per_teu_day * (r.days + self.reliability_ratio * r.spread_days)


def _raw(path: Path | None) -> dict:
    if path is None:
        text = resources.files("corridor_sim.data").joinpath(HISTORY).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def load_history(years, path: Path | None = None) -> History:
    """The market's history for `years` only (see the module)."""
    years = tuple(sorted(int(y) for y in years))
    raw = _raw(path)
    vot = raw["value_of_time"]
    inputs = {y: {r: RouteYear(v["usd_per_feu"] / 2.0, v["days"], v.get("spread_days", 0.0))
                  for r, v in raw["inputs"][y].items()}
              for y in years if y in raw["inputs"]}
    observed = {y: {r: float(v) for r, v in raw["observed"][y].items()} for y in years if y in raw["observed"]}
    return History(years=years, inputs=inputs, observed=observed,
                   usd_per_teu_day=vot["usd_per_teu"] * vot["daily_rate"], reliability_ratio=vot["reliability_ratio"],
                   sanctions_from=raw["shocks"]["northern_sanctions_from"], market_growth=raw["market_growth"],
                   capacity_teu={y: v for y, v in raw.get("capacity_teu", {}).items() if y in years})
