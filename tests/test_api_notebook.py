"""The API a notebook user expects: a scenario from a file, a mapping or a `Scenario`; overrides as
texts or as a mapping; one result type per function, short to show; the records as DataFrames."""

import inspect

import pandas as pd
import pytest
import yaml

from corridor_sim.api import ReplicationResult, RunResult, run, run_replications, sweep
from corridor_sim.scenario import ScenarioError, load_scenario

from conftest import DATA

MINI = DATA / "mini_corridor.yaml"


@pytest.fixture(scope="module")
def from_file():
    return run(MINI, overrides=["fleets.ferries.vessels=3", "horizon_days=60"])


def test_a_mapping_and_a_scenario_run_as_their_file_does(from_file):
    overrides = {"fleets.ferries.vessels": 3, "horizon_days": 60}
    as_mapping = run(yaml.safe_load(MINI.read_text()), overrides=overrides)
    sc, _ = load_scenario(MINI)
    as_scenario = run(sc, overrides=overrides)
    for other in (as_mapping, as_scenario):
        assert other.summary["kpis"] == from_file.summary["kpis"]
        assert other.summary["events"] == from_file.summary["events"]


def test_overrides_as_a_mapping_take_any_yaml_value():
    crossing = {"dist": "gamma", "mean": 22, "cv": 0.3}
    r = run(MINI, overrides={"fleets.ferries.crossing_hours": crossing, "horizon_days": 30})
    assert r.resolved["fleets"]["ferries"]["crossing_hours"] == crossing


def test_what_is_not_a_scenario_is_a_clear_error():
    with pytest.raises(TypeError, match="scenario: give a file path, a mapping or a Scenario, not int"):
        run(42)
    with pytest.raises(TypeError, match="overrides: give a list"):
        run(MINI, overrides="horizon_days=30")
    with pytest.raises(ScenarioError, match="nodes"):
        run({"name": "x", "start_date": "2024-01-01", "warmup_days": 0, "horizon_days": 1, "seed": 1})


def test_one_result_type_per_function(from_file):
    assert "replications" not in inspect.signature(run).parameters
    assert isinstance(from_file, RunResult)
    reps = run_replications(MINI, replications=2, overrides={"horizon_days": 30})
    assert isinstance(reps, ReplicationResult)


def test_results_show_in_a_line_and_a_small_card(from_file):
    assert len(repr(from_file)) < 200 and repr(from_file).startswith("RunResult(mini_corridor (seed 7): ")
    assert len(from_file._repr_html_()) < 3000
    reps = run_replications(MINI, replications=2, overrides={"horizon_days": 30})
    assert len(repr(reps)) < 200 and "2 of 2 replications" in repr(reps)
    grid = sweep(MINI, {"fleets.ferries.vessels": [1, 2]}, replications=2, overrides={"horizon_days": 30})
    assert len(repr(grid)) < 200 and "2 grid points, 4 runs" in repr(grid)


def test_records_and_kpis_are_dataframes(from_file):
    for frame in (from_file.kpis, from_file.trains, from_file.voyages, from_file.samples, from_file.visits,
                  from_file.deliveries, from_file.resources):
        assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    kpis = from_file.kpis.set_index("metric").value
    assert kpis["delivered_tonnes_per_year"] == from_file.summary["kpis"]["delivered_tonnes_per_year"]["mean"]
    assert {"resource", "kind", "time", "queue", "busy"} <= set(from_file.samples.columns)
