"""`corridor-sim market`: market.json beside the final corridor replications; bad input is one line, exit 2,
nothing written."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
MARKET = DATA / "market_corridor.yaml"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corridor_sim.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def one_line_error(p: subprocess.CompletedProcess, fragment: str) -> None:
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr and p.stdout == ""
    assert len(p.stderr.splitlines()) == 1 and fragment in p.stderr, p.stderr


@pytest.fixture(scope="module")
def market_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("m") / "market"
    p = cli("market", str(MARKET), "--out", str(out), "--replications", "2", "--workers", "2", "--plots",
            "--quiet", cwd=out.parent)
    assert p.returncode == 0, p.stderr
    return out


def test_market_json_has_shares_tonnes_and_iterations(market_dir):
    report = json.loads((market_dir / "market.json").read_text())
    assert report["format"] == "corridor-sim/1" and report["replications"] == 2
    m = report["markets"]["east_west"]
    assert set(m["routes"]) == {"corridor", "sea", "other_rail"}
    for r in m["routes"].values():
        assert {"teu_per_year", "tonnes_per_year", "share", "generalised_cost_usd_per_teu", "simulated"} <= set(r)
        assert math.isclose(r["tonnes_per_year"], r["teu_per_year"] * m["tonnes_per_teu"], rel_tol=1e-9)
    assert math.isclose(sum(r["share"] for r in m["routes"].values()), 1.0, rel_tol=1e-9)
    assert set(report["corridor_tonnes_per_year"]) == {"mean", "ci95"}
    assert report["iterations"] and {"move", "gap", "corridor_share", "corridor_cost_usd_per_teu"} <= set(
        report["iterations"][0])


def test_the_final_corridor_simulation_is_beside_it(market_dir):
    summary = json.loads((market_dir / "summary.json").read_text())
    report = json.loads((market_dir / "market.json").read_text())
    assert summary["replications"] == 2
    assert summary["kpis"]["delivered_tonnes_per_year"] == report["corridor_tonnes_per_year"]
    assert (market_dir / "replications" / "rep-0001" / "summary.json").exists()
    assert (market_dir / "market.png").stat().st_size > 0
    # the boxes were simulated at the settled demand
    teu = report["markets"]["east_west"]["routes"]["corridor"]["teu_per_year"]
    assert math.isclose(summary["kpis"]["demand_tonnes_per_year_by_flow"]["boxes"]["mean"], teu * 20, rel_tol=1e-9)


def test_a_market_directory_is_replaced_by_the_next_market_run(market_dir):
    p = cli("market", str(MARKET), "--out", str(market_dir), "--quiet", "--set",
            "market.equilibrium.max_iterations=1", cwd=market_dir.parent)
    assert p.returncode == 0, p.stderr
    assert len(json.loads((market_dir / "market.json").read_text())["iterations"]) == 1


def test_a_scenario_without_a_market_is_one_line_exit_2(tmp_path):
    p = cli("market", str(DATA / "priced_corridor.yaml"), "--out", str(tmp_path / "o"), cwd=tmp_path)
    one_line_error(p, "market: missing")
    assert not (tmp_path / "o").exists()


def test_a_bad_market_field_is_one_line_exit_2(tmp_path):
    p = cli("market", str(MARKET), "--out", str(tmp_path / "o"), "--set", "market.choice.cost_scale_per_kusd=-1",
            cwd=tmp_path)
    one_line_error(p, "market.choice.cost_scale_per_kusd")
    assert not (tmp_path / "o").exists()


def test_an_out_of_other_files_is_refused_before_anything_runs(tmp_path):
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "notes.txt").write_text("mine")
    p = cli("market", str(MARKET), "--out", str(tmp_path / "o"), cwd=tmp_path)
    one_line_error(p, "not a corridor-sim output")
    assert (tmp_path / "o" / "notes.txt").read_text() == "mine"


def test_the_report_of_a_market_directory_is_the_market_page(market_dir):
    p = cli("report", str(market_dir), cwd=market_dir.parent)
    assert p.returncode == 0, p.stderr
    page = (market_dir / "report.html").read_text()
    report = json.loads((market_dir / "market.json").read_text())
    assert "corridor-sim market report" in page and 'id="fig-market"' in page
    assert "data:image/png;base64," in page
    share = report["markets"]["east_west"]["routes"]["corridor"]["share"]
    assert f'data-value="{share!r}"' in page
    assert page.count("<tr><td>") >= len(report["iterations"])


def test_market_rates_at_the_settled_tariff_gives_the_settled_choice(market_dir):
    from corridor_sim.market.sensitivity import corridor_by_tariff
    from corridor_sim.scenario import load_scenario

    report = json.loads((market_dir / "market.json").read_text())
    sc, _ = load_scenario(MARKET)
    rows = corridor_by_tariff(sc, report, "east_west", "sea", [1500.0, 3000.0])
    assert math.isclose(rows[0]["corridor_share"], report["markets"]["east_west"]["routes"]["corridor"]["chosen_share"],
                        rel_tol=1e-9)
    assert rows[1]["corridor_teu_per_year"] > rows[0]["corridor_teu_per_year"]   # dearer sea, more for the corridor


def test_market_rates_prints_the_table_and_refuses_a_route_the_market_lacks(market_dir):
    p = cli("market-rates", str(market_dir), "--tariffs", "1000,3000", cwd=market_dir.parent)
    assert p.returncode == 0 and "3,000" in p.stdout, p.stderr
    p = cli("market-rates", str(market_dir), "--route", "air", "--tariffs", "1000", cwd=market_dir.parent)
    one_line_error(p, "--route air")


def test_a_market_directory_exports_its_routes_and_iterations_beside_the_corridors_tables(market_dir, tmp_path):
    import pandas as pd

    p = cli("export", str(market_dir), "--csv", str(tmp_path / "t"), cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    info = json.loads((market_dir / "market.json").read_text())
    routes = pd.read_csv(tmp_path / "t" / "market.csv")
    expected = [(m, r, x["share"]) for m, market in info["markets"].items() for r, x in market["routes"].items()]
    assert list(zip(routes.market, routes.route)) == [(m, r) for m, r, _ in expected]
    assert routes.share.tolist() == pytest.approx([s for _, _, s in expected])
    iterations = pd.read_csv(tmp_path / "t" / "market_iterations.csv")
    assert len(iterations) == len(info["iterations"]) * len(info["markets"])
    assert (tmp_path / "t" / "kpis.csv").is_file() and (tmp_path / "t" / "flows.csv").is_file()


def test_the_explorer_opens_a_market_directory_as_its_final_run_and_who_carries_each_market(market_dir):
    pytest.importorskip("dash")
    from corridor_sim.explore.app import open_directory
    from corridor_sim.explore.pages import market_routes

    opened = open_directory(market_dir)
    assert opened.run.is_replications and opened.market["markets"]
    assert "market:" in opened.title
    shown = str(market_routes(opened.market))
    assert all(route in shown for m in opened.market["markets"].values() for route in m["routes"])


def test_a_damaged_market_json_is_refused_by_the_one_reader(market_dir, tmp_path):
    import shutil

    damaged = tmp_path / "damaged"
    shutil.copytree(market_dir, damaged)
    (damaged / "market.json").write_text('{"format": "corridor-sim/1", "scenario": "x"}')
    p = cli("report", str(damaged), cwd=tmp_path)
    one_line_error(p, "market.json")
