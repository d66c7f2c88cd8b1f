"""A damaged or foreign run directory is refused by every reader, in one line; `--resume` runs it again.

`corridor_sim/rundir.py` decides once what a complete run directory is: a summary.json that parses,
names a format this version reads and has the fields readers rely on; the resolved scenario; every
record table a Parquet file that opens, with its columns; for replications, every replication's
directory complete too. `report`, `compare`, the figures and `--resume` all read through it: a
damaged directory is one line naming the directory (or file) and the problem, exit code 2 — no
traceback, and no silent exit 0 on half a directory.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from corridor_sim.cli import main

from conftest import DATA, invoke

MINI = DATA / "mini_corridor.yaml"
SHORT = ["--set", "horizon_days=5", "--quiet"]


def one_line_refusal(result, *fragments: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A finished single run and a finished set of 3 replications, copied by each test before it damages them."""
    where = tmp_path_factory.mktemp("made")
    for argv in (["run", MINI, *SHORT, "--out", where / "run"],
                 ["run", MINI, *SHORT, "--replications", "3", "--out", where / "reps"]):
        try:
            main([str(a) for a in argv])
        except SystemExit as exc:
            assert not exc.code
    return where


@pytest.fixture
def runs(made, tmp_path):
    import shutil

    shutil.copytree(made / "run", tmp_path / "run")
    shutil.copytree(made / "reps", tmp_path / "reps")
    shutil.copytree(made / "run", tmp_path / "good")
    return tmp_path


def truncate(file, keep: int = 300) -> None:
    file.write_bytes(file.read_bytes()[:keep])


def test_a_truncated_record_table_is_refused_by_report_and_compare(runs, capsys):
    """Reproducer: `report` on a run whose visits.parquet is truncated died with an ArrowInvalid traceback."""
    truncate(runs / "run" / "visits.parquet")
    for argv in (["report", runs / "run"], ["compare", runs / "good", runs / "run", "--quiet"]):
        one_line_refusal(invoke(capsys, argv), f"{runs / 'run' / 'visits.parquet'}: cannot be read")
    assert not (runs / "run" / "report.html").exists()


def test_a_missing_record_table_is_refused_by_compare(runs, capsys):
    """Reproducer: `compare` exited 0 on a run whose visits.parquet was deleted."""
    (runs / "run" / "visits.parquet").unlink()
    one_line_refusal(invoke(capsys, ["compare", runs / "good", runs / "run", "--quiet"]),
                     f"{runs / 'run'}: no visits.parquet: not a complete run directory")


def test_a_summary_of_another_format_or_without_the_fields_readers_need_is_refused(runs, capsys):
    """Reproducer: `compare` exited 0 on a summary with another version and no mass_balance."""
    summary_file = runs / "run" / "summary.json"
    summary = json.loads(summary_file.read_text())
    summary["version"] = "9.9"
    del summary["mass_balance"]
    summary_file.write_text(json.dumps(summary))
    one_line_refusal(invoke(capsys, ["compare", runs / "good", runs / "run", "--quiet"]),
                     f"{summary_file}: no mass_balance: a damaged or foreign summary")
    summary["format"] = "corridor-sim/2"
    summary_file.write_text(json.dumps(summary))
    for argv in (["compare", runs / "good", runs / "run", "--quiet"], ["report", runs / "run"]):
        one_line_refusal(invoke(capsys, argv), f'{summary_file}: format "corridor-sim/2" is not one this '
                                               "corridor-sim reads (corridor-sim/1)")


def test_a_directory_written_before_the_format_was_named_is_refused_with_what_to_do(runs, capsys):
    summary_file = runs / "run" / "summary.json"
    summary = json.loads(summary_file.read_text())
    del summary["format"]
    summary_file.write_text(json.dumps(summary))
    one_line_refusal(invoke(capsys, ["report", runs / "run"]), f"{summary_file}: no format: written by an older "
                                                                "corridor-sim", "run it again")


def test_a_foreign_parquet_file_under_a_record_tables_name_is_refused(runs, capsys):
    pd.DataFrame({"x": [1, 2]}).to_parquet(runs / "run" / "deliveries.parquet")
    one_line_refusal(invoke(capsys, ["report", runs / "run"]),
                     f"{runs / 'run' / 'deliveries.parquet'}: no column 'consignment': not a corridor-sim "
                     "deliveries table")


def test_a_replications_directory_with_a_damaged_replication_is_refused_by_every_reader(runs, capsys):
    """Reproducer: `report` exited 0 on a replications directory whose rep-0000/summary.json is truncated,
    while `compare` refused it."""
    damaged = runs / "reps" / "replications" / "rep-0000" / "summary.json"
    truncate(damaged, 50)
    for argv in (["report", runs / "reps"], ["compare", runs / "reps", runs / "reps", "--quiet"]):
        one_line_refusal(invoke(capsys, argv), f"{damaged}: cannot be read")
    truncate(runs / "reps" / "replications" / "rep-0002" / "samples.parquet")
    (runs / "reps" / "replications" / "rep-0000" / "summary.json").write_text(
        (runs / "reps" / "replications" / "rep-0001" / "summary.json").read_text())
    one_line_refusal(invoke(capsys, ["report", runs / "reps"]),
                     f"{runs / 'reps' / 'replications' / 'rep-0002' / 'samples.parquet'}: cannot be read")


def test_a_missing_replication_is_refused(runs, capsys):
    import shutil

    shutil.rmtree(runs / "reps" / "replications" / "rep-0001")
    one_line_refusal(invoke(capsys, ["compare", runs / "reps", runs / "reps", "--quiet"]),
                     f"{runs / 'reps' / 'replications' / 'rep-0001'}: no such directory")


@pytest.mark.parametrize("damage", ["truncated visits.parquet", "truncated summary.json", "no samples.parquet",
                                    "summary without kpis"])
def test_resume_runs_a_damaged_replication_again_and_ends_as_an_uninterrupted_experiment(runs, capsys, damage):
    rep = runs / "reps" / "replications" / "rep-0001"
    untouched = json.loads((rep / "summary.json").read_text())
    if damage == "truncated visits.parquet":
        truncate(rep / "visits.parquet")
    elif damage == "truncated summary.json":
        truncate(rep / "summary.json", 80)
    elif damage == "no samples.parquet":
        (rep / "samples.parquet").unlink()
    else:
        summary = json.loads((rep / "summary.json").read_text())
        del summary["kpis"]
        (rep / "summary.json").write_text(json.dumps(summary))
    (runs / "reps" / "summary.json").unlink()        # unfinished, as a stop would leave it
    result = invoke(capsys, ["run", MINI, *SHORT, "--replications", "3", "--resume", "--out", runs / "reps"])
    assert result.exit_code == 0, result.stderr
    again = json.loads((rep / "summary.json").read_text())
    for table in ("visits", "deliveries", "trains", "voyages", "samples"):   # the run was made again, whole
        assert len(pd.read_parquet(rep / f"{table}.parquet").columns) > 1
    assert {k: v for k, v in again.items() if k != "runtime_seconds"} == \
        {k: v for k, v in untouched.items() if k != "runtime_seconds"}
    assert invoke(capsys, ["compare", runs / "reps", runs / "reps", "--quiet"]).exit_code == 0
    assert invoke(capsys, ["report", runs / "reps"]).exit_code == 0


def test_a_damaged_sweep_is_refused_by_report_and_its_damaged_run_is_redone_by_resume(tmp_path, capsys):
    out = tmp_path / "sweep"
    argv = ["sweep", MINI, "--vary", "fleets.ferries.vessels=1,2", *SHORT, "--out", out]
    assert invoke(capsys, argv).exit_code == 0
    truncate(out / "saturation.parquet")
    one_line_refusal(invoke(capsys, ["report", out]), f"{out / 'saturation.parquet'}: cannot be read")
    truncate(out / "runs" / "g001-r0000" / "trains.parquet")
    (out / "sweep.json").unlink()
    assert invoke(capsys, [*argv, "--resume"]).exit_code == 0
    assert invoke(capsys, ["report", out]).exit_code == 0
    assert invoke(capsys, ["compare", out / "runs" / "g000-r0000", out / "runs" / "g001-r0000", "--quiet"]) \
        .exit_code == 0
