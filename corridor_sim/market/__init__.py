"""Demand that answers back: the corridor among its competitors (issue 15).

`choice` (logit models on generalised cost), `costs` (what each route of a market costs a shipper),
`equilibrium` (the corridor's demand and performance settled together, by simulation), `history` and
`fit` (the choice model fitted on the observed shares of 2019–2024, and its 2025 prediction).
It sits at the level of the experiments: the equilibrium runs replications; analysis never imports it.
"""

from .choice import MultinomialLogit, NestedLogit, Option, choice_model
from .equilibrium import MarketResult, market_equilibrium

__all__ = ["MarketResult", "MultinomialLogit", "NestedLogit", "Option", "choice_model", "market_equilibrium"]
