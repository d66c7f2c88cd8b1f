"""Confidence intervals over replications.

Each replication is one independent observation of a KPI (independent random
streams, same scenario), so the mean of n replications has a Student t interval
with n − 1 degrees of freedom. Two scenarios run with the same seed share their
random streams replication by replication (common random numbers): the
differences of the pairs are then the observations, and their t interval is much
narrower than the two intervals side by side would suggest.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Iterable, Sequence

LEVEL = 0.95


@functools.lru_cache(maxsize=256)
def _t_quantile(q: float, dof: float) -> float:
    # The function scipy.stats.t.ppf(q, dof) evaluates (the same number, for q in (0, 1) and dof > 0),
    # without importing scipy.stats: 0.2 s instead of 0.75 s, and only in a command that reports an
    # interval. Cached: a summary of N replications asks for the same quantile for each of its
    # ~1600 numbers.
    from scipy.special import stdtrit

    return float(stdtrit(dof, q))


def preload() -> None:
    """Import what the intervals need, ahead of the first one (while the workers of a pool start)."""
    from scipy.special import stdtrit  # noqa: F401


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval (`low`, `high` are None below 2 observations)."""

    mean: float | None
    low: float | None
    high: float | None
    n: int

    @property
    def ci(self) -> list[float] | None:
        return None if self.low is None else [self.low, self.high]

    def contains(self, x: float) -> bool:
        return self.low is not None and self.low <= x <= self.high

    @property
    def excludes_zero(self) -> bool:
        return self.low is not None and (self.low > 0 or self.high < 0)


def _values(xs: Iterable) -> list[float]:
    """The usable observations: None and NaN (a statistic with nothing to measure) are left out."""
    out = []
    for x in xs:
        if x is None or isinstance(x, bool):
            continue
        x = float(x)
        if math.isfinite(x):
            out.append(x)
    return out


def t_interval(xs: Iterable, level: float = LEVEL) -> Interval:
    """Mean and Student t interval of independent observations."""
    v = _values(xs)
    n = len(v)
    if n == 0:
        return Interval(None, None, None, 0)
    mean = math.fsum(v) / n
    if n < 2:
        return Interval(mean, None, None, n)
    var = math.fsum((x - mean) ** 2 for x in v) / (n - 1)
    half = _t_quantile(0.5 + level / 2, n - 1) * math.sqrt(var / n)
    return Interval(mean, mean - half, mean + half, n)


def paired_difference(a: Sequence, b: Sequence, level: float = LEVEL) -> Interval:
    """Interval of the mean of b − a over pairs (replication i of both, same streams).

    A pair with a missing value on either side is left out.
    """
    if len(a) != len(b):
        raise ValueError("paired observations must have the same length")
    diffs = [float(y) - float(x) for x, y in zip(a, b) if _values([x]) and _values([y])]
    return t_interval(diffs, level)


def welch_difference(a: Sequence, b: Sequence, level: float = LEVEL) -> Interval:
    """Interval of mean(b) − mean(a) for independent samples (Welch–Satterthwaite)."""
    va, vb = _values(a), _values(b)
    na, nb = len(va), len(vb)
    if na == 0 or nb == 0:
        return Interval(None, None, None, min(na, nb))
    ma, mb = math.fsum(va) / na, math.fsum(vb) / nb
    diff = mb - ma
    if na < 2 or nb < 2:
        return Interval(diff, None, None, min(na, nb))
    sa = math.fsum((x - ma) ** 2 for x in va) / (na - 1) / na
    sb = math.fsum((x - mb) ** 2 for x in vb) / (nb - 1) / nb
    se = math.sqrt(sa + sb)
    if se == 0:
        return Interval(diff, diff, diff, min(na, nb))
    dof = (sa + sb) ** 2 / (sa**2 / (na - 1) + sb**2 / (nb - 1))
    half = _t_quantile(0.5 + level / 2, dof) * se
    return Interval(diff, diff - half, diff + half, min(na, nb))
