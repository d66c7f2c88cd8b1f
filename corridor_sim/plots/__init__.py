"""Pictures of a run, a sweep and a comparison (matplotlib).

Every function takes what a notebook has at hand — a `RunResult` from
`corridor_sim.api.run`, a run directory (a single run or `--replications`), a
`SweepResult` or a sweep directory, a `compare` table — and returns a
`matplotlib.figure.Figure`. Figures are built without pyplot, so nothing here
touches the global backend: a script or the CLI saves them with `fig.savefig`
(Agg), a notebook shows them inline.

    from corridor_sim import plots
    data = plots.load_run("runs/baseline_2024")      # or the RunResult of api.run(...)
    plots.corridor_map(data)
    plots.monthly_tonnes(data)
    plots.transit_distribution(data)
    plots.transit_breakdown(data)
    plots.queue_lengths(data)
    plots.sweep_curves("runs/sweep")                 # or the SweepResult of api.sweep(...)
    plots.comparison_bars(api.compare("runs/a", "runs/b"))
    plots.lever_gains("runs/levers")                 # or the LeverResult of api.levers(...)

A replications directory is drawn from its aggregated `summary.json` (means)
and from the records of all its successful replications (monthly tonnes with
their 95% interval, transit times pooled) or of its first one (the map's
tonnes, queues over time), as each caption says.

One module per picture: `map` (the corridor, with `geodata` under it), `monthly`,
`transit`, `queues`, `experiments` (sweep curves, comparison bars), `levers` (what each lever buys); `common` holds
what they share; `placement` puts the map's names where they strike nothing. `interactive` is the map
as a Plotly figure (the explorer's, and `report --interactive`'s): it needs Plotly, and is not imported here. The numbers they draw come from `corridor_sim.analysis`
(`links`, `monthly`, `window`), the run from `corridor_sim.rundir`.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from .. import __version__
from ..layout import BREAKDOWN, MAP, MONTHLY, PRODUCT, QUEUES, TRANSIT
from ..output import write_file_atomic
from ..rundir import NotARunDirectory, RunData, load_run
from .common import DPI, ci95, pretty, value
from .experiments import comparison_bars, load_sweep, sweep_curves
from .levers import lever_gains, load_levers
from .map import corridor_map, link_tonnes, link_utilization
from .monthly import monthly_closed_share, monthly_demand, monthly_tonnes
from .queues import queue_lengths, top_resources
from .transit import transit_breakdown, transit_cdf, transit_distribution

__all__ = [
    "DPI", "RUN_FIGURES", "NotARunDirectory", "RunData", "ci95", "comparison_bars", "corridor_map", "lever_gains",
    "link_tonnes", "link_utilization", "load_levers", "load_run", "load_sweep", "monthly_closed_share", "monthly_demand", "monthly_tonnes",
    "pretty", "queue_lengths", "run_figures", "save_figures", "sweep_curves", "top_resources", "transit_breakdown",
    "transit_cdf", "transit_distribution", "value",
]

RUN_FIGURES = {
    MAP: corridor_map,
    MONTHLY: monthly_tonnes,
    TRANSIT: transit_distribution,
    BREAKDOWN: transit_breakdown,
    QUEUES: queue_lengths,
}


def run_figures(data, map_scale: float | None = None) -> dict[str, Figure]:
    """Every figure of a run (or replications), keyed by its PNG file name; `map_scale`: the map's
    fixed width scale in tonnes per year per mm (default: the busiest link about 4 mm wide)."""
    data = load_run(data)
    figures = {name: make(data) for name, make in RUN_FIGURES.items() if name != MAP}
    return {MAP: corridor_map(data, t_per_mm=map_scale), **figures}


def save_figures(figures: dict[str, Figure], directory: Path, atomic: bool = False, replaces=None) -> list[Path]:
    """Each figure as a PNG in `directory`, its `Software` text naming corridor-sim (so that a later
    write knows the file as its own: `ownership.is_figure`). `atomic`: each file written under a
    temporary name and renamed into place (for a directory that readers may already see); `replaces`:
    see `output.write_file_atomic`."""
    out = []
    metadata = {"Software": f"{PRODUCT} {__version__}"}
    for name, fig in figures.items():
        path = Path(directory) / name
        if atomic:
            write_file_atomic(path, lambda tmp, fig=fig: fig.savefig(tmp, dpi=DPI, format="png", metadata=metadata),
                              replaces=replaces)
        else:
            fig.savefig(path, dpi=DPI, metadata=metadata)
        out.append(path)
    return out
