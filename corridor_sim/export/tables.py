"""A run, replications or sweep directory as the tables a planner's spreadsheet holds.

One table per thing a person looks up, each a DataFrame with one row per element and display
names beside the ids (`analysis.labels`):

    kpis         the headline numbers (and their 95% interval, for replications)
    flows        per flow: route ends, demand and delivered tonnes, transit days (mean, p50, p95, n)
    resources    per resource: utilisation, occupancy, waits, queues, waits by cause
    bottlenecks  ranked, with why (the summary's `reason`)
    links, nodes the network with its results, as network.geojson holds it (`geo.network`)
    levers, market  where the summary holds them (tables of the levers and market analyses)

A sweep gives its grid (`summary.parquet`), its saturation verdicts and its runs instead; a levers
directory its base's tables, its levers ranked (`levers`) and the tidy table of their gains (`gains`);
a market directory its final corridor run's tables, each market's routes (`market`) and the
equilibrium's iterations (`market_iterations`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..analysis.labels import label, resource_labels
from ..analysis.values import ci95, value
from ..geo.network import run_network
from ..layout import GAINS, LEVERS, MARKET, RUNS, SATURATION, SUMMARY_TABLE, SWEEP
from ..rundir import LeversDirectory, RunData, SweepDirectory, load_run, read_market, read_table

KPI_KEYS = ("delivered_tonnes_per_year", "delivered_teu_per_year", "delivered_consignments_per_year",
            "background_tonnes_per_year")
OPTIONAL_TABLES = ("levers", "market")   # summary sections other analyses add, exported as they stand


def export_tables(source) -> dict[str, pd.DataFrame]:
    """The tables of a run or replications directory (or RunResult), or of a sweep directory, by sheet name."""
    directory = Path(source) if isinstance(source, (str, Path)) else None
    if directory is not None and (directory / MARKET).is_file():
        return run_tables(load_run(source)) | market_tables(read_market(source))
    if directory is None or not ((directory / SWEEP).is_file() or (directory / LEVERS).is_file()):
        return run_tables(load_run(source))
    if (directory / LEVERS).is_file():
        levers = LeversDirectory.read(source)
        tables = run_tables(load_run(levers.path / levers.info["base"]["dir"]))
        return tables | {"levers": lever_table(levers.info), "gains": read_table(levers.path, GAINS)}
    sweep = SweepDirectory.read(source)
    return {"grid": sweep.table(SUMMARY_TABLE), "saturation": sweep.table(SATURATION),
            "runs": read_table(sweep.path, RUNS)}


def run_tables(data: RunData) -> dict[str, pd.DataFrame]:
    s, sc = data.summary, data.scenario
    tables = {"kpis": kpi_table(s), "flows": flow_table(s, sc), "resources": resource_table(s, sc),
              "bottlenecks": bottleneck_table(s, sc)}
    tables |= network_tables(data)
    for key in OPTIONAL_TABLES:
        if s.get(key):
            tables[key] = pd.json_normalize(s[key] if isinstance(s[key], list) else [s[key]])
    return tables


def _is_number(x) -> bool:
    """A summary number, plain or aggregated ({mean, ci95}), not a table of them (by flow, by group)."""
    return (isinstance(x, (int, float)) and not isinstance(x, bool)) or (isinstance(x, dict) and "mean" in x)


def _row(name: str, x) -> dict:
    interval = ci95(x) or (None, None)
    return {"kpi": name, "value": value(x), "ci95_low": interval[0], "ci95_high": interval[1]}


def kpi_table(summary: dict) -> pd.DataFrame:
    """The headline KPIs, the economic ones where the run has them, the mass balance and the stability verdict."""
    kpis = summary.get("kpis") or {}
    rows = [_row(k, kpis[k]) for k in KPI_KEYS if k in kpis]
    rows += [_row(k, v) for k, v in kpis.items() if k not in KPI_KEYS and _is_number(v)]
    for group, t in (kpis.get("transit_days_by_group") or {}).items():
        for stat in ("mean", "p95"):
            if isinstance(t, dict) and stat in t:
                rows.append(_row(f"transit_days_by_group.{group}.{stat}", t[stat]))
    stability = summary.get("stability") or {}
    for k in ("shortfall_share", "in_system_tonnes_at_end"):
        if k in stability:
            rows.append(_row(f"stability.{k}", stability[k]))
    return pd.DataFrame(rows, columns=["kpi", "value", "ci95_low", "ci95_high"])


def flow_table(summary: dict, scenario: dict) -> pd.DataFrame:
    kpis = summary.get("kpis") or {}
    delivered = kpis.get("delivered_tonnes_per_year_by_flow") or {}
    demand = kpis.get("demand_tonnes_per_year_by_flow") or {}
    transit = kpis.get("transit_days") or {}
    rows = []
    for fid, flow in (scenario.get("flows") or {}).items():
        t = transit.get(fid) or {}
        rows.append({"flow": fid, "label": label(scenario, "flows", fid), "group": flow.get("group"),
                     "cargo": flow.get("cargo"), "origin": flow.get("origin"), "destination": flow.get("destination"),
                     "demand_tonnes_per_year": value(demand.get(fid)),
                     "delivered_tonnes_per_year": value(delivered.get(fid)),
                     **{f"transit_days_{k}": value(t.get(k)) for k in ("mean", "p50", "p95", "n")}})
    return pd.DataFrame(rows)


def resource_table(summary: dict, scenario: dict) -> pd.DataFrame:
    resources = summary.get("resources") or []
    names = resource_labels(resources, scenario)
    rows = []
    for r in resources:
        row = {"resource": r.get("name"), "label": names.get(r.get("name")), "kind": r.get("kind")}
        for k, v in r.items():
            if k in row or k in ("name", "nodes", "element"):
                continue
            if k == "waits_by_cause" and isinstance(v, dict):
                row |= {f"wait_tonne_hours_{c}": value(x) for c, x in v.items()}
            elif isinstance(v, (int, float, dict)) and not isinstance(v, bool):
                row[k] = value(v)
            elif isinstance(v, (str, bool)):
                row[k] = v
        rows.append(row)
    return pd.DataFrame(rows)


def bottleneck_table(summary: dict, scenario: dict) -> pd.DataFrame:
    names = resource_labels(summary.get("resources") or [], scenario)
    rows = [{"rank": i, "resource": b.get("name"), "label": names.get(b.get("name"), b.get("name")),
             "kind": b.get("kind"), "utilization": value(b.get("utilization")),
             "occupancy": value(b.get("occupancy")), "wait_share": value(b.get("wait_share")),
             "share_of_transit_time": value(b.get("share_of_transit_time")), "reason": b.get("reason")}
            for i, b in enumerate(summary.get("bottlenecks") or [], 1)]
    return pd.DataFrame(rows)


def lever_table(info: dict) -> pd.DataFrame:
    """A levers directory's levers as levers.json ranks them: what was changed, the tonnes it buys with their
    paired 95% interval, whether that is real, and what else it buys or costs."""
    rows = []
    for lever in info.get("levers") or []:
        gain = lever.get("gain_tonnes_per_year") or {}
        low, high = (gain.get("ci95") or [None, None])[:2]
        rows.append({"rank": lever.get("rank"), "id": lever.get("id"), "lever": lever.get("lever"),
                     "path": lever.get("path"), "value": lever.get("value"), "base_value": lever.get("base_value"),
                     "gain_tonnes_per_year": gain.get("mean"), "gain_ci95_low": low, "gain_ci95_high": high,
                     "real": lever.get("real"), "buys": ", ".join(lever.get("buys") or []),
                     "costs": ", ".join(lever.get("costs") or [])})
    return pd.DataFrame(rows)


def market_tables(info: dict) -> dict[str, pd.DataFrame]:
    """A market's routes at the settled demand (share, TEU, tonnes, generalised cost; the corridor simulated,
    the others published) and the equilibrium's iterations, one row per iteration and market."""
    routes = [{"market": m, "route": r, "simulated": x.get("simulated"), "share": x.get("share"),
               "teu_per_year": x.get("teu_per_year"), "tonnes_per_year": x.get("tonnes_per_year"),
               "generalised_cost_usd_per_teu": x.get("generalised_cost_usd_per_teu")}
              for m, market in info["markets"].items() for r, x in market["routes"].items()]
    iterations = [{"iteration": it.get("iteration"), "market": m, "step": it.get("step"),
                   "corridor_teu_per_year": it["corridor_teu_per_year"][m],
                   "corridor_cost_usd_per_teu": it["corridor_cost_usd_per_teu"][m],
                   "corridor_share": it["corridor_share"][m], "target_teu_per_year": it["target_teu_per_year"][m],
                   "move": it.get("move"), "gap": it.get("gap")}
                  for it in info["iterations"] for m in info["markets"]]
    return {"market": pd.DataFrame(routes), "market_iterations": pd.DataFrame(iterations)}


def network_tables(data: RunData) -> dict[str, pd.DataFrame]:
    """The nodes and the links with their results: the properties of the run's network.geojson (of
    replications: their means), nodes with their coordinates."""
    doc = run_network(data)
    nodes = [{**f["properties"], "lon": f["geometry"]["coordinates"][0], "lat": f["geometry"]["coordinates"][1]}
             for f in doc["features"] if f["geometry"]["type"] == "Point"]
    links = [f["properties"] for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    return {"links": pd.DataFrame(links), "nodes": pd.DataFrame(nodes)}
