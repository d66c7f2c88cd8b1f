"""A scenario whose demand exceeds its capacity runs to the end and says what is
overloaded and by how much: the queue's growth and backlog, the shortfall against
demand, and the demand as a multiple of the static capacity."""

import json

import pytest
from click.testing import CliRunner

from corridor_sim.cli import cli

from conftest import DATA

# tiny.yaml: one consignment station, 3 servers x 2 h = 13,140 t/yr; ask for 20,000.
TOO_MUCH = ["--set", "flows.demand.tonnes_per_year=20000", "--set", "horizon_days=120"]


def test_an_overloaded_run_ends_normally_and_says_by_how_much(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(DATA / "tiny.yaml"), *TOO_MUCH, "--out", str(out)],
                                terminal_width=400)
    assert result.exit_code == 0, result.output
    stability = json.loads((out / "summary.json").read_text())["stability"]
    assert not stability["stable"]
    station = stability["overloaded"][0]
    assert station["name"] == "station:station" and station["utilization"] > 0.99
    assert station["queue_growth_per_day"] > 10 and station["backlog_tonnes"] > 1000
    assert stability["demand_tonnes_per_year"] == 20000
    assert stability["shortfall_tonnes_per_year"] == pytest.approx(20000 - stability["delivered_tonnes_per_year"])
    assert 0.3 < stability["shortfall_share"] < 0.4                      # it carries ~13,000 of 20,000 t
    assert stability["first_to_saturate"] == "nodes.station.station"
    assert stability["demand_over_capacity"] == pytest.approx(20000 / 13140)
    # and the command says so, with the numbers
    printed = " ".join("".join(ch for ch in result.output if ch not in "│┌┐└┘├┤┬┴┼─").split())  # table cells unwrapped
    assert "OVERLOADED: queues grow without bound at station:station" in printed
    assert "short by" in printed and "nodes.station.station at 152% of its capacity" in printed


def test_a_stable_run_says_it_is_stable():
    from corridor_sim.api import run

    stability = run(DATA / "tiny.yaml", overrides=["horizon_days=120"]).summary["stability"]   # 80% busy
    assert stability["stable"] and stability["overloaded"] == []
    assert stability["message"].startswith("stable: no queue grows without bound; demand 10,512 t/yr")
    assert "static capacity (estimate) 13,140 t/yr, nodes.station.station at 80% of its capacity" in stability["message"]
    # max(0, ...) made ">= 0" always true: a stable run carries (nearly) all of its demand
    assert stability["shortfall_tonnes_per_year"] == pytest.approx(
        max(0.0, stability["demand_tonnes_per_year"] - stability["delivered_tonnes_per_year"]))
    assert 0 <= stability["shortfall_share"] < 0.05
