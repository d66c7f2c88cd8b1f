"""Durations in a scenario: a fixed number of hours, or a distribution of them.

A bare number is a fixed duration (`service_hours: 4.25`); a mapping names its
distribution by `dist` and gives its parameters (`{dist: lognormal, mean: 12, cv: 1}`).
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .types import Number, Strict

# Hours a duration may last: a hundred thousand years is "never" already, and a bound keeps every parameter of
# a distribution (a gamma's scale is mean x cv**2) a finite number.
MAX_HOURS = 1e9
Hours = Annotated[Number, Field(ge=0, le=MAX_HOURS)]
PositiveHours = Annotated[Number, Field(gt=0, le=MAX_HOURS)]


# --------------------------------------------------------------------------
# Service-time distributions (hours)
# --------------------------------------------------------------------------


class Deterministic(Strict):
    """A fixed duration."""

    dist: Literal["deterministic"]
    value: Hours


class Exponential(Strict):
    """Memoryless durations: the M in M/M/c."""

    dist: Literal["exponential"]
    mean: PositiveHours


# A coefficient of variation from next to nothing (a `deterministic` duration says that better) to a tail
# heavier than any dwell's: outside it the parameters of the distributions overflow (cv**2 of 1e-200 is 0,
# of 1e200 infinite) and the draws are NaN.
CV = Annotated[Number, Field(ge=1e-6, le=100)]


class Lognormal(Strict):
    """Right-skewed dwell times (border and port dwell), by mean and coefficient of variation."""

    dist: Literal["lognormal"]
    mean: PositiveHours
    cv: CV


class Gamma(Strict):
    """Gamma (Erlang when 1/cv² is whole) by mean and coefficient of variation."""

    dist: Literal["gamma"]
    mean: PositiveHours
    cv: CV


class Uniform(Strict):
    dist: Literal["uniform"]
    low: Hours
    high: Hours

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if self.high < self.low:
            raise ValueError("high must be >= low")
        return self


class Triangular(Strict):
    dist: Literal["triangular"]
    low: Hours
    mode: Hours
    high: Hours

    @model_validator(mode="after")
    def _ordered(self) -> "Triangular":
        if not (self.low <= self.mode <= self.high) or self.low == self.high:
            raise ValueError("need low <= mode <= high and low < high")
        return self


DistributionSpec = Annotated[
    Union[Deterministic, Exponential, Lognormal, Gamma, Uniform, Triangular],
    Field(discriminator="dist"),
]
# A bare number is a fixed duration: `service_hours: 4.25`.
Duration = Union[Hours, DistributionSpec]


def mean_of(d: Duration) -> float:
    """Mean of a duration spec, for static capacity estimates."""
    if isinstance(d, (int, float)):
        return float(d)
    if isinstance(d, Deterministic):
        return d.value
    if isinstance(d, (Uniform,)):
        return (d.low + d.high) / 2
    if isinstance(d, Triangular):
        return (d.low + d.mode + d.high) / 3
    return d.mean


# The fields of each distribution that are times (scaled with it); the others (cv) are shapes.
_TIMES = {Deterministic: ("value",), Exponential: ("mean",), Lognormal: ("mean",), Gamma: ("mean",),
          Uniform: ("low", "high"), Triangular: ("low", "mode", "high")}


def scaled(d: Duration, factor: float) -> Duration:
    """The duration `factor` times as long, of the same shape: a number scaled, a distribution's
    times (mean, value, low, mode, high) scaled and its coefficient of variation kept — so a
    border's lognormal dwell made 25% shorter stays as variable relative to its mean."""
    if isinstance(d, (int, float)):
        return float(d) * factor
    return d.model_copy(update={name: getattr(d, name) * factor for name in _TIMES[type(d)]})


def as_yaml_value(d: Duration) -> float | dict:
    """A duration as a scenario file writes it: a number, or the mapping of its distribution."""
    return float(d) if isinstance(d, (int, float)) else d.model_dump()
