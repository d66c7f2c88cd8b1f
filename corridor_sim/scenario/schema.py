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

from .costs import Costs
from .display import Displayed, Drawn
from .durations import Duration
from .emissions import Emissions
from .groups import FlowGroup
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
    background_trains_per_day: NonNegativeFloat = Field(
        default=0.0,
        description="Trains of other routes (Northern route, China-Central Asia) that take the station's tracks: "
                    "Poisson arrivals, each served like a corridor train, no cargo of the corridor.",
    )


class TrainFormation(Strict):
    """Trains are formed from waiting consignments: by size, with a maximum wait."""

    max_wagons: PositiveInt = 57          # R12: 41-57 wagons per container train
    max_wait_hours: PositiveFloat = 48.0


Unit = Literal["wagons", "teu", "tonnes", "lane_metres"]


class BerthGroup(Strict):
    """Berths of one kind at a port. A vessel holds a berth while it loads or unloads."""

    handles: Unit
    count: PositiveInt
    rate_per_hour: PositiveFloat = Field(description="Units (wagons, TEU, tonnes or lane metres) handled per hour "
                                                     "per berth.")
    fixed_hours: NonNegativeFloat = Field(default=0.0, description="Mooring, documents, ramp set-up per call.")


class Weather(Strict):
    """Weather closures of a port: alternating open and closed spells.

    `closed_share_by_month[m]` is the share of calendar month m (January first)
    during which the port is closed; closures last `mean_closure_hours` on
    average. Neither spell is shorter than its minimum: a storm closes a port for
    hours to days, and a vessel needs an open window long enough to unberth and
    clear the approach. A share that the minimum open window cannot leave room for
    (say 99.9999%) lengthens the closures instead: the port stays closed.
    """

    closed_share_by_month: Annotated[list[Annotated[Number, Field(ge=0, lt=1)]], Field(min_length=12, max_length=12)]
    mean_closure_hours: PositiveFloat
    min_closure_hours: NonNegativeFloat = Field(
        default=6.0, description="Shortest closure (assumption: a storm closure lasts at least a watch).")
    min_open_hours: NonNegativeFloat = Field(
        default=6.0, description="Shortest open spell (assumption: a vessel needs about six hours to leave).")

    @model_validator(mode="after")
    def _closures_at_least_their_minimum(self) -> "Weather":
        if self.mean_closure_hours < self.min_closure_hours:
            raise ValueError(f"mean_closure_hours ({self.mean_closure_hours:g}) is below "
                             f"min_closure_hours ({self.min_closure_hours:g})")
        return self


class Yard(Strict):
    """Finite storage at a port, per unit. A full yard blocks unloading upstream; cargo is never dropped.

    `capacity_vehicles` is the truck park where road vehicles wait for a ro-ro ferry."""

    capacity_teu: PositiveFloat | None = None
    capacity_wagons: PositiveFloat | None = None
    capacity_tonnes: PositiveFloat | None = None
    capacity_vehicles: PositiveFloat | None = None


class Embargo(Strict):
    """A port's admission limit: when the cargo waiting there for the sea crossing passes `limit`
    (in `unit`), the railways and origins stop dispatching cargo bound for the port until it falls
    below `release`. Held cargo waits at its origin (in the system, never dropped)."""

    unit: Literal["wagons", "teu", "tonnes", "vehicles"]
    limit: PositiveFloat
    release: NonNegativeFloat

    @model_validator(mode="after")
    def _release_below_limit(self) -> "Embargo":
        if self.release >= self.limit:
            raise ValueError("release must be below limit")
        return self


class Node(Displayed):
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
    depth_m: PositiveFloat | None = Field(default=None, description="Depth at the berths and approach (metres): "
                                                                    "with a fleet's `draft`, how much it may load.")
    embargo: Embargo | None = None


# --------------------------------------------------------------------------
# Links
# --------------------------------------------------------------------------


KM_BY_COUNTRY = "Kilometres in each country (by `country` code), for a link across a border: tariffs and traction."


class RailLink(Drawn):
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
    km_by_country: dict[str, PositiveFloat] | None = Field(default=None, description=KM_BY_COUNTRY)


class Timetable(Strict):
    """Departures from a line's `from` port at offset, offset + every, offset + 2 every, ...; from its
    other end half a period later. A vessel sails at its slot with what is aboard."""

    every_hours: PositiveFloat
    offset_hours: NonNegativeFloat = 0.0


class SeaLink(Drawn):
    """A line served by a vessel fleet: the fleet may serve several lines (its vessels go where its
    dispatch rule sends them)."""

    mode: Literal["sea"]
    from_: Identifier = Field(alias="from")
    to: Identifier
    distance_km: PositiveFloat
    fleet: Identifier
    crossing_hours: Duration | None = Field(default=None, description="Sailing time of this line (default: the "
                                                                       "fleet's crossing_hours).")
    timetable: Timetable | None = Field(default=None, description="This line's timetable (default: the fleet's).")
    share: Annotated[Number, Field(gt=0, le=1)] | None = Field(
        default=None, description="Share of the fleet's sailings, when its dispatch is fixed_shares.")


class RoadLink(Drawn):
    """A road between two nodes: trucks drive it in distance / speed, with no capacity limit."""

    mode: Literal["road"]
    from_: Identifier = Field(alias="from")
    to: Identifier
    distance_km: PositiveFloat
    speed_km_per_day: PositiveFloat
    km_by_country: dict[str, PositiveFloat] | None = Field(default=None, description=KM_BY_COUNTRY)


class TransferLink(Drawn):
    """A move of single consignments with a travel time and no capacity limit (truck shuttle, pipeline, internal move)."""

    mode: Literal["transfer"]
    from_: Identifier = Field(alias="from")
    to: Identifier
    distance_km: NonNegativeFloat = 0.0
    travel_hours: Duration = 0.0


class PipelineLink(Drawn):
    """A pipeline: a throughput in tonnes per year (a quota, for a shipper with one) and a transit time."""

    mode: Literal["pipeline"]
    from_: Identifier = Field(alias="from")
    to: Identifier
    distance_km: PositiveFloat
    capacity_tonnes_per_year: PositiveFloat
    travel_hours: Duration = 0.0


Link = Annotated[Union[RailLink, SeaLink, TransferLink, PipelineLink, RoadLink], Field(discriminator="mode")]


# --------------------------------------------------------------------------
# Vessel fleets
# --------------------------------------------------------------------------


class Draft(Strict):
    """A vessel's draft loaded (at its full deadweight) and in ballast, and the clearance it keeps under its
    keel: at a port of depth d it may load the share (d - clearance - light) / (loaded - light) of its
    capacity (F7: 3.5 m Caspian ports, 70-75%)."""

    loaded_m: PositiveFloat
    light_m: PositiveFloat
    under_keel_m: NonNegativeFloat = 0.3

    @model_validator(mode="after")
    def _light_below_loaded(self) -> "Draft":
        if self.light_m >= self.loaded_m:
            raise ValueError("light_m must be below loaded_m")
        return self


class Fleet(Displayed):
    """Vessels of one type on one or more sea lines (the links that name the fleet); they sail when
    loaded or after a maximum wait, or on a timetable.

    Exactly one capacity is given; it is the unit the vessels and their berths count in: lane
    metres for ro-ro ferries that carry wagons and road vehicles on the same decks."""

    vessels: PositiveInt
    capacity_wagons: PositiveFloat | None = None
    capacity_teu: PositiveFloat | None = None
    capacity_tonnes: PositiveFloat | None = None
    capacity_lane_metres: PositiveFloat | None = None
    load_factor: Annotated[Number, Field(gt=0, le=1)] = Field(
        default=1.0, description="Share of the capacity usable, where no draft is given (draft limits: 0.70-0.75 "
                                 "on the Caspian).")
    draft: Draft | None = Field(default=None, description="With the ports' depth_m, the share usable on each line.")
    crossing_hours: Duration
    max_wait_hours: PositiveFloat
    timetable: Timetable | None = None
    dispatch: Literal["most_cargo", "fixed_shares"] = Field(
        default="most_cargo", description="Where a vessel goes when several lines meet at its port: the line with "
                                          "the most cargo waiting, or the line furthest below its share of sailings.")

    @model_validator(mode="after")
    def _one_capacity(self) -> "Fleet":
        given = [u for u in UNITS if getattr(self, f"capacity_{u}") is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of " + ", ".join(f"capacity_{u}" for u in UNITS))
        return self

    @property
    def unit(self) -> str:
        return next(u for u in UNITS if getattr(self, f"capacity_{u}") is not None)

    @property
    def capacity(self) -> float:
        return getattr(self, f"capacity_{self.unit}")

    @property
    def usable_capacity(self) -> float:
        """The capacity times the load factor (what a line without a draft limit gets)."""
        return self.capacity * self.load_factor


UNITS = ("wagons", "teu", "tonnes", "lane_metres")


# --------------------------------------------------------------------------
# Demand flows
# --------------------------------------------------------------------------


class RouteOption(Strict):
    """One way a flow can go: waypoints, and its share when shares are fixed."""

    via: list[Identifier]
    share: Annotated[Number, Field(ge=0, le=1)] | None = None


class EmptyReturn(Strict):
    """The flow's wagons, containers or trucks come back empty across each sea line it crosses, taking deck
    space: `share` of them, back at the port they were unloaded at after the time the loaded ones took from
    there to the destination, twice (there and back), plus `turnaround_hours` to unload."""

    share: Annotated[Number, Field(ge=0, le=1)] = 1.0
    turnaround_hours: NonNegativeFloat = 24.0


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
    routes: list[RouteOption] | None = Field(
        default=None,
        description="Alternative routes (instead of `route`), chosen per consignment by `route_choice`.",
    )
    route_choice: Literal["fixed_shares", "least_expected_time"] = "fixed_shares"
    promised_days: PositiveFloat | None = Field(default=None, description="Transit promised, from leaving the origin.")
    tonnes_per_year: PositiveFloat
    seasonality: Annotated[list[NonNegativeFloat], Field(min_length=12, max_length=12)] = Field(
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
    groups: dict[Identifier, FlowGroup] = Field(default_factory=dict, description="Flow groups' promised transit.")
    costs: Costs | None = Field(default=None, description="Tariffs, fees and the value of time (generalised cost).")
    emissions: Emissions | None = Field(default=None, description="CO2e factors (ISO 14083, GLEC).")
