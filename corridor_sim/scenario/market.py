"""The `market:` section of a scenario: the corridor among its competitors (issue 15).

A market is an origin–destination pair's container demand (`teu_per_year`, all routes together).
Its shippers choose between the corridor — the scenario's own container flows named in
`corridor.flows`, scaled together, their generalised cost simulated — and competing routes that
are not simulated (sea via Suez or the Cape, the Northern rail route through Russia and Belarus):
each a published tariff, transit time and spread for the scenario's year (rows K, T of
competition-costs-emissions.md, quoted in the scenario).

The choice model (`choice`) is a logit on the generalised cost per TEU, the same formula the run's
`kpis.generalised_cost_usd_per_teu` uses for the corridor (analysis/economics.py), with the
scenario's own `costs.value_of_time` and `costs.reliability_ratio`:

    cost = tariff + r · V · days + ρ · r · V · spread,     utility = constant − β · cost / 1000

`multinomial_logit`, or `nested_logit` with the routes grouped in nests (`land`, `sea`) and a nest
scale λ in (0, 1] (λ = 1 is the multinomial logit). β and the constants come from the fit
(`corridor-sim market-fit`, README "Market"). Flows that no market names keep their demand.

`equilibrium` says when the corridor's demand has settled (corridor_sim/market/equilibrium.py).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .types import Identifier, NonNegativeFloat, Number, PositiveFloat, PositiveInt, Strict

Nest = Literal["land", "sea"]


class CompetingRoute(Strict):
    """A route the corridor competes with: published, not simulated (per TEU, door to door)."""

    nest: Nest
    tariff_usd_per_teu: NonNegativeFloat = Field(description="What a shipper pays per TEU (K rows).")
    transit_days: PositiveFloat = Field(description="Mean door-to-door transit (T rows).")
    spread_days: NonNegativeFloat = Field(default=0.0, description="p95 − mean transit, days.")
    constant: Number = Field(default=0.0, description="Alternative-specific constant (utility), from the fit.")


class CorridorRoute(Strict):
    """The corridor's share of a market: carried by these container flows, scaled together."""

    flows: Annotated[list[Identifier], Field(min_length=1)]
    nest: Nest = "land"
    constant: Number = Field(default=0.0, description="Alternative-specific constant (utility), from the fit.")


class Market(Strict):
    """One origin–destination market: its whole container demand and the routes that serve it."""

    teu_per_year: PositiveFloat = Field(description="Container demand of the market over all its routes.")
    corridor: CorridorRoute
    routes: dict[Identifier, CompetingRoute] = Field(
        default_factory=dict, description="Competing routes (none: the corridor keeps the whole market).")


class ChoiceParameters(Strict):
    model: Literal["multinomial_logit", "nested_logit"] = "nested_logit"
    cost_scale_per_kusd: PositiveFloat = Field(description="β: utility lost per 1,000 USD of generalised cost.")
    nest_scale: Annotated[Number, Field(gt=0, le=1)] = Field(
        default=1.0, description="λ of the nests (nested_logit): 1 is the multinomial logit.")


class EquilibriumSettings(Strict):
    tolerance: Annotated[Number, Field(gt=0, lt=1)] = Field(
        default=0.01, description="Settled when no market's corridor demand moves by more than this share.")
    max_iterations: Annotated[PositiveInt, Field(le=50)] = 12


class MarketSection(Strict):
    """Markets, the choice model, and the equilibrium's stopping rule (see the module)."""

    choice: ChoiceParameters
    equilibrium: EquilibriumSettings = EquilibriumSettings()
    markets: Annotated[dict[Identifier, Market], Field(min_length=1)]
