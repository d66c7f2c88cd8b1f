"""The intervals that every experiment reports.

A 95% t interval must contain the true mean in 95% of experiments; a paired
interval over replications that share their random numbers must be narrower than
the two intervals side by side; and degenerate cases (one observation, missing
values, no spread) must say so rather than invent precision.
"""

import math

import numpy as np
import pytest
from scipy import stats

from corridor_sim.experiment.stats import paired_difference, t_interval, welch_difference


def test_the_t_interval_is_the_textbook_one():
    xs = [4.1, 5.3, 3.8, 6.0, 4.9, 5.5]
    iv = t_interval(xs)
    low, high = stats.t.interval(0.95, len(xs) - 1, loc=np.mean(xs), scale=stats.sem(xs))
    assert iv.mean == pytest.approx(np.mean(xs))
    assert (iv.low, iv.high) == pytest.approx((low, high))
    assert iv.ci == [iv.low, iv.high] and iv.n == 6


def test_the_t_interval_covers_the_true_mean_95_percent_of_the_time():
    rng = np.random.default_rng(20240)
    trials, n, true_mean = 4000, 5, 3.0
    covered = sum(t_interval(rng.normal(true_mean, 2.0, n)).contains(true_mean) for _ in range(trials))
    # 4000 trials: the coverage estimate has a standard error of 0.34 points.
    assert 0.94 <= covered / trials <= 0.96


def test_one_observation_has_no_interval_and_missing_values_are_left_out():
    assert t_interval([7.0]).ci is None and t_interval([7.0]).mean == 7.0
    assert t_interval([]).mean is None
    iv = t_interval([1.0, None, float("nan"), 3.0])
    assert iv.n == 2 and iv.mean == 2.0 and iv.ci is not None
    assert t_interval([5.0, 5.0, 5.0]).ci == [5.0, 5.0]


def test_pairs_that_share_their_noise_give_a_narrower_interval_of_the_difference():
    rng = np.random.default_rng(7)
    noise = rng.normal(0, 10, 10)                         # what both scenarios see in replication i
    a = 100 + noise + rng.normal(0, 1, 10)
    b = 103 + noise + rng.normal(0, 1, 10)
    paired = paired_difference(a, b)
    unpaired = welch_difference(a, b)
    assert paired.mean == pytest.approx(unpaired.mean)    # the same difference of means
    assert paired.excludes_zero                            # the +3 is found ...
    assert not unpaired.excludes_zero                      # ... and lost in the noise without pairing
    assert (paired.high - paired.low) < (unpaired.high - unpaired.low) / 5


def test_a_pair_with_a_missing_side_is_dropped():
    iv = paired_difference([1.0, 2.0, None, 4.0], [2.0, 3.0, 5.0, None])
    assert iv.n == 2 and iv.mean == 1.0 and iv.ci == [1.0, 1.0]
    with pytest.raises(ValueError):
        paired_difference([1.0], [1.0, 2.0])


def test_welch_matches_scipy():
    a, b = [10.0, 12.0, 11.5, 9.8], [13.1, 12.2, 15.0, 14.4, 13.9]
    iv = welch_difference(a, b)
    res = stats.ttest_ind(b, a, equal_var=False)
    low, high = res.confidence_interval(0.95)
    assert (iv.low, iv.high) == pytest.approx((low, high))
    assert math.isclose(iv.mean, np.mean(b) - np.mean(a))


def test_the_t_quantile_is_scipy_stats_t_ppf_to_the_last_bit():
    """The intervals use scipy.special.stdtrit (light to import), the function t.ppf evaluates."""
    from corridor_sim.experiment.stats import _t_quantile

    for q in (0.95, 0.975, 0.995, 0.5 + 0.9 / 2):
        for dof in [*range(1, 400), 1.5, 2.7, 10.123456, 37.9, 3.3e3, 1e6]:
            assert _t_quantile(q, dof) == float(stats.t.ppf(q, dof)), (q, dof)
