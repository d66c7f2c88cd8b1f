"""What each route of a market costs a shipper per TEU, and what the corridor carries of it.

The competing routes' generalised cost uses the formula of the corridor's simulated one
(analysis/economics.py) with the scenario's own value of time and reliability ratio, so that the
shares compare like with like:

    cost = tariff + r · V · days + ρ · r · V · spread

r the daily rate, V the value of a TEU of the market's goods (the first corridor flow's own value, else
the container cargo's), ρ the reliability ratio, spread = p95 − mean transit.
"""

from __future__ import annotations

from ..scenario import Scenario
from ..scenario.market import CompetingRoute
from .choice import Option


def corridor_teu(sc: Scenario) -> dict[str, float]:
    """Each market's corridor TEU per year as the scenario writes its flows."""
    return {m: sum(sc.flows[f].tonnes_per_year / sc.flows[f].tonnes_per_teu for f in market.corridor.flows)
            for m, market in sc.market.markets.items()}


def tonnes_per_teu(sc: Scenario, mname: str) -> float:
    """The market's tonnes per TEU: its corridor flows' together (their tonnes over their TEU)."""
    flows = [sc.flows[f] for f in sc.market.markets[mname].corridor.flows]
    return sum(f.tonnes_per_year for f in flows) / sum(f.tonnes_per_year / f.tonnes_per_teu for f in flows)


def teu_value(sc: Scenario, mname: str) -> float:
    vot = sc.costs.value_of_time
    first = sc.market.markets[mname].corridor.flows[0]
    value = vot.flows.get(first) or vot.cargo["container"]
    return value.usd_per_teu


def competitor_cost(sc: Scenario, mname: str, route: CompetingRoute) -> float:
    """A competing route's generalised cost per TEU (see the module)."""
    c = sc.costs
    day = c.value_of_time.daily_rate * teu_value(sc, mname)
    return route.tariff_usd_per_teu + day * route.transit_days + c.reliability_ratio * day * route.spread_days


def market_options(sc: Scenario, mname: str, corridor_cost_usd_per_teu: float) -> list[Option]:
    """The market's routes as options of the choice model: the corridor (its simulated cost) first."""
    market = sc.market.markets[mname]
    return [Option("corridor", corridor_cost_usd_per_teu, market.corridor.nest, market.corridor.constant),
            *(Option(r, competitor_cost(sc, mname, route), route.nest, route.constant)
              for r, route in market.routes.items())]
