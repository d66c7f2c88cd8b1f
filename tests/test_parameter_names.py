"""Errors name the parameter the caller set: in Python's terms from Python, by its flag on the
command line.

The core (scenario/, experiment/) keeps the parameter, the value given and the override at
fault as data; `str()` names them as the Python call was written (`min_gain=1.5`,
`overrides 'x=1'`), and the CLI's table of flags (corridor_sim/cli/flags.py) names them as the
command was typed (`--min-gain 150`, `--set 'x=1'`). The CLI's own messages are checked in
tests/test_bad_input.py and tests/test_experiment_bad_input.py.
"""

import ast
import pickle
import re
from pathlib import Path

import pytest

import corridor_sim
from corridor_sim.cli.flags import COMMAND_LINE, FLAGS
from corridor_sim.experiment import ExperimentError, compare, levers, parse_threshold, run_replications, sweep
from corridor_sim.experiment.executors import RunTimedOut
from corridor_sim.scenario import ScenarioError, load_scenario

from conftest import DATA

TINY = DATA / "tiny.yaml"  # one station, `station`, with `servers: 3`
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _error(call) -> Exception:
    with pytest.raises((ExperimentError, ScenarioError)) as info:
        call()
    return info.value


def test_the_python_api_names_min_gain_not_its_flag(tmp_path):
    error = _error(lambda: sweep(TINY, {"horizon_days": [10, 20]}, min_gain=1.5, out=tmp_path / "never"))
    assert str(error) == "min_gain=1.5: must be a fraction in [0, 1)"
    assert "--min-gain" not in str(error)
    assert (error.parameter, error.value) == ("min_gain", 1.5)
    # on the command line the same error is in the flag's units, a percentage
    assert error.describe(COMMAND_LINE) == "--min-gain 150: must be a percentage in [0, 100)"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("call, python, command_line", [
    (lambda: run_replications(TINY, replications=2, workers=0), "workers=0: must be a whole number >= 1",
     "--workers 0: must be a whole number >= 1"),
    (lambda: run_replications(TINY, replications=0), "replications=0: must be a whole number >= 1",
     "--replications 0: must be a whole number >= 1"),
    (lambda: run_replications(TINY, replications=2, executor="dask", run_timeout=5),
     "run_timeout works in process and with the local process pool",
     "--run-timeout works in process and with the local process pool"),
    (lambda: run_replications(TINY, replications=2, run_timeout=-1), "run_timeout=-1: must be a number of seconds",
     "--run-timeout -1: must be a number of seconds"),
    (lambda: sweep(TINY, ["nodes.station.station.servers"]), "vary='nodes.station.station.servers': expected",
     "--vary 'nodes.station.station.servers': expected"),
    (lambda: parse_threshold("x<<5"), "threshold='x<<5': expected METRIC<VALUE", "--fail-if 'x<<5': expected"),
    (lambda: sweep(TINY, {"horizon_days": [10, 20]}, kpis=["utilization"]), "kpis 'utilization': not a KPI",
     "--kpi 'utilization': not a KPI"),
    (lambda: levers(TINY, top=-1), "top=-1: must be a whole number >= 0", "--top -1: must be a whole number >= 0"),
    (lambda: levers(TINY, levers=["nodes.station"]), "levers 'nodes.station': it is not path.to.field=value",
     "--lever 'nodes.station': it is not path.to.field=value"),
    (lambda: levers(TINY, levers={"nodes.station.station.servers": 0}),
     "levers 'nodes.station.station.servers=0': ", "--lever 'nodes.station.station.servers=0': "),
])
def test_experiment_errors_name_the_parameter_and_the_cli_its_flag(call, python, command_line):
    error = _error(call)
    assert str(error).startswith(python) and not FLAG.search(str(error)), str(error)
    assert error.describe(COMMAND_LINE).startswith(command_line)


def test_an_output_directory_and_a_switch(tmp_path):
    (tmp_path / "file").write_text("x")
    error = _error(lambda: run_replications(TINY, replications=2, out=tmp_path / "file"))
    assert str(error) == f"out={str(tmp_path / 'file')!r}: exists and is not a directory"
    assert error.describe(COMMAND_LINE) == f"--out {tmp_path / 'file'}: exists and is not a directory"
    sweep_dir = tmp_path / "sweep"
    (sweep_dir / "runs").mkdir(parents=True)
    error = _error(lambda: run_replications(TINY, replications=2, out=sweep_dir, resume=True))
    assert str(error) == f"resume=True: {sweep_dir} holds a sweep, not replications"
    assert error.describe(COMMAND_LINE) == f"--resume: {sweep_dir} holds a sweep, not replications"


def test_the_remedy_is_named_as_a_setting(tmp_path):
    (tmp_path / "unfinished" / "replications").mkdir(parents=True)
    error = _error(lambda: compare(tmp_path / "unfinished", tmp_path / "unfinished"))
    assert str(error).endswith("(an unfinished experiment: finish it with resume=True)")
    assert error.describe(COMMAND_LINE).endswith("(an unfinished experiment: finish it with --resume)")


@pytest.mark.parametrize("override, path, problem", [
    ("horizon_days", "", "it is not path.to.field=value"),
    ("nodes..servers=4", "", "empty field name in the path"),
    ("nodes.nowhere.station.servers=4", "nodes.nowhere", "no node 'nowhere' in the scenario"),
    ("nodes.station.station.servers.max=3", "nodes.station.station.servers", "not a mapping of fields"),
])
def test_the_override_at_fault_is_data_not_text(override, path, problem):
    error = _error(lambda: load_scenario(TINY, ["horizon_days=20", override]))
    assert (error.override, error.path, error.problem) == (override, path, problem)
    where = f"{TINY}: {path}: " if path else f"{TINY}: "
    assert str(error) == f"{where}overrides {override!r}: {problem}"
    assert error.describe(COMMAND_LINE) == f"{where}--set {override!r}: {problem}"


def test_a_grid_point_at_fault_is_data_not_text():
    error = _error(lambda: sweep(TINY, {"nodes.station.station.srvers": [1, 2]}))
    assert (error.path, error.problem) == ("nodes.station.station.srvers", "unknown field")
    assert error.override is None and error.grid_point == ("nodes.station.station.srvers=1",)
    assert str(error).endswith("unknown field (in vary nodes.station.station.srvers=1)")
    assert error.describe(COMMAND_LINE).endswith("unknown field (in --vary nodes.station.station.srvers=1)")


def test_a_run_over_its_time_limit_names_the_parameter_and_travels_between_processes():
    error = pickle.loads(pickle.dumps(RunTimedOut(2.0)))
    assert (str(error), error.seconds) == ("the run took longer than 2 s (run_timeout) and was stopped", 2.0)
    assert error.describe(COMMAND_LINE) == "the run took longer than 2 s (--run-timeout) and was stopped"


def test_every_flag_of_the_table_is_a_flag_of_a_command():
    """The table names real flags: each is an option of `run`, `sweep`, `compare`, `levers` or `export`."""
    import click

    from corridor_sim.cli import cli

    ctx = click.Context(cli)
    options = {opt for name in ("run", "sweep", "compare", "levers", "export")
               for param in cli.get_command(ctx, name).params
               for opt in param.opts}
    assert {flag.option for flag in FLAGS.values()} <= options


def test_the_core_names_no_flag():
    """No text of the core's modules, nor of the single run and the run directories below the
    experiments, names a command-line flag (docstrings may: they tell of the commands)."""
    root = Path(corridor_sim.__file__).parent
    core = [p for part in ("scenario", "model", "analysis", "experiment") for p in (root / part).rglob("*.py")]
    core += [root / name for name in ("records.py", "recording.py", "parameters.py", "simulate.py", "output.py",
                                      "rundir.py")]
    found = []
    for path in core:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        found += [f"{path.relative_to(root)}:{node.lineno}: {node.value!r}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings and FLAG.search(node.value)]
    assert found == []
