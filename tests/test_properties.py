"""Properties that hold for every scenario, checked on randomly generated ones (hypothesis).

Valid scenarios — random small corridors of rail, sea, transfer and pipeline links, with
stations, ports, berths, yards, weather, fleets, rolling stock, disruptions, route
choices and two-way demand (`scenario_strategies.scenarios`) — never crash, never
create or lose a tonne, and never record a time out of order.

Broken scenarios — a valid one with one field broken (a wrong type, a negative number,
an unknown reference, a deleted required key, an extra key) — are refused by the
command line with exit code 2 and one line that names the broken field, and nothing
is written.

When a property fails, hypothesis prints the smallest scenario it found that breaks
it: save it as a file and run it with `corridor-sim run`.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor_sim.api import simulate
from corridor_sim.cli import cli
from corridor_sim.output import _json_safe
from corridor_sim.scenario.loader import validate

from scenario_strategies import DELETE, mutate, mutations, scenarios

# Fresh random examples on every run of a developer; the same examples on every CI run (CI=true).
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
FAST = settings(max_examples=40, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.too_slow])


def _run(scenario: dict):
    sc = validate(copy.deepcopy(scenario), "generated.yaml")   # valid by construction: this must not raise
    return simulate(sc, scenario, source="generated.yaml")


@FAST
@given(scenarios())
def test_random_valid_scenarios_keep_their_books(scenario):
    result = _run(scenario)
    raw, s = result.records, result.summary

    # Nothing created or lost: generated = delivered + in the corridor, to the tonne, each consignment once.
    mb = s["mass_balance"]
    assert mb["balanced"], mb
    assert abs(mb["generated_tonnes"] - mb["delivered_tonnes"] - mb["in_system_tonnes"]) < 1.0, mb
    assert mb["generated_consignments"] == mb["delivered_consignments"] + mb["in_system_consignments"]

    # Times are never negative and never out of order.
    v, d = result.visits, result.deliveries
    times = ["arrival", "service_start", "service_end", "departure"]
    if len(v):
        assert np.isfinite(v[times + ["blocked_hours"]].to_numpy()).all()
        assert (v.arrival >= 0).all() and (v.departure <= raw.end_hours).all()
        assert (v.arrival <= v.service_start).all(), v[v.arrival > v.service_start]
        assert (v.service_start <= v.service_end).all(), v[v.service_start > v.service_end]
        assert (v.service_end <= v.departure).all(), v[v.service_end > v.departure]
        assert (v.blocked_hours >= 0).all()
        assert (v.blocked_hours <= (v.departure - v.arrival) + 1e-9).all()
        # along each consignment's path: it leaves a node before it reaches the next
        w = v.sort_values(["consignment", "arrival", "departure"], kind="stable")
        gap = (w.groupby("consignment").arrival.shift(-1) - w.departure).dropna()
        assert (gap >= 0).all()
    if len(d):
        assert ((0 <= d.created) & (d.created <= d.delivered) & (d.delivered <= raw.end_hours)).all()
        # a delivery is the consignment's last visit, at its flow's destination, at that time
        last = v.sort_values(["consignment", "departure"], kind="stable").groupby("consignment").tail(1)
        last = last.set_index("consignment").loc[d.consignment]
        destination = {f: spec["destination"] for f, spec in scenario["flows"].items()}
        assert (last.node.to_numpy() == d.flow.map(destination).to_numpy()).all()
        assert (last.departure.to_numpy() == d.delivered.to_numpy()).all()
    trains, voyages = pd.DataFrame(list(raw.trains)), pd.DataFrame(list(raw.voyages))
    if len(trains):
        assert (trains.formed <= trains.arrived).all()
    if len(voyages):
        assert (voyages.departed <= voyages.arrived).all()

    # The summary is well-formed: JSON without NaN, statistics in range.
    json.dumps(_json_safe(s), allow_nan=False)
    for r in s["resources"]:
        assert 0 <= r["utilization"] <= 1 + 1e-9, r
        assert r["mean_wait_hours"] >= 0 and r["mean_queue"] >= -1e-9 and r["max_queue"] >= 0, r
    for flow, t in s["kpis"]["transit_days"].items():
        assert t["n"] == 0 or 0 <= t["p50"] <= t["p95"], (flow, t)
    assert isinstance(s["stability"]["stable"], bool)


@settings(max_examples=120, deadline=None, derandomize=CI, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.data())
def test_random_broken_scenarios_are_refused_naming_the_field(scenario, data):
    kind, path, field, value = data.draw(st.sampled_from(mutations(scenario)), label="mutation")
    broken = mutate(scenario, path, value)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "broken.yaml"
        file.write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")
        out = Path(tmp) / "out"
        result = CliRunner().invoke(cli, ["run", str(file), "--out", str(out), "--quiet"])
        assert isinstance(result.exception, SystemExit), (kind, field, result.exception)
        lines = result.stderr.splitlines()
        assert result.exit_code == 2, (kind, field, value, result.stderr)
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert lines[0].startswith(f"error: {file}: "), lines[0]
        assert f" {field}: " in lines[0], f"{kind} at {field} ({value!r}): {lines[0]}"
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["broken.yaml"]   # nothing written


def test_the_mutations_cover_every_kind_of_break():
    """The broken-scenario property draws from all five kinds of mistakes."""
    example = {
        "name": "x", "start_date": __import__("datetime").date(2024, 1, 1), "warmup_days": 1, "horizon_days": 20,
        "seed": 1, "nodes": {"a": {"kind": "origin_terminal", "lat": 0, "lon": 0},
                             "b": {"kind": "destination", "lat": 0, "lon": 1}},
        "links": {"ab": {"mode": "transfer", "from": "a", "to": "b", "travel_hours": {"dist": "exponential", "mean": 2}}},
        "flows": {"f": {"cargo": "wagonload", "origin": "a", "destination": "b", "tonnes_per_year": 1000,
                        "tonnes_per_wagon": 50, "consignment_wagons": 1}},
    }
    found = mutations(example)
    assert {m[0] for m in found} == {"wrong type", "negative", "unknown reference", "deleted", "extra key"}
    assert ("deleted", ("links", "ab", "travel_hours", "mean"), "links.ab.travel_hours.mean", DELETE) in found
