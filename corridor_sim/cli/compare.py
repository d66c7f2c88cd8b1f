"""`corridor-sim compare`: two run directories side by side, and --fail-if thresholds on the change."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from ..experiment import ExperimentError, check_thresholds, parse_threshold
from ..experiment import compare as compare_runs
from ..ownership import OutputRefused, check_file_out, is_figure
from .exits import EXIT_FAILED, cannot_write, fail
from .flags import COMMAND_LINE
from .tables import print_comparison


@click.command()
@click.argument("dir_a", type=click.Path(path_type=Path))
@click.argument("dir_b", type=click.Path(path_type=Path))
@click.option("--fail-if", "fail_if", multiple=True, metavar="'METRIC<-5%'",
              help="Exit with 1 if the change from A to B crosses this threshold: METRIC, one of < <= > >=, "
                   "a number (absolute change) or a percentage (change relative to A). METRIC may use * "
                   "(e.g. 'transit_days.*.p95>10%'). Repeatable.")
@click.option("--all", "everything", is_flag=True, help="Print every metric, not only the main ones.")
@click.option("--quiet", is_flag=True, help="Print only the failed thresholds.")
@click.option("--plot", "plot", type=click.Path(path_type=Path), default=None, metavar="FILE.png",
              help="Also draw the differences (B − A in % of A, with their intervals) into this PNG file.")
def compare(dir_a: Path, dir_b: Path, fail_if: tuple[str, ...], everything: bool, quiet: bool,
            plot: Path | None = None) -> None:
    """Compare two run directories (single runs or replications): A, B, B − A and its 95% interval.

    Replications of A and B with the same seed and index drew the same random numbers: their
    differences give a paired interval (common random numbers).
    """
    try:
        thresholds = [parse_threshold(t) for t in fail_if]
        if plot is not None:
            check_file_out(plot, is_figure, "figure", parameter="plot")
        table = compare_runs(dir_a, dir_b)
        failed = check_thresholds(table, thresholds)
    except (ExperimentError, OutputRefused) as exc:
        fail(exc.describe(COMMAND_LINE))
    if plot is not None:
        from ..plots import comparison_bars, save_figures   # matplotlib: only with --plot

        try:
            save_figures({plot.name: comparison_bars(table, runs=(dir_a, dir_b))},
                         plot.parent, atomic=True, replaces=is_figure)
        except OutputRefused as exc:
            fail(exc.describe(COMMAND_LINE))
        except OSError as exc:
            cannot_write(plot, exc)
    if not quiet:
        print_comparison(table, Console(), str(dir_a), str(dir_b), everything)
    for t in thresholds:
        hits = [f for f in failed if f[0] is t]
        if not hits and not quiet:
            click.echo(f"ok      --fail-if {t.text}")
        for _, metric, diff, pct in hits:
            amount = f"{diff:+,.0f}" if abs(diff) >= 100 else f"{diff:+.3g}"
            click.echo(f"FAILED  --fail-if {t.text}: {metric} changed by {amount} ({pct:+.1f}%)")
    if failed:
        sys.exit(EXIT_FAILED)
