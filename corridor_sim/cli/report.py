"""`corridor-sim report`: one self-contained HTML page of a run, replications, sweep or levers directory."""

from __future__ import annotations

from pathlib import Path

import click

from ..ownership import OutputRefused
from ..plots import NotARunDirectory
from ..report import REPORT, write_report
from .exits import cannot_write, fail
from .flags import COMMAND_LINE


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="HTML file to write (default: DIRECTORY/report.html); an existing file there is replaced "
                   "only if it is a corridor-sim report.")
@click.option("--interactive", is_flag=True, help="Also embed the map as an interactive figure (hover, zoom; Plotly's "
                                                  "script inline, a few MB; needs corridor-sim[explore]).")
def report(directory: Path, out: Path | None, interactive: bool = False) -> None:
    """Write one self-contained HTML report of a run, replications, sweep, levers or market DIRECTORY.

    Figures, KPI tables, bottlenecks, stability, static capacity, the resolved scenario and
    the provenance, in one file that opens in any browser without a network. For a sweep: the
    sweep curves, the grid with its intervals and gains, the saturation verdict and the runs. For
    levers: what limits the base, each lever's gains with their intervals, and links to the runs. For
    a market: the shares by route, the corridor against its capacity, and every iteration.
    """
    target = out if out is not None else directory / REPORT
    if target.exists() and target.is_dir():
        fail(f"--out {target}: is a directory")
    if interactive:
        try:
            import plotly  # noqa: F401  (optional: the explore extra)
        except ImportError:
            fail("--interactive needs Plotly: pip install 'corridor-sim[explore]'")
    try:
        path = write_report(directory, target, interactive=interactive)
    except (NotARunDirectory, OutputRefused) as exc:
        fail(exc.describe(COMMAND_LINE))
    except OSError as exc:
        cannot_write(target, exc)
    click.echo(f"report written to {path}")
