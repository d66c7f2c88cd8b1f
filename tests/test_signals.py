"""Stopping a run or a sweep from outside leaves no half-written result.

Real `corridor-sim` processes, stopped with real signals in the middle of their work:

- Ctrl-C (SIGINT to the whole process group, as a terminal sends it) or SIGTERM (as
  `kill`, a scheduler or a container stop sends it) in the middle of a run: exit code
  130 or 143, no run directory, no temporary directory, no spill file; an existing run
  directory at --out is left as it was.
- The same in the middle of a sweep on a process pool: the finished runs are kept,
  each complete; the unfinished ones leave nothing; the worker processes remove their
  spill files.
- A worker process killed (SIGKILL) in the middle of a sweep: reported on stderr, its
  runs are run again, and every run of the sweep is there at the end.

Records spill to disk after 50 rows (CORRIDOR_SIM_CHUNK_ROWS) so that every run has
spill files to clean up, in a spill directory of the test's own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corridor_sim.api import run
from corridor_sim.output import RECORD_FILES, RESOLVED, SUMMARY
from corridor_sim.recording import PREFIX

from conftest import DATA

MINI = DATA / "mini_corridor.yaml"


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "CORRIDOR_SIM_CHUNK_ROWS": "50", "CORRIDOR_SIM_SPILL_DIR": str(cwd / "spill")}
    return subprocess.Popen([sys.executable, "-m", "corridor_sim.cli", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for(condition, proc: subprocess.Popen, what: str, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        if proc.poll() is not None:
            pytest.fail(f"the command ended before {what}: {proc.communicate()}")
        time.sleep(0.02)
    proc.kill()
    pytest.fail(f"timed out waiting for {what}")


def _stop(proc: subprocess.Popen, how: str) -> tuple[int, str]:
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)   # a terminal sends Ctrl-C to the whole process group
    else:
        proc.send_signal(signal.SIGTERM)     # `kill PID`
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err


def _complete_run_dir(d: Path) -> bool:
    return all((d / name).is_file() for name in (SUMMARY, RESOLVED, *RECORD_FILES))


CODE = {"ctrl-c": 128 + signal.SIGINT, "sigterm": 128 + signal.SIGTERM}


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_a_run_stopped_in_the_middle_leaves_nothing_behind(tmp_path, how):
    out = tmp_path / "out"
    run(MINI, out=out, overrides=["horizon_days=5"])      # the previous run there must survive untouched
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    spill = tmp_path / "spill"
    proc = _start(["run", str(MINI), "--set", "horizon_days=4000", "--out", "out", "--quiet"], tmp_path)
    # The simulation is under way once its records start spilling.
    _wait_for(lambda: spill.is_dir() and list(spill.iterdir()), proc, "the run started spilling")
    code, err = _stop(proc, how)
    assert code == CODE[how], err
    assert "Traceback" not in err and err.strip().endswith("interrupted"), err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "spill"]   # no .out.tmp-* directory
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert list(spill.iterdir()) == [], "the spill files are removed"


@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_a_sweep_stopped_in_the_middle_keeps_its_finished_runs_whole(tmp_path, how):
    spill = tmp_path / "spill"
    proc = _start(["sweep", str(MINI), "--vary", "fleets.ferries.vessels=1,2,3", "--replications", "3",
                   "--workers", "2", "--set", "horizon_days=500", "--out", "out", "--quiet"], tmp_path)
    _wait_for(lambda: list(tmp_path.glob(".out.tmp-*/runs/g*/summary.json")), proc, "a run finished")
    code, err = _stop(proc, how)
    assert code == CODE[how], err
    assert "Traceback" not in err, err
    out = tmp_path / "out"
    assert (out / "runs").is_dir(), (err, sorted(p.name for p in tmp_path.iterdir()))
    runs = sorted((out / "runs").iterdir())
    assert 1 <= len(runs) < 9, "stopped in the middle"
    # The count reported is the run directories kept: nothing else (a half-made one) is there.
    assert f"interrupted: {len(runs)} of 9 runs finished and kept in out (continue with --resume)" in err, \
        (err, [r.name for r in runs])
    for run in runs:      # each kept run is complete, none is half-written
        assert run.name.startswith("g") and _complete_run_dir(run), sorted(p.name for p in run.iterdir())
        assert json.loads((run / SUMMARY).read_text())["error"] is None
    assert not (out / "sweep.json").exists(), "the sweep is marked unfinished"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "spill"]   # no temporary directory
    assert list(spill.iterdir()) == [], "the workers removed their spill files"


def test_a_worker_killed_in_a_sweep_is_reported_and_every_run_is_there(tmp_path):
    psutil = pytest.importorskip("psutil")
    spill = tmp_path / "spill"
    proc = _start(["sweep", str(MINI), "--vary", "fleets.ferries.vessels=1,2,3", "--replications", "2",
                   "--workers", "2", "--set", "horizon_days=400", "--out", "out", "--quiet"], tmp_path)

    def busy_worker():
        # workers are copies of the command (fork), or children of a fork server that is its child
        files = [p.name for p in spill.glob("*.parquet")] if spill.is_dir() else []
        for worker in psutil.Process(proc.pid).children(recursive=True):
            if any(name.startswith(f"{PREFIX}{worker.pid}-") for name in files):
                return worker.pid    # a worker with spill files is in the middle of a run
        return None

    victim = _wait_for(busy_worker, proc, "a worker in the middle of a run")
    os.kill(victim, signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "warning: a worker process died (killed by SIGKILL) while running g" in err, err
    out = tmp_path / "out"
    info = json.loads((out / "sweep.json").read_text())
    assert info["failed"] == [] and info["runs"] == 6
    runs = sorted((out / "runs").iterdir())
    assert len(runs) == 6 and all(_complete_run_dir(r) for r in runs)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "spill"]
    assert list(spill.iterdir()) == [], "the killed worker's spill files are swept by the next worker"


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("where", ["temporary directory made", "files written", "renamed into place"])
def test_a_stop_while_a_run_directory_is_written_keeps_count_and_directories_in_agreement(
        monkeypatch, tmp_path, how, where):
    """The race behind a rare failure of the test above: the signal arriving while the command writes
    a finished run's directory. Here it arrives at three points of the second run's write (including
    the few bytecodes between the temporary directory's creation and the cleanup that removes it);
    the runs counted as finished are exactly the run directories kept, all complete."""
    import tempfile

    from corridor_sim import output
    from corridor_sim.experiment import ExperimentInterrupted, sweep
    from corridor_sim.stopping import install_stop_handler, restore_signals

    stop, saved = install_stop_handler()   # as in the command (restored after the test)
    stop.arm()
    writes = []

    def stop_at(point):
        if point == where and len(writes) == 2:
            signal.raise_signal(how)

    real_mkdtemp, real_summary, real_replace = tempfile.mkdtemp, output._write_summary, output._replace_dir

    def mkdtemp(*args, **kw):
        made = real_mkdtemp(*args, **kw)
        if Path(made).parent.name == "runs":
            writes.append(made)
            stop_at("temporary directory made")
        return made

    def write_summary(tmp, summary):
        real_summary(tmp, summary)
        stop_at("files written")

    def replace(new, target):
        real_replace(new, target)
        stop_at("renamed into place")

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)
    monkeypatch.setattr(output, "_write_summary", write_summary)
    monkeypatch.setattr(output, "_replace_dir", replace)
    out = tmp_path / "out"
    try:
        with pytest.raises(ExperimentInterrupted) as stopped:
            sweep(MINI, ["fleets.ferries.vessels=1,2"], replications=2, out=out,
                  overrides=["horizon_days=60"])
    finally:
        restore_signals(saved)
    kept = sorted(p.name for p in (out / "runs").iterdir())
    assert stopped.value.finished == len(kept), kept
    assert all(name.startswith("g") and _complete_run_dir(out / "runs" / name) for name in kept), kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


# ---------------------------------------------------------------------------
# From the first instant: a stop at any moment says "interrupted" and leaves nothing
# ---------------------------------------------------------------------------

# The normal suite sends a handful of signals; CORRIDOR_SIM_SIGNAL_TRIALS=200 sends that many (README,
# Reliability: "Nothing lost"), at instants drawn from 0.05 s to 1 s after the start, SIGINT or SIGTERM.
TRIALS = int(os.environ.get("CORRIDOR_SIM_SIGNAL_TRIALS", "6"))


def _instants(n: int, seed: int = 20261123) -> list[tuple[float, str]]:
    import random

    draw = random.Random(seed)
    return [(round(draw.uniform(0.05, 1.0), 3), draw.choice(["ctrl-c", "sigterm"])) for _ in range(n)]


def _handler_installed(pid: int) -> bool:
    """corridor-sim's own handler is in place: the process catches SIGTERM (Linux: SigCgt in /proc).

    Before that, no line of corridor-sim has run (Python starts, and loads site-packages: 0.03-0.05 s
    on an idle machine, 0.08 s on a busy one), and a signal gets Python's own treatment."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True     # not Linux, or the process is gone: nothing to wait for
    caught = next(int(line.split()[1], 16) for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(caught >> (signal.SIGTERM - 1) & 1)


def _command() -> list[str]:
    """The console script, as a user starts it (python -m corridor_sim.cli where it is not installed)."""
    script = Path(sys.executable).with_name("corridor-sim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "corridor_sim.cli"]


@pytest.mark.parametrize("after, how", _instants(TRIALS))
def test_a_stop_at_any_instant_from_the_start_says_interrupted_and_writes_nothing(tmp_path, after, how):
    """Before: a stop in the first 0.7 s printed a KeyboardInterrupt traceback (the handler came after
    click and the package were imported), or was swallowed by an import (the run went on, exit 0).
    The run takes several seconds: every instant here is before its result is in place; none is
    before the command's handler exists (the interpreter's own start-up)."""
    spill = tmp_path / "spill"
    env = {**os.environ, "CORRIDOR_SIM_CHUNK_ROWS": "50", "CORRIDOR_SIM_SPILL_DIR": str(spill)}
    proc = subprocess.Popen([*_command(), "run", str(MINI), "--set", "horizon_days=4000", "--out", "out", "--quiet"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    started = time.monotonic()
    while not _handler_installed(proc.pid) and proc.poll() is None:   # (see _handler_installed)
        time.sleep(0.002)
    time.sleep(max(0.0, after - (time.monotonic() - started)))
    code, err = _stop(proc, how)
    assert (code, err) == (CODE[how], "interrupted\n"), f"stopped after {after} s"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "spill") == [], "no run directory, no temporary"
    assert not spill.exists() or list(spill.iterdir()) == [], "no spill file"


def _swallow_a_stop() -> None:
    """Deliver SIGINT where Python drops the KeyboardInterrupt its handler raises: in a finaliser
    (as happens when the signal lands in importlib's module-lock callback during an import)."""

    class Finalised:
        def __del__(self):
            signal.raise_signal(signal.SIGINT)

    Finalised()


def test_a_stop_that_an_import_swallowed_still_stops_the_run_before_its_result_is_in_place(
        tmp_path, monkeypatch, capsys):
    import corridor_sim.simulate
    from corridor_sim.cli import main

    real = corridor_sim.simulate.run_model

    def swallowed_then_run(*args, **kw):
        _swallow_a_stop()
        return real(*args, **kw)

    monkeypatch.setattr(corridor_sim.simulate, "run_model", swallowed_then_run)
    with pytest.raises(SystemExit) as ended:
        main(["run", str(MINI), "--set", "horizon_days=20", "--out", str(tmp_path / "out"), "--quiet"])
    assert ended.value.code == CODE["ctrl-c"]
    assert capsys.readouterr().err == "interrupted\n"      # and no "Exception ignored in ..." traceback
    assert list(tmp_path.iterdir()) == []


def test_a_stop_once_the_run_is_in_place_is_too_late_and_the_command_ends_normally(tmp_path, monkeypatch, capsys):
    """The run directory is the command's result: a signal after its rename (while the tables print)
    changes nothing: exit 0 and the run complete, rather than "interrupted" beside a written run."""
    import corridor_sim.cli.run
    from corridor_sim.cli import main

    real = corridor_sim.cli.run.show_run

    def stopped_while_printing(summary):
        signal.raise_signal(signal.SIGTERM)
        real(summary)

    monkeypatch.setattr(corridor_sim.cli.run, "show_run", stopped_while_printing)
    main(["run", str(MINI), "--set", "horizon_days=20", "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert "interrupted" not in captured.err and "results written to" in captured.out
    assert _complete_run_dir(tmp_path / "out")


def test_ctrl_c_held_during_an_experiments_final_rename_leaves_the_experiment_whole(monkeypatch, tmp_path):
    """In a notebook (Python's own Ctrl-C), a Ctrl-C while the finished experiment is renamed into place
    is delivered just after the rename: the experiment stays there whole (it used to be moved aside
    and lost, as the cleanup tried to put in place a directory that was already there)."""
    from corridor_sim import output
    from corridor_sim.experiment import ExperimentInterrupted, run_replications

    out = tmp_path / "out"
    real = output._replace_dir

    def rename_then_ctrl_c(new, target):
        real(new, target)
        if target == out:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(output, "_replace_dir", rename_then_ctrl_c)
    with pytest.raises(ExperimentInterrupted):
        run_replications(MINI, replications=2, out=out, overrides=["horizon_days=5"])
    assert (out / SUMMARY).is_file() and all(_complete_run_dir(r) for r in (out / "replications").iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_commands_handler_is_in_place_before_any_library_is_imported():
    """The handler is installed first thing, before click and the libraries the commands use (which
    take half a second to import: a stop then used to print a KeyboardInterrupt traceback)."""
    code = (
        "import signal, sys\n"
        "real = signal.signal\n"
        "def spy(sig, handler):\n"
        "    if sig == signal.SIGTERM and callable(handler):\n"
        "        heavy = ('click', 'pandas', 'numpy', 'pyarrow', 'pydantic', 'yaml', 'rich', 'simpy', 'scipy')\n"
        "        print('loaded when the handler came:', sorted(m for m in heavy if m in sys.modules), flush=True)\n"
        "    return real(sig, handler)\n"
        "signal.signal = spy\n"
        f"sys.argv = ['corridor-sim', 'validate', {str(MINI)!r}]\n"
        "from corridor_sim.cli import main\n"
        "main()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "loaded when the handler came: []", proc.stdout
