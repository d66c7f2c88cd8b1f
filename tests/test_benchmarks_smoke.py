"""The benchmark suite at tiny sizes, so that it cannot rot (timings are never asserted).

Runs `python benchmarks/run.py --tiny` (every workload, a few seconds) into a
temporary directory and checks the shape of latest.json, and that each
implementation of workload 1 gets the tandem network's mean time in system
right within a loose factor of the Jackson-network value.
"""

import json
import subprocess
import sys

import pytest

from conftest import ROOT

RUN = ROOT / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    pytest.importorskip("ciw", reason="the ciw peer needs `pip install -e .[dev]` (or .[bench])")
    out = tmp_path_factory.mktemp("bench")
    readme_before = (ROOT / "benchmarks" / "README.md").read_text()
    proc = subprocess.run([sys.executable, str(RUN), "--tiny", "--out", str(out), "--no-readme"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert (ROOT / "benchmarks" / "README.md").read_text() == readme_before, "a tiny run must not touch the README"
    return json.loads((out / "latest.json").read_text()), (out / "latest.md").read_text()


def test_tandem_means_agree_with_jackson(suite):
    res, _ = suite
    w1 = res["workloads"]["1_tandem"]
    analytic = w1["analytic_hours"]
    assert analytic == pytest.approx(109.28, abs=0.01)
    assert set(w1["impls"]) == {"corridor-sim", "simpy", "ciw"}
    for impl, e in w1["impls"].items():
        assert 0.8 * analytic < e["mean_hours"] < 1.25 * analytic, impl
        assert e["run_seconds_median"] > 0 and e["process_seconds_median"] >= e["run_seconds_median"], impl
        assert e["peak_rss_mb_median"] > 0
        assert len(e["ci95_hours"]) == 2 and e["ci95_hours"][0] < e["mean_hours"] < e["ci95_hours"][1]
    cs = w1["impls"]["corridor-sim"]
    # transit = sum of the station sojourns (transfers take 0 h), and the KPI is that mean
    assert cs["max_gap_transit_vs_sojourns_hours"] < 1e-6
    assert cs["kpi_mean_hours"][0] == pytest.approx(cs["run_means_hours"][0], rel=1e-9)
    assert cs["events"] > 0
    assert set(w1["ratios"]) >= {"corridor_over_simpy_run", "corridor_over_simpy_process", "corridor_over_simpy_cpu",
                                 "ciw_over_corridor_run", "ciw_over_corridor_process", "ciw_over_corridor_cpu"}


def test_other_workloads_have_their_fields(suite):
    res, table = suite
    w = res["workloads"]
    rows = w["2_scaling"]["rows"]
    assert [r["scale"] for r in rows] == [1, 2]
    assert rows[1]["demand_tonnes_per_year"] == pytest.approx(2 * rows[0]["demand_tonnes_per_year"])
    for r in rows:
        assert r["events"] > 0 and r["events_per_second"] > 0 and r["us_per_consignment"] > 0
    assert "loglog_slope_run_seconds_vs_volume" in w["2_scaling"]
    m = w["6_market"]
    assert m["iterations"] >= 1 and m["runs"] == (m["iterations"] + 1) * m["replications_per_iteration"]
    assert m["process_seconds"] >= m["equilibrium_seconds"] > 0 and m["corridor_tonnes_per_year"] > 0

    base = w["3_year"]["baseline_2024"]
    assert base["run_seconds_median"] > 0 and base["peak_rss_mb_median"] > 0
    assert "skipped" in w["3_year"]["target_2030"] or w["3_year"]["target_2030"]["run_seconds_median"] > 0

    par = w["4_parallel"]
    if "skipped" not in par:
        assert par["parallel_efficiency"] > 0 and par["same_answer"]

    mem = w["5_memory"]
    assert [h["horizon_days"] for h in mem["horizons"]] == [10, 30]
    assert all(h["peak_rss_mb"] > 0 for h in mem["horizons"])
    loop = mem["loop"]
    assert len(loop["rss_mb_after_each"]) == loop["replications"] + 1
    assert "slope_mb_per_replication" in loop

    assert {t["met"] for t in res["targets"]} <= {"yes", "no", "–"}
    for heading in ("Workload 1", "Workload 2", "Workload 3", "Workload 4", "Workload 5", "Targets"):
        assert heading in table


def test_a_single_run_does_not_import_what_only_experiments_and_plots_need():
    """Start-up is part of every command's time: scipy (t intervals, 0.5 s to import) and
    matplotlib (plots) are imported where they are used, not with the API."""
    code = ("import sys, corridor_sim.api, corridor_sim.cli; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'scipy', 'matplotlib', 'dask', 'distributed'}))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.strip() == "[]"


def test_running_one_scenario_and_writing_its_directory_needs_no_pandas(tmp_path):
    """pandas takes about 0.3 s to import, a third of a year of the benchmark tandem: a single run
    computes its KPIs from numpy columns and writes Parquet with pyarrow, so it never imports it."""
    code = ("import sys; from corridor_sim.api import run; "
            f"run({str(ROOT / 'tests' / 'data' / 'mini_corridor.yaml')!r}, out={str(tmp_path / 'run')!r}); "
            "print('pandas' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert proc.stdout.strip() == "False"
    assert (tmp_path / "run" / "summary.json").is_file()
