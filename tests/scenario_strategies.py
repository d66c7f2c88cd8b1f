"""Hypothesis strategies: random VALID corridor scenarios, and single mutations that break one.

A generated corridor is a line of nodes n0 … nK joined by links of random modes (rail
sections, sea legs served by fleets, transfers, pipelines), with optional stations,
ports with berths, yards and weather, a parallel transfer link that gives some flows a
choice of routes, rolling-stock pools, disruptions, and flows both ways between random
pairs of nodes with cargo that fits the fleets on their way. It is valid by
construction; everything random is what a user may legally write.

A mutation breaks one field of a valid scenario and says which field path the error
message must name: a wrong type, a negative number, an unknown reference, a deleted
required key, or an extra key.
"""

from __future__ import annotations

import copy
import datetime as dt

from hypothesis import strategies as st

from corridor_sim.scenario.errors import format_path

UNITS_FOR_CARGO = {"container": {"teu", "wagons"}, "wagonload": {"wagons", "tonnes"}, "liquid_bulk": {"tonnes"}}
CARGO_FOR_UNIT = {u: {c for c, us in UNITS_FOR_CARGO.items() if u in us} for u in ("teu", "wagons", "tonnes")}


def _num(lo: float, hi: float, step: float = 0.5):
    """A number in [lo, hi] on a grid of `step` (readable YAML, no float noise)."""
    return st.integers(int(round(lo / step)), int(round(hi / step))).map(lambda k: round(k * step, 6))


@st.composite
def durations(draw, lo: float = 0.0, hi: float = 24.0):
    kind = draw(st.sampled_from(["fixed", "deterministic", "exponential", "lognormal", "gamma", "uniform",
                                 "triangular"]))
    mean = draw(_num(max(lo, 0.5), max(hi, 1.0)))
    if kind == "fixed":
        return draw(_num(lo, hi))
    if kind == "deterministic":
        return {"dist": "deterministic", "value": draw(_num(lo, hi))}
    if kind == "exponential":
        return {"dist": "exponential", "mean": mean}
    if kind in ("lognormal", "gamma"):
        return {"dist": kind, "mean": mean, "cv": draw(_num(0.1, 1.5, 0.1))}
    low = draw(_num(lo, hi))
    high = low + draw(_num(0.5, 12))
    if kind == "uniform":
        return {"dist": "uniform", "low": low, "high": high}
    return {"dist": "triangular", "low": low, "mode": draw(_num(low, high, 0.25)), "high": high}


@st.composite
def scenarios(draw) -> dict:
    """A valid scenario as the mapping a YAML file holds."""
    k = draw(st.integers(1, 4))
    modes = [draw(st.sampled_from(["rail", "rail", "sea", "transfer", "pipeline"])) for _ in range(k)]
    units = {i: draw(st.sampled_from(["teu", "wagons", "tonnes"])) for i, m in enumerate(modes) if m == "sea"}
    start = dt.date(2020, 1, 1) + dt.timedelta(days=draw(st.integers(0, 3650)))
    warmup = draw(st.integers(0, 10))
    horizon = draw(st.integers(20, 60))
    max_wagons = draw(st.integers(20, 60))

    # ---- flows first: which pairs, which cargo fits every fleet on the way
    flows: dict = {}
    wanted = draw(st.integers(1, 3))
    for f in range(wanted):
        i, j = draw(st.lists(st.integers(0, k), min_size=2, max_size=2, unique=True))
        lo, hi = min(i, j), max(i, j)
        cargos = set(UNITS_FOR_CARGO)
        for seg in range(lo, hi):
            if seg in units:
                cargos &= CARGO_FOR_UNIT[units[seg]]
        if not cargos:
            continue
        cargo = draw(st.sampled_from(sorted(cargos)))
        flows[f"f{f}"] = (i, j, cargo)
    if not flows:  # one flow over the first link, with a cargo its fleet (if any) carries
        cargo = sorted(CARGO_FOR_UNIT[units[0]])[0] if 0 in units else "wagonload"
        flows["f0"] = (0, 1, cargo)

    # ---- nodes along the line
    nodes: dict = {}
    for n in range(k + 1):
        sea_units = {units[s] for s in (n - 1, n) if s in units}
        node: dict = {"lat": round(40 + n * 0.5, 3), "lon": round(80 - n * 3.0, 3)}
        if sea_units:
            node["kind"] = "port"
            node["berths"] = {f"b_{u}": {"handles": u, "count": draw(st.integers(1, 3)),
                                         "rate_per_hour": draw(_num(2, 400, 1)),
                                         "fixed_hours": draw(_num(0, 4))}
                              for u in sorted(sea_units)}
            if draw(st.booleans()):
                mean = draw(_num(4, 72, 1))
                node["weather"] = {"closed_share_by_month": [draw(_num(0, 0.6, 0.05)) for _ in range(12)],
                                   "mean_closure_hours": mean,
                                   # spells of at least their minimum, which the mean may not be below
                                   "min_closure_hours": draw(_num(0, min(mean, 12), 1)),
                                   "min_open_hours": draw(_num(0, 12, 1))}
        else:
            node["kind"] = "origin_terminal" if n == 0 else "destination" if n == k else \
                draw(st.sampled_from(["border_station", "gauge_change", "junction", "hub", "station"]))
        yard_units = sea_units | ({"tonnes"} if any(modes[s] == "pipeline" for s in (n - 1, n) if 0 <= s < k) else set())
        if yard_units and draw(st.booleans()):
            node["yard"] = {f"capacity_{u}": draw(_num(1, 3000, 1)) for u in sorted(yard_units)}
        if 0 < n < k and not sea_units and draw(st.booleans()):
            node["station"] = {"serves": draw(st.sampled_from(["train", "consignment"])),
                               "servers": draw(st.integers(1, 4)), "service_hours": draw(durations(0, 8)),
                               "dwell_hours": draw(durations(0, 12))}
        if draw(st.integers(0, 4)) == 0:
            node["train_formation"] = {"max_wagons": draw(st.integers(max(20, max_wagons), 70)),
                                       "max_wait_hours": draw(_num(2, 72, 1))}
        nodes[f"n{n}"] = node

    # ---- links and fleets
    links: dict = {}
    fleets: dict = {}
    for s, mode in enumerate(modes):
        a, b = f"n{s}", f"n{s + 1}"
        if mode == "rail":
            links[f"l{s}"] = {"mode": "rail", "from": a, "to": b, "distance_km": draw(_num(50, 2000, 10)),
                              "speed_km_per_day": draw(_num(200, 1200, 10)),
                              "capacity_trains_per_day": draw(_num(1, 30, 0.5)), "tracks": draw(st.sampled_from([1, 2]))}
        elif mode == "sea":
            unit = units[s]
            lowest = {"teu": 40, "wagons": 20, "tonnes": 1500}[unit]   # the largest consignment, below
            load_factor = draw(_num(0.8, 1.0, 0.05))
            fleets[f"fl{s}"] = {"vessels": draw(st.integers(1, 4)),
                                f"capacity_{unit}": draw(_num(lowest / 0.8, lowest * 10, 1)),
                                "load_factor": load_factor, "crossing_hours": draw(durations(2, 48)),
                                "max_wait_hours": draw(_num(2, 72, 1))}
            links[f"l{s}"] = {"mode": "sea", "from": a, "to": b, "distance_km": draw(_num(50, 900, 10)),
                              "fleet": f"fl{s}"}
        elif mode == "transfer":
            links[f"l{s}"] = {"mode": "transfer", "from": a, "to": b, "distance_km": draw(_num(0, 300, 10)),
                              "travel_hours": draw(durations(0, 24))}
        else:
            links[f"l{s}"] = {"mode": "pipeline", "from": a, "to": b, "distance_km": draw(_num(50, 2000, 10)),
                              "capacity_tonnes_per_year": draw(_num(2e5, 5e6, 1e5)),
                              "travel_hours": draw(durations(0, 96))}
    # A parallel transfer beside one non-sea link: a second way for the flows over it.
    alt = None
    choices = [s for s, m in enumerate(modes) if m != "sea"]
    if choices and draw(st.booleans()):
        alt = draw(st.sampled_from(choices))
        links[f"alt{alt}"] = {"mode": "transfer", "from": f"n{alt}", "to": f"n{alt + 1}",
                              "distance_km": draw(_num(10, 3000, 10)), "travel_hours": draw(durations(0, 48))}

    # ---- flows
    flow_specs: dict = {}
    for name, (i, j, cargo) in flows.items():
        spec: dict = {"cargo": cargo, "origin": f"n{i}", "destination": f"n{j}"}
        if cargo == "container":
            spec |= {"tonnes_per_teu": draw(_num(5, 25)), "consignment_teu": draw(st.integers(1, 40))}
            tonnes = spec["tonnes_per_teu"] * spec["consignment_teu"]
        elif cargo == "wagonload":
            spec |= {"tonnes_per_wagon": draw(_num(20, 70, 1)), "consignment_wagons": draw(st.integers(1, 20))}
            tonnes = spec["tonnes_per_wagon"] * spec["consignment_wagons"]
        else:
            spec |= {"consignment_tonnes": draw(_num(100, 1200, 10))}
            tonnes = spec["consignment_tonnes"]
        spec["tonnes_per_year"] = round(tonnes * draw(st.integers(20, 2000)), 3)
        if draw(st.booleans()):
            spec["seasonality"] = [draw(_num(0, 2, 0.1)) for _ in range(12)]
            if sum(spec["seasonality"]) == 0:
                spec["seasonality"][0] = 1.0
        spec["arrivals"] = draw(st.sampled_from(["poisson", "regular"]))
        if draw(st.booleans()):
            spec["group"] = draw(st.sampled_from(["east_west", "other"]))
        if alt is not None and min(i, j) <= alt < max(i, j):
            if draw(st.booleans()):
                choice = draw(st.sampled_from(["fixed_shares", "least_expected_time"]))
                share = draw(_num(0, 1, 0.1))
                spec["routes"] = [{"via": [f"l{alt}"]}, {"via": [f"alt{alt}"]}]
                if choice == "fixed_shares":
                    spec["routes"][0]["share"] = share
                    spec["routes"][1]["share"] = round(1 - share, 6)
                spec["route_choice"] = choice
            else:
                spec["route"] = [draw(st.sampled_from([f"l{alt}", f"alt{alt}"]))]
        flow_specs[name] = spec

    scenario: dict = {
        "name": "generated", "start_date": start, "warmup_days": warmup, "horizon_days": horizon,
        "seed": draw(st.integers(0, 2**31)), "default_train_formation": {"max_wagons": max_wagons,
                                                                       "max_wait_hours": draw(_num(2, 72, 1))},
        "nodes": nodes, "links": links, "flows": flow_specs,
    }
    if fleets:
        scenario["fleets"] = fleets
    if draw(st.booleans()):
        scenario["dwell_factor"] = draw(_num(0.1, 2, 0.1))

    # ---- rolling stock at the origin of the first rail link, if its trains form there
    rail_starts = [f"n{s}" for s, m in enumerate(modes) if m == "rail"]
    if rail_starts and draw(st.booleans()):
        per_train = draw(st.sampled_from(["wagons", "one"]))
        formed_at = draw(st.lists(st.sampled_from(rail_starts), min_size=1, max_size=2, unique=True))
        need = max((nodes[n].get("train_formation") or scenario["default_train_formation"])["max_wagons"]
                   for n in formed_at)
        count = draw(st.integers(need, need * 4)) if per_train == "wagons" else draw(st.integers(1, 6))
        scenario["rolling_stock"] = {"pool": {"count": count, "per_train": per_train, "formed_at": formed_at}}

    # ---- disruptions of what can be disrupted
    targets = [f"links.l{s}" for s, m in enumerate(modes) if m in ("rail", "pipeline")]
    targets += [f"nodes.{n}.station" for n, spec in nodes.items() if "station" in spec]
    targets += [f"nodes.{n}" for n, spec in nodes.items() if spec.get("berths")]
    targets += [f"nodes.{n}.berths.{g}" for n, spec in nodes.items() for g in spec.get("berths", {})]
    targets += [f"fleets.{f}" for f in fleets]
    if targets and draw(st.booleans()):
        disruptions = {}
        for d in range(draw(st.integers(1, 2))):
            spec = {"target": draw(st.sampled_from(targets))}
            if draw(st.booleans()):
                first = draw(st.integers(0, warmup + horizon - 1))
                spec["closures"] = [{"start": start + dt.timedelta(days=first),
                                     "end": start + dt.timedelta(days=first + draw(st.integers(1, 10)))}]
            if draw(st.booleans()) or "closures" not in spec:
                spec["mtbf_hours"] = draw(_num(24, 2000, 1))
                spec["mttr_hours"] = draw(_num(1, 96, 1))
            disruptions[f"d{d}"] = spec
        scenario["disruptions"] = disruptions
    return scenario


# --------------------------------------------------------------------------
# Breaking a valid scenario
# --------------------------------------------------------------------------

POSITIVE = {"servers", "count", "vessels", "rate_per_hour", "capacity_trains_per_day", "distance_km",
            "speed_km_per_day", "max_wait_hours", "max_wagons", "tonnes_per_year", "tonnes_per_teu",
            "consignment_teu", "tonnes_per_wagon", "consignment_wagons", "consignment_tonnes",
            "mean_closure_hours", "horizon_days", "warmup_days", "seed", "load_factor", "mtbf_hours",
            "mttr_hours", "dwell_factor", "capacity_wagons", "capacity_teu", "capacity_tonnes",
            "capacity_tonnes_per_year", "fixed_hours", "mean", "cv", "value", "low", "high",
            "service_hours", "dwell_hours", "crossing_hours", "travel_hours", "share"}
REFERENCES = {"from": "node", "to": "node", "origin": "node", "destination": "node", "fleet": "fleet"}
REQUIRED = {
    (): ["name", "start_date", "warmup_days", "horizon_days", "seed", "nodes", "flows"],
    ("nodes", "*"): ["kind", "lat", "lon"],
    ("nodes", "*", "station"): ["servers", "service_hours"],
    ("nodes", "*", "berths", "*"): ["handles", "count", "rate_per_hour"],
    ("nodes", "*", "weather"): ["closed_share_by_month", "mean_closure_hours"],
    ("links", "*"): ["mode", "from", "to"],
    ("fleets", "*"): ["vessels", "crossing_hours", "max_wait_hours"],
    ("flows", "*"): ["cargo", "origin", "destination", "tonnes_per_year"],
    ("rolling_stock", "*"): ["count", "formed_at"],
    ("disruptions", "*"): ["target"],
}
REQUIRED_BY_KIND = {
    ("links", "rail"): ["distance_km", "speed_km_per_day", "capacity_trains_per_day"],
    ("links", "sea"): ["distance_km", "fleet"],
    ("links", "pipeline"): ["distance_km", "capacity_tonnes_per_year"],
    ("flows", "container"): ["tonnes_per_teu", "consignment_teu"],
    ("flows", "wagonload"): ["tonnes_per_wagon", "consignment_wagons"],
    ("flows", "liquid_bulk"): ["consignment_tonnes"],
}
# Mappings that are records of the schema (an extra key there is an unknown field).
RECORDS = [(), ("nodes", "*"), ("nodes", "*", "station"), ("nodes", "*", "berths", "*"), ("nodes", "*", "yard"),
           ("nodes", "*", "weather"), ("nodes", "*", "train_formation"), ("links", "*"), ("fleets", "*"),
           ("flows", "*"), ("rolling_stock", "*"), ("disruptions", "*"), ("default_train_formation",)]


def _walk(node, path=()):
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, (*path, i))


def _matches(path: tuple, pattern: tuple) -> bool:
    return len(path) == len(pattern) and all(p == "*" or p == q for p, q in zip(pattern, path))


def _is_distribution(node) -> bool:
    return isinstance(node, dict) and "dist" in node


def mutations(scenario: dict) -> list[tuple[str, tuple, str, object]]:
    """Every single-field break of `scenario`: (kind, path, expected field path in the message, new value).
    A new value of `DELETE` deletes the key."""
    out = []
    for path, value in _walk(scenario):
        if not path:
            continue
        key = path[-1]
        parent = _get(scenario, path[:-1])
        in_list = isinstance(key, int)
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        # wrong type: a word for a number or a date, a number for a word
        if numeric or isinstance(value, dt.date):
            out.append(("wrong type", path, format_path(path), "lots"))
        elif isinstance(value, str):
            out.append(("wrong type", path, format_path(path), 7))
        # negative numbers where the schema wants >= 0 (not coordinates, not shares)
        if numeric and (key in POSITIVE or (in_list and path[-2] in ("seasonality", "closed_share_by_month"))
                        or (key == "mode" and _is_distribution(parent))):
            out.append(("negative", path, format_path(path), -1))
        # unknown references
        if isinstance(value, str) and not _is_distribution(parent) and key in REFERENCES and path[0] in ("links", "flows"):
            out.append(("unknown reference", path, format_path(path), f"ghost_{REFERENCES[key]}"))
        if in_list and len(path) >= 2 and path[-2] in ("route", "via", "formed_at"):
            out.append(("unknown reference", path, format_path(path), "ghost_node"))
        if key == "target":
            out.append(("unknown reference", path, format_path(path), "links.ghost"))
    # deleted required keys
    for pattern, keys in REQUIRED.items():
        for path, node in _walk(scenario):
            if isinstance(node, dict) and _matches(path, pattern):
                for k in keys:
                    if k in node:
                        out.append(("deleted", (*path, k), format_path((*path, k)), DELETE))
    for (collection, kind), keys in REQUIRED_BY_KIND.items():
        for name, spec in scenario.get(collection, {}).items():
            if spec.get("mode", spec.get("cargo")) == kind:
                for k in keys:
                    out.append(("deleted", (collection, name, k), format_path((collection, name, k)), DELETE))
    for path, node in _walk(scenario):
        if _is_distribution(node):
            for k in node:
                out.append(("deleted", (*path, k), format_path((*path, k)), DELETE))
    # extra keys in records of the schema, and in distribution mappings
    for path, node in _walk(scenario):
        if isinstance(node, dict) and (any(_matches(path, p) for p in RECORDS) or _is_distribution(node)):
            out.append(("extra key", (*path, "colour"), format_path((*path, "colour")), "red"))
    return out


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE = _Delete()


def _get(node, path: tuple):
    for part in path:
        node = node[part]
    return node


def mutate(scenario: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(scenario)
    parent = _get(out, path[:-1])
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return out
