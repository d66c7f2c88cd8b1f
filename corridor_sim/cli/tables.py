"""Terminal tables (rich): a run, replications, a sweep, a comparison."""

from __future__ import annotations

import fnmatch

from rich.console import Console
from rich.table import Table

from ..analysis.bottlenecks import CAPACITY_KINDS
from ..experiment.saturation import describe_line
from ..experiment.sweep import value_text
from .route_tables import print_routes


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
    cap = summary.get("static_capacity")
    if cap:
        first = cap["first_to_saturate"]
        head.add_row("Static capacity for this demand / first full",
                     f"{_num(cap['tonnes_per_year'])} t/yr · {first['element'] if first else '–'}")
        for direction, d in cap["by_direction"].items():
            cut = ", ".join(c["element"] for c in d["min_cut"]) or "–"
            head.add_row(f"Max flow {direction} / min cut", f"{_num(d['tonnes_per_year'])} t/yr · {cut}")
    stab = summary.get("stability")
    if stab:
        head.add_row("Stability", stab["message"] if stab["stable"] else f"[bold red]{stab['message']}[/]")
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
    print_routes(summary, console)


# ---------------------------------------------------------------------------
# Experiments: replications, sweeps, comparisons
# ---------------------------------------------------------------------------


def _ci(stat: dict | None, fmt: str = ",.0f") -> str:
    if not stat or stat.get("ci95") is None:
        return "–"
    low, high = stat["ci95"]
    return f"{format(low, fmt)} – {format(high, fmt)}"


def _mean(stat: dict | None, fmt: str = ",.0f") -> str:
    return _num(None if not stat else stat.get("mean"), fmt)


def _half_width(stat: dict | None) -> str:
    if not stat or stat.get("ci95") is None or not stat.get("mean"):
        return "–"
    low, high = stat["ci95"]
    return f"±{(high - low) / 2 / abs(stat['mean']):.1%}"


def print_replications(summary: dict, console: Console, top_resources: int = 12) -> None:
    """The aggregated summary of N replications: means with their 95% t intervals."""
    k = summary["kpis"]
    w = summary.get("window") or {}
    n, ok = summary["replications"], summary["replications_ok"]
    head = Table(title=f"{summary['scenario']} · seed {summary['seed']} · {n} replications · "
                       f"{w.get('start', '?')} to {w.get('end', '?')}", title_justify="left")
    for col, just in (("KPI", "left"), ("mean", "right"), ("95% interval", "right"), ("", "right")):
        head.add_column(col, justify=just)
    for name, label in (("delivered_tonnes_per_year", "Delivered tonnes per year"),
                        ("delivered_teu_per_year", "Delivered TEU per year"),
                        ("delivered_consignments_per_year", "Delivered consignments per year")):
        if name in k:
            head.add_row(label, _mean(k[name]), _ci(k[name]), _half_width(k[name]))
    mb = summary.get("mass_balance") or {}
    if mb:
        bad = mb.get("unbalanced_replications") or []
        head.add_row("Mass balance", "ok" if mb.get("balanced") else f"BROKEN in replications {bad}", "", "")
    head.add_row("Runs", f"{ok} of {n} ok", "", "")
    head.add_row("Runtime", f"{summary['runtime_seconds']:.2f} s", "", "")
    console.print(head)

    flows = Table(title="Flows (means over replications)", title_justify="left")
    for col, just in (("flow", "left"), ("demand t/yr", "right"), ("delivered t/yr", "right"),
                      ("95% interval", "right"), ("transit days mean", "right"), ("p95", "right")):
        flows.add_column(col, justify=just)
    for name, t in (k.get("transit_days") or {}).items():
        delivered = (k.get("delivered_tonnes_per_year_by_flow") or {}).get(name)
        demand = (k.get("demand_tonnes_per_year_by_flow") or {}).get(name)
        flows.add_row(name, _mean(demand), _mean(delivered), _ci(delivered),
                      _mean(t.get("mean"), ".1f"), _mean(t.get("p95"), ".1f"))
    console.print(flows)

    res = Table(title=f"Busiest capacity (top {top_resources} by mean utilization)", title_justify="left")
    for col, just in (("resource", "left"), ("kind", "left"), ("utilization", "right"),
                      ("mean wait h", "right"), ("95% interval", "right")):
        res.add_column(col, justify=just)
    capacity = [r for r in summary.get("resources") or [] if r.get("kind") in CAPACITY_KINDS]
    util = lambda r: (r.get("utilization") or {}).get("mean") or 0.0  # noqa: E731
    for r in sorted(capacity, key=util, reverse=True)[:top_resources]:
        res.add_row(r["name"], r["kind"], f"{util(r):.0%}", _mean(r.get("mean_wait_hours"), ".1f"),
                    _ci(r.get("mean_wait_hours"), ".1f"))
    console.print(res)

    if summary.get("bottlenecks"):
        bn = Table(title="Bottlenecks (ranked in how many replications)", title_justify="left")
        for col in ("#", "resource", "listed in", "why (first replication)"):
            bn.add_column(col)
        for i, b in enumerate(summary["bottlenecks"][:8], 1):
            bn.add_row(str(i), b["name"], f"{b['listed_in']} of {ok}", str(b.get("reason", "")))
        console.print(bn)
    print_routes(summary, console)
    for f in summary.get("failed") or []:
        console.print(f"[red]replication {f['replication']} failed:[/] {f['error']}")


def print_sweep(result, console: Console) -> None:
    """One row per grid point: delivered tonnes with their interval, the gain per step, saturation."""
    info, summary = result.info, result.summary
    params = list(info["vary"])
    table = Table(title=f"{info['scenario']} · sweep of {info['points']} points × {info['replications']} "
                        f"replications · seed {info['seed']}", title_justify="left")
    for p in params:
        table.add_column(p, justify="right")
    for col in ("runs", "delivered t/yr", "95% interval", "TEU/yr"):
        table.add_column(col, justify="right")
    priced = [(key, label) for key, label in _SWEEP_ECONOMICS if key in summary.columns]
    for _, label in priced:
        table.add_column(label, justify="right")
    for p in params:
        table.add_column(f"gain vs previous {p.rsplit('.', 1)[-1]}" if len(params) > 1 else "gain vs previous",
                         justify="right")
    table.add_column("saturated")
    for row in summary.to_dict("records"):
        ci = "–" if row["delivered_tonnes_per_year_ci95_low"] != row["delivered_tonnes_per_year_ci95_low"] \
            else f"{row['delivered_tonnes_per_year_ci95_low']:,.0f} – {row['delivered_tonnes_per_year_ci95_high']:,.0f}"
        gains = []
        for p in params:
            g = row.get(f"gain_pct[{p}]")
            gains.append("" if g is None or g != g else f"{g:+.1f}%")
        sat = [p.rsplit(".", 1)[-1] if len(params) > 1 else "yes" for p in params if row.get(f"saturated[{p}]")]
        runs = f"{row['runs']}" + (f" ([red]{row['failed']} failed[/])" if row["failed"] else "")
        table.add_row(*[str(row[p]) for p in params], runs, _num(_nan_none(row["delivered_tonnes_per_year"])), ci,
                      _num(_nan_none(row["delivered_teu_per_year"])),
                      *[_num(_nan_none(row[key])) for key, _ in priced], *gains, ", ".join(sat))
    console.print(table)
    rule = info["saturation"]
    judged = rule.get("kpis") or []
    console.print(f"Saturation judged on {len(judged)} KPI{'s' if len(judged) != 1 else ''} "
                  f"(a step counts when it buys at least {rule['min_gain']:.1%} of one; {rule.get('confidence', '')}):")
    for path, lines in rule["points"].items():
        for line in lines:
            fixed = ", ".join(f"{q}={_shown(v)}" for q, v in line["fixed"].items())
            where = f" (with {fixed})" if fixed else ""
            console.print(f"{path}{where}: [bold]{describe_line(line, _shown)}[/]")
            if len(judged) > 1:
                for metric, verdict in (line.get("by_kpi") or {}).items():
                    console.print(f"    {metric}: {describe_line(verdict, _shown)}")
    if info.get("replications") == 1:
        console.print("[dim]One replication: no interval; each step judged on its gain alone.[/]")
    for f in info["failed"]:
        console.print(f"[red]run {f['run_id']} failed:[/] {f['error']}")


def _shown(value) -> str:
    """A swept value as the user wrote it (a number, a word, a distribution as YAML)."""
    return value_text(value) if not isinstance(value, (str, int, float)) else str(value)


# What a sweep's grid shows of the routes' cost and CO2e, where its runs price them (experiment.metrics).
_SWEEP_ECONOMICS = (("corridor_cost_usd_per_teu", "USD/TEU"), ("corridor_generalised_cost_usd_per_teu", "gen. USD/TEU"),
                    ("corridor_co2e_kg_per_teu", "kg CO2e/TEU"))


def _nan_none(x):
    return None if x is None or x != x else x


_COMPARE_DEFAULT = ("delivered_tonnes_per_year", "delivered_teu_per_year", "delivered_consignments_per_year",
                    "corridor_*", "co2e_tonnes_per_year", "cost_usd_per_teu_by_group.*",
                    "co2e_kg_per_teu_by_group.*", "on_time_share_by_group.*",
                    "delivered_tonnes_per_year_by_flow.*", "transit_days.*.mean", "transit_days.*.p95",
                    "runtime_seconds")


def print_comparison(table, console: Console, label_a: str, label_b: str, everything: bool = False) -> None:
    """A and B side by side with B − A, the change in %, and its 95% interval."""
    rows = table.to_dict("records")
    if not everything:
        rows = [r for r in rows if any(fnmatch.fnmatchcase(r["metric"], p) for p in _COMPARE_DEFAULT)]
    methods = {r["method"] for r in rows if isinstance(r["method"], str)}
    pairs = max((r["pairs"] for r in rows), default=0)
    caption = {
        "paired": f"interval: paired t over {pairs} replications with the same seeds (common random numbers)",
        "welch": "interval: Welch t (the replications of A and B do not share seeds)",
    }
    t = Table(title=f"A = {label_a}   B = {label_b}", title_justify="left",
              caption=" · ".join(caption[m] for m in sorted(methods) if m in caption) or
              "no interval: a single run on at least one side", caption_justify="left")
    t.add_column("metric", no_wrap=True, min_width=24)
    for col in ("A", "B", "B − A", "%", "95% CI of B − A"):
        t.add_column(col, justify="right")
    t.add_column("real?", justify="center")
    for r in rows:
        fmt = ".2f" if abs(_nan_none(r["a"]) or 0) < 100 else ",.0f"
        diff, pct = _nan_none(r["diff"]), _nan_none(r["diff_pct"])
        low, high = _nan_none(r["diff_ci95_low"]), _nan_none(r["diff_ci95_high"])
        ci = "–" if low is None else f"{format(low, fmt)} … {format(high, fmt)}"
        real = "" if low is None else ("yes" if (low > 0 or high < 0) else "no")
        t.add_row(r["metric"], _num(_nan_none(r["a"]), fmt), _num(_nan_none(r["b"]), fmt),
                  "–" if diff is None else format(diff, "+" + fmt),
                  "–" if pct is None else f"{pct:+.1f}%", ci, real)
    console.print(t)
