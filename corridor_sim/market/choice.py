"""How shippers split a market between routes: logit choice models on generalised cost.

Each route is an `Option`: its generalised cost per TEU (USD), its nest (`land`, `sea`) and its
alternative-specific constant (what the cost leaves out: the Northern route's sanctions risk, the sea's
frequency). Its utility is

    V = constant − β · cost / 1000          (β: `cost_scale_per_kusd`)

`MultinomialLogit`: P(i) = exp(V_i) / Σ_j exp(V_j). Shares keep the independence of irrelevant
alternatives: the ratio of two routes' shares depends on those two only.

`NestedLogit` (the usual structure for freight: land vs sea first): within nest m,
P(i | m) = exp(V_i / λ) / Σ_{j∈m} exp(V_j / λ); the nest's inclusive value
I_m = λ · log Σ_{j∈m} exp(V_j / λ);
P(m) = exp(I_m) / Σ_n exp(I_n); P(i) = P(m) · P(i | m). With λ < 1 routes of the same nest are closer
substitutes of each other than of the other nest's: a cheaper Northern route takes more from the corridor
than from the sea, and the ratio of two routes' shares in one nest depends on those two only (IIA within a
nest). λ = 1 is the multinomial logit.

Both take the same `choice:` parameters (scenario/market.py); `choice_model` builds the one named.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..scenario.market import ChoiceParameters


@dataclass(frozen=True)
class Option:
    name: str
    cost_usd_per_teu: float
    nest: str = "land"
    constant: float = 0.0


def _utilities(options: list[Option], beta: float) -> np.ndarray:
    return np.array([o.constant - beta * o.cost_usd_per_teu / 1000.0 for o in options], dtype=float)


def _softmax(v: np.ndarray) -> np.ndarray:
    e = np.exp(v - v.max())     # shifted: the same shares, no overflow
    return e / e.sum()


@dataclass(frozen=True)
class MultinomialLogit:
    """P(i) = exp(V_i) / Σ exp(V_j) (see the module)."""

    cost_scale_per_kusd: float

    def shares(self, options: list[Option]) -> dict[str, float]:
        if not options:
            return {}
        p = _softmax(_utilities(options, self.cost_scale_per_kusd))
        return {o.name: float(x) for o, x in zip(options, p)}


@dataclass(frozen=True)
class NestedLogit:
    """Nests first, then the routes within the chosen nest (see the module)."""

    cost_scale_per_kusd: float
    nest_scale: float = 1.0

    def shares(self, options: list[Option]) -> dict[str, float]:
        if not options:
            return {}
        lam = self.nest_scale
        v = _utilities(options, self.cost_scale_per_kusd)
        nests = sorted({o.nest for o in options})
        inclusive = []
        within: dict[str, np.ndarray] = {}
        for nest in nests:
            idx = np.array([i for i, o in enumerate(options) if o.nest == nest])
            scaled = v[idx] / lam
            top = scaled.max()
            inclusive.append(lam * (top + np.log(np.exp(scaled - top).sum())))
            within[nest] = idx
        p_nest = _softmax(np.array(inclusive))
        out = np.zeros(len(options))
        for nest, pm in zip(nests, p_nest):
            idx = within[nest]
            out[idx] = pm * _softmax(v[idx] / lam)
        return {o.name: float(x) for o, x in zip(options, out)}


ChoiceModel = MultinomialLogit | NestedLogit

CHOICE_MODELS = {
    "multinomial_logit": lambda p: MultinomialLogit(p.cost_scale_per_kusd),
    "nested_logit": lambda p: NestedLogit(p.cost_scale_per_kusd, p.nest_scale),
}


def choice_model(parameters: ChoiceParameters) -> ChoiceModel:
    """The choice model a scenario's `market.choice` names."""
    return CHOICE_MODELS[parameters.model](parameters)
