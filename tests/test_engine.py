"""The engine keeps its books: no cargo is created or lost, time runs forward,
statistics obey Little's law, and the same seed gives the same run."""

import json

import pandas as pd
import pytest

from corridor_sim.api import run
from corridor_sim.model import batching

from conftest import DATA

MINI = DATA / "mini_corridor.yaml"


def test_every_tonne_is_delivered_or_still_in_the_corridor(mini_corridor):
    mb = mini_corridor.summary["mass_balance"]
    assert mb["balanced"]
    assert mb["generated_tonnes"] == pytest.approx(mb["delivered_tonnes"] + mb["in_system_tonnes"], abs=1e-6)
    assert mb["generated_consignments"] == mb["delivered_consignments"] + mb["in_system_consignments"]
    assert mb["delivered_tonnes"] > 0 and mb["in_system_tonnes"] > 0


def test_a_consignment_dropped_by_a_queue_breaks_the_balance(monkeypatch):
    """The balance counts consignments where they are, so losing one is caught."""
    real_take = batching.BatchQueue.take
    dropped = []

    def lossy_take(self, capacity):
        batch = real_take(self, capacity)
        if batch and not dropped:
            dropped.append(batch.pop())
        return batch

    monkeypatch.setattr(batching.BatchQueue, "take", lossy_take)
    result = run(MINI)
    assert dropped
    assert not result.summary["mass_balance"]["balanced"]


def test_visits_run_forward_in_time(mini_corridor):
    v = mini_corridor.visits
    assert len(v) > 0
    assert (v.arrival <= v.service_start + 1e-9).all()
    assert (v.service_start <= v.service_end + 1e-9).all()
    assert (v.service_end <= v.departure + 1e-9).all()
    assert (v.blocked_hours >= 0).all()
    # Along each consignment's path, it leaves one node before it reaches the next.
    v = v.sort_values(["consignment", "arrival", "departure"])
    nxt = v.groupby("consignment").arrival.shift(-1)
    gap = (nxt - v.departure).dropna()
    assert (gap >= -1e-9).all()


def test_delivered_consignments_visit_their_whole_route(mini_corridor):
    v = mini_corridor.visits
    d = mini_corridor.deliveries
    last = v.sort_values("departure").groupby("consignment").node.last()
    assert (last.loc[d.consignment] == "depot").all()
    # wagons go by ferry, containers by feeder; both pass the gauge change and customs
    nodes = v.groupby("flow").node.unique()
    for flow in ("wagons_west", "boxes_west"):
        assert {"origin", "border", "port_a", "port_b", "customs", "depot"} <= set(nodes[flow])


def test_littles_law_holds_for_every_resource(mini_corridor):
    """Time-average queue L equals arrival rate λ times mean wait W, resource by resource."""
    checked = 0
    for r in mini_corridor.summary["resources"]:
        if r["arrivals"] < 50:
            continue
        expected = r["arrival_rate_per_hour"] * r["mean_wait_hours"]
        assert r["mean_queue"] == pytest.approx(expected, rel=0.1, abs=0.05), r["name"]
        checked += 1
    assert checked >= 8


def test_weather_closes_the_port_about_as_often_as_the_scenario_says(mini_corridor):
    """Window Oct 21 – Feb 18 with closed shares 0.1 / 0.5 / 0.5 / 0.2 / 0.2 ≈ 0.33 on average."""
    weather = next(r for r in mini_corridor.summary["resources"] if r["name"] == "weather:port_a")
    assert 0.2 < weather["utilization"] < 0.5


def test_a_full_yard_blocks_upstream_and_loses_nothing():
    result = run(MINI, overrides=["nodes.port_b.yard.capacity_wagons=20"])
    blocked = result.visits.query("node == 'port_b'").blocked_hours
    assert blocked.max() > 0
    assert result.summary["mass_balance"]["balanced"]


def test_same_seed_same_results(tmp_path):
    a = run(MINI, out=tmp_path / "a")
    b = run(MINI, out=tmp_path / "b")
    sa = json.loads((tmp_path / "a" / "summary.json").read_text())
    sb = json.loads((tmp_path / "b" / "summary.json").read_text())
    sa.pop("runtime_seconds"), sb.pop("runtime_seconds")
    assert sa == sb
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "visits.parquet"),
                                  pd.read_parquet(tmp_path / "b" / "visits.parquet"))
    assert a.summary["kpis"] == b.summary["kpis"]


def test_progress_reporting_does_not_change_the_run():
    calls = []
    with_progress = run(MINI, progress=lambda done, total: calls.append(done))
    without = run(MINI)
    assert calls and calls[-1] == pytest.approx(with_progress.records.end_hours)
    assert with_progress.summary["kpis"] == without.summary["kpis"]


def test_another_seed_gives_another_sample_path():
    a = run(MINI, seed=1).summary["kpis"]["transit_days"]
    b = run(MINI, seed=2).summary["kpis"]["transit_days"]
    assert a != b


def test_streams_are_named_so_adding_a_flow_leaves_the_others_alone():
    """The demand of one flow does not depend on which other flows exist."""
    both = run(MINI).records
    only = run(MINI, overrides=["flows.boxes_west=null"]).records
    created_both = sorted(d.created for d in both.deliveries if d.flow == "wagons_west")[:20]
    created_only = sorted(d.created for d in only.deliveries if d.flow == "wagons_west")[:20]
    assert created_both == created_only
