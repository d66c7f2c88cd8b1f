"""One answer to "what limits the corridor": the static capacity, the stability guard and the
bottleneck ranking agree with each other and with the simulation.

- The static capacity is worked out by the engine's own arithmetic: on a saturated ferry line it
  is what the simulation carries (to the tonne without weather, within a few per cent with it).
- Weather and disruptions count: a port closed all but instants sails nothing, in the simulation
  and in the static capacity alike.
- A fleet's vessel-hours are split by what the vessels do, and every resource's waits by what
  the cargo waited for: a storm is told apart from a shortage of vessels.
- "Growing" means the same in the ranking as in the stability guard.
"""

import datetime as dt
import math

import numpy as np
import pytest
import simpy

from corridor_sim.api import run
from corridor_sim.model.calendar import Calendar
from corridor_sim.model.distributions import UnitExponential
from corridor_sim.model.monitor import ResourceMonitor
from corridor_sim.model.weather import PortWeather
from corridor_sim.scenario.schema import Weather

from conftest import DATA, ROOT

ONE_LINE = DATA / "one_ferry_line.yaml"
BASELINE = ROOT / "scenarios" / "baseline_2024.yaml"
NEVER_OPEN = "[" + ",".join(["0.999999"] * 12) + "]"


def weather(share: float, mean_hours: float) -> str:
    return '{"closed_share_by_month": [%s], "mean_closure_hours": %g}' % (",".join([str(share)] * 12), mean_hours)


def test_the_static_capacity_of_a_saturated_ferry_line_is_its_round_trip_arithmetic():
    s = run(ONE_LINE).summary
    # 2 vessels; a round trip is two 20 h crossings and, at each end, a 2 h call handling 50 wagons at 10 an
    # hour; the light direction rides back empty. 60 t a wagon.
    round_trip = 2 * 20 + 2 * (2 + 50 / 10)
    by_hand = 2 * 365 * 24 / round_trip * 50 * 60
    assert s["static_capacity"]["tonnes_per_year"] == pytest.approx(by_hand)
    assert s["static_capacity"]["first_to_saturate"]["element"] == "fleets.ferries"
    # ... and it is what the engine carries when the demand is more than that
    assert s["kpis"]["delivered_tonnes_per_year"]["mean"] == pytest.approx(by_hand, rel=0.002)
    assert not s["stability"]["stable"]


@pytest.mark.parametrize("share,mean_hours,ports", [(0.1, 36, ["port_a"]), (0.2, 60, ["port_a", "port_b"]),
                                                    (0.3, 48, ["port_a"])])
def test_with_storms_the_static_capacity_estimates_the_simulated_throughput_within_5_percent(share, mean_hours, ports):
    s = run(ONE_LINE, overrides=[f"nodes.{p}.weather={weather(share, mean_hours)}" for p in ports]
            + ["horizon_days=720"]).summary
    estimate = s["static_capacity"]["tonnes_per_year"]
    assert s["kpis"]["delivered_tonnes_per_year"]["mean"] == pytest.approx(estimate, rel=0.05)
    assert estimate < 2 * 365 * 24 / 54 * 50 * 60      # storms cost capacity


def test_a_port_closed_all_but_instants_sails_nothing_and_the_static_capacity_says_so():
    s = run(BASELINE, overrides=[f"nodes.kuryk.weather.closed_share_by_month={NEVER_OPEN}",
                                 f"nodes.aktau.weather.closed_share_by_month={NEVER_OPEN}",
                                 "horizon_days=90"]).summary
    lines = s["sea"]["lines"]
    assert lines["kuryk_alat"]["sailings_per_year"] == 0 and lines["aktau_alat"]["sailings_per_year"] == 0
    assert s["static_capacity"]["tonnes_per_year"] < 1000
    assert s["kpis"]["delivered_tonnes_per_year"]["mean"] < 0.05 * s["stability"]["demand_tonnes_per_year"]
    assert not s["stability"]["stable"]


def test_ports_closed_for_the_whole_window_leave_no_static_capacity_and_the_message_says_why():
    shut = '{"target": "nodes.%s", "closures": [{"start": "2024-01-01", "end": "2026-01-01"}]}'
    s = run(BASELINE, overrides=[f"disruptions.shut_kuryk={shut % 'kuryk'}", f"disruptions.shut_aktau={shut % 'aktau'}",
                                 "horizon_days=90"]).summary
    assert s["static_capacity"]["tonnes_per_year"] == 0
    assert "can carry nothing in the window" in s["stability"]["message"]
    assert "inf%" not in s["stability"]["message"]
    top = s["bottlenecks"][0]
    assert top["queue_state"] == "growing" or {"kuryk", "aktau"} & set(
        next(r for r in s["resources"] if r["name"] == top["name"])["nodes"])


def test_weather_spells_keep_the_closed_share_and_are_never_shorter_than_their_minimum():
    env = simpy.Environment()
    span = 24 * 365 * 10
    spec = Weather(closed_share_by_month=[0.5] * 6 + [0.05] * 6, mean_closure_hours=48,
                   min_closure_hours=12, min_open_hours=8)
    monitor = ResourceMonitor("w", "weather", "nodes.x.weather", 1, 0.0)
    port = PortWeather(env, spec, Calendar(dt.date(2024, 1, 1), span), UnitExponential(np.random.default_rng(5)),
                       monitor)
    changes = []
    port.listeners.append(lambda: changes.append((env.now, port.is_open)))
    env.run(until=span)
    assert monitor.busy.integral(span) / span == pytest.approx((0.5 + 0.05) / 2, abs=0.03)
    spells = np.diff([0.0] + [t for t, _ in changes])
    closed = spells[1::2]     # the port starts open: the spells alternate open, closed, open, ...
    opened = spells[2::2]
    assert closed.min() >= 12 - 1e-9 and opened.min() >= 8 - 1e-9
    assert spells[0] >= 8 - 1e-9


def test_a_share_the_minimum_open_spell_cannot_leave_room_for_keeps_the_port_shut():
    spec = Weather(closed_share_by_month=[0.999999] * 12, mean_closure_hours=60)
    env = simpy.Environment()
    monitor = ResourceMonitor("w", "weather", "nodes.x.weather", 1, 0.0)
    PortWeather(env, spec, Calendar(dt.date(2024, 1, 1), 24 * 400), UnitExponential(np.random.default_rng(1)),
                monitor)
    env.run(until=24 * 400)
    assert monitor.busy.integral(24 * 400) / (24 * 400) > 0.97    # open only for its first six hours


def test_mean_closure_below_its_minimum_is_refused():
    with pytest.raises(ValueError, match="mean_closure_hours .* below min_closure_hours"):
        Weather(closed_share_by_month=[0.1] * 12, mean_closure_hours=4, min_closure_hours=6)


@pytest.fixture(scope="module")
def baseline():
    return run(BASELINE).summary


def test_a_fleet_s_vessel_hours_are_split_by_what_the_vessels_do(baseline):
    fleets = [r for r in baseline["resources"] if r["kind"] == "fleet"]
    assert fleets
    for r in fleets:
        shares = r["time_shares"]
        assert sum(shares.values()) == pytest.approx(1.0, abs=1e-9), r["name"]
        # working is sailing and handling; held by a storm or idle is not
        assert r["utilization"] == pytest.approx(shares["sailing_loaded"] + shares["sailing_empty"]
                                                 + shares["handling"], abs=1e-9)
        assert r["occupancy"] == pytest.approx(1 - shares["idle"], abs=1e-9)
    kuryk = next(r for r in fleets if r["name"] == "fleet:asco_ferries")
    assert kuryk["time_shares"]["port_closed"] > 0.01            # Caspian storms hold the ferries


def test_every_resource_s_waits_are_split_by_cause_and_add_up(baseline):
    for r in baseline["resources"]:
        assert sum(r["waits_by_cause"].values()) == pytest.approx(r["wait_tonne_hours"], rel=1e-9, abs=1e-6), r["name"]
    total = baseline["waits_by_cause"]
    assert set(total) <= {"capacity", "load", "timetable", "port_closed", "yard_full", "embargo"}
    assert total["port_closed"] > 0 and total["load"] > 0


def test_berths_held_by_vessels_waiting_alongside_are_occupied_but_not_working(baseline):
    berths = [r for r in baseline["resources"] if r["kind"] == "berth" and r["occupancy"] > 0]
    assert berths and all(r["utilization"] <= r["occupancy"] + 1e-12 for r in berths)
    assert any(r["utilization"] < r["occupancy"] - 0.01 for r in berths)


@pytest.mark.parametrize("scenario,overrides", [
    (BASELINE, []),
    (DATA / "tiny.yaml", ["flows.demand.tonnes_per_year=20000", "horizon_days=120"]),
    (ONE_LINE, []),
])
def test_growing_means_the_same_in_the_ranking_and_in_the_stability_guard(scenario, overrides):
    s = run(scenario, overrides=overrides).summary
    overloaded = {o["name"] for o in s["stability"]["overloaded"]}
    growing = {r["name"] for r in s["resources"] if r["queue_state"] == "growing"}
    assert overloaded == growing
    assert s["stability"]["stable"] == (not growing)
    for b in s["bottlenecks"]:
        assert (b["queue_state"] == "growing") == (b["name"] in overloaded)
        assert ("growing without bound" in b["reason"]) == (b["name"] in overloaded)
    # growing queues rank first
    states = [b["queue_state"] == "growing" for b in s["bottlenecks"]]
    assert states == sorted(states, reverse=True)


def test_the_static_capacity_lists_every_loaded_element_most_loaded_first(baseline):
    elements = baseline["static_capacity"]["elements"]
    loads = [e["demand_over_capacity"] for e in elements]
    assert loads == sorted(loads, reverse=True) and all(x > 0 for x in loads)
    first = baseline["static_capacity"]["first_to_saturate"]
    assert first["element"] == elements[0]["element"]
    demand = sum(v["mean"] for v in baseline["kpis"]["demand_tonnes_per_year_by_flow"].values())
    assert baseline["static_capacity"]["tonnes_per_year"] == pytest.approx(demand / loads[0])
    assert not any(math.isinf(x) for x in loads)
