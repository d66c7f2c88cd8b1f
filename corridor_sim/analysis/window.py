"""The measured window of a run: after the warm-up, until the end of the horizon.

Records carry simulated hours since the start of the warm-up, and the scenario's
`start_date` is the calendar date of hour 0. What a run measured is what happened
inside the window; a figure puts it on the calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:   # calendar dates for the figures: a run's own analysis needs no pandas
    import pandas as pd


@dataclass(frozen=True)
class Window:
    start: dt.datetime      # the calendar date of simulated hour 0 (the start of the warm-up)
    warmup_days: float
    horizon_days: float     # the measured days after the warm-up

    @classmethod
    def of(cls, scenario: dict, start_date=None) -> Window:
        """The window of a resolved scenario; `start_date` (a summary's) when given, else the scenario's."""
        start = dt.datetime.fromisoformat(str(start_date or scenario["start_date"]))
        return cls(start, float(scenario["warmup_days"]), float(scenario["horizon_days"]))

    @property
    def warmup_hours(self) -> float:
        return self.warmup_days * 24.0

    @property
    def end_hours(self) -> float:
        return (self.warmup_days + self.horizon_days) * 24.0

    @property
    def per_year(self) -> float:
        """What turns a total over the window into a rate per year."""
        return 365.0 / self.horizon_days

    def date(self, hours) -> pd.DatetimeIndex:
        """Simulated hours as calendar datetimes."""
        import pandas as pd

        return pd.Timestamp(self.start) + pd.to_timedelta(np.asarray(hours, dtype=float), unit="h")

    def months(self) -> pd.PeriodIndex:
        """The calendar months the window touches, first to last."""
        import pandas as pd

        first = self.date([self.warmup_hours])[0]
        last = self.date([self.end_hours - 1e-6])[0]
        return pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")


def window_deliveries(deliveries: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The deliveries of the measured window (after the warm-up, before the end)."""
    d = deliveries
    return d[(d.delivered >= window.warmup_hours) & (d.delivered < window.end_hours)]


def window_transit(deliveries: pd.DataFrame, window: Window) -> pd.DataFrame:
    """The window's deliveries with their door-to-door transit in `days` (generation to delivery)."""
    d = window_deliveries(deliveries, window)
    return d.assign(days=(d.delivered - d.created) / 24.0)
