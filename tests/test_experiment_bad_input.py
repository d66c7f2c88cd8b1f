"""Bad input to the experiment options: one line on stderr, exit code 2, nothing written.

The same contract as for scenarios (tests/test_bad_input.py): `error: <problem>`,
no traceback, and no --out directory nor temporary sibling left behind, checked
before a single run starts. The commands go through `corridor_sim.cli.main`, the
entry point of the `corridor-sim` script, which also turns click's usage errors
into one line.
"""

from types import SimpleNamespace

import pytest

from corridor_sim.cli import main

from conftest import DATA

TINY = DATA / "tiny.yaml"  # one station, `station`, with `servers: 3`
SERVERS = "nodes.station.station.servers"

CASES = [
    # (arguments after the scenario, a fragment of the one-line message)
    (["sweep", "--vary", SERVERS], f"--vary '{SERVERS}': expected path.to.field=v1,v2,..."),
    (["sweep", "--vary", f"{SERVERS}="], "no values after '='"),
    (["sweep", "--vary", f"{SERVERS}=1,,2"], "the values must be a comma-separated list"),
    (["sweep", "--vary", f"{SERVERS}=2,2"], "the value 2 is given twice"),
    (["sweep", "--vary", "=1,2"], "the field path must be like"),
    (["sweep", "--vary", f"{SERVERS}=2", "--vary", f"{SERVERS}=3"], "the same path is varied twice"),
    (["sweep", "--vary", "nodes.station.station.srvers=1,2"],
     "nodes.station.station.srvers: unknown field (in --vary nodes.station.station.srvers=1)"),
    (["sweep", "--vary", "nodes.nowhere.station.servers=1,2"], "nodes.nowhere: no node 'nowhere' in the scenario"),
    (["sweep", "--vary", f"{SERVERS}=2,0"], f"{SERVERS}: "),   # 0 servers: the grid point is checked too
    (["sweep", "--vary", f"{SERVERS}=2,3", "--replications", "0"], "--replications"),
    (["sweep", "--vary", f"{SERVERS}=2,3", "--min-gain", "-1"], "--min-gain"),
    (["sweep", "--vary", f"{SERVERS}=2,3", "--kpi", "utilization"], "--kpi 'utilization': not a KPI an experiment"),
    (["sweep", "--vary", f"{SERVERS}=2,3", "--kpi", "transit_days.dmand.p95"],
     "--kpi 'transit_days.dmand.p95': no flow 'dmand' in the scenario"),
    (["sweep", "--vary", f"{SERVERS}=2,3", "--kpi", "resources.station:nowhere.mean_wait_hours"],
     "no resource 'station:nowhere' in the scenario (e.g. station:station)"),
    (["sweep", "--vary", f"{SERVERS}=2,3", "--kpi", "delivered_tonnes_per_year", "--kpi", "delivered_tonnes_per_year"],
     "given twice"),
    (["levers", "--lever", "nodes.station.station.srvers=4"],
     "tests/data/tiny.yaml: nodes.station.station.srvers: unknown field"),   # after --lever '...': and the file
    (["levers", "--lever", "nodes.station.station.servers=3"],
     "--lever 'nodes.station.station.servers=3': the scenario already has nodes.station.station.servers = 3"),
    (["levers", "--lever", "nodes.station"], "--lever 'nodes.station': it is not path.to.field=value"),
    (["levers", "--lever", "nodes.station.station.servers=4", "--lever", "nodes.station.station.servers=5"],
     "nodes.station.station.servers is given twice"),
    (["levers", "--top", "0"], "--top 0: tries no element, and no lever is given: nothing to try"),
    (["levers", "--top", "-1"], "Invalid value for '--top'"),
    (["levers", "--replications", "0"], "Invalid value for '--replications'"),
    (["run", "--replications", "0"], "Invalid value for '--replications': 0 is not in the range x>=1"),
    (["run", "--replications", "two"], "Invalid value for '--replications'"),
    (["run", "--replications", "2", "--workers", "0"], "Invalid value for '--workers'"),
    (["run", "--replications", "2", "--executor", "spark"], "Invalid value for '--executor'"),
    (["run", "--replications", "2", "--scheduler", "localhost:8786"],
     "--scheduler 'localhost:8786': expected an address like tcp://HOST:PORT"),
    (["run", "--replications", "2", "--run-timeout", "0"], "--run-timeout 0.0: must be a number of seconds > 0"),
    (["run", "--run-timeout", "-5"], "--run-timeout -5.0: must be a number of seconds > 0"),
    (["sweep", "--vary", f"{SERVERS}=2,3", "--run-timeout", "nan"], "--run-timeout nan: must be a number of seconds"),
    (["run", "--replications", "2", "--run-timeout", "ten"], "Invalid value for '--run-timeout'"),
    (["run", "--replications", "2", "--executor", "dask", "--run-timeout", "60"],
     "--run-timeout works in process and with the local process pool, not with Dask"),
]


@pytest.mark.parametrize("args, fragment", CASES, ids=[" ".join(c[0])[:60] for c in CASES])
def test_bad_experiment_options(args, fragment, tmp_path, capsys):
    out = tmp_path / "out"
    command, rest = args[0], args[1:]
    result = invoke(capsys, [command, str(TINY), "--out", str(out), "--quiet", *rest])
    assert_one_line_error(result, fragment)
    assert list(tmp_path.iterdir()) == [], "nothing may be written"


def test_resume_refuses_a_directory_of_another_kind(tmp_path, capsys):
    sweep_dir = tmp_path / "sweep"
    (sweep_dir / "runs").mkdir(parents=True)
    result = invoke(capsys, ["run", str(TINY), "--out", str(sweep_dir), "--replications", "2", "--resume"])
    assert_one_line_error(result, f"--resume: {sweep_dir} holds a sweep, not replications")
    assert [p.name for p in sweep_dir.iterdir()] == ["runs"]


def test_out_that_is_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    result = invoke(capsys, ["sweep", str(TINY), "--vary", f"{SERVERS}=3,4", "--out",
                                      str(tmp_path / "file")])
    assert_one_line_error(result, "exists and is not a directory")


def test_compare_needs_two_finished_run_directories(tmp_path, capsys):
    unfinished = tmp_path / "unfinished"
    (unfinished / "replications").mkdir(parents=True)
    for args, fragment in (
        ([str(tmp_path / "nowhere"), str(tmp_path)], "no such directory"),
        ([str(unfinished), str(unfinished)], "no summary.json: not a corridor-sim run directory (an unfinished "
                                              "experiment: finish it with --resume)"),
    ):
        assert_one_line_error(invoke(capsys, ["compare", *args]), fragment)


def invoke(capsys, argv: list[str]) -> SimpleNamespace:
    capsys.readouterr()
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    captured = capsys.readouterr()
    return SimpleNamespace(exit_code=stopped.value.code, stdout=captured.out, stderr=captured.err,
                           output=captured.out + captured.err)


def assert_one_line_error(result, fragment: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    assert "Traceback" not in result.stderr
