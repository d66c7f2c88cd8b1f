"""What-if on a settled market: the corridor's demand if one competing route's tariff were different,
the corridor's generalised cost held at its settled, simulated value.

This answers "at what sea rate does the corridor lose (or win) its cargo" without an equilibrium per
rate. It holds where the corridor's cost does not move with its demand over the range asked (below its
capacity: the settled iterations show it, and `corridor-sim market --set …` at a rate checks it).
The whole corridor's demand adds the flows no market names, as simulated.
"""

from __future__ import annotations

from ..scenario import Scenario
from .choice import choice_model
from .costs import market_options, tonnes_per_teu


def corridor_by_tariff(sc: Scenario, report: dict, mname: str, route: str, tariffs: list[float]) -> list[dict]:
    """For each tariff (USD per TEU) of `route` in market `mname`: the corridor's share, TEU and tonnes, and
    the whole corridor's demand in tonnes, at the corridor's settled cost in `report` (market.json)."""
    market = sc.market.markets[mname]
    if route not in market.routes:
        raise KeyError(route)
    settled = report["markets"][mname]["routes"]["corridor"]
    cost = settled["generalised_cost_usd_per_teu"]
    tpt = tonnes_per_teu(sc, mname)
    others = report["corridor_demand_tonnes_per_year"] - sum(
        m["routes"]["corridor"]["teu_per_year"] * m["tonnes_per_teu"] for m in report["markets"].values())
    model = choice_model(sc.market.choice)
    out = []
    for usd in tariffs:
        changed = market.routes[route].model_copy(update={"tariff_usd_per_teu": float(usd)})
        what_if = sc.model_copy(update={"market": sc.market.model_copy(update={"markets": {
            **sc.market.markets, mname: market.model_copy(update={"routes": {**market.routes, route: changed}})}})})
        share = model.shares(market_options(what_if, mname, cost))["corridor"]
        teu = share * market.teu_per_year
        out.append({"tariff_usd_per_teu": float(usd), "corridor_share": share, "corridor_teu_per_year": teu,
                    "corridor_tonnes_per_year": teu * tpt,
                    "whole_corridor_demand_tonnes_per_year": others + teu * tpt})
    return out
