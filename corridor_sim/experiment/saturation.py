"""Where more of a swept parameter stops buying anything: the saturation verdict of a sweep.

Along each varied parameter, with the others held fixed (a *line* of the grid), its values in
increasing order (numbers sorted; other values in the order given), each step from one value
to the next is judged on every criterion (`criteria.py`) by its paired gain (`gains.py`): it
`grows`, is `flat` or is `unclear`. The intervals are simultaneous over the criteria judged
(Bonferroni, `gains.family_level`): judged on 13 KPIs at once, a step must not pass for a gain
because one of 13 intervals missed by chance.

A step grows when it grows on any criterion (more of the parameter buys something: tonnes, or
days, or hours of waiting); it is flat when it is flat on every one. The line's verdict:

- `saturated` at the value after its last growing step (the first value if none grows), when
  every step after it is flat: more than that buys nothing worth `min_gain` on any criterion;
- `growing`: its last step still grows — not saturated within the values swept;
- `unclear`: after its last growing step a step is unclear on some criterion — *not enough
  replications to tell* whether more buys something.

Each criterion also gets the same verdict on its own (`by_kpi`): tonnes may saturate at 10
ferries while the p95 transit of China–Baku still falls at 14.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from .criteria import Criterion
from .gains import FLAT, GROWS, UNCLEAR, family_level, paired_gain, step
from .stats import t_interval

SATURATED, GROWING = "saturated", "growing"
VERDICT_TEXT = {SATURATED: "saturated", GROWING: "still buys more at the largest value",
                UNCLEAR: "not enough replications to tell"}


def line_verdict(steps: Sequence[str | None]) -> tuple[str | None, int]:
    """(verdict, index of the value reached by the last growing step, 0 if none grows) of a line whose
    `steps[j]` is the step into its value j (`steps[0]` is None). A line of one value has no verdict."""
    if len(steps) < 2:
        return None, 0
    last = max((j for j in range(1, len(steps)) if steps[j] == GROWS), default=0)
    if last == len(steps) - 1:
        return GROWING, last
    if all(steps[j] == FLAT for j in range(last + 1, len(steps))):
        return SATURATED, last
    return UNCLEAR, last


def combined(states: Sequence[str | None]) -> str | None:
    """One step judged on several criteria: it grows if it grows on any; flat only if flat on all."""
    if not states:
        return None
    if GROWS in states:
        return GROWS
    if all(s == FLAT for s in states):
        return FLAT
    return UNCLEAR


def judge(items: list[tuple[str, list]], order: Mapping[str, Mapping[str, float]], params_of: Mapping[int, dict],
          keys_of: Mapping[int, dict], metrics_of: Mapping[int, Mapping[int, dict]], criteria: Sequence[Criterion],
          min_gain: float) -> tuple[list[dict], dict, dict]:
    """The saturation table's rows, the verdict of each line (sweep.json's `saturation.points`) and
    `saturated[(point, path)]`.

    `items`: the varied paths and their values; `order[path][key]`: where a value (by its text
    `keys_of[point][path]`) stands; `metrics_of[point][replication]`: the metrics of each successful
    run of a point."""
    level = family_level(len(criteria))
    rows, marks, saturated = [], {}, {}
    for path, _ in items:
        lines: dict[tuple, list[int]] = {}
        for g in sorted(params_of):
            others = tuple(keys_of[g][q] for q, _ in items if q != path)
            lines.setdefault(others, []).append(g)
        marks[path] = []
        for gs in lines.values():
            gs = sorted(gs, key=lambda g: order[path][keys_of[g][path]])
            per_kpi = {}
            for c in criteria:
                values = [{r: m.get(c.metric) for r, m in metrics_of[g].items()} for g in gs]
                gains = [None] + [paired_gain(c, a, b, level) for a, b in zip(values, values[1:])]
                steps = [None] + [step(x, min_gain) for x in gains[1:]]
                steps = [None] + [UNCLEAR if s is None else s for s in steps[1:]]
                per_kpi[c.metric] = (values, gains, steps, line_verdict(steps))
            steps = [None] + [combined([per_kpi[c.metric][2][j] for c in criteria]) for j in range(1, len(gs))]
            verdict, last = line_verdict(steps)
            for j, g in enumerate(gs):
                saturated[(g, path)] = verdict == SATURATED and j >= last
            for c in criteria:
                values, gains, steps_c, (verdict_c, last_c) = per_kpi[c.metric]
                for j, g in enumerate(gs):
                    gain = gains[j]
                    rows.append({
                        "parameter": path, "kpi": c.metric, "better": c.better, "point": g,
                        "value": keys_of[g][path], "mean": t_interval(values[j].values()).mean,
                        "gain": None if gain is None else gain.mean,
                        "gain_ci95_low": None if gain is None else gain.low,
                        "gain_ci95_high": None if gain is None else gain.high,
                        "gain_pct": None if gain is None else gain.pct,
                        "step": steps_c[j], "growing": steps_c[j] == GROWS,
                        "saturated": verdict_c == SATURATED and j >= last_c,
                        "saturation_point": verdict_c == SATURATED and j == last_c,
                    })
            fixed = {q: params_of[gs[0]][q] for q, _ in items if q != path}
            marks[path].append({
                "fixed": fixed, "verdict": verdict,
                "saturation_point": params_of[gs[last]][path] if verdict == SATURATED else None,
                "grows_up_to": params_of[gs[last]][path] if verdict is not None else None,
                "by_kpi": {metric: {"verdict": v, "saturation_point": params_of[gs[k]][path] if v == SATURATED
                                    else None, "grows_up_to": params_of[gs[k]][path] if v is not None else None}
                           for metric, (_, _, _, (v, k)) in per_kpi.items()},
            })
    return rows, marks, saturated


def describe_line(mark: dict, show: Callable[[object], str] = str) -> str:
    """A line's verdict in words: 'saturated at 4', 'not enough replications to tell after 2', …
    (`show` writes a value)."""
    verdict = mark.get("verdict")
    if verdict == SATURATED:
        return f"saturated at {show(mark['saturation_point'])}"
    if verdict == UNCLEAR:
        return f"not enough replications to tell after {show(mark['grows_up_to'])}"
    if verdict == GROWING:
        return VERDICT_TEXT[GROWING]
    return "one value: nothing to judge"
