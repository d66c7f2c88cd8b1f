"""Sea traffic of a run, from its voyages: what each line sailed and what each port handled.

Counted over the sailings that left in the measured window, per year:

- per line: sailings, the share that sailed empty (no cargo and no empties aboard),
  and for a timetabled line its punctuality against its slots — the share that left
  within an hour of the slot, the mean delay — and the departures no vessel took;
- per port: calls (sailings that left it), the wagons, road vehicles, TEU and
  tonnes loaded there and unloaded there, empties apart, and the wagons and
  vehicles handled per call (in and out), the way port statistics count them.
"""

from __future__ import annotations

from ..columns import to_numpy
from ..records import RunRecords

ON_TIME_HOURS = 1.0
HANDLED = ("wagons", "vehicles", "teu", "tonnes", "empty_wagons", "empty_vehicles", "empty_teu")


def sea_traffic(records: RunRecords) -> dict:
    table = records.voyages.table()
    v = {name: to_numpy(table.column(name)) for name in table.column_names}
    per_year = 365.0 / records.scenario.horizon_days
    if len(table):
        w = (v["departed"] >= records.warmup_hours) & (v["departed"] < records.end_hours)
        v = {k: col[w] for k, col in v.items()}
    empty = (v["consignments"] == 0) & (v["empty_wagons"] == 0) & (v["empty_vehicles"] == 0) & (v["empty_teu"] == 0)
    lines = {}
    for line in records.lines:
        on = v["line"] == line.line
        n = int(on.sum())
        row = {"fleet": line.fleet, "sailings_per_year": n * per_year,
               "empty_share": float(empty[on].mean()) if n else None,
               "load_factor": float(v["load"][on].mean() / line.capacity) if n else None}
        if line.timetabled:
            late = v["departed"][on] - v["slot"][on]
            row["on_time_share"] = float((late <= ON_TIME_HOURS).mean()) if n else None
            row["mean_delay_hours"] = float(late.mean()) if n else None
            row["cancelled_departures"] = line.cancelled
        lines[line.line] = row
    ports = {}
    for port in sorted(set(v["origin"].tolist()) | set(v["destination"].tolist())):
        out, into = v["origin"] == port, v["destination"] == port
        calls = int(out.sum())
        row = {"calls_per_year": calls * per_year, "empty_sailings_share": float(empty[out].mean()) if calls else None}
        for unit in HANDLED:
            row[f"{unit}_out_per_year"] = float(v[unit][out].sum()) * per_year
            row[f"{unit}_in_per_year"] = float(v[unit][into].sum()) * per_year
        for unit in ("wagons", "vehicles"):
            handled = v[unit][out].sum() + v[unit][into].sum() + v[f"empty_{unit}"][out].sum() \
                + v[f"empty_{unit}"][into].sum()
            row[f"{unit}_per_call"] = float(handled / calls) if calls else None
        ports[port] = row
    return {"lines": lines, "ports": ports}

