"""`corridor-sim sweep`: every combination of the --vary values, --replications times each."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..experiment import sweep as run_sweep
from ..progress import RunsBar
from ..scenario.types import MAX_SEED
from .exits import checking_stop, exit_if_failed
from .experiments import check_chunk_rows, check_out, experiment_errors, experiment_options, progress_shown
from .tables import print_sweep


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--vary", "vary", multiple=True, required=True, metavar="PATH=V1,V2,...",
              help="A field and its values, e.g. --vary nodes.kuryk.berths.ferry.count=1,2,3 "
                   "(repeatable: the full grid is run).")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Sweep directory to write (a corridor-sim output there is replaced; a folder of other files "
                   "is refused).")
@click.option("--seed", type=click.IntRange(min=0, max=MAX_SEED), default=None, help="Master seed (overrides the scenario's).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help="Override a scenario field at every grid point (repeatable).")
@experiment_options
@click.option("--min-gain", type=click.FloatRange(min=0, max=100, max_open=True), default=1.0, show_default=True,
              metavar="PERCENT", help="A step of a parameter that buys less than this % of a KPI (tonnes, days, "
                                      "hours) does not count as a gain (saturation).")
@click.option("--kpi", "kpis", multiple=True, metavar="METRIC",
              help="A KPI to judge saturation on, by its metric name (repeatable), e.g. delivered_tonnes_per_year, "
                   "transit_days_by_group.china_europe.p95, 'resources.fleet:asco_ferries.mean_wait_hours'. "
                   "Default: delivered tonnes and the mean and p95 transit days of every flow group.")
@click.option("--plots", is_flag=True, help="Also write the saturation curves as --out/sweep.png.")
@click.option("--quiet", is_flag=True, help="No progress bar and no tables; only errors.")
def sweep(scenario: Path, vary: tuple[str, ...], out: Path, seed: int | None, overrides: tuple[str, ...],
          replications: int, workers: int, executor: str, scheduler: str | None, resume: bool,
          run_timeout: float | None, min_gain: float, kpis: tuple[str, ...], quiet: bool, plots: bool = False) -> None:
    """Run SCENARIO at every combination of the --vary values, --replications times each.

    Writes the tidy results (results.parquet), a summary per grid point (summary.parquet) with
    the saturation marks, the gain of every step on every KPI judged (saturation.parquet), and a
    run directory per run; prints the summary table and the saturation verdicts.
    """
    check_chunk_rows()
    check_out(out, scenario)
    with experiment_errors(out), RunsBar(f"{scenario.stem}: {replications} replications per point",
                                         visible=progress_shown(quiet)) as progress:
        result = run_sweep(scenario, list(vary), replications=replications, workers=workers, executor=executor,
                           scheduler=scheduler, overrides=overrides, seed=seed, out=out, resume=resume,
                           run_timeout=run_timeout, progress=checking_stop(progress), min_gain=min_gain / 100.0,
                           kpis=list(kpis) or None)
    if plots and result.info.get("runs_ok"):
        from ..plots import save_figures, sweep_curves   # matplotlib: only with --plots

        save_figures({"sweep.png": sweep_curves(result)}, out, atomic=True)
    if not quiet:
        print_sweep(result, Console())
        click.echo(f"results written to {out}/")
    exit_if_failed(len(result.info["failed"]), result.info["runs"], "runs", out / "runs")
