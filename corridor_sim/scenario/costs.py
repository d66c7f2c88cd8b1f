"""The `costs:` section of a scenario: what a shipper pays, where it is charged, and what time costs.

Out of pocket, a consignment pays on its route:

- per kilometre on rail and road links, at its country's rates (`rail.<country>`, `road.<country>`,
  the kilometres split by the link's `km_by_country` or its ends' `country`), or at the link's own
  rates where `links.<link>` gives any per-kilometre rate (a section priced apart);
- per unit on each link with an entry in `links` (a ferry per running metre of deck, K10; a feeder per
  TEU; a pipeline per tonne), and for its empties coming back over a sea line (`empty_usd_per_...`);
- per unit at each node of its route with an entry in `nodes` (port handling, border and
  transshipment fees).

A consignment is charged for its own units: a block of containers for its TEU (the flat wagons are
the railway's, paid in the TEU tariff), a wagon group for its wagons, a convoy for its vehicles; every
consignment for its tonnes and for the deck it takes in running metres.

Time: a consignment's goods are worth `value_of_time` (per TEU or per tonne, by cargo or by flow) and
cost `daily_rate` of that value per day in transit (M1: each day is worth 0.6–2.1% of the goods); the
spread of the flow's transit (p95 − mean) costs `reliability_ratio` times as much per day.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .types import Identifier, NonNegativeFloat, Number, PositiveFloat, Strict

Cargo = Literal["container", "wagonload", "liquid_bulk", "road"]

# Each rate and fee, and the unit of a consignment it multiplies (`charged_units` in analysis/pricing.py).
PER_KM = {"usd_per_teu_km": "teu", "usd_per_wagon_km": "wagons", "usd_per_vehicle_km": "vehicles",
          "usd_per_tonne_km": "tonnes"}
PER_UNIT = {"usd_per_teu": "teu", "usd_per_wagon": "wagons", "usd_per_vehicle": "vehicles",
            "usd_per_tonne": "tonnes", "usd_per_metre": "lane_metres"}
PER_EMPTY = {"empty_usd_per_teu": "teu", "empty_usd_per_wagon": "wagons", "empty_usd_per_vehicle": "vehicles",
             "empty_usd_per_metre": "lane_metres"}


class KmRates(Strict):
    """Rates per unit-kilometre (USD)."""

    usd_per_teu_km: NonNegativeFloat = 0.0
    usd_per_wagon_km: NonNegativeFloat = 0.0
    usd_per_vehicle_km: NonNegativeFloat = 0.0
    usd_per_tonne_km: NonNegativeFloat = 0.0


class Fees(Strict):
    """Fees per unit, charged once where they apply (USD)."""

    usd_per_teu: NonNegativeFloat = 0.0
    usd_per_wagon: NonNegativeFloat = 0.0
    usd_per_vehicle: NonNegativeFloat = 0.0
    usd_per_tonne: NonNegativeFloat = 0.0
    usd_per_metre: NonNegativeFloat = Field(default=0.0, description="Per running metre of deck (K10: ASCO).")


class LinkTariff(KmRates, Fees):
    """What a link charges: per-kilometre rates (replacing the country's on this link, where any is given),
    fees per unit, and fees per empty unit coming back over a sea line (the flow's `empty_return`)."""

    empty_usd_per_teu: NonNegativeFloat = 0.0
    empty_usd_per_wagon: NonNegativeFloat = 0.0
    empty_usd_per_vehicle: NonNegativeFloat = 0.0
    empty_usd_per_metre: NonNegativeFloat = 0.0

    @property
    def own_km_rates(self) -> bool:
        """Whether this link is priced per kilometre apart from its countries."""
        return bool(self.model_fields_set & set(PER_KM))

    @property
    def charges_empties(self) -> bool:
        return bool(self.model_fields_set & set(PER_EMPTY))


class CargoValue(Strict):
    """What the goods of a consignment are worth: per TEU (containers) or per tonne."""

    usd_per_teu: PositiveFloat | None = None
    usd_per_tonne: PositiveFloat | None = None

    @model_validator(mode="after")
    def _one_basis(self) -> "CargoValue":
        if (self.usd_per_teu is None) == (self.usd_per_tonne is None):
            raise ValueError("give exactly one of usd_per_teu, usd_per_tonne")
        return self


class ValueOfTime(Strict):
    """The cost of the goods' time in transit: `daily_rate` of their value per day (M1), the value by
    flow where given, else by cargo."""

    daily_rate: Annotated[Number, Field(gt=0, lt=1)]
    cargo: dict[Cargo, CargoValue] = Field(default_factory=dict)
    flows: dict[Identifier, CargoValue] = Field(default_factory=dict)


class Costs(Strict):
    """Tariffs, fees and the value of time: the generalised cost of each flow (see the module)."""

    rail: dict[str, KmRates] = Field(default_factory=dict, description="Rail rates by country (a node's `country`).")
    road: dict[str, KmRates] = Field(default_factory=dict, description="Road haulage rates by country.")
    links: dict[Identifier, LinkTariff] = Field(default_factory=dict)
    nodes: dict[Identifier, Fees] = Field(default_factory=dict)
    value_of_time: ValueOfTime
    reliability_ratio: NonNegativeFloat = Field(
        description="Value of a day of spread (p95 − mean transit) over the value of a day in transit.")
