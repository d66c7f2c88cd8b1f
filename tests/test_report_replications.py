"""The report of a replicated run with route options: it renders, names every route option by its
waypoints, and every "why" sentence is written from the aggregated numbers it sits beside."""

import json
import re

import pytest
import yaml

from corridor_sim.analysis.bottlenecks import reason

from conftest import ROOT
from test_plots_report import CHROMIUM, _render_in_chromium, cli, parse

TARGET = ROOT / "scenarios" / "target_2030.yaml"


@pytest.fixture(scope="module")
def replicated(tmp_path_factory):
    out = tmp_path_factory.mktemp("reps") / "target"
    assert cli("run", str(TARGET), "--replications", "2", "--set", "horizon_days=45", "--set", "warmup_days=20",
               "--out", str(out), "--quiet") == 0
    assert cli("report", str(out)) == 0
    return out


def test_route_shares_are_aggregated_per_option_with_an_interval(replicated):
    s = json.loads((replicated / "summary.json").read_text())
    shares = s["kpis"]["route_shares"]
    assert shares
    for flow, options in shares.items():
        assert all(set(o) == {"mean", "ci95"} for o in options), flow
        assert sum(o["mean"] for o in options) == pytest.approx(1.0)


def test_the_report_names_every_route_option_by_its_waypoints(replicated):
    html = (replicated / "report.html").read_text()
    table = html[html.index('id="route-shares"'):]
    table = table[:table.index("</table>")]
    resolved = yaml.safe_load((replicated / "replications" / "rep-0000" / "scenario.resolved.yaml").read_text())
    s = json.loads((replicated / "summary.json").read_text())
    for flow, options in s["kpis"]["route_shares"].items():
        for i, route in enumerate(resolved["flows"][flow]["routes"]):
            name = " → ".join(route["via"])
            assert f">{name}</td>" in table, (flow, name)
            assert f'data-kpi="route_shares.{flow}.{i}"' in table


def test_every_why_is_written_from_the_means_beside_it(replicated):
    s = json.loads((replicated / "summary.json").read_text())
    resources = {r["name"]: r for r in s["resources"]}

    def means(tree):
        if isinstance(tree, dict):
            return tree["mean"] if set(tree) == {"mean", "ci95"} else {k: means(v) for k, v in tree.items()}
        return tree

    for b in s["bottlenecks"]:
        expected = reason(means(resources[b["name"]]), b["wait_share"]["mean"], b["share_of_transit_time"]["mean"])
        assert b["reason"] == expected, b["name"]
        # the utilisation quoted is the mean's
        quoted = re.search(r"working (\d+)%", b["reason"])
        if quoted:
            assert int(quoted.group(1)) == round(100 * resources[b["name"]]["utilization"]["mean"])


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed here (apt-get install chromium)")
def test_the_replications_report_renders_in_headless_chromium(replicated, tmp_path):
    dom, _ = _render_in_chromium(replicated / "report.html", tmp_path)
    assert parse(dom).title == "corridor-sim report: target_2030"
    check = re.search(r'id="render-check"[^>]*data-images="(\d+)" data-images-ok="(\d+)"', dom)
    assert check and check.group(1) == check.group(2) and int(check.group(1)) > 0
    assert 'id="route-shares"' in dom and 'id="waits-by-cause"' in dom
