"""Disruptions: scheduled closures and random breakdowns of any resource.

A breakdown takes one server (a track, a berth, a rail path, a vessel) out of
order for an exponential repair time, after an exponential time in service
(mean time between failures, per server). A closure takes them all for a
calendar window. Work in progress finishes; nothing new starts on a missing
server. A port closure stops vessels entering and leaving, as a storm does.
"""

from __future__ import annotations

import datetime as dt

import simpy

from ..scenario.schema import Disruption
from .distributions import UnitExponential
from .server import Server


def window_hours(start_date: dt.date, window) -> tuple[float, float]:
    return ((window.start - start_date).days * 24.0, (window.end - start_date).days * 24.0)


class ServerOutages:
    """Closures and breakdowns of servers that share their fate (e.g. both directions of a section)."""

    def __init__(self, env: simpy.Environment, servers: list[Server]):
        self.env = env
        self.servers = servers
        self.nominal = servers[0].nominal
        self.closed = 0
        self.broken = 0

    def _apply(self) -> None:
        available = 0 if self.closed else max(0, self.nominal - self.broken)
        for s in self.servers:
            s.set_available(available)

    def close(self) -> None:
        self.closed += 1
        self._apply()

    def reopen(self) -> None:
        self.closed -= 1
        self._apply()

    def fail(self) -> None:
        self.broken += 1
        self._apply()

    def repair(self) -> None:
        self.broken -= 1
        self._apply()

    @property
    def units(self) -> int:
        return self.nominal


class VesselOutages:
    """Breakdowns and withdrawals of the vessels of a fleet: a vessel out of order stays in port."""

    def __init__(self, env: simpy.Environment, vessels: list):
        self.env = env
        self.vessels = vessels
        self.closed = 0
        self._next = 0

    def close(self) -> None:
        self.closed += 1
        for v in self.vessels:
            v.take_out_of_service()

    def reopen(self) -> None:
        self.closed -= 1
        for v in self.vessels:
            v.return_to_service()

    def fail(self, k: int) -> None:
        self.vessels[k].take_out_of_service()

    def repair(self, k: int) -> None:
        self.vessels[k].return_to_service()

    @property
    def units(self) -> int:
        return len(self.vessels)


class PortOutages:
    """A port closed for a window or by random events (strikes, accidents): no vessel in or out."""

    def __init__(self, weather):
        self.weather = weather

    def close(self) -> None:
        self.weather.close()

    def reopen(self) -> None:
        self.weather.reopen()

    def fail(self, _k: int = 0) -> None:
        self.weather.close()

    def repair(self, _k: int = 0) -> None:
        self.weather.reopen()

    @property
    def units(self) -> int:
        return 1


def start_disruption(env: simpy.Environment, spec: Disruption, target, start_date: dt.date, draws) -> None:
    """Start the processes of one disruption. `draws(k)` gives the Exp(1) stream of unit k."""
    for window in spec.closures:
        env.process(_closure(env, target, *window_hours(start_date, window)))
    if spec.mtbf_hours is not None:
        for k in range(target.units):
            env.process(_breakdowns(env, target, k, spec.mtbf_hours, spec.mttr_hours, draws(k)))


def _closure(env, target, start: float, end: float):
    if end <= env.now:
        return
    if start > env.now:
        yield env.timeout(start - env.now)
    target.close()
    yield env.timeout(end - env.now)
    target.reopen()


def _breakdowns(env, target, k: int, mtbf: float, mttr: float, draw: UnitExponential):
    single = isinstance(target, ServerOutages)
    while True:
        yield env.timeout(draw() * mtbf)
        target.fail() if single else target.fail(k)
        yield env.timeout(draw() * mttr)
        target.repair() if single else target.repair(k)
