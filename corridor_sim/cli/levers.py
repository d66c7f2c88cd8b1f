"""`corridor-sim levers`: what limits the corridor, and what each lever buys."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from ..experiment.levers import DEFAULT_REPLICATIONS, DEFAULT_TOP, LEVERS
from ..experiment.levers import levers as run_levers
from ..progress import RunsBar
from .exits import EXIT_FAILED, checking_stop
from .experiments import check_chunk_rows, check_out, experiment_errors, experiment_options, progress_shown
from .lever_tables import print_levers


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Levers directory to write.")
@click.option("--top", type=click.IntRange(min=0), default=DEFAULT_TOP, show_default=True,
              help="Build levers for this many of the elements that limit the base (0: only the --lever ones).")
@click.option("--lever", "given", multiple=True, metavar="PATH=VALUE",
              help="A lever of your own, tried beside the others: a field and its new value (repeatable), e.g. "
                   "--lever nodes.alat.berths.ferry.count=3.")
@click.option("--seed", type=click.IntRange(min=0), default=None, help="Master seed (overrides the scenario's).")
@click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE",
              help="Override a scenario field of the base and of every lever (repeatable).")
@experiment_options(replications=DEFAULT_REPLICATIONS)
@click.option("--quiet", is_flag=True, help="No progress bar and no tables; only errors.")
def levers(scenario: Path, out: Path, top: int, given: tuple[str, ...], seed: int | None, overrides: tuple[str, ...],
           replications: int, workers: int, executor: str, scheduler: str | None, resume: bool,
           run_timeout: float | None, quiet: bool) -> None:
    """Run SCENARIO and levers on what limits it, with common random numbers: what each lever buys.

    Runs the base; takes the elements that limit it from its own diagnostics (the ranked
    bottlenecks and the static load); tries one or two levers on each of the --top first (one
    more vessel, one more berth, +25% train paths, one more track, -25% dwell, a timetable,
    +25% quota, ...) and every --lever; and ranks them by tonnes gained and days saved, each
    with its paired 95% interval. Writes levers.json and a replications directory for the base
    (base/) and for each lever (levers/lever-000/ ...).
    """
    check_chunk_rows()
    check_out(out, scenario)
    with experiment_errors(out), RunsBar(f"{scenario.stem}: the base and its levers, {replications} replications "
                                         f"each", visible=progress_shown(quiet)) as progress:
        result = run_levers(scenario, replications=replications, top=top, levers=list(given), workers=workers,
                            executor=executor, scheduler=scheduler, overrides=overrides, seed=seed, out=out,
                            resume=resume, run_timeout=run_timeout, progress=checking_stop(progress))
    if not quiet:
        print_levers(result.info, Console(), out)
        click.echo(f"results written to {out}/")
    failed = result.info["failed"]
    if failed:
        click.echo(f"error: {len(failed)} of {result.info['runs']} runs failed (see 'failed' in {out / LEVERS})",
                   err=True)
        sys.exit(EXIT_FAILED)
