"""The engine against queueing theory: an M/M/c station must wait as Erlang C says.

The station of `scenarios/validation/mmc.yaml` is run for several (c, λ, service)
settings; over independent replications the analytic mean wait must lie inside
the 95% t interval of the simulated mean waits.
"""

import math
from fractions import Fraction

import pytest
from scipy import stats

from corridor_sim.analysis.queueing import erlang_c, mmc_mean_queue, mmc_mean_wait
from corridor_sim.api import simulate
from corridor_sim.scenario import load_scenario

from conftest import ROOT

MMC = ROOT / "scenarios" / "validation" / "mmc.yaml"
REPLICATIONS = 10


def test_erlang_c_matches_textbook_values():
    assert erlang_c(1, 0.8) == pytest.approx(0.8)             # M/M/1: P(wait) = ρ
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert mmc_mean_wait(0.8, 1.0, 1) == pytest.approx(4.0)     # ρ/(μ-λ)
    assert erlang_c(10, 8.0) == pytest.approx(0.409180, abs=1e-6)
    # large c without overflow, against the formula in exact rational arithmetic
    assert erlang_c(100, 90.0) == pytest.approx(_erlang_c_exact(100, 90), rel=1e-12)


def _erlang_c_exact(c: int, a: int) -> float:
    a = Fraction(a)
    below = sum(a**k / math.factorial(k) for k in range(c))
    top = a**c / math.factorial(c) * c / (c - a)
    return float(top / (below + top))


def _station_waits(servers: int, arrivals_per_hour: float, mean_service_hours: float):
    base, _ = load_scenario(MMC)
    (flow_name,) = base.flows
    node = next(n for n, spec in base.nodes.items() if spec.station is not None)
    tonnes_per_arrival = base.flows[flow_name].tonnes_per_wagon * base.flows[flow_name].consignment_wagons
    sets = [
        f"nodes.{node}.station.servers={servers}",
        f"nodes.{node}.station.service_hours={{dist: exponential, mean: {mean_service_hours}}}",
        f"flows.{flow_name}.tonnes_per_year={arrivals_per_hour * 8760 * tonnes_per_arrival}",
    ]
    sc, resolved = load_scenario(MMC, sets)
    waits, queues = [], []
    for rep in range(REPLICATIONS):
        summary = simulate(sc, resolved, replication=rep).summary
        station = next(r for r in summary["resources"] if r["name"] == f"station:{node}")
        waits.append(station["mean_wait_hours"])
        queues.append(station["mean_queue"])
    return waits, queues


def _t_interval(xs):
    n = len(xs)
    mean = sum(xs) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return mean - half, mean + half


@pytest.mark.parametrize(
    "servers, arrivals_per_hour, mean_service_hours",
    [
        (1, 0.7, 1.0),    # M/M/1, ρ = 0.7
        (3, 1.2, 2.0),    # M/M/3, ρ = 0.8
        (6, 2.5, 2.0),    # M/M/6, ρ ≈ 0.83
    ],
)
def test_mean_wait_agrees_with_erlang_c(servers, arrivals_per_hour, mean_service_hours):
    waits, queues = _station_waits(servers, arrivals_per_hour, mean_service_hours)
    wq = mmc_mean_wait(arrivals_per_hour, mean_service_hours, servers)
    low, high = _t_interval(waits)
    assert low <= wq <= high, f"Erlang C Wq={wq:.3f} h outside the 95% interval [{low:.3f}, {high:.3f}]"
    lq = mmc_mean_queue(arrivals_per_hour, mean_service_hours, servers)
    low, high = _t_interval(queues)
    assert low <= lq <= high, f"Lq={lq:.3f} outside the 95% interval [{low:.3f}, {high:.3f}]"
