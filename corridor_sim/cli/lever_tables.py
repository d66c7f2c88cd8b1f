"""The one page of `corridor-sim levers`: what limits the corridor, and what each lever buys."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table


def _num(x, fmt: str = ",.0f") -> str:
    return "–" if x is None else format(x, fmt)


def _ci(stat: dict, fmt: str = ",.0f") -> str:
    ci = stat.get("ci95")
    return "–" if not ci else f"{format(ci[0], fmt)} – {format(ci[1], fmt)}"


def _marked(stat: dict, fmt: str) -> str:
    """A gain, green (bought) or red (cost) with a * when its interval excludes 0."""
    if stat.get("mean") is None:
        return "–"
    text = format(stat["mean"], "+" + fmt)
    if not stat.get("real"):
        return text
    return f"[green]{text}*[/]" if stat["mean"] > 0 else f"[red]{text}*[/]"


def print_levers(info: dict, console: Console, out: Path | None = None) -> None:
    base = info["base"]
    n = info["replications"]
    console.print(f"[bold]What limits the corridor[/] — {info['scenario']} · {n} replication{'s' if n > 1 else ''}"
                  f" · seed {info['seed']}")
    delivered = base["delivered_tonnes_per_year"]
    console.print(f"Delivered {_num(delivered['mean'])} t/yr (95%: {_ci(delivered)}) of a demand of "
                  f"{_num(base['demand_tonnes_per_year'])} t/yr.")
    stability = base["stability"]
    message = stability.get("message")
    if isinstance(message, list):   # the replications' words differ: say how many were stable, show the first
        message = (f"stable in {stability.get('stable_in', 0)} of {n} replications; replication 0: "
                   f"{message[0] if message else '–'}")
    console.print("Stability: " + (message if stability.get("stable") else f"[bold red]{message}[/]"))
    limits = Table(title="Where the base's diagnostics point (both first, then the ranking and the static load in "
                         "turn)", title_justify="left")
    for col, just in (("#", "right"), ("element", "left"), ("pointed at by", "left"), ("ranked", "right"),
                      ("static load", "right"), ("levers", "left")):
        limits.add_column(col, justify=just)
    for i, e in enumerate(info["limiting"], 1):
        load = e.get("demand_over_capacity")
        limits.add_row(str(i), e["element"], e["pointed_at_by"], "–" if e.get("rank") is None else f"#{e['rank']}",
                       "–" if load is None else f"{load:.0%}", ", ".join(e.get("levers") or []))
    console.print(limits)
    for e in info.get("not_levered") or []:
        console.print(f"[dim]passed over: {e['element']} ({e['pointed_at_by']}): {e['no_lever']}[/]")

    groups = list(info["measures"]["days"])
    table = Table(title=f"What each lever buys — against the base, paired over {n} replications (common random "
                        f"numbers), 95% intervals", title_justify="left",
                  caption="Ranked by tonnes gained (real gains first, real losses last; in between, by the "
                          "measures bought less those cost). Days saved: the base's transit days minus the lever's, "
                          "mean / p95 (+ is faster). * real: the 95% interval excludes 0.", caption_justify="left")
    for col, just in (("#", "right"), ("lever", "left"), ("tonnes/yr gained", "right"), ("95% interval", "right")):
        table.add_column(col, justify=just)
    for g in groups:
        table.add_column(f"{g} days saved", justify="right")
    for e in info["levers"]:
        days = [f"{_marked(e['days_saved'][g]['mean'], '.1f')} / {_marked(e['days_saved'][g]['p95'], '.1f')}"
                for g in groups]
        table.add_row(str(e["rank"]), f"{e['lever']} [dim]{e['id']}[/]",
                      _marked(e["gain_tonnes_per_year"], ",.0f"), _ci(e["gain_tonnes_per_year"]), *days)
    console.print(table)
    by_id = {e["id"]: e for e in info["levers"]}
    for g in groups:
        best = [by_id[i] for i in info["by_days_saved"].get(g, {}).get("p95", [])[:1]]
        if best and best[0]["days_saved"][g]["p95"].get("real") and best[0]["days_saved"][g]["p95"]["mean"] > 0:
            p95 = best[0]["days_saved"][g]["p95"]
            console.print(f"{g}: the p95 transit falls most with {best[0]['id']}, {best[0]['lever']}: "
                          f"{p95['mean']:.1f} days ({_ci(p95, '.1f')})")
    for f in info.get("failed") or []:
        console.print(f"[red]{f['lever']} run {f['run_id']} failed:[/] {f['error']}")
    if out is not None and info["levers"]:
        first = info["levers"][0]
        console.print(f"[dim]Every number with its interval: {out / 'levers.json'}; every metric of a lever against "
                      f"the base: corridor-sim compare {out / base['dir']} {out / first['dir']}[/]")
