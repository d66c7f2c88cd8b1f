"""The Findings table is produced by running the scenarios, not typed in."""

import json
import shutil

from corridor_sim.findings import findings, shipped_scenarios, to_markdown, write_findings

from conftest import DATA


def test_findings_run_every_scenario_and_report_groups(tmp_path):
    scen = tmp_path / "scenarios"
    scen.mkdir()
    shutil.copy(DATA / "two_way.yaml", scen / "baseline_2024.yaml")
    shutil.copy(DATA / "mini_corridor.yaml", scen / "study_mini.yaml")
    (scen / "validation").mkdir()  # sub-folders (the M/M/c check) are not findings
    shutil.copy(DATA / "tiny.yaml", scen / "validation" / "mmc.yaml")
    assert [p.name for p in shipped_scenarios(scen)] == ["baseline_2024.yaml", "study_mini.yaml"]

    rows = findings(scen)
    assert [r["scenario"] for r in rows] == ["two_way", "mini_corridor"]
    two_way = rows[0]
    assert two_way["delivered_mt"] > 0.5 and two_way["top_bottleneck"]
    assert two_way["china_baku_mean_days"] is None          # no such group in this corridor
    md = to_markdown(rows)
    table, published = md.split("\n\n", 1)
    assert table.count("\n") == 3 and "two_way" in table     # head, rule, a row per scenario
    assert published.startswith("Competing routes China → Europe, published, not simulated")
    assert "Sea via Suez" in published and "(T1, 2024)" in published   # each figure with its source row

    write_findings(rows, tmp_path / "out")
    assert json.loads((tmp_path / "out" / "findings.json").read_text())[1]["scenario"] == "mini_corridor"
    assert (tmp_path / "out" / "findings.md").read_text() == md


def test_a_market_study_is_not_a_findings_row(tmp_path):
    """Run alone, a market study is its parent with the flows as written: its row would repeat the parent's
    (`corridor-sim market` is what it is for)."""
    scen = tmp_path / "scenarios"
    scen.mkdir()
    shutil.copy(DATA / "priced_corridor.yaml", scen / "baseline_2024.yaml")
    (scen / "market_study.yaml").write_text((DATA / "market_corridor.yaml").read_text().replace(
        "extends: priced_corridor.yaml", "extends: baseline_2024.yaml"))
    assert [p.name for p in shipped_scenarios(scen)] == ["baseline_2024.yaml"]
