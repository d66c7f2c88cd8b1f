"""Port berths: each berth group of a port is a multi-server station held by a vessel.

A vessel holds a berth while it loads or unloads (and while it waits alongside
for cargo or weather, see `vessels.py`). Fleets of the same unit calling at a
port share its berth group of that unit. A group is built when first needed —
by a fleet's port end, or by a disruption of a group no fleet uses — so that
resources keep the order in which the scenario's elements are built.
"""

from __future__ import annotations

from ..scenario.schema import BerthGroup
from .context import ModelContext
from .server import Server


class PortBerths:
    """The berth groups of every port, by (port, group id)."""

    def __init__(self, ctx: ModelContext):
        self.ctx = ctx
        self._groups: dict[tuple[str, str], Server] = {}

    def group(self, port: str, group_id: str) -> Server:
        key = (port, group_id)
        server = self._groups.get(key)
        if server is None:
            spec = self.ctx.scenario.nodes[port].berths[group_id]
            server = self.ctx.server(f"berths:{port}.{group_id}", "berth", f"nodes.{port}.berths.{group_id}",
                                     spec.count, (port,))
            server.monitor.track_work()   # occupied is not working: a vessel may hold it waiting
            self._groups[key] = server
        return server

    def handling(self, port: str, unit: str) -> tuple[str, BerthGroup]:
        """The berth group of `port` that handles `unit` (wagons, TEU, tonnes): its id and spec."""
        return next((g, b) for g, b in self.ctx.scenario.nodes[port].berths.items() if b.handles == unit)
