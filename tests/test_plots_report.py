"""Pictures and the shareable report.

Each figure is checked against the numbers it claims to show (summary.json and the
records), `run --plots` writes its PNGs inside the atomic run directory, and the
HTML report is self-contained: rendered by headless Chromium with no network, it
shows every figure and the KPIs of summary.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from corridor_sim import plots
from corridor_sim.analysis.labels import label, resource_labels
from corridor_sim.cli import main
from corridor_sim.report import render_report

DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini_corridor.yaml"
FIGURES = {"map.png", "monthly_tonnes.png", "transit_times.png", "transit_breakdown.png", "queues.png"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def cli(*args: str) -> int:
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plots") / "mini"
    assert cli("run", str(MINI), "--out", str(out), "--plots", "--quiet") == 0
    return out


@pytest.fixture(scope="module")
def data(run_dir) -> plots.RunData:
    return plots.load_run(run_dir)


@pytest.fixture(scope="module")
def reps_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plots") / "mini_reps"
    assert cli("run", str(MINI), "--out", str(out), "--replications", "2", "--plots", "--quiet") == 0
    return out


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


# ---------------------------------------------------------------------------
# run --plots
# ---------------------------------------------------------------------------


def test_run_with_plots_writes_every_figure_as_a_png_in_the_run_directory(run_dir):
    for name in FIGURES:
        blob = (run_dir / name).read_bytes()
        assert blob.startswith(PNG_MAGIC) and len(blob) > 20_000, name
    assert not [p.name for p in run_dir.parent.iterdir() if p.name.startswith(".")], "temporary directory left"


def test_plots_are_written_inside_the_atomic_write_so_a_failure_leaves_the_old_run(tmp_path, mini_corridor):
    from corridor_sim.output import write_run

    out = tmp_path / "run"
    write_run(out, mini_corridor.summary, mini_corridor.resolved, mini_corridor.records)
    before = sorted(p.name for p in out.iterdir())

    def broken_plots(tmp: Path) -> None:
        (tmp / "map.png").write_bytes(b"half a picture")
        raise RuntimeError("the plotting failed")

    with pytest.raises(RuntimeError):
        write_run(out, mini_corridor.summary, mini_corridor.resolved, mini_corridor.records, extra=broken_plots)
    assert sorted(p.name for p in out.iterdir()) == before  # the previous complete run, untouched
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # no temporary directory left


def test_figures_work_from_a_run_result_as_from_its_directory(mini_corridor):
    figs = plots.run_figures(mini_corridor)
    assert set(figs) == FIGURES
    assert any("Top bottleneck" in t for t in texts(figs["map.png"]))


# ---------------------------------------------------------------------------
# Each figure shows the numbers it claims
# ---------------------------------------------------------------------------


def test_map_colours_each_link_by_its_resource_and_rings_the_top_bottleneck(data):
    util = plots.link_utilization(data)
    fleets = {r["name"]: r["utilization"] for r in data.summary["resources"] if r["kind"] == "fleet"}
    for lid, link in data.scenario["links"].items():
        if link.get("fleet"):
            assert util[lid] == pytest.approx(fleets[f"fleet:{link['fleet']}"])
    rail = {r["name"]: r["utilization"] for r in data.summary["resources"] if r["kind"] == "rail_section"}
    for lid, link in data.scenario["links"].items():
        if link.get("mode", "rail") == "rail":  # the busier of its two directions
            a, b = link["from"], link["to"]
            both = [rail[n] for n in (f"rail:{a}->{b}", f"rail:{b}->{a}") if n in rail]
            assert both and util[lid] == pytest.approx(max(both)), lid
    assert all(u >= 0 for u in util.values())
    top = resource_labels(data.summary["resources"], data.scenario)[data.summary["bottlenecks"][0]["name"]]
    assert any(t.startswith(f"Top bottleneck: {top}") for t in texts(plots.corridor_map(data)))


def test_map_widths_are_the_tonnes_carried_in_the_window(data):
    tonnes = plots.link_tonnes(data)
    voy = data.voyages
    voy = voy[(voy.departed >= data.warmup_hours) & (voy.departed < data.end_hours)]
    for lid, link in data.scenario["links"].items():
        if link.get("fleet"):
            sailed = voy.loc[voy.fleet == link["fleet"], "tonnes"].sum() * data.per_year
            assert tonnes[lid] == pytest.approx(sailed)
    # Everything delivered crossed the first link out of its origin at some time: the busiest
    # link carries at least a good part of what was delivered.
    delivered = data.summary["kpis"]["delivered_tonnes_per_year"]["mean"]
    assert 0.5 * delivered < max(tonnes.values()) < 2.0 * delivered


def test_monthly_bars_add_up_to_the_tonnes_delivered_in_the_window(data):
    fig = plots.monthly_tonnes(data)
    bars = [p for p in fig.axes[0].patches if p.get_width() == pytest.approx(0.7)]
    total = sum(p.get_height() for p in bars) * 1e3
    per_year = data.summary["kpis"]["delivered_tonnes_per_year"]["mean"]
    assert total == pytest.approx(per_year / data.per_year, rel=1e-9)


def test_closed_months_come_from_the_weather_samples_or_else_the_scenario(data):
    shares = plots.monthly_closed_share(data)
    assert list(shares.columns) == ["port_a"] and shares.to_numpy().max() > 0.2  # November–December storms
    without = plots.RunData(data.summary, data.scenario, None, [],
                            {"samples.parquet": data.samples.iloc[0:0]})
    declared = plots.monthly_closed_share(without)
    months = [m.month for m in declared.index]
    closed = data.scenario["nodes"]["port_a"]["weather"]["closed_share_by_month"]
    assert declared["port_a"].tolist() == [closed[m - 1] for m in months]


def test_transit_distribution_lists_every_flow_with_its_count(data):
    fig = plots.transit_distribution(data)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    expected = {f"{label(data.scenario, 'flows', flow)}  (n={t['n']})"
                for flow, t in data.summary["kpis"]["transit_days"].items() if t["n"]}
    assert set(labels) == expected


def test_transit_breakdown_bars_are_each_flows_mean_transit(data):
    fig = plots.transit_breakdown(data)
    ax = fig.axes[0]
    by_label = {label(data.scenario, "flows", flow): flow for flow in data.scenario["flows"]}
    names = [by_label[t.get_text()] for t in ax.get_yticklabels()]
    ends = {}
    for p in ax.patches:
        y = round(p.get_y() + p.get_height() / 2)
        ends[y] = max(ends.get(y, 0.0), p.get_x() + p.get_width())
    for y, flow in enumerate(names):
        total = sum(data.summary["transit_breakdown"][flow]["total"].values()) / 24
        assert ends[y] == pytest.approx(total, rel=1e-6)
        # ... which is the flow's mean transit time
        assert total == pytest.approx(data.summary["kpis"]["transit_days"][flow]["mean"], rel=0.02)


def test_queue_panels_show_the_ranked_bottlenecks_first(data):
    fig = plots.queue_lengths(data)
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    shown = resource_labels(data.summary["resources"], data.scenario)
    ranked = [shown[b["name"]] for b in data.summary["bottlenecks"]][: len(titles)]
    assert [t.split(" —")[0] for t in titles[: len(ranked)]] == ranked


def test_sweep_curves_mark_the_saturation_point_and_draw_the_bands(tmp_path):
    out = tmp_path / "sweep"
    assert cli("sweep", str(MINI), "--vary", "fleets.ferries.vessels=1,2", "--replications", "2", "--out", str(out),
               "--plots", "--quiet") == 0
    assert (out / "sweep.png").read_bytes().startswith(PNG_MAGIC)
    fig = plots.sweep_curves(out)
    assert fig.axes[0].collections, "no 95% band"
    demand = [line for line in fig.axes[0].get_lines() if line.get_label() == "demand"]
    assert demand and list(demand[0].get_ydata()) == pytest.approx([0.55, 0.55])   # Mt per year, at each point
    # A sweep whose last step adds nothing: its saturation point is ringed and named.
    sw = plots.load_sweep(out)
    sat = sw.saturation.copy()
    sat["saturation_point"] = sat.point == 0
    sw.saturation = sat
    assert "saturated at 1" in texts(plots.sweep_curves(sw))


def test_comparison_bars_show_each_change_in_percent_with_pale_noise(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("run", str(MINI), "--out", str(a), "--replications", "2", "--quiet") == 0
    assert cli("run", str(MINI), "--out", str(b), "--replications", "2", "--set", "fleets.ferries.vessels=4",
               "--quiet") == 0
    png = tmp_path / "diff.png"
    assert cli("compare", str(a), str(b), "--plot", str(png), "--quiet") == 0
    assert png.read_bytes().startswith(PNG_MAGIC)
    from corridor_sim.api import compare

    table = compare(a, b)
    fig = plots.comparison_bars(table, metrics=["delivered_tonnes_per_year"])
    bar = fig.axes[0].patches[0]
    row = table.set_index("metric").loc["delivered_tonnes_per_year"]
    assert bar.get_width() == pytest.approx(row.diff_pct)
    real = row.diff_ci95_low > 0 or row.diff_ci95_high < 0
    assert bar.get_alpha() == (0.9 if real else 0.35)


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


class Page(HTMLParser):
    """Collects the title, the images and every element with a data-kpi attribute."""

    def __init__(self):
        super().__init__()
        self.title, self.imgs, self.kpis, self.links, self._in_title = "", [], {}, [], False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self._in_title = tag == "title"
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        for key in ("src", "href"):
            if a.get(key):
                self.links.append(a[key])
        if "data-kpi" in a:
            self.kpis.setdefault(a["data-kpi"], float(a["data-value"]))

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(page: str) -> Page:
    p = Page()
    p.feed(page)
    return p


def test_report_of_a_run_holds_its_kpis_figures_scenario_and_provenance(run_dir):
    html = render_report(run_dir)  # embeds the PNGs that run --plots wrote
    page = parse(html)
    s = json.loads((run_dir / "summary.json").read_text())
    assert page.title == "corridor-sim report: mini_corridor"
    assert page.kpis["delivered_tonnes_per_year"] == s["kpis"]["delivered_tonnes_per_year"]["mean"]
    for flow, t in s["kpis"]["transit_days"].items():
        if t["n"]:
            assert page.kpis[f"transit_days.{flow}.p95"] == t["p95"]
    assert len(page.imgs) == len(FIGURES) and all(src.startswith("data:image/png;base64,") for src in page.imgs)
    assert not [u for u in page.links if not u.startswith(("#", "data:"))], "the page links outside itself"
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//|@import|url\(\s*[\"']?http", html)
    assert s["bottlenecks"][0]["name"] in html and s["stability"]["message"] in html
    assert "<details><summary>scenario.resolved.yaml" in html and "port_a:" in html
    assert f"<dt>git commit</dt><dd>{s['git_commit'] or '–'}</dd>" in html  # the commit, or a dash if none


def test_report_of_replications_gives_the_intervals(reps_dir):
    page_html = render_report(reps_dir)
    page = parse(page_html)
    s = json.loads((reps_dir / "summary.json").read_text())
    kpi = s["kpis"]["delivered_tonnes_per_year"]
    assert page.kpis["delivered_tonnes_per_year"] == kpi["mean"]
    assert f"{kpi['ci95'][0]:,.0f} – {kpi['ci95'][1]:,.0f}" in page_html
    assert "95% interval" in page_html and "2 of 2 replications" in page_html
    assert (reps_dir / "map.png").read_bytes().startswith(PNG_MAGIC)  # run --replications N --plots


def test_report_draws_the_figures_itself_when_the_run_has_none(mini_corridor, tmp_path):
    from corridor_sim.output import write_run

    out = write_run(tmp_path / "bare", mini_corridor.summary, mini_corridor.resolved, mini_corridor.records)
    page = parse(render_report(out))
    assert len(page.imgs) == len(FIGURES) and all(len(src) > 20_000 for src in page.imgs)


def test_report_command_writes_the_file_and_rejects_a_directory_that_is_not_a_run(run_dir, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert cli("report", str(run_dir), "--out", str(out)) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    capsys.readouterr()
    for bad, why in ((tmp_path, "not a corridor-sim run directory"), (tmp_path / "nope", "no such directory")):
        assert cli("report", str(bad), "--out", str(tmp_path / "x.html")) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("error: ") and why in err
    assert not (tmp_path / "x.html").exists()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Chromium's own background services (update checks, sign-in), which the flags cannot all silence;
# the proxy flag sends them to a closed local port, so nothing leaves the machine.
BROWSER_HOSTS = re.compile(r"^https?://([a-z0-9-]+\.)*(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)[/:]")


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                    reason="chromium is not installed here (apt-get install chromium); .ci/run installs it")
def test_report_renders_in_headless_chromium_offline_with_every_figure(run_dir, tmp_path):
    assert CHROMIUM, "CI must render the report: .ci/run installs Debian's chromium"
    report = tmp_path / "report.html"
    assert cli("report", str(run_dir), "--out", str(report)) == 0
    dom, requested = _render_in_chromium(report, tmp_path)
    page = parse(dom)
    s = json.loads((run_dir / "summary.json").read_text())
    assert page.title == "corridor-sim report: mini_corridor"
    assert page.kpis["delivered_tonnes_per_year"] == s["kpis"]["delivered_tonnes_per_year"]["mean"]
    tonnes = f"{s['kpis']['delivered_tonnes_per_year']['mean']:,.0f}"
    assert 'data-kpi="delivered_tonnes_per_year"' in dom and f">{tonnes}</div>" in dom
    # The page's own script counted the decoded images (naturalWidth > 0) after load.
    check = re.search(r'id="render-check"[^>]*data-images="(\d+)" data-images-ok="(\d+)"', dom)
    assert check and check.group(1) == check.group(2) == str(len(FIGURES))
    external = [u for u in requested if re.match(r"^(https?|wss?|ftp):", u) and not BROWSER_HOSTS.match(u)]
    assert not external, f"the report made network requests: {external}"


def _render_in_chromium(report: Path, tmp_path: Path) -> tuple[str, set[str]]:
    """The page's DOM after load in headless Chromium, and every URL it requested."""
    netlog = tmp_path / "netlog.json"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--proxy-server=127.0.0.1:9", f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000",
           f"--log-net-log={netlog}"]
    dom = subprocess.run(cmd + ["--dump-dom", report.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout
    return dom, set(re.findall(r'"url":\s*"([^"]+)"', netlog.read_text()))


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                    reason="chromium is not installed here (apt-get install chromium); .ci/run installs it")
def test_sweep_report_renders_in_headless_chromium_offline_with_every_figure(sweep_dir, tmp_path):
    assert CHROMIUM, "CI must render the report: .ci/run installs Debian's chromium"
    report = sweep_dir / "report-chromium.html"   # beside its runs, as it is read
    assert cli("report", str(sweep_dir), "--out", str(report)) == 0
    dom, requested = _render_in_chromium(report, tmp_path)
    assert parse(dom).title == "corridor-sim sweep report: mini_corridor"
    check = re.search(r'id="render-check"[^>]*data-images="(\d+)" data-images-ok="(\d+)"', dom)
    assert check and check.group(1) == check.group(2) == "3"
    external = [u for u in requested if re.match(r"^(https?|wss?|ftp):", u) and not BROWSER_HOSTS.match(u)]
    assert not external, f"the report made network requests: {external}"


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep") / "ferries"
    assert cli("sweep", str(MINI), "--vary", "fleets.ferries.vessels=1,2,3", "--replications", "2",
               "--out", str(out), "--quiet") == 0
    return out


def test_report_of_a_sweep_gives_the_grid_the_curves_the_verdict_and_every_run(sweep_dir):
    assert cli("report", str(sweep_dir)) == 0
    html = (sweep_dir / "report.html").read_text()
    page = parse(html)
    summary = pd.read_parquet(sweep_dir / "summary.parquet")
    assert page.title == "corridor-sim sweep report: mini_corridor"
    # tonnes, TEU and consignments against the varied parameter, drawn for the page
    assert len(page.imgs) == 3 and all(src.startswith("data:image/png;base64,") and len(src) > 10_000
                                       for src in page.imgs)
    # the grid: one row per point, the exact means and intervals of summary.parquet
    rows = re.findall(r'<tr data-point="(\d+)">(.*?)</tr>', html)
    assert [int(p) for p, _ in rows] == summary.point.tolist()
    for (_, cells), (_, r) in zip(rows, summary.iterrows()):
        values = [float(v) for v in re.findall(r'data-value="([^"]+)"', cells)]
        assert values[0] == r.delivered_tonnes_per_year
        lo, hi = re.search(r'data-ci95="([^,]+),([^"]+)"', cells).groups()
        assert (float(lo), float(hi)) == (r.delivered_tonnes_per_year_ci95_low, r.delivered_tonnes_per_year_ci95_high)
        gain = r["gain_pct[fleets.ferries.vessels]"]
        assert values[3:] == ([] if pd.isna(gain) else [gain])   # after tonnes, TEU, consignments
    assert "<b>fleets.ferries.vessels</b>" in html          # the saturation verdict per parameter
    # every run directory is linked (relative: the page travels with its directory), nothing else outside
    runs = sorted(p.name for p in (sweep_dir / "runs").iterdir())
    assert sorted(u for u in page.links if u.startswith("runs/")) == [f"runs/{r}/" for r in runs]
    assert not [u for u in page.links if not u.startswith(("#", "data:", "runs/"))]
    info = json.loads((sweep_dir / "sweep.json").read_text())
    assert f"<dt>git commit</dt><dd>{info['git_commit'] or '–'}</dd>" in html  # the commit, or a dash if none
