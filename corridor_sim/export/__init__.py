"""What a planner's tools open: a run's tables as an Excel workbook or CSV files (`corridor-sim export`).

    tables   the tables of a run, replications or sweep directory (KPIs, flows, resources, bottlenecks,
             links, nodes; levers and market where present; a sweep's grid, saturation and runs)
    files    written as one workbook (a sheet per table) or a folder of CSV files, whole or not at all

The network itself, for a GIS, is network.geojson in every run directory (`geo.network`).
"""

from __future__ import annotations

from .files import write_csv, write_excel
from .tables import export_tables

__all__ = ["export_tables", "write_csv", "write_excel"]
