"""Bad input to `corridor-sim validate` and `corridor-sim run`.

The contract: on bad input the command prints ONE line to stderr,
`error: <file>: <field path>: <problem>` (no path for file-level problems),
exits with code 2, never shows a traceback, and `run` creates nothing at
`--out` (no directory, no `.DIR.tmp-*` sibling left behind).

Every file in tests/data/bad/ is one malformed scenario. Its first line,
`# expect: <fragment>`, gives a fragment the error message must contain: add a
case by adding a file. The whole corpus goes through click's CliRunner (fast,
in-process); a handful of cases go through a real `python -m corridor_sim.cli`
subprocess, which is what users run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from corridor_sim.cli import cli as corridor_cli

DATA = Path(__file__).parent / "data"
GOOD = DATA / "tiny.yaml"
BAD_FILES = sorted((DATA / "bad").glob("*.yaml"))


def expected_fragment(path: Path) -> str:
    """The `# expect: <fragment>` of a bad case (read as bytes: some cases are not UTF-8 on purpose)."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    assert first.startswith("# expect:"), f"{path.name}: the first line must be '# expect: <fragment>'"
    fragment = first.removeprefix("# expect:").strip()
    assert fragment, f"{path.name}: empty expect fragment"
    return fragment


def assert_one_line_error(stdout: str, stderr: str, exit_code: int, *, file: str | None, fragment: str) -> str:
    """The contract for one failed command; returns the message after `error: `."""
    assert "Traceback" not in stdout + stderr
    assert exit_code == 2, f"exit code {exit_code}; stderr:\n{stderr}"
    assert stdout == ""
    lines = stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{stderr}"
    line = lines[0]
    assert line.startswith("error: "), line
    if file is not None:
        assert line.startswith(f"error: {file}: "), line
    assert fragment in line, f"{fragment!r} not in {line!r}"
    return line.removeprefix("error: ")


def assert_nothing_written(parent: Path, before: set[str] = frozenset()) -> None:
    """`run` left nothing in the directory that would have held --out (no run dir, no temporary sibling)."""
    assert {p.name for p in parent.iterdir()} == set(before)


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corridor_sim.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_the_corpus_is_there():
    assert len(BAD_FILES) >= 30
    for path in BAD_FILES:
        expected_fragment(path)


# --------------------------------------------------------------------------
# The whole corpus, in process
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_validate_rejects(runner, path):
    result = runner.invoke(corridor_cli, ["validate", str(path)])
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    assert_one_line_error(result.stdout, result.stderr, result.exit_code, file=str(path),
                          fragment=expected_fragment(path))


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.stem)
def test_run_rejects_and_writes_nothing(runner, path, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(corridor_cli, ["run", str(path), "--out", str(out), "--quiet"])
    assert isinstance(result.exception, SystemExit), result.exception
    assert_one_line_error(result.stdout, result.stderr, result.exit_code, file=str(path),
                          fragment=expected_fragment(path))
    assert not out.exists()
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize("name", [
    "bad_distribution.yaml", "distribution_missing_mean.yaml", "distribution_negative_mean.yaml",
    "distribution_infinite_mean.yaml", "uniform_reversed.yaml", "unknown_key_in_distribution.yaml",
])
def test_a_bad_distribution_is_not_reported_as_a_bad_number(runner, name):
    """A duration is a number or a distribution: a mistake inside a distribution mapping is reported
    as that mistake, not as 'Input should be a valid number' from the bare-number alternative."""
    path = DATA / "bad" / name
    result = runner.invoke(corridor_cli, ["validate", str(path)])
    message = assert_one_line_error(result.stdout, result.stderr, result.exit_code, file=str(path),
                                    fragment=expected_fragment(path))
    assert "valid number" not in message
    assert "more problem" not in message


def test_run_with_bad_input_leaves_a_previous_run_directory_alone(runner, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.json").write_text("{}\n")
    result = runner.invoke(corridor_cli, ["run", str(DATA / "bad" / "no_path.yaml"), "--out", str(out)])
    assert result.exit_code == 2
    assert [p.name for p in out.iterdir()] == ["summary.json"]
    assert (out / "summary.json").read_text() == "{}\n"
    assert_nothing_written(tmp_path, {"out"})


@pytest.mark.parametrize("name", ["cycle_a.yaml", "cycle_b.yaml"])
def test_extends_cycle(runner, name):
    """Two files extending each other: found, named, and not a RecursionError."""
    path = DATA / "bad_extends" / name
    result = runner.invoke(corridor_cli, ["validate", str(path)])
    message = assert_one_line_error(result.stdout, result.stderr, result.exit_code, file=None,
                                    fragment=expected_fragment(path))
    assert ": extends: cycle of extends: " in message
    assert "cycle_a.yaml" in message and "cycle_b.yaml" in message


# --------------------------------------------------------------------------
# Real subprocesses: one per contract item, and the command-line mistakes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["yaml_syntax_error.yaml", "unknown_key_in_station.yaml", "no_path.yaml"])
def test_subprocess_run_contract(tmp_path, name):
    """Exit code 2, one line on stderr, no traceback, nothing at --out: as users see it."""
    path = DATA / "bad" / name
    proc = cli("run", str(path), "--out", "out", cwd=tmp_path)
    assert_one_line_error(proc.stdout, proc.stderr, proc.returncode, file=str(path),
                          fragment=expected_fragment(path))
    assert not (tmp_path / "out").exists()
    assert_nothing_written(tmp_path)


def test_subprocess_validate_contract(tmp_path):
    path = DATA / "bad" / "negative_servers.yaml"
    proc = cli("validate", str(path), cwd=tmp_path)
    message = assert_one_line_error(proc.stdout, proc.stderr, proc.returncode, file=str(path),
                                    fragment="nodes.station.station.servers")
    assert message == f"{path}: nodes.station.station.servers: Input should be greater than 0"


@pytest.mark.parametrize("command", ["validate", "run"])
def test_missing_file(tmp_path, command):
    args = [command, "no_such_scenario.yaml"] + (["--out", "out"] if command == "run" else [])
    proc = cli(*args, cwd=tmp_path)
    message = assert_one_line_error(proc.stdout, proc.stderr, proc.returncode, file="no_such_scenario.yaml",
                                    fragment="file not found")
    assert message == "no_such_scenario.yaml: file not found"  # a file-level problem has no field path
    assert_nothing_written(tmp_path)


def test_directory_as_scenario(tmp_path):
    (tmp_path / "scenarios").mkdir()
    proc = cli("run", "scenarios", "--out", "out", cwd=tmp_path)
    assert_one_line_error(proc.stdout, proc.stderr, proc.returncode, file="scenarios",
                          fragment="is a directory")
    assert_nothing_written(tmp_path, {"scenarios"})


def test_directory_as_scenario_validate(runner, tmp_path):
    result = runner.invoke(corridor_cli, ["validate", str(tmp_path)])
    assert_one_line_error(result.stdout, result.stderr, result.exit_code, file=str(tmp_path),
                          fragment="is a directory")


def test_set_path_that_does_not_exist(tmp_path):
    proc = cli("run", str(GOOD), "--out", "out", "--set", "nodes.nowhere.station.servers=4", cwd=tmp_path)
    message = assert_one_line_error(proc.stdout, proc.stderr, proc.returncode, file=str(GOOD),
                                    fragment="no node 'nowhere'")
    assert ": nodes.nowhere: " in message  # the path as far as it exists, plus the missing part
    assert_nothing_written(tmp_path)


def test_set_new_leaf_is_an_unknown_field(runner):
    """--set may add a leaf to an existing mapping; the schema then rejects it like a typo in the file."""
    result = runner.invoke(corridor_cli, ["validate", str(GOOD), "--set", "nodes.station.station.server=4"])
    assert_one_line_error(result.stdout, result.stderr, result.exit_code, file=str(GOOD),
                          fragment="nodes.station.station.server: unknown field")


@pytest.mark.parametrize("text", ["nodes.station.station.servers", "=4", "nodes..servers=4"])
def test_set_without_a_proper_path_or_value(runner, text):
    result = runner.invoke(corridor_cli, ["validate", str(GOOD), "--set", text])
    assert_one_line_error(result.stdout, result.stderr, result.exit_code, file=str(GOOD), fragment=repr(text))


def test_set_without_equals_sign_subprocess(tmp_path):
    proc = cli("run", str(GOOD), "--out", "out", "--set", "horizon_days", cwd=tmp_path)
    assert_one_line_error(proc.stdout, proc.stderr, proc.returncode, file=str(GOOD),
                          fragment="is not path.to.field=value")
    assert_nothing_written(tmp_path)


def test_set_negative_value(tmp_path):
    proc = cli("run", str(GOOD), "--out", "out", "--set", "horizon_days=-5", cwd=tmp_path)
    assert_one_line_error(proc.stdout, proc.stderr, proc.returncode, file=str(GOOD),
                          fragment="horizon_days: Input should be greater than 0")
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize("text, fragment", [
    ("nodes.station.station.servers=-1", "nodes.station.station.servers: Input should be greater than 0"),
    ("nodes.station.station.servers=many", "nodes.station.station.servers: Input should be a valid integer"),
    ("horizon_days=.inf", "horizon_days: Input should be a finite number"),
    ("start_date=2024-02-30", "start_date: Input should be a valid date"),
    ("flows=null", "flows: required field is missing"),
    ("nodes.station.station.servers.max=3", "nodes.station.station.servers: --set"),
])
def test_set_bad_values(runner, tmp_path, text, fragment):
    out = tmp_path / "out"
    result = runner.invoke(corridor_cli, ["run", str(GOOD), "--out", str(out), "--quiet", "--set", text])
    assert isinstance(result.exception, SystemExit), result.exception
    assert_one_line_error(result.stdout, result.stderr, result.exit_code, file=str(GOOD), fragment=fragment)
    assert_nothing_written(tmp_path)


def test_out_is_an_existing_regular_file(tmp_path):
    (tmp_path / "out").write_text("precious\n")
    proc = cli("run", str(GOOD), "--out", "out", cwd=tmp_path)
    assert_one_line_error(proc.stdout, proc.stderr, proc.returncode, file=None,
                          fragment="--out out: exists and is not a directory")
    assert (tmp_path / "out").read_text() == "precious\n"
    assert_nothing_written(tmp_path, {"out"})


def test_out_below_a_regular_file(runner, tmp_path):
    (tmp_path / "results").write_text("precious\n")
    out = tmp_path / "results" / "run1"
    result = runner.invoke(corridor_cli, ["run", str(GOOD), "--out", str(out), "--quiet"])
    assert isinstance(result.exception, SystemExit), result.exception
    assert_one_line_error(result.stdout, result.stderr, result.exit_code, file=None,
                          fragment="is not a directory")
    assert (tmp_path / "results").read_text() == "precious\n"
    assert_nothing_written(tmp_path, {"results"})


@pytest.mark.parametrize("args, fragment", [
    (["run", "--seed", "-1", "x.yaml", "--out", "o"], "--seed"),
    (["run", "x.yaml"], "--out"),
    (["run"], "SCENARIO"),
    (["frobnicate"], "No such command"),
    (["run", "x.yaml", "--out", "o", "--sed", "3"], "--sed"),
])
def test_wrong_options_get_one_line_too(args, fragment, tmp_path):
    proc = cli(*args, cwd=tmp_path)
    assert_one_line_error(proc.stdout, proc.stderr, proc.returncode, file=None, fragment=fragment)
    assert not (tmp_path / "o").exists()
