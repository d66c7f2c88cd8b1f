"""Judging a change on a KPI: which way is better, what the paired gain is, and the three verdicts.

A step of a swept parameter *grows* (a real gain of at least --min-gain), is *flat* (its interval
rules out such a gain: saturated) or is *unclear* (the interval is too wide to tell: not enough
replications). These are checked here on made-up replications whose answer is known, without
running the model.
"""

import pytest

from corridor_sim.experiment import ExperimentError
from corridor_sim.experiment.criteria import Criterion, default_criteria, parse_criteria, transit_groups
from corridor_sim.experiment.gains import family_level, paired_gain, step
from corridor_sim.experiment.saturation import judge, line_verdict
from corridor_sim.scenario import load_scenario

from conftest import DATA, ROOT

TONNES = Criterion("delivered_tonnes_per_year", "higher")
DAYS = Criterion("transit_days_by_group.china_baku.p95", "lower")


def reps(*values):
    return dict(enumerate(values))


def test_the_gain_is_positive_when_the_kpi_gets_better_whichever_way_is_better():
    more = paired_gain(TONNES, reps(100, 110, 90), reps(120, 131, 109))
    assert more.mean == pytest.approx(20) and more.low > 0 and more.real
    faster = paired_gain(DAYS, reps(30, 32, 28), reps(25, 27.5, 22.5))
    assert faster.mean == pytest.approx(5) and faster.low > 0 and faster.high > faster.low
    assert faster.before == pytest.approx(30) and faster.after == pytest.approx(25)
    slower = paired_gain(DAYS, reps(25, 27, 23), reps(30, 32.5, 27.5))
    assert slower.mean == pytest.approx(-5) and slower.high < 0 and slower.real   # real, and worse


def test_a_step_grows_is_flat_or_cannot_be_told():
    # +10% with a tight interval: grows
    assert step(paired_gain(TONNES, reps(100, 100, 100), reps(110, 111, 109)), 0.01) == "grows"
    # +0.1% with a tight interval around it: flat (a gain of 1% is ruled out)
    assert step(paired_gain(TONNES, reps(1000, 1000, 1000), reps(1001, 1000.5, 1001.5)), 0.01) == "flat"
    # a worse KPI buys nothing: flat
    assert step(paired_gain(TONNES, reps(100, 100, 100), reps(90, 91, 89)), 0.01) == "flat"
    # +2% on average but the interval runs from well below 0 to well above 1%: cannot be told
    wide = paired_gain(TONNES, reps(100, 100, 100), reps(110, 95, 101))
    assert wide.low < 0 < 1 < wide.high and step(wide, 0.01) == "unclear"
    # one replication: no interval, the gain alone decides
    assert step(paired_gain(TONNES, reps(100), reps(102)), 0.01) == "grows"
    assert step(paired_gain(TONNES, reps(100), reps(100.5)), 0.01) == "flat"


def test_a_line_is_saturated_growing_or_not_enough_replications_to_tell():
    assert line_verdict([None, "grows", "grows", "flat", "flat"]) == ("saturated", 2)
    assert line_verdict([None, "flat", "flat"]) == ("saturated", 0)
    assert line_verdict([None, "grows", "flat", "grows"]) == ("growing", 3)
    assert line_verdict([None, "grows", "unclear", "flat"]) == ("unclear", 1)
    assert line_verdict([None]) == (None, 0)


def test_several_kpis_are_judged_with_simultaneous_intervals():
    assert family_level(1) == pytest.approx(0.95)
    assert family_level(5) == pytest.approx(0.99)
    one = paired_gain(TONNES, reps(100, 100, 100), reps(110, 112, 109))
    five = paired_gain(TONNES, reps(100, 100, 100), reps(110, 112, 109), family_level(5))
    assert five.low < one.low < one.high < five.high


def test_saturation_along_a_line_judged_on_tonnes_and_days():
    """Tonnes stop at 2 vessels; days fall up to 3; at 4 the days cannot be told."""
    metrics = {0: {r: {TONNES.metric: 100 + r, DAYS.metric: 40 + r} for r in range(3)},
               1: {r: {TONNES.metric: 150 + r, DAYS.metric: 30 + r} for r in range(3)},
               2: {r: {TONNES.metric: 150.1 + r, DAYS.metric: 20 + r} for r in range(3)},
               3: {r: {TONNES.metric: 150 + r, DAYS.metric: 20 + 3 * (r - 1) * (-1) ** r} for r in range(3)}}
    params = {g: {"fleets.f.vessels": g + 1} for g in range(4)}
    keys = {g: {"fleets.f.vessels": str(g + 1)} for g in range(4)}
    order = {"fleets.f.vessels": {str(v): float(v) for v in range(1, 5)}}
    rows, marks, saturated = judge([("fleets.f.vessels", [1, 2, 3, 4])], order, params, keys, metrics,
                                   [TONNES, DAYS], 0.01)
    line = marks["fleets.f.vessels"][0]
    assert line["by_kpi"][TONNES.metric] == {"verdict": "saturated", "saturation_point": 2, "grows_up_to": 2}
    assert line["by_kpi"][DAYS.metric] == {"verdict": "unclear", "saturation_point": None, "grows_up_to": 3}
    assert line["verdict"] == "unclear" and line["saturation_point"] is None and line["grows_up_to"] == 3
    assert not any(saturated.values())
    days = [r for r in rows if r["kpi"] == DAYS.metric]
    assert [r["step"] for r in days] == [None, "grows", "grows", "unclear"]
    assert days[1]["gain"] == pytest.approx(10)   # 40 -> 30 days: 10 days saved


def test_default_kpis_are_tonnes_and_the_transit_of_every_flow_group():
    target, _ = load_scenario(ROOT / "scenarios" / "target_2030.yaml")
    groups = transit_groups(target)
    assert list(groups) == ["china_baku", "china_europe", "china_turkiye", "caspian_trucks", "europe_china",
                            "turkiye_china"]
    criteria = default_criteria(target)
    assert criteria[0] == TONNES and len(criteria) == 1 + 2 * len(groups)
    assert Criterion("transit_days_by_group.china_europe.p95", "lower") in criteria
    mini, _ = load_scenario(DATA / "mini_corridor.yaml")   # no groups: each corridor flow its own
    assert transit_groups(mini) == {"wagons_west": "transit_days.wagons_west",
                                    "boxes_west": "transit_days.boxes_west"}


def test_kpis_are_named_as_compare_names_metrics_and_checked_against_the_scenario():
    sc, _ = load_scenario(ROOT / "scenarios" / "target_2030.yaml")
    names = lambda: ["fleet:asco_ferries", "yard:alat.vehicles"]  # noqa: E731
    parsed = parse_criteria(["transit_days_by_group.china_europe.p95", "resources.fleet:asco_ferries.mean_wait_hours",
                             "resources.yard:alat.vehicles.backlog_tonnes", "delivered_teu_per_year",
                             "delivered_tonnes_per_year_by_flow.cn_alat", "transit_days.cn_poti.mean"], sc, names)
    assert [c.better for c in parsed] == ["lower", "lower", "lower", "higher", "higher", "lower"]
    for bad, fragment in (("transit_days_by_group.chna_europe.p95", "no group 'chna_europe'"),
                          ("resources.fleet:asco_feries.mean_wait_hours", "no resource 'fleet:asco_feries'"),
                          ("transit_days.cn_pot.mean", "no flow 'cn_pot'"),
                          ("resources.fleet:asco_ferries.utilization", "not a KPI an experiment can judge"),
                          ("transit_days_by_group.china_europe.p99", "not a KPI an experiment can judge")):
        with pytest.raises(ExperimentError) as err:
            parse_criteria([bad], sc, names)
        assert fragment in str(err.value) and str(err.value).startswith(f"kpis '{bad}'")
    with pytest.raises(ExperimentError, match="given twice"):
        parse_criteria(["delivered_teu_per_year", "delivered_teu_per_year"], sc, names)


def test_the_cost_and_the_emissions_of_the_corridor_are_judged_lower_is_better_where_the_runs_price_them():
    priced, _ = load_scenario(DATA / "priced_corridor.yaml")
    names = lambda: []  # noqa: E731
    parsed = parse_criteria(["corridor_generalised_cost_usd_per_teu", "co2e_tonnes_per_year"], priced, names)
    assert [c.better for c in parsed] == ["lower", "lower"]
    mini, _ = load_scenario(DATA / "mini_corridor.yaml")   # no costs: section, no cost KPI in its runs
    with pytest.raises(ExperimentError, match="the scenario has no costs: section"):
        parse_criteria(["corridor_cost_usd_per_teu"], mini, names)
