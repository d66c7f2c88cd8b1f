"""What each lever buys, ranked: the entries of levers.json and its tidy table, gains.parquet.

Each lever's gain on each measure (delivered tonnes; the mean and p95 transit days of every flow
group, `criteria.transit_groups`) is its paired gain against the base (`gains.paired_gain`):
positive is better — tonnes gained, days saved — with its 95% interval, `real` when the interval
excludes 0. A lever *buys* the measures whose gain is real and positive, and *costs* those whose
gain is real and negative.

The ranking is by tonnes gained: the levers with a real gain first, by its mean; then those
whose tonnes do not change for real, by how many measures they buy less how many they cost,
then by their mean tonnes; last, those that lose tonnes for real. Per group and statistic,
`by_days_saved` orders the levers by days saved the same way (real savings first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..layout import LEVERS_DIR
from .candidates import Lever
from .criteria import TONNES, TRANSIT_STATS, Criterion, transit_groups
from .gains import Gain
from .tasks import RunOutcome

if TYPE_CHECKING:
    import pandas as pd



def lever_dir(index: int) -> str:
    """A lever's directory under `levers/`, by index (no text of the user becomes a path)."""
    return f"lever-{index:03d}"


def _labelled(sc, gains: dict[str, Gain]) -> list[tuple[str, str | None, str | None, Gain]]:
    """(label, group, stat, gain) of each measure: 'tonnes', then 'china_baku mean', 'china_baku p95', …"""
    out = [("tonnes", None, None, gains[TONNES])]
    for group, prefix in transit_groups(sc).items():
        out += [(f"{group} {stat}", group, stat, gains[f"{prefix}.{stat}"]) for stat in TRANSIT_STATS]
    return out


def lever_entry(k: int, lever: Lever, gains: dict[str, Gain], sc, done: list[RunOutcome]) -> dict:
    labelled = _labelled(sc, gains)
    days: dict[str, dict] = {}
    for _, group, stat, gain in labelled[1:]:
        days.setdefault(group, {})[stat] = gain.as_dict()
    buys = [label for label, _, _, gain in labelled if gain.real and gain.mean > 0]
    costs = [label for label, _, _, gain in labelled if gain.real and gain.mean < 0]
    return {
        "id": lever_dir(k), "lever": lever.lever, "path": lever.path, "value": lever.value,
        "base_value": lever.base_value, "element": lever.element, "source": lever.source,
        "dir": f"{LEVERS_DIR}/{lever_dir(k)}",
        "gain_tonnes_per_year": gains[TONNES].as_dict(),
        "days_saved": days,
        "real": bool(buys or costs), "buys": buys, "costs": costs,
        "runs_ok": sum(o.ok for o in done),
        "failed": [{"run_id": o.run_id, "replication": o.replication, "error": o.error} for o in done if not o.ok],
    }


def _bought(gain: dict) -> bool:
    return bool(gain["real"]) and (gain["mean"] or 0.0) > 0


def rank(entries: list[dict]) -> list[dict]:
    """The entries in the order of the module docstring, each with its `rank` (1 first)."""

    def key(e: dict) -> tuple:
        tonnes = e["gain_tonnes_per_year"]
        mean = tonnes["mean"] if tonnes["mean"] is not None else -float("inf")
        if tonnes["real"] and mean > 0:
            return (0, -mean)
        if tonnes["real"] and mean < 0:
            return (2, -mean)
        net = sum(_bought(g) - _cost(g) for stats in e["days_saved"].values() for g in stats.values())
        return (1, -net, -mean)

    ranked = sorted(entries, key=key)
    return [{"rank": i, **e} for i, e in enumerate(ranked, 1)]


def _cost(gain: dict) -> bool:
    return bool(gain["real"]) and (gain["mean"] or 0.0) < 0


def by_days_saved(ranked: list[dict]) -> dict[str, dict[str, list[str]]]:
    """Per group and statistic, the lever ids by days saved: real savings first, then by their mean."""
    out: dict[str, dict[str, list[str]]] = {}
    for group in (ranked[0]["days_saved"] if ranked else {}):
        for stat in TRANSIT_STATS:
            def key(e: dict) -> tuple:
                g = e["days_saved"][group][stat]
                return (not _bought(g), -(g["mean"] if g["mean"] is not None else -float("inf")))
            out.setdefault(group, {})[stat] = [e["id"] for e in sorted(ranked, key=key)]
    return out


def gain_rows(k: int, lever: Lever, gains: dict[str, Gain], criteria: list[Criterion], sc) -> list[dict]:
    where = {c.metric: (None, None) for c in criteria}
    for group, prefix in transit_groups(sc).items():
        for stat in TRANSIT_STATS:
            where[f"{prefix}.{stat}"] = (group, stat)
    return [{"lever": lever_dir(k), "path": lever.path, "measure": c.metric, "group": where[c.metric][0],
             "stat": where[c.metric][1], "better": c.better, "base": gains[c.metric].before,
             "with_lever": gains[c.metric].after, "gain": gains[c.metric].mean, "gain_ci95_low": gains[c.metric].low,
             "gain_ci95_high": gains[c.metric].high, "real": gains[c.metric].real, "pairs": gains[c.metric].n}
            for c in criteria]


def gains_table(rows: list[dict]) -> pd.DataFrame:
    import pandas as pd  # here: an experiment's tables; a single run needs no pandas

    columns = ["lever", "path", "measure", "group", "stat", "better", "base", "with_lever", "gain", "gain_ci95_low",
               "gain_ci95_high", "real", "pairs"]
    frame = pd.DataFrame(rows, columns=columns)
    for c in ("base", "with_lever", "gain", "gain_ci95_low", "gain_ci95_high"):
        frame[c] = frame[c].astype("float64")
    for c in ("lever", "path", "measure", "group", "stat", "better"):
        frame[c] = frame[c].astype("string")
    frame["real"] = frame["real"].astype("bool")
    frame["pairs"] = frame["pairs"].astype("int64")
    return frame


