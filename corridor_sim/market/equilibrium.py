"""The market equilibrium: the corridor's demand and its performance settled together (issue 15).

The corridor's simulated generalised cost sets its share of each market; its share sets its demand; its
demand sets its cost (an overloaded corridor is slow, and slow costs shippers). We look for the demand
that reproduces itself, by the method of successive averages (MSA):

    x₀ = the TEU the scenario's market flows carry as written
    for k = 1, 2, …:
        simulate the scenario with the market flows scaled to x_{k−1} (N replications, replication i on
        the random streams of replication i in every iteration: common random numbers, so that a change
        between iterations is the demand's and not the dice's)
        c_k = the corridor's generalised cost per TEU of each market: its flows' kpis, TEU-weighted
        y_k = share(c_k) × market TEU                        (the choice model, market/choice.py)
        x_k = x_{k−1} + (y_k − x_{k−1}) / k                  (MSA: steps 1, 1/2, 1/3, …)
    until no market's corridor demand moves by more than `tolerance` (1%) between iterations

MSA converges for a cost that rises with demand, where the plain fixed point (x_k = y_k) may oscillate
between an empty fast corridor and a full slow one. Its shrinking steps also settle noise, so each
iteration records the `gap` (|y_k − x_{k−1}| / x_{k−1}) beside the `move`: a small move with a large gap
would be a stalled, not a settled, equilibrium. Then the settled demand is simulated once more, with its
run directories written: the corridor run, and the shares of every route at its cost. (Writing every
iteration's runs instead, to stop at the last one simulated, costs more than the one extra evaluation: a
2030 run that keeps its records for a run directory is much slower than one that only summarises.)

Flows that no market names keep their demand (oil, wagonload): they share the corridor and slow it.
A market flow's tonnes scale with its market's corridor TEU, keeping the flows' proportions.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..experiment import ExperimentError, ReplicationResult, run_replications
from ..experiment.executors import check_options
from ..experiment.replications import check_replications, seeded
from ..experiment.runner import check_out
from ..layout import FORMAT, MARKET
from ..output import write_json_atomic
from ..scenario import Scenario, ScenarioError
from ..scenario.sources import load_any, override_texts
from .choice import choice_model
from .costs import competitor_cost, corridor_teu, market_options, tonnes_per_teu

FLOOR = 1e-3      # a market's corridor demand never falls below this share of the market: a flow has tonnes


@dataclass
class MarketResult:
    report: dict                  # market.json
    corridor: ReplicationResult   # the final corridor simulation at the settled demand
    out: Path | None = None

    def __repr__(self) -> str:
        t = self.report["corridor_tonnes_per_year"]
        return (f"MarketResult({self.report['scenario']}: {t['mean']:,.0f} t/yr on the corridor, "
                f"{'converged' if self.report['converged'] else 'NOT converged'} after "
                f"{len(self.report['iterations'])} iterations)")


def market_equilibrium(scenario: str | Path | Mapping | Scenario, *, replications: int = 1, workers: int = 1,
                       executor: str = "process", scheduler: str | None = None, run_timeout: float | None = None,
                       overrides: list[str] | tuple[str, ...] | Mapping = (), seed: int | None = None,
                       out: str | Path | None = None, progress: Callable[[int, int], None] | None = None
                       ) -> MarketResult:
    """Settle the scenario's markets (see the module); write `out` (the final corridor replications and
    market.json beside their summary) if given. Raises ScenarioError, ExperimentError for bad input (before
    anything runs), ExperimentInterrupted on Ctrl-C."""
    started = time.perf_counter()
    check_replications(replications)
    check_options(workers, executor, scheduler, run_timeout)
    if out is not None:    # before anything runs: the replications check it again when they write it
        check_out(Path(out), "replications", False, scenario if isinstance(scenario, (str, Path)) else None)
    sets = seeded(override_texts(overrides), seed)
    sc, _, shown = load_any(scenario, sets)
    if sc.market is None:
        raise ScenarioError(shown, "market", "missing: a market equilibrium needs the scenario's markets "
                                             "(README 'Market')")
    section = sc.market
    model = choice_model(section.choice)
    base = corridor_teu(sc)
    _check_whole_market(scenario, sc, sets, base, shown)
    limit = section.equilibrium.max_iterations
    runs_done = [0]

    def evaluate(demand: dict[str, float], where: Path | None) -> tuple[ReplicationResult, dict, dict]:
        def step(done: int, total: int) -> None:
            if progress is not None:
                progress(runs_done[0] + done, (limit + 1) * replications)

        scaled = _scaled_flows(sc, base, demand)
        result = run_replications(scenario, replications=replications, workers=workers, executor=executor,
                                  scheduler=scheduler, run_timeout=run_timeout, overrides=[*sets, *scaled],
                                  out=where, progress=step)
        runs_done[0] += replications
        if not result.summary.get("replications_ok"):
            raise ExperimentError(None, f"{shown}: every replication of the corridor failed "
                                        f"({result.summary['failed'][0]['error']})")
        costs = _corridor_costs(sc, result.summary, demand)
        options = {m: market_options(sc, m, costs[m]) for m in section.markets}
        return result, costs, {m: model.shares(opts) for m, opts in options.items()}

    demand = {m: base[m] for m in section.markets}
    iterations = []
    converged = False
    for k in range(1, limit + 1):
        _, costs, shares = evaluate(demand, None)
        target = {m: shares[m]["corridor"] * section.markets[m].teu_per_year for m in section.markets}
        nxt = {m: max(demand[m] + (target[m] - demand[m]) / k, FLOOR * section.markets[m].teu_per_year)
               for m in section.markets}
        move = max(abs(nxt[m] - demand[m]) / demand[m] for m in section.markets)
        gap = max(abs(target[m] - demand[m]) / demand[m] for m in section.markets)
        iterations.append({"iteration": k, "corridor_teu_per_year": demand, "corridor_cost_usd_per_teu": costs,
                           "corridor_share": {m: shares[m]["corridor"] for m in section.markets},
                           "target_teu_per_year": target, "step": 1.0 / k, "next_teu_per_year": nxt,
                           "move": move, "gap": gap})
        demand = nxt
        if move < section.equilibrium.tolerance:
            converged = True
            break
    final, costs, shares = evaluate(demand, Path(out) if out is not None else None)
    report = _report(sc, shown, final, demand, costs, shares, iterations, converged, replications)
    report["runtime_seconds"] = round(time.perf_counter() - started, 3)
    if out is not None:
        write_json_atomic(Path(out) / MARKET, report)   # last: its presence marks the market complete
    return MarketResult(report, final, Path(out) if out is not None else None)


def _check_whole_market(scenario, sc: Scenario, sets: list[str], base: dict[str, float], shown: str) -> None:
    """Every accepted market runs in bounded time: the corridor's demand never exceeds its markets', so the
    scenario with every market flow at its whole market must be within its `limits` (checked before anything
    runs; the message names the market, not the scaled flow)."""
    whole = {m: market.teu_per_year for m, market in sc.market.markets.items()}
    try:
        load_any(scenario, [*sets, *_scaled_flows(sc, base, whole)])
    except ScenarioError as exc:
        first = next(iter(whole))
        raise ScenarioError(shown, f"market.markets.{first}.teu_per_year",
                            f"with the whole market on the corridor the run is refused: {exc.path}: {exc.problem}"
                            ) from None


def _scaled_flows(sc: Scenario, base: dict[str, float], demand: dict[str, float]) -> list[str]:
    """`flows.F.tonnes_per_year=…` for each market flow, scaled with its market's corridor TEU."""
    sets = []
    for mname, market in sc.market.markets.items():
        factor = demand[mname] / base[mname]
        for fname in market.corridor.flows:
            sets.append(f"flows.{fname}.tonnes_per_year={sc.flows[fname].tonnes_per_year * factor!r}")
    return sets


def _corridor_costs(sc: Scenario, summary: dict, demand: dict[str, float]) -> dict[str, float]:
    """Each market's corridor generalised cost per TEU: its flows' (means over the replications), weighted by
    the TEU each carries."""
    by_flow = (summary.get("kpis") or {}).get("generalised_cost_usd_per_teu") or {}
    out = {}
    for mname, market in sc.market.markets.items():
        total = weight = 0.0
        for fname in market.corridor.flows:
            cost = (by_flow.get(fname) or {}).get("mean")
            if cost is None:
                continue
            flow = sc.flows[fname]
            teu = flow.tonnes_per_year / flow.tonnes_per_teu
            total += cost * teu
            weight += teu
        if weight == 0:
            raise ExperimentError(None, f"market '{mname}': the corridor delivered none of its flows "
                                        f"({', '.join(market.corridor.flows)}) in the window at "
                                        f"{demand[mname]:,.0f} TEU/yr, so it has no cost to compare")
        out[mname] = total / weight
    return out


def _report(sc: Scenario, shown: str, final: ReplicationResult, demand: dict, costs: dict, shares: dict,
            iterations: list, converged: bool, replications: int) -> dict:
    s = final.summary
    kpis = s.get("kpis") or {}
    markets = {}
    for mname, market in sc.market.markets.items():
        tpt = tonnes_per_teu(sc, mname)
        routes = {"corridor": {"simulated": True, "teu_per_year": demand[mname],
                               "tonnes_per_year": demand[mname] * tpt, "share": demand[mname] / market.teu_per_year,
                               "chosen_share": shares[mname]["corridor"], "generalised_cost_usd_per_teu": costs[mname],
                               "flows": list(market.corridor.flows)}}
        rest = 1.0 - shares[mname]["corridor"]
        other = 1.0 - demand[mname] / market.teu_per_year
        for rname, route in market.routes.items():
            share = shares[mname][rname] / rest * other if rest > 0 else 0.0   # the competitors share what is left
            routes[rname] = {"simulated": False, "nest": route.nest, "teu_per_year": share * market.teu_per_year,
                             "tonnes_per_year": share * market.teu_per_year * tpt, "share": share,
                             "chosen_share": shares[mname][rname],
                             "generalised_cost_usd_per_teu": competitor_cost(sc, mname, route)}
        markets[mname] = {"teu_per_year": market.teu_per_year, "tonnes_per_teu": tpt, "routes": routes}
    return {
        "format": FORMAT,
        "scenario": s.get("scenario"),
        "scenario_file": shown,
        "seed": s.get("seed"),
        "replications": replications,
        "choice": sc.market.choice.model_dump(),
        "equilibrium": {"method": "method of successive averages, common random numbers across iterations",
                        **sc.market.equilibrium.model_dump()},
        "converged": converged,
        "iterations": iterations,
        "markets": markets,
        "corridor_tonnes_per_year": kpis.get("delivered_tonnes_per_year"),
        "corridor_demand_tonnes_per_year": sum(float(v.get("mean") or 0.0) for f, v in
                                               (kpis.get("demand_tonnes_per_year_by_flow") or {}).items()
                                               if f in sc.flows and not sc.flows[f].background),
        "static_capacity_tonnes_per_year": (s.get("static_capacity") or {}).get("tonnes_per_year"),
        "corridor_run": ".",
    }


__all__ = ["FLOOR", "MarketResult", "market_equilibrium"]
