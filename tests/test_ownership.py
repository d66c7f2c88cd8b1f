"""Nothing of the user's is ever deleted: `--out` replaces only corridor-sim's own outputs.

A command that writes a directory (`run`, `run --replications`, `sweep`) replaces `--out` whole
(that is how a rerun leaves no file of the previous one behind). It does so only when what is there
is corridor-sim's: every entry bears a name corridor-sim writes there, and a summary.json or
sweep.json says corridor-sim wrote it. Anything else is refused before anything runs, with one
line naming what is there, exit 2; so is an `--out` that is the current directory, a folder that
holds it, the home or root directory, or the scenario's own folder. The check is made again at the
moment of replacement. Files written beside others (a report, a figure, the findings table)
replace only a file of their own kind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corridor_sim.api import run

from conftest import DATA, ROOT, invoke

MINI = DATA / "mini_corridor.yaml"
SHORT = ["--set", "horizon_days=5", "--quiet"]
COMMANDS = {
    "run": ["run", str(MINI), *SHORT],
    "replications": ["run", str(MINI), "--replications", "2", *SHORT],
    "sweep": ["sweep", str(MINI), "--vary", "fleets.ferries.vessels=1,2", *SHORT],
}


def users_folder(path: Path) -> dict:
    """A folder of the user's: a file, a sub-folder with a file in it. Returns its contents."""
    (path / "sub").mkdir(parents=True)
    (path / "notes.txt").write_text("precious\n")
    (path / "sub" / "data.csv").write_text("1,2\n")
    return contents(path)


def contents(path: Path) -> dict:
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else None) for p in sorted(path.rglob("*"))}


def refused(result, line: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert result.stderr == f"error: {line}\n" and result.stdout == ""


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_folder_of_the_users_is_refused_before_anything_runs_and_left_whole(tmp_path, capsys, command):
    out = tmp_path / "mydata"
    before = users_folder(out)
    result = invoke(capsys, [*COMMANDS[command], "--out", out])
    refused(result, f"--out {out}: exists and is not a corridor-sim output (it holds notes.txt, sub/); "
                    "choose another directory")
    assert contents(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mydata"]     # no temporary sibling either


def test_the_reproducer_of_the_issue_keeps_the_users_notes(tmp_path):
    """`mkdir -p mydata/sub && echo precious > mydata/notes.txt && corridor-sim run … --out mydata`
    used to exit 0 with mydata/notes.txt and mydata/sub/ gone."""
    out = tmp_path / "mydata"
    before = users_folder(out)
    proc = subprocess.run([sys.executable, "-m", "corridor_sim.cli", "run", str(ROOT / "scenarios/baseline_2024.yaml"),
                           "--out", "mydata", "--set", "horizon_days=10"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == ("error: --out mydata: exists and is not a corridor-sim output (it holds notes.txt, sub/); "
                           "choose another directory\n")
    assert contents(out) == before


@pytest.mark.parametrize("where, problem", [
    (".", "is the current directory"),
    ("..", "holds the current directory"),
    ("/", "is the root directory"),
    ("~", "is the home directory"),
    ("~/..", "holds the home directory"),
    ("scenario", "holds the scenario file"),
])
def test_an_out_that_is_or_holds_the_working_directory_the_home_the_root_or_the_scenario_is_refused(
        tmp_path, capsys, monkeypatch, where, problem):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    home = tmp_path / "users" / "me"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    scenario = tmp_path / "study" / "mini.yaml"
    scenario.parent.mkdir()
    shutil.copy(MINI, scenario)
    out = {"~": str(home), "~/..": str(home.parent), "scenario": str(scenario.parent)}.get(where, where)
    result = invoke(capsys, ["run", scenario, "--set", "horizon_days=5", "--quiet", "--out", out])
    assert result.exit_code == 2 and result.stdout == "", result.stderr
    assert result.stderr.startswith(f"error: --out {out}: {problem}") and result.stderr.count("\n") == 1
    assert "replaces its output directory whole: give it one of its own" in result.stderr
    assert list(work.iterdir()) == [] and [p.name for p in scenario.parent.iterdir()] == ["mini.yaml"]


def test_an_empty_folder_is_used(tmp_path, capsys):
    out = tmp_path / "empty"
    out.mkdir()
    assert invoke(capsys, [*COMMANDS["run"], "--out", out]).exit_code == 0
    assert (out / "summary.json").is_file()


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_rerun_replaces_corridor_sims_own_output_whole(tmp_path, capsys, command):
    out = tmp_path / "out"
    assert invoke(capsys, [*COMMANDS[command], "--out", out]).exit_code == 0
    (out / "report.html").write_text('<!DOCTYPE html>\n<html><head><meta name="generator" content="corridor-sim 0">')
    assert invoke(capsys, [*COMMANDS[command], "--out", out]).exit_code == 0
    assert not (out / "report.html").exists(), "the previous output was replaced whole"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_interrupted_experiment_and_an_output_of_an_older_version_are_replaced(tmp_path, capsys):
    out = tmp_path / "out"
    assert invoke(capsys, [*COMMANDS["replications"], "--out", out]).exit_code == 0
    (out / "summary.json").unlink()                    # as Ctrl-C leaves it: the runs, no summary
    for summary in out.rglob("summary.json"):          # and as a version before `format` wrote them
        data = json.loads(summary.read_text())
        del data["format"]
        summary.write_text(json.dumps(data))
    assert invoke(capsys, [*COMMANDS["run"], "--out", out]).exit_code == 0
    assert json.loads((out / "summary.json").read_text())["format"] == "corridor-sim/1"
    assert not (out / "replications").exists()


def test_corridor_sims_file_names_without_its_summary_are_not_enough(tmp_path, capsys):
    """A folder that happens to hold a results.parquet and a summary.json of the user's."""
    out = tmp_path / "analysis"
    out.mkdir()
    (out / "results.parquet").write_bytes(b"PAR1 mine PAR1")
    (out / "summary.json").write_text('{"mean": 3}')
    before = contents(out)
    refused(invoke(capsys, [*COMMANDS["run"], "--out", out]),
            f"--out {out}: exists and is not a corridor-sim output (it has no corridor-sim summary.json or "
            "sweep.json); choose another directory")
    assert contents(out) == before


def test_a_file_of_the_users_anywhere_in_an_experiment_makes_it_theirs(tmp_path, capsys):
    out = tmp_path / "out"
    assert invoke(capsys, [*COMMANDS["replications"], "--out", out]).exit_code == 0
    (out / "replications" / "rep-0001" / "my_analysis.ipynb").write_text("{}")
    refused(invoke(capsys, [*COMMANDS["replications"], "--out", out]),
            f"--out {out}: exists and is not a corridor-sim output (it holds "
            "replications/rep-0001/my_analysis.ipynb); choose another directory")
    assert (out / "replications" / "rep-0001" / "my_analysis.ipynb").exists()


def test_what_is_added_while_the_run_goes_is_kept_and_nothing_is_replaced(tmp_path):
    """The check is made again at the moment of replacement, on the old directory renamed aside."""
    from corridor_sim.ownership import OutputRefused

    out = tmp_path / "out"
    run(MINI, out=out, overrides=["horizon_days=5"])
    before = contents(out)

    def meanwhile(result, directory):       # while the new run directory is written, someone adds a file
        (out / "notes.txt").write_text("added meanwhile\n")

    with pytest.raises(OutputRefused, match="now holds notes.txt, which corridor-sim did not write: left as it "
                                            "was, nothing replaced"):
        run(MINI, out=out, overrides=["horizon_days=6"], extra_files=meanwhile)
    assert contents(out) == {**before, "notes.txt": b"added meanwhile\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_symbolic_link_is_refused(tmp_path, capsys):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    result = invoke(capsys, [*COMMANDS["run"], "--out", tmp_path / "link"])
    assert result.exit_code == 2 and "is a symbolic link" in result.stderr
    assert (tmp_path / "link").is_symlink() and list(target.iterdir()) == []


def test_report_and_compare_replace_only_a_report_or_a_figure_of_their_own(tmp_path, capsys):
    out = tmp_path / "run"
    assert invoke(capsys, [*COMMANDS["run"], "--out", out]).exit_code == 0
    mine = tmp_path / "mine.html"
    mine.write_text("<html>my page</html>")
    refused(invoke(capsys, ["report", out, "--out", mine]),
            f"--out {mine}: exists and is not a report written by corridor-sim; choose another file")
    assert mine.read_text() == "<html>my page</html>"
    ours = tmp_path / "ours.html"
    for _ in range(2):      # the second time, its own report is replaced
        assert invoke(capsys, ["report", out, "--out", ours]).exit_code == 0

    picture = tmp_path / "holiday.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\nmy holiday")
    refused(invoke(capsys, ["compare", out, out, "--quiet", "--plot", picture]),
            f"--plot {picture}: exists and is not a figure written by corridor-sim; choose another file")
    assert picture.read_bytes() == b"\x89PNG\r\n\x1a\nmy holiday"
    diff = tmp_path / "diff.png"
    for _ in range(2):
        assert invoke(capsys, ["compare", out, out, "--quiet", "--plot", diff]).exit_code == 0


def test_findings_write_beside_other_files_and_replace_only_their_own(tmp_path, capsys):
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "baseline_2024.yaml").write_text(MINI.read_text().replace("horizon_days: 120", "horizon_days: 5"))
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    (out / "findings.md").write_text("# my own findings\n")
    refused(invoke(capsys, ["findings", "--scenarios", scenarios, "--out", out]),
            f"--out {out}: its findings.md exists and is not a findings table written by corridor-sim; "
            "choose another directory")
    (out / "findings.md").unlink()
    for _ in range(2):      # the second time, its own files are replaced
        result = invoke(capsys, ["findings", "--scenarios", scenarios, "--out", out])
        assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["findings.json", "findings.md", "notes.txt"]
    assert (out / "notes.txt").read_text() == "mine\n"


def test_the_api_refuses_too(tmp_path):
    from corridor_sim.ownership import OutputRefused

    out = tmp_path / "mydata"
    users_folder(out)
    with pytest.raises(OutputRefused) as refusal:
        run(MINI, out=out)
    assert str(refusal.value) == (f"out={os.fspath(out)!r}: exists and is not a corridor-sim output (it holds "
                                  "notes.txt, sub/); choose another directory")
