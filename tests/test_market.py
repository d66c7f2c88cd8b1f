"""The market (issue 15): logit choice on generalised cost, and the corridor's demand settled with its
performance by simulation (method of successive averages, common random numbers)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from corridor_sim.market import MultinomialLogit, NestedLogit, Option, market_equilibrium
from corridor_sim.scenario import ScenarioError, load_scenario

DATA = Path(__file__).parent / "data"
MARKET = DATA / "market_corridor.yaml"

OPTIONS = [Option("corridor", 7000, "land", 0.2), Option("northern", 6000, "land", -0.5),
           Option("suez", 8000, "sea", 1.0), Option("cape", 9500, "sea", 0.3)]
MODELS = [MultinomialLogit(0.8), NestedLogit(0.8, 0.5), NestedLogit(0.8, 1.0)]


@pytest.mark.parametrize("model", MODELS, ids=repr)
def test_shares_are_positive_and_sum_to_one(model):
    shares = model.shares(OPTIONS)
    assert set(shares) == {o.name for o in OPTIONS}
    assert all(s > 0 for s in shares.values())
    assert math.isclose(sum(shares.values()), 1.0, rel_tol=1e-12)


def test_a_nested_logit_with_nest_scale_one_is_the_multinomial_logit():
    a, b = MultinomialLogit(0.8).shares(OPTIONS), NestedLogit(0.8, 1.0).shares(OPTIONS)
    assert all(math.isclose(a[k], b[k], rel_tol=1e-12) for k in a)


def test_multinomial_shares_follow_the_logit_formula():
    v = [o.constant - 0.8 * o.cost_usd_per_teu / 1000 for o in OPTIONS]
    expected = [math.exp(x) / sum(math.exp(y) for y in v) for x in v]
    got = MultinomialLogit(0.8).shares(OPTIONS)
    assert all(math.isclose(got[o.name], e, rel_tol=1e-12) for o, e in zip(OPTIONS, expected))


@pytest.mark.parametrize("model", MODELS, ids=repr)
def test_iia_holds_within_a_nest(model):
    """The ratio of two land routes' shares does not change when a sea route changes its price."""
    before = model.shares(OPTIONS)
    dearer_sea = [Option(o.name, o.cost_usd_per_teu + (3000 if o.nest == "sea" else 0), o.nest, o.constant)
                  for o in OPTIONS]
    after = model.shares(dearer_sea)
    assert math.isclose(before["corridor"] / before["northern"], after["corridor"] / after["northern"], rel_tol=1e-9)
    assert after["corridor"] > before["corridor"]


@pytest.mark.parametrize("model", MODELS, ids=repr)
def test_a_dearer_route_loses_share_and_the_others_gain(model):
    """Own-cost elasticity negative, cross elasticities positive."""
    before = model.shares(OPTIONS)
    after = model.shares([Option(o.name, o.cost_usd_per_teu + (500 if o.name == "corridor" else 0), o.nest,
                                 o.constant) for o in OPTIONS])
    assert after["corridor"] < before["corridor"]
    assert all(after[k] > before[k] for k in before if k != "corridor")


def test_a_nest_shares_more_with_its_own_routes_than_with_the_other_nest():
    """With λ < 1 a dearer corridor sends relatively more shippers to the Northern rail route (its nest)
    than the multinomial logit does."""
    dearer = [Option(o.name, o.cost_usd_per_teu + (1000 if o.name == "corridor" else 0), o.nest, o.constant)
              for o in OPTIONS]

    def northern_gain_over_sea_gain(model):
        a, b = model.shares(OPTIONS), model.shares(dearer)
        return (b["northern"] / a["northern"]) / (b["suez"] / a["suez"])

    assert math.isclose(northern_gain_over_sea_gain(MultinomialLogit(0.8)), 1.0, rel_tol=1e-9)
    assert northern_gain_over_sea_gain(NestedLogit(0.8, 0.5)) > 1.02


def test_one_option_takes_the_whole_market():
    assert NestedLogit(1.0, 0.5).shares([Option("corridor", 1e6)]) == {"corridor": 1.0}


def test_the_equilibrium_converges_and_records_every_iteration():
    r = market_equilibrium(MARKET, replications=2)
    its = r.report["iterations"]
    assert r.report["converged"]
    assert its[-1]["move"] < 0.01 and all(it["move"] >= 0.01 for it in its[:-1])
    assert [it["iteration"] for it in its] == list(range(1, len(its) + 1))
    assert [it["step"] for it in its] == [1 / k for k in range(1, len(its) + 1)]
    for a, b in zip(its, its[1:]):    # each iteration simulates the demand the previous one settled on
        assert b["corridor_teu_per_year"] == a["next_teu_per_year"]
    routes = r.report["markets"]["east_west"]["routes"]
    assert math.isclose(sum(x["share"] for x in routes.values()), 1.0, rel_tol=1e-9)
    assert math.isclose(sum(x["teu_per_year"] for x in routes.values()), 60000, rel_tol=1e-9)


def test_the_same_scenario_and_seed_settle_on_the_same_demand():
    a = market_equilibrium(MARKET, replications=1)
    b = market_equilibrium(MARKET, replications=1)
    assert a.report["iterations"] == b.report["iterations"]


def test_an_overloaded_corridor_is_slow_and_loses_shippers():
    """Half the Caspian fleets: the corridor's cost at the full market rises, and it settles on less."""
    full = market_equilibrium(MARKET, replications=2)
    half = market_equilibrium(MARKET, replications=2, overrides=["fleets.feeders.vessels=1",
                                                                 "fleets.ferries.vessels=1"])
    share = lambda r: r.report["markets"]["east_west"]["routes"]["corridor"]["share"]   # noqa: E731
    assert share(half) < share(full) - 0.1
    # its own first iterations show it: demand up, cost up, share down
    its = full.report["iterations"]
    assert its[1]["corridor_teu_per_year"]["east_west"] > its[0]["corridor_teu_per_year"]["east_west"]
    assert its[1]["corridor_cost_usd_per_teu"]["east_west"] > its[0]["corridor_cost_usd_per_teu"]["east_west"]
    assert its[1]["corridor_share"]["east_west"] < its[0]["corridor_share"]["east_west"]


def test_a_market_with_no_competitor_keeps_its_demand():
    r = market_equilibrium(MARKET, replications=1, overrides=["market.markets.east_west.routes={}",
                                                              "market.markets.east_west.teu_per_year=7500"])
    assert r.report["converged"] and len(r.report["iterations"]) == 1
    corridor = r.report["markets"]["east_west"]["routes"]["corridor"]
    assert corridor["teu_per_year"] == 7500 and corridor["share"] == 1.0


@pytest.mark.parametrize("override, path, problem", [
    ("market.markets.east_west.corridor.flows=[nowhere]", "market.markets.east_west.corridor.flows[0]",
     "no flow 'nowhere'"),
    ("market.markets.east_west.corridor.flows=[grain]", "market.markets.east_west.corridor.flows[0]",
     "wagonload cargo"),
    ("market.choice.nest_scale=1.5", "market.choice.nest_scale", "less than or equal to 1"),
    ("market.markets.east_west.routes.sea.nest=air", "market.markets.east_west.routes.sea.nest", "land"),
    ("costs=null", "market", "needs a costs: section"),
])
def test_a_bad_market_is_refused_with_its_field_path(override, path, problem):
    with pytest.raises(ScenarioError) as err:
        load_scenario(MARKET, [override])
    assert err.value.path == path and problem in str(err.value)


def test_the_corridor_demand_counts_the_corridors_flows_not_other_routes_background_traffic():
    local = ('flows.local={"cargo": "wagonload", "origin": "steppe", "destination": "west", "route": ["ferry"], '
             '"tonnes_per_year": 50000, "tonnes_per_wagon": 60, "consignment_wagons": 10, "background": true}')
    r = market_equilibrium(MARKET, replications=1, overrides=[local, "market.equilibrium.max_iterations=1"])
    by_flow = r.corridor.summary["kpis"]["demand_tonnes_per_year_by_flow"]
    assert "local" in by_flow
    assert math.isclose(r.report["corridor_demand_tonnes_per_year"],
                        by_flow["boxes"]["mean"] + by_flow["grain"]["mean"], rel_tol=1e-12)


def test_a_market_too_large_to_simulate_is_refused_before_anything_runs():
    """The corridor's demand is at most its markets': a market whose whole demand would be over the scenario's
    limits is refused up front, naming the market."""
    with pytest.raises(ScenarioError) as err:
        market_equilibrium(MARKET, replications=1, overrides=["market.markets.east_west.teu_per_year=1e12"])
    assert err.value.path == "market.markets.east_west.teu_per_year" and "limits" in str(err.value)


def test_the_equilibrium_on_dask_settles_where_the_process_pool_does():
    pytest.importorskip("distributed")
    local = market_equilibrium(MARKET, replications=2, workers=2, overrides=["market.equilibrium.max_iterations=2"])
    dask = market_equilibrium(MARKET, replications=2, workers=2, executor="dask",
                              overrides=["market.equilibrium.max_iterations=2"])
    assert dask.report["iterations"] == local.report["iterations"]
    assert dask.report["corridor_tonnes_per_year"] == local.report["corridor_tonnes_per_year"]
