"""`corridor-sim market-fit`: the choice model fitted on 2019-2024, its error per year, and its 2025 prediction."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from ..market.fit import FIT_YEARS, NEST_SCALE, PREDICT_YEAR, anchor_constant, fit, predict
from ..market.history import load_history
from .exits import fail


@click.command("market-fit")
@click.option("--nest-scale", type=click.FloatRange(min=0.05, max=1.0), default=NEST_SCALE, show_default=True,
              help="λ of the land and sea nests (given, not fitted: see README 'Market').")
@click.option("--anchor-cost", type=click.FloatRange(min=0, min_open=True), default=None, metavar="USD_PER_TEU",
              help="A simulated corridor's 2024 generalised cost per TEU: print the corridor constant that gives it "
                   "--anchor-teu of the 2024 market.")
@click.option("--anchor-teu", type=click.FloatRange(min=0, min_open=True), default=None, metavar="TEU",
              help="The simulated corridor's TEU in 2024 (with --anchor-cost).")
@click.option("--json", "as_json", is_flag=True, help="Print the fit as JSON instead of tables.")
def market_fit(nest_scale: float, anchor_cost: float | None, anchor_teu: float | None, as_json: bool) -> None:
    """Fit the market's choice model on the shares of 2019-2024 and predict 2025 from 2025 inputs only.

    Reads corridor_sim/data/market_history.yaml (published rows D, K, T, M, S); the fit sees the years
    2019-2024 only. Prints the parameters, the fit's error per year and the 2025 prediction's error.
    """
    if (anchor_cost is None) != (anchor_teu is None):
        fail("--anchor-cost and --anchor-teu go together")
    past = load_history(FIT_YEARS)
    m = fit(past, nest_scale)
    coming = load_history([PREDICT_YEAR])          # the year's inputs: its outcome is not read here
    prediction = predict(m, past, coming)
    outcome = coming.observed.get(PREDICT_YEAR, {}).get("corridor")   # only to score: predict() never reads it
    result = {"fit_years": list(m.years), "cost_scale_per_kusd": m.cost_scale_per_kusd, "nest_scale": m.nest_scale,
              "constants": m.constants, "sanctions_from": past.sanctions_from, "fit": m.rows,
              "prediction": {**prediction, "observed_corridor_teu": outcome,
                             "corridor_teu_error": prediction["corridor_teu"] / outcome - 1.0 if outcome else None}}
    if anchor_cost is not None:
        total = sum(past.observed[2024].values())
        result["anchor"] = {"year": 2024, "corridor_cost_usd_per_teu": anchor_cost, "corridor_teu": anchor_teu,
                            "market_teu": total,
                            "corridor_constant": anchor_constant(m, past, 2024, anchor_cost, anchor_teu / total)}
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    show(result, Console())


def show(result: dict, console: Console) -> None:
    console.print(f"fitted on {result['fit_years'][0]}-{result['fit_years'][-1]}: β = "
                  f"{result['cost_scale_per_kusd']:.4f} per 1,000 USD/TEU, λ = {result['nest_scale']:g} (given); "
                  "constants " + ", ".join(f"{k} {v:+.3f}" for k, v in result["constants"].items()) + " (sea 0)")
    table = Table(title="fit: the corridor's share of land (China -> West) and its TEU")
    for col in ("year", "observed share", "fitted share", "observed TEU", "fitted TEU", "error", "land share obs/fit"):
        table.add_column(col, justify="right")
    for r in result["fit"]:
        if "note" in r:
            table.add_row(str(r["year"]), r["note"], "", "", "", "", "")
            continue
        land = (f"{r['observed_land_share']:.2%} / {r['fitted_land_share']:.2%}" if "observed_land_share" in r else "")
        table.add_row(str(r["year"]), f"{r['observed_corridor_share_of_land']:.2%}",
                      f"{r['fitted_corridor_share_of_land']:.2%}", f"{r['observed_corridor_teu']:,.0f}",
                      f"{r['fitted_corridor_teu']:,.0f}", f"{r['corridor_teu_error']:+.1%}", land)
    console.print(table)
    p = result["prediction"]
    line = (f"{p['year']} predicted from {p['year']} inputs (no refit): corridor {p['corridor_teu']:,.0f} TEU "
            f"(market {p['market_teu']:,.0f} TEU, share {p['shares']['corridor']:.3%})")
    if p["observed_corridor_teu"]:
        line += f"; observed {p['observed_corridor_teu']:,.0f}: error {p['corridor_teu_error']:+.1%}"
    console.print(line)
    if "anchor" in result:
        a = result["anchor"]
        console.print(f"anchor: at {a['corridor_cost_usd_per_teu']:,.0f} USD/TEU the corridor takes "
                      f"{a['corridor_teu']:,.0f} of {a['market_teu']:,.0f} TEU in 2024 with constant "
                      f"{a['corridor_constant']:+.4f}")
