"""The Caspian crossing and the borders as they operate: vessels that never sail empty past cargo waiting
for them, ferry decks shared by wagons and trucks, fleets on several lines, timetables, embargoes, empties
coming back, drafts limited by port depth, border traffic of other routes, and transit on two clocks."""

import math

import numpy as np
import pytest

from corridor_sim.api import run
from corridor_sim.scenario import ScenarioError, load_scenario

from conftest import DATA

AT_ONE_PORT = DATA / "fleet_at_one_port.yaml"
HUB = DATA / "caspian_hub.yaml"
TIMETABLE = "fleets.ferries.timetable={every_hours: 48, offset_hours: 6}"


@pytest.fixture(scope="module")
def hub():
    return run(HUB)


@pytest.fixture(scope="module")
def timetabled():
    return run(HUB, overrides=[TIMETABLE])


def test_no_vessel_sails_empty_while_the_cargo_it_waited_for_sails_on_another():
    """Six ferries wait at one port for little cargo with a 6-hour maximum wait. Before, each gathered on
    its own: the first took the cargo, the others' waits ran out and they sailed empty (59% of the
    sailings). Now one gathers at a time, in turn: no sailing in the loaded direction goes empty."""
    result = run(AT_ONE_PORT)
    v = result.voyages
    loaded_way = v[v.origin == "port_a"]
    assert len(loaded_way) > 50
    assert (loaded_way.consignments > 0).all()
    assert result.summary["sea"]["ports"]["port_a"]["empty_sailings_share"] == 0.0
    assert result.summary["mass_balance"]["balanced"]


def test_ferry_decks_carry_wagons_and_trucks_together_within_their_lane_metres(hub):
    v = hub.voyages
    out_of_kuryk = v[v.origin == "kuryk"]
    assert ((out_of_kuryk.wagons > 0) & (out_of_kuryk.vehicles > 0)).any()      # both on one sailing
    line = {snap.line: snap for snap in hub.records.lines}
    for name, sailings in v.groupby("line"):
        assert (sailings.load <= line[name].capacity + 1e-6).all(), name        # never more than the deck
    # The deck used is the wagons' and the trucks' lengths (15 m and 16.5 m here), empties included.
    used = 15.0 * (v.wagons + v.empty_wagons) + 16.5 * (v.vehicles + v.empty_vehicles)
    assert np.allclose(v.load, used)
    ports = hub.summary["sea"]["ports"]["kuryk"]
    assert ports["wagons_per_call"] > 0 and ports["vehicles_per_call"] > 0


def test_the_draft_and_the_port_depth_decide_what_a_vessel_may_load():
    """(depth − clearance − light draft) / (loaded − light draft) of 900 lane metres, at the shallower port."""
    shallow = run(HUB, overrides=["horizon_days=30"]).records.lines
    dredged = run(HUB, overrides=["horizon_days=30", "nodes.kuryk.depth_m=5.0"]).records.lines
    capacity = {s.line: s.capacity for s in shallow}
    assert capacity["kuryk_alat"] == pytest.approx(900 * (4.0 - 0.3 - 3.0) / (4.6 - 3.0))
    assert capacity["turkmen_alat"] == pytest.approx(900 * (4.5 - 0.3 - 3.0) / (4.6 - 3.0))
    assert {s.line: s.capacity for s in dredged}["kuryk_alat"] == pytest.approx(900)   # deep enough for a full load
    with pytest.raises(ScenarioError, match="cannot load at all"):
        load_scenario(HUB, ["nodes.kuryk.depth_m=3.2"])
    with pytest.raises(ScenarioError, match="nodes.kuryk.depth_m: fleet 'ferries' has a draft"):
        load_scenario(HUB, ["nodes.kuryk.depth_m=null"])


def test_one_fleet_serves_two_lines_from_the_hub(hub):
    lines = hub.summary["sea"]["lines"]
    assert lines["kuryk_alat"]["sailings_per_year"] > 100 and lines["turkmen_alat"]["sailings_per_year"] > 20
    delivered = hub.summary["kpis"]["delivered_tonnes_per_year_by_flow"]
    demand = hub.summary["kpis"]["demand_tonnes_per_year_by_flow"]
    for flow in ("china_wagons", "steppe_wagons", "steppe_trucks"):
        assert delivered[flow]["mean"] > 0.8 * demand[flow]["mean"], flow


def test_fixed_shares_send_each_line_its_share_of_the_sailings():
    """With cargo waiting on both lines (more than the fleet can carry), the dispatcher keeps each line at
    its share of the sailings; shares only choose among lines with cargo, so no line gets empty sailings
    for the sake of its share."""
    busy = ["flows.china_wagons.tonnes_per_year=600000", "flows.steppe_wagons.tonnes_per_year=600000"]
    shares = ["fleets.ferries.dispatch=fixed_shares", "links.kuryk_alat.share=0.7", "links.turkmen_alat.share=0.3"]

    def turkmen_share(overrides):
        lines = run(HUB, overrides=busy + overrides).summary["sea"]["lines"]
        kuryk, turkmen = lines["kuryk_alat"]["sailings_per_year"], lines["turkmen_alat"]["sailings_per_year"]
        return turkmen / (kuryk + turkmen)

    assert turkmen_share(shares) == pytest.approx(0.3, abs=0.03)
    assert abs(turkmen_share([]) - 0.3) > 0.05     # most_cargo sends them elsewhere
    with pytest.raises(ScenarioError, match="fixed_shares needs a share on each of its links: turkmen_alat"):
        load_scenario(HUB, ["fleets.ferries.dispatch=fixed_shares", "links.kuryk_alat.share=1"])


def test_a_timetabled_fleet_leaves_at_its_slots(timetabled):
    """Departures from a line's `from` port at 6, 54, 102 h …, from its other end half a period later;
    no weather here, so a vessel leaves at its slot unless it came in late."""
    v = timetabled.voyages
    assert v.slot.notna().all()
    from_port = {"kuryk_alat": "kuryk", "turkmen_alat": "turkmen"}
    for line, sailings in v.groupby("line"):
        offset = np.where(sailings.origin == from_port[line], 6.0, 6.0 + 24.0)
        assert np.allclose((sailings.slot - offset) % 48.0, 0.0), line
        assert (sailings.departed >= sailings.slot - 1e-9).all(), line
    kuryk = timetabled.summary["sea"]["lines"]["kuryk_alat"]
    assert kuryk["on_time_share"] == 1.0 and kuryk["cancelled_departures"] == 0
    assert len(v[(v.line == "kuryk_alat") & (v.origin == "kuryk")]) >= 150 / 2 - 2      # one every 48 h


def test_an_embargo_holds_cargo_at_its_origin_and_loses_none():
    """A fleet of one ferry cannot keep up at Kuryk: the railways stop sending wagons there above 60
    waiting and start again below 30. The held cargo waits at its origin: in the system, never dropped."""
    result = run(HUB, overrides=["fleets.ferries.vessels=1", "nodes.kuryk.embargo={unit: wagons, limit: 60, "
                                                                  "release: 30}"])
    embargo = next(r for r in result.summary["resources"] if r["name"] == "embargo:kuryk")
    assert embargo["kind"] == "embargo" and embargo["element"] == "nodes.kuryk.embargo"
    assert embargo["embargo_days"] > 5 and embargo["held_tonnes"] > 0
    assert embargo["mean_wait_hours"] > 0                 # the extra transit it causes
    assert result.summary["mass_balance"]["balanced"]
    held = [t for t in result.records.in_transit if t.holder == "embargo at kuryk"]
    assert all(t.flow in ("china_wagons", "steppe_trucks") for t in held)  # only what sails from kuryk
    assert embargo["utilization"] == pytest.approx(embargo["embargo_days"] * 24 / (150 * 24))


def test_empties_come_back_across_the_sea_and_take_deck_space(hub):
    v = hub.voyages
    back = v[v.origin == "alat"]
    assert back.empty_wagons.sum() > 0 and back.empty_vehicles.sum() > 0
    loaded_wagons = v[(v.origin == "kuryk")].wagons.sum()
    # Every China wagon comes back (share 1) a few days after its delivery: nearly as many as went out.
    assert back[back.line == "kuryk_alat"].empty_wagons.sum() == pytest.approx(loaded_wagons, rel=0.25)
    assert (hub.deliveries.consignment >= 0).all()                    # empties are no freight
    assert not [t for t in hub.records.in_transit if t.consignment < 0]
    assert hub.summary["mass_balance"]["balanced"]


def test_trains_of_other_routes_take_the_border_tracks():
    quiet = run(HUB, overrides=["nodes.gateway.station.background_trains_per_day=0", "horizon_days=60"])
    busy = run(HUB, overrides=["horizon_days=60"])

    def station(result):
        return next(r for r in result.summary["resources"] if r["name"] == "station:gateway")

    assert station(busy)["arrivals"] > station(quiet)["arrivals"] + 100        # ~3 more trains a day
    assert station(busy)["utilization"] > station(quiet)["utilization"]


def test_transit_is_timed_from_cargo_ready_and_from_departure_at_the_origin(hub):
    kpis = hub.summary["kpis"]
    for flow, ready in kpis["transit_days"].items():
        departed = kpis["transit_days_from_departure"][flow]
        if ready["n"]:
            assert departed["n"] == ready["n"]
            assert departed["mean"] <= ready["mean"], flow
    for flow in ("china_wagons", "steppe_wagons"):           # trains wait to fill before they leave
        assert kpis["transit_days_from_departure"][flow]["mean"] < kpis["transit_days"][flow]["mean"] - 0.1
    d = hub.deliveries
    assert ((d.created <= d.departed) & (d.departed <= d.delivered)).all()


def test_trucks_go_by_road_and_wagons_by_rail():
    with pytest.raises(ScenarioError, match="road cargo cannot go over link 'china_gateway', which is rail"):
        load_scenario(HUB, ["flows.steppe_trucks.origin=china", "flows.steppe_trucks.route=[gateway]"])
    with pytest.raises(ScenarioError, match="release must be below limit"):
        load_scenario(HUB, ["nodes.kuryk.embargo.release=200"])
    assert math.isfinite(run(HUB, overrides=["horizon_days=20"]).summary["kpis"]["delivered_tonnes_per_year"]["mean"])
