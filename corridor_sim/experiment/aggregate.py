"""The summary of N replications: every number of a run's summary as a mean with its 95% t interval.

The shape follows a single run's `summary.json`, field by field:

- a number becomes `{"mean": m, "ci95": [low, high]}`; a KPI with one value,
  `{"mean": x}`, becomes `{"mean": m, "ci95": [low, high]}` in place, and a KPI
  with several statistics (`transit_days.<flow>`: `mean`, `p50`, `p95`, `n`) gives
  each statistic its own `{"mean": m, "ci95": [low, high]}`;
- a list of named entries (resources by `name`, nodes by `node`, …) stays a list,
  entry by entry; a resource's `capacity` stays a plain number;
- true/false is true when it is true in every replication;
- text that is the same in every replication stays as it is; text that differs
  becomes the list of the replications' texts;
- a list of numbers of the same length in every replication (a flow's route
  shares) becomes one `{"mean", "ci95"}` per position;
- `bottlenecks` lists each resource ranked in any replication, with `listed_in`
  (how many replications rank it) and its `rank`, most often listed first; its
  `reason` is written anew from the means (never one replication's words).

`ci95` is null when fewer than two replications have a value (a flow that
delivered nothing has no transit time).
"""

from __future__ import annotations

from ..analysis.bottlenecks import reason
from .metrics import PROVENANCE, list_id
from .stats import t_interval

_PLAIN_WHEN_EQUAL = ("capacity",)


def _stat(values: list) -> dict:
    iv = t_interval(values)
    return {"mean": iv.mean, "ci95": iv.ci}


def _is_number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _keys(dicts: list[dict]) -> list:
    keys: dict = {}
    for d in dicts:
        keys.update(dict.fromkeys(d))
    return list(keys)


def aggregate_tree(values: list, key: str | None = None):
    """One field of the run summaries (in replication order), aggregated."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    if all(isinstance(v, bool) for v in present):
        return all(present)
    if all(_is_number(v) for v in present):
        if key in _PLAIN_WHEN_EQUAL and all(v == present[0] for v in present):
            return present[0]
        return _stat(values)
    if all(isinstance(v, dict) for v in present):
        if all(set(v) == {"mean"} for v in present) and all(_is_number(v["mean"]) or v["mean"] is None
                                                             for v in present):
            return _stat([v["mean"] for v in present])
        return {k: aggregate_tree([v.get(k) for v in present], k) for k in _keys(present)}
    if all(isinstance(v, list) for v in present):
        if present[0] and all(len(v) == len(present[0]) and all(_is_number(x) for x in v) for v in present):
            return [_stat(list(column)) for column in zip(*present)]
        if all(v == present[0] for v in present):
            return present[0]
        ident = list_id([x for v in present for x in v])
        if ident is not None:
            return _aggregate_named(present, ident)
        return list(values)
    if all(v == present[0] for v in present):
        return present[0]
    return list(values)


def _aggregate_named(lists: list[list[dict]], ident: str) -> list[dict]:
    """Lists of named entries, entry by entry (in the order first seen)."""
    by_id: dict[str, list[dict]] = {}
    for items in lists:
        for item in items:
            by_id.setdefault(item[ident], []).append(item)
    out = []
    for name, items in by_id.items():
        row = {ident: name}
        for k in _keys(items):
            if k != ident:
                row[k] = aggregate_tree([x.get(k) for x in items], k)
        out.append(row)
    return out


def aggregate_bottlenecks(lists: list[list[dict]]) -> list[dict]:
    """Resources ranked in any replication: how often, at which rank, with their numbers aggregated."""
    by_name: dict[str, list[tuple[int, dict]]] = {}
    for ranked in lists:
        for rank, b in enumerate(ranked, 1):
            by_name.setdefault(b["name"], []).append((rank, b))
    out = []
    for name, entries in by_name.items():
        items = [b for _, b in entries]
        row = {"name": name, "listed_in": len(entries), "rank": _stat([r for r, _ in entries])}
        for k in _keys(items):
            if k not in row:
                values = [x.get(k) for x in items]
                if all(isinstance(v, str) for v in values):  # a reason: the first replication's words
                    row[k] = values[0]
                else:
                    row[k] = aggregate_tree(values, k)
        out.append(row)
    out.sort(key=lambda r: (-r["listed_in"], r["rank"]["mean"]))
    return out


def aggregate_summaries(summaries: list[dict]) -> dict:
    """Every field of the successful runs' summaries but their provenance, in replication order."""
    out: dict = {}
    for key in _keys(summaries):
        if key in PROVENANCE:
            continue
        values = [s.get(key) for s in summaries]
        if key == "bottlenecks":
            out[key] = aggregate_bottlenecks([v or [] for v in values])
        else:
            out[key] = aggregate_tree(values, key)
    if out.get("bottlenecks") and out.get("resources"):
        _reasons_from_means(out["bottlenecks"], out["resources"])
    if "mass_balance" in out and isinstance(out["mass_balance"], dict):
        out["mass_balance"]["unbalanced_replications"] = [
            s.get("replication") for s in summaries if not (s.get("mass_balance") or {}).get("balanced")]
    return out


def _means(tree):
    """An aggregated tree with each `{"mean", "ci95"}` replaced by its mean."""
    if isinstance(tree, dict):
        if set(tree) == {"mean", "ci95"}:
            return tree["mean"]
        return {k: _means(v) for k, v in tree.items()}
    return tree


def _reasons_from_means(bottlenecks: list[dict], resources: list[dict]) -> None:
    by_name = {r["name"]: r for r in resources}
    for b in bottlenecks:
        r = _means(by_name.get(b["name"]) or {})
        if not r or any(r.get(k) is None for k in ("mean_wait_hours", "max_queue", "queue_at_end", "utilization")):
            continue
        b["reason"] = reason(r, _means(b.get("wait_share")) or 0.0, _means(b.get("share_of_transit_time")) or 0.0)
