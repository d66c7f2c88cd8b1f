"""Long experiments are safe: a failing run is recorded and the others go on; Ctrl-C keeps
the finished runs; `--resume` runs only what is not finished.

The interruption is simulated by making the 4th run raise KeyboardInterrupt, as
Ctrl-C does in the middle of a run.
"""

import json

import pandas as pd
import pytest
from click.testing import CliRunner

import corridor_sim.experiment.tasks
from corridor_sim.cli import cli
from corridor_sim.experiment import ExperimentInterrupted, run_replications, sweep

from conftest import DATA

MINI = DATA / "mini_corridor.yaml"
VARY = ["fleets.ferries.vessels=1,2"]
REAL_RUN = corridor_sim.experiment.tasks.simulate


class CountingRuns:
    """Stands in for simulate: counts the runs, and can stop or break one of them."""

    def __init__(self, interrupt_at: int | None = None, fail=None):
        self.calls = []
        self.interrupt_at = interrupt_at
        self.fail = fail

    def __call__(self, sc, resolved, *, replication=0, **kw):
        self.calls.append((sc.fleets["ferries"].vessels, replication))
        if self.interrupt_at is not None and len(self.calls) == self.interrupt_at:
            raise KeyboardInterrupt
        if self.fail and self.fail(sc, replication):
            raise RuntimeError("the ferry sank")
        return REAL_RUN(sc, resolved, replication=replication, **kw)


def _tidy(out):
    return pd.read_parquet(out / "results.parquet")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "sweep"
    sweep(MINI, VARY, replications=3, out=out)
    return out


def test_ctrl_c_keeps_the_finished_runs_and_resume_runs_only_the_rest(monkeypatch, tmp_path, uninterrupted):
    out = tmp_path / "sweep"
    runs = CountingRuns(interrupt_at=4)
    monkeypatch.setattr(corridor_sim.experiment.tasks, "simulate", runs)
    with pytest.raises(KeyboardInterrupt) as caught:
        sweep(MINI, VARY, replications=3, out=out)
    assert isinstance(caught.value, ExperimentInterrupted) and caught.value.finished == 3
    # The three finished runs are in place, complete; the sweep's own files are not: it is unfinished.
    assert sorted(p.name for p in (out / "runs").iterdir()) == ["g000-r0000", "g000-r0001", "g000-r0002"]
    assert not (out / "sweep.json").exists() and not (out / "results.parquet").exists()
    assert not list(tmp_path.glob(".*")), "no temporary directory left behind"

    runs = CountingRuns()
    monkeypatch.setattr(corridor_sim.experiment.tasks, "simulate", runs)
    result = sweep(MINI, VARY, replications=3, out=out, resume=True)
    assert runs.calls == [(2, 0), (2, 1), (2, 2)]          # only the unfinished point ran
    assert len(result.results.run_id.unique()) == 6
    pd.testing.assert_frame_equal(_tidy(out), _tidy(uninterrupted))   # as if never interrupted

    # Resuming a finished sweep runs nothing.
    runs = CountingRuns()
    monkeypatch.setattr(corridor_sim.experiment.tasks, "simulate", runs)
    sweep(MINI, VARY, replications=3, out=out, resume=True)
    assert runs.calls == []


def test_resume_reruns_a_run_whose_scenario_changed(monkeypatch, tmp_path):
    out = tmp_path / "reps"
    run_replications(MINI, replications=2, out=out)
    runs = CountingRuns()
    monkeypatch.setattr(corridor_sim.experiment.tasks, "simulate", runs)
    run_replications(MINI, replications=3, out=out, resume=True)
    assert runs.calls == [(2, 2)]                           # one more replication
    run_replications(MINI, replications=3, out=out, resume=True, overrides=["fleets.ferries.vessels=3"])
    assert runs.calls[1:] == [(3, 0), (3, 1), (3, 2)]       # another scenario: nothing is finished
    assert json.loads((out / "summary.json").read_text())["replications"] == 3


def test_a_failing_run_is_recorded_and_the_others_finish(monkeypatch, tmp_path):
    out = tmp_path / "sweep"
    runs = CountingRuns(fail=lambda sc, rep: sc.fleets["ferries"].vessels == 2 and rep == 1)
    monkeypatch.setattr(corridor_sim.experiment.tasks, "simulate", runs)
    result = sweep(MINI, VARY, replications=3, out=out)
    assert len(runs.calls) == 6
    assert [f["run_id"] for f in result.info["failed"]] == ["g001-r0001"]
    assert result.info["failed"][0]["error"] == "RuntimeError: the ferry sank"
    # its run directory says what happened, with the scenario to rerun it
    failed = out / "runs" / "g001-r0001"
    summary = json.loads((failed / "summary.json").read_text())
    assert summary["error"] == "RuntimeError: the ferry sank" and summary["replication"] == 1
    assert summary["parameters"] == {"fleets.ferries.vessels": 2} and summary["seed"] == 7
    assert "the ferry sank" in (failed / "error.txt").read_text()
    assert (failed / "scenario.resolved.yaml").exists() and not (failed / "visits.parquet").exists()
    # in the tidy table: one row with its error; the other five runs have their metrics
    tidy = _tidy(out)
    assert tidy[tidy.error.notna()].to_dict("records") == [{
        "run_id": "g001-r0001", "scenario": "mini_corridor", "fleets.ferries.vessels": 2, "replication": 1,
        "metric": "error", "value": pytest.approx(float("nan"), nan_ok=True), "error": "RuntimeError: the ferry sank"}]
    assert tidy[tidy.metric == "delivered_tonnes_per_year"].run_id.nunique() == 5
    assert result.summary.runs.tolist() == [3, 2] and result.summary.failed.tolist() == [0, 1]

    # A failed run is not finished: --resume runs it again.
    runs = CountingRuns()
    monkeypatch.setattr(corridor_sim.experiment.tasks, "simulate", runs)
    result = sweep(MINI, VARY, replications=3, out=out, resume=True)
    assert runs.calls == [(2, 1)] and result.info["failed"] == []


def test_the_command_line_reports_failures_and_interruptions(monkeypatch, tmp_path):
    out = tmp_path / "reps"
    monkeypatch.setattr(corridor_sim.experiment.tasks, "simulate", CountingRuns(fail=lambda sc, rep: rep == 0))
    result = CliRunner().invoke(cli, ["run", str(MINI), "--out", str(out), "--replications", "2", "--quiet"])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: 1 of 2 replications failed (see {out}/replications/*/error.txt)"
    assert json.loads((out / "summary.json").read_text())["replications_ok"] == 1

    monkeypatch.setattr(corridor_sim.experiment.tasks, "simulate", CountingRuns(interrupt_at=2))
    out2 = tmp_path / "stopped"
    result = CliRunner().invoke(cli, ["run", str(MINI), "--out", str(out2), "--replications", "3", "--quiet"])
    assert result.exit_code == 130
    assert "interrupted: 1 of 3 runs finished and kept in" in result.stderr and "--resume" in result.stderr
    assert [p.name for p in (out2 / "replications").iterdir()] == ["rep-0000"]


def test_resume_of_a_single_run_that_is_already_there_does_nothing(monkeypatch, tmp_path):
    out = tmp_path / "one"
    assert CliRunner().invoke(cli, ["run", str(MINI), "--out", str(out), "--quiet"]).exit_code == 0
    written = (out / "summary.json").stat().st_mtime_ns
    runs = CountingRuns()
    monkeypatch.setattr(corridor_sim.experiment.tasks, "simulate", runs)
    result = CliRunner().invoke(cli, ["run", str(MINI), "--out", str(out), "--resume"], terminal_width=160)
    assert result.exit_code == 0 and "already holds this run (--resume): nothing to do" in result.output
    assert runs.calls == [] and (out / "summary.json").stat().st_mtime_ns == written
    # another seed is another run
    result = CliRunner().invoke(cli, ["run", str(MINI), "--out", str(out), "--resume", "--seed", "8", "--quiet"])
    assert result.exit_code == 0 and json.loads((out / "summary.json").read_text())["seed"] == 8
