"""A run or a sweep as one self-contained HTML page, to send to someone who will not open a JSON file.

    corridor-sim report runs/baseline_2024            # writes runs/baseline_2024/report.html
    corridor-sim report runs/b10 --out b10.html       # a replications directory: intervals beside means
    corridor-sim report runs/ferries                  # a sweep directory: its curves, grid and verdict
    corridor-sim report runs/levers_2030              # a levers directory: what limits it, what each lever buys
    corridor-sim report runs/market_2030              # a market directory: shares, iterations, capacity

The page holds everything: the figures as base64 PNG, the KPI tables, the ranked
bottlenecks, the stability verdict, the static capacity, the resolved scenario
and the provenance. It loads nothing from the network (no scripts, fonts or
styles from elsewhere), so it opens in any browser, offline, as an e-mail
attachment. Every KPI cell carries the exact number of summary.json in its
`data-value` attribute.

`run_page` writes a run's page, `sweep_page` a sweep's, `levers_page` a levers directory's, `market_page`
a market's, all from the pieces of `markup`.
"""

from __future__ import annotations

from pathlib import Path

from ..layout import LEVERS, MARKET, SWEEP
from ..output import write_file_atomic
from ..ownership import check_file_out, is_report
from .markup import REPORT
from .levers_page import render_levers_report
from .market_page import render_market_report
from .run_page import render_report
from .sweep_page import render_sweep_report

__all__ = ["REPORT", "render_levers_report", "render_market_report", "render_report", "render_sweep_report",
           "write_report"]


def write_report(directory, out=None, interactive: bool = False) -> Path:
    """Write the report of `directory` (a run, replications, a sweep, levers or a market) to `out` (default:
    DIR/report.html), atomically; `interactive`: a run's map also as a Plotly figure (`render_report`).
    Raises `NotARunDirectory` for a directory that is none of them, and
    `OutputRefused` (before anything is drawn) if `out` is a file that is not a corridor-sim report."""
    out = Path(out) if out is not None else Path(directory) / REPORT
    check_file_out(out, is_report, "report")
    if (Path(directory) / SWEEP).is_file():
        page = render_sweep_report(directory)
    elif (Path(directory) / LEVERS).is_file():
        page = render_levers_report(directory)
    elif (Path(directory) / MARKET).is_file():
        page = render_market_report(directory)
    else:
        page = render_report(directory, interactive=interactive)
    return write_file_atomic(out, lambda tmp: tmp.write_text(page, encoding="utf-8"), replaces=is_report, final=True)
