"""Progress: the core reports it through a callback, `progress(done, total)`; only the faces draw it
(corridor_sim/progress.py: the CLI's bars, and `progress=True` in the Python API)."""

import ast
from pathlib import Path

import pytest

import corridor_sim
from corridor_sim import api, progress
from corridor_sim.experiment import ExperimentError, run_replications, sweep
from corridor_sim.progress import RunsBar, SimulationBar

from conftest import DATA

TINY = DATA / "tiny.yaml"
SHORT = ["horizon_days=20", "warmup_days=0"]


def test_an_experiment_reports_its_runs_to_the_callback(tmp_path):
    calls = []
    run_replications(TINY, replications=3, overrides=SHORT, out=tmp_path / "reps",
                     progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]
    # resumed: the runs already finished count from the start
    calls.clear()
    run_replications(TINY, replications=4, overrides=SHORT, out=tmp_path / "reps", resume=True,
                     progress=lambda done, total: calls.append((done, total)))
    assert calls == [(3, 4), (4, 4)]


def test_the_core_draws_nothing_and_refuses_a_progress_that_is_not_a_callback(tmp_path):
    with pytest.raises(ExperimentError) as info:
        sweep(TINY, {"horizon_days": [10, 20]}, progress=True, out=tmp_path / "never")
    assert info.value.parameter == "progress" and str(info.value).startswith("progress=True: must be a function")
    assert list(tmp_path.iterdir()) == []


def test_the_python_api_draws_a_bar_for_progress_true(monkeypatch):
    bars = []

    class Drawn(RunsBar):
        def __call__(self, done, total):
            bars.append((self.description, done, total))
            super().__call__(done, total)

    monkeypatch.setattr(progress, "RunsBar", Drawn)
    result = api.run_replications(TINY, replications=2, overrides=SHORT, progress=True)
    assert result.summary["replications_ok"] == 2
    assert bars == [("tiny", 0, 2), ("tiny", 1, 2), ("tiny", 2, 2)]
    bars.clear()
    result = api.sweep(TINY, {"horizon_days": [10, 20]}, overrides=["warmup_days=0"], progress=False)
    assert result.info["runs_ok"] == 2 and bars == []


def test_a_bar_is_a_callback_that_appears_on_its_first_call_and_goes_with_its_block():
    with RunsBar("runs") as bar:
        assert bar._task is None      # nothing drawn before the experiment reports
        bar(0, 4)
        bar(3, 4)
        assert bar._bar.tasks[0].completed == 3 and bar._bar.tasks[0].total == 4
    assert not bar._bar.live.is_started                                  # gone with its block
    with SimulationBar("one run") as bar:
        bar(48.0, 96.0)
        assert bar._bar.tasks[0].fields["day"] == "day 2/4"
    with SimulationBar("quiet", visible=False) as bar:                   # --quiet: draws nothing
        bar(48.0, 96.0)
        assert bar._bar is None


def test_the_core_imports_neither_click_nor_rich_nor_matplotlib():
    root = Path(corridor_sim.__file__).parent
    core = [p for part in ("scenario", "model", "analysis", "experiment") for p in (root / part).rglob("*.py")]
    core += [root / "records.py", root / "recording.py", root / "parameters.py"]
    faces = {"click", "rich", "matplotlib"}
    found = []
    for path in core:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            found += [f"{path.relative_to(root)}: {n}" for n in names if n.split(".")[0] in faces]
    assert found == []
