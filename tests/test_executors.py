"""The same seed gives the same results wherever the runs execute.

Replications run in this process (`workers=1`), in a local process pool
(`workers=2`), or on Dask: a cluster started for the experiment
(`executor="dask"`) or an existing one (`scheduler="tcp://…"`). Results are put
back in replication order, never in the order runs finish, so the summary, the
tables and every run directory are identical (but for the wall-clock runtime).
"""

import json
import logging

import pandas as pd
import pytest

from corridor_sim.experiment import ExperimentError, run_replications

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
        for name in ("visits.parquet", "deliveries.parquet", "trains.parquet", "voyages.parquet"):
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
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster:
        assert cluster.scheduler_address.startswith("tcp://")
        on_dask = run_replications(MINI, replications=REPLICATIONS, scheduler=cluster.scheduler_address,
                                   out=tmp_path / "dask")
        # The experiment's tasks are gone from the cluster when it is done.
        with distributed.Client(cluster.scheduler_address) as client:
            assert not client.who_has()
    _same_results(reference, on_dask)
    _same_run_directories(ref_out, tmp_path / "dask")


def test_the_dask_executor_starts_and_stops_its_own_cluster(in_process):
    pytest.importorskip("distributed")
    reference, _ = in_process
    own = run_replications(MINI, replications=REPLICATIONS, executor="dask", workers=2)
    _same_results(reference, own)


@pytest.mark.parametrize("options, message", [
    ({"workers": 0}, "--workers 0: must be a whole number >= 1"),
    ({"executor": "spark"}, "--executor 'spark': must be one of process, dask"),
    ({"scheduler": "localhost:8786"}, "expected an address like tcp://HOST:PORT"),
])
def test_bad_executor_options_are_refused_before_anything_runs(options, message, tmp_path):
    with pytest.raises(ExperimentError, match=message.replace("(", r"\(")):
        run_replications(MINI, replications=2, out=tmp_path / "never", **options)
    assert list(tmp_path.iterdir()) == []
