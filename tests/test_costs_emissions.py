"""Issue 14: what each route costs, what it emits and how reliable it is.

The priced test corridor (tests/data/priced_corridor.yaml) sends boxes from China across a border, a
Caspian port and either a container feeder or a rail ferry (fixed shares), and grain wagons by the
ferry with half of them coming back empty. The figures are checked against hand calculations from the
scenario's numbers and the run's own records (deliveries.parquet, voyages.parquet).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from corridor_sim.analysis.references import PUBLISHED, competing_routes
from corridor_sim.api import run, run_replications
from corridor_sim.cli import cli
from corridor_sim.report.routes_section import routes_section

from conftest import DATA, ROOT

PRICED = DATA / "priced_corridor.yaml"
SCENARIO = yaml.safe_load(PRICED.read_text())
WARMUP_H = 20 * 24.0
END_H = (20 + 120) * 24.0


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    """One run of the priced corridor, written to a run directory."""
    out = tmp_path_factory.mktemp("priced") / "run"
    return run(PRICED, out=out), out


def _kpi(summary: dict, name: str, key: str) -> float:
    return summary["kpis"][name][key]["mean"]


def _window(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    return frame[(frame[column] >= WARMUP_H) & (frame[column] < END_H)]


# ---------------------------------------------------------------------------- costs


def test_a_tariff_raised_by_a_known_amount_raises_the_cost_by_exactly_that(priced):
    """+0.05 USD per TEU-km in Kazakhstan (2,010 km of the boxes' route on either option) and +50 USD per
    TEU at Alat: +150.5 USD per TEU, to the cent; the simulation itself does not move."""
    base = priced[0].summary
    dearer = run(PRICED, overrides=["costs.rail.KZ.usd_per_teu_km=0.35", "costs.nodes.alat.usd_per_teu=170"]).summary
    assert _kpi(dearer, "cost_usd_per_teu", "boxes") - _kpi(base, "cost_usd_per_teu", "boxes") == \
        pytest.approx(0.05 * 2010 + 50, abs=1e-6)
    assert _kpi(dearer, "generalised_cost_usd_per_teu", "boxes") - \
        _kpi(base, "generalised_cost_usd_per_teu", "boxes") == pytest.approx(150.5, abs=1e-6)
    assert dearer["kpis"]["transit_days"] == base["kpis"]["transit_days"]
    assert _kpi(dearer, "cost_usd_per_tonne", "grain") == _kpi(base, "cost_usd_per_tonne", "grain")  # wagons: per wagon-km


def test_each_consignment_pays_for_the_route_option_it_took(priced):
    """Boxes by the feeder pay 450 USD/TEU on the sea; by the ferry, 48 USD per metre of their wagon (10 TEU
    on 5 wagons of 15 m): the flow's cost is the mix of the options its window deliveries took."""
    result, out = priced
    d = _window(pd.read_parquet(out / "deliveries.parquet"), "delivered")
    boxes = d[d.flow == "boxes"]
    assert set(boxes.route) == {0, 1}
    land = 0.20 * 990 + 0.30 * 2010 + 0.30 * 400 + 0.17 * 200 + 100 + 120 + 120    # per TEU, both options
    feeder, ferry = land + 450, land + 48 * 15 * 5 / 10
    expected = (feeder * (boxes.route == 0).sum() + ferry * (boxes.route == 1).sum()) / len(boxes)
    assert _kpi(result.summary, "cost_usd_per_teu", "boxes") == pytest.approx(expected, rel=1e-12)


def test_empties_coming_back_are_charged_to_the_flow_that_sends_them(priced):
    """Grain: half its wagons come back empty by the ferry at 39 USD per metre (K10's empty tariff)."""
    per_wagon = 1.00 * 800 + 60 + 48 * 15 + 0.5 * 39 * 15 + 60 + 1.00 * 600   # rail KZ, Aktau, ferry, empties, Alat, rail
    assert _kpi(priced[0].summary, "cost_usd_per_tonne", "grain") == pytest.approx(per_wagon / 60, rel=1e-12)


def test_generalised_cost_is_tariffs_plus_time_plus_spread(priced):
    result, out = priced
    d = _window(pd.read_parquet(out / "deliveries.parquet"), "delivered")
    days = ((d.delivered - d.created) / 24.0)[d.flow == "boxes"].to_numpy()
    per_day = 0.006 * 30000                                     # daily rate x value per TEU
    parts = result.summary["kpis"]["generalised_cost_usd_per_teu_by_part"]["boxes"]
    assert parts["time"]["mean"] == pytest.approx(per_day * days.mean(), rel=1e-9)
    assert parts["reliability"]["mean"] == pytest.approx(1.0 * per_day * (np.percentile(days, 95) - days.mean()),
                                                         rel=1e-9)
    assert parts["tariffs"]["mean"] == pytest.approx(_kpi(result.summary, "cost_usd_per_teu", "boxes"), rel=1e-12)
    assert _kpi(result.summary, "generalised_cost_usd_per_teu", "boxes") == \
        pytest.approx(sum(p["mean"] for p in parts.values()), rel=1e-12)


def test_the_legs_add_up_to_the_flow_figure(priced):
    k = priced[0].summary["kpis"]
    for name in ("cost_usd_per_tonne", "cost_usd_per_teu", "co2e_kg_per_tonne", "co2e_kg_per_teu"):
        for flow, total in k[name].items():
            legs = k[f"{name}_by_leg"][flow]
            assert sum(v["mean"] for v in legs.values()) == pytest.approx(total["mean"], rel=1e-12), (name, flow)
    assert set(k["cost_usd_per_teu_by_leg"]["boxes"]) == {
        "rail:xian->aktau", "at:border", "at:aktau", "sea:aktau->alat", "at:alat", "rail:alat->west"}


# ---------------------------------------------------------------------------- emissions


def _line_intensity(voyages: pd.DataFrame, line: str, kg_per_tkm: float, at_tonnes: float) -> float:
    """ISO 14083 by hand: every sailing of the line in the window (ballast included) emits kg_per_tkm x at_tonnes
    per km; the line's cargo tonne-km bear it all."""
    v = _window(voyages, "departed")
    v = v[v.line == line]
    return len(v) * kg_per_tkm * at_tonnes / v.tonnes.sum()


def test_co2e_per_teu_of_a_simple_route_is_the_hand_glec_calculation(priced):
    """Well to wheel, per TEU of 20 t: rail by each country's traction mix (E6-E10 style), the sea line's
    intensity from its sailings, and transshipment at the border and at Aktau."""
    result, out = priced
    rail = {c: s * 0.030 * g + (1 - s) * 0.025 for c, (s, g) in
            {"CN": (0.5, 0.6), "KZ": (0.4, 0.65), "AZ": (0.6, 0.462), "GE": (1.0, 0.168)}.items()}
    land = 20 * (990 * rail["CN"] + 2010 * rail["KZ"] + 400 * rail["AZ"] + 200 * rail["GE"]) + 10 + 10
    voyages = pd.read_parquet(out / "voyages.parquet")
    by_feeder = land + 20 * 500 * _line_intensity(voyages, "feeder", 0.020, 1500)
    by_ferry = land + 20 * 470 * _line_intensity(voyages, "ferry", 0.2029, 1200)
    d = _window(pd.read_parquet(out / "deliveries.parquet"), "delivered")
    boxes = d[d.flow == "boxes"]
    expected = (by_feeder * (boxes.route == 0).sum() + by_ferry * (boxes.route == 1).sum()) / len(boxes)
    assert _kpi(result.summary, "co2e_kg_per_teu", "boxes") == pytest.approx(expected, rel=1e-9)


def test_ballast_and_empties_are_borne_by_the_cargo_of_the_line(priced):
    """The ferry's grain goes one way, so some of its sailings carry only empties or nothing: the line's
    intensity is above what a vessel emits per tonne-km of a sailing at its reference load."""
    result, out = priced
    voyages = _window(pd.read_parquet(out / "voyages.parquet"), "departed")
    ferry = voyages[voyages.line == "ferry"]
    assert (ferry.tonnes == 0).sum() > 0 and ferry.empty_wagons.sum() > 0
    line = result.summary["co2e_lines"]["ferry"]
    assert line["sailings"] == len(ferry) and line["empty_sailings"] == int((ferry.tonnes == 0).sum())
    assert line["kgco2e_per_tkm"] == pytest.approx(_line_intensity(voyages, "ferry", 0.2029, 1200), rel=1e-12)
    assert line["kgco2e_per_tkm"] > 0.2029 * 1200 / ferry.tonnes[ferry.tonnes > 0].mean()


def test_co2e_per_year_is_the_window_deliveries_emissions(priced):
    k = priced[0].summary["kpis"]
    total = sum(v["mean"] for v in k["co2e_tonnes_per_year_by_flow"].values())
    assert k["co2e_tonnes_per_year"]["mean"] == pytest.approx(total, rel=1e-12)
    delivered = k["delivered_tonnes_per_year_by_flow"]
    by_tonne = sum(k["co2e_kg_per_tonne"][f]["mean"] * delivered[f]["mean"] for f in delivered) / 1000
    assert k["co2e_tonnes_per_year"]["mean"] == pytest.approx(by_tonne, rel=1e-9)


# ---------------------------------------------------------------------------- reliability


def test_on_time_share_counts_the_deliveries_within_the_promise_from_departure(priced):
    result, out = priced
    k = result.summary["kpis"]
    d = _window(pd.read_parquet(out / "deliveries.parquet"), "delivered")
    days = (d.delivered - d.departed) / 24.0
    for flow, promise in (("boxes", 9), ("grain", 8)):      # boxes: its own promise; grain: its group's
        share = k["on_time_share"][flow]["mean"]
        assert 0 <= share <= 1
        assert share == pytest.approx((days[d.flow == flow] <= promise).mean(), rel=1e-12)
        assert k["promised_days"][flow]["mean"] == promise
    assert 0 < k["on_time_share_by_group"]["east_west"]["mean"] < 1
    assert "east_west" not in k["promised_days_by_group"]      # its flows are promised different days


def test_buffer_and_planning_time_indices_follow_their_definitions(priced):
    result, out = priced
    k = result.summary["kpis"]
    d = _window(pd.read_parquet(out / "deliveries.parquet"), "delivered")
    door = ((d.delivered - d.created) / 24.0)[d.flow == "boxes"].to_numpy()
    p95 = np.percentile(door, 95)
    assert k["buffer_time_index"]["boxes"]["mean"] == pytest.approx((p95 - door.mean()) / door.mean(), rel=1e-9)
    total = result.summary["transit_breakdown"]["boxes"]["total"]
    free_flow = (total["travel_hours"] + total["processing_hours"]) / 24.0
    assert k["planning_time_index"]["boxes"]["mean"] == pytest.approx(p95 / free_flow, rel=1e-9)
    assert k["planning_time_index"]["boxes"]["mean"] > 1     # waits exist


def test_a_scenario_without_prices_gets_only_the_reliability_kpis(mini_corridor):
    k = mini_corridor.summary["kpis"]
    assert "buffer_time_index" in k and "planning_time_index" in k
    assert not any(key.startswith(("cost_", "co2e_", "generalised_", "corridor_")) for key in k)
    assert "co2e_lines" not in mini_corridor.summary


# ---------------------------------------------------------------------------- experiments and faces


def test_cost_and_co2e_have_intervals_in_replications(tmp_path):
    result = run_replications(PRICED, replications=3, out=tmp_path / "reps")
    k = result.summary["kpis"]
    for name, key in (("co2e_kg_per_teu", "boxes"), ("cost_usd_per_tonne", "grain"), ("on_time_share", "boxes"),
                      ("co2e_kg_per_teu_by_group", "east_west")):
        low, high = k[name][key]["ci95"]
        assert low <= k[name][key]["mean"] <= high, name
    assert len(k["co2e_tonnes_per_year"]["ci95"]) == 2
    runs = pd.read_parquet(tmp_path / "reps" / "runs.parquet")
    assert {"corridor_cost_usd_per_teu", "corridor_co2e_kg_per_teu", "co2e_tonnes_per_year"} <= set(runs.columns)


def test_compare_fails_if_co2e_per_teu_grows_more_than_the_threshold(tmp_path):
    runner = CliRunner()
    a, same, dirtier = tmp_path / "a", tmp_path / "same", tmp_path / "dirtier"
    for out, sets in ((a, []), (same, []), (dirtier, ["--set", "emissions.fleets.ferries.kgco2e_per_tkm=0.4"])):
        r = runner.invoke(cli, ["run", str(PRICED), "--out", str(out), "--quiet", *sets])
        assert r.exit_code == 0, r.output
    ok = runner.invoke(cli, ["compare", str(a), str(same), "--fail-if", "co2e_kg_per_teu.*>5%", "--quiet"])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(cli, ["compare", str(a), str(dirtier), "--fail-if", "co2e_kg_per_teu.*>5%", "--quiet"])
    assert bad.exit_code == 1
    assert "FAILED  --fail-if co2e_kg_per_teu.*>5%: co2e_kg_per_teu.boxes changed by" in bad.output
    assert "by_leg" not in bad.output                     # the pattern names the flows' totals, not their legs


def test_the_report_and_the_terminal_show_routes_beside_the_published_competitors(priced):
    result, out = priced
    page = routes_section(result.summary, reps=False)
    assert 'id="route-table"' in page and "corridor: east_west" in page
    assert page.count(PUBLISHED) >= len(competing_routes().routes)
    assert "Sea via the Cape" in page and "T2, 2025" in page
    shown = CliRunner().invoke(cli, ["run", str(PRICED), "--out", str(out.parent / "again")])
    assert shown.exit_code == 0
    assert "Routes: cost, days and CO2e per FEU" in shown.output and "published, not simulated" in shown.output


def test_every_number_the_routes_page_names_carries_its_value(priced):
    """A flow without boxes has no cost per TEU: its cell is a dash, not a KPI without a value."""
    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.named, self.valued = 0, 0

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            self.named += "data-kpi" in a
            self.valued += "data-kpi" in a and "data-value" in a

    cells = Cells()
    cells.feed(routes_section(priced[0].summary, reps=False))
    assert cells.named > 10 and cells.valued == cells.named


def test_the_published_references_load_and_cite_a_row_each():
    refs = competing_routes()
    assert {"northern_rail", "sea_suez", "sea_cape"} <= set(refs.routes)
    for route in refs.routes.values():
        assert {f.kpi for f in route.figures} >= {"cost_usd_per_feu", "transit_days"}
        assert all(f.source for f in route.figures)


def test_the_shipped_scenarios_price_china_europe(tmp_path):
    """The baseline's China→Europe boxes pay and emit something on every leg of their route."""
    result = run(ROOT / "scenarios" / "baseline_2024.yaml", out=tmp_path / "b")
    k = result.summary["kpis"]
    legs = k["cost_usd_per_teu_by_leg"]["cn_europe"]
    assert all(v["mean"] > 0 for v in legs.values()) and "sea:aktau->alat" in legs
    assert 0 < k["on_time_share_by_group"]["china_europe"]["mean"] <= 1
    assert k["promised_days_by_group"]["china_europe"]["mean"] == 34
    saved = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert saved["kpis"]["co2e_kg_per_teu"] == k["co2e_kg_per_teu"]
