"""The Findings table: every shipped scenario, run once, side by side.

One row per scenario: delivered Mt and TEU, mean and 95th-percentile transit days
China → Baku and China → Europe (flow groups `china_baku`, `china_europe`), what a
China → Europe FEU pays in tariffs and emits (CO2e, well to wheel) and the share on
time, the first element to fill in the static capacity, the top bottleneck of the
run, and whether the run was stable. Below it, the competing routes' published
figures (not simulated) with their sources. `corridor-sim findings`
(corridor_sim/cli/findings.py) writes it as Markdown (for the README) and JSON, and
prints it.
"""

from __future__ import annotations

import json
from pathlib import Path

from .analysis.references import PUBLISHED, beside, competing_routes
from .analysis.values import value
from .api import run
from .layout import FINDINGS_JSON, FINDINGS_MD
from .output import write_file_atomic
from .ownership import OutputRefused, check_file_out, is_findings
from .scenario.loader import load_raw

GROUPS = (("china_baku", "China→Baku"), ("china_europe", "China→Europe"))


def shipped_scenarios(directory: Path) -> list[Path]:
    """The baseline first, then the 2030 target, then the studies in name order. A market study (a `market:`
    section, README "Market") is `corridor-sim market`'s: run alone it is its parent with the flows as
    written, a row that would repeat the parent's, so it is left out."""
    files = sorted(p for p in Path(directory).glob("*.yaml") if "market" not in load_raw(p))
    order = {"baseline_2024.yaml": 0, "target_2030.yaml": 1}
    return sorted(files, key=lambda p: (order.get(p.name, 2), p.name))


def findings_row(path: Path, seed: int | None = None) -> dict:
    summary = run(path, seed=seed).summary
    k = summary["kpis"]
    row = {
        "scenario": summary["scenario"],
        "file": str(path),
        "delivered_mt": k["delivered_tonnes_per_year"]["mean"] / 1e6,
        "delivered_teu": k["delivered_teu_per_year"]["mean"],
        "demand_mt": sum(v["mean"] for v in k["demand_tonnes_per_year_by_flow"].values()) / 1e6,
        "static_capacity_mt": summary["static_capacity"]["tonnes_per_year"] / 1e6,
        "first_to_fill": (summary["static_capacity"]["first_to_saturate"] or {}).get("element"),
        "top_bottleneck": summary["bottlenecks"][0]["name"] if summary["bottlenecks"] else None,
        "top_bottleneck_reason": summary["bottlenecks"][0]["reason"] if summary["bottlenecks"] else None,
        "stable": summary["stability"]["stable"],
        "runtime_seconds": summary["runtime_seconds"],
    }
    for group, _ in GROUPS:
        t = k["transit_days_by_group"].get(group, {})
        row[f"{group}_mean_days"] = t.get("mean")
        row[f"{group}_p95_days"] = t.get("p95")
        priced = beside(k, group) or {}
        for key in ("cost_usd_per_feu", "generalised_cost_usd_per_feu", "co2e_kg_per_feu", "on_time_share"):
            row[f"{group}_{key}"] = value(priced.get(key))
    row["co2e_tonnes_per_year"] = value(k.get("co2e_tonnes_per_year"))
    return row


def findings(directory: Path, seed: int | None = None, progress=None) -> list[dict]:
    rows = []
    for path in shipped_scenarios(directory):
        rows.append(findings_row(path, seed))
        if progress:
            progress(path)
    return rows


def _d(x, fmt=".1f") -> str:
    return "–" if x is None else format(x, fmt)


def to_markdown(rows: list[dict]) -> str:
    """The scenarios' table, then the competing routes' published figures."""
    head = ("| scenario | delivered Mt | delivered TEU | China→Baku days mean / p95 | China→Europe days mean / p95 "
            "| China→Europe USD/FEU | China→Europe kg CO2e/FEU | China→Europe on time | top bottleneck | stable |")
    lines = [head, "|" + "---|" * 10]
    for r in rows:
        on_time = r.get("china_europe_on_time_share")
        lines.append(
            f"| {r['scenario']} | {r['delivered_mt']:.2f} | {r['delivered_teu']:,.0f} "
            f"| {_d(r['china_baku_mean_days'])} / {_d(r['china_baku_p95_days'])} "
            f"| {_d(r['china_europe_mean_days'])} / {_d(r['china_europe_p95_days'])} "
            f"| {_d(r.get('china_europe_cost_usd_per_feu'), ',.0f')} | {_d(r.get('china_europe_co2e_kg_per_feu'), ',.0f')} "
            f"| {_d(on_time, '.0%')} | {r['top_bottleneck'] or '–'} | {'yes' if r['stable'] else 'NO'} |")
    return "\n".join(lines) + "\n\n" + published_markdown()


def published_markdown() -> str:
    """The competing routes China → Europe, as published (rows of the calibration sheets)."""
    lines = [f"Competing routes China → Europe, {PUBLISHED}:", "",
             "| route | USD/FEU | days | kg CO2e/FEU |", "|---|---|---|---|"]
    for route in competing_routes().routes.values():
        cells = ["; ".join(f"{f.text} ({f.source}{f', {f.year}' if f.year else ''})"
                           for f in route.figures if f.kpi == kpi) or "–"
                 for kpi in ("cost_usd_per_feu", "transit_days", "co2e_kg_per_feu")]
        lines.append(f"| {route.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def check_findings_out(out: Path) -> None:
    """Before anything runs: `out` is a folder (or nothing yet) whose findings.md and findings.json, if
    there, are corridor-sim's (`OutputRefused` otherwise). The folder's other files are never touched."""
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputRefused(out, "exists and is not a directory")
    for name in (FINDINGS_MD, FINDINGS_JSON):
        check_file_out(out / name, is_findings, "findings table", parameter_value=out)


def write_findings(rows: list[dict], out: Path) -> None:
    """findings.md and findings.json, each written whole or not at all, each replacing only a
    findings file of corridor-sim's."""
    for name, text in ((FINDINGS_MD, to_markdown(rows)), (FINDINGS_JSON, json.dumps(rows, indent=2) + "\n")):
        write_file_atomic(Path(out) / name, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"),
                          replaces=is_findings)
