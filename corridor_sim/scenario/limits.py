"""How much work one run may ask for before its scenario is taken for a typo.

A unit slip (1e12 t/yr for 1e6, `mtbf_hours: 1e-4`, `horizon_days: 1000000`, a timetable every
0.001 h) passes every type check and then runs for hours or takes all the memory. So the work
of a run is estimated from the scenario's fields before anything runs (`workload.py`) and held
against these limits; a scenario over one is refused with the field that drives it.

The defaults are far above every shipped scenario and benchmark (see `corridor-sim validate`
on them; a 20-year run of the 2024 baseline is well inside them). A real long study raises them in its
file (`limits: {events: 1e9}`) or for one run (`--set limits.memory_mb=8000`).
"""

from __future__ import annotations

from pydantic import Field

from .types import PositiveFloat, Strict

# A century: the longest study that still reads as one (a 20-year run of the baseline takes a minute).
DEFAULT_DAYS = 36_525
# About two minutes of simulation: the engine handles 100,000-200,000 events a second on one core.
DEFAULT_EVENTS = 20_000_000
# What the run itself may hold (consignments, daily samples), beyond the ~150 MB of the loaded libraries.
DEFAULT_MEMORY_MB = 2_048


class Limits(Strict):
    """The largest run a scenario may ask for, as estimated from its fields before it runs."""

    days: PositiveFloat = Field(default=DEFAULT_DAYS, description="Simulated days of the whole run "
                                "(warmup_days + horizon_days).")
    events: PositiveFloat = Field(default=DEFAULT_EVENTS, description="Simulation events of the whole run "
                                  "(warm-up included), estimated element by element: the run time.")
    memory_mb: PositiveFloat = Field(default=DEFAULT_MEMORY_MB, description="Memory the run may need (MB): "
                                     "every consignment waiting at once, and the daily samples of every resource.")
