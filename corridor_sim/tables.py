"""Terminal tables of a run's results (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .analysis.bottlenecks import CAPACITY_KINDS


def _num(x, fmt: str = ",.0f") -> str:
    return "–" if x is None else format(x, fmt)


def print_run(summary: dict, console: Console, top_resources: int = 12) -> None:
    k = summary["kpis"]
    w = summary["window"]
    head = Table(title=f"{summary['scenario']} · seed {summary['seed']} · {w['start']} to {w['end']}",
                 show_header=False, title_justify="left")
    head.add_column("KPI")
    head.add_column("value", justify="right")
    head.add_row("Delivered tonnes per year", _num(k["delivered_tonnes_per_year"]["mean"]))
    head.add_row("Delivered TEU per year", _num(k["delivered_teu_per_year"]["mean"]))
    mb = summary["mass_balance"]
    head.add_row("Mass balance (generated = delivered + in system)",
                 f"{_num(mb['generated_tonnes'])} = {_num(mb['delivered_tonnes'])} + {_num(mb['in_system_tonnes'])}"
                 f" t  {'ok' if mb['balanced'] else 'BROKEN'}")
    head.add_row("Runtime", f"{summary['runtime_seconds']:.2f} s")
    console.print(head)

    flows = Table(title="Flows", title_justify="left")
    for col, just in (("flow", "left"), ("demand t/yr", "right"), ("delivered t/yr", "right"),
                      ("transit days mean", "right"), ("p50", "right"), ("p95", "right")):
        flows.add_column(col, justify=just)
    for name, t in k["transit_days"].items():
        flows.add_row(name, _num(k["demand_tonnes_per_year_by_flow"][name]["mean"]),
                      _num(k["delivered_tonnes_per_year_by_flow"][name]["mean"]),
                      _num(t["mean"], ".1f"), _num(t["p50"], ".1f"), _num(t["p95"], ".1f"))
    console.print(flows)

    res = Table(title=f"Busiest capacity (top {top_resources} by utilization)", title_justify="left")
    for col, just in (("resource", "left"), ("kind", "left"), ("utilization", "right"),
                      ("mean wait h", "right"), ("max queue", "right")):
        res.add_column(col, justify=just)
    capacity = [r for r in summary["resources"] if r["kind"] in CAPACITY_KINDS]
    ranked = sorted(capacity, key=lambda r: r["utilization"], reverse=True)[:top_resources]
    for r in ranked:
        res.add_row(r["name"], r["kind"], f"{r['utilization']:.0%}", f"{r['mean_wait_hours']:.1f}", str(r["max_queue"]))
    console.print(res)

    if summary["bottlenecks"]:
        bn = Table(title="Bottlenecks", title_justify="left")
        bn.add_column("#", justify="right")
        bn.add_column("resource")
        bn.add_column("why")
        for i, b in enumerate(summary["bottlenecks"], 1):
            bn.add_row(str(i), b["name"], b["reason"])
        console.print(bn)
