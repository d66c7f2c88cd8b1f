"""Demand flows: what goes where, how much, in which consignments, and in which months.

A flow is one kind of cargo (containers, wagonload, liquid bulk, road vehicles) from an
origin to a destination, by one route or several; `consignment_size` is what one of its
consignments weighs and occupies in every unit the corridor counts in, and
`month_factors` the monthly multipliers of its rate.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from .display import Displayed
from .durations import Hours
from .types import Identifier, NonNegativeFloat, Number, PositiveFloat, PositiveInt, Strict

# Seasonality weights are relative: a month a million times busier than another is already no season but a
# typo, and bounded weights keep every sum and every normalised rate finite.
MAX_MONTH_WEIGHT = 1e6
MAX_ROUTE_OPTIONS = 100


class RouteOption(Strict):
    """One way a flow can go: waypoints, and its share when shares are fixed."""

    via: list[Identifier]
    share: Annotated[Number, Field(ge=0, le=1)] | None = None


class EmptyReturn(Strict):
    """The flow's wagons, containers or trucks come back empty across each sea line it crosses, taking deck
    space: `share` of them, back at the port they were unloaded at after the time the loaded ones took from
    there to the destination, twice (there and back), plus `turnaround_hours` to unload."""

    share: Annotated[Number, Field(ge=0, le=1)] = 1.0
    turnaround_hours: Hours = 24.0


class _FlowBase(Displayed):
    origin: Identifier
    destination: Identifier
    group: str | None = Field(
        default=None,
        description="A label for reporting transit times over several flows (e.g. china_baku, china_europe).",
    )
    route: list[Identifier] | None = Field(
        default=None,
        description="Waypoints from origin to destination; the path between waypoints is the shortest by distance.",
    )
    # Each consignment weighs every option (least_expected_time): a hundred is more than any corridor offers.
    routes: Annotated[list[RouteOption], Field(max_length=MAX_ROUTE_OPTIONS)] | None = Field(
        default=None,
        description="Alternative routes (instead of `route`), chosen per consignment by `route_choice`.",
    )
    route_choice: Literal["fixed_shares", "least_expected_time"] = "fixed_shares"
    promised_days: PositiveFloat | None = Field(default=None, description="Transit promised, from leaving the origin.")
    tonnes_per_year: PositiveFloat
    seasonality: Annotated[list[Annotated[NonNegativeFloat, Field(le=MAX_MONTH_WEIGHT)]],
                           Field(min_length=12, max_length=12)] = Field(
        default_factory=lambda: [1.0] * 12,
        description="Relative weight of each calendar month, January first; normalised to a mean of 1.",
    )
    arrivals: Literal["poisson", "regular"] = "poisson"
    empty_return: EmptyReturn | None = None
    background: bool = Field(
        default=False, description="Traffic of other routes on the corridor's elements (the Turkmenbashi-Alat line, "
                                   "trucks of other trades): simulated, but not counted in the corridor's tonnes.")

    @field_validator("seasonality")
    @classmethod
    def _some_weight(cls, v: list[float]) -> list[float]:
        if sum(v) <= 0:
            raise ValueError("at least one month needs a positive weight")
        return v

    @model_validator(mode="after")
    def _one_way_of_routing(self):
        if self.route is not None and self.routes is not None:
            raise ValueError("give either route or routes, not both")
        if self.routes is not None:
            if len(self.routes) < 1:
                raise ValueError("routes needs at least one option")
            shares = [r.share for r in self.routes]
            if self.route_choice == "fixed_shares":
                if any(x is None for x in shares):
                    raise ValueError("with route_choice fixed_shares, every route option needs a share")
                if abs(sum(shares) - 1.0) > 1e-6:
                    raise ValueError(f"route shares must add up to 1 (they add up to {sum(shares):g})")
        return self

    @model_validator(mode="after")
    def _a_consignment_is_a_number(self):
        # Products of extreme sizes (consignment_teu x tonnes_per_teu) overflow to inf or underflow to 0:
        # a flow whose consignments weigh nothing or infinitely much would generate nothing at all while
        # its demand is reported in full.
        size = consignment_size(self)
        if not 0 < size["tonnes"] < math.inf:
            raise ValueError(f"one consignment weighs {size['tonnes']:g} t: check the units of its size")
        unit = next((u for u, v in size.items() if not math.isfinite(v)), None)
        if unit is not None:
            raise ValueError(f"one consignment takes {size[unit]:g} {unit.replace('_', ' ')}: check the units "
                             "of its size")
        return self

    def month_factors(self) -> list[float]:
        """Each calendar month's multiplier of the flow's mean rate: the weights normalised to a mean of 1.

        The one rule the generator and the reports share. Divided by the largest weight first, so that no
        sum of weights overflows or underflows; every factor is then finite, in [0, 12]."""
        top = max(self.seasonality)
        scaled = [w / top for w in self.seasonality]
        mean = sum(scaled) / 12
        return [s / mean for s in scaled]

    def route_options(self) -> list[tuple[list[str], float]]:
        """(waypoints, share) of each way this flow can go."""
        if self.routes is None:
            return [(list(self.route or []), 1.0)]
        return [(list(r.via), r.share if r.share is not None else 1.0 / len(self.routes)) for r in self.routes]


# K10: ASCO's ferry tariff is for wagons of up to 15 m (x1.2 longer): the standard length on a ferry deck.
WAGON_METRES = 15.0


class ContainerFlow(_FlowBase):
    """Blocks of containers; `consignment_teu` TEU per consignment, on flat wagons by rail."""

    cargo: Literal["container"]
    tonnes_per_teu: PositiveFloat
    consignment_teu: PositiveFloat
    teu_per_wagon: PositiveFloat = 2.0
    metres_per_wagon: PositiveFloat = WAGON_METRES


class WagonloadFlow(_FlowBase):
    """Conventional wagon groups (grain, metals, cotton); `consignment_wagons` wagons each."""

    cargo: Literal["wagonload"]
    tonnes_per_wagon: PositiveFloat
    consignment_wagons: PositiveInt
    metres_per_wagon: PositiveFloat = WAGON_METRES


class LiquidBulkFlow(_FlowBase):
    """Oil and other liquid bulk, in parcels of `consignment_tonnes`; tank wagons where it goes by rail."""

    cargo: Literal["liquid_bulk"]
    consignment_tonnes: PositiveFloat
    tonnes_per_wagon: PositiveFloat = 60.0
    metres_per_wagon: PositiveFloat = WAGON_METRES


class RoadFlow(_FlowBase):
    """Trucks and semi-trailers: `consignment_vehicles` road vehicles each, by road and on ro-ro ferries."""

    cargo: Literal["road"]
    tonnes_per_vehicle: PositiveFloat
    consignment_vehicles: PositiveInt = 1
    metres_per_vehicle: PositiveFloat = Field(default=16.5, description="Deck length of one vehicle "
                                                                         "(assumption: a tractor and semi-trailer).")


Flow = Annotated[Union[ContainerFlow, WagonloadFlow, LiquidBulkFlow, RoadFlow], Field(discriminator="cargo")]
RAIL_CARGO = (ContainerFlow, WagonloadFlow, LiquidBulkFlow)


def consignment_size(flow: ContainerFlow | WagonloadFlow | LiquidBulkFlow | RoadFlow) -> dict[str, float]:
    """Tonnes, TEU, wagons, road vehicles and deck lane metres of one consignment of a flow."""
    if isinstance(flow, RoadFlow):
        vehicles = float(flow.consignment_vehicles)
        return {"tonnes": vehicles * flow.tonnes_per_vehicle, "teu": 0.0, "wagons": 0.0, "vehicles": vehicles,
                "lane_metres": vehicles * flow.metres_per_vehicle}
    if isinstance(flow, ContainerFlow):
        tonnes, teu, wagons = flow.consignment_teu * flow.tonnes_per_teu, flow.consignment_teu, \
            flow.consignment_teu / flow.teu_per_wagon
    elif isinstance(flow, WagonloadFlow):
        tonnes, teu, wagons = flow.consignment_wagons * flow.tonnes_per_wagon, 0.0, float(flow.consignment_wagons)
    else:
        tonnes, teu, wagons = flow.consignment_tonnes, 0.0, flow.consignment_tonnes / flow.tonnes_per_wagon
    return {"tonnes": tonnes, "teu": teu, "wagons": wagons, "vehicles": 0.0,
            "lane_metres": wagons * flow.metres_per_wagon}
