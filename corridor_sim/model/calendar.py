"""Calendar months in simulated hours, and processes whose rate varies by month.

Demand seasonality and weather closures are given per calendar month; a
non-homogeneous Poisson process with a piecewise-constant rate is simulated by
inverting its cumulative rate (unit-exponential work spent month by month).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right


class Calendar:
    def __init__(self, start_date: dt.date, span_hours: float):
        self.start_date = start_date
        starts = [0.0]
        months = [start_date.month - 1]
        day = start_date
        while starts[-1] <= span_hours:
            nxt = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
            starts.append((nxt - start_date).days * 24.0)
            months.append(nxt.month - 1)
            day = nxt
        self.starts = starts          # hour at which each calendar month begins (first may be mid-month)
        self.months = months          # 0 = January

    def month_at(self, t: float) -> int:
        return self.months[bisect_right(self.starts, t) - 1]

    def next_event(self, t: float, work: float, rate_by_month: list[float]) -> float:
        """The time at which a process of monthly rates (per hour) has done `work` after t.

        Returns inf if the rate stays zero for the rest of the calendar.
        """
        i = bisect_right(self.starts, t) - 1
        while i < len(self.starts):
            rate = rate_by_month[self.months[i]]
            end = self.starts[i + 1] if i + 1 < len(self.starts) else float("inf")
            if rate > 0:
                reach = t + work / rate
                if reach <= end:
                    return reach
                work -= (end - t) * rate
            t = end
            i += 1
        return float("inf")
