"""The calibrated 2024 baseline: the published volume, conserved, reproducible."""

import datetime as dt
import json
import subprocess
import sys

import pandas as pd
import pytest

from corridor_sim.api import run

from conftest import ROOT

BASELINE = ROOT / "scenarios" / "baseline_2024.yaml"
V1_2024_TONNES = 4.5e6   # calibration row V1: 4.484 Mt, "4.5 Mt" as the project states it


@pytest.fixture(scope="module")
def baseline():
    return run(BASELINE)


def test_a_year_of_2024_delivers_the_published_volume(baseline):
    delivered = baseline.summary["kpis"]["delivered_tonnes_per_year"]["mean"]
    assert delivered == pytest.approx(V1_2024_TONNES, rel=0.05)


V6_BAKU_WAGONS = 37515    # calibration row V6: wagons through Baku port in 2024, all lines, both ways
PT10_KURYK_PER_CALL = (27.5, 39.5)   # Kuryk 2023: 16,450 wagons and 23,652 road vehicles over 599 ferry calls (d)


def test_the_caspian_as_port_statistics_count_it(baseline):
    """Wagons through Baku within V6; the ferries' calls at Kuryk carry about the mix Kuryk handled in 2023
    (PT10); and no ferry or feeder leaves Kuryk or Aktau empty while cargo waits for it (at most 2%)."""
    ports = baseline.summary["sea"]["ports"]
    alat = ports["alat"]
    baku_wagons = sum(alat[f"{kind}_{way}_per_year"] for kind in ("wagons", "empty_wagons") for way in ("in", "out"))
    assert baku_wagons == pytest.approx(V6_BAKU_WAGONS, rel=0.10)
    kuryk = ports["kuryk"]
    assert kuryk["wagons_per_call"] == pytest.approx(PT10_KURYK_PER_CALL[0], rel=0.25)
    assert kuryk["vehicles_per_call"] == pytest.approx(PT10_KURYK_PER_CALL[1], rel=0.25)
    for port in ("kuryk", "aktau"):
        assert ports[port]["empty_sailings_share"] <= 0.02, port


def test_the_baseline_runs_both_ways(baseline):
    k = baseline.summary["kpis"]["delivered_tonnes_per_year_by_flow"]
    eastbound = sum(k[f]["mean"] for f in ("az_cn", "tr_kz", "ge_cn", "ge_kz_wagon", "az_kz_wagon", "kz_trucks_east"))
    assert eastbound > 0.1 * baseline.summary["kpis"]["delivered_tonnes_per_year"]["mean"]
    assert baseline.summary["kpis"]["background_tonnes_per_year"]["mean"] > 1e6     # the Turkmenbashi line


def test_the_measured_window_is_calendar_2024(baseline):
    assert baseline.summary["window"]["start"] == "2024-01-01"
    assert baseline.summary["window"]["end"] == "2025-01-01"


def test_every_flow_gets_through(baseline):
    k = baseline.summary["kpis"]
    for flow, demand in k["demand_tonnes_per_year_by_flow"].items():
        delivered = k["delivered_tonnes_per_year_by_flow"][flow]["mean"]
        assert delivered == pytest.approx(demand["mean"], rel=0.35), flow
        t = k["transit_days"][flow]
        assert t["n"] > 0 and 0 < t["p50"] <= t["p95"], flow


def test_baseline_mass_balance(baseline):
    mb = baseline.summary["mass_balance"]
    assert mb["balanced"]
    assert mb["generated_tonnes"] == pytest.approx(mb["delivered_tonnes"] + mb["in_system_tonnes"], abs=1e-6)


def test_littles_law_at_every_baseline_resource(baseline):
    checked = 0
    for r in baseline.summary["resources"]:
        if r["arrivals"] < 50:
            continue
        assert r["mean_queue"] == pytest.approx(r["arrival_rate_per_hour"] * r["mean_wait_hours"],
                                                rel=0.1, abs=0.05), r["name"]
        checked += 1
    assert checked >= 20


def test_resources_report_what_the_summary_promises(baseline):
    kinds = {r["kind"] for r in baseline.summary["resources"]}
    assert {"rail_section", "station", "berth", "yard", "fleet", "train_formation", "weather"} <= kinds
    for r in baseline.summary["resources"]:
        assert 0.0 <= r["utilization"] <= 1.0
        assert r["mean_wait_hours"] >= 0 and r["max_queue"] >= 0
    assert baseline.summary["bottlenecks"]
    assert all(b["reason"] for b in baseline.summary["bottlenecks"])


def test_kuryk_closes_about_half_of_november_and_december(baseline):
    """Calibration row F6, seen in the closures the run produced: the daily samples of
    weather:kuryk (1 = closed) over Nov–Dec 2024, and its closed share over the year
    against the mean of the scenario's monthly shares (14.1%)."""
    nov = (dt.date(2024, 11, 1) - dt.date(2023, 11, 1)).days * 24.0
    jan = (dt.date(2025, 1, 1) - dt.date(2023, 11, 1)).days * 24.0
    closed = [s.busy for s in baseline.records.samples if s.resource == "weather:kuryk" and nov <= s.time < jan]
    assert len(closed) == 61
    assert sum(closed) / len(closed) == pytest.approx(0.5, abs=0.2)   # spells of 60 h: few independent days
    weather = next(r for r in baseline.summary["resources"] if r["name"] == "weather:kuryk")
    assert weather["utilization"] == pytest.approx(0.141, abs=0.05)
    assert weather["closures"] > 5


def _cli_run(out, *args):
    subprocess.run([sys.executable, "-m", "corridor_sim.cli", "run", str(BASELINE), "--out", str(out), "--quiet",
                    *args], check=True)
    text = (out / "summary.json").read_text()
    # the runtime is the one field allowed to differ
    return [line for line in text.splitlines() if '"runtime_seconds"' not in line]


def test_same_seed_gives_byte_identical_summary(tmp_path):
    a = _cli_run(tmp_path / "a", "--seed", "11")
    b = _cli_run(tmp_path / "b", "--seed", "11")
    assert a == b
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "a" / "visits.parquet"),
                                  pd.read_parquet(tmp_path / "b" / "visits.parquet"))
    summary = json.loads((tmp_path / "a" / "summary.json").read_text())
    assert summary["seed"] == 11
