"""Well-to-wheel CO2e of a consignment on each leg of a route option (ISO 14083, the GLEC Framework),
with the sea lines' intensities from the run's own sailings.

ISO 14083 computes the emissions of a *transport operation category* (TOC) over a period, empty
trips included, and gives each consignment in it the TOC's emissions per unit of transport activity
times its own activity (tonne-km, the standard's default allocation). Here:

- **Each sea line is a TOC** over the measured window, both directions: every sailing that left in the
  window (voyages.parquet), loaded, part-loaded, carrying only empties, or in ballast, emits
  `kgco2e_per_tkm × at_tonnes_per_sailing` of its fleet per km; the line's intensity is their sum over
  the tonne-km of the cargo the sailings carried (the corridor's and the background traffic's). So the
  ballast sailings and the deck given to empties coming back are borne by the cargo that made them
  necessary, the line's cargo, in proportion to its tonne-km. A line with no cargo in the window takes
  its intensity over the whole run.
- Rail links: per tonne-km, electric on the electrified share of each country's kilometres (or of the
  link, where it has its own share) at `kwh_per_tkm` × the country's grid intensity, diesel on the
  rest; road, pipeline and transfer links at their intensity per tonne-km (these include average empty
  running, as GLEC's defaults do: the flat wagons the model runs back are not counted again).
- Nodes: per unit handled, on their own (`at:<node>`).
"""

from __future__ import annotations

import numpy as np

from ..columns import to_numpy
from ..records import RunRecords
from ..scenario.economics import km_by_country
from ..scenario.emissions import PER_UNIT
from ..scenario.network import compile_legs
from ..scenario.schema import PipelineLink, RailLink, RoadLink, Scenario, SeaLink, TransferLink
from .pricing import charged_units, dot, leg_key, node_key


def line_intensities(records: RunRecords) -> dict[str, dict]:
    """Per sea line whose fleet has a factor: its sailings and cargo in the window and its intensity,
    `kgco2e_per_tkm` (the TOC's CO2e over its cargo's tonne-km)."""
    sc = records.scenario
    fleets = sc.emissions.fleets
    table = records.voyages.table(columns=["line", "departed", "tonnes"], dictionary=("line",))
    line = to_numpy(table.column("line")).astype(str)
    departed = to_numpy(table.column("departed"))
    tonnes = to_numpy(table.column("tonnes"))
    window = (departed >= records.warmup_hours) & (departed < records.end_hours)
    out = {}
    for lid, link in sc.links.items():
        if not isinstance(link, SeaLink) or link.fleet not in fleets:
            continue
        factor = fleets[link.fleet]
        per_km = factor.kgco2e_per_tkm * factor.at_tonnes_per_sailing     # a vessel, whatever it carries
        on = line == lid
        basis = on & window if tonnes[on & window].sum() > 0 else on      # the window, else the whole run
        sailings, cargo = int(basis.sum()), float(tonnes[basis].sum())
        intensity = sailings * per_km / cargo if cargo > 0 else factor.kgco2e_per_tkm
        out[lid] = {"fleet": link.fleet, "sailings": sailings,
                    "empty_sailings": int((basis & (tonnes == 0)).sum()),
                    "cargo_tonnes_per_sailing": cargo / sailings if sailings else None,
                    "kgco2e_per_tkm": intensity, "published_kgco2e_per_tkm": factor.kgco2e_per_tkm,
                    "window": bool(np.array_equal(basis, on & window))}
    return out


def rail_kgco2e_per_tkm(scenario: Scenario, link_id: str) -> float:
    """A rail link's intensity: its countries' traction mix, weighted by the kilometres in each."""
    rail = scenario.emissions.rail
    own = rail.links.get(link_id)
    km = km_by_country(scenario, link_id)
    total = 0.0
    for country, k in km.items():
        spec = rail.countries.get(country)
        share = own.electrified_share if own is not None else spec.electrified_share
        grid = spec.grid_kgco2e_per_kwh if spec is not None and spec.grid_kgco2e_per_kwh is not None else 0.0
        total += k * (share * rail.kwh_per_tkm * grid + (1.0 - share) * rail.diesel_kgco2e_per_tkm)
    return total / sum(km.values())


def link_kgco2e_per_tkm(scenario: Scenario, link_id: str, lines: dict[str, dict]) -> float:
    """Any link's intensity per tonne-km."""
    e = scenario.emissions
    link = scenario.links[link_id]
    if isinstance(link, RailLink):
        return rail_kgco2e_per_tkm(scenario, link_id)
    if isinstance(link, SeaLink):
        return lines[link_id]["kgco2e_per_tkm"]
    if link_id in e.links_kgco2e_per_tkm:
        return e.links_kgco2e_per_tkm[link_id]
    by_mode = {RoadLink: e.road_kgco2e_per_tkm, PipelineLink: e.pipeline_kgco2e_per_tkm,
               TransferLink: e.transfer_kgco2e_per_tkm}
    return by_mode[type(link)]


def route_emissions(scenario: Scenario, flow_name: str, nodes: list[str], links: list[str],
                    lines: dict[str, dict]) -> dict[str, float]:
    """kg CO2e per consignment of a flow on one route option, by leg and node (as `pricing.route_tariffs`)."""
    e = scenario.emissions
    units = charged_units(scenario.flows[flow_name])
    out: dict[str, float] = {}
    legs = compile_legs(scenario, nodes, links)
    for node in nodes:
        factors = e.nodes.get(node)
        if factors is not None:
            out[node_key(node)] = out.get(node_key(node), 0.0) + dot(factors, PER_UNIT, units)
        for leg in (leg for leg in legs if leg.start == node):
            out[leg_key(leg)] = out.get(leg_key(leg), 0.0) + sum(
                units["tonnes"] * scenario.links[hop.link].distance_km * link_kgco2e_per_tkm(scenario, hop.link, lines)
                for hop in leg.hops)
    return out
