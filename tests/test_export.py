"""Exports a planner's tools open (issue 17 item 3): `corridor-sim export DIR --excel/--csv` writes the
tables of a run, replications or sweep, whole; a file or folder that is not corridor-sim's is never
replaced."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from corridor_sim import plots

from conftest import run_cli

MINI = Path(__file__).resolve().parent / "data" / "mini_corridor.yaml"


invoke = run_cli   # conftest: corridor-sim in this process, (exit code, output)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export") / "mini"
    assert invoke("run", MINI, "--out", out, "--quiet", "--set", "flows.wagons_west.label=Wagons west")[0] == 0
    return out


def test_the_workbook_has_a_sheet_per_table_with_the_runs_numbers(run_dir, tmp_path):
    book = tmp_path / "mini.xlsx"
    assert invoke("export", run_dir, "--excel", book)[0] == 0
    wb = openpyxl.load_workbook(book, read_only=True)
    assert {"kpis", "flows", "resources", "bottlenecks", "links", "nodes", "about"} <= set(wb.sheetnames)
    summary = json.loads((run_dir / "summary.json").read_text())
    kpis = pd.read_excel(book, sheet_name="kpis").set_index("kpi")
    assert kpis.loc["delivered_tonnes_per_year", "value"] == pytest.approx(
        summary["kpis"]["delivered_tonnes_per_year"]["mean"])
    flows = pd.read_excel(book, sheet_name="flows").set_index("flow")
    assert flows.loc["wagons_west", "label"] == "Wagons west"
    assert flows.loc["wagons_west", "transit_days_p95"] == pytest.approx(summary["kpis"]["transit_days"]["wagons_west"]["p95"])
    ranked = pd.read_excel(book, sheet_name="bottlenecks")
    assert ranked.resource.tolist() == [b["name"] for b in summary["bottlenecks"]]
    links = pd.read_excel(book, sheet_name="links").set_index("id")
    tonnes = plots.link_tonnes(plots.load_run(run_dir))
    assert links.tonnes_per_year.to_dict() == pytest.approx(tonnes)


def test_csv_files_hold_the_same_tables_and_a_manifest(run_dir, tmp_path):
    folder = tmp_path / "tables"
    assert invoke("export", run_dir, "--csv", folder)[0] == 0
    manifest = json.loads((folder / "export.json").read_text())
    assert set(manifest["files"]) == {p.name for p in folder.glob("*.csv")}
    resources = pd.read_csv(folder / "resources.csv")
    summary = json.loads((run_dir / "summary.json").read_text())
    assert len(resources) == len(summary["resources"])
    assert invoke("export", run_dir, "--csv", folder)[0] == 0       # an earlier export: replaced


def test_replications_export_their_means_and_intervals(tmp_path):
    reps = tmp_path / "reps"
    assert invoke("run", MINI, "--out", reps, "--replications", "2", "--quiet")[0] == 0
    assert invoke("export", reps, "--csv", tmp_path / "t")[0] == 0
    kpis = pd.read_csv(tmp_path / "t" / "kpis.csv").set_index("kpi")
    row = kpis.loc["delivered_tonnes_per_year"]
    assert row.ci95_low <= row.value <= row.ci95_high


def test_a_sweep_exports_its_grid_saturation_and_runs(tmp_path):
    sweep = tmp_path / "sweep"
    assert invoke("sweep", MINI, "--vary", "fleets.ferries.vessels=1,2", "--out", sweep, "--quiet")[0] == 0
    assert invoke("export", sweep, "--excel", tmp_path / "s.xlsx")[0] == 0
    assert {"grid", "saturation", "runs"} <= set(openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames)


@pytest.mark.parametrize("target, args", [("notes.xlsx", ("--excel",)), ("mine", ("--csv",))])
def test_a_file_or_folder_that_is_not_corridor_sims_is_refused_and_left_as_it_was(run_dir, tmp_path, capsys,
                                                                                  target, args):
    path = tmp_path / target
    if target == "mine":
        path.mkdir()
        (path / "kpis.csv").write_text("my own numbers\n")
        before = {"kpis.csv": "my own numbers\n"}
    else:
        path.write_bytes(b"PK not a corridor-sim workbook")
    code, output = invoke("export", run_dir, *args, path, capsys=capsys)
    assert code == 2 and len(output.strip().splitlines()) == 1 and str(path) in output
    if target == "mine":
        assert {p.name: p.read_text() for p in path.iterdir()} == before
    else:
        assert path.read_bytes() == b"PK not a corridor-sim workbook"


def test_export_needs_a_run_directory_and_a_target(run_dir, tmp_path, capsys):
    code, output = invoke("export", run_dir, capsys=capsys)
    assert code == 2 and "--excel" in output
    code, output = invoke("export", tmp_path / "nothing", "--csv", tmp_path / "t", capsys=capsys)
    assert code == 2 and "no such directory" in output and not (tmp_path / "t").exists()
    code, output = invoke("export", run_dir, "--excel", tmp_path / "book.csv", capsys=capsys)
    assert code == 2 and ".xlsx" in output


def test_a_levers_directory_exports_its_base_its_levers_ranked_and_their_gains(tmp_path):
    out = tmp_path / "levers"
    assert invoke("levers", MINI, "--out", out, "--replications", "2", "--top", "1", "--quiet")[0] == 0
    assert invoke("export", out, "--csv", tmp_path / "t")[0] == 0
    info = json.loads((out / "levers.json").read_text())
    levers = pd.read_csv(tmp_path / "t" / "levers.csv")
    assert levers.id.tolist() == [lever["id"] for lever in info["levers"]]
    assert levers.gain_tonnes_per_year.tolist() == pytest.approx(
        [lever["gain_tonnes_per_year"]["mean"] for lever in info["levers"]])
    kpis = pd.read_csv(tmp_path / "t" / "kpis.csv").set_index("kpi")
    assert kpis.loc["delivered_tonnes_per_year", "value"] == pytest.approx(info["base"]["delivered_tonnes_per_year"]["mean"])
    assert len(pd.read_csv(tmp_path / "t" / "gains.csv")) == len(pd.read_parquet(out / "gains.parquet"))


def test_replications_get_a_network_geojson_of_their_means(tmp_path):
    reps = tmp_path / "reps"
    assert invoke("run", MINI, "--out", reps, "--replications", "2", "--quiet")[0] == 0
    top = json.loads((reps / "network.geojson").read_text())
    each = [json.loads(p.read_text()) for p in sorted((reps / "replications").glob("rep-*/network.geojson"))]
    assert len(each) == 2
    summary = json.loads((reps / "summary.json").read_text())
    fleet = next(r for r in summary["resources"] if r["name"] == "fleet:ferries")
    for f in top["features"]:
        tonnes = [next(g for g in doc["features"] if g["id"] == f["id"])["properties"]["tonnes_per_year"] for doc in each]
        assert f["properties"]["tonnes_per_year"] == pytest.approx(sum(tonnes) / 2)
        if f["properties"].get("fleet") == "ferries":
            assert f["properties"]["utilization"] == pytest.approx(fleet["utilization"]["mean"])
