"""A pipeline (BTC, with a shipper's quota): one server whose service time is the parcel.

A parcel of t tonnes occupies the pipeline for t / throughput hours (pumping it
in), then travels to the far end without holding it: the throughput caps the
tonnes per year, the transit time delays each parcel.
"""

from __future__ import annotations

from dataclasses import dataclass

from .distributions import Sampler
from .server import Server

HOURS_PER_YEAR = 365.0 * 24.0


@dataclass
class Pipeline:
    server: Server
    tonnes_per_hour: float
    travel: Sampler

    def pump(self, env, c):
        """Process step: wait for the pipeline, pump the parcel in."""
        req = self.server.seize(c.tonnes)
        if req is not None:
            yield req
        start = env.now
        yield env.timeout(c.tonnes / self.tonnes_per_hour)
        self.server.release()
        c.served(start, env.now)
