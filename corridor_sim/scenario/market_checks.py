"""The `market:` section checked against the scenario: what its types cannot check alone.

Each market's corridor flows must be container flows of the scenario (the market is in TEU), of the
corridor (not `background`), named by one market only (a flow scaled by two markets would have no one
demand); the scenario must price them (`costs:` with a container value of time), since the choice
compares generalised costs; and a nest of the nested logit is named by its routes.
"""

from __future__ import annotations

from .flows import ContainerFlow
from .schema import Scenario


def market_problems(scenario: Scenario) -> list[tuple[str, str]]:
    """(field path, problem) for every inconsistency of the market section with the scenario."""
    section = scenario.market
    if section is None:
        return []
    out: list[tuple[str, str]] = []
    if scenario.costs is None:
        return [("market", "needs a costs: section (the corridor's generalised cost is what shippers compare)")]
    claimed: dict[str, str] = {}
    for mname, market in section.markets.items():
        for i, fname in enumerate(market.corridor.flows):
            path = f"market.markets.{mname}.corridor.flows[{i}]"
            flow = scenario.flows.get(fname)
            if flow is None:
                out.append((path, f"no flow '{fname}' in flows"))
            elif not isinstance(flow, ContainerFlow):
                out.append((path, f"flow '{fname}' is {flow.cargo} cargo: a market is in TEU (container flows)"))
            elif flow.background:
                out.append((path, f"flow '{fname}' is background traffic of another route, not the corridor's"))
            elif fname in claimed:
                out.append((path, f"flow '{fname}' is already in market '{claimed[fname]}'"))
            else:
                claimed[fname] = mname
                vot = scenario.costs.value_of_time
                value = vot.flows.get(fname) or vot.cargo.get("container")
                if value is None or value.usd_per_teu is None:
                    out.append(("costs.value_of_time.cargo.container.usd_per_teu",
                                f"needed to price the competing routes of market '{mname}' per TEU"))
    return out
