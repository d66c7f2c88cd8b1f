"""The report of a levers directory: what limits the base and what each lever buys, every number
taken from levers.json, rendered offline in a real browser (issue 13, items 3 and 4)."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from test_plots_report import BROWSER_HOSTS, CHROMIUM, _render_in_chromium, cli, parse

from conftest import DATA

MINI = DATA / "mini_corridor.yaml"


@pytest.fixture(scope="module")
def levers_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("levers") / "mini"
    assert cli("levers", str(MINI), "--replications", "3", "--top", "2", "--out", str(out), "--quiet") == 0
    assert cli("report", str(out)) == 0
    return out, json.loads((out / "levers.json").read_text()), (out / "report.html").read_text()


def test_the_levers_page_lists_the_levers_in_their_rank_with_the_gains_of_levers_json(levers_dir):
    _, info, page = levers_dir
    assert re.findall(r'data-lever="(lever-\d+)"', page) == [lever["id"] for lever in info["levers"]]
    for lever in info["levers"]:
        row = re.search(rf'<tr data-lever="{lever["id"]}">(.*?)</tr>', page).group(1)
        gain = lever["gain_tonnes_per_year"]
        assert f'data-value="{gain["mean"]!r}"' in row
        assert f'data-ci95="{gain["ci95"][0]!r},{gain["ci95"][1]!r}"' in row
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)     # rank, lever, path, from, gained, interval, …
        assert cells[4].endswith("*") == bool(gain["real"])


def test_the_levers_page_names_what_limits_the_base_and_links_its_runs(levers_dir):
    out, info, page = levers_dir
    for element in info["limiting"]:
        assert f">{element['element']}<" in page
    for d in [info["base"]["dir"]] + [lever["dir"] for lever in info["levers"]]:
        assert f'href="{d}/"' in page and (out / d / "summary.json").is_file()
    assert parse(page).title == "corridor-sim levers report: mini_corridor"


def test_a_levers_directory_without_its_gains_is_refused_in_one_line(levers_dir, tmp_path, capsys):
    out, _, _ = levers_dir
    damaged = tmp_path / "damaged"
    shutil.copytree(out, damaged)
    (damaged / "gains.parquet").write_bytes(b"PAR1 truncated")
    assert cli("report", str(damaged)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "gains.parquet: cannot be read" in err


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                    reason="chromium is not installed here (apt-get install chromium); .ci/run installs it")
def test_the_levers_report_renders_in_headless_chromium_offline_with_its_figure(levers_dir, tmp_path):
    assert CHROMIUM, "CI must render the report: .ci/run installs Debian's chromium"
    out, _, _ = levers_dir
    dom, requested = _render_in_chromium(out / "report.html", tmp_path)
    assert parse(dom).title == "corridor-sim levers report: mini_corridor"
    check = re.search(r'id="render-check"[^>]*data-images="(\d+)" data-images-ok="(\d+)"', dom)
    assert check and check.group(1) == check.group(2) == "1"
    external = [u for u in requested if re.match(r"^(https?|wss?|ftp):", u) and not BROWSER_HOSTS.match(u)]
    assert not external, f"the report made network requests: {external}"
