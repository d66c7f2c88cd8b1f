"""`corridor-sim export`: a run's tables as an Excel workbook or a folder of CSV files."""

from __future__ import annotations

from pathlib import Path

import click

from .. import __version__
from ..ownership import OutputRefused
from ..rundir import NotARunDirectory
from .exits import cannot_write, fail
from .flags import COMMAND_LINE


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--excel", "excel", type=click.Path(path_type=Path), default=None, metavar="FILE.xlsx",
              help="Write one workbook, a sheet per table (an existing file is replaced only if corridor-sim "
                   "wrote it).")
@click.option("--csv", "csv", type=click.Path(path_type=Path), default=None, metavar="FOLDER",
              help="Write each table as FOLDER/<table>.csv with export.json (a folder that is new, empty or an "
                   "earlier export).")
def export(directory: Path, excel: Path | None, csv: Path | None) -> None:
    """Export the tables of a run, replications, sweep, levers or market DIRECTORY for Excel, a GIS or any tool that reads CSV.

    A run: KPIs, flows, resources, bottlenecks, links and nodes with their results (and levers and
    market where the run has them); a sweep: its grid, saturation verdicts and runs; a levers
    directory: its base's tables, its levers ranked and their gains; a market directory: its final
    corridor run's tables, each market's routes and the iterations. The network
    for a GIS is DIRECTORY/network.geojson, written with every run.
    """
    if excel is None and csv is None:
        fail("export: give --excel FILE.xlsx, --csv FOLDER or both (see 'corridor-sim export --help')")
    if excel is not None and excel.suffix.lower() != ".xlsx":
        fail(f"--excel {excel}: must end in .xlsx (an Excel workbook)")
    from ..export import export_tables, write_csv, write_excel   # pandas, openpyxl: only when exporting

    try:
        tables = export_tables(directory)
    except NotARunDirectory as exc:
        fail(exc.describe(COMMAND_LINE))
    about = {"source": str(directory.resolve()), "exported_by": f"corridor-sim {__version__}",
             "tables": ", ".join(tables)}
    written = []
    try:
        if excel is not None:
            written.append(write_excel(tables, excel, about))
        if csv is not None:
            write_csv(tables, csv, about)
            written.append(csv)
    except OutputRefused as exc:
        fail(exc.describe(COMMAND_LINE))
    except OSError as exc:
        cannot_write(excel if not written and excel is not None else csv, exc)
    for path in written:
        click.echo(f"exported to {path}")
