"""Sweeps: the full grid of the varied values, a tidy table, and where more stops buying anything.

    corridor-sim sweep SCENARIO --vary fleets.ferries.vessels=1,2,3,4,5 --replications 3 --out DIR
                       [--kpi METRIC ...]

In the small test corridor the Caspian ferries are the bottleneck: each ferry
added carries more, until the demand is carried and another ferry buys no tonnes.
It still buys time: the wagons wait less for a ferry. Judged on tonnes the sweep
must find the point where tonnes stop growing; judged on tonnes and transit time
it must say that the fifth ferry still buys something.
"""

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from corridor_sim.cli import cli
from corridor_sim.experiment import sweep

from conftest import DATA, ROOT

MINI = DATA / "mini_corridor.yaml"
BASELINE = ROOT / "scenarios" / "baseline_2024.yaml"
VESSELS = "fleets.ferries.vessels"


TONNES = "delivered_tonnes_per_year"
WAGONS_DAYS = "transit_days.wagons_west.mean"


@pytest.fixture(scope="module")
def ferries(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "ferries"
    result = CliRunner().invoke(cli, ["sweep", str(MINI), "--vary", f"{VESSELS}=1,2,3,4,5", "--replications", "3",
                                      "--kpi", TONNES, "--kpi", WAGONS_DAYS, "--min-gain", "2",
                                      "--out", str(out)], terminal_width=160)
    assert result.exit_code == 0, result.output
    return result.output, out


def test_the_tidy_table_has_one_row_per_run_per_metric(ferries):
    _, out = ferries
    results = pd.read_parquet(out / "results.parquet")
    assert list(results.columns) == ["run_id", "scenario", VESSELS, "replication", "metric", "value", "error"]
    assert results.run_id.nunique() == 15 and results.error.isna().all()
    assert sorted(results[VESSELS].unique()) == [1, 2, 3, 4, 5]
    assert results[VESSELS].dtype == "int64"
    tonnes = results[results.metric == "delivered_tonnes_per_year"]
    assert len(tonnes) == 15
    assert set(tonnes.groupby(VESSELS).replication.apply(tuple)) == {(0, 1, 2)}
    assert (results.scenario == "mini_corridor").all()


def test_each_run_has_its_run_directory_with_the_swept_value(ferries):
    _, out = ferries
    runs = sorted(p.name for p in (out / "runs").iterdir())
    assert runs == [f"g{g:03d}-r{r:04d}" for g in range(5) for r in range(3)]
    s = json.loads((out / "runs" / "g003-r0002" / "summary.json").read_text())
    assert s["parameters"] == {VESSELS: 4} and s["replication"] == 2 and s["error"] is None
    assert "vessels: 4" in (out / "runs" / "g003-r0002" / "scenario.resolved.yaml").read_text()


def test_the_summary_table_gives_each_point_its_mean_and_interval(ferries):
    _, out = ferries
    summary = pd.read_parquet(out / "summary.parquet")
    results = pd.read_parquet(out / "results.parquet")
    assert list(summary[VESSELS]) == [1, 2, 3, 4, 5] and list(summary.runs) == [3] * 5
    means = results[results.metric == "delivered_tonnes_per_year"].groupby(VESSELS).value.mean()
    assert list(summary.delivered_tonnes_per_year) == pytest.approx(list(means))
    assert (summary.delivered_tonnes_per_year_ci95_low < summary.delivered_tonnes_per_year).all()
    assert (summary.delivered_tonnes_per_year < summary.delivered_tonnes_per_year_ci95_high).all()


def test_tonnes_saturate_where_another_ferry_stops_adding_tonnes(ferries):
    output, out = ferries
    summary = pd.read_parquet(out / "summary.parquet")
    tonnes = list(summary.delivered_tonnes_per_year)
    assert tonnes[1] > 1.5 * tonnes[0] and tonnes[2] > 1.2 * tonnes[1]     # ferries are the bottleneck ...
    assert abs(tonnes[4] - tonnes[3]) < 0.01 * tonnes[3]                  # ... until they are not
    sat = pd.read_parquet(out / "saturation.parquet")
    on_tonnes = sat[sat.kpi == TONNES].sort_values("point")
    assert list(on_tonnes.step.fillna("")) == ["", "grows", "grows", "grows", "flat"]
    last = on_tonnes.iloc[-1]
    # flat: the paired interval includes 0 and rules out a gain of 2% (the --min-gain)
    assert last.gain_ci95_low <= 0 <= last.gain_ci95_high and last.gain_ci95_high < 0.02 * on_tonnes.iloc[-2]["mean"]
    assert list(on_tonnes.saturation_point) == [False, False, False, True, False]
    assert list(on_tonnes.saturated) == [False, False, False, True, True]
    info = json.loads((out / "sweep.json").read_text())
    line = info["saturation"]["points"][VESSELS][0]
    assert line["by_kpi"][TONNES] == {"verdict": "saturated", "saturation_point": 4, "grows_up_to": 4}
    assert f"{TONNES}: saturated at 4" in output
    assert re.search(r"\+\d+", output)  # the printed gain from one ferry to two


def test_a_ferry_that_buys_no_tonnes_but_buys_days_is_not_saturation(ferries):
    output, out = ferries
    info = json.loads((out / "sweep.json").read_text())
    assert info["saturation"]["kpis"] == [{"metric": TONNES, "better": "higher"},
                                          {"metric": WAGONS_DAYS, "better": "lower"}]
    sat = pd.read_parquet(out / "saturation.parquet")
    days = sat[sat.kpi == WAGONS_DAYS].sort_values("point")
    fifth = days.iloc[-1]
    assert fifth.step == "grows" and fifth.gain > 0 and fifth.gain_ci95_low > 0     # days saved, really
    assert fifth.gain == pytest.approx(days.iloc[-2]["mean"] - fifth["mean"])       # lower is better: before - after
    line = info["saturation"]["points"][VESSELS][0]
    assert line["verdict"] == "growing" and line["saturation_point"] is None
    assert f"{VESSELS}: still buys more at the largest value" in output
    summary = pd.read_parquet(out / "summary.parquet")
    assert not summary.saturated.any()
    # the judged KPI has its columns in the grid, and the grid has the demand
    assert list(summary[WAGONS_DAYS]) == pytest.approx(list(days["mean"]))
    assert (summary.demand_tonnes_per_year == 550_000).all()


def test_a_two_parameter_grid_runs_every_combination():
    result = sweep(MINI, {VESSELS: [1, 2], "fleets.feeders.vessels": [1, 2]}, replications=2)
    assert len(result.summary) == 4 and result.results.run_id.nunique() == 8
    grid = set(zip(result.summary[VESSELS], result.summary["fleets.feeders.vessels"]))
    assert grid == {(1, 1), (1, 2), (2, 1), (2, 2)}
    # saturation is judged along each parameter with the other held fixed
    assert set(result.saturation.parameter) == {VESSELS, "fleets.feeders.vessels"}
    assert len(result.info["saturation"]["points"][VESSELS]) == 2
    # by default, on tonnes and the mean and p95 transit of each flow (the corridor has no flow groups)
    assert [k["metric"] for k in result.info["saturation"]["kpis"]] == [
        TONNES, "transit_days.wagons_west.mean", "transit_days.wagons_west.p95",
        "transit_days.boxes_west.mean", "transit_days.boxes_west.p95"]
    assert len(result.saturation) == 4 * 2 * 5   # points x parameters x KPIs


def test_a_sweep_of_the_shipped_baseline():
    """The calibrated 2024 corridor, on a shortened horizon: the Kuryk–Alat ferries, 4 or 12."""
    result = sweep(BASELINE, ["fleets.asco_ferries.vessels=4,12"], replications=2,
                   overrides=["horizon_days=120"])
    assert list(result.summary["fleets.asco_ferries.vessels"]) == [4, 12]
    assert result.summary.runs.tolist() == [2, 2] and result.info["failed"] == []
    four, twelve = result.summary.delivered_tonnes_per_year
    assert twelve > 1.1 * four  # the ferries limit the corridor when there are only four of them
