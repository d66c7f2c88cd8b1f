"""The choice model fitted on the observed China -> West shares of 2019-2024, and its 2025 prediction.

The model is the nested logit of the scenarios (market/choice.py): the corridor and the Northern rail
route in a `land` nest, the sea alone in `sea`; utility V = constant − β · cost / 1000, cost the
generalised cost per TEU from published tariffs and times (history.py). Fitted by least squares on the
logarithms of the observed shares (scipy's trust-region `least_squares`):

- each year with corridor and Northern volumes: the corridor's share of the land nest, P(corridor | land);
- each year with the sea's volume too (2023, 2024): the land nest's share of the market, P(land);
- the arc elasticity of Northern rail volume to the sea rate, 2022 -> 2023 (M9, derived from D10 and K1:
  +0.49): the one observation of how land demand answers the sea's price, which the share series alone
  leave to the constants.

Parameters: β, the corridor's constant, the Northern route's constant, and the Northern route's
sanctions constant from 2022 (S1, S5: seizures and risk that its price does not show); the sea's constant
is 0 (the reference). The nest scale λ is not identified by two years of land-vs-sea shares and is
given (0.5, an assumption: no China–Europe nest estimate in our sources, the sheet's Gaps; `nest_scale`).
The value of time and reliability ratio are the value-of-time rows' (M1–M3), as in the scenarios.

Then `predict` takes the fitted model, unchanged, to 2025 with 2025 inputs only: the routes' 2025
tariffs and times, the market grown from its 2024 size by the 2024 growth rate, and the corridor's 2025
capacity (D7: the Caspian fleet's TEU) as a ceiling. Its error against the 2025 outcome is reported as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .choice import NestedLogit, Option
from .history import NESTS, ROUTES, History

FIT_YEARS = tuple(range(2019, 2025))
PREDICT_YEAR = 2025
NEST_SCALE = 0.5       # assumption (see the module)
M9 = 0.49              # M9 (d): arc elasticity of China-EU rail volume to the sea rate, 2022 -> 2023
ARC_ELASTICITY = ((2022, 2023),)


@dataclass(frozen=True)
class MarketFit:
    cost_scale_per_kusd: float
    nest_scale: float
    constants: dict[str, float]      # corridor, northern, northern_sanctions (sea: 0)
    years: tuple[int, ...]           # the years the fit read
    rows: list[dict] = field(default_factory=list)   # per year: observed and fitted shares, error

    def model(self) -> NestedLogit:
        return NestedLogit(self.cost_scale_per_kusd, self.nest_scale)

    def constant(self, route: str, year: int, sanctions_from: int) -> float:
        c = self.constants.get(route, 0.0)
        if route == "northern" and year >= sanctions_from:
            c += self.constants["northern_sanctions"]
        return c

    def shares(self, history: History, year: int, corridor_cost: float | None = None) -> dict[str, float]:
        """The model's shares in `year` from that year's inputs (the corridor's cost given, or published)."""
        opts = [Option(r, corridor_cost if (r == "corridor" and corridor_cost is not None) else history.cost(year, r),
                       NESTS[r], self.constant(r, year, history.sanctions_from)) for r in ROUTES]
        return self.model().shares(opts)


def observations(history: History) -> list[tuple[int, str, float]]:
    """(year, what, observed share): `in_land` is P(corridor | land), `land` is P(land)."""
    out = []
    for y in sorted(history.observed):
        o = history.observed[y]
        if "corridor" in o and "northern" in o:
            out.append((y, "in_land", o["corridor"] / (o["corridor"] + o["northern"])))
            if "sea" in o:
                out.append((y, "land", (o["corridor"] + o["northern"]) / (o["corridor"] + o["northern"] + o["sea"])))
    return out


def arc_elasticity(m: MarketFit, history: History, a: int, b: int) -> float:
    """The model's arc elasticity of the Northern route's share to the sea tariff between years a and b."""
    sa, sb = m.shares(history, a), m.shares(history, b)
    return float(np.log(sb["northern"] / sa["northern"]) /
                 np.log(history.inputs[b]["sea"].usd_per_teu / history.inputs[a]["sea"].usd_per_teu))


def _predicted(shares: dict[str, float], what: str) -> float:
    land = shares["corridor"] + shares["northern"]
    return shares["corridor"] / land if what == "in_land" else land


def fit(history: History, nest_scale: float = NEST_SCALE) -> MarketFit:
    """Fit β and the constants on `history` (see the module). Only the years loaded are read."""
    from scipy.optimize import least_squares   # here: only the fit needs it

    obs = observations(history)
    if len(obs) < 4:
        raise ValueError(f"{len(obs)} observed shares: too few to fit 4 parameters")

    def make(x) -> MarketFit:
        return MarketFit(float(x[0]), nest_scale, {"corridor": float(x[1]), "northern": float(x[2]),
                                                   "northern_sanctions": float(x[3])}, history.years)

    arc = [(a, b) for a, b in ARC_ELASTICITY if a in history.inputs and b in history.inputs]

    def residuals(x):
        m = make(x)
        r = [np.log(_predicted(m.shares(history, y), what)) - np.log(s) for y, what, s in obs]
        return np.array(r + [arc_elasticity(m, history, a, b) - M9 for a, b in arc])

    solution = least_squares(residuals, x0=np.array([0.5, 0.0, 0.0, 0.0]),
                             bounds=([1e-4, -50, -50, -50], [20, 50, 50, 50]))
    m = make(solution.x)
    return MarketFit(m.cost_scale_per_kusd, m.nest_scale, m.constants, history.years, fit_rows(m, history))


def fit_rows(m: MarketFit, history: History) -> list[dict]:
    """Per year: the observed and fitted shares, and the corridor's TEU the fitted share gives on the year's
    observed land volume, with its error."""
    rows = []
    for y in sorted(history.observed):
        o = history.observed[y]
        if not ("corridor" in o and "northern" in o):
            rows.append({"year": y, "note": "no corridor TEU observed"})
            continue
        s = m.shares(history, y)
        land = o["corridor"] + o["northern"]
        fitted_teu = _predicted(s, "in_land") * land
        row = {"year": y, "observed_corridor_share_of_land": o["corridor"] / land,
               "fitted_corridor_share_of_land": _predicted(s, "in_land"),
               "observed_corridor_teu": o["corridor"], "fitted_corridor_teu": fitted_teu,
               "corridor_teu_error": fitted_teu / o["corridor"] - 1.0}
        if "sea" in o:
            row["observed_land_share"] = land / (land + o["sea"])
            row["fitted_land_share"] = _predicted(s, "land")
        rows.append(row)
    return rows


def predict(m: MarketFit, last: History, coming: History, year: int = PREDICT_YEAR) -> dict:
    """The corridor's TEU in `year` from the fitted model, unchanged: the year's inputs (`coming`, which must
    hold no outcome of the year), the market of the year before (`last`) grown, the capacity as a ceiling."""
    before = last.observed[year - 1]
    total = sum(before[r] for r in ROUTES) * (1.0 + last.market_growth)
    s = m.shares(coming, year)
    demand = s["corridor"] * total
    ceiling = coming.capacity_teu.get(year)
    return {"year": year, "market_teu": total, "shares": s, "corridor_teu_demanded": demand,
            "capacity_teu": ceiling, "corridor_teu": min(demand, ceiling) if ceiling else demand,
            "northern_teu": s["northern"] * total, "sea_teu": s["sea"] * total}


def anchor_constant(m: MarketFit, history: History, year: int, corridor_cost: float, target_share: float) -> float:
    """The corridor's constant that gives it `target_share` of the market in `year` at a simulated cost:
    the fitted model carried over to a simulated corridor (whose cost and scope differ from the published
    ones) by one constant, set in the calibration year (README 'Market')."""
    from scipy.optimize import brentq

    def gap(c: float) -> float:
        k = MarketFit(m.cost_scale_per_kusd, m.nest_scale, {**m.constants, "corridor": c}, m.years)
        return np.log(k.shares(history, year, corridor_cost)["corridor"]) - np.log(target_share)

    return float(brentq(gap, -60.0, 60.0))
