"""Figures a decision maker reads (issue 17 items 2 and 6): display names, links along their alignment,
parallel links side by side, names that strike nothing, a fixed width scale, and a footnote that says
what each figure shows."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from matplotlib.collections import LineCollection

from corridor_sim import plots
from corridor_sim.analysis.labels import label, readable
from corridor_sim.geo.alignment import link_line, side_by_side
from corridor_sim.geo.basemap import FILE as BASEMAP, load_basemap
from corridor_sim.plots.common import figure
from corridor_sim.plots.map import POINTS_PER_MM, width_points
from corridor_sim.plots.placement import Placer, text_size
from corridor_sim.plots.transit import PART_COLORS

from conftest import run_cli

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini_corridor.yaml"
LABELS = ("--set", "flows.wagons_west.label=Wagons to the west", "--set", "fleets.ferries.label=Rail ferries",
          "--set", "nodes.port_a.label=Port Alpha")


invoke = run_cli   # conftest: corridor-sim in this process, (exit code, output)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("desk") / "mini"
    assert invoke("run", str(MINI), "--out", str(out), "--plots", "--quiet", *LABELS)[0] == 0
    return out


@pytest.fixture(scope="module")
def data(run_dir):
    return plots.load_run(run_dir)


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def test_an_element_is_named_by_its_label_else_by_its_id_as_words(data):
    assert label(data.scenario, "flows", "wagons_west") == "Wagons to the west"
    assert label(data.scenario, "flows", "boxes_west") == readable("boxes_west") == "Boxes West"


def test_figures_name_flows_nodes_and_fleets_by_their_labels(data):
    ticks = [t.get_text() for t in plots.transit_distribution(data).axes[0].get_yticklabels()]
    assert any(t.startswith("Wagons to the west") for t in ticks)
    assert not any(t.startswith("wagons_west") for t in ticks)
    assert "Port Alpha" in texts(plots.corridor_map(data, zoom=False))


def test_the_transit_cdf_titles_its_flows_by_their_labels_and_notes_both_runs(data, run_dir):
    fig = plots.transit_cdf({"A": data, "B": run_dir}, flows=["wagons_west"])
    assert fig.axes[0].get_title(loc="left") == "Transit time distribution: Wagons to the west"
    assert any(t.count("scenario mini_corridor") == 2 for t in texts(fig))


def test_every_run_figure_has_a_footnote_with_scenario_seed_replications_and_date(data):
    for name, fig in plots.run_figures(data).items():
        notes = [t for t in texts(fig) if t.startswith("scenario ")]
        assert notes, name
        assert "scenario mini_corridor" in notes[0] and "seed 7" in notes[0] and "one run" in notes[0]
        assert "drawn 20" in notes[0], name


def test_a_link_is_drawn_through_its_path_from_its_from_node_to_its_to_node():
    nodes = {"a": {"lon": 10, "lat": 40}, "b": {"lon": 20, "lat": 42}}
    assert link_line({"from": "a", "to": "b", "path": [[14, 38], [17, 39]]}, nodes) == [
        (10.0, 40.0), (14.0, 38.0), (17.0, 39.0), (20.0, 42.0)]
    assert link_line({"from": "b", "to": "a"}, nodes) == [(20.0, 42.0), (10.0, 40.0)]


def test_links_between_the_same_two_nodes_are_drawn_side_by_side_whichever_way_they_are_given():
    links = {"x": {"from": "a", "to": "b"}, "y": {"from": "b", "to": "a"}, "z": {"from": "a", "to": "c"}}
    lines = {"x": [(0.0, 0.0), (10.0, 0.0)], "y": [(10.0, 0.0), (0.0, 0.0)], "z": [(0.0, 0.0), (0.0, 5.0)]}
    drawn = side_by_side(lines, links, spacing=0.2)
    assert drawn["z"] == lines["z"]                               # alone: where it is
    assert drawn["x"][0][1] == pytest.approx(-drawn["y"][1][1])   # a pair: either side of the chord
    assert abs(drawn["x"][0][1] - drawn["y"][1][1]) == pytest.approx(0.2)


def test_the_mini_corridors_two_sea_links_are_not_drawn_on_top_of_each_other(data):
    fig = plots.corridor_map(data, zoom=False)
    ax = fig.axes[0]
    sea = {lid for lid, link in data.scenario["links"].items() if link["from"] == "port_a" and link["to"] == "port_b"}
    assert len(sea) == 2
    drawn = [c.get_segments()[0] for c in ax.collections if isinstance(c, LineCollection) and c.get_zorder() == 3]
    starts = {tuple(seg[0].round(6)) for seg in drawn}
    assert len(starts) >= len(drawn) - 1   # at most links that share no node end share a start


def test_a_fixed_width_scale_draws_the_same_tonnes_equally_wide_on_two_maps(data):
    tonnes = plots.link_tonnes(data)
    fig = plots.corridor_map(data, zoom=False, t_per_mm=1e5)
    widths = sorted(c.get_linewidths()[0] for c in fig.axes[0].collections
                    if isinstance(c, LineCollection) and c.get_zorder() == 3)
    assert widths == pytest.approx(sorted(width_points(t, 1e5) for t in tonnes.values()))
    busiest = max(tonnes.values())
    assert width_points(busiest, 1e5) == pytest.approx(max(0.8, busiest / 1e5 * POINTS_PER_MM))
    assert any("1 mm = 0.1 Mt/yr" in t for t in texts(fig))


def test_run_map_scale_must_be_positive(tmp_path, capsys):
    code, output = invoke("run", MINI, "--out", tmp_path / "x", "--plots", "--map-scale", "-3", capsys=capsys)
    assert code == 2 and "--map-scale" in output and not (tmp_path / "x").exists()


def test_names_on_the_map_strike_nothing_already_placed(data):
    fig = plots.corridor_map(data, zoom=False)
    fig.draw_without_rendering()
    ax = fig.axes[0]
    boxes = [a.get_window_extent() for a in ax.texts if a.get_text() and a.get_visible()
             and not a.get_text().startswith("Top bottleneck")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = max(0, min(a.x1, b.x1) - max(a.x0, b.x0)) * max(0, min(a.y1, b.y1) - max(a.y0, b.y0))
            assert overlap < 0.1 * min(a.width * a.height, b.width * b.height)


def test_the_placer_leaves_a_name_out_rather_than_over_another(data):
    fig = figure(3, 2)
    ax = fig.add_subplot()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    placer = Placer(ax)
    assert placer.place("A long first name", 0.5, 0.5, 9)
    for _ in range(12):
        placer.place("A long first name", 0.5, 0.5, 9)
    assert placer.left_out and len(ax.texts) == len(placer.placed)
    assert text_size("ab\ncd", 10)[1] == pytest.approx(25)


def test_transit_breakdown_writes_no_node_name_over_a_travel_segment(data):
    fig = plots.transit_breakdown(data)
    ax = fig.axes[0]
    travel = [p for p in ax.patches if p.get_facecolor()[:3] == pytest.approx(
        __import__("matplotlib.colors", fromlist=["to_rgb"]).to_rgb(PART_COLORS["travel_hours"]))]
    nodes = {label(data.scenario, "nodes", n) for n in data.scenario["nodes"]}
    for t in ax.texts:
        if t.get_text() in nodes:
            x, y = t.get_position()
            assert not any(p.get_x() < x < p.get_x() + p.get_width() and abs(p.get_y() + p.get_height() / 2 - y) < 0.3
                           for p in travel), t.get_text()


def test_the_basemap_ships_with_the_package_small_and_covering_the_corridor():
    assert BASEMAP.stat().st_size < 2_000_000
    base = load_basemap()
    lon0, lat0, lon1, lat1 = base.region
    assert lon0 <= 20 and lon1 >= 120 and lat0 <= 25 and lat1 >= 60
    assert base.land and base.borders and "Natural Earth" in base.source
    assert {"Caspian Sea", "Black Sea"} <= {name for name, _, _ in base.seas}


def test_network_geojson_holds_nodes_as_points_and_links_as_lines_with_their_results(run_dir, data):
    doc = json.loads((run_dir / "network.geojson").read_text())
    assert doc["type"] == "FeatureCollection"
    points = {f["properties"]["id"]: f for f in doc["features"] if f["geometry"]["type"] == "Point"}
    lines = {f["properties"]["id"]: f for f in doc["features"] if f["geometry"]["type"] == "LineString"}
    assert set(points) == set(data.scenario["nodes"]) and set(lines) == set(data.scenario["links"])
    assert points["port_a"]["properties"]["label"] == "Port Alpha"
    tonnes = plots.link_tonnes(data)
    for lid, f in lines.items():
        assert f["properties"]["tonnes_per_year"] == pytest.approx(tonnes[lid])
        assert f["geometry"]["coordinates"][0] == [data.scenario["nodes"][f["properties"]["from"]]["lon"],
                                                   data.scenario["nodes"][f["properties"]["from"]]["lat"]]
    ferry = next(f for f in lines.values() if f["properties"]["fleet"] == "ferries")["properties"]
    fleet = next(r for r in data.summary["resources"] if r["name"] == "fleet:ferries")
    assert ferry["utilization"] == pytest.approx(fleet["utilization"])
    assert "Rail ferries" in ferry["resources"]
    assert all(math.isfinite(v) for f in doc["features"] for v in f["properties"].values()
               if isinstance(v, float))


@pytest.mark.parametrize("setting, problem", [("links.crossing_ferry.path=[[50, 95]]", "path"),
                                               ("fleets.ferries.label=", "label")])
def test_a_bad_path_or_label_is_refused_in_one_line(tmp_path, capsys, setting, problem):
    code, output = invoke("run", MINI, "--out", tmp_path / "x", "--set", setting, capsys=capsys)
    assert code == 2, output
    assert problem in output and "Traceback" not in output and not (tmp_path / "x").exists()
    assert len(output.strip().splitlines()) == 1


def test_the_report_names_flows_and_bottlenecks_by_their_labels_with_their_ids_beside(run_dir, data):
    from corridor_sim.analysis.labels import resource_labels
    from corridor_sim.report import render_report

    page = render_report(run_dir)
    flows = page[page.index('id="flow-table"'):]
    assert 'Wagons to the west <span class="muted">wagons_west</span>' in flows
    top = data.summary["bottlenecks"][0]["name"]
    shown = resource_labels(data.summary["resources"], data.scenario)[top]
    assert f'{shown} <span class="muted">{top}</span>' in page[page.index('id="bottleneck-table"'):]


def test_compare_plot_shows_mean_beside_p95_labels_the_whisker_and_names_the_scenarios(run_dir, tmp_path):
    from corridor_sim.api import compare

    b = tmp_path / "b"
    assert invoke("run", MINI, "--out", b, "--quiet", "--set", "fleets.ferries.vessels=4", *LABELS)[0] == 0
    fig = plots.comparison_bars(compare(run_dir, b), runs=(run_dir, b))
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    means = [r for r in rows if r.startswith("transit days mean: ")]
    assert means and all(r.replace(" mean: ", " p95: ") in rows for r in means)
    assert "transit days mean: Wagons to the west" in rows or "transit days mean: Boxes West" in rows
    assert "whisker = its 95% interval" in ax.get_xlabel() and "bar: 95%" not in ax.get_xlabel()
    assert ax.get_title(loc="left") == "B = mini_corridor against A = mini_corridor"
    assert str(tmp_path) not in ax.get_title(loc="left")
    assert any(t.startswith("A: scenario mini_corridor") for t in texts(fig))


def test_two_resources_of_one_element_say_which_they_are():
    from corridor_sim.analysis.labels import resource_labels

    scenario = {"nodes": {"alat": {"label": "Alat (Baku)"}}}
    resources = [{"name": "yard:alat.wagons", "kind": "yard", "element": "nodes.alat.yard", "nodes": ["alat"]},
                 {"name": "yard:alat.vehicles", "kind": "yard", "element": "nodes.alat.yard", "nodes": ["alat"]}]
    assert resource_labels(resources, scenario) == {"yard:alat.wagons": "Alat (Baku) yard (wagons)",
                                                   "yard:alat.vehicles": "Alat (Baku) yard (vehicles)"}


def test_a_countrys_or_seas_name_is_placed_clear_of_the_links_a_nodes_name_may_touch_them():
    from corridor_sim.plots.placement import CENTRED

    fig = figure(4, 3)
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    fig.draw_without_rendering()
    placer = Placer(ax)
    placer.block_line([(0, 5), (10, 5)])          # a link straight through where the name would go
    assert placer.place("KAZAKHSTAN", 5, 5, 10, CENTRED, clear_of_lines=True)
    name = ax.texts[-1]
    fig.draw_without_rendering()
    box = name.get_window_extent()
    line_y = ax.transData.transform((5, 5))[1]
    assert not box.y0 <= line_y <= box.y1        # moved off the line
    assert placer.place("Port", 5, 5, 8)          # a node's name is not kept off its own links
