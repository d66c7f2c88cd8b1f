"""The scenario schema: typed, validated data with no behaviour.

Every model forbids unknown keys, so a typo in a scenario file is an error and
not a silently ignored field. Units are carried in field names (`_hours`,
`_km`, `_per_day`, `_tonnes`, `_teu`, `_wagons`).

Collections (nodes, links, fleets, flows) are mappings keyed by id: error paths
read `nodes.dostyk.station.servers` and `--set` reaches any field by the same
path.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .costs import Costs
from .display import Displayed, Drawn
from .durations import Duration, Hours, PositiveHours
from .emissions import Emissions
from .flows import Flow
from .groups import FlowGroup
from .limits import Limits
from .market import MarketSection
from .types import CalendarDate, Identifier, NonNegativeFloat, Number, PositiveFloat, PositiveInt, Seed, Strict


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
    max_wait_hours: PositiveHours = 48.0


Unit = Literal["wagons", "teu", "tonnes", "lane_metres"]


class BerthGroup(Strict):
    """Berths of one kind at a port. A vessel holds a berth while it loads or unloads."""

    handles: Unit
    count: PositiveInt
    rate_per_hour: PositiveFloat = Field(description="Units (wagons, TEU, tonnes or lane metres) handled per hour "
                                                     "per berth.")
    fixed_hours: Hours = Field(default=0.0, description="Mooring, documents, ramp set-up per call.")


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
    mean_closure_hours: PositiveHours
    min_closure_hours: Hours = Field(
        default=6.0, description="Shortest closure (assumption: a storm closure lasts at least a watch).")
    min_open_hours: Hours = Field(
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

    every_hours: PositiveHours
    offset_hours: Hours = 0.0


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
    max_wait_hours: PositiveHours
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
    start: CalendarDate
    end: CalendarDate

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
    mtbf_hours: PositiveHours | None = Field(default=None, description="Mean time between failures, per server.")
    mttr_hours: PositiveHours | None = Field(default=None, description="Mean time to repair.")

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
    start_date: CalendarDate = Field(description="Calendar date at simulated hour 0 (the start of the warm-up).")
    warmup_days: NonNegativeFloat = Field(description="Simulated before statistics start.")
    horizon_days: PositiveFloat = Field(description="Length of the measured window, after the warm-up.")
    seed: Seed = Field(description="Master seed of the run's random streams: a whole number in [0, 2**63).")
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
    dwell_factor: Annotated[Number, Field(gt=0, le=1000)] = Field(
        default=1.0,
        description="Multiplies every station's dwell (customs, documents): 0.5 studies paperless, simplified transit.",
    )
    groups: dict[Identifier, FlowGroup] = Field(default_factory=dict, description="Flow groups' promised transit.")
    costs: Costs | None = Field(default=None, description="Tariffs, fees and the value of time (generalised cost).")
    emissions: Emissions | None = Field(default=None, description="CO2e factors (ISO 14083, GLEC).")
    limits: Limits = Field(
        default=Limits(),
        description="How much work a run may take before it is refused as a typo: raise them for a real long study.",
    )
    market: MarketSection | None = Field(default=None, description="Markets and competing routes (issue 15).")
