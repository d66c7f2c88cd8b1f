"""`corridor-sim levers`: what limits the corridor, and what each lever buys.

    corridor-sim levers SCENARIO --out DIR [--replications N] [--top K] [--lever path=value ...]

In the small test corridor two ferries cannot carry the demand: the ferry fleet is what both
the ranking and the static load point at, and a third ferry must show a real gain in tonnes,
measured against the base replication by replication (common random numbers). A bigger yard
in front of the ferries buys nothing: cargo waits in it for the same ferries.
"""

import json
import shutil
import signal

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from corridor_sim.cli import cli
from corridor_sim.experiment import ExperimentInterrupted, compare, levers
from corridor_sim.experiment.candidates import BOTH, RANKING, STATIC, levers_for, limiting_elements
from corridor_sim.scenario import load_scenario

from conftest import DATA, ROOT

MINI = DATA / "mini_corridor.yaml"
ONE_LINE = DATA / "one_ferry_line.yaml"
OPTIONS = dict(replications=3, top=2, levers=["nodes.customs.station.servers=3"])


@pytest.fixture(scope="module")
def done(tmp_path_factory):
    out = tmp_path_factory.mktemp("levers") / "mini"
    result = CliRunner().invoke(cli, ["levers", str(MINI), "--replications", "3", "--top", "2", "--workers", "2",
                                      "--lever", "nodes.customs.station.servers=3", "--out", str(out)],
                                terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output, out, json.loads((out / "levers.json").read_text())


def test_a_vessel_added_to_the_saturated_fleet_is_a_real_gain(done):
    output, _, info = done
    first = info["levers"][0]
    assert (first["rank"], first["path"], first["value"], first["base_value"]) == (1, "fleets.ferries.vessels", 3, 2)
    gain = first["gain_tonnes_per_year"]
    low, high = gain["ci95"]
    assert gain["real"] and 0 < low < gain["mean"] < high   # a real gain, with an interval of its own
    assert gain["mean"] > 0.2 * info["base"]["delivered_tonnes_per_year"]["mean"]
    assert "tonnes" in first["buys"] and first["real"]
    for group in ("wagons_west", "boxes_west"):   # the wagons and boxes also wait days less for a ferry
        assert first["days_saved"][group]["mean"]["real"] and first["days_saved"][group]["mean"]["mean"] > 1
    assert "What limits the corridor" in output and "What each lever buys" in output
    assert "one more vessel for" in output and "lever-000" in output


def test_the_elements_both_diagnostics_point_at_come_first_and_say_so(done):
    _, _, info = done
    limiting = info["limiting"]
    assert [(e["element"], e["pointed_at_by"]) for e in limiting] == [("fleets.ferries", BOTH),
                                                                      ("nodes.port_a.yard", RANKING)]
    ferries, yard = limiting
    assert ferries["resource"] == "fleet:ferries" and ferries["demand_over_capacity"] > 1
    assert yard["rank"] == 1 and yard["demand_over_capacity"] is None      # ranked first, no static load
    built = {e["id"]: e for e in info["levers"]}
    assert [built[i]["path"] for i in ferries["levers"]] == ["fleets.ferries.vessels", "fleets.ferries.timetable"]
    assert [built[i]["path"] for i in yard["levers"]] == ["nodes.port_a.yard"]
    # the bigger yard buys no tonnes: its interval includes 0
    low, high = built[yard["levers"][0]]["gain_tonnes_per_year"]["ci95"]
    assert low < 0 < high and not built[yard["levers"][0]]["gain_tonnes_per_year"]["real"]


def test_levers_json_holds_every_lever_ranked_with_its_intervals_and_the_base_diagnostics(done):
    _, out, info = done
    assert info["scenario"] == "mini_corridor" and info["replications"] == 3 and info["top"] == 2
    assert info["measures"] == {"tonnes": "delivered_tonnes_per_year",
                                "days": {"wagons_west": "transit_days.wagons_west",
                                         "boxes_west": "transit_days.boxes_west"}}
    assert [e["rank"] for e in info["levers"]] == [1, 2, 3, 4]
    assert sorted(e["id"] for e in info["levers"]) == ["lever-000", "lever-001", "lever-002", "lever-003"]
    for e in info["levers"]:
        assert set(e) >= {"lever", "path", "value", "gain_tonnes_per_year", "days_saved", "real", "buys", "costs"}
        for stat in [e["gain_tonnes_per_year"]] + [s for g in e["days_saved"].values() for s in g.values()]:
            assert set(stat) == {"mean", "ci95", "real"} and len(stat["ci95"]) == 2
            assert stat["real"] == (stat["ci95"][0] > 0 or stat["ci95"][1] < 0)
        assert e["real"] == bool(e["buys"] or e["costs"])
        assert (out / e["dir"] / "summary.json").is_file() and e["runs_ok"] == 3
    mine = next(e for e in info["levers"] if e["source"] == "user")
    assert (mine["path"], mine["value"], mine["base_value"], mine["element"]) == \
        ("nodes.customs.station.servers", 3, 2, None)
    # tonnes: real gains first, real losses last
    tonnes = [e["gain_tonnes_per_year"] for e in info["levers"]]
    assert tonnes[0]["real"] and tonnes[0]["mean"] > 0
    assert all(t["mean"] < 0 for t in tonnes[1:] if t["real"])
    base = info["base"]
    assert base["dir"] == "base" and base["demand_tonnes_per_year"] == 550_000
    assert base["stability"]["stable"] is False and base["bottlenecks"][0]["name"] == "yard:port_a.wagons"
    assert set(info["by_days_saved"]) == {"wagons_west", "boxes_west"}
    assert info["by_days_saved"]["wagons_west"]["mean"][0] == "lever-000"
    assert info["runs"] == 3 + 4 * 3 and info["runs_ok"] == info["runs"] and info["failed"] == []
    gains = pd.read_parquet(out / "gains.parquet")
    assert len(gains) == 4 * 5 and set(gains.measure) == {"delivered_tonnes_per_year",
                                                         "transit_days.wagons_west.mean", "transit_days.wagons_west.p95",
                                                         "transit_days.boxes_west.mean", "transit_days.boxes_west.p95"}


def test_each_lever_is_what_compare_says_of_its_directory_against_the_base(done):
    _, out, info = done
    for e in info["levers"][:2]:
        table = compare(out / "base", out / e["dir"]).set_index("metric")
        tonnes = table.loc["delivered_tonnes_per_year"]
        assert tonnes["method"] == "paired"
        assert [tonnes["diff"], tonnes["diff_ci95_low"], tonnes["diff_ci95_high"]] == pytest.approx(
            [e["gain_tonnes_per_year"]["mean"], *e["gain_tonnes_per_year"]["ci95"]])
        days = table.loc["transit_days.wagons_west.p95"]   # lower is better: days saved = - (B - A)
        saved = e["days_saved"]["wagons_west"]["p95"]
        assert [-days["diff"], -days["diff_ci95_high"], -days["diff_ci95_low"]] == pytest.approx(
            [saved["mean"], *saved["ci95"]])


def test_an_interrupted_levers_run_resumes_with_what_is_missing_and_ranks_the_same(done, tmp_path):
    _, _, whole = done
    out = tmp_path / "levers"
    calls = []

    def stop_after_five(finished, total):
        calls.append((finished, total))
        if finished >= 5:     # the base's three runs and two of the levers'
            raise KeyboardInterrupt

    with pytest.raises(ExperimentInterrupted) as stopped:
        levers(MINI, out=out, progress=stop_after_five, **OPTIONS)
    assert (stopped.value.finished, stopped.value.total) == (5, 15)   # the base's runs counted with the levers'
    assert not (out / "levers.json").exists()
    assert not (out / "levers.json").exists() and (out / "base" / "summary.json").is_file()
    finished = sorted(p.parent.parent.name + "/" + p.name for p in out.glob("levers/*/replications/rep-*"))
    assert finished == ["lever-000/rep-0000", "lever-000/rep-0001"]

    calls.clear()
    result = levers(MINI, out=out, resume=True, progress=lambda d, total: calls.append((d, total)), **OPTIONS)
    assert calls[0] == (3, 3) and calls[1] == (5, 15)       # nothing of the base run again; two levers' runs kept
    strip = lambda e: {k: v for k, v in e.items() if k != "runs_ok"}  # noqa: E731
    assert [strip(e) for e in result.info["levers"]] == [strip(e) for e in whole["levers"]]
    assert result.info["limiting"] == whole["limiting"]
    assert json.loads((out / "levers.json").read_text())["levers"] == result.info["levers"]


def test_a_third_ferry_on_one_saturated_line_buys_what_its_round_trips_carry(tmp_path):
    """No weather and fixed times: two ferries carry their round trips' worth, three carry half as much
    again (the demand, 1.5 Mt, is more than three can carry)."""
    result = levers(ONE_LINE, replications=2, top=1, out=tmp_path / "one")
    first = result.info["levers"][0]
    base = result.info["base"]["delivered_tonnes_per_year"]["mean"]
    assert first["path"] == "fleets.ferries.vessels"
    assert first["gain_tonnes_per_year"]["mean"] == pytest.approx(0.5 * base, rel=0.01)
    assert first["gain_tonnes_per_year"]["real"]


def test_the_limiting_elements_are_both_first_then_the_ranking_and_the_static_load_in_turn():
    summary = {
        "resources": [{"name": n, "element": e, "kind": k} for n, e, k in (
            ("yard:a.wagons", "nodes.a.yard", "yard"), ("fleet:f", "fleets.f", "fleet"),
            ("weather:a", "nodes.a.weather", "weather"), ("station:s", "nodes.s.station", "station"))],
        "bottlenecks": [{"name": "yard:a.wagons"}, {"name": "weather:a"}, {"name": "fleet:f"}],
        "static_capacity": {"elements": [{"element": "links.r", "demand_over_capacity": {"mean": 0.9}},
                                         {"element": "fleets.f", "demand_over_capacity": {"mean": 0.7}},
                                         {"element": "nodes.s.station", "demand_over_capacity": {"mean": 0.4}}]},
    }
    order = [(e.element, e.pointed_at_by, e.rank) for e in limiting_elements(summary)]
    assert order == [("fleets.f", BOTH, 3), ("nodes.a.yard", RANKING, 1), ("links.r", STATIC, None),
                     ("nodes.a.weather", RANKING, 2), ("nodes.s.station", STATIC, None)]


def test_each_kind_of_element_gets_its_levers():
    sc, _ = load_scenario(ROOT / "scenarios" / "target_2030.yaml")
    summary = {"sea": {"lines": {"kuryk_alat": {"sailings_per_year": {"mean": 1000.0}}}}}

    def built(element):
        found, why = levers_for(element, sc, summary)
        return {lever.path: lever.value for lever in found}, why

    station, _ = built("nodes.dostyk.station")
    assert station["nodes.dostyk.station.servers"] == sc.nodes["dostyk"].station.servers + 1
    dwell = station["nodes.dostyk.station.dwell_hours"]   # a lognormal dwell: 25% shorter, as variable
    assert dwell == {"dist": "lognormal", "mean": 54.0, "cv": 0.8}
    assert built("nodes.alat.berths.ferry")[0] == {"nodes.alat.berths.ferry.count": 3}
    paths = sc.links["tbilisi_akhalkalaki"].capacity_trains_per_day
    assert built("links.tbilisi_akhalkalaki")[0] == {"links.tbilisi_akhalkalaki.capacity_trains_per_day": paths * 1.25}
    assert built("links.sangachal_ceyhan")[0] == {"links.sangachal_ceyhan.capacity_tonnes_per_year": 2_750_000}
    fleet, _ = built("fleets.asco_ferries")
    assert fleet["fleets.asco_ferries.vessels"] == sc.fleets["asco_ferries"].vessels + 1
    assert set(fleet) == {"fleets.asco_ferries.vessels", "fleets.asco_ferries.timetable"}
    yard, _ = built("nodes.alat.yard")
    assert yard["nodes.alat.yard"]["capacity_vehicles"] == sc.nodes["alat"].yard.capacity_vehicles * 1.25
    pool = next(iter(sc.rolling_stock))
    assert list(built(f"rolling_stock.{pool}")[0].values()) == [-(-sc.rolling_stock[pool].count * 5 // 4)]
    nothing, why = built("nodes.kuryk.weather")
    assert nothing == {} and "storms" in why


def test_levers_take_a_scenario_and_overrides_as_the_other_experiments_do():
    from corridor_sim import api

    mapping = yaml.safe_load(ONE_LINE.read_text())
    result = api.levers(mapping, overrides={"horizon_days": 60}, replications=2, top=1)
    assert isinstance(result, api.LeverResult) and result.info["scenario_file"] == "(scenario mapping)"
    assert result.info["overrides"] == ["horizon_days=60"]
    assert result.info["levers"][0]["path"] == "fleets.ferries.vessels" and result.out is None
    assert len(repr(result)) < 250 and repr(result).startswith("LeverResult(one_ferry_line: 2 levers on 1 limiting")
    assert len(result._repr_html_()) < 3000


def test_a_levers_directory_is_corridor_sims_own_to_replace_and_nothing_else_is(done, tmp_path):
    """--out may replace an earlier levers directory (its base/ and levers/ are replications directories),
    never one into which something else was put."""
    from corridor_sim.ownership import check_out, foreign_entries

    _, out, _ = done
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    assert foreign_entries(copy) == []
    check_out(copy)                                            # may be replaced by a new levers run
    shutil.rmtree(copy / "levers" / "lever-001")
    (copy / "levers.json").unlink()                            # an interrupted one: its base still marks it ours
    check_out(copy)
    (copy / "levers" / "notes.txt").write_text("mine")
    (copy / "base" / "replications" / "rep-0000" / "plot.svg").write_text("mine")
    assert foreign_entries(copy) == ["base/replications/rep-0000/plot.svg", "levers/notes.txt"]


def test_a_stop_while_the_levers_run_stops_them_though_the_base_is_in_place(tmp_path):
    """The base is put in place before the levers run: that is not the command's last result, so a
    Ctrl-C after it still stops the command (with the finished runs kept)."""
    from corridor_sim.stopping import install_stop_handler, restore_signals

    stop, saved = install_stop_handler()   # as in the command (restored after the test)
    stop.arm()

    def ctrl_c_in_the_levers(done_, total):
        if done_ == 2 and total > 2:   # the base's two runs done and in place, the levers' about to run
            signal.raise_signal(signal.SIGINT)

    out = tmp_path / "out"
    try:
        with pytest.raises(ExperimentInterrupted):
            levers(ONE_LINE, replications=2, top=1, out=out, progress=ctrl_c_in_the_levers,
                   overrides={"horizon_days": 60})
    finally:
        restore_signals(saved)
    assert (out / "base" / "summary.json").is_file() and not (out / "levers.json").exists()


def test_levers_that_would_take_more_runs_than_one_experiment_allows_are_refused_before_any_runs(tmp_path):
    out = tmp_path / "many"
    result = CliRunner().invoke(cli, ["levers", str(MINI), "--replications", "6000", "--top", "0",
                                      "--lever", "nodes.customs.station.servers=3", "--out", str(out)],
                                terminal_width=200)
    assert result.exit_code == 2, result.output
    assert "--replications of the base and its 1 lever make 12,000 runs" in result.output and "at most 10,000" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not out.exists()
