"""Samplers for the duration specs of a scenario, drawing from one named stream each.

Draws are made in blocks: one numpy call per few thousand samples instead of one
per event keeps the random numbers off the simulation's hot path.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..scenario.durations import (
    Deterministic,
    Duration,
    Exponential,
    Gamma,
    Lognormal,
    Triangular,
    Uniform,
)

_BLOCK = 4096


class Sampler:
    """Draws durations (hours) of one distribution from one stream."""

    __slots__ = ("_draw_block", "_buf", "_i", "constant", "scale")

    def __init__(self, spec: Duration, rng: np.random.Generator, scale: float = 1.0):
        """`scale` multiplies every duration (e.g. a scenario's dwell factor)."""
        self.constant: float | None = None
        self.scale = scale
        self._buf: list[float] = []
        self._i = 0
        self._draw_block = _block_drawer(spec, rng)
        if self._draw_block is None:
            self.constant = float(spec.value if isinstance(spec, Deterministic) else spec) * scale

    def __call__(self) -> float:
        if self.constant is not None:
            return self.constant
        if self._i >= len(self._buf):
            block = self._draw_block(_BLOCK)
            self._buf = (block * self.scale if self.scale != 1.0 else block).tolist()
            self._i = 0
        v = self._buf[self._i]
        self._i += 1
        return v


def _block_drawer(spec: Duration, rng: np.random.Generator) -> Callable[[int], np.ndarray] | None:
    if isinstance(spec, (int, float)) or isinstance(spec, Deterministic):
        return None
    if isinstance(spec, Exponential):
        return lambda n: rng.exponential(spec.mean, n)
    if isinstance(spec, Lognormal):
        sigma2 = math.log1p(spec.cv**2)
        mu = math.log(spec.mean) - sigma2 / 2
        return lambda n: rng.lognormal(mu, math.sqrt(sigma2), n)
    if isinstance(spec, Gamma):
        shape = 1.0 / spec.cv**2
        return lambda n: rng.gamma(shape, spec.mean / shape, n)
    if isinstance(spec, Uniform):
        return lambda n: rng.uniform(spec.low, spec.high, n)
    if isinstance(spec, Triangular):
        return lambda n: rng.triangular(spec.low, spec.mode, spec.high, n)
    raise TypeError(f"unknown duration spec {spec!r}")


class UnitExponential:
    """Exp(1) draws in blocks: the unit work of a Poisson process or a weather spell."""

    __slots__ = ("_rng", "_buf", "_i")

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0

    def __call__(self) -> float:
        if self._i >= len(self._buf):
            self._buf = self._rng.standard_exponential(_BLOCK).tolist()
            self._i = 0
        v = self._buf[self._i]
        self._i += 1
        return v
