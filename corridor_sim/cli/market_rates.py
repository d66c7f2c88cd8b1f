"""`corridor-sim market-rates`: a settled market's corridor demand at other tariffs of a competing route."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..market.sensitivity import corridor_by_tariff
from ..rundir import NotARunDirectory, read_market
from ..scenario import ScenarioError, load_scenario
from .exits import fail
from .flags import COMMAND_LINE


def _tariffs(text: str) -> list[float]:
    try:
        values = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(f"{text!r}: give numbers separated by commas") from None
    if not values or any(not (0 <= v < 1e6) for v in values):
        raise click.BadParameter(f"{text!r}: give tariffs from 0 to 1,000,000 USD per TEU")
    return values


@click.command("market-rates")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--market", "mname", default=None, help="The market (default: the only one).")
@click.option("--route", default="sea", show_default=True, help="The competing route whose tariff changes.")
@click.option("--tariffs", required=True, metavar="USD,USD,...", help="Tariffs per TEU to try, e.g. 1000,2000,4000.")
def market_rates(directory: Path, mname: str | None, route: str, tariffs: str) -> None:
    """A settled market (DIRECTORY of `corridor-sim market`): the corridor's demand at other tariffs of a route.

    The corridor's generalised cost is held at its settled, simulated value (valid below its capacity)."""
    values = _tariffs(tariffs)
    try:
        report = read_market(directory)
        sc, _ = load_scenario(report["scenario_file"])
    except NotARunDirectory as exc:
        fail(str(exc))
    except ScenarioError as exc:
        fail(exc.describe(COMMAND_LINE))
    names = list(report["markets"])
    mname = mname or (names[0] if len(names) == 1 else None)
    if mname not in names:
        fail(f"--market: give one of {', '.join(names)}")
    try:
        rows = corridor_by_tariff(sc, report, mname, route, values)
    except KeyError:
        fail(f"--route {route}: market {mname} has no such competing route "
             f"({', '.join(sc.market.markets[mname].routes) or 'none'})")
    settled = report["markets"][mname]["routes"]["corridor"]["generalised_cost_usd_per_teu"]
    table = Table(title=f"{mname}: the corridor at {settled:,.0f} USD/TEU (settled), {route} tariff varied")
    for col in (f"{route} USD/TEU", "corridor share", "corridor TEU/yr", "corridor t/yr", "whole corridor demand t/yr"):
        table.add_column(col, justify="right")
    for r in rows:
        table.add_row(f"{r['tariff_usd_per_teu']:,.0f}", f"{r['corridor_share']:.3%}",
                      f"{r['corridor_teu_per_year']:,.0f}", f"{r['corridor_tonnes_per_year']:,.0f}",
                      f"{r['whole_corridor_demand_tonnes_per_year']:,.0f}")
    Console().print(table)
