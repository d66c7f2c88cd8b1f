"""The scenario schema: typed, validated data with no behaviour.

Every model forbids unknown keys, so a typo in a scenario file is an error and
not a silently ignored field. Units are carried in field names (`_hours`,
`_km`, `_per_day`, `_tonnes`, `_teu`, `_wagons`).

Collections (nodes, links, fleets, flows) are mappings keyed by id: error paths
read `nodes.dostyk.station.servers` and `--set` reaches any field by the same
path.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from .durations import Duration
from .types import Identifier, NonNegativeFloat, Number, PositiveFloat, PositiveInt, Strict, Whole


# --------------------------------------------------------------------------
# Nodes
# --------------------------------------------------------------------------

NodeKind = Literal[
    "origin_terminal",
    "border_station",
    "gauge_change",
    "junction",
    "hub",
    "port",
    "destination",
    "station",
]


class Station(Strict):
    """A multi-server station: c servers, a service time, FIFO queue (M/G/c).

    `serves: train` processes whole trains on a number of tracks (gauge change,
    border inspection, locomotive change); `serves: consignment` processes each
    consignment on its own (customs per shipment, the M/M/c validation station).
    """

    serves: Literal["train", "consignment"] = "train"
    servers: PositiveInt
    service_hours: Duration
    dwell_hours: Duration = Field(
        default=0.0,
        description="Delay after service with no server held (customs, documents): an infinite-server stage.",
    )


class TrainFormation(Strict):
    """Trains are formed from waiting consignments: by size, with a maximum wait."""

    max_wagons: PositiveInt = 57          # R12: 41-57 wagons per container train
    max_wait_hours: PositiveFloat = 48.0


class BerthGroup(Strict):
    """Berths of one kind at a port. A vessel holds a berth while it loads or unloads."""

    handles: Literal["wagons", "teu", "tonnes"]
    count: PositiveInt
    rate_per_hour: PositiveFloat = Field(description="Units (wagons, TEU or tonnes) handled per hour per berth.")
    fixed_hours: NonNegativeFloat = Field(default=0.0, description="Mooring, documents, ramp set-up per call.")


class Weather(Strict):
    """Weather closures of a port: alternating open and closed spells.

    `closed_share_by_month[m]` is the share of calendar month m (January first)
    during which the port is closed; closures last `mean_closure_hours` on
    average (exponential spells).
    """

    closed_share_by_month: Annotated[list[Annotated[Number, Field(ge=0, lt=1)]], Field(min_length=12, max_length=12)]
    mean_closure_hours: PositiveFloat


class Yard(Strict):
    """Finite storage at a port, per unit. A full yard blocks unloading upstream; cargo is never dropped."""

    capacity_teu: PositiveFloat | None = None
    capacity_wagons: PositiveFloat | None = None
    capacity_tonnes: PositiveFloat | None = None


class Node(Strict):
    name: str | None = None
    kind: NodeKind
    lat: Annotated[Number, Field(ge=-90, le=90)]
    lon: Annotated[Number, Field(ge=-180, le=180)]
    country: str | None = None
    station: Station | None = None
    train_formation: TrainFormation | None = None
    berths: dict[Identifier, BerthGroup] = Field(default_factory=dict)
    yard: Yard | None = None
    weather: Weather | None = None


# --------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------


class RailLink(Strict):
    """A rail section: a capacity in trains per day and a running speed.

    On double track (`tracks: 2`) each direction has its own capacity; on single
    track (`tracks: 1`) trains of both directions share one set of paths, so the
    capacity is for both directions together (R5: Dostyk–Moyinty).
    """

    mode: Literal["rail"]
    from_: Identifier = Field(alias="from")
    to: Identifier
    distance_km: PositiveFloat
    speed_km_per_day: PositiveFloat
    capacity_trains_per_day: PositiveFloat
    tracks: Literal[1, 2] = 2


class SeaLink(Strict):
    """A sea leg served by a vessel fleet shuttling between its two ports."""

    mode: Literal["sea"]
    from_: Identifier = Field(alias="from")
    to: Identifier
    distance_km: PositiveFloat
    fleet: Identifier


class TransferLink(Strict):
    """A move of single consignments with a travel time and no capacity limit (truck shuttle, pipeline, internal move)."""

    mode: Literal["transfer"]
    from_: Identifier = Field(alias="from")
    to: Identifier
    distance_km: NonNegativeFloat = 0.0
    travel_hours: Duration = 0.0


class PipelineLink(Strict):
    """A pipeline: a throughput in tonnes per year (a quota, for a shipper with one) and a transit time."""

    mode: Literal["pipeline"]
    from_: Identifier = Field(alias="from")
    to: Identifier
    distance_km: PositiveFloat
    capacity_tonnes_per_year: PositiveFloat
    travel_hours: Duration = 0.0


Link = Annotated[Union[RailLink, SeaLink, TransferLink, PipelineLink], Field(discriminator="mode")]


# --------------------------------------------------------------------------
# Vessel fleets
# --------------------------------------------------------------------------


class Fleet(Strict):
    """Vessels of one type shuttling on one sea link; they sail when loaded or after a maximum wait.

    Exactly one capacity is given; it is the unit the vessels and their berths count in.
    """

    vessels: PositiveInt
    capacity_wagons: PositiveFloat | None = None
    capacity_teu: PositiveFloat | None = None
    capacity_tonnes: PositiveFloat | None = None
    load_factor: Annotated[Number, Field(gt=0, le=1)] = Field(
        default=1.0, description="Share of the capacity usable (draft limits: 0.70–0.75 on the Caspian)."
    )
    crossing_hours: Duration
    max_wait_hours: PositiveFloat

    @model_validator(mode="after")
    def _one_capacity(self) -> "Fleet":
        given = [u for u in ("wagons", "teu", "tonnes") if getattr(self, f"capacity_{u}") is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of capacity_wagons, capacity_teu, capacity_tonnes")
        return self

    @property
    def unit(self) -> str:
        return next(u for u in ("wagons", "teu", "tonnes") if getattr(self, f"capacity_{u}") is not None)

    @property
    def usable_capacity(self) -> float:
        return getattr(self, f"capacity_{self.unit}") * self.load_factor


# --------------------------------------------------------------------------
# Demand flows
# --------------------------------------------------------------------------


class RouteOption(Strict):
    """One way a flow can go: waypoints, and its share when shares are fixed."""

    via: list[Identifier]
    share: Annotated[Number, Field(ge=0, le=1)] | None = None


class _FlowBase(Strict):
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
    routes: list[RouteOption] | None = Field(
        default=None,
        description="Alternative routes (instead of `route`), chosen per consignment by `route_choice`.",
    )
    route_choice: Literal["fixed_shares", "least_expected_time"] = "fixed_shares"
    tonnes_per_year: PositiveFloat
    seasonality: Annotated[list[NonNegativeFloat], Field(min_length=12, max_length=12)] = Field(
        default_factory=lambda: [1.0] * 12,
        description="Relative weight of each calendar month, January first; normalised to a mean of 1.",
    )
    arrivals: Literal["poisson", "regular"] = "poisson"

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

    def route_options(self) -> list[tuple[list[str], float]]:
        """(waypoints, share) of each way this flow can go."""
        if self.routes is None:
            return [(list(self.route or []), 1.0)]
        return [(list(r.via), r.share if r.share is not None else 1.0 / len(self.routes)) for r in self.routes]


class ContainerFlow(_FlowBase):
    """Blocks of containers; `consignment_teu` TEU per consignment."""

    cargo: Literal["container"]
    tonnes_per_teu: PositiveFloat
    consignment_teu: PositiveFloat
    teu_per_wagon: PositiveFloat = 2.0


class WagonloadFlow(_FlowBase):
    """Conventional wagon groups (grain, metals, cotton); `consignment_wagons` wagons each."""

    cargo: Literal["wagonload"]
    tonnes_per_wagon: PositiveFloat
    consignment_wagons: PositiveInt


class LiquidBulkFlow(_FlowBase):
    """Oil and other liquid bulk, in parcels of `consignment_tonnes`; tank wagons where it goes by rail."""

    cargo: Literal["liquid_bulk"]
    consignment_tonnes: PositiveFloat
    tonnes_per_wagon: PositiveFloat = 60.0


Flow = Annotated[Union[ContainerFlow, WagonloadFlow, LiquidBulkFlow], Field(discriminator="cargo")]


def consignment_size(flow: ContainerFlow | WagonloadFlow | LiquidBulkFlow) -> dict[str, float]:
    """Tonnes, TEU and wagons of one consignment of a flow."""
    if isinstance(flow, ContainerFlow):
        return {
            "tonnes": flow.consignment_teu * flow.tonnes_per_teu,
            "teu": flow.consignment_teu,
            "wagons": flow.consignment_teu / flow.teu_per_wagon,
        }
    if isinstance(flow, WagonloadFlow):
        return {
            "tonnes": flow.consignment_wagons * flow.tonnes_per_wagon,
            "teu": 0.0,
            "wagons": float(flow.consignment_wagons),
        }
    return {
        "tonnes": flow.consignment_tonnes,
        "teu": 0.0,
        "wagons": flow.consignment_tonnes / flow.tonnes_per_wagon,
    }


# --------------------------------------------------------------------------
# The scenario
# --------------------------------------------------------------------------


class RollingStockPool(Strict):
    """Wagons (`per_train: wagons`) or locomotives (`per_train: 1`) that trains formed at
    `formed_at` draw from. A train waits at formation until the pool has enough;
    after the break-up the stock runs back empty over the same sections and returns."""

    count: PositiveInt
    per_train: Literal["wagons", "one"] = "wagons"
    formed_at: Annotated[list[Identifier], Field(min_length=1)]


class ClosureWindow(Strict):
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> "ClosureWindow":
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class Disruption(Strict):
    """Scheduled closures and random breakdowns of one resource.

    `target` is the path of what is disrupted: `nodes.<id>.station` (tracks),
    `nodes.<id>.berths.<group>`, `nodes.<id>` (a port: no vessel enters or leaves),
    `links.<id>` (a rail section or pipeline), or `fleets.<id>` (each vessel breaks down
    on its own). A breakdown takes one server (track, berth, vessel) at a time; a
    closure takes all of them.
    """

    target: str
    closures: list[ClosureWindow] = Field(default_factory=list)
    mtbf_hours: PositiveFloat | None = Field(default=None, description="Mean time between failures, per server.")
    mttr_hours: PositiveFloat | None = Field(default=None, description="Mean time to repair.")

    @model_validator(mode="after")
    def _both_or_neither(self) -> "Disruption":
        if (self.mtbf_hours is None) != (self.mttr_hours is None):
            raise ValueError("give both mtbf_hours and mttr_hours, or neither")
        if not self.closures and self.mtbf_hours is None:
            raise ValueError("give closures, or mtbf_hours and mttr_hours")
        return self


class Scenario(Strict):
    """A whole corridor study: network, fleets, demand, and the simulated period."""

    extends: str | None = Field(default=None, description="Path of a parent scenario, relative to this file.")
    name: Identifier
    description: str = ""
    start_date: dt.date = Field(description="Calendar date at simulated hour 0 (the start of the warm-up).")
    warmup_days: NonNegativeFloat = Field(description="Simulated before statistics start.")
    horizon_days: PositiveFloat = Field(description="Length of the measured window, after the warm-up.")
    seed: Annotated[Whole, Field(ge=0)]
    default_train_formation: TrainFormation = Field(
        default=TrainFormation(),
        description="Used where a node forming trains has no `train_formation` of its own.",
    )
    nodes: Annotated[dict[Identifier, Node], Field(min_length=1)]
    links: dict[Identifier, Link] = Field(default_factory=dict)
    fleets: dict[Identifier, Fleet] = Field(default_factory=dict)
    flows: Annotated[dict[Identifier, Flow], Field(min_length=1)]
    rolling_stock: dict[Identifier, RollingStockPool] = Field(default_factory=dict)
    disruptions: dict[Identifier, Disruption] = Field(default_factory=dict)
    dwell_factor: PositiveFloat = Field(
        default=1.0,
        description="Multiplies every station's dwell (customs, documents): 0.5 studies paperless, simplified transit.",
    )
