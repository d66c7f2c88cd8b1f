"""The explorer driven in a real headless browser (Debian's chromium and chromium-driver, through
Selenium; nothing downloaded): the page opens offline, the map and the KPIs appear, a lever run
completes and its KPI is read off the page — and is the API's own result for those levers."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
import yaml

pytest.importorskip("dash", reason="the explorer needs Dash: pip install -e '.[dev]'")
webdriver = pytest.importorskip("selenium.webdriver", reason="the browser test needs Selenium: pip install -e '.[dev]'")

from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from corridor_sim.api import run  # noqa: E402
from corridor_sim.explore.app import make_server, open_directory  # noqa: E402
from corridor_sim.explore.levers import lever_choices, overrides  # noqa: E402

MINI = Path(__file__).resolve().parent / "data" / "mini_corridor.yaml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
NEED_BROWSER = pytest.mark.skipif((CHROMIUM is None or DRIVER is None) and os.environ.get("CI") != "true",
                                  reason="chromium and chromium-driver are not installed here; .ci/run installs them")


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("explore") / "mini"
    run(MINI, out=out)
    return out


@pytest.fixture(scope="module")
def server(base_dir):
    srv = make_server([open_directory(base_dir)], 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.port}/"
    srv.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 # everything but this machine goes to a closed port: a page that needed the network would break
                 "--proxy-server=127.0.0.1:9",   # (loopback bypasses a proxy: the explorer is reached)
                 f"--user-data-dir={tmp_path_factory.mktemp('profile')}", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def test_levers_become_the_apis_overrides_and_an_empty_value_changes_nothing(base_dir):
    scenario = yaml.safe_load((base_dir / "scenario.resolved.yaml").read_text())
    choices = lever_choices(scenario)
    assert "fleets.ferries.vessels" in [c["value"] for c in choices["fleet"]]
    assert overrides(scenario, fleet="fleets.ferries.vessels", vessels=None) == {}
    grown = overrides(scenario, growth_pct=10)
    assert grown and all(v == pytest.approx(scenario["flows"][p.split(".")[1]]["tonnes_per_year"] * 1.1)
                         for p, v in grown.items())
    assert overrides(scenario, timetable_fleet="fleets.feeders.timetable", every_hours=24) == {
        "fleets.feeders.timetable": {"every_hours": 24.0}}


@NEED_BROWSER
def test_the_explorer_opens_offline_shows_the_map_and_kpis_and_runs_a_lever(server, browser, base_dir):
    assert CHROMIUM and DRIVER, "CI must drive the explorer: .ci/run installs chromium and chromium-driver"
    started = time.monotonic()
    browser.get(server)
    wait = WebDriverWait(browser, 60)
    card = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, '[data-kpi="delivered_tonnes_per_year"][data-run="base"]'))
    summary = open_directory(base_dir).run.summary
    assert float(card.get_attribute("data-value")) == pytest.approx(summary["kpis"]["delivered_tonnes_per_year"]["mean"])
    # The map: Plotly drew it, with a hover text on every node and link naming what the run measured.
    hovers = wait.until(lambda d: d.execute_script(
        "const g = document.querySelector('#map .js-plotly-plot');"
        "return g && g.data ? g.data.flatMap(t => t.hovertext || []) : null;"))
    assert any("tonnes per year" in h for h in hovers) and any("utilization" in h for h in hovers)
    assert browser.find_elements(By.CSS_SELECTOR, "#map .scatterlayer .trace")
    loaded = time.monotonic() - started

    # A lever: the ferries' fleet (the first fleet, chosen by default) from 2 to 4 vessels; run; read the KPI.
    vessels = browser.find_element(By.ID, "lever-vessels")
    vessels.clear()
    vessels.send_keys("4")
    browser.find_element(By.ID, "run-button").click()
    lever = WebDriverWait(browser, 180).until(
        lambda d: d.find_element(By.CSS_SELECTOR, '[data-kpi="delivered_tonnes_per_year"][data-run="lever"]'))
    on_page = float(lever.get_attribute("data-value"))
    expected = run(MINI, overrides={"fleets.ferries.vessels": 4}).summary["kpis"]["delivered_tonnes_per_year"]["mean"]
    assert on_page == pytest.approx(expected)
    assert "fleets.ferries.vessels = 4" in browser.find_element(By.ID, "comparison").text
    assert browser.find_element(By.ID, "top-bottlenecks").text.startswith("top bottleneck: ")
    scales = WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "const gs = [...document.querySelectorAll('#comparison .js-plotly-plot')];"
        "return gs.length === 2 && gs.every(g => g.layout) ? gs.map(g => g.layout.meta.t_per_mm) : null;"))
    assert scales[0] == scales[1]   # the base's map and the lever run's, side by side on one width scale

    # Offline: every script, style and request of the page came from the explorer itself.
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert urls and all(u.startswith(server) for u in urls), [u for u in urls if not u.startswith(server)]
    print(f"\nexplorer: page and map in {loaded:.1f} s, whole test {time.monotonic() - started:.1f} s")


def test_explore_refuses_a_directory_that_is_not_a_run_in_one_line(tmp_path, capsys):
    from corridor_sim.cli import main

    (tmp_path / "notes").mkdir()
    with pytest.raises(SystemExit) as exit_:
        main(["explore", str(tmp_path / "notes"), "--port", "0"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "notes" in err and "not a corridor-sim run directory" in err


def test_a_sweep_opens_as_its_grid_and_saturation(tmp_path):
    from corridor_sim.explore.app import sweep_view

    out = tmp_path / "sweep"
    from corridor_sim.cli import main

    main(["sweep", str(MINI), "--vary", "fleets.ferries.vessels=1,2", "--out", str(out), "--quiet"])
    opened = open_directory(out)
    assert opened.sweep is not None and "sweep" in opened.title
    view = sweep_view(opened.sweep)
    assert "fleets.ferries.vessels" in str(view[4])


def test_a_levers_directory_opens_as_its_base_with_its_levers_ranked(tmp_path):
    from corridor_sim.cli import main
    from corridor_sim.explore.pages import levers_tried

    out = tmp_path / "levers"
    main(["levers", str(MINI), "--out", str(out), "--replications", "2", "--top", "1", "--quiet"])
    opened = open_directory(out)
    assert opened.run.is_replications and opened.levers is not None
    shown = str(levers_tried(opened.levers.info))
    assert all(lever["lever"] in shown for lever in opened.levers.info["levers"])


@NEED_BROWSER
def test_report_interactive_embeds_the_same_map_and_it_draws_offline(base_dir, browser, tmp_path):
    from corridor_sim.cli import main

    assert CHROMIUM and DRIVER, "CI must render the report: .ci/run installs chromium and chromium-driver"
    page = tmp_path / "report.html"
    main(["report", str(base_dir), "--out", str(page), "--interactive"])
    started = time.monotonic()
    browser.get(page.as_uri())
    hovers = WebDriverWait(browser, 60).until(lambda d: d.execute_script(
        "const g = document.getElementById('interactive-map');"
        "return g && g.data ? g.data.flatMap(t => t.hovertext || []) : null;"))
    assert any("tonnes per year" in h for h in hovers)
    assert browser.find_elements(By.CSS_SELECTOR, "#interactive-map .scatterlayer .trace")
    urls = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith("file:") or u.startswith("data:") for u in urls), urls
    print(f"\nreport --interactive: map drawn in {time.monotonic() - started:.1f} s")


@pytest.mark.parametrize("changes, said", [({"fleets.ferries.vessels": 0}, "fleets.ferries.vessels"),
                                           ({"flows.wagons_west.tonnes_per_year": 1e15}, "limits")])
def test_a_lever_value_the_scenario_refuses_ends_its_run_with_the_reason_not_the_explorer(base_dir, changes, said):
    from corridor_sim.explore.levers import Runs

    scenario = yaml.safe_load((base_dir / "scenario.resolved.yaml").read_text())
    runs = Runs()
    job = runs.get(runs.start(scenario, changes))
    assert job.done.wait(60)
    assert job.data is None and said in job.error and "\n" not in job.error
    assert not runs.busy()
