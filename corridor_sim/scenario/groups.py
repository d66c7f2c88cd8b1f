"""Flow groups: flows reported together (`group:` on a flow), and what their shippers are promised.

A group's `promised_days` is the transit its flows are sold at, from their train, truck or vessel
leaving the origin (the clock of published transit times, TD1): a flow's own `promised_days` comes
first. The on-time share of a flow or group is the share of its deliveries within the promise.
"""

from __future__ import annotations

from pydantic import Field

from .display import Displayed
from .types import PositiveFloat


class FlowGroup(Displayed):
    promised_days: PositiveFloat | None = Field(default=None, description="Transit promised to the group's "
                                                                          "flows, from leaving the origin.")
