"""Long runs keep memory bounded: the records spill to Parquet in chunks, and every
analysis reads them back chunk by chunk, with results that do not depend on the chunks.

`CORRIDOR_SIM_CHUNK_ROWS` sets how many rows a record log keeps in memory; here it is
set absurdly small (7 rows) so that a short test run spills hundreds of chunks.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from corridor_sim.analysis.decomposition import PARTS, visit_aggregates, visit_components
from corridor_sim.api import run
from corridor_sim.output import RECORD_FILES
from corridor_sim.recording import PREFIX, RecordLog
from corridor_sim.records import Visit

from conftest import DATA

MINI = DATA / "mini_corridor.yaml"
TWO_WAY = DATA / "two_way.yaml"


def _without_runtime(summary: dict) -> dict:
    return {k: v for k, v in json.loads(json.dumps(summary)).items() if k != "runtime_seconds"}


@pytest.fixture
def tiny_chunks(monkeypatch, tmp_path):
    spill = tmp_path / "spill"
    monkeypatch.setenv("CORRIDOR_SIM_CHUNK_ROWS", "7")
    monkeypatch.setenv("CORRIDOR_SIM_SPILL_DIR", str(spill))
    return spill


@pytest.mark.parametrize("scenario", [MINI, TWO_WAY], ids=["mini_corridor", "two_way"])
def test_the_results_do_not_depend_on_the_chunk_size(scenario, tmp_path, tiny_chunks, monkeypatch):
    chunked = run(scenario, out=tmp_path / "chunked")
    assert chunked.records.visits.spill_path is not None, "7-row chunks: the visits went to disk"
    monkeypatch.delenv("CORRIDOR_SIM_CHUNK_ROWS")
    whole = run(scenario, out=tmp_path / "whole")
    assert whole.records.visits.spill_path is None, "the default chunk holds this short run in memory"

    assert _without_runtime(chunked.summary) == _without_runtime(whole.summary)
    for name in RECORD_FILES:
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "chunked" / name),
                                      pd.read_parquet(tmp_path / "whole" / name), check_dtype=True)
    pd.testing.assert_frame_equal(chunked.visits, whole.visits)        # RunResult.visits: read back from disk
    pd.testing.assert_frame_equal(chunked.deliveries, whole.deliveries)


def test_the_breakdown_read_chunk_by_chunk_is_the_whole_table_computation(tiny_chunks):
    """The streaming pass gives exactly what pandas computes from all the visits at once."""
    result = run(TWO_WAY)
    v, d = result.visits, result.deliveries
    raw = result.records
    window = d[(d.delivered >= raw.warmup_hours) & (d.delivered < raw.end_hours)]
    v = visit_components(v[v.consignment.isin(window.consignment)])   # the whole-table pandas computation
    assert sorted(v.flow.unique()) == sorted(result.summary["transit_breakdown"])   # every flow, checked below
    parts = list(PARTS)
    for flow, fv in v.groupby("flow"):
        n = fv.consignment.nunique()
        per_node = fv.groupby("node")[parts].sum() / n
        got = result.summary["transit_breakdown"][flow]
        assert got["consignments"] == n
        assert sorted(row["node"] for row in got["nodes"]) == sorted(per_node.index)   # every node, once
        for row in got["nodes"]:
            for p in parts:
                assert row[p] == pytest.approx(per_node.loc[row["node"], p], rel=1e-12, abs=1e-9), (flow, row["node"], p)
    # and the crossing tonne-hours that put the bottlenecks in proportion
    transit = dict(zip(window.consignment, (window.delivered - window.created) * window.tonnes))
    crossing = v.assign(t=v.consignment.map(transit)).groupby("node").t.sum()
    _, got = visit_aggregates(raw)
    assert got == pytest.approx(crossing.to_dict(), rel=1e-12)


def test_a_log_keeps_one_chunk_in_memory_and_the_run_directory_takes_over_its_file(tmp_path, tiny_chunks):
    log = RecordLog(Visit, "visits", chunk_rows=5)
    rows = [Visit(i, "f", f"n{i % 3}", i, i, i + 0.5, i + 1.0, 0.0, 10.0, 1.0) for i in range(23)]
    for r in rows:
        log.append(r)
        assert len(log._buf) < 5                      # never a full chunk in memory
    spill = log.spill_path
    assert spill is not None and os.path.dirname(spill) == str(tiny_chunks)
    log.close()
    assert len(log) == 23 and list(log) == rows       # read back in order, as the rows
    import pyarrow.parquet as pq

    assert pq.ParquetFile(spill).num_row_groups == 5  # 4 full chunks of 5 and the last 3
    log.save(tmp_path / "visits.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "visits.parquet"), log.frame())
    log.discard()
    assert not os.path.exists(spill)                  # the spill file is gone ...
    assert len(pd.read_parquet(tmp_path / "visits.parquet")) == 23   # ... the run directory's copy stays


def test_spill_files_are_removed_when_the_results_are_dropped_or_the_process_ends(tmp_path):
    """Without --out nothing stays on disk: not after the result is dropped, not at exit,
    and not after a process that was killed (the next run sweeps its files)."""
    spill = tmp_path / "spill"
    spill.mkdir()
    orphan = spill / f"{PREFIX}999999999-dead.visits.parquet"   # left by a process that no longer exists
    orphan.write_bytes(b"")
    script = textwrap.dedent(f"""
        import gc, os
        from corridor_sim.api import run
        r = run({str(MINI)!r})
        assert r.records.visits.spill_path is not None and not os.path.exists({str(orphan)!r})
        first = r.records.visits.spill_path
        del r; gc.collect()
        assert not os.path.exists(first)
        r = run({str(MINI)!r})       # kept until the process exits
        print(len(r.visits))
    """)
    env = {**os.environ, "CORRIDOR_SIM_CHUNK_ROWS": "50", "CORRIDOR_SIM_SPILL_DIR": str(spill)}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout) > 1000
    assert list(spill.iterdir()) == []


def test_memory_stays_bounded_as_the_horizon_grows(tmp_path):
    """Peak memory of a run 12 times longer grows by little: records are on disk, not in lists.

    One process runs 100 days, then 1,200 days (about 80,000 visits; kept as tuples they
    alone took ~60 MB). The peak resident memory may grow by a chunk's worth and the
    compact per-day samples, not by the records."""
    script = textwrap.dedent(f"""
        import resource
        from corridor_sim.api import run
        def peak():
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        sets = ["flows.demand.tonnes_per_year=8000"]
        run({str(DATA / 'tiny.yaml')!r}, overrides=sets + ["horizon_days=100"], out={str(tmp_path / 'short')!r})
        short = peak()
        long = run({str(DATA / 'tiny.yaml')!r}, overrides=sets + ["horizon_days=1200"], out={str(tmp_path / 'long')!r})
        print(short, peak(), len(long.records.visits))
    """)
    env = {**os.environ, "CORRIDOR_SIM_CHUNK_ROWS": "2000", "CORRIDOR_SIM_SPILL_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    short, long, visits = proc.stdout.split()
    assert int(visits) > 75_000
    assert float(long) - float(short) < 30, f"peak grew from {short} MB to {long} MB"
    assert len(pd.read_parquet(tmp_path / "long" / "visits.parquet")) == int(visits)
    assert not list(tmp_path.glob(PREFIX + "*")), "spill files removed at exit"


def test_daily_samples_are_packed_and_written_resource_by_resource(mini_corridor, tmp_path):
    from corridor_sim.output import SAMPLES, write_run

    raw = mini_corridor.records
    write_run(tmp_path / "run", mini_corridor.summary, mini_corridor.resolved, raw)
    samples = pd.read_parquet(tmp_path / "run" / SAMPLES)
    days = len(raw.resources[0].samples)
    assert days > 100 and len(samples) == days * len(raw.resources)
    assert samples.resource.unique().tolist() == [m.name for m in raw.resources]   # resource by resource
    for name, s in samples.groupby("resource"):
        assert (np.diff(s.time) == 24.0).all(), name                           # a day apart, in order
    first = raw.resources[0]
    assert [tuple(x) for x in samples[samples.resource == first.name][["time", "queue", "busy"]].to_numpy()] == \
        list(first.samples)


@pytest.mark.parametrize("value", ["0"])
def test_a_bad_chunk_size_is_bad_input(tmp_path, value):
    proc = subprocess.run([sys.executable, "-m", "corridor_sim.cli", "run", str(DATA / "tiny.yaml"), "--out", "out"],
                          cwd=tmp_path, env={**os.environ, "CORRIDOR_SIM_CHUNK_ROWS": value},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr == f"error: CORRIDOR_SIM_CHUNK_ROWS={value!r}: expected a whole number >= 1\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("first, chosen, expected", [
    ("", None, "system"),                       # corridor-sim's choice ...
    ("import pyarrow; ", None, "system"),       # ... also when pyarrow was imported before it
    ("", "mimalloc", "mimalloc"),               # the user's choice stands
])
def test_pyarrow_allocates_with_the_system_allocator_unless_the_user_chose_one(first, chosen, expected):
    """mimalloc, pyarrow's default, keeps freed pages: memory crept up run after run (benchmarks, W5)."""
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        env["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    code = first + "import corridor_sim.api, pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
                          check=True)
    assert proc.stdout.strip() == expected


def test_columns_built_from_buffers_are_the_arrays_pyarrow_builds():
    """corridor_sim.columns builds and reads Arrow columns without pyarrow's pandas check: the same arrays."""
    import pyarrow as pa

    from corridor_sim import columns

    cases = [([1.5, -2.0, 3.25], pa.float64()), ([3, 0, -7], pa.int64()), (["Türkiye", "", "Баку", "x"], pa.string()),
             ([], pa.string()), ([], pa.float64()), (np.array([0.5, 1.5])[::-1], pa.float64())]
    for values, kind in cases:
        ours = columns.array(values, kind)
        assert ours.equals(pa.array(list(values), type=kind)), (values, kind)
        back = columns.to_numpy(pa.chunked_array([ours, ours], type=kind))
        assert list(back) == list(values) * 2
    encoded = pa.chunked_array([pa.array(["a", "b", "a"])]).dictionary_encode()
    assert columns.to_numpy(encoded).tolist() == ["a", "b", "a"]
    # Codes as pyarrow's dictionary_encode numbers them, also for a subset of the rows and for a column
    # read dictionary-encoded whose dictionary holds values in another order.
    values = ["kuryk", "alat", "kuryk", "aktau", "alat", "poti"]
    keep = np.array([False, True, True, False, True, True])
    for column in (pa.array(values), pa.DictionaryArray.from_arrays(pa.array([3, 1, 3, 0, 1, 2], pa.int32()),
                                                                   pa.array(["aktau", "alat", "poti", "kuryk"]))):
        names, rows = columns.codes(column, keep)
        reference = pa.array([v for v, k in zip(values, keep) if k]).dictionary_encode()
        assert names == reference.dictionary.to_pylist() and rows.tolist() == reference.indices.to_pylist()
    assert columns.dictionary_encode(pa.array(values)).equals(pa.array(values).dictionary_encode())
