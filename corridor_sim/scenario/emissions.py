"""The `emissions:` section of a scenario: well-to-wheel CO2e factors (ISO 14083, the GLEC Framework).

- Rail, per tonne-km: the electrified share of a country's network (or of one link) runs on
  `kwh_per_tkm` at the country's grid intensity, the rest on diesel at `diesel_kgco2e_per_tkm`
  (E6–E10). Like GLEC's defaults, these intensities include the average empty running of wagons.
- Sea, per vessel: `kgco2e_per_tkm` is a published intensity (E1–E3) that holds at
  `at_tonnes_per_sailing` tonnes of cargo per sailing; a vessel then emits their product per km
  sailed, loaded or not. The run's own sailings (voyages.parquet: ballast sailings and empties
  included) give each line its intensity (see analysis/emissions.py).
- Road, pipeline and transfer links, per tonne-km, one figure each (a link may have its own).
- Nodes, per unit handled (transshipment: cranes, yard tractors, shunting).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .types import Identifier, NonNegativeFloat, Number, PositiveFloat, Strict

Share = Annotated[Number, Field(ge=0, le=1)]

# Each factor at a node and the unit of a consignment it multiplies (as the fees of costs.py).
PER_UNIT = {"kgco2e_per_teu": "teu", "kgco2e_per_wagon": "wagons", "kgco2e_per_vehicle": "vehicles",
            "kgco2e_per_tonne": "tonnes"}


class RailCountry(Strict):
    electrified_share: Share
    grid_kgco2e_per_kwh: NonNegativeFloat | None = Field(
        default=None, description="Grid carbon intensity; needed where electrified_share > 0.")


class RailLinkTraction(Strict):
    """A rail link whose traction differs from its countries' (a section not electrified, E9)."""

    electrified_share: Share


class RailFactors(Strict):
    kwh_per_tkm: NonNegativeFloat = Field(description="Electric traction, at the grid, per net tonne-km.")
    diesel_kgco2e_per_tkm: NonNegativeFloat = Field(description="Diesel traction, well to wheel, per net tonne-km.")
    countries: dict[str, RailCountry] = Field(default_factory=dict)
    links: dict[Identifier, RailLinkTraction] = Field(default_factory=dict)


class FleetFactor(Strict):
    """A vessel emits kgco2e_per_tkm × at_tonnes_per_sailing per km it sails, whatever it carries."""

    kgco2e_per_tkm: PositiveFloat
    at_tonnes_per_sailing: PositiveFloat


class NodeFactors(Strict):
    kgco2e_per_teu: NonNegativeFloat = 0.0
    kgco2e_per_wagon: NonNegativeFloat = 0.0
    kgco2e_per_vehicle: NonNegativeFloat = 0.0
    kgco2e_per_tonne: NonNegativeFloat = 0.0


class Emissions(Strict):
    """Well-to-wheel CO2e factors by mode, vessel fleet, link and node (see the module)."""

    rail: RailFactors
    road_kgco2e_per_tkm: NonNegativeFloat = 0.0
    pipeline_kgco2e_per_tkm: NonNegativeFloat = 0.0
    transfer_kgco2e_per_tkm: NonNegativeFloat = 0.0
    links_kgco2e_per_tkm: dict[Identifier, NonNegativeFloat] = Field(
        default_factory=dict, description="A road, pipeline or transfer link's own intensity.")
    fleets: dict[Identifier, FleetFactor] = Field(default_factory=dict)
    nodes: dict[Identifier, NodeFactors] = Field(default_factory=dict)
