"""Queues over time at the busiest resources, from the daily samples of the whole run."""

from __future__ import annotations

from matplotlib.figure import Figure

from ..analysis.labels import resource_labels
from ..rundir import RunData, load_run
from .common import figure, run_footnote, value

# What waits in a resource's queue, by its kind: the label of the queue's axis.
QUEUE_UNITS = {"fleet": "consignments", "rail_section": "trains", "station": "trains", "berth": "vessels",
               "weather": "vessels held", "yard": "consignments held", "pipeline": "parcels",
               "rolling_stock": "requests"}


def top_resources(data: RunData, top: int = 4) -> list[str]:
    """The ranked bottlenecks first, then the resources with the longest mean queue."""
    names = [b["name"] for b in data.summary.get("bottlenecks", [])]
    rest = sorted((r for r in data.summary.get("resources", []) if r.get("kind") != "train_formation"),
                  key=lambda r: -(value(r.get("mean_queue")) or 0.0))
    for r in rest:
        if r["name"] not in names and (value(r.get("mean_queue")) or 0.0) > 0:
            names.append(r["name"])
    return names[:top]


def queue_lengths(data, resources=None, top: int = 4) -> Figure:
    """Entities waiting at the top resources, sampled daily over the whole run (warm-up shaded)."""
    data = load_run(data)
    names = list(resources) if resources is not None else top_resources(data, top)
    s = data.samples
    fig = figure(12, 0.6 + 2.0 * max(1, len(names)))
    axes = fig.subplots(max(1, len(names)), 1, sharex=True, squeeze=False)[:, 0]
    warm_end = data.date([data.warmup_hours])[0]
    shown = resource_labels(data.summary.get("resources") or [], data.scenario)
    for ax, name in zip(axes, names):
        g = s[s.resource == name].sort_values("time")
        ax.fill_between(data.date(g.time), g.queue, step="post", color="#fdae6b", alpha=0.6, lw=0)
        ax.step(data.date(g.time), g.queue, where="post", color="#e6550d", lw=1.1)
        ax.axvspan(data.date([0])[0], warm_end, color="#bbb", alpha=0.25, lw=0)
        r = data.resource(name) or {}
        u, wait = value(r.get("utilization")), value(r.get("mean_wait_hours"))
        ax.set_ylabel(QUEUE_UNITS.get(r.get("kind"), "waiting"), fontsize=8)
        ax.set_title(shown.get(name, name) + (f" — utilisation {u:.0%}" if u is not None else "")
                     + (f", mean wait {wait:.1f} h" if wait is not None else ""), fontsize=9.5, loc="left")
        ax.grid(color="#eee")
        ax.set_ylim(bottom=0)
    if len(axes):
        axes[0].text(data.date([data.warmup_hours / 2])[0], axes[0].get_ylim()[1] * 0.9, "warm-up", ha="center",
                     va="top", fontsize=8, color="#666")
    rep = " (first replication)" if data.is_replications else ""
    fig.suptitle(f"{data.name}: queue length over time at the busiest resources{rep}", fontsize=12, x=0.01,
                 ha="left")
    run_footnote(fig, data)
    return fig
