"""The economics of a scenario checked against its network: every kilometre, link and node a corridor
flow's route passes is priced and has an emission factor, and every rail or road kilometre is in a
country.

A rail or road link lies in the country of its two ends; a link across a border gives its
kilometres in each country (`km_by_country`), which must add up to its length. Only the corridor's own
flows are priced (not `background` traffic of other routes), and only when the scenario has a `costs:`
or an `emissions:` section: a scenario without them runs as before.
"""

from __future__ import annotations

from .network import LinkGraphs, route_paths
from .schema import PipelineLink, RailLink, RoadLink, Scenario, SeaLink, TransferLink

KM_TOLERANCE = 1.0   # km: a border split rounded to the kilometre still adds up


class NoCountry(ValueError):
    """A rail or road link whose kilometres cannot be put in countries: (field path, problem)."""


def km_by_country(scenario: Scenario, link_id: str) -> dict[str, float]:
    """The kilometres of a rail or road link in each country. Raises NoCountry(path, problem)."""
    link = scenario.links[link_id]
    if link.km_by_country is not None:
        total = sum(link.km_by_country.values())
        if abs(total - link.distance_km) > KM_TOLERANCE:
            raise NoCountry(f"links.{link_id}.km_by_country",
                            f"adds up to {total:g} km, not the link's distance_km {link.distance_km:g}")
        return dict(link.km_by_country)
    ends = [(n, scenario.nodes[n].country) for n in (link.from_, link.to)]
    for node, country in ends:
        if country is None:
            raise NoCountry(f"nodes.{node}.country", f"needed for the tariffs and traction of link '{link_id}' "
                                                     "(or give the link's km_by_country)")
    (a, ca), (b, cb) = ends
    if ca != cb:
        raise NoCountry(f"links.{link_id}.km_by_country", f"the link runs from {ca} ({a}) to {cb} ({b}): give its "
                                                          "kilometres in each country")
    return {ca: link.distance_km}


def corridor_hops(scenario: Scenario) -> dict[str, set[str]]:
    """link id -> the corridor flows whose routes take it (background flows are not priced)."""
    graphs = LinkGraphs(scenario)
    used: dict[str, set[str]] = {}
    for fname, flow in scenario.flows.items():
        if flow.background:
            continue
        for _, links, _ in route_paths(scenario, graphs, fname):
            for lid in links:
                used.setdefault(lid, set()).add(fname)
    return used


def economics_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """Everything the types of `groups`, `costs` and `emissions` cannot check alone: (field path, problem)."""
    problems = _group_problems(scenario)
    if scenario.costs is None and scenario.emissions is None:
        return problems
    used = corridor_hops(scenario)
    km: dict[str, dict[str, float]] = {}
    for lid in used:
        if isinstance(scenario.links[lid], (RailLink, RoadLink)):
            try:
                km[lid] = km_by_country(scenario, lid)
            except NoCountry as exc:
                problems.append(exc.args)
    if scenario.costs is not None:
        problems += _cost_problems(scenario, used, km)
    if scenario.emissions is not None:
        problems += _emission_problems(scenario, used, km)
    return problems


def _group_problems(scenario: Scenario) -> list[tuple[str, str]]:
    named = {f.group for f in scenario.flows.values() if f.group}
    return [(f"groups.{g}", f"no flow has group '{g}'") for g in scenario.groups if g not in named]


def _unknown(section: str, ids, known, what: str) -> list[tuple[str, str]]:
    return [(f"{section}.{i}", f"unknown {what} '{i}'") for i in ids if i not in known]


def _first(flows: set[str]) -> str:
    return sorted(flows)[0]


def _cost_problems(scenario: Scenario, used: dict[str, set[str]], km: dict) -> list[tuple[str, str]]:
    c = scenario.costs
    out = _unknown("costs.links", c.links, scenario.links, "link") + _unknown("costs.nodes", c.nodes, scenario.nodes,
                                                                               "node")
    out += _unknown("costs.value_of_time.flows", c.value_of_time.flows, scenario.flows, "flow")
    for lid, tariff in c.links.items():
        if tariff.charges_empties and lid in scenario.links and not isinstance(scenario.links[lid], SeaLink):
            out.append((f"costs.links.{lid}", "empties are charged on sea links only (where the model returns them)"))
    rates = {RailLink: ("rail", c.rail), RoadLink: ("road", c.road)}
    for lid, flows in used.items():
        link = scenario.links[lid]
        own = c.links.get(lid)
        if isinstance(link, (RailLink, RoadLink)):
            section, by_country = rates[type(link)]
            if own is not None and own.own_km_rates:
                continue
            for country in km.get(lid, {}):
                if country not in by_country:
                    out.append((f"costs.{section}", f"no rate for country '{country}' ({link.mode} link '{lid}', "
                                                    f"flow '{_first(flows)}')"))
        elif own is None:
            out.append((f"costs.links.{lid}", f"no tariff for {link.mode} link '{lid}', taken by flow "
                                              f"'{_first(flows)}' (give {{}} if it is free)"))
    for fname, flow in scenario.flows.items():
        if flow.background:
            continue
        value = c.value_of_time.flows.get(fname) or c.value_of_time.cargo.get(flow.cargo)
        where = f"costs.value_of_time.flows.{fname}" if fname in c.value_of_time.flows else "costs.value_of_time.cargo"
        if value is None:
            out.append((where, f"no value for {flow.cargo} cargo (flow '{fname}')"))
        elif value.usd_per_teu is not None and flow.cargo != "container":
            out.append((where, f"{flow.cargo} flow '{fname}' has no TEU: give usd_per_tonne"))
    return out


def _emission_problems(scenario: Scenario, used: dict[str, set[str]], km: dict) -> list[tuple[str, str]]:
    e = scenario.emissions
    out = _unknown("emissions.fleets", e.fleets, scenario.fleets, "fleet")
    out += _unknown("emissions.nodes", e.nodes, scenario.nodes, "node")
    out += _unknown("emissions.rail.links", e.rail.links, scenario.links, "link")
    out += _unknown("emissions.links_kgco2e_per_tkm", e.links_kgco2e_per_tkm, scenario.links, "link")
    for lid, flows in used.items():
        link = scenario.links[lid]
        if isinstance(link, RailLink):
            override = e.rail.links.get(lid)
            for country in km.get(lid, {}):
                spec = e.rail.countries.get(country)
                share = override.electrified_share if override is not None else (spec.electrified_share if spec else 1)
                if spec is None and (override is None or share > 0):
                    out.append(("emissions.rail.countries", f"no traction for country '{country}' (rail link "
                                                            f"'{lid}', flow '{_first(flows)}')"))
                elif share > 0 and spec.grid_kgco2e_per_kwh is None:
                    out.append((f"emissions.rail.countries.{country}.grid_kgco2e_per_kwh",
                                f"needed: {share:.0%} of rail link '{lid}' is electric"))
        elif isinstance(link, SeaLink) and link.fleet not in e.fleets:
            out.append(("emissions.fleets", f"no factor for fleet '{link.fleet}' (link '{lid}', flow "
                                            f"'{_first(flows)}')"))
    for lid in e.rail.links:
        if lid in scenario.links and not isinstance(scenario.links[lid], RailLink):
            out.append((f"emissions.rail.links.{lid}", "not a rail link"))
    for lid in e.links_kgco2e_per_tkm:
        if lid in scenario.links and not isinstance(scenario.links[lid], (RoadLink, PipelineLink, TransferLink)):
            out.append((f"emissions.links_kgco2e_per_tkm.{lid}", "only road, pipeline and transfer links take an "
                                                                 "intensity of their own"))
    return out
