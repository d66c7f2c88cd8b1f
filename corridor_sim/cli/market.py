"""`corridor-sim market`: the corridor among its competitors, its demand settled with its performance."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..analysis.values import ci95, value
from ..market import market_equilibrium
from ..progress import RunsBar
from .exits import checking_stop, exit_if_failed
from .experiments import check_chunk_rows, check_out, experiment_errors, progress_shown


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Directory to write: market.json beside the final corridor replications (a corridor-sim "
                   "output there is replaced; a folder of other files is refused).")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Master seed (overrides the scenario's).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help="Override a scenario field, e.g. --set market.markets.china_europe.routes.sea.tariff_usd_per_teu"
                   "=2000 (repeatable).")
@click.option("--replications", type=click.IntRange(min=1), default=1, show_default=True,
              help="Replications per iteration (the same random streams in every iteration).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Runs at once: 1 runs in this process; N > 1 a local process pool (with --executor dask, "
                   "the local Dask workers).")
@click.option("--executor", type=click.Choice(["process", "dask"]), default="process", show_default=True,
              help="Local process pool, or a local Dask cluster (needs corridor-sim[dask]).")
@click.option("--scheduler", metavar="tcp://HOST:PORT", default=None,
              help="Run on an existing Dask cluster (its workers need corridor-sim installed).")
@click.option("--run-timeout", "run_timeout", type=float, default=None, metavar="SECONDS",
              help="Stop a run that takes longer and record it as failed.")
@click.option("--plots", is_flag=True, help="Also write the shares and the corridor's volume as --out/market.png.")
@click.option("--quiet", is_flag=True, help="No progress bar and no tables; only errors.")
def market(scenario: Path, out: Path, seed: int | None, overrides: tuple[str, ...], replications: int, workers: int,
           executor: str, scheduler: str | None, run_timeout: float | None, plots: bool, quiet: bool) -> None:
    """Settle SCENARIO's markets: the corridor's demand from its simulated cost, until it moves < 1%.

    Writes --out/market.json (shares, TEU and tonnes per market and route, corridor_tonnes_per_year,
    every iteration) beside the final corridor simulation's replications (summary.json, replications/).
    """
    check_chunk_rows()
    check_out(out, scenario)
    with experiment_errors(out), RunsBar(f"{scenario.stem}: market equilibrium",
                                         visible=progress_shown(quiet)) as progress:
        result = market_equilibrium(scenario, replications=replications, workers=workers, executor=executor,
                                    scheduler=scheduler, run_timeout=run_timeout, overrides=overrides, seed=seed,
                                    out=out, progress=checking_stop(progress))
    if plots:
        from ..plots import save_figures          # matplotlib: only with --plots
        from ..plots.market import market_figure

        save_figures({"market.png": market_figure(result.report)}, out, atomic=True)
    if not quiet:
        print_market(result.report, Console())
        click.echo(f"results written to {out}/")
    s = result.corridor.summary
    exit_if_failed(len(s["failed"]), s["replications"], "replications", out / "replications")


def print_market(report: dict, console: Console) -> None:
    """Each market's routes (share, TEU, tonnes, generalised cost), then the corridor and the convergence."""
    for mname, m in report["markets"].items():
        table = Table(title=f"market {mname}: {m['teu_per_year']:,.0f} TEU/yr")
        for col in ("route", "share", "TEU/yr", "t/yr", "generalised USD/TEU"):
            table.add_column(col, justify="left" if col == "route" else "right")
        for rname, r in m["routes"].items():
            table.add_row(rname + ("" if r["simulated"] else " (published)"), f"{r['share']:.1%}",
                          f"{r['teu_per_year']:,.0f}", f"{r['tonnes_per_year']:,.0f}",
                          f"{r['generalised_cost_usd_per_teu']:,.0f}")
        console.print(table)
    t = report["corridor_tonnes_per_year"]
    mean, ci = value(t), ci95(t)
    shown = f"{mean:,.0f} t/yr" if mean is not None else "nothing delivered"
    if ci and ci[0] is not None:
        shown += f" (95%: {ci[0]:,.0f} – {ci[1]:,.0f})"
    its = report["iterations"]
    state = "converged" if report["converged"] else "NOT converged"
    console.print(f"corridor (all flows): {shown}; {state} after {len(its)} iterations "
                  f"(last move {its[-1]['move']:.2%}, gap {its[-1]['gap']:.2%})")
