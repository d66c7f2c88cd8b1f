"""What a change buys, judged on a criterion: the paired gain, and whether it is worth having.

Replication i of two scenarios drew the same random numbers (common random numbers), so the
gain of a change is measured pair by pair: for each replication, how much better the KPI is
after the change than before (`Criterion.gain`: tonnes gained, days or hours saved), and the
Student t interval of those gains. A step from one value of a parameter to the next is then:

- `grows`: it buys at least `min_gain` (a share of the KPI before the step) and, with two or
  more replications, its interval lies above zero — a real gain worth having;
- `flat`: its interval rules out a gain of `min_gain` (the interval's upper end is below it):
  more buys nothing worth having, which is what *saturated* means;
- `unclear`: neither — the interval is too wide for the replications to tell a gain of
  `min_gain` from none: *not enough replications to tell*.

With one replication there is no interval: the gain itself decides (`grows` when it reaches
`min_gain`, else `flat`), and the verdict says it rests on one replication.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .criteria import HIGHER, Criterion
from .stats import LEVEL, paired_difference, t_interval

GROWS, FLAT, UNCLEAR = "grows", "flat", "unclear"


@dataclass(frozen=True)
class Gain:
    """The paired gain of a change on one criterion (positive: better), with its interval."""

    mean: float | None
    low: float | None
    high: float | None
    n: int                     # pairs with a value on both sides
    before: float | None       # the KPI's mean before the change, over the same pairs
    after: float | None

    @property
    def ci(self) -> list[float] | None:
        return None if self.low is None else [self.low, self.high]

    @property
    def real(self) -> bool:
        """The interval excludes 0: the change is not noise (for better or for worse)."""
        return self.low is not None and (self.low > 0 or self.high < 0)

    @property
    def pct(self) -> float | None:
        """The gain in % of the KPI before the change."""
        if self.mean is None or not self.before:
            return None
        return 100.0 * self.mean / abs(self.before)

    def as_dict(self) -> dict:
        return {"mean": self.mean, "ci95": self.ci, "real": self.real}


def paired_gain(criterion: Criterion, before: Mapping[int, float | None], after: Mapping[int, float | None],
                level: float = LEVEL) -> Gain:
    """The gain from `before` to `after` ({replication: value}), paired replication by replication."""
    common = sorted(set(before) & set(after))
    a = [before[r] for r in common]
    b = [after[r] for r in common]
    diff = paired_difference(a, b, level)
    keep = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    mean_a = t_interval([x for x, _ in keep]).mean
    mean_b = t_interval([y for _, y in keep]).mean
    if diff.mean is None:
        return Gain(None, None, None, 0, mean_a, mean_b)
    if criterion.better == HIGHER:
        return Gain(diff.mean, diff.low, diff.high, diff.n, mean_a, mean_b)
    flip = (lambda x: None if x is None else -x)
    return Gain(-diff.mean, flip(diff.high), flip(diff.low), diff.n, mean_a, mean_b)


def step(gain: Gain, min_gain: float) -> str | None:
    """`grows`, `flat` or `unclear` (see the module docstring); None when nothing was measured."""
    if gain.mean is None or gain.before is None:
        return None
    worth = min_gain * abs(gain.before)
    if gain.low is None:                                   # one replication: the gain alone
        return GROWS if gain.mean > 0 and gain.mean >= worth else FLAT
    if gain.mean > 0 and gain.mean >= worth and gain.low > 0:
        return GROWS
    if gain.high <= worth:
        return FLAT
    return UNCLEAR


def family_level(criteria: int, level: float = LEVEL) -> float:
    """The level of each of `criteria` intervals so that all of them hold together at `level`
    (Bonferroni): judging a step on many KPIs at once, one of them would otherwise look real by
    chance far more often than 5% of the time."""
    return 1.0 - (1.0 - level) / max(1, criteria)
