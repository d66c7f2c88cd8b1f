"""The building blocks of the scenario's types: numbers that are not booleans, bounded counts, seeds,
calendar dates that are not numbers, ids, a strict base model."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field


def _not_bool(value):
    # YAML reads `yes`, `on` and `true` as booleans, and Python counts True as 1:
    # `servers: on` must be an error, not one server.
    if isinstance(value, bool):
        raise ValueError("expected a number, not true/false")
    return value


def _not_a_number(value):
    # pydantic takes a number for a date as a Unix timestamp: `start_date: 1704067200` would silently be
    # 2024-01-01, and `start_date: 2024` the first days of 1970. A scenario writes dates as dates.
    if isinstance(value, (bool, int, float)):
        raise ValueError(f"expected a date such as 2024-01-01, not the number {value!r}")
    return value


def _in_seed_range(value: int) -> int:
    if not 0 <= value <= MAX_SEED:
        raise ValueError(f"a seed is a whole number from 0 to 2**63 - 1 (stored as a 64-bit integer), not {value}")
    return value


# The largest count a scenario may give (servers, berths, vessels, wagons): far beyond any corridor, and small
# enough that every sum and product of counts stays an exact float.
MAX_COUNT = 10**9
# Seeds are stored as 64-bit signed integers (runs.parquet, results tables): 0 … 2**63 − 1.
MAX_SEED = 2**63 - 1

Number = Annotated[float, BeforeValidator(_not_bool)]
Whole = Annotated[int, BeforeValidator(_not_bool)]
PositiveFloat = Annotated[Number, Field(gt=0)]
NonNegativeFloat = Annotated[Number, Field(ge=0)]
PositiveInt = Annotated[Whole, Field(gt=0, le=MAX_COUNT)]
# The range is checked with its own message, and written for editors in JSON Schema's words.
Seed = Annotated[Whole, AfterValidator(_in_seed_range), Field(json_schema_extra={"minimum": 0, "maximum": MAX_SEED})]
CalendarDate = Annotated[dt.date, BeforeValidator(_not_a_number)]
# Ids are keys of field paths (`nodes.dostyk.station`): no dots in them.
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")]


class Strict(BaseModel):
    # Unknown keys are errors; .inf and .nan (valid YAML floats) are not numbers a corridor has.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
