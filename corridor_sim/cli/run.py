"""`corridor-sim run`: one run of a scenario, or N replications of it with intervals."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import click

from ..experiment import ExperimentError, run_replications
from ..experiment.replications import seeded
from ..api import run_loaded
from ..experiment.executors import RunTimedOut, check_options
from ..ownership import OutputRefused
from ..progress import RunsBar, SimulationBar
from ..rundir import finished_run
from ..scenario import ScenarioError, load_scenario
from ..scenario.types import MAX_SEED
from .exits import EXIT_FAILED, cannot_write, checking_stop, exit_if_failed, fail
from .experiments import check_chunk_rows, check_out, experiment_errors, experiment_options, progress_shown
from .flags import COMMAND_LINE


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="Run directory to write (a corridor-sim output there is replaced atomically; "
                   "a folder of other files is refused).")
@click.option("--seed", type=click.IntRange(min=0, max=MAX_SEED), default=None, help="Master seed (overrides the scenario's).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help="Override a scenario field, e.g. --set nodes.dostyk.station.servers=4 (repeatable).")
@experiment_options
@click.option("--plots", is_flag=True, help="Also write the figures (map, monthly tonnes, transit times, "
                                              "queues) as PNG files into --out.")
@click.option("--map-scale", "map_scale", type=click.FloatRange(min=0, min_open=True, max=1e12), default=None,
              metavar="T_PER_MM", help="With --plots: draw the map's links 1 mm wide per this many tonnes a year "
                                       "(the same for two maps that are to be compared; default: the busiest "
                                       "link about 4 mm wide).")
@click.option("--quiet", is_flag=True, help="No progress bar and no tables; only errors.")
def run(scenario: Path, out: Path, seed: int | None, overrides: tuple[str, ...], replications: int, workers: int,
        executor: str, scheduler: str | None, resume: bool, run_timeout: float | None, quiet: bool,
        plots: bool = False, map_scale: float | None = None) -> None:
    """Run SCENARIO and write summary.json, visits.parquet and the resolved scenario to --out.

    With --replications N > 1, every KPI gets its mean and 95% t interval in
    --out/summary.json, and each replication its own run directory in
    --out/replications/.
    """
    check_chunk_rows()
    check_out(out, scenario)
    if replications > 1:
        _replications(scenario, out, seed, overrides, replications, workers, executor, scheduler, resume, quiet,
                      plots, run_timeout, map_scale)
        return
    try:
        check_options(workers, executor, scheduler, run_timeout)
    except ExperimentError as exc:
        fail(exc.describe(COMMAND_LINE))
    try:
        sc, resolved = load_scenario(scenario, seeded(overrides, seed))
    except (ScenarioError, ExperimentError) as exc:
        fail(exc.describe(COMMAND_LINE))
    if resume and out.is_dir():
        done = _finished_single_run(out, resolved)
        if done is not None:
            if plots:
                _write_plots(out, map_scale)
            if not quiet:
                show_run(done)
                click.echo(f"{out}/ already holds this run (--resume): nothing to do")
            return
    summary = single_run(sc, resolved, scenario, out, run_timeout=run_timeout, plots=plots, quiet=quiet,
                         map_scale=map_scale)
    if not quiet:
        show_run(summary)
        click.echo(f"results written to {out}/")


def single_run(sc, resolved: dict, scenario: Path, out: Path, *, run_timeout: float | None, plots: bool,
               quiet: bool, map_scale: float | None = None) -> dict:
    """Run the loaded scenario once through the API and write its run directory; return its summary."""
    try:
        with SimulationBar(f"simulating {sc.name}", visible=progress_shown(quiet)) as progress:
            result = run_loaded(sc, resolved, source=str(scenario), out=out, progress=checking_stop(progress),
                                run_timeout=run_timeout,
                                extra_files=partial(_plots_into, map_scale=map_scale) if plots else None)
    except OutputRefused as exc:
        fail(exc.describe(COMMAND_LINE))
    except RunTimedOut as exc:
        click.echo(f"error: {exc.describe(COMMAND_LINE)}; nothing written to {out}", err=True)
        sys.exit(EXIT_FAILED)
    except OSError as exc:
        cannot_write(out, exc)
    return result.summary


def terminal():
    from rich.console import Console   # rich: only when there is something to print

    return Console()


def show_run(summary: dict) -> None:
    """The KPI table, the busiest resources and the bottlenecks of a run, on the terminal."""
    from .tables import print_run   # rich: only when there is something to print

    print_run(summary, terminal())


def _finished_single_run(out: Path, resolved: dict) -> dict | None:
    """The summary in `out` if it is a complete single run of this resolved scenario."""
    summary = finished_run(out, resolved)
    return summary if summary is not None and summary.get("replication") == 0 else None


def _plots_into(result, tmp: Path, map_scale: float | None = None) -> None:
    """Writes the run's figures into the run directory while it is still under its temporary name."""
    from ..plots import run_figures, save_figures   # matplotlib: only with --plots

    save_figures(run_figures(result, map_scale=map_scale), tmp)


def _write_plots(out: Path, map_scale: float | None = None) -> None:
    """The figures of a finished run or replications directory, each PNG written atomically."""
    from ..plots import run_figures, save_figures   # matplotlib: only with --plots

    try:
        save_figures(run_figures(out, map_scale=map_scale), out, atomic=True)
    except OSError as exc:
        cannot_write(f"the plots into {out}", exc)


def _replications(scenario, out, seed, overrides, replications, workers, executor, scheduler, resume, quiet,
                  plots=False, run_timeout=None, map_scale=None):
    with experiment_errors(out), RunsBar(f"{scenario.stem}: {replications} replications",
                                         visible=progress_shown(quiet)) as progress:
        result = run_replications(scenario, replications=replications, workers=workers, executor=executor,
                                  scheduler=scheduler, overrides=overrides, seed=seed, out=out, resume=resume,
                                  run_timeout=run_timeout, progress=checking_stop(progress))
    if plots and result.summary.get("replications_ok"):
        _write_plots(out, map_scale)
    if not quiet:
        from .tables import print_replications   # rich: only when there is something to print

        print_replications(result.summary, terminal())
        click.echo(f"results written to {out}/")
    exit_if_failed(len(result.summary["failed"]), replications, "replications", out / "replications")
