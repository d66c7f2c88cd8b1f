"""The names of what corridor-sim writes: its files and folders, and the format they are in.

One table for the writers (`output.py`, the experiments, the figures, the report, the
findings), for the reader (`rundir.py`) and for the check of what `--out` may replace
(`ownership.py`): a name written here is one corridor-sim may write, and replace.

    run directory           summary.json, scenario.resolved.yaml, the record tables (visits.parquet, …),
                            network.geojson;
                            a failed run's error.txt; the figures of --plots; report.html
    replications            summary.json, runs.parquet, results.parquet, network.geojson (means), the figures,
                            report.html,
                            replications/rep-0000/ … (run directories); a market's market.json, market.png
    sweep                   sweep.json, results.parquet, summary.parquet, saturation.parquet,
                            runs.parquet, sweep.png, report.html, runs/g000-r0000/ … (run directories)
    levers                  levers.json, gains.parquet, report.html, base/ (a replications directory),
                            levers/lever-000/ … (a replications directory each)
    findings                findings.md, findings.json (written into a folder, beside anything else)

Every summary.json, sweep.json and levers.json names its `format`: corridor-sim's name and the version of
this layout and of the fields that readers rely on. A change that a reader of the previous
version would misread gets a new version.
"""

from __future__ import annotations

import re

FORMAT = "corridor-sim/1"        # the `format` field of every summary.json, sweep.json and levers.json written
FORMATS_READ = (FORMAT,)         # what the reader accepts
PRODUCT = "corridor-sim"         # how a report (its <meta name="generator">) and a figure name their maker

# A run directory
SUMMARY = "summary.json"
RESOLVED = "scenario.resolved.yaml"
ERROR = "error.txt"
VISITS = "visits.parquet"
DELIVERIES = "deliveries.parquet"
TRAINS = "trains.parquet"
VOYAGES = "voyages.parquet"
SAMPLES = "samples.parquet"
RECORD_TABLES = (VISITS, DELIVERIES, TRAINS, VOYAGES, SAMPLES)
NETWORK = "network.geojson"      # nodes and links with their results, for a GIS (geo/network.py)
MAP, MONTHLY, TRANSIT, BREAKDOWN, QUEUES = ("map.png", "monthly_tonnes.png", "transit_times.png",
                                            "transit_breakdown.png", "queues.png")
RUN_FIGURES = (MAP, MONTHLY, TRANSIT, BREAKDOWN, QUEUES)   # run --plots
REPORT = "report.html"           # a report's file name in the directory it reports on

# An experiment: replications, a sweep
REPLICATIONS_DIR = "replications"    # the replications' run directories
RUNS = "runs.parquet"                # one row per run
RESULTS = "results.parquet"          # tidy: one row per run per metric
SWEEP = "sweep.json"                 # a sweep's own file (written last)
SWEEP_RUNS_DIR = "runs"              # a sweep's run directories
SUMMARY_TABLE = "summary.parquet"    # a sweep's grid
SATURATION = "saturation.parquet"
SWEEP_FIGURE = "sweep.png"           # sweep --plots
LEVERS = "levers.json"               # a levers directory's own file (written last)
GAINS = "gains.parquet"              # ... its tidy table of what each lever buys
LEVERS_BASE_DIR = "base"             # ... its base: a replications directory
LEVERS_DIR = "levers"                # ... and its levers, each a replications directory
LEVER_DIR = re.compile(r"lever-\d{3,}")   # a lever's directory (by index)

# A market equilibrium: the final corridor replications, and beside their summary
MARKET = "market.json"               # the markets' shares, the iterations (written last)
MARKET_FIGURE = "market.png"         # market --plots

# `corridor-sim export`: a workbook (one sheet per table), or a folder of CSV files with its manifest
EXPORT_TABLES = ("kpis", "flows", "resources", "bottlenecks", "links", "nodes", "levers", "market",   # a run
                 "grid", "saturation", "runs", "gains", "market_iterations")   # a sweep; levers; a market
EXPORT_MANIFEST = "export.json"      # in a --csv folder: what wrote it, from what, and its files
EXPORT_CSV_FILES = frozenset({EXPORT_MANIFEST, *(f"{t}.csv" for t in EXPORT_TABLES)})

# The findings table
FINDINGS_MD = "findings.md"
FINDINGS_JSON = "findings.json"

# What may stand at each level of an output (a name, or a pattern of run directory names).
RUN_FILES = frozenset({SUMMARY, RESOLVED, ERROR, *RECORD_TABLES, NETWORK, *RUN_FIGURES, REPORT})
REPLICATIONS_FILES = frozenset({SUMMARY, RUNS, RESULTS, NETWORK, *RUN_FIGURES, REPORT, MARKET, MARKET_FIGURE})
SWEEP_FILES = frozenset({SWEEP, RESULTS, SUMMARY_TABLE, SATURATION, RUNS, SWEEP_FIGURE, REPORT})
LEVERS_FILES = frozenset({LEVERS, GAINS, REPORT})
RUN_DIRS = {REPLICATIONS_DIR: re.compile(r"rep-\d{4,}"), SWEEP_RUNS_DIR: re.compile(r"g\d{3,}-r\d{4,}")}

# The temporary names of a file or directory being written (renamed into place when complete), and of
# the directory being replaced (removed once the new one is in place): `.NAME.tmp-XXXX`, `.NAME.old-XXXX`.
TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?:tmp|old)-[A-Za-z0-9_]+")


def temporary_prefix(name: str) -> str:
    return f".{name}.tmp-"


def replaced_prefix(name: str) -> str:
    return f".{name}.old-"
