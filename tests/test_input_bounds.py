"""Every accepted input runs in bounded time and memory; everything else is refused before it runs.

- Seasonality weights are bounded (at most 1e6) and normalised by one rule (`Flow.month_factors`),
  so every monthly rate is finite: the generator makes the demand that is reported.
- The work of a run is estimated element by element from the scenario (`scenario/workload.py`):
  its days, its events (the run time) and its memory, held against `limits` (`limits.days`,
  `limits.events`, `limits.memory_mb`). A scenario over one is refused with the field that
  drives it and the limit; a real long study raises the limit in its file or with `--set`.
- A seed is a 64-bit integer (0 … 2**63 − 1), in the scenario and in every `--seed`, and one
  beyond is refused before anything runs, by the name the user gave it.

The one-line refusals of single fields are cases of the bad-input corpus (tests/data/bad/:
seasonality_huge_weight, breakdowns_too_often, storms_too_short, timetable_too_frequent,
background_trains_too_many, horizon_a_million_days, seed_too_large, …).
"""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from corridor_sim.api import run, run_replications, sweep
from corridor_sim.cli import cli
from corridor_sim.experiment import ExperimentError
from corridor_sim.scenario import ScenarioError, load_scenario
from corridor_sim.scenario.limits import DEFAULT_DAYS, DEFAULT_EVENTS, DEFAULT_MEMORY_MB
from corridor_sim.scenario.workload import MB, shares

from conftest import DATA, ROOT

TINY = DATA / "tiny.yaml"
BAD = DATA / "bad"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml")) + [ROOT / "benchmarks" / "scenarios" / "tandem.yaml"]


def refused(result, fragment: str) -> str:
    """One line on stderr holding `fragment`, exit code 2, no traceback."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], result.stderr
    return lines[0]


# --------------------------------------------------------------------------
# Seasonality: finite rates, the demand reported is the demand generated
# --------------------------------------------------------------------------


@pytest.mark.parametrize("weights", [
    [1e6] * 12,                      # the largest weights: their sum must not overflow
    [0.0] * 11 + [1e6],              # one month only: twelve times the mean rate
    [5e-324] + [0.0] * 11,           # the smallest positive float: its mean must not underflow to 0
    [1e-300, 1e6] * 6,
])
def test_month_factors_are_finite_and_average_one_for_any_weights_the_schema_accepts(weights):
    sc, _ = load_scenario(TINY, [f"flows.demand.seasonality={weights!r}"])
    factors = sc.flows["demand"].month_factors()
    assert all(math.isfinite(f) and 0 <= f <= 12 for f in factors)
    assert math.isclose(sum(factors) / 12, 1.0)


def test_a_flow_with_the_largest_weights_generates_the_demand_it_reports():
    """Weights at the bound, alternating with next to nothing: the generator makes what the summary
    reports as demand (Poisson noise aside), month by month as the factors say."""
    weights = [1e6, 1e-300] * 6
    result = run(TINY, overrides=[f"flows.demand.seasonality={weights!r}", "warmup_days=0", "horizon_days=365",
                                  "nodes.station.station.servers=50"])
    sc, _ = load_scenario(TINY, [f"flows.demand.seasonality={weights!r}"])
    factors = sc.flows["demand"].month_factors()
    days = pd.date_range(dt.date(2024, 1, 1), periods=365)
    expected = sum(10512 / 365 * factors[d.month - 1] for d in days)      # 1 t per consignment
    generated = result.records.generated_tonnes
    assert result.summary["kpis"]["demand_tonnes_per_year_by_flow"]["demand"]["mean"] == 10512
    assert abs(generated - expected) < 5 * math.sqrt(expected), (generated, expected)
    created = result.deliveries.created
    in_odd_months = pd.to_datetime(created, unit="h", origin=pd.Timestamp("2024-01-01")).dt.month % 2 == 0
    assert not in_odd_months.any()       # February, April, …: a weight of 1e-300 makes nothing


# --------------------------------------------------------------------------
# The run's work against its limits
# --------------------------------------------------------------------------


@pytest.mark.parametrize("scenario, sets, fragment", [
    # issue 16, item 2: a weight of 1e308 made the rate infinite (arrivals for ever at t = 0)
    ("scenarios/study_zangezur.yaml", ["flows.cn_europe.seasonality=[1,1,1,1,1,1,1,1,1,1,1e308,1]"],
     "flows.cn_europe.seasonality[10]: Input should be less than or equal to 1000000"),
    # item 3: a million days of daily samples, next to no demand (77 s, 2.1 GB)
    ("scenarios/baseline_2024.yaml", ["horizon_days=1000000"], "horizon_days: a run of 1,000,061 days"),
    # item 3: tiny MTBF and MTTR on a station: 21.6 million events for 30 days
    ("scenarios/baseline_2024.yaml", ["horizon_days=30", "disruptions.wear={target: nodes.dostyk.station, "
                                      "mtbf_hours: 1e-4, mttr_hours: 1e-4}"],
     "disruptions.wear.mtbf_hours: breakdowns every 0.0001 h of 3 servers make "),
])
def test_the_reproducers_of_issue_16_are_refused_with_the_field_and_the_limit(scenario, sets, fragment):
    result = CliRunner().invoke(cli, ["validate", str(ROOT / scenario), *[a for s in sets for a in ("--set", s)]])
    line = refused(result, fragment)
    assert "limits." in line or "Input should be" in line


def test_a_limit_names_the_element_that_drives_it_and_says_how_to_lift_it():
    result = CliRunner().invoke(cli, ["validate", str(BAD / "timetable_too_frequent.yaml")])
    line = refused(result, "fleets.ferries.timetable.every_hours: departures every 1e-05 h make ")
    assert f"more than limits.events ({DEFAULT_EVENTS:,}" in line
    assert line.endswith("check the units, or raise limits.events for a real long study")


def test_memory_is_estimated_for_every_consignment_waiting_at_once():
    """A demand whose consignments, all queued at once, would take more memory than the limit; refused
    before anything runs even when its events are within theirs."""
    result = CliRunner().invoke(cli, ["validate", str(TINY), "--set", "flows.demand.tonnes_per_year=5e6",
                                      "--set", "limits.events=1e12"])
    line = refused(result, "flows.demand.tonnes_per_year: the demand makes 5,410,959 consignments over the run "
                           "(1.1 years): if they all wait in the corridor at once, about 8,116 MB")
    assert f"more than limits.memory_mb ({DEFAULT_MEMORY_MB:,})" in line


@pytest.mark.parametrize("case, sets", [
    ("breakdowns_too_often.yaml", ["limits.events=1e9"]),
    ("horizon_a_million_days.yaml", ["limits.days=2e6"]),
    ("demand_typo_too_many_consignments.yaml", ["limits.events=1e15", "limits.memory_mb=1e15"]),
])
def test_a_real_long_study_lifts_a_limit_with_a_setting(case, sets):
    result = CliRunner().invoke(cli, ["validate", str(BAD / case), *[a for s in sets for a in ("--set", s)]])
    assert result.exit_code == 0, result.stderr


def test_a_family_of_scenarios_lifts_its_limits_in_its_file(tmp_path):
    (tmp_path / "long.yaml").write_text(f"extends: {BAD / 'horizon_a_million_days.yaml'}\n"
                                        "limits: {days: 1100000}\n")
    sc, _ = load_scenario(tmp_path / "long.yaml")
    assert (sc.limits.days, sc.limits.events, sc.limits.memory_mb) == (1_100_000, DEFAULT_EVENTS, DEFAULT_MEMORY_MB)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_scenario_fits_the_default_limits_even_over_twenty_years(path):
    """The defaults are generous: every shipped scenario and the benchmark's tandem run 20 years (7,300
    days; the benchmark's longest run is 3,650) with room to spare."""
    sc, _ = load_scenario(path, ["horizon_days=7300"])
    work = shares(sc)
    assert math.fsum(s.events for s in work) < DEFAULT_EVENTS * 0.75
    assert math.fsum(s.bytes for s in work) / MB < DEFAULT_MEMORY_MB * 0.75
    assert sc.warmup_days + 7300 < DEFAULT_DAYS


def test_the_benchmark_runs_fit_the_default_limits():
    """benchmarks/run.py: workload 2 runs the baseline with every flow's demand x10, workload 5 ten years."""
    base = ROOT / "scenarios" / "baseline_2024.yaml"
    sc, _ = load_scenario(base)
    load_scenario(base, [f"flows.{f}.tonnes_per_year={flow.tonnes_per_year * 10!r}" for f, flow in sc.flows.items()])
    load_scenario(base, ["horizon_days=3650"])


def test_the_estimate_is_an_upper_bound_of_the_right_order(mini_corridor):
    """The estimate errs on the safe side, by a small factor: a run it accepts takes about what it says."""
    sc, _ = load_scenario(DATA / "mini_corridor.yaml")
    estimate = math.fsum(s.events for s in shares(sc))
    actual = mini_corridor.summary["events"]
    assert actual <= estimate <= 5 * actual, (actual, estimate)


# --------------------------------------------------------------------------
# Seeds: 64-bit, refused before anything runs
# --------------------------------------------------------------------------

TOO_BIG = 1180591620717411303424      # 2**70: issue 16, item 5


@pytest.mark.parametrize("command", [
    ["run", str(TINY), "--out", "OUT", "--replications", "2"],
    ["run", str(TINY), "--out", "OUT"],
    ["sweep", str(TINY), "--out", "OUT", "--vary", "nodes.station.station.servers=3,4"],
    ["findings", "--scenarios", str(DATA), "--out", "OUT"],
])
def test_a_seed_beyond_64_bits_is_refused_by_every_command_before_anything_runs(tmp_path, command):
    """Through the real entry point (click's own usage errors become one line there)."""
    args = [str(tmp_path / "out") if a == "OUT" else a for a in command] + ["--seed", str(TOO_BIG)]
    proc = subprocess.run([sys.executable, "-m", "corridor_sim.cli", *args], capture_output=True, text=True,
                          timeout=60, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == "", proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"error: Invalid value for '--seed': {TOO_BIG} is not in the range 0<=x<=9223372036854775807" \
        in proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("call", [
    lambda: run(TINY, seed=TOO_BIG),
    lambda: run_replications(TINY, replications=2, seed=TOO_BIG),
    lambda: sweep(TINY, {"nodes.station.station.servers": [3, 4]}, seed=TOO_BIG),
    lambda: run(TINY, seed=-1),
])
def test_the_api_refuses_a_seed_by_its_parameter_name(call):
    with pytest.raises(ExperimentError) as info:
        call()
    assert info.value.parameter == "seed"
    assert str(info.value).startswith("seed=") and "from 0 to 2**63 - 1" in str(info.value)


def test_a_seed_set_in_the_scenario_is_bounded_too():
    with pytest.raises(ScenarioError, match=r"seed: a seed is a whole number from 0 to 2\*\*63 - 1"):
        load_scenario(TINY, [f"seed={2**63}"])


def test_the_largest_seed_runs_and_is_written_to_the_tables(tmp_path):
    """2**63 − 1 is accepted, and replications write it where 2**70 crashed after all the work."""
    out = tmp_path / "r"
    result = CliRunner().invoke(cli, ["run", str(TINY), "--out", str(out), "--replications", "2", "--quiet",
                                      "--seed", str(2**63 - 1), "--set", "horizon_days=5"])
    assert result.exit_code == 0, result.output
    assert list(pd.read_parquet(out / "runs.parquet")["seed"]) == [2**63 - 1] * 2


# --------------------------------------------------------------------------
# Found by the fuzz campaign
# --------------------------------------------------------------------------


def test_a_rail_section_of_next_to_no_capacity_runs_and_is_infinitely_over():
    """5e-324 trains a day: the static capacity divided by zero after the whole run (fuzz, seed 16, case 334)."""
    result = run(DATA / "tiny_sea.yaml", overrides=["links.rail_in.capacity_trains_per_day=5e-324",
                                                    "horizon_days=10"])
    first = result.summary["static_capacity"]["first_to_saturate"]
    assert first["element"] == "links.rail_in" and first["demand_over_capacity"] == math.inf
    assert result.summary["mass_balance"]["balanced"]


def test_a_sea_line_to_a_port_that_is_gone_is_reported_as_an_unknown_node():
    """A port removed (`nodes.kuryk: null`) under a fleet with a draft: a KeyError escaped the cross-checks
    (fuzz, seed 16, case 709)."""
    result = CliRunner().invoke(cli, ["validate", str(ROOT / "scenarios" / "study_caspian_sea_level_2030.yaml"),
                                      "--set", "nodes.kuryk=null"])
    refused(result, ": unknown node 'kuryk'")


# --------------------------------------------------------------------------
# Experiments: a bounded number of runs
# --------------------------------------------------------------------------


@pytest.mark.parametrize("args, fragment", [
    (["run", str(TINY), "--replications", "1000000000"],
     "--replications 1000000000: at most 10,000 runs in one experiment"),
    (["sweep", str(TINY), "--replications", "2", "--vary", "horizon_days=" + ",".join(map(str, range(1, 101))),
      "--vary", "nodes.station.station.servers=" + ",".join(map(str, range(1, 52)))],
     "--vary gives a grid of 100 x 51 points, 10,200 runs with the replications"),
])
def test_an_experiment_of_more_than_ten_thousand_runs_is_refused_before_any_task_is_made(tmp_path, args, fragment):
    """1e9 replications made a billion tasks at once: a MemoryError traceback, after a minute."""
    started = time.perf_counter()
    result = CliRunner().invoke(cli, [*args, "--out", str(tmp_path / "out"), "--quiet"])
    refused(result, fragment)
    assert time.perf_counter() - started < 10 and list(tmp_path.iterdir()) == []


def test_a_train_of_consignments_that_take_next_to_no_wagon_draws_one_from_its_pool(tmp_path):
    """1e308 TEU to a wagon: a train took 0 wagons and SimPy refused to get 0 from the pool (fuzz, seed 7,
    case 888)."""
    pool = tmp_path / "pool.yaml"
    pool.write_text(f"extends: {DATA / 'tiny_sea.yaml'}\n"
                    "rolling_stock: {flats: {count: 100, formed_at: [source]}}\n"
                    "flows: {grain: {cargo: container, tonnes_per_wagon: null, consignment_wagons: null,\n"
                    "                tonnes_per_teu: 10, consignment_teu: 20, teu_per_wagon: 1.0e+308}}\n")
    result = run(pool, overrides=["horizon_days=20"])
    assert result.records.generated_consignments > 0 and result.summary["mass_balance"]["balanced"]
    assert len(result.trains.query("consignments > 0")) > 0


@pytest.mark.parametrize("field", ["weather.min_open_hours", "weather.min_closure_hours",
                                   "weather.mean_closure_hours", "berths.ferry.fixed_hours"])
def test_hours_of_weather_spells_and_berth_calls_are_durations_bounded_as_every_duration(field):
    """min_open_hours of 1e308 ran, then overflowed in the static capacity's residual weather wait (fuzz,
    seed 16, case 175): every field in hours is at most MAX_HOURS, as the durations are."""
    with pytest.raises(ScenarioError, match=rf"nodes\.aktau\.{field}: Input should be less than or equal to "
                                            "1000000000"):
        load_scenario(BAD / "storms_too_short.yaml", overrides=[f"nodes.aktau.{field}=1e308"])
