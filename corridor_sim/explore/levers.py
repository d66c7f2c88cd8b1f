"""The levers a planner pulls in the explorer, and the runs they start in the background.

A lever is a field path of the scenario and a new value (the `overrides` of `api.run`): the
vessels of a fleet, the berths of a port, the mean dwell at a station (a border), the growth of
every flow's demand, a fleet sailing on a timetable. `lever_choices` lists what a scenario offers;
`overrides` turns the form's values into the mapping `api.run` takes — a value left empty changes
nothing. `Runs` runs each lever set in a thread beside the server, with its progress; one at a
time per explorer (the machine is a planner's laptop, and a run uses a core).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field

from ..analysis.labels import label
from ..api import run as run_scenario
from ..rundir import RunData, load_run


def lever_choices(scenario: dict) -> dict[str, list[dict]]:
    """What may be changed, as dropdown options ({label, value}) per lever, with the current value in the label."""
    fleets = scenario.get("fleets") or {}
    nodes = scenario.get("nodes") or {}
    berths, stations = [], []
    for nid, node in nodes.items():
        for bid, b in (node.get("berths") or {}).items():
            berths.append({"label": f"{label(scenario, 'nodes', nid)} {bid} berths (now {b.get('count')})",
                           "value": f"nodes.{nid}.berths.{bid}.count"})
        dwell = (node.get("station") or {}).get("dwell_hours")
        path = _dwell_path(nid, dwell)
        if path:
            now = dwell if not isinstance(dwell, dict) else dwell.get("mean")
            stations.append({"label": f"{label(scenario, 'nodes', nid)} (now {now} h)", "value": path})
    return {
        "fleet": [{"label": f"{label(scenario, 'fleets', f)} (now {v.get('vessels')} vessels)",
                   "value": f"fleets.{f}.vessels"} for f, v in fleets.items()],
        "berths": berths,
        "dwell": stations,
        "timetable": [{"label": label(scenario, "fleets", f), "value": f"fleets.{f}.timetable"} for f in fleets],
    }


def _dwell_path(nid: str, dwell) -> str | None:
    """The field that holds a station's mean dwell: the number itself, or a distribution's `mean`."""
    if isinstance(dwell, (int, float)) and not isinstance(dwell, bool):
        return f"nodes.{nid}.station.dwell_hours"
    if isinstance(dwell, dict) and "mean" in dwell:
        return f"nodes.{nid}.station.dwell_hours.mean"
    return None


def overrides(scenario: dict, *, fleet=None, vessels=None, berth=None, berths=None, station=None, dwell=None,
              growth_pct=None, timetable_fleet=None, every_hours=None) -> dict:
    """The form's values as `api.run` overrides (paths from `lever_choices`; None or empty: unchanged)."""
    out: dict = {}
    if fleet and vessels not in (None, ""):
        out[fleet] = int(vessels)
    if berth and berths not in (None, ""):
        out[berth] = int(berths)
    if station and dwell not in (None, ""):
        out[station] = float(dwell)
    if growth_pct not in (None, "", 0):
        factor = 1 + float(growth_pct) / 100
        for fid, flow in (scenario.get("flows") or {}).items():
            if not flow.get("background") and flow.get("tonnes_per_year") is not None:
                out[f"flows.{fid}.tonnes_per_year"] = float(flow["tonnes_per_year"]) * factor
    if timetable_fleet and every_hours not in (None, ""):
        out[timetable_fleet] = {"every_hours": float(every_hours)}
    return out


@dataclass
class Job:
    """One lever run: its overrides, its progress (0–1), and its result or its error when it ends."""

    overrides: dict
    progress: float = 0.0
    data: RunData | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)


class Runs:
    """The lever runs of one explorer, each in a thread (`start`), looked up by id."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def busy(self) -> bool:
        with self._lock:
            return any(not j.done.is_set() for j in self.jobs.values())

    def start(self, scenario: dict, changes: dict, seed: int | None = None) -> str:
        """Run the resolved `scenario` with `changes` in the background; the job's id."""
        job_id = uuid.uuid4().hex[:12]
        job = Job(dict(changes))
        with self._lock:
            self.jobs[job_id] = job
        threading.Thread(target=self._run, args=(job, scenario, seed), daemon=True, name=f"lever-{job_id}").start()
        return job_id

    def _run(self, job: Job, scenario: dict, seed: int | None) -> None:
        def progress(done: float, total: float) -> None:
            job.progress = min(1.0, done / total) if total else 0.0

        try:
            result = run_scenario(scenario, overrides=job.overrides, seed=seed, progress=progress)
            job.data = load_run(result)
            job.progress = 1.0
        except Exception as exc:   # a bad lever value: shown on the page, the explorer keeps serving
            job.error = " ".join(str(exc).split())[:400]
        finally:
            job.done.set()

    def get(self, job_id: str | None) -> Job | None:
        with self._lock:
            return self.jobs.get(job_id) if job_id else None
