"""Replications: every KPI with its mean and 95% t interval, and a run directory per replication.

`corridor-sim run SCENARIO --replications N` (and `run_replications` in Python)
runs replications 0 … N−1, each on its own random streams, and writes:

    DIR/summary.json              kpis.<name>.mean and kpis.<name>.ci95 = [low, high], …
    DIR/runs.parquet              one row per replication
    DIR/results.parquet           tidy: run_id, scenario, replication, metric, value, error
    DIR/replications/rep-0000/    a complete run directory (summary.json, visits.parquet, …)

With N = 1 the layout is the single run's, unchanged.
"""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from corridor_sim.analysis.queueing import mmc_mean_queue, mmc_mean_wait
from corridor_sim.api import simulate
from corridor_sim.cli import cli
from corridor_sim.experiment import run_replications
from corridor_sim.output import RECORD_FILES
from corridor_sim.scenario import load_scenario

from conftest import DATA, ROOT

MMC = ROOT / "scenarios" / "validation" / "mmc.yaml"
MINI = DATA / "mini_corridor.yaml"
RUN_FILES = {"summary.json", "scenario.resolved.yaml", "network.geojson", *RECORD_FILES}  # visits.parquet, …


def test_the_intervals_cover_erlang_c_on_the_mmc_validation_scenario():
    """λ = 1.2/h, 1/μ = 2 h, c = 3 (see the scenario's header): Wq = 2.157 h, Lq = 2.589."""
    result = run_replications(MMC, replications=10, workers=2)
    station = next(r for r in result.summary["resources"] if r["name"] == "station:station")
    wq, lq = mmc_mean_wait(1.2, 2.0, 3), mmc_mean_queue(1.2, 2.0, 3)
    low, high = station["mean_wait_hours"]["ci95"]
    assert low <= wq <= high, f"Erlang C Wq={wq:.3f} h outside the 95% interval [{low:.3f}, {high:.3f}]"
    low, high = station["mean_queue"]["ci95"]
    assert low <= lq <= high, f"Lq={lq:.3f} outside [{low:.3f}, {high:.3f}]"
    # Throughput: what arrives leaves; the demand (10,512 t/yr) is inside the delivered tonnes' interval.
    low, high = result.summary["kpis"]["delivered_tonnes_per_year"]["ci95"]
    assert low <= 10512 <= high
    # An interval, not a point: ten replications of a busy queue do not agree to the hour.
    assert high - low > 0 and station["mean_wait_hours"]["ci95"][1] - station["mean_wait_hours"]["ci95"][0] > 0.05


@pytest.fixture(scope="module")
def three_replications(tmp_path_factory):
    out = tmp_path_factory.mktemp("reps") / "mini"
    return run_replications(MINI, replications=3, out=out), out


def test_every_kpi_gets_a_mean_and_a_95_percent_interval(three_replications):
    result, out = three_replications
    summary = json.loads((out / "summary.json").read_text())
    assert summary == json.loads(json.dumps(result.summary))
    k = summary["kpis"]
    for name in ("delivered_tonnes_per_year", "delivered_teu_per_year", "delivered_consignments_per_year"):
        low, high = k[name]["ci95"]
        assert low < k[name]["mean"] < high
    assert set(k["delivered_tonnes_per_year_by_flow"]) == {"wagons_west", "boxes_west"}
    assert set(k["delivered_tonnes_per_year_by_flow"]["boxes_west"]) == {"mean", "ci95"}
    # A KPI with several statistics gives each of them a mean and an interval.
    transit = k["transit_days"]["wagons_west"]
    assert set(transit) == {"mean", "p50", "p95", "n"}
    assert all(set(stat) == {"mean", "ci95"} for stat in transit.values())
    # The demand is the same in every replication: an interval of width zero.
    demand = k["demand_tonnes_per_year_by_flow"]["wagons_west"]
    assert demand == {"mean": 300000.0, "ci95": [300000.0, 300000.0]}
    # Resources too, with their plain name, kind and capacity.
    ferries = next(r for r in summary["resources"] if r["name"] == "fleet:ferries")
    assert ferries["kind"] == "fleet" and ferries["capacity"] == 2
    assert set(ferries["utilization"]) == {"mean", "ci95"}
    assert summary["replications"] == 3 and summary["replications_ok"] == 3 and summary["failed"] == []
    assert summary["mass_balance"]["balanced"] is True


def test_the_mean_is_the_mean_of_the_replications(three_replications):
    result, out = three_replications
    per_run = [json.loads((out / "replications" / f"rep-{i:04d}" / "summary.json").read_text())
               for i in range(3)]
    values = [s["kpis"]["delivered_tonnes_per_year"]["mean"] for s in per_run]
    assert result.summary["kpis"]["delivered_tonnes_per_year"]["mean"] == pytest.approx(sum(values) / 3)
    assert list(result.runs["delivered_tonnes_per_year"]) == values
    assert len(set(values)) == 3  # three different replications, not one run three times


def test_each_replication_is_a_complete_run_directory_with_its_provenance(three_replications):
    result, out = three_replications
    assert sorted(p.name for p in (out / "replications").iterdir()) == ["rep-0000", "rep-0001", "rep-0002"]
    for i in range(3):
        rep = out / "replications" / f"rep-{i:04d}"
        assert {p.name for p in rep.iterdir()} == RUN_FILES
        s = json.loads((rep / "summary.json").read_text())
        assert s["replication"] == i and s["seed"] == 7 and s["run_id"] == f"rep-{i:04d}"
        assert s["error"] is None and s["runtime_seconds"] > 0
        assert s["version"] and "git_commit" in s and s["python"]
        assert len(pd.read_parquet(rep / "visits.parquet")) > 0
    assert not list(out.parent.glob(".*tmp*")), "no temporary directory left behind"


def test_the_runs_and_results_tables(three_replications):
    result, out = three_replications
    runs = pd.read_parquet(out / "runs.parquet")
    pd.testing.assert_frame_equal(runs, result.runs)
    assert list(runs.columns) == ["run_id", "replication", "seed", "error", "runtime_seconds",
                                  "delivered_tonnes_per_year", "delivered_teu_per_year",
                                  "delivered_consignments_per_year"]
    assert list(runs.replication) == [0, 1, 2] and runs.error.isna().all()
    results = pd.read_parquet(out / "results.parquet")
    assert list(results.columns) == ["run_id", "scenario", "replication", "metric", "value", "error"]
    tonnes = results[results.metric == "delivered_tonnes_per_year"]
    assert list(tonnes.value) == list(runs.delivered_tonnes_per_year)
    assert {"transit_days.wagons_west.p95", "resources.fleet:ferries.utilization"} <= set(results.metric)


def test_replication_i_is_the_single_run_on_the_streams_of_replication_i(three_replications):
    """So replication i of two scenarios share their random numbers (common random numbers)."""
    _, out = three_replications
    sc, resolved = load_scenario(MINI)
    alone = simulate(sc, resolved, replication=2, source=str(MINI)).summary
    in_experiment = json.loads((out / "replications" / "rep-0002" / "summary.json").read_text())
    for key in ("runtime_seconds", "run_id", "error"):
        alone.pop(key, None)
        in_experiment.pop(key, None)
    assert in_experiment == json.loads(json.dumps(alone))


def test_one_replication_on_the_command_line_keeps_the_single_run_layout(tmp_path):
    out = tmp_path / "one"
    result = CliRunner().invoke(cli, ["run", str(MINI), "--out", str(out), "--replications", "1", "--quiet"])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == RUN_FILES
    summary = json.loads((out / "summary.json").read_text())
    assert isinstance(summary["kpis"]["delivered_tonnes_per_year"]["mean"], float)
    assert "ci95" not in summary["kpis"]["delivered_tonnes_per_year"]


def test_the_command_line_prints_the_intervals(tmp_path):
    out = tmp_path / "reps"
    result = CliRunner().invoke(cli, ["run", str(MINI), "--out", str(out), "--replications", "3"],
                                terminal_width=160)
    assert result.exit_code == 0, result.output
    assert "3 replications" in result.output and "95% interval" in result.output
    tonnes = json.loads((out / "summary.json").read_text())["kpis"]["delivered_tonnes_per_year"]
    assert f"{tonnes['mean']:,.0f}" in result.output
    assert f"{tonnes['ci95'][0]:,.0f} – {tonnes['ci95'][1]:,.0f}" in result.output


def _models_in_memory() -> int:
    import gc

    from corridor_sim.model.corridor import CorridorModel

    return sum(isinstance(o, CorridorModel) for o in gc.get_objects())


@pytest.fixture
def collector_paused():
    """No automatic collection: what a loop of runs leaves in memory is what the code frees itself."""
    import gc

    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def test_a_loop_of_runs_holds_no_model_and_a_result_is_data(collector_paused):
    """A model is one reference cycle; its result refers to none of it (records are plain data), and
    the run collects it before returning: a loop of runs holds no model, whether the caller drops its
    results or keeps them (benchmark W5: the memory of 50 replications in one process does not grow)."""
    sc, resolved = load_scenario(MINI, ["horizon_days=30"])
    before = _models_in_memory()
    for rep in range(4):
        result = simulate(sc, resolved, replication=rep)
        del result
        assert _models_in_memory() == before, rep
    kept = [simulate(sc, resolved, replication=rep) for rep in range(3)]
    assert _models_in_memory() == before                       # held results hold no model ...
    assert all(len(r.records.visits) and r.records.in_transit is not None for r in kept)   # ... but their records


def test_replications_in_one_process_leave_no_model_behind(collector_paused):
    before = _models_in_memory()
    run_replications(MINI, replications=4, workers=1, overrides=["horizon_days=30"])
    assert _models_in_memory() == before
