"""The same seed gives the same results wherever the runs execute.

Replications run in this process (`workers=1`), in a local process pool
(`workers=2`), or on Dask: a cluster started for the experiment
(`executor="dask"`) or an existing one (`scheduler="tcp://…"`). Results are put
back in replication order, never in the order runs finish, so the summary, the
tables and every run directory are identical (but for the wall-clock runtime).
"""

import json
import logging
import os
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

import corridor_sim.experiment.tasks
from corridor_sim.experiment import ExperimentError, run_replications
from corridor_sim.experiment.executors import ProcessPool, WorkerDied
from corridor_sim.experiment.tasks import RunTask, execute
from corridor_sim.output import RECORD_FILES
from corridor_sim.scenario import load_scenario

from conftest import DATA

MINI = DATA / "mini_corridor.yaml"
REPLICATIONS = 4


def _without_runtime(summary: dict) -> dict:
    return {k: v for k, v in json.loads(json.dumps(summary)).items() if k != "runtime_seconds"}


def _same_results(a, b) -> None:
    assert _without_runtime(a.summary) == _without_runtime(b.summary)
    pd.testing.assert_frame_equal(a.runs.drop(columns="runtime_seconds"), b.runs.drop(columns="runtime_seconds"))
    pd.testing.assert_frame_equal(a.results, b.results)


def _same_run_directories(a, b) -> None:
    for i in range(REPLICATIONS):
        ra, rb = (d / "replications" / f"rep-{i:04d}" for d in (a, b))
        sa, sb = (json.loads((r / "summary.json").read_text()) for r in (ra, rb))
        sa.pop("runtime_seconds"), sb.pop("runtime_seconds")
        assert sa == sb
        for name in RECORD_FILES:  # visits.parquet, deliveries.parquet, …
            pd.testing.assert_frame_equal(pd.read_parquet(ra / name), pd.read_parquet(rb / name))
        assert (ra / "scenario.resolved.yaml").read_text() == (rb / "scenario.resolved.yaml").read_text()


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    out = tmp_path_factory.mktemp("in_process") / "reps"
    return run_replications(MINI, replications=REPLICATIONS, out=out), out


def test_a_process_pool_gives_the_same_results_as_one_process(in_process, tmp_path):
    reference, ref_out = in_process
    pooled = run_replications(MINI, replications=REPLICATIONS, workers=2, out=tmp_path / "pool")
    _same_results(reference, pooled)
    _same_run_directories(ref_out, tmp_path / "pool")


def test_a_dask_local_cluster_gives_the_same_results(in_process, tmp_path):
    """A real distributed.LocalCluster, reached through its scheduler address as a remote one would be."""
    distributed = pytest.importorskip("distributed")
    reference, ref_out = in_process
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        on_dask = run_replications(MINI, replications=REPLICATIONS, scheduler=cluster.scheduler_address,
                                   out=tmp_path / "dask")
        # The experiment's results do not stay on the cluster (released asynchronously: give it a moment).
        with distributed.Client(cluster.scheduler_address) as client:
            deadline = time.monotonic() + 10
            while client.who_has() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not client.who_has()
    _same_results(reference, on_dask)
    _same_run_directories(ref_out, tmp_path / "dask")


def test_the_dask_executor_starts_and_stops_its_own_cluster(in_process):
    pytest.importorskip("distributed")
    reference, _ = in_process
    own = run_replications(MINI, replications=REPLICATIONS, executor="dask", workers=1)
    _same_results(reference, own)


@pytest.mark.parametrize("options, message", [
    ({"workers": 0}, "workers=0: must be a whole number >= 1"),
    ({"executor": "spark"}, "executor='spark': must be one of process, dask"),
    ({"scheduler": "localhost:8786"}, "expected an address like tcp://HOST:PORT"),
])
def test_bad_executor_options_are_refused_before_anything_runs(options, message, tmp_path):
    with pytest.raises(ExperimentError, match=message.replace("(", r"\(")):
        run_replications(MINI, replications=2, out=tmp_path / "never", **options)
    assert list(tmp_path.iterdir()) == []


def _dies_on_replication_1(task):
    """A run that takes its worker process down, as the out-of-memory killer would."""
    if task.replication == 1:
        os._exit(9)
    return execute(task)


def test_a_run_that_kills_its_worker_process_is_an_error_and_the_others_finish():
    _, resolved = load_scenario(MINI)
    tasks = [RunTask(f"rep-{i:04d}", i, resolved, str(MINI), keep_records=False) for i in range(4)]
    pool = ProcessPool(2)
    try:
        results = dict(pool.map(_dies_on_replication_1, tasks))
    finally:
        pool.close()
    assert sorted(results) == [0, 1, 2, 3]
    assert isinstance(results[1], WorkerDied)
    assert all(results[i].ok for i in (0, 2, 3))


def test_the_experiment_records_a_run_whose_worker_died(monkeypatch):
    def executor_reports_a_death(task):
        return WorkerDied("the worker process running this run died") if task.replication == 1 else execute(task)

    monkeypatch.setattr(corridor_sim.experiment.tasks, "execute", executor_reports_a_death)
    result = run_replications(MINI, replications=3)
    assert result.summary["failed"] == [{"replication": 1, "run_id": "rep-0001",
                                         "error": "WorkerDied: the worker process running this run died"}]
    assert result.summary["replications_ok"] == 2 and result.runs.error.notna().tolist() == [False, True, False]


def test_a_script_without_a_main_guard_is_not_rerun_in_the_workers(tmp_path):
    """Fresh worker processes normally re-import the caller's script: one that starts an
    experiment at its top level would start it again in every worker."""
    script = tmp_path / "study.py"
    script.write_text(
        "from corridor_sim.experiment import run_replications\n"
        f"r = run_replications({str(MINI)!r}, replications=2, workers=2)\n"
        "print('study ran', r.summary['replications_ok'])\n")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "study ran 2\n"


def test_workers_copied_from_a_process_holding_results_leave_its_spill_files_alone(tmp_path):
    """Workers are forked from the caller when it has no other thread: they inherit its list of
    live spill files, and must not remove them when they exit."""
    spill = tmp_path / "spill"
    script = (
        "import os\n"
        "from corridor_sim.api import run\n"
        "from corridor_sim.experiment import run_replications\n"
        f"held = run({str(MINI)!r})\n"
        "path = held.records.visits.spill_path\n"
        f"run_replications({str(MINI)!r}, replications=4, workers=2)\n"
        "assert os.path.exists(path), 'a worker removed the caller’s spill file'\n"
        "print(len(held.visits))\n"
    )
    env = {**os.environ, "CORRIDOR_SIM_CHUNK_ROWS": "50", "CORRIDOR_SIM_SPILL_DIR": str(spill)}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert int(proc.stdout) > 1000
    assert list(spill.iterdir()) == []   # and all gone at the caller's exit



def test_workers_are_copies_made_before_the_caller_starts_a_thread():
    """A progress bar runs a thread, after which copying the process is unsafe: `start` makes the
    workers first, so they are still copies of the caller (no fork server to wait 0.65 s for).
    In a fresh process: threads left by other tests would make this one's start a fork server's."""
    script = textwrap.dedent("""
        import os, threading, time
        from corridor_sim.experiment.executors import ProcessPool

        def parent(_task):
            return os.getppid()

        pool = ProcessPool(2)
        pool.start()
        threading.Thread(target=time.sleep, args=(3,), daemon=True).start()   # the progress bar
        try:
            early = {pid for _, pid in pool.map(parent, [0, 1, 2, 3])}
        finally:
            pool.close()
        late = ProcessPool(2)   # no start: a caller with a thread gets the fork server's workers
        try:
            later = {pid for _, pid in late.map(parent, [0, 1])}
        finally:
            late.close()
        print(early == {os.getpid()}, os.getpid() not in later)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.split() == ["True", "True"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_over_the_time_limit_is_stopped_and_recorded_and_the_others_finish(workers, tmp_path):
    """--run-timeout: a grid point that runs for ever (here: 20 years) does not hold up a sweep."""
    spill = tmp_path / "spill"
    baseline = DATA.parents[1] / "scenarios" / "baseline_2024.yaml"
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "corridor_sim.cli", "sweep", str(baseline), "--vary", "horizon_days=30,7300,60",
         "--run-timeout", "8", "--workers", str(workers), "--out", str(tmp_path / "out"), "--quiet"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "CORRIDOR_SIM_SPILL_DIR": str(spill), "CORRIDOR_SIM_CHUNK_ROWS": "5000"})
    assert time.monotonic() - started < 30, "the 20-year run (about 9 s) must have been stopped"
    assert proc.returncode == 1 and "1 of 3 runs failed" in proc.stderr, proc.stderr
    info = json.loads((tmp_path / "out" / "sweep.json").read_text())
    assert [f["run_id"] for f in info["failed"]] == ["g001-r0000"]
    assert "took longer than 8 s (run_timeout)" in info["failed"][0]["error"]   # the core's words, in sweep.json
    summary = pd.read_parquet(tmp_path / "out" / "summary.parquet")
    assert summary.runs.tolist() == [1, 0, 1] and (summary.delivered_tonnes_per_year.dropna() > 0).all()
    assert list(spill.iterdir()) == [], "the stopped run's spill files are removed"


def test_a_single_run_over_the_time_limit_stops_with_one_line_and_writes_nothing(tmp_path):
    baseline = DATA.parents[1] / "scenarios" / "baseline_2024.yaml"
    proc = subprocess.run([sys.executable, "-m", "corridor_sim.cli", "run", str(baseline), "--set", "horizon_days=7300",
                           "--run-timeout", "1", "--out", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.count("\n") == 1 and "took longer than 1 s (--run-timeout)" in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []
