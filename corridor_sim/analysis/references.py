"""The competing routes China → Europe beside the corridor: published figures, not simulated.

`corridor_sim/data/references.yaml` holds, for the Northern rail route, the sea via Suez and via the
Cape (and the corridor's own published figures), each figure's tariff per FEU, transit days or CO2e
per FEU, the year it describes and its row in the calibration sheets. `beside(kpis, group)` puts a
run's simulated figures for a flow group (per FEU = 2 TEU) in the same terms, for the report, the
findings and the terminal table to show side by side.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, model_validator

from ..scenario.types import Identifier, PositiveFloat, Strict
from .values import ci95, value

REFERENCES = Path(__file__).resolve().parent.parent / "data" / "references.yaml"
TEU_PER_FEU = 2.0
PUBLISHED = "published, not simulated"


class Figure(Strict):
    kpi: Literal["cost_usd_per_feu", "transit_days", "co2e_kg_per_feu"]
    value: PositiveFloat | None = None
    low: PositiveFloat | None = None
    high: PositiveFloat | None = None
    year: int | None = None
    source: str = Field(min_length=1)
    note: str = ""

    @model_validator(mode="after")
    def _value_or_range(self) -> "Figure":
        if (self.value is None) == (self.low is None or self.high is None) or (self.low or 0) > (self.high or 0):
            raise ValueError("give a value, or low <= high")
        return self

    @property
    def text(self) -> str:
        """'1,674' or '6,000–9,400'."""
        return f"{self.value:,.0f}" if self.value is not None else f"{self.low:,.0f}–{self.high:,.0f}"


class CompetingRoute(Strict):
    name: str
    figures: list[Figure]


class References(Strict):
    routes: dict[Identifier, CompetingRoute]


@functools.cache
def competing_routes(path: Path = REFERENCES) -> References:
    """The shipped published figures (read once)."""
    return References.model_validate(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def _scaled(x, factor: float):
    """A summary number (plain or {mean, ci95}) times `factor`, as {mean, ci95}."""
    v, iv = value(x), ci95(x)
    return {"mean": None if v is None else v * factor,
            "ci95": None if not iv or iv[0] is None else [iv[0] * factor, iv[1] * factor]}


def beside(kpis: dict, group: str) -> dict | None:
    """A flow group's simulated figures in the published figures' terms: USD (tariffs) and generalised USD
    per FEU, CO2e kg per FEU, transit days door to door and from departure (means), on-time share.
    None when the run priced no container flow of that group."""
    def of(key: str, scale: float = 1.0, stat: str | None = None):
        x = (kpis.get(key) or {}).get(group)
        if x is None:
            return None
        return _scaled(x.get(stat) if stat else x, scale)

    row = {"group": group,
           "cost_usd_per_feu": of("cost_usd_per_teu_by_group", TEU_PER_FEU),
           "generalised_cost_usd_per_feu": of("generalised_cost_usd_per_teu_by_group", TEU_PER_FEU),
           "co2e_kg_per_feu": of("co2e_kg_per_teu_by_group", TEU_PER_FEU),
           "transit_days": of("transit_days_by_group", stat="mean"),
           "transit_days_from_departure": of("transit_days_from_departure_by_group", stat="mean"),
           "on_time_share": of("on_time_share_by_group"),
           "promised_days": of("promised_days_by_group")}
    if row["cost_usd_per_feu"] is None and row["co2e_kg_per_feu"] is None:
        return None
    return row
